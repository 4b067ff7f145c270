//! Writing a bulk export (initial sync) in batches: each batch of records is one transaction
//! together with the position in the file it reaches, so a crash resumes at the next line and
//! never writes a line twice.
//!
//! Orders are upserted as they come (with their inline fulfillments and refunds), which also
//! clears line items left by an earlier sync. A line item whose order was already written by
//! this import goes straight into `line_items`; one that may precede its order (Shopify's
//! ungrouped JSONL promises no order) is staged in `bulk_import_line_items` and moved into
//! `line_items`, in file order, when the import finishes.

mod checkpointer;
mod deferred;
mod search_beside;

pub(crate) use checkpointer::Checkpointer;
pub use deferred::IndexesRestored;

use rusqlite::{params, OptionalExtension, Transaction};

use crate::commerce::upsert_customer;
use crate::gid::{number, Kind};
use crate::order_rows::{LineItemRow, OrderRow};
use crate::order_writer::{bind_line_item, insert_line_items_sql, OrderWriter};
use crate::sync_state::{write_checkpoint, SyncCheckpoint};
use crate::{CustomerRecord, LineItemRecord, Result, Store};

/// The resource whose imports stage line items.
const ORDERS: &str = "orders";

/// Where an import stands (one per shop and resource).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkImportState {
    pub shop_id: String,
    /// "orders" or "customers".
    pub resource: String,
    /// The bulk operation whose file is being imported.
    pub operation_id: String,
    /// Lines of the file written, and the byte offset of the next line.
    pub lines_done: u64,
    pub bytes_done: u64,
    /// Orders or customers written.
    pub records_done: u64,
    /// Highest `updatedAt` written: the sync watermark once the import finishes.
    pub max_updated_at: Option<String>,
    pub started_at: String,
    pub finished_at: Option<String>,
}

/// A line item of a bulk export, written into place or staged until the end of the import.
#[derive(Debug, Clone, PartialEq)]
pub struct StagedLineItem {
    /// Its line number in the file (keeps the order of an order's items).
    pub seq: u64,
    /// The order's number (N of `gid://shopify/Order/N`).
    pub order_id: i64,
    pub item: LineItemRow,
}

impl StagedLineItem {
    /// Checks both ids; `order_id` is the order's gid.
    pub fn new(seq: u64, order_id: &str, item: LineItemRecord) -> Result<Self> {
        Ok(StagedLineItem {
            seq,
            order_id: number(Kind::Order, order_id)?,
            item: LineItemRow::new(item)?,
        })
    }
}

/// What finishing an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BulkImportFinish {
    /// Line items moved into `line_items`.
    pub line_items: u64,
    /// Line items whose order never came (or could not be stored): dropped.
    pub orphans: u64,
}

