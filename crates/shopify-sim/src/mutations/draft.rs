//! `draftOrderCreate` and `draftOrderComplete` (replacement orders).

use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Map, Value};

use super::input::{
    bool_of, clean_tags, id_of, is_too_large, list_of, money_of, str_of, string_list, TOO_LARGE,
};
use super::order::parse_address;
use super::{Outcome, UserError};
use crate::model::*;

pub const ALREADY_COMPLETED: &str = "This order has already been paid.";

/// (product index, variant index) of a variant's legacy id.
fn find_variant(state: &ShopState, legacy_id: u64) -> Option<(u16, u16)> {
    state.products.iter().enumerate().find_map(|(p, product)| {
        let v = product
            .variants
            .iter()
            .position(|v| v.legacy_id == legacy_id)?;
        Some((p as u16, v as u16))
    })
}

pub(super) fn draft_order_create(
    state: &mut ShopState,
    args: &Map<String, Value>,
    now: Timestamp,
) -> Outcome {
    let input = args.get("input").cloned().unwrap_or(Value::Null);
    let mut errors = Vec::new();
    let customer_gid = input
        .get("purchasingEntity")
        .and_then(|p| p.get("customerId"))
        .or_else(|| input.get("customerId"))
        .filter(|v| !v.is_null());
    let customer = match customer_gid {
        None => None,
        Some(gid) => {
            let id = id_of(&serde_json::json!({ "id": gid }), "id", "Customer");
            match id.and_then(|id| state.customer_index(id)) {
                Some(index) => Some(index as u32),
                None => {
                    errors.push(UserError::new(&["customerId"], "Customer does not exist."));
                    None
                }
            }
        }
    };
    // An email alone links the customer who has it, as the admin does [I].
    let customer = customer.or_else(|| {
        let email = str_of(&input, "email")?;
        let index = state.customers.iter().position(|c| {
            c.email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(email))
        })?;
        Some(index as u32)
    });
    let mut lines = Vec::new();
    for (i, item) in list_of(&input, "lineItems").iter().enumerate() {
        let field = |last: &str| vec!["lineItems".to_string(), i.to_string(), last.to_string()];
        let Some((product, variant)) =
            id_of(item, "variantId", "ProductVariant").and_then(|id| find_variant(state, id))
        else {
            errors.push(UserError::at(
                field("variantId"),
                "Product variant does not exist.",
            ));
            continue;
        };
        let quantity = item.get("quantity").and_then(Value::as_i64).unwrap_or(0);
        if quantity <= 0 {
            errors.push(UserError::at(
                field("quantity"),
                "Quantity must be greater than 0.",
            ));
            continue;
        }
        let discount = item.get("appliedDiscount").filter(|d| !d.is_null());
        if discount
            .and_then(|d| money_of(d, "value"))
            .is_some_and(is_too_large)
        {
            errors.push(UserError::at(
                vec![
                    "lineItems".to_string(),
                    i.to_string(),
                    "appliedDiscount".to_string(),
                    "value".to_string(),
                ],
                TOO_LARGE,
            ));
            continue;
        }
        let discount_percent = match discount {
            Some(d) if str_of(d, "valueType") == Some("PERCENTAGE") => money_of(d, "value")
                .unwrap_or_default()
                .clamp(Decimal::ZERO, Decimal::ONE_HUNDRED),
            Some(d) => {
                // A fixed amount off each unit, as a percentage of the unit price.
                let price = state.products[product as usize].variants[variant as usize].price;
                let amount = money_of(d, "value").unwrap_or_default();
                if price.is_zero() {
                    Decimal::ZERO
                } else {
                    (amount / price * Decimal::ONE_HUNDRED)
                        .clamp(Decimal::ZERO, Decimal::ONE_HUNDRED)
                }
            }
            None => Decimal::ZERO,
        };
        lines.push(DraftLine {
            legacy_id: 0,
            product,
            variant,
            quantity: quantity as u32,
            discount_percent,
            discount_title: discount
                .and_then(|d| str_of(d, "title"))
                .map(str::to_string),
        });
    }
    let address_id = state.ops.next_id();
    let shipping_address = match input.get("shippingAddress").filter(|v| !v.is_null()) {
        Some(address) => match parse_address(address, address_id) {
            Ok(address) => Some(address),
            Err(error) => {
                errors.push(error);
                None
            }
        },
        None => None,
    };
    let shipping_price = input
        .get("shippingLine")
        .filter(|v| !v.is_null())
        .and_then(|s| money_of(s, "price"))
        .unwrap_or_default();
    if is_too_large(shipping_price) {
        errors.push(UserError::new(&["shippingLine", "price"], TOO_LARGE));
    }
    if !errors.is_empty() {
        return Outcome::Draft {
            draft: None,
            errors,
        };
    }
    for line in &mut lines {
        line.legacy_id = state.ops.next_id();
    }
    let email = str_of(&input, "email")
        .map(str::to_string)
        .or_else(|| customer.and_then(|c| state.customer_at(c)?.email.clone()));
    let legacy_id = state.ops.next_id();
    let number = state.ops.draft_orders.len() as u32 + 1;
    state.ops.draft_orders.push(DraftOrder {
        legacy_id,
        number,
        status: DraftStatus::Open,
        customer,
        email,
        note: str_of(&input, "note").map(str::to_string),
        tags: clean_tags(string_list(list_of(&input, "tags"))),
        shipping_address,
        shipping_price,
        lines,
        created_at: now,
        updated_at: now,
        completed_at: None,
        order: None,
    });
    Outcome::Draft {
        draft: Some(legacy_id),
        errors: Vec::new(),
    }
}

