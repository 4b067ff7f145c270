//! `refundCreate`: validation, the refund itself, and `@idempotent` replay.

use rust_decimal::Decimal;
use serde_json::{Map, Value};

use super::input::{bool_of, id_of, is_too_large, list_of, money_of, str_of, TOO_LARGE};
use super::{Outcome, UserError};
use crate::executor::parse_gid;
use crate::model::*;
use crate::refunds::{self, Bag, LineRequest, ShippingRequest};

pub const MISSING_IDEMPOTENCY: &str =
    "The @idempotent directive is required for this mutation but was not provided.";
// Texts of the IDEMPOTENCY_* codes in the 2026-10 schema's inventory error enums.
pub const IDEMPOTENCY_MISMATCH: &str =
    "The same idempotency key cannot be used with different operation parameters.";
pub const IDEMPOTENCY_PREVIOUS_FAILED: &str =
    "A previous request with this idempotency key failed. Retry with a new idempotency key.";
pub const IDEMPOTENCY_EMPTY_KEY: &str =
    "The idempotency key cannot be an empty string or whitespace only.";

pub(super) fn refund_create(
    state: &mut ShopState,
    args: &Map<String, Value>,
    key: Option<String>,
    now: Timestamp,
) -> Outcome {
    let Some(key) = key else {
        return Outcome::Failed {
            message: MISSING_IDEMPOTENCY.into(),
            code: "BAD_REQUEST",
        };
    };
    if key.trim().is_empty() {
        return Outcome::Failed {
            message: IDEMPOTENCY_EMPTY_KEY.into(),
            code: "BAD_REQUEST",
        };
    }
    let input = args.get("input").cloned().unwrap_or(Value::Null);
    if let Some(record) = state.ops.idempotency.get(&key) {
        if record.input != input {
            return Outcome::Failed {
                message: IDEMPOTENCY_MISMATCH.into(),
                code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH",
            };
        }
        if record.refund.is_none() {
            return Outcome::Failed {
                message: IDEMPOTENCY_PREVIOUS_FAILED.into(),
                code: "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED",
            };
        }
        return Outcome::Refund {
            order: Some(record.order),
            refund: record.refund,
            errors: Vec::new(),
        };
    }
    let order_id = id_of(&input, "orderId", "Order");
    let result = match order_id.and_then(|id| state.order_index(id)) {
        None => Err(vec![UserError::new(&["orderId"], "Order does not exist.")]),
        Some(index) => create(state, index, &input, now),
    };
    let (refund, errors) = match result {
        Ok(refund) => (Some(refund), Vec::new()),
        Err(errors) => (None, errors),
    };
    if let Some(order) = order_id.filter(|id| state.order(*id).is_some()) {
        state.ops.idempotency.insert(
            key,
            IdempotentRecord {
                input,
                order,
                refund,
            },
        );
    }
    Outcome::Refund {
        order: order_id.filter(|id| state.order(*id).is_some()),
        refund,
        errors,
    }
}

fn path(parts: &[&str], index: usize, last: &str) -> Vec<String> {
    let mut out: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
    out.push(index.to_string());
    out.push(last.to_string());
    out
}

