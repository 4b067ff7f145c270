//! The check every fault test ends with: Shopify (the simulator's state) against the actions.

use std::collections::{HashMap, HashSet};

use shopdesk_actions::{ActionKind, ActionRecord, ActionState};
use shopdesk_shopify_sim::Simulator;

/// What Shopify holds is exactly what the actions say: one refund per succeeded refund (of
/// the confirmed amount), one order per succeeded replacement, nothing for the others, and
/// no order refunded beyond what it took.
pub fn shopify_matches(sim: &Simulator, actions: &[ActionRecord]) {
    let state = sim.state();
    let state = state.read().unwrap();
    let mut refunds_by_key: HashMap<String, Vec<rust_decimal::Decimal>> = HashMap::new();
    for order in &state.orders {
        for refund in &order.refunds {
            let Some(note) = refund.note.as_deref() else {
                continue;
            };
            if let Some(start) = note.find("[shopdesk ") {
                let key = note[start + 10..].trim_end_matches(']').to_string();
                refunds_by_key.entry(key).or_default().push(refund.total());
            }
        }
        // No over-refund, per line and in money.
        for line in &order.line_items {
            assert!(
                line.refunded_quantity <= line.quantity,
                "{} over-refunded",
                order.name()
            );
        }
        assert!(
            order.total_refunded() <= order.total_price(),
            "{} over-refunded",
            order.name()
        );
    }
    let mut keys = HashSet::new();
    for action in actions {
        assert!(action.state.is_final(), "{action:?}");
        assert!(keys.insert(action.key.clone()), "keys are unique");
        let tag = format!("shopdesk-{}", action.key);
        match action.kind {
            ActionKind::Refund => {
                let found = refunds_by_key.get(&action.key).map_or(0, Vec::len);
                if action.state == ActionState::Succeeded {
                    assert_eq!(found, 1, "exactly one refund for {action:?}");
                    let amount = refunds_by_key[&action.key][0];
                    assert_eq!(amount, action.expected_total.unwrap().amount, "{action:?}");
                } else {
                    assert_eq!(found, 0, "no refund for an action that says so: {action:?}");
                }
            }
            ActionKind::Replacement => {
                let orders = state.orders_tagged(&tag).len();
                let drafts = state.draft_orders_tagged(&tag).len();
                assert!(drafts <= 1, "one draft at most: {action:?}");
                if action.state == ActionState::Succeeded {
                    assert_eq!(orders, 1, "exactly one replacement order: {action:?}");
                    let name = action.result.as_ref().unwrap().order_name.clone().unwrap();
                    assert_eq!(state.orders_tagged(&tag)[0].name(), name);
                } else {
                    assert_eq!(orders, 0, "no order for an action that says so: {action:?}");
                }
            }
            _ => {}
        }
    }
    for key in refunds_by_key.keys() {
        assert!(keys.contains(key), "a refund no action knows of: {key}");
    }
}
