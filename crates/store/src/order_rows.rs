//! Orders and line items as the values their tables store, checked: ids as numbers, the
//! order's and line items' amounts and the shipping address as text. Making them needs no
//! connection, so a bulk import makes them on its reader thread and its writer, the import's
//! critical path, only binds them.

use crate::gid::{number, optional_number, Kind};
use crate::{FulfillmentRecord, LineItemRecord, OrderRecord, RefundRecord, Result, StoreError};

/// An order ready to be written by `OrderWriter`, with its line items, fulfillments and
/// refunds.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderRow {
    pub(crate) id: i64,
    pub(crate) customer_id: Option<i64>,
    /// subtotal, shipping, tax, total, current total, refunded, presentment total.
    pub(crate) amounts: [String; 7],
    pub(crate) tags: String,
    pub(crate) shipping_address: Option<String>,
    pub(crate) line_items: Vec<LineItemRow>,
    pub(crate) fulfillments: Vec<(i64, FulfillmentRecord)>,
    pub(crate) refunds: Vec<(i64, RefundRecord)>,
    /// The rest of the order (its line items, fulfillments and refunds moved out into the
    /// fields above).
    pub(crate) record: OrderRecord,
}

impl OrderRow {
    /// Checks the order's ids and that its shop-money amounts share the total's currency.
    pub fn new(mut record: OrderRecord) -> Result<Self> {
        let currency = record.total.currency;
        for (what, money) in [
            ("subtotal", &record.subtotal),
            ("shipping", &record.shipping),
            ("tax", &record.tax),
            ("current total", &record.current_total),
            ("refunded", &record.refunded),
        ] {
            if money.currency != currency {
                return Err(StoreError::Corrupt {
                    what: "order amounts",
                    detail: format!(
                        "order {}: {what} is in {} but the total is in {currency}",
                        record.name, money.currency
                    ),
                });
            }
        }
        let line_items = std::mem::take(&mut record.line_items)
            .into_iter()
            .map(LineItemRow::new)
            .collect::<Result<_>>()?;
        let fulfillments = std::mem::take(&mut record.fulfillments)
            .into_iter()
            .map(|f| Ok((number(Kind::Fulfillment, &f.id)?, f)))
            .collect::<Result<_>>()?;
        let refunds = std::mem::take(&mut record.refunds)
            .into_iter()
            .map(|r| Ok((number(Kind::Refund, &r.id)?, r)))
            .collect::<Result<_>>()?;
        Ok(OrderRow {
            id: number(Kind::Order, &record.id)?,
            customer_id: optional_number(Kind::Customer, record.customer_id.as_deref())?,
            amounts: [
                &record.subtotal,
                &record.shipping,
                &record.tax,
                &record.total,
                &record.current_total,
                &record.refunded,
                &record.presentment_total,
            ]
            .map(|money| money.amount.to_string()),
            tags: record.tags.join(", "),
            shipping_address: record
                .shipping_address
                .take()
                .map(|a| serde_json::to_string(&a))
                .transpose()
                .map_err(|e| StoreError::Corrupt {
                    what: "shipping address",
                    detail: e.to_string(),
                })?,
            line_items,
            fulfillments,
            refunds,
            record,
        })
    }

    /// The order's number (N of `gid://shopify/Order/N`).
    pub fn id(&self) -> i64 {
        self.id
    }
}

/// A line item ready to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct LineItemRow {
    pub(crate) id: i64,
    pub(crate) unit_price: String,
    pub(crate) item: LineItemRecord,
}

impl LineItemRow {
    /// Checks the item's id.
    pub fn new(item: LineItemRecord) -> Result<Self> {
        Ok(LineItemRow {
            id: number(Kind::LineItem, &item.id)?,
            unit_price: item.unit_price.amount.to_string(),
            item,
        })
    }
}
