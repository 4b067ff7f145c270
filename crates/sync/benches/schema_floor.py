#!/usr/bin/env python3
"""What SQLite itself needs to store 100k orders under three table layouts (docs/BENCHMARKS.md,
"What the schema allows"). Input: the database a bulk_import run kept:

    SHOPDESK_BENCH_KEEP=1 cargo bench -p shopdesk-sync --bench bulk_import
    python3 crates/sync/benches/schema_floor.py /tmp/shopdesk-bulk-bench-<pid>/bulk.sqlite

For each layout the sqlite3 CLI copies the same orders, in transactions of 1,000 orders, from a
prepared source file into a fresh WAL database (synchronous=NORMAL, the import's cache and
checkpoint settings, foreign keys on, lookup indexes and full-text index left out as during the
import), then checkpoints. Only that copy is timed.

  text-keys - the tables before 2026-12-07: TEXT gid keys, children as rows
  int-keys  - today's tables: Shopify's numeric ids as INTEGER PRIMARY KEY, children as rows
  one-row   - one row per order, line items/fulfillments/refunds as JSON columns
"""
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

BATCH = 1000
CHILDREN = ["fulfillments", "fulfillment_tracking", "refunds", "line_items"]


def sqlite(db, script):
    done = subprocess.run(["sqlite3", db], input=script, text=True, capture_output=True)
    if done.returncode or done.stderr:
        sys.exit(f"sqlite3 {db}: {done.stderr.strip()}")
    return done.stdout


def prepare_source(imported, source):
    """The imported rows, each tagged with its batch number `bn`, in three layouts."""
    gid = lambda col, kind: f"'gid://shopify/{kind}/' || {col}"
    sqlite(source, f"""
ATTACH '{imported}' AS b;
CREATE TABLE shops AS SELECT * FROM b.shops;
CREATE TABLE orders AS SELECT (row_number() OVER (ORDER BY id) - 1) / {BATCH} AS bn, *
  FROM b.orders ORDER BY id;
CREATE INDEX orders_id ON orders(id);
CREATE TABLE line_items AS SELECT o.bn, l.* FROM b.line_items l JOIN orders o ON o.id = l.order_id
  ORDER BY l.order_id, l.position;
CREATE TABLE fulfillments AS SELECT o.bn, f.* FROM b.fulfillments f JOIN orders o ON o.id = f.order_id;
CREATE TABLE fulfillment_tracking AS SELECT f.bn, t.* FROM b.fulfillment_tracking t
  JOIN fulfillments f ON f.id = t.fulfillment_id;
CREATE TABLE refunds AS SELECT o.bn, r.* FROM b.refunds r JOIN orders o ON o.id = r.order_id;
CREATE INDEX li_order ON line_items(order_id); CREATE INDEX f_order ON fulfillments(order_id);
CREATE INDEX t_f ON fulfillment_tracking(fulfillment_id); CREATE INDEX r_order ON refunds(order_id);

CREATE TABLE t_orders AS SELECT bn, {gid('id', 'Order')} AS id, shop_id,
  {gid('customer_id', 'Customer')} AS customer_id, name, email, created_at, processed_at,
  updated_at, cancelled_at, cancel_reason, closed_at, financial_status, fulfillment_status,
  currency_code, presentment_currency_code, subtotal_amount, shipping_amount, tax_amount,
  total_amount, current_total_amount, refunded_amount, presentment_total_amount, note, tags,
  shipping_address, status_page_url FROM orders;
CREATE TABLE t_line_items AS SELECT bn, {gid('id', 'LineItem')} AS id,
  {gid('order_id', 'Order')} AS order_id, position, name, sku, variant_title, quantity,
  current_quantity, refundable_quantity, unfulfilled_quantity, unit_price_amount, currency_code,
  variant_id, product_id FROM line_items;
CREATE TABLE t_fulfillments AS SELECT bn, {gid('id', 'Fulfillment')} AS id,
  {gid('order_id', 'Order')} AS order_id, status, display_status, created_at, delivered_at
  FROM fulfillments;
CREATE TABLE t_fulfillment_tracking AS SELECT bn,
  {gid('fulfillment_id', 'Fulfillment')} AS fulfillment_id, position, company, number, url
  FROM fulfillment_tracking;
CREATE TABLE t_refunds AS SELECT bn, {gid('id', 'Refund')} AS id,
  {gid('order_id', 'Order')} AS order_id, created_at, note, amount, currency_code FROM refunds;

CREATE TABLE j_orders AS SELECT o.*,
  (SELECT json_group_array(json_array(l.id, l.position, l.name, l.sku, l.variant_title,
     l.quantity, l.current_quantity, l.refundable_quantity, l.unfulfilled_quantity,
     l.unit_price_amount, l.currency_code, l.variant_id, l.product_id))
   FROM line_items l WHERE l.order_id = o.id) AS items,
  (SELECT json_group_array(json_array(f.id, f.status, f.display_status, f.created_at,
     f.delivered_at, (SELECT json_group_array(json_array(t.company, t.number, t.url))
                      FROM fulfillment_tracking t WHERE t.fulfillment_id = f.id)))
   FROM fulfillments f WHERE f.order_id = o.id) AS fulfillment_list,
  (SELECT json_group_array(json_array(r.id, r.created_at, r.note, r.amount, r.currency_code))
   FROM refunds r WHERE r.order_id = o.id) AS refund_list
  FROM orders o;
""")
    for table in ["orders", "t_orders", "j_orders"] + CHILDREN + ["t_" + c for c in CHILDREN]:
        sqlite(source, f"CREATE INDEX {table}_bn ON {table}(bn);")


