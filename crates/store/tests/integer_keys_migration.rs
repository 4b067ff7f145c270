//! A store written before Shopify's numbers became the keys (migration 20261207_1700) opens
//! with every order, child, customer and ticket link kept, and search finds them.

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use shopdesk_store::{SearchKind, Store};

/// The migration files before the integer keys, in order: the schema an older Shopdesk left.
fn migrations_before_integer_keys() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".sql") && name.as_str() < "20261207_1700_integer_keys.sql")
        .collect();
    names.sort();
    names
        .iter()
        .map(|name| std::fs::read_to_string(dir.join(name)).unwrap())
        .collect()
}

/// Rows as the TEXT-keyed schema held them: two orders (one with children) and a customer.
const OLD_ROWS: &str = "
INSERT INTO shops VALUES ('gid://shopify/Shop/1', 'demo.myshopify.com', 'Demo', 'EUR', NULL);
INSERT INTO customers (id, shop_id, display_name, email, amount_spent, amount_spent_currency,
    tags, created_at, updated_at)
VALUES ('gid://shopify/Customer/7', 'gid://shopify/Shop/1', 'Zoë Quartermaine',
    'zoe@example.com', '42.50', 'EUR', 'vip', '2026-01-01T00:00:00Z', '2026-11-01T00:00:00Z');
INSERT INTO orders (id, shop_id, customer_id, name, email, created_at, processed_at, updated_at,
    financial_status, fulfillment_status, currency_code, presentment_currency_code,
    subtotal_amount, shipping_amount, tax_amount, total_amount, current_total_amount,
    refunded_amount, presentment_total_amount, tags)
VALUES
 ('gid://shopify/Order/5830442303672', 'gid://shopify/Shop/1', 'gid://shopify/Customer/7',
  '#1001', 'zoe@example.com', '2026-11-01T10:00:00Z', '2026-11-01T10:00:00Z',
  '2026-11-02T10:00:00Z', 'PARTIALLY_REFUNDED', 'FULFILLED', 'EUR', 'EUR', '40.00', '5.00',
  '0.00', '45.00', '35.00', '10.00', '45.00', 'gift'),
 ('gid://shopify/Order/12', 'gid://shopify/Shop/1', NULL, '#1002', NULL,
  '2026-11-03T10:00:00Z', '2026-11-03T10:00:00Z', '2026-11-03T10:00:00Z', 'PAID',
  'UNFULFILLED', 'EUR', 'EUR', '9.00', '0.00', '0.00', '9.00', '9.00', '0.00', '9.00', '');
INSERT INTO line_items VALUES
 ('gid://shopify/LineItem/90', 'gid://shopify/Order/5830442303672', 0, 'Mug', 'MUG-1', NULL,
  2, 2, 1, 0, '20.00', 'EUR', 'gid://shopify/ProductVariant/3', 'gid://shopify/Product/4');
INSERT INTO fulfillments VALUES ('gid://shopify/Fulfillment/55',
  'gid://shopify/Order/5830442303672', 'SUCCESS', 'DELIVERED', '2026-11-01T12:00:00Z', NULL);
INSERT INTO fulfillment_tracking VALUES ('gid://shopify/Fulfillment/55', 0, 'UPS', '1Z999', NULL);
INSERT INTO refunds VALUES ('gid://shopify/Refund/66', 'gid://shopify/Order/5830442303672',
  '2026-11-02T10:00:00Z', 'damaged', '10.00', 'EUR');
INSERT INTO tickets (id, token, subject, status, customer_email, created_at, last_message_at)
VALUES (1, 'SD-AAAA', 'Where is my mug?', 'open', 'zoe@example.com', '2026-11-04T10:00:00Z',
  '2026-11-04T10:00:00Z');
INSERT INTO ticket_orders (ticket_id, order_id, made_from_ticket) VALUES
 (1, 'gid://shopify/Order/5830442303672', 0), (1, 'gid://shopify/Order/999', 1);
";

/// A file at the schema version before the integer keys, holding [`OLD_ROWS`].
fn old_store(dir: &Path) -> PathBuf {
    let path = dir.join("old.sqlite");
    let conn = Connection::open(&path).unwrap();
    let before = migrations_before_integer_keys();
    for sql in &before {
        conn.execute_batch(sql).unwrap();
    }
    conn.pragma_update(None, "user_version", before.len() as i64)
        .unwrap();
    conn.execute_batch(OLD_ROWS).unwrap();
    path
}

