//! The internal note for the ticket and the message offered to the customer after an action.

use crate::types::{ActionKind, ActionResult};

/// What an action did, as the note and the message need it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Done {
    pub kind: Option<ActionKind>,
    pub agent: String,
    pub order_name: String,
    /// "24.90 EUR", for refunds (and cancellations that refund).
    pub amount: Option<String>,
    /// "2 x Espresso 250 g, restocked"
    pub items: String,
    pub refund_id: Option<String>,
    pub new_order_id: Option<String>,
    pub new_order_name: Option<String>,
    pub approved_by: Option<String>,
    /// Cancel: whether the payment goes back.
    pub refunded: bool,
    /// Edit: what changed ("the shipping address, the note").
    pub changes: String,
}

/// "Ana refunded 24.90 EUR (2 x Espresso, restocked) on #1001".
pub fn internal_note(done: &Done) -> String {
    let approval = done
        .approved_by
        .as_deref()
        .map(|owner| format!(", approved by {owner}"))
        .unwrap_or_default();
    match done.kind {
        Some(ActionKind::Refund) => format!(
            "{} refunded {} ({}) on {}{approval}",
            done.agent,
            done.amount.as_deref().unwrap_or("an amount"),
            done.items,
            done.order_name
        ),
        Some(ActionKind::Replacement) => format!(
            "{} sent a replacement for {}: order {} ({}), at no charge",
            done.agent,
            done.order_name,
            done.new_order_name.as_deref().unwrap_or("(new order)"),
            done.items
        ),
        Some(ActionKind::Cancel) => format!(
            "{} cancelled {}{}{approval}",
            done.agent,
            done.order_name,
            match (done.refunded, done.amount.as_deref()) {
                (true, Some(amount)) => format!(" and refunded {amount}"),
                (true, None) => " and refunded the payment".into(),
                (false, _) => " without a refund".into(),
            }
        ),
        Some(ActionKind::Edit) | None => {
            format!(
                "{} updated {}: {}",
                done.agent, done.order_name, done.changes
            )
        }
    }
}

/// A first draft of the reply to the customer, for the reply box.
pub fn customer_message(done: &Done) -> String {
    match done.kind {
        Some(ActionKind::Refund) => format!(
            "I've refunded {} to your original payment method for order {}. Depending on your bank, it can take 5 to 10 business days to show on your statement.",
            done.amount.as_deref().unwrap_or("the amount"),
            done.order_name
        ),
        Some(ActionKind::Replacement) => format!(
            "I've sent you a replacement: order {} ({}), at no charge. You'll get a shipping confirmation as soon as it leaves us.",
            done.new_order_name.as_deref().unwrap_or("(new order)"),
            done.items
        ),
        Some(ActionKind::Cancel) if done.refunded => format!(
            "I've cancelled your order {}. {} goes back to your original payment method; depending on your bank, it can take 5 to 10 business days to show.",
            done.order_name,
            done.amount.as_deref().map_or("The payment".to_string(), |a| format!("The payment of {a}"))
        ),
        Some(ActionKind::Cancel) => format!("I've cancelled your order {}.", done.order_name),
        Some(ActionKind::Edit) | None => {
            format!("I've updated your order {}: {}.", done.order_name, done.changes)
        }
    }
}

pub(crate) fn result_of(done: &Done) -> ActionResult {
    ActionResult {
        refund_id: done.refund_id.clone(),
        order_id: done.new_order_id.clone(),
        order_name: done.new_order_name.clone(),
        note: internal_note(done),
        customer_message: customer_message(done),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refund_note_says_who_what_and_how_much() {
        let done = Done {
            kind: Some(ActionKind::Refund),
            agent: "Ana".into(),
            order_name: "#1001".into(),
            amount: Some("24.90 EUR".into()),
            items: "2 x Item, restocked".into(),
            ..Done::default()
        };
        assert_eq!(
            internal_note(&done),
            "Ana refunded 24.90 EUR (2 x Item, restocked) on #1001"
        );
        assert!(customer_message(&done)
            .starts_with("I've refunded 24.90 EUR to your original payment method"));
    }

    #[test]
    fn a_refunding_cancel_says_how_much() {
        let done = Done {
            kind: Some(ActionKind::Cancel),
            agent: "Ana".into(),
            order_name: "#1001".into(),
            amount: Some("24.90 EUR".into()),
            refunded: true,
            ..Done::default()
        };
        assert_eq!(
            internal_note(&done),
            "Ana cancelled #1001 and refunded 24.90 EUR"
        );
        assert!(customer_message(&done).contains("The payment of 24.90 EUR goes back"));
    }

    #[test]
    fn a_replacement_message_names_the_new_order() {
        let done = Done {
            kind: Some(ActionKind::Replacement),
            agent: "Ana".into(),
            order_name: "#1001".into(),
            items: "1 x Mug".into(),
            new_order_name: Some("#1042".into()),
            ..Done::default()
        };
        assert!(customer_message(&done).starts_with("I've sent you a replacement: order #1042"));
        assert!(internal_note(&done).contains("replacement for #1001: order #1042"));
    }
}
