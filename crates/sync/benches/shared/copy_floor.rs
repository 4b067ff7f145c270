//! The tightest floor for the bulk import: the sqlite3 CLI copying the rows the import wrote
//! from that database (attached) into a fresh one with the same schema, by `INSERT … SELECT`,
//! one transaction per batch of orders as the import commits them. No SQL text is parsed
//! per row and no JSON is read: what is left is SQLite storing these rows, its WAL and
//! checkpoints, plus reading the source pages.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Writes the copy script for `orders` orders in batches of `batch` and returns its path.
/// The orders of a batch are a run of the source's order ids; their children follow them
/// through the source's `order_id` indexes.
pub fn copy_script(
    imported: &Path,
    dir: &Path,
    orders: u64,
    batch: u64,
) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let source = imported
        .to_str()
        .ok_or("the benchmark folder's path is not UTF-8")?
        .replace('\'', "''");
    let mut sql = String::from(
        "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\nPRAGMA foreign_keys=ON;\n\
         PRAGMA cache_size=-64000;\nPRAGMA wal_autocheckpoint=16000;\n",
    );
    writeln!(sql, "ATTACH '{source}' AS s;")?;
    sql.push_str("INSERT INTO main.shops SELECT * FROM s.shops;\n");
    let batch = batch.max(1);
    // Orders are keyed by their Shopify number: batch k is the k-th run of `batch` of them.
    writeln!(
        sql,
        "CREATE TEMP TABLE batch_of AS SELECT id, (row_number() OVER (ORDER BY id) - 1) / {batch} \
         AS k FROM s.orders;\nCREATE INDEX temp.batch_of_k ON batch_of(k, id);"
    )?;
    for k in 0..orders.div_ceil(batch) {
        let ids = format!("SELECT id FROM temp.batch_of WHERE k = {k}");
        writeln!(sql, "BEGIN;")?;
        writeln!(
            sql,
            "INSERT INTO main.orders SELECT * FROM s.orders WHERE id IN ({ids}) ORDER BY id;"
        )?;
        writeln!(
            sql,
            "INSERT INTO main.fulfillments SELECT * FROM s.fulfillments WHERE order_id IN ({ids});"
        )?;
        writeln!(
            sql,
            "INSERT INTO main.fulfillment_tracking SELECT * FROM s.fulfillment_tracking \
             WHERE fulfillment_id IN (SELECT id FROM s.fulfillments WHERE order_id IN ({ids}));"
        )?;
        writeln!(
            sql,
            "INSERT INTO main.refunds SELECT * FROM s.refunds WHERE order_id IN ({ids});"
        )?;
        writeln!(
            sql,
            "INSERT INTO main.line_items SELECT * FROM s.line_items WHERE order_id IN ({ids}) \
             ORDER BY order_id, position;"
        )?;
        writeln!(sql, "COMMIT;")?;
    }
    sql.push_str("DETACH s;\n");
    let path = dir.join("orders-copy.sql");
    std::fs::write(&path, sql)?;
    Ok(path)
}
