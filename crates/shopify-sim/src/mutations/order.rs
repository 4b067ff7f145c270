//! `orderCancel`, `orderUpdate` and `tagsAdd`.

use serde_json::{Map, Value};

use super::input::{bool_of, clean_tags, id_of, list_of, str_of, string_list};
use super::{Outcome, UserError};
use crate::executor::parse_gid;
use crate::model::*;
use crate::refunds;

pub(super) fn order_cancel(
    state: &mut ShopState,
    args: &Map<String, Value>,
    now: Timestamp,
) -> Outcome {
    let args = Value::Object(args.clone());
    let fail = |_order: Option<u64>, error: UserError| Outcome::Cancel {
        job: None,
        errors: vec![error],
    };
    let Some(index) = id_of(&args, "orderId", "Order").and_then(|id| state.order_index(id)) else {
        return fail(
            None,
            UserError::new(&["orderId"], "Order does not exist.").with_code("NOT_FOUND"),
        );
    };
    let order = &state.orders[index];
    let order_id = order.legacy_id;
    if order.cancelled_at.is_some() {
        return fail(
            Some(order_id),
            UserError::new(&["orderId"], "Order has already been cancelled.").with_code("INVALID"),
        );
    }
    if order.line_items.iter().any(|l| l.fulfilled_quantity > 0) {
        return fail(
            Some(order_id),
            UserError::new(
                &["orderId"],
                "Order has fulfilled line items and can't be cancelled. Refund or return them instead.",
            )
            .with_code("INVALID"),
        );
    }
    let staff_note = str_of(&args, "staffNote").map(str::to_string);
    if staff_note.as_ref().is_some_and(|n| n.chars().count() > 255) {
        return fail(
            Some(order_id),
            UserError::new(
                &["staffNote"],
                "Staff note is too long (maximum is 255 characters).",
            )
            .with_code("INVALID"),
        );
    }
    let reason = match str_of(&args, "reason") {
        Some("CUSTOMER") => CancelReason::Customer,
        Some("DECLINED") => CancelReason::Declined,
        Some("FRAUD") => CancelReason::Fraud,
        Some("INVENTORY") => CancelReason::Inventory,
        Some("STAFF") => CancelReason::Staff,
        _ => CancelReason::Other,
    };
    let restock = bool_of(&args, "restock").unwrap_or(false);
    let refund_money = bool_of(&args, "refund").unwrap_or(false);
    let notify = bool_of(&args, "notifyCustomer").unwrap_or(false);

    let now = now.max(order.updated_at + 1);
    let shop_units = state.shop.currency.minor_units();
    let lines = refunds::everything_left(order)
        .into_iter()
        .map(|mut line| {
            line.restock_type = if restock {
                RestockType::Cancel
            } else {
                RestockType::NoRestock
            };
            line
        })
        .collect::<Vec<_>>();
    let calc = refunds::calculate(order, shop_units, &lines, refunds::ShippingRequest::Full);
    let sale = order.sale_transaction();

    let refund_id = state.ops.next_id();
    let mut refund_lines = Vec::new();
    for line in &calc.lines {
        refund_lines.push(RefundLine {
            legacy_id: state.ops.next_id(),
            line_item: line.request.index,
            quantity: line.request.quantity,
            restock_type: line.request.restock_type,
            location: restock.then_some(0),
            subtotal: line.subtotal.shop,
            tax: line.tax.shop,
        });
    }
    let mut transactions = Vec::new();
    if let Some(sale) =
        sale.filter(|_| refund_money && calc.maximum.shop > rust_decimal::Decimal::ZERO)
    {
        transactions.push(Transaction {
            legacy_id: state.ops.next_id(),
            kind: TransactionKind::Refund,
            gateway: sale.gateway.clone(),
            amount: calc.maximum.shop,
            presentment_amount: calc.maximum.presentment,
            processed_at: now,
            parent: Some(sale.legacy_id),
        });
    }
    if restock {
        for line in &refund_lines {
            let item = &state.orders[index].line_items[line.line_item as usize];
            if let Some((_, variant)) = state.variant(item.product, item.variant) {
                let variant = variant.legacy_id;
                state.ops.adjust(variant, 0, i64::from(line.quantity));
            }
        }
    }
    let job = state.ops.next_id();
    state.ops.jobs.insert(job, true);
    let order = &mut state.orders[index];
    for line in &refund_lines {
        order.line_items[line.line_item as usize].refunded_quantity += line.quantity;
    }
    if !refund_lines.is_empty() || !transactions.is_empty() {
        order.refunds.push(Refund {
            legacy_id: refund_id,
            created_at: now,
            note: Some("Order canceled".into()),
            shipping: calc.shipping.shop,
            line_items: refund_lines,
            transactions: Some(transactions),
        });
    }
    order.cancelled_at = Some(now);
    order.closed_at = Some(now);
    order.cancel_reason = Some(reason);
    order.extra.staff_note = staff_note;
    if notify {
        order.extra.notifications.push(format!("cancel {job}"));
    }
    order.updated_at = now;
    Outcome::Cancel {
        job: Some(job),
        errors: Vec::new(),
    }
}

