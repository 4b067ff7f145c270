//! The exact mutation input of an action, built once from the request and the order's fresh
//! state and stored with the action when it is first claimed: a retry sends the same input.

use serde::{Deserialize, Serialize};
use shopdesk_shopify::actions::{
    ActionOrder, CancelPlan, DraftLinePlan, DraftOrderPlan, MailingAddress, OrderUpdatePlan,
    RefundLinePlan, RefundPlan, ShippingChoice, ShippingPlan, SuggestedRefund, TransactionPlan,
};

use crate::types::{
    AddressInput, CancelRequest, OrderEditRequest, RefundRequest, ReplacementRequest,
    ShippingRefund,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub(crate) enum ActionPlan {
    Refund {
        input: RefundPlan,
        summary: Summary,
    },
    Replacement {
        draft: DraftOrderPlan,
        /// Known as soon as the draft exists; then only completing it is left.
        draft_id: Option<String>,
        summary: Summary,
    },
    Cancel {
        input: CancelPlan,
        summary: Summary,
    },
    Edit {
        update: Option<OrderUpdatePlan>,
        tags: Vec<String>,
        summary: Summary,
    },
}

/// What the note and the customer message say about the action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Summary {
    pub order_name: String,
    pub items: String,
}

/// The tag a replacement's draft and order carry, to be found after an unknown outcome.
pub(crate) fn action_tag(key: &str) -> String {
    format!("shopdesk-{key}")
}

/// The marker in a refund's note that identifies the action.
pub(crate) fn refund_marker(key: &str) -> String {
    format!("[shopdesk {key}]")
}

pub(crate) fn shipping_choice(shipping: &ShippingRefund) -> ShippingChoice {
    match shipping {
        ShippingRefund::None => ShippingChoice::None,
        ShippingRefund::Full => ShippingChoice::Full,
        ShippingRefund::Amount(amount) => ShippingChoice::Amount(*amount),
    }
}

/// Restocks unfulfilled units as `CANCEL` and shipped ones as `RETURN` (Shopify's rule).
pub(crate) fn refund_lines(
    request: &RefundRequest,
    order: &ActionOrder,
    location_id: Option<&str>,
) -> Vec<RefundLinePlan> {
    request
        .lines
        .iter()
        .map(|line| {
            let unfulfilled = order
                .line_item(&line.line_item_id)
                .map_or(0, |item| item.unfulfilled_quantity);
            let restock_type = match (line.restock, unfulfilled >= line.quantity) {
                (false, _) => "NO_RESTOCK",
                (true, true) => "CANCEL",
                (true, false) => "RETURN",
            };
            RefundLinePlan {
                line_item_id: line.line_item_id.clone(),
                quantity: line.quantity,
                restock_type: restock_type.into(),
                location_id: line
                    .restock
                    .then(|| location_id.map(str::to_owned))
                    .flatten(),
            }
        })
        .collect()
}

pub(crate) fn refund(
    request: &RefundRequest,
    key: &str,
    order: &ActionOrder,
    lines: Vec<RefundLinePlan>,
    suggestion: &SuggestedRefund,
) -> ActionPlan {
    let mut note = request.reason.trim().to_string();
    if let Some(extra) = request.note.as_deref().filter(|n| !n.trim().is_empty()) {
        note = format!("{note}: {}", extra.trim());
    }
    let note = format!("{note} {}", refund_marker(key)).trim().to_string();
    let shipping = match &request.shipping {
        ShippingRefund::None => None,
        ShippingRefund::Full => Some(ShippingPlan {
            full_refund: Some(true),
            amount: None,
        }),
        ShippingRefund::Amount(amount) => Some(ShippingPlan {
            full_refund: None,
            amount: Some(amount.amount_string()),
        }),
    };
    let transactions = suggestion
        .transactions
        .iter()
        .filter(|t| !t.amount.is_zero())
        .map(|t| TransactionPlan {
            order_id: order.id.clone(),
            amount: t.amount.amount_string(),
            gateway: t.gateway.clone().unwrap_or_else(|| "manual".into()),
            kind: "REFUND".into(),
            parent_id: t.parent_id.clone(),
        })
        .collect();
    let restocked = request.lines.iter().any(|l| l.restock);
    let mut items = items_text(
        order,
        request.lines.iter().map(|l| (&l.line_item_id, l.quantity)),
    );
    if restocked {
        items.push_str(", restocked");
    }
    if request.shipping != ShippingRefund::None {
        items = if request.lines.is_empty() {
            "shipping".into()
        } else {
            format!("{items}, and shipping")
        };
    }
    ActionPlan::Refund {
        input: RefundPlan {
            order_id: order.id.clone(),
            currency: order.currency.code().into(),
            note: Some(note),
            notify: request.notify,
            refund_line_items: lines,
            shipping,
            transactions,
        },
        summary: Summary {
            order_name: order.name.clone(),
            items,
        },
    }
}