def schema(imported, layout):
    """CREATE TABLE statements of the commerce tables, as the store makes them."""
    tables = ["shops", "orders"] + CHILDREN
    sql = sqlite(imported, "".join(
        f"SELECT sql || ';' FROM sqlite_master WHERE type = 'table' AND name = '{t}';\n"
        for t in tables))
    if layout == "text-keys":
        for column in ["id", "order_id", "fulfillment_id", "customer_id"]:
            sql = re.sub(rf"\b{column}(\s+)INTEGER", rf"{column}\1TEXT", sql)
        sql = sql.replace(", WITHOUT ROWID", "")
    if layout == "one-row":
        sql = sql.split("CREATE TABLE line_items")[0]
        sql = re.sub(r"(status_page_url\s+TEXT)", r"\1, items TEXT, fulfillment_list TEXT, "
                     r"refund_list TEXT", sql, count=1)
    return sql


def columns(source, table):
    names = sqlite(source, f"SELECT name FROM pragma_table_info('{table}') WHERE name <> 'bn';")
    return ", ".join(names.split())


def copy(source, imported, layout, batches, workdir):
    db = os.path.join(workdir, f"{layout}.sqlite")
    sqlite(db, "PRAGMA journal_mode=WAL;\n" + schema(imported, layout))
    prefix = {"text-keys": "t_", "int-keys": "", "one-row": "j_"}[layout]
    tables = ["orders"] + ([] if layout == "one-row" else CHILDREN)
    lines = ["PRAGMA synchronous=NORMAL;", "PRAGMA foreign_keys=ON;", "PRAGMA cache_size=-64000;",
             "PRAGMA wal_autocheckpoint=16000;", f"ATTACH '{source}' AS s;",
             "INSERT INTO main.shops SELECT * FROM s.shops;"]
    cols = {t: columns(source, prefix + t) for t in tables}
    for batch in range(batches):
        lines.append("BEGIN;")
        for t in tables:
            lines.append(f"INSERT INTO main.{t} SELECT {cols[t]} FROM s.{prefix}{t} WHERE bn = {batch};")
        lines.append("COMMIT;")
    lines.append("PRAGMA wal_checkpoint(TRUNCATE);")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    sqlite(db, "\n".join(lines))
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, os.path.getsize(db)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    imported = os.path.abspath(sys.argv[1])
    orders = int(sqlite(imported, "SELECT count(*) FROM orders;"))
    batches = (orders + BATCH - 1) // BATCH
    with tempfile.TemporaryDirectory(prefix="shopdesk-schema-floor-") as workdir:
        source = os.path.join(workdir, "source.sqlite")
        prepare_source(imported, source)
        print(f"{orders} orders, load average {open('/proc/loadavg').read().split()[:3]}")
        for layout in ["text-keys", "int-keys", "one-row"]:
            wall, cpu, size = copy(source, imported, layout, batches, workdir)
            print(f"{layout:9s} {wall:6.2f} s = {orders / wall:8.0f} orders/s "
                  f"({cpu:.2f} CPU s), file {size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