fn address_of(input: &Value, previous: Option<&Address>, id: u64) -> Result<Address, UserError> {
    let text = |name: &str| str_of(input, name).map(str::to_string);
    let country_code = text("countryCode").or_else(|| previous.map(|p| p.country_code.clone()));
    let Some(country_code) = country_code.filter(|c| c.len() == 2) else {
        return Err(UserError::new(
            &["shippingAddress", "countryCode"],
            "Country code is required.",
        ));
    };
    let Some(address1) = text("address1").or_else(|| previous.map(|p| p.address1.clone())) else {
        return Err(UserError::new(
            &["shippingAddress", "address1"],
            "Address1 is required.",
        ));
    };
    let country = country_name(&country_code)
        .map(str::to_string)
        .or_else(|| text("country"))
        .unwrap_or_else(|| country_code.clone());
    Ok(Address {
        legacy_id: previous.map_or(id, |p| p.legacy_id),
        first_name: text("firstName").unwrap_or_default(),
        last_name: text("lastName").unwrap_or_default(),
        company: text("company"),
        address1,
        address2: text("address2"),
        city: text("city").unwrap_or_default(),
        province: text("province").or_else(|| text("provinceCode")),
        province_code: text("provinceCode"),
        zip: text("zip").unwrap_or_default(),
        country,
        country_code,
        phone: text("phone"),
    })
}

pub(super) fn parse_address(input: &Value, id: u64) -> Result<Address, UserError> {
    address_of(input, None, id)
}

pub(super) fn order_update(
    state: &mut ShopState,
    args: &Map<String, Value>,
    now: Timestamp,
) -> Outcome {
    let input = args.get("input").cloned().unwrap_or(Value::Null);
    let fail = |order, error| Outcome::OrderUpdate {
        order,
        errors: vec![error],
    };
    let Some(index) = id_of(&input, "id", "Order").and_then(|id| state.order_index(id)) else {
        return fail(None, UserError::new(&["id"], "Order does not exist."));
    };
    let order_id = state.orders[index].legacy_id;
    let present = |name: &str| input.get(name).is_some();
    let note = str_of(&input, "note");
    if note.is_some_and(|n| n.chars().count() > 5000) {
        return fail(
            Some(order_id),
            UserError::new(&["note"], "Note is too long (maximum is 5000 characters)."),
        );
    }
    let email = str_of(&input, "email");
    if email.is_some_and(|e| !e.is_empty() && !e.contains('@')) {
        return fail(
            Some(order_id),
            UserError::new(&["email"], "Email is invalid."),
        );
    }
    let address_id = state.ops.next_id();
    let address = match input.get("shippingAddress").filter(|v| !v.is_null()) {
        Some(given) => match address_of(given, None, address_id) {
            Ok(address) => Some(address),
            Err(error) => return fail(Some(order_id), error),
        },
        None => None,
    };
    let order = &mut state.orders[index];
    if present("note") {
        order.note = note.map(str::to_string);
    }
    if present("email") {
        order.email = email.map(str::to_string);
    }
    if present("tags") {
        order.tags = clean_tags(string_list(list_of(&input, "tags")));
    }
    if let Some(address) = address {
        order.shipping_address = Some(address);
    }
    if present("customAttributes") {
        order.extra.custom_attributes = list_of(&input, "customAttributes")
            .iter()
            .filter_map(|a| {
                Some((
                    str_of(a, "key")?.to_string(),
                    str_of(a, "value")?.to_string(),
                ))
            })
            .collect();
    }
    order.updated_at = now.max(order.updated_at + 1);
    Outcome::OrderUpdate {
        order: Some(order_id),
        errors: Vec::new(),
    }
}

pub(super) fn tags_add(
    state: &mut ShopState,
    args: &Map<String, Value>,
    now: Timestamp,
) -> Outcome {
    let args = Value::Object(args.clone());
    let id = str_of(&args, "id").unwrap_or_default().to_string();
    let tags = string_list(list_of(&args, "tags"));
    let not_found = || Outcome::TagsAdd {
        node: None,
        errors: vec![UserError::new(&["id"], "Resource does not exist.")],
    };
    match parse_gid(&id) {
        Some(("Order", legacy)) => {
            let Some(index) = state.order_index(legacy) else {
                return not_found();
            };
            let order = &mut state.orders[index];
            order.tags = clean_tags(order.tags.iter().cloned().chain(tags));
            order.updated_at = now.max(order.updated_at + 1);
        }
        Some(("DraftOrder", legacy)) => {
            let Some(draft) = state
                .ops
                .draft_orders
                .iter_mut()
                .find(|d| d.legacy_id == legacy)
            else {
                return not_found();
            };
            draft.tags = clean_tags(draft.tags.iter().cloned().chain(tags));
            draft.updated_at = now.max(draft.updated_at + 1);
        }
        Some(("Customer", legacy)) => {
            let Some(index) = state.customer_index(legacy) else {
                return not_found();
            };
            let customer = &mut state.customers[index];
            customer.tags = clean_tags(customer.tags.iter().cloned().chain(tags));
            customer.updated_at = now.max(customer.updated_at + 1);
        }
        _ => return not_found(),
    }
    Outcome::TagsAdd {
        node: Some(id),
        errors: Vec::new(),
    }
}

fn country_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "FR" => "France",
        "DE" => "Germany",
        "BE" => "Belgium",
        "NL" => "Netherlands",
        "ES" => "Spain",
        "IT" => "Italy",
        "AT" => "Austria",
        "CH" => "Switzerland",
        "GB" => "United Kingdom",
        "US" => "United States",
        "CA" => "Canada",
        "JP" => "Japan",
        "PL" => "Poland",
        "KW" => "Kuwait",
        _ => return None,
    })
}