#[test]
fn a_text_keyed_store_keeps_everything_through_the_migration() {
    let dir = tempfile::tempdir().unwrap();
    let path = old_store(dir.path());

    let store = Store::open(&path).unwrap();

    let order = store
        .order("gid://shopify/Order/5830442303672")
        .unwrap()
        .unwrap();
    assert_eq!(order.name, "#1001");
    assert_eq!(
        order.customer_id.as_deref(),
        Some("gid://shopify/Customer/7")
    );
    assert_eq!(order.refunded.to_string(), "10.00 EUR");
    assert_eq!(order.line_items.len(), 1);
    assert_eq!(order.line_items[0].id, "gid://shopify/LineItem/90");
    assert_eq!(
        order.line_items[0].variant_id.as_deref(),
        Some("gid://shopify/ProductVariant/3")
    );
    assert_eq!(order.fulfillments[0].id, "gid://shopify/Fulfillment/55");
    assert_eq!(
        order.fulfillments[0].tracking[0].number.as_deref(),
        Some("1Z999")
    );
    assert_eq!(order.refunds[0].id, "gid://shopify/Refund/66");
    let guest = store.order("gid://shopify/Order/12").unwrap().unwrap();
    assert_eq!(guest.customer_id, None);
    assert_eq!(
        store
            .customer("gid://shopify/Customer/7")
            .unwrap()
            .unwrap()
            .display_name,
        "Zoë Quartermaine"
    );
    assert_eq!(
        store
            .orders_for_customer("gid://shopify/Customer/7")
            .unwrap()
            .len(),
        1
    );
    // The link to an order the store never had is kept, after the one it has.
    assert_eq!(
        store.ticket_order_ids(1).unwrap(),
        [
            "gid://shopify/Order/5830442303672",
            "gid://shopify/Order/999"
        ]
    );

    let hits = store.search("quarter", 10).unwrap();
    assert!(hits
        .iter()
        .any(|h| h.kind == SearchKind::Customer && h.id == "gid://shopify/Customer/7"));
    let hits = store.search("1002", 10).unwrap();
    assert!(hits
        .iter()
        .any(|h| h.kind == SearchKind::Order && h.id == "gid://shopify/Order/12"));
    assert!(!store.search_index_rebuilding().unwrap());
}

#[test]
fn deleting_a_migrated_order_takes_its_children_and_search_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = old_store(dir.path());
    let mut store = Store::open(&path).unwrap();

    let deleted = store
        .delete_orders(&["gid://shopify/Order/5830442303672".into()], None)
        .unwrap();

    assert_eq!(deleted, 1);
    assert_eq!(
        store.order("gid://shopify/Order/5830442303672").unwrap(),
        None
    );
    assert!(!store
        .search("gift", 10)
        .unwrap()
        .iter()
        .any(|h| h.kind == SearchKind::Order));
    assert_eq!(store.orders_count().unwrap(), 1);
}

/// A file left in the middle of a bulk import (indexes and full-text triggers set aside)
/// comes out of the migration whole: everything recreated, nothing left set aside.
#[test]
fn a_file_left_mid_import_gets_its_indexes_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = old_store(dir.path());
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "INSERT INTO deferred_schema (name, type, sql)
               SELECT name, type, sql FROM sqlite_master
               WHERE name IN ('orders_name', 'customers_email', 'orders_ai', 'customers_ai');
             DROP INDEX orders_name; DROP INDEX customers_email;
             DROP TRIGGER orders_ai; DROP TRIGGER customers_ai;",
        )
        .unwrap();
    }

    let store = Store::open(&path).unwrap();

    assert!(!store.search_index_rebuilding().unwrap());
    let conn = Connection::open(&path).unwrap();
    let present: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master
             WHERE name IN ('orders_name', 'customers_email', 'orders_ai', 'customers_ai')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(present, 4);
    assert!(store
        .search("1002", 10)
        .unwrap()
        .iter()
        .any(|h| h.id == "gid://shopify/Order/12"));
}