/// Reads and checks the requested lines against the order.
fn line_requests(
    state: &ShopState,
    order: &Order,
    input: &Value,
    errors: &mut Vec<UserError>,
) -> Vec<LineRequest> {
    let mut lines = Vec::new();
    let requested = list_of(input, "refundLineItems");
    if !requested.is_empty() && order.cancelled_at.is_some() {
        errors.push(UserError::new(
            &["refundLineItems"],
            "Line items of a cancelled order can't be refunded.",
        ));
        return lines;
    }
    for (i, item) in requested.iter().enumerate() {
        let field = |last: &str| path(&["refundLineItems"], i, last);
        let line_id = id_of(item, "lineItemId", "LineItem");
        let Some(index) =
            line_id.and_then(|id| order.line_items.iter().position(|l| l.legacy_id == id))
        else {
            errors.push(UserError::at(
                field("lineItemId"),
                "Line item does not exist.",
            ));
            continue;
        };
        let line = &order.line_items[index];
        let quantity = item.get("quantity").and_then(Value::as_i64).unwrap_or(0);
        if quantity <= 0 {
            errors.push(UserError::at(
                field("quantity"),
                "Quantity must be greater than 0.",
            ));
            continue;
        }
        let already: u32 = lines
            .iter()
            .filter(|l: &&LineRequest| l.index as usize == index)
            .map(|l| l.quantity)
            .sum();
        if quantity as u64 + already as u64 > line.current_quantity() as u64 {
            errors.push(UserError::at(
                field("quantity"),
                format!(
                    "Quantity cannot refund more items than were purchased (refundable: {}).",
                    line.current_quantity().saturating_sub(already)
                ),
            ));
            continue;
        }
        let restock_type = match str_of(item, "restockType") {
            Some("RETURN") => RestockType::Return,
            Some("CANCEL") => RestockType::Cancel,
            Some("NO_RESTOCK") | None => RestockType::NoRestock,
            Some(other) => {
                errors.push(UserError::at(
                    field("restockType"),
                    format!("Restock type {other} is not supported."),
                ));
                continue;
            }
        };
        let location = match item.get("locationId").filter(|v| !v.is_null()) {
            None => None,
            Some(_) => {
                let found = id_of(item, "locationId", "Location")
                    .and_then(|id| state.ops.location_index(id));
                match found {
                    Some(position) => Some(position as u16),
                    None => {
                        errors.push(UserError::at(
                            field("locationId"),
                            "Location does not exist.",
                        ));
                        continue;
                    }
                }
            }
        };
        lines.push(LineRequest {
            index: index as u16,
            quantity: quantity as u32,
            restock_type,
            location,
        });
    }
    lines
}