impl Store {
    pub fn bulk_import_state(
        &self,
        shop_id: &str,
        resource: &str,
    ) -> Result<Option<BulkImportState>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT operation_id, lines_done, bytes_done, records_done, max_updated_at,
                        started_at, finished_at
                 FROM bulk_imports WHERE shop_id = ?1 AND resource = ?2",
                [shop_id, resource],
                |r| {
                    Ok(BulkImportState {
                        shop_id: shop_id.to_string(),
                        resource: resource.to_string(),
                        operation_id: r.get(0)?,
                        lines_done: r.get::<_, i64>(1)? as u64,
                        bytes_done: r.get::<_, i64>(2)? as u64,
                        records_done: r.get::<_, i64>(3)? as u64,
                        max_updated_at: r.get(4)?,
                        started_at: r.get(5)?,
                        finished_at: r.get(6)?,
                    })
                },
            )
            .optional()?)
    }

    /// Starts importing a new file: the state is reset to `state` (normally at line 0) and
    /// line items staged by an earlier, abandoned import are dropped.
    pub fn start_bulk_import(&mut self, state: &BulkImportState) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        if state.resource == ORDERS {
            tx.execute("DELETE FROM bulk_import_line_items", [])?;
        }
        write_state(&tx, state)?;
        tx.commit()?;
        Ok(())
    }

    /// Gives up an unfinished import (its resource is copied another way): it will not be
    /// continued, and its staged line items are dropped.
    pub fn abandon_bulk_import(&mut self, shop_id: &str, resource: &str) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        let changed = tx.execute(
            "UPDATE bulk_imports SET finished_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
             WHERE shop_id = ?1 AND resource = ?2 AND finished_at IS NULL",
            [shop_id, resource],
        )?;
        if changed > 0 && resource == ORDERS {
            tx.execute("DELETE FROM bulk_import_line_items", [])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// One batch of an orders export, in one transaction with the new position: orders
    /// (replacing earlier copies and their children), `line_items` whose order was written
    /// earlier in this import (straight into `line_items`), and `staged` ones whose order may
    /// still come.
    pub fn write_bulk_orders(
        &mut self,
        orders: &[OrderRow],
        line_items: &[StagedLineItem],
        staged: &[StagedLineItem],
        state: &BulkImportState,
    ) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        {
            let mut writer = OrderWriter::new(&tx)?;
            for order in orders {
                writer.write(order)?;
            }
            // REPLACE only guards against an item id an earlier sync stored under another order.
            insert_line_items(&tx, "line_items", "position", line_items)?;
            insert_line_items(&tx, "bulk_import_line_items", "seq", staged)?;
        }
        write_state(&tx, state)?;
        tx.commit()?;
        Ok(())
    }

    /// One batch of a customers export and the new position, in one transaction.
    pub fn write_bulk_customers(
        &mut self,
        customers: &[CustomerRecord],
        state: &BulkImportState,
    ) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        for customer in customers {
            upsert_customer(&tx, customer)?;
        }
        write_state(&tx, state)?;
        tx.commit()?;
        Ok(())
    }

    /// Ends an import in one transaction: staged line items move into `line_items` (those
    /// whose order is missing are dropped and counted), the import is marked finished, and the
    /// sync checkpoint gets the watermark, as a finished paginated pass would leave it.
    pub fn finish_bulk_import(
        &mut self,
        state: &BulkImportState,
        checkpoint: &SyncCheckpoint,
    ) -> Result<BulkImportFinish> {
        let tx = self.conn_mut().transaction()?;
        let staged: i64 = tx.query_row("SELECT count(*) FROM bulk_import_line_items", [], |r| {
            r.get(0)
        })?;
        // The order's upsert removed its earlier line items; REPLACE only guards against an
        // item id that an earlier sync stored under another order.
        let moved = tx.execute(
            "INSERT OR REPLACE INTO line_items (id, order_id, position, name, sku, variant_title,
                 quantity, current_quantity, refundable_quantity, unfulfilled_quantity,
                 unit_price_amount, currency_code, variant_id, product_id)
             SELECT s.id, s.order_id, s.seq, s.name, s.sku, s.variant_title, s.quantity,
                 s.current_quantity, s.refundable_quantity, s.unfulfilled_quantity,
                 s.unit_price_amount, s.currency_code, s.variant_id, s.product_id
             FROM bulk_import_line_items s
             WHERE EXISTS (SELECT 1 FROM orders o WHERE o.id = s.order_id)
             ORDER BY s.seq",
            [],
        )?;
        tx.execute("DELETE FROM bulk_import_line_items", [])?;
        let mut finished = state.clone();
        if finished.finished_at.is_none() {
            finished.finished_at = Some(checkpoint_time(&tx)?);
        }
        write_state(&tx, &finished)?;
        write_checkpoint(&tx, checkpoint)?;
        tx.commit()?;
        Ok(BulkImportFinish {
            line_items: moved as u64,
            orphans: (staged as u64).saturating_sub(moved as u64),
        })
    }

    /// Settings for a long import on this connection: a larger page cache, and WAL checkpoints
    /// made on another thread as the import goes (see `bulk_import/checkpointer.rs`), with this
    /// connection's own every ~64 MB instead of ~4 MB should that thread fall behind. Crash
    /// safety is unchanged (WAL, synchronous=NORMAL: every commit is in the log before the next
    /// one starts; a checkpoint only copies committed pages). Calling it again changes nothing.
    pub fn tune_for_bulk_import(&mut self) -> Result<()> {
        self.conn().pragma_update(None, "cache_size", -64_000)?;
        self.conn()
            .pragma_update(None, "wal_autocheckpoint", 16_000)?;
        if self.checkpointer.is_none() {
            self.checkpointer = self.path().and_then(|path| Checkpointer::start(&path));
        }
        Ok(())
    }

    /// Back to the defaults after an import, with a checkpoint that empties the WAL.
    pub fn end_bulk_import_tuning(&mut self) -> Result<()> {
        // Stopped (and waited for) before the checkpoint below empties the log.
        self.checkpointer.take();
        self.conn().pragma_update(None, "cache_size", -2_000)?;
        self.conn()
            .pragma_update(None, "wal_autocheckpoint", 1_000)?;
        self.conn()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

/// Line items per INSERT: one statement for many rows saves SQLite's per-statement work.
const LINE_ITEMS_PER_INSERT: usize = 64;

/// Inserts (or replaces) `items` into `table`, ordered by `position_column` (their file
/// line), [`LINE_ITEMS_PER_INSERT`] rows a statement.
fn insert_line_items(
    tx: &Transaction<'_>,
    table: &str,
    position_column: &str,
    items: &[StagedLineItem],
) -> Result<()> {
    for chunk in items.chunks(LINE_ITEMS_PER_INSERT) {
        let sql = insert_line_items_sql("INSERT OR REPLACE", table, position_column, chunk.len());
        let mut statement = tx.prepare_cached(&sql)?;
        for (row, staged) in chunk.iter().enumerate() {
            bind_line_item(
                &mut statement,
                row,
                staged.order_id,
                staged.seq as i64,
                &staged.item,
            )?;
        }
        statement.raw_execute()?;
    }
    Ok(())
}

fn write_state(tx: &Transaction<'_>, s: &BulkImportState) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO bulk_imports (shop_id, resource, operation_id, lines_done, bytes_done,
             records_done, max_updated_at, started_at, finished_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT(shop_id, resource) DO UPDATE SET operation_id = excluded.operation_id,
             lines_done = excluded.lines_done, bytes_done = excluded.bytes_done,
             records_done = excluded.records_done, max_updated_at = excluded.max_updated_at,
             started_at = excluded.started_at, finished_at = excluded.finished_at",
    )?
    .execute(params![
        s.shop_id,
        s.resource,
        s.operation_id,
        s.lines_done as i64,
        s.bytes_done as i64,
        s.records_done as i64,
        s.max_updated_at,
        s.started_at,
        s.finished_at,
    ])?;
    Ok(())
}

fn checkpoint_time(tx: &Transaction<'_>) -> Result<String> {
    Ok(
        tx.query_row("SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now')", [], |r| {
            r.get(0)
        })?,
    )
}
