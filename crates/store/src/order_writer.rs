//! Writing orders with their line items, fulfillments and refunds: the one path every sync
//! (pages, bulk import) takes.
//!
//! It writes [`OrderRow`]s, made beforehand (on the reader thread, in a bulk import).
//! Statements are prepared once per transaction, not looked up per row, and an order the
//! store does not have yet is inserted without first deleting children it cannot have:
//! during a first copy that is nearly every order, and it saves three index seeks an order.

use rusqlite::{params, CachedStatement, Statement, ToSql, Transaction};

use crate::order_rows::{LineItemRow, OrderRow};
use crate::Result;

/// The columns of `orders`, in the order of [`OrderWriter::write`]'s parameters.
const ORDER_COLUMNS: &str = "id, shop_id, customer_id, name, email, created_at, processed_at,
    updated_at, cancelled_at, cancel_reason, closed_at, financial_status, fulfillment_status,
    currency_code, presentment_currency_code, subtotal_amount, shipping_amount, tax_amount,
    total_amount, current_total_amount, refunded_amount, presentment_total_amount, note, tags,
    shipping_address, status_page_url";
const ORDER_VALUES: &str = "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
    ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26";

/// Parameters of one line item row in [`insert_line_items_sql`].
const LINE_ITEM_PARAMETERS: usize = 14;

/// `$verb INTO $table (...) VALUES (...), ...` for `rows` line items; `table` is `line_items`
/// or the bulk import's staging table, whose ordering column is `position_column`. Row `i`'s
/// parameters are bound by [`bind_line_item`] with `row` `i`.
pub(crate) fn insert_line_items_sql(
    verb: &str,
    table: &str,
    position_column: &str,
    rows: usize,
) -> String {
    let row = format!("({})", vec!["?"; LINE_ITEM_PARAMETERS].join(", "));
    format!(
        "{verb} INTO {table} (id, order_id, {position_column}, name, sku, variant_title,
             quantity, current_quantity, refundable_quantity, unfulfilled_quantity,
             unit_price_amount, currency_code, variant_id, product_id)
         VALUES {}",
        vec![row; rows].join(", ")
    )
}

/// Binds the parameters of row number `row` (from 0) of an [`insert_line_items_sql`]
/// statement: item `item` of order number `order_id`.
pub(crate) fn bind_line_item(
    statement: &mut Statement<'_>,
    row: usize,
    order_id: i64,
    position: i64,
    item: &LineItemRow,
) -> Result<()> {
    let first = row * LINE_ITEM_PARAMETERS + 1;
    let record = &item.item;
    let values: [&dyn ToSql; LINE_ITEM_PARAMETERS] = [
        &item.id,
        &order_id,
        &position,
        &record.name,
        &record.sku,
        &record.variant_title,
        &record.quantity,
        &record.current_quantity,
        &record.refundable_quantity,
        &record.unfulfilled_quantity,
        &item.unit_price,
        &record.unit_price.currency.code(),
        &record.variant_id,
        &record.product_id,
    ];
    for (offset, value) in values.into_iter().enumerate() {
        statement.raw_bind_parameter(first + offset, value)?;
    }
    Ok(())
}

/// Upserts orders inside one transaction.
pub(crate) struct OrderWriter<'tx> {
    insert_new: CachedStatement<'tx>,
    update: CachedStatement<'tx>,
    delete_children: [CachedStatement<'tx>; 3],
    line_item: CachedStatement<'tx>,
    fulfillment: CachedStatement<'tx>,
    tracking: CachedStatement<'tx>,
    refund: CachedStatement<'tx>,
}