pub(crate) fn replacement(
    request: &ReplacementRequest,
    key: &str,
    order: &ActionOrder,
    ticket_id: Option<i64>,
) -> ActionPlan {
    use shopdesk_shopify::actions::plans::{DiscountPlan, PurchasingEntityPlan, ShippingLinePlan};
    let line_items = request
        .lines
        .iter()
        .filter_map(|line| {
            let item = order.line_item(&line.line_item_id)?;
            let variant_id = line
                .variant_id
                .clone()
                .or_else(|| item.variant_id.clone())?;
            Some(DraftLinePlan {
                variant_id,
                quantity: line.quantity,
                applied_discount: DiscountPlan::full("Replacement"),
            })
        })
        .collect();
    let ticket = ticket_id
        .map(|t| format!(", ticket {t}"))
        .unwrap_or_default();
    let mut note = format!("Replacement for {}{ticket}", order.name);
    if let Some(extra) = request.note.as_deref().filter(|n| !n.trim().is_empty()) {
        note = format!("{note}: {}", extra.trim());
    }
    let mut tags = vec![
        "replacement".to_string(),
        action_tag(key),
        format!("replacement-for-{}", order.name.trim_start_matches('#')),
    ];
    if let Some(ticket_id) = ticket_id {
        tags.push(format!("ticket-{ticket_id}"));
    }
    let shipping_address = request
        .shipping_address
        .as_ref()
        .map(address)
        .or_else(|| order.shipping_address.clone());
    ActionPlan::Replacement {
        draft: DraftOrderPlan {
            purchasing_entity: order
                .customer_id
                .clone()
                .map(|customer_id| PurchasingEntityPlan { customer_id }),
            email: order.email.clone(),
            line_items,
            shipping_address,
            shipping_line: ShippingLinePlan {
                title: "Replacement".into(),
                price: "0".into(),
            },
            note,
            tags,
        },
        draft_id: None,
        summary: Summary {
            order_name: order.name.clone(),
            items: items_text(
                order,
                request.lines.iter().map(|l| (&l.line_item_id, l.quantity)),
            ),
        },
    }
}

pub(crate) fn cancel(request: &CancelRequest, order: &ActionOrder) -> ActionPlan {
    let reason = serde_json::to_value(request.reason)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "OTHER".into());
    ActionPlan::Cancel {
        input: CancelPlan {
            order_id: order.id.clone(),
            reason,
            refund: request.refund,
            restock: request.restock,
            notify_customer: request.notify,
            staff_note: request.staff_note.clone(),
        },
        summary: Summary {
            order_name: order.name.clone(),
            items: String::new(),
        },
    }
}

pub(crate) fn edit(request: &OrderEditRequest, order: &ActionOrder) -> ActionPlan {
    let update =
        (request.note.is_some() || request.shipping_address.is_some()).then(|| OrderUpdatePlan {
            id: order.id.clone(),
            note: request.note.clone(),
            shipping_address: request.shipping_address.as_ref().map(address),
        });
    let mut changes = Vec::new();
    if request.shipping_address.is_some() {
        changes.push("the shipping address");
    }
    if request.note.is_some() {
        changes.push("the note");
    }
    let tags = request.tags.clone().unwrap_or_default();
    if !tags.is_empty() {
        changes.push("the tags");
    }
    ActionPlan::Edit {
        update,
        tags,
        summary: Summary {
            order_name: order.name.clone(),
            items: changes.join(", "),
        },
    }
}

pub(crate) fn address(input: &AddressInput) -> MailingAddress {
    MailingAddress {
        first_name: input.first_name.clone(),
        last_name: input.last_name.clone(),
        company: input.company.clone(),
        address1: input.address1.clone(),
        address2: input.address2.clone(),
        city: input.city.clone(),
        province_code: input.province_code.clone(),
        zip: input.zip.clone(),
        country_code: input.country_code.clone(),
        phone: input.phone.clone(),
    }
}

/// "2 x Espresso, 1 x Mug".
fn items_text<'a>(order: &ActionOrder, lines: impl Iterator<Item = (&'a String, i64)>) -> String {
    let parts: Vec<String> = lines
        .map(|(id, quantity)| {
            let name = order
                .line_item(id)
                .map_or_else(|| id.clone(), |item| item.name.clone());
            format!("{quantity} x {name}")
        })
        .collect();
    parts.join(", ")
}
