//! Which actions an order allows, from the local copy (no network), with the reason as a
//! sentence for the hover text. Shopify checks again when the action is sent.

use shopdesk_store::OrderRecord;

use crate::types::{Availability, OrderActionsAllowed};

pub fn order_actions_allowed(order: &OrderRecord) -> OrderActionsAllowed {
    let name = &order.name;
    let cancelled = order.cancelled_at.is_some();
    let refundable_items = order.line_items.iter().any(|i| i.refundable_quantity > 0);
    let money_left = order.refunded.amount < order.total.amount;
    // A replacement (or any free order) took no payment: there is no money to give back, and
    // Shopify's `refundable` is false for it.
    let refund = if order.total.amount.is_zero() {
        Availability::Denied(format!(
            "{name} was free ({}), so there is no payment to refund.",
            order.total
        ))
    } else if refundable_items || money_left {
        Availability::Allowed
    } else {
        Availability::Denied(format!(
            "Nothing is left to refund on {name}: every item and the shipping were refunded."
        ))
    };
    let shipped = order.fulfillments.iter().any(|f| f.status == "SUCCESS")
        || matches!(
            order.fulfillment_status.as_str(),
            "FULFILLED" | "PARTIALLY_FULFILLED"
        );
    let cancel = if cancelled {
        Availability::Denied(format!("{name} is already cancelled."))
    } else if shipped {
        Availability::Denied(format!(
            "{name} has shipped items, and a fulfilled order can't be cancelled: refund it instead."
        ))
    } else {
        Availability::Allowed
    };
    let replaceable = order.line_items.iter().any(|i| i.variant_id.is_some());
    let replacement = if cancelled {
        Availability::Denied(format!(
            "{name} was cancelled: there is nothing to replace."
        ))
    } else if !replaceable {
        Availability::Denied(format!(
            "None of the items on {name} is still in the catalog, so none can be sent again."
        ))
    } else {
        Availability::Allowed
    };
    OrderActionsAllowed {
        refund,
        cancel,
        replacement,
        edit: Availability::Allowed,
    }
}