impl<'tx> OrderWriter<'tx> {
    pub(crate) fn new(tx: &'tx Transaction<'_>) -> Result<Self> {
        count_orders_write(tx)?;
        Ok(OrderWriter {
            insert_new: tx.prepare_cached(&format!(
                "INSERT INTO orders ({ORDER_COLUMNS}) VALUES ({ORDER_VALUES})
                 ON CONFLICT(id) DO NOTHING"
            ))?,
            // ON CONFLICT DO UPDATE keeps the rowid, which the full-text index points at.
            update: tx.prepare_cached(&format!(
                "INSERT INTO orders ({ORDER_COLUMNS}) VALUES ({ORDER_VALUES})
                 ON CONFLICT(id) DO UPDATE SET shop_id = excluded.shop_id,
                     customer_id = excluded.customer_id, name = excluded.name,
                     email = excluded.email, created_at = excluded.created_at,
                     processed_at = excluded.processed_at, updated_at = excluded.updated_at,
                     cancelled_at = excluded.cancelled_at,
                     cancel_reason = excluded.cancel_reason, closed_at = excluded.closed_at,
                     financial_status = excluded.financial_status,
                     fulfillment_status = excluded.fulfillment_status,
                     currency_code = excluded.currency_code,
                     presentment_currency_code = excluded.presentment_currency_code,
                     subtotal_amount = excluded.subtotal_amount,
                     shipping_amount = excluded.shipping_amount,
                     tax_amount = excluded.tax_amount, total_amount = excluded.total_amount,
                     current_total_amount = excluded.current_total_amount,
                     refunded_amount = excluded.refunded_amount,
                     presentment_total_amount = excluded.presentment_total_amount,
                     note = excluded.note, tags = excluded.tags,
                     shipping_address = excluded.shipping_address,
                     status_page_url = excluded.status_page_url
                 WHERE excluded.updated_at >= orders.updated_at"
            ))?,
            delete_children: [
                tx.prepare_cached("DELETE FROM line_items WHERE order_id = ?1")?,
                tx.prepare_cached("DELETE FROM fulfillments WHERE order_id = ?1")?,
                tx.prepare_cached("DELETE FROM refunds WHERE order_id = ?1")?,
            ],
            line_item: tx.prepare_cached(&insert_line_items_sql(
                "INSERT",
                "line_items",
                "position",
                1,
            ))?,
            fulfillment: tx.prepare_cached(
                "INSERT INTO fulfillments (id, order_id, status, display_status, created_at,
                     delivered_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?,
            tracking: tx.prepare_cached(
                "INSERT INTO fulfillment_tracking (fulfillment_id, position, company, number, url)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?,
            refund: tx.prepare_cached(
                "INSERT INTO refunds (id, order_id, created_at, note, amount, currency_code)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?,
        })
    }

    /// Inserts the order, or replaces the stored one and its children unless the stored one
    /// is newer (a page read before a later change was written never undoes it).
    pub(crate) fn write(&mut self, row: &OrderRow) -> Result<()> {
        let o = &row.record;
        let [subtotal, shipping, tax, total, current_total, refunded, presentment_total] =
            &row.amounts;
        let values = params![
            row.id,
            o.shop_id,
            row.customer_id,
            o.name,
            o.email,
            o.created_at,
            o.processed_at,
            o.updated_at,
            o.cancelled_at,
            o.cancel_reason,
            o.closed_at,
            o.financial_status,
            o.fulfillment_status,
            o.total.currency.code(),
            o.presentment_currency.code(),
            subtotal,
            shipping,
            tax,
            total,
            current_total,
            refunded,
            presentment_total,
            o.note,
            row.tags,
            row.shipping_address,
            o.status_page_url,
        ];
        // A new order has no children to clear: foreign keys keep children from outliving
        // their order.
        if self.insert_new.execute(values)? == 0 {
            if self.update.execute(values)? == 0 {
                return Ok(());
            }
            for delete in &mut self.delete_children {
                delete.execute([row.id])?;
            }
        }
        self.write_children(row)
    }

    fn write_children(&mut self, row: &OrderRow) -> Result<()> {
        for (position, item) in row.line_items.iter().enumerate() {
            bind_line_item(&mut self.line_item, 0, row.id, position as i64, item)?;
            self.line_item.raw_execute()?;
        }
        for (fulfillment_id, f) in &row.fulfillments {
            self.fulfillment.execute(params![
                fulfillment_id,
                row.id,
                f.status,
                f.display_status,
                f.created_at,
                f.delivered_at
            ])?;
            for (position, t) in f.tracking.iter().enumerate() {
                self.tracking.execute(params![
                    fulfillment_id,
                    position as i64,
                    t.company,
                    t.number,
                    t.url
                ])?;
            }
        }
        for (refund_id, r) in &row.refunds {
            self.refund.execute(params![
                refund_id,
                row.id,
                r.created_at,
                r.note,
                r.amount.amount.to_string(),
                r.amount.currency.code()
            ])?;
        }
        Ok(())
    }
}

/// Adds one to `orders_version`: every transaction that writes orders calls it once (see
/// `bulk_import/search_beside.rs` for the reader).
pub(crate) fn count_orders_write(tx: &Transaction<'_>) -> Result<()> {
    tx.prepare_cached("UPDATE orders_version SET version = version + 1")?
        .execute([])?;
    Ok(())
}