fn create(
    state: &mut ShopState,
    order_index: usize,
    input: &Value,
    now: Timestamp,
) -> Result<u64, Vec<UserError>> {
    let shop_currency = state.shop.currency;
    let shop_units = shop_currency.minor_units();
    let order = &state.orders[order_index];
    let mut errors = Vec::new();

    // The presentment currency rule ([S] RefundInput.currency).
    let differs = order.presentment_currency != shop_currency;
    match str_of(input, "currency") {
        None if differs => errors.push(UserError::new(
            &["currency"],
            format!(
                "Currency is required when the order's presentment currency ({}) differs from the shop currency.",
                order.presentment_currency.code()
            ),
        )),
        Some(code) if code != order.presentment_currency.code() => errors.push(UserError::new(
            &["currency"],
            format!(
                "Currency {code} does not match the order's presentment currency {}.",
                order.presentment_currency.code()
            ),
        )),
        _ => {}
    }

    let lines = line_requests(state, order, input, &mut errors);
    let shipping_input = input.get("shipping").filter(|v| !v.is_null());
    let shipping = match shipping_input {
        Some(s) if bool_of(s, "fullRefund") == Some(true) => ShippingRequest::Full,
        Some(s) => match money_of(s, "amount") {
            Some(amount) if is_too_large(amount) => {
                errors.push(UserError::new(&["shipping", "amount"], TOO_LARGE));
                ShippingRequest::None
            }
            Some(amount) if amount > Decimal::ZERO => ShippingRequest::Amount(amount),
            Some(amount) if amount < Decimal::ZERO => {
                errors.push(UserError::new(
                    &["shipping", "amount"],
                    "Amount must be positive.",
                ));
                ShippingRequest::None
            }
            _ => ShippingRequest::None,
        },
        None => ShippingRequest::None,
    };
    let calc = refunds::calculate(order, shop_units, &lines, shipping);
    if let ShippingRequest::Amount(amount) = shipping {
        if amount > calc.shipping_refundable.presentment {
            errors.push(UserError::new(
                &["shipping", "amount"],
                format!(
                    "Shipping amount can't be more than the refundable shipping ({}).",
                    calc.shipping_refundable.presentment
                ),
            ));
        }
    }

    // Transactions: REFUNDs of the SALE, within what it can still give back.
    let sale = order.sale_transaction();
    let mut remaining = calc.maximum;
    let mut transactions = Vec::new();
    for (i, tx) in list_of(input, "transactions").iter().enumerate() {
        let field = |last: &str| path(&["transactions"], i, last);
        if id_of(tx, "orderId", "Order") != Some(order.legacy_id) {
            errors.push(UserError::at(
                field("orderId"),
                "Transaction must belong to the order.",
            ));
            continue;
        }
        if str_of(tx, "kind") != Some("REFUND") {
            errors.push(UserError::at(field("kind"), "Kind must be REFUND."));
            continue;
        }
        let parent = str_of(tx, "parentId").and_then(parse_gid);
        let Some(sale) = sale.as_ref().filter(|sale| {
            parent.is_some_and(|(kind, id)| kind == "OrderTransaction" && id == sale.legacy_id)
        }) else {
            errors.push(UserError::at(
                field("parentId"),
                "Parent transaction does not exist or can't be refunded.",
            ));
            continue;
        };
        let Some(amount) = money_of(tx, "amount").filter(|a| *a > Decimal::ZERO) else {
            errors.push(UserError::at(
                field("amount"),
                "Amount must be greater than 0.",
            ));
            continue;
        };
        if amount > remaining.presentment {
            errors.push(UserError::at(
                field("amount"),
                format!(
                    "Amount {amount} is more than the {} the transaction can still refund.",
                    remaining.presentment
                ),
            ));
            continue;
        }
        let shop_amount = refunds::from_presentment(order, amount, remaining, shop_units);
        remaining = Bag {
            shop: remaining.shop - shop_amount,
            presentment: remaining.presentment - amount,
        };
        transactions.push(Transaction {
            legacy_id: 0,
            kind: TransactionKind::Refund,
            gateway: str_of(tx, "gateway").unwrap_or(GATEWAY).to_string(),
            amount: shop_amount,
            presentment_amount: amount,
            processed_at: now,
            parent: Some(sale.legacy_id),
        });
    }
    if errors.is_empty()
        && lines.is_empty()
        && shipping == ShippingRequest::None
        && transactions.is_empty()
    {
        errors.push(UserError::base(
            "Refund must include line items, shipping or transactions: there is nothing to refund.",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let now = now.max(order.updated_at + 1);
    let refund_id = state.ops.next_id();
    let mut refund_lines = Vec::new();
    for line in &calc.lines {
        let id = state.ops.next_id();
        let location = match line.request.restock_type {
            RestockType::NoRestock => None,
            _ => Some(line.request.location.unwrap_or(0)),
        };
        refund_lines.push(RefundLine {
            legacy_id: id,
            line_item: line.request.index,
            quantity: line.request.quantity,
            restock_type: line.request.restock_type,
            location,
            subtotal: line.subtotal.shop,
            tax: line.tax.shop,
        });
    }
    for tx in &mut transactions {
        tx.legacy_id = state.ops.next_id();
    }
    // Restock at the location (default: the first).
    for line in &refund_lines {
        if let Some(location) = line.location {
            let item = &state.orders[order_index].line_items[line.line_item as usize];
            let variant = state
                .variant(item.product, item.variant)
                .map(|(_, v)| v.legacy_id);
            if let Some(variant) = variant {
                state
                    .ops
                    .adjust(variant, location as usize, i64::from(line.quantity));
            }
        }
    }
    let order = &mut state.orders[order_index];
    for line in &refund_lines {
        order.line_items[line.line_item as usize].refunded_quantity += line.quantity;
    }
    let note = str_of(input, "note").map(str::to_string);
    if bool_of(input, "notify") == Some(true) {
        order
            .extra
            .notifications
            .push(format!("refund {refund_id}"));
    }
    order.refunds.push(Refund {
        legacy_id: refund_id,
        created_at: now,
        note,
        shipping: calc.shipping.shop,
        line_items: refund_lines,
        transactions: Some(transactions),
    });
    order.updated_at = now;
    Ok(refund_id)
}
