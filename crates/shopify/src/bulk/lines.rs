//! One JSONL line of a bulk export into a store record, with the same mapping as the paginated
//! queries (`mapping::order_record`, `customer_record`): both syncs store the same values.
//!
//! Orders export: an order line is `BulkOrderFields`, which selects what `OrderFields` selects
//! except the `lineItems` connection; a line item line is `LineItemFields` plus `__parentId`.
//! An order line is read as `orders_page::OrderFields` with an empty `lineItems` added, so the
//! order keeps one mapping; its line items come from their own lines, in any order.

use std::sync::LazyLock;

use memchr::memmem;
use serde::Deserialize;
use shopdesk_store::{CustomerRecord, IdKind, LineItemRecord, OrderRecord};

use crate::mapping::{check_id, customer_record, line_item_record, order_record, MappingError};
use crate::queries::{customers_page, orders_page};

/// What one line of an orders export holds.
#[derive(Debug, Clone, PartialEq)]
pub enum OrderExportLine {
    /// An order, with no line items (they are separate lines).
    Order(Box<OrderRecord>),
    LineItem {
        /// The order's id (`__parentId`).
        order_id: String,
        item: Box<LineItemRecord>,
    },
}

/// The fields every line has, read first to tell parents from children.
#[derive(Deserialize)]
struct Probe<'a> {
    #[serde(borrow, default)]
    id: Option<std::borrow::Cow<'a, str>>,
    #[serde(rename = "__parentId", borrow, default)]
    parent_id: Option<std::borrow::Cow<'a, str>>,
}

/// What `lineItems` would be, had it been selected.
const NO_LINE_ITEMS: &[u8] =
    br#","lineItems":{"nodes":[],"pageInfo":{"hasNextPage":false,"endCursor":null}}}"#;

pub fn parse_orders_line(shop_id: &str, line: &[u8]) -> Result<OrderExportLine, MappingError> {
    if !has_parent(line) {
        let mut with_items = Vec::with_capacity(line.len() + NO_LINE_ITEMS.len());
        let object = line.trim_ascii_end();
        let Some(without_brace) = object.strip_suffix(b"}") else {
            return Err(unreadable(line, "it is not a JSON object".into()));
        };
        with_items.extend_from_slice(without_brace);
        with_items.extend_from_slice(NO_LINE_ITEMS);
        let fields: orders_page::OrderFields =
            sonic_rs::from_slice(&with_items).map_err(|e| unreadable(line, e.to_string()))?;
        return order_record(shop_id, fields, Vec::new())
            .map(|order| OrderExportLine::Order(Box::new(order)));
    }
    let probe: Probe<'_> =
        sonic_rs::from_slice(line).map_err(|e| unreadable(line, e.to_string()))?;
    let id = probe.id.as_deref().unwrap_or("(no id)");
    let parent = probe.parent_id.as_deref().unwrap_or_default();
    if !id.starts_with("gid://shopify/LineItem/") {
        return Err(MappingError::new(
            format!("bulk line for {id} (child of {parent})"),
            "the orders export holds no such child records",
        ));
    }
    let fields: orders_page::LineItemFields = sonic_rs::from_slice(line).map_err(|e| {
        MappingError::new(format!("line item {id}"), format!("unexpected JSON ({e})"))
    })?;
    let item = line_item_record(fields)
        .map_err(|reason| MappingError::new(format!("line item {id} of order {parent}"), reason))?;
    check_id(IdKind::Order, parent).map_err(|reason| {
        MappingError::new(format!("line item {id}"), format!("parent: {reason}"))
    })?;
    Ok(OrderExportLine::LineItem {
        order_id: parent.to_string(),
        item: Box::new(item),
    })
}

/// A customers export line is exactly `CustomerFields`.
pub fn parse_customers_line(shop_id: &str, line: &[u8]) -> Result<CustomerRecord, MappingError> {
    let fields: customers_page::CustomerFields =
        sonic_rs::from_slice(line).map_err(|e| unreadable(line, e.to_string()))?;
    customer_record(shop_id, &fields)
}

/// Whether the line has a `__parentId` key. The quoted name followed by a colon cannot occur
/// inside a JSON string (its quotes would be escaped), so parent lines (the long ones) cost
/// one scan and no parse. The scan goes forward, with a finder built once: memchr's forward
/// search is vectorised, its backward one is not (profiled: the backward search was ~5 % of a
/// bulk import's reader thread).
fn has_parent(line: &[u8]) -> bool {
    static KEY: LazyLock<memmem::Finder<'static>> =
        LazyLock::new(|| memmem::Finder::new(b"\"__parentId\":"));
    KEY.find(line).is_some()
}

fn unreadable(line: &[u8], error: String) -> MappingError {
    let start = String::from_utf8_lossy(&line[..line.len().min(60)]).into_owned();
    MappingError::new(
        format!("the bulk line starting {start:?}"),
        format!("it is not the JSON Shopdesk asked for ({error})"),
    )
}