/// A draft line's discounted unit price, shop currency.
pub fn draft_unit_price(state: &ShopState, line: &DraftLine) -> Decimal {
    let price = state.products[line.product as usize].variants[line.variant as usize].price;
    let off = (price * line.discount_percent / Decimal::ONE_HUNDRED).round_dp_with_strategy(
        state.shop.currency.minor_units(),
        RoundingStrategy::MidpointAwayFromZero,
    );
    price - off
}

pub(super) fn draft_order_complete(
    state: &mut ShopState,
    args: &Map<String, Value>,
    now: Timestamp,
) -> Outcome {
    let args = Value::Object(args.clone());
    let fail = |draft, error| Outcome::Draft {
        draft,
        errors: vec![error],
    };
    let id = id_of(&args, "id", "DraftOrder");
    let Some(position) = id.and_then(|id| {
        state
            .ops
            .draft_orders
            .iter()
            .position(|d| d.legacy_id == id)
    }) else {
        return fail(None, UserError::new(&["id"], "Draft order does not exist."));
    };
    let draft = state.ops.draft_orders[position].clone();
    if draft.status == DraftStatus::Completed {
        return fail(
            Some(draft.legacy_id),
            UserError::new(&["id"], ALREADY_COMPLETED),
        );
    }
    // Every variant's inventory policy is DENY: stock must cover the draft.
    for (i, line) in draft.lines.iter().enumerate() {
        let variant =
            state.products[line.product as usize].variants[line.variant as usize].legacy_id;
        let available = state.ops.available(variant);
        if i64::from(line.quantity) > available {
            return fail(
                Some(draft.legacy_id),
                UserError::at(
                    vec!["lineItems".into(), i.to_string(), "quantity".into()],
                    format!(
                        "Only {} items were available: the variant is out of stock.",
                        available.max(0)
                    ),
                ),
            );
        }
    }
    let payment_pending = bool_of(&args, "paymentPending").unwrap_or(false);
    let tax_rate = Decimal::ZERO;
    let mut line_items = Vec::new();
    for line in &draft.lines {
        let unit_price =
            state.products[line.product as usize].variants[line.variant as usize].price;
        let unit_discount = unit_price - draft_unit_price(state, line);
        line_items.push(LineItem {
            legacy_id: state.ops.next_id(),
            product: line.product,
            variant: line.variant,
            quantity: line.quantity,
            unit_price,
            unit_discount,
            tax: Decimal::ZERO,
            fulfilled_quantity: 0,
            refunded_quantity: 0,
        });
    }
    for line in &draft.lines {
        let variant =
            state.products[line.product as usize].variants[line.variant as usize].legacy_id;
        state.ops.take(variant, i64::from(line.quantity));
    }
    let legacy_id = state.orders.last().map_or(ORDER_ID_BASE, |o| o.legacy_id) + 1;
    let number = state.orders.iter().map(|o| o.number).max().unwrap_or(1000) + 1;
    let customer = draft
        .customer
        .and_then(|c| state.customer_at(c).map(|cu| (c, cu.clone())));
    let shipping_address = draft.shipping_address.clone().or_else(|| {
        customer
            .as_ref()
            .and_then(|(_, c)| c.default_address.clone())
    });
    let order = Order {
        legacy_id,
        number,
        customer: draft.customer,
        email: draft.email.clone(),
        phone: customer.as_ref().and_then(|(_, c)| c.phone.clone()),
        created_at: now,
        processed_at: now,
        updated_at: now,
        cancelled_at: None,
        cancel_reason: None,
        closed_at: None,
        payment: if payment_pending {
            PaymentState::Pending
        } else {
            PaymentState::Paid
        },
        note: draft.note.clone(),
        tags: draft.tags.clone(),
        test: false,
        presentment_currency: state.shop.currency,
        presentment_rate: Decimal::ONE,
        confirmation_number: format!("D{:08}", draft.number),
        tax_rate,
        shipping_price: draft.shipping_price,
        shipping_address,
        line_items,
        fulfillments: Vec::new(),
        refunds: Vec::new(),
        extra: OrderExtra {
            source_name: Some("shopify_draft_order".into()),
            draft_order: Some(draft.legacy_id),
            ..OrderExtra::default()
        },
    };
    state.orders.push(order);
    let order_index = (state.orders.len() - 1) as u32;
    if let Some((customer_index, _)) = customer {
        let customer = &mut state.customers[customer_index as usize];
        customer.order_indexes.push(order_index);
        customer.updated_at = now.max(customer.updated_at);
    }
    let draft = &mut state.ops.draft_orders[position];
    draft.status = DraftStatus::Completed;
    draft.completed_at = Some(now);
    draft.updated_at = now;
    draft.order = Some(legacy_id);
    Outcome::Draft {
        draft: Some(draft.legacy_id),
        errors: Vec::new(),
    }
}
