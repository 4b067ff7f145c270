//! THE exactly-once test: 600 refund and replacement attempts, four at a time, with faults at
//! every step (a timeout after the simulator applied the mutation, the answer lost after
//! commit, 5xx, 429, dropped connections, cut-short answers, on mutations and on reads) and
//! "crashes" (the submitting task dropped at a random moment between the outbox write and
//! the confirmation, then a new engine on the same SQLite file reconciles). Then the simulator
//! itself is checked: no double refund, no over-refund, no duplicate replacement, every action
//! final, and every action's outcome matching what Shopify holds.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use shopdesk_actions::{
    ActionEngine, ActionKind, ActionRequest, ActionState, RefundLineRequest, RefundRequest,
    ReplacementLineRequest, ReplacementRequest, ShippingRefund, SubmitMode,
};
use shopdesk_shopify_sim::model::PaymentState;
use shopdesk_shopify_sim::{gid, Fault, Simulator};
use shopdesk_store::{OrderActionState, Store};

const ATTEMPTS: usize = 600;
const WORKERS: usize = 4;

fn mutation_faults() -> Vec<Fault> {
    vec![
        Fault::ResponseLostAfterCommit,
        Fault::TimeoutAfterCommit(Duration::from_millis(1_300)),
        Fault::ServerError(503),
        Fault::ServerError(500),
        Fault::TooManyRequests {
            retry_after: Duration::from_millis(5),
        },
        Fault::DropConnection,
        Fault::CutJson,
    ]
}

fn read_faults() -> Vec<Fault> {
    vec![
        Fault::ServerError(502),
        Fault::DropConnection,
        Fault::TooManyRequests {
            retry_after: Duration::from_millis(5),
        },
        Fault::CutJson,
    ]
}

/// A refund of one unit of a line with units left, or a replacement of one unit, drawn
/// from the simulator's current state.
fn draw_request(sim: &Simulator, rng: &mut ChaCha8Rng) -> ActionRequest {
    let state = sim.state();
    let state = state.read().unwrap();
    let refund = rng.random_bool(0.7);
    let candidates: Vec<(String, String)> = state
        .orders
        .iter()
        .filter(|o| {
            o.payment == PaymentState::Paid
                && o.cancelled_at.is_none()
                && o.presentment_currency == state.shop.currency
                && o.shipping_address.is_some()
                && !o.tags.iter().any(|t| t == "replacement")
        })
        .flat_map(|o| {
            o.line_items
                .iter()
                .filter(move |l| !refund || l.refunded_quantity < l.quantity)
                .map(move |l| (gid("Order", o.legacy_id), gid("LineItem", l.legacy_id)))
        })
        .collect();
    let (order_id, line_item_id) = candidates[rng.random_range(0..candidates.len())].clone();
    if refund {
        ActionRequest::Refund(RefundRequest {
            order_id,
            lines: vec![RefundLineRequest {
                line_item_id,
                quantity: 1,
                restock: rng.random_bool(0.5),
            }],
            restock_location_id: None,
            shipping: ShippingRefund::None,
            reason: "Damaged in transit".into(),
            note: None,
            notify: false,
            confirmed_total: None,
        })
    } else {
        ActionRequest::Replacement(ReplacementRequest {
            order_id,
            lines: vec![ReplacementLineRequest {
                line_item_id,
                variant_id: None,
                quantity: 1,
            }],
            shipping_address: None,
            note: None,
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_attempts_with_faults_and_crashes_stay_exactly_once() {
    let sim = Arc::new(start_sim(2027, 300).await);
    // Plenty of stock: this test is about faults, not inventory.
    {
        let state = sim.state();
        let mut state = state.write().unwrap();
        for levels in state.ops.inventory.values_mut() {
            for level in levels.iter_mut() {
                *level = 100_000;
            }
        }
    }
    let desk = desk();
    let timeout = Duration::from_millis(1_000);
    let new_engine = |store: Arc<Mutex<Store>>| {
        ActionEngine::new(
            store,
            client_for(&sim.graphql_url(), sim.access_token(), timeout),
            "Ana",
            None,
        )
        .with_search_settle(Duration::ZERO)
    };
    sim.faults()
        .set_random_mutations(7, 0.45, mutation_faults());
    sim.faults().set_random(8, 0.08, read_faults());

    let crashes = Arc::new(Mutex::new(0usize));
    let engine = new_engine(desk.store.clone());
    let mut workers = Vec::new();
    for worker in 0..WORKERS {
        let sim = sim.clone();
        let engine = engine.clone();
        let crashes = crashes.clone();
        let ticket_id = desk.ticket_id;
        workers.push(tokio::spawn(async move {
            let mut rng = ChaCha8Rng::seed_from_u64(100 + worker as u64);
            for _ in 0..ATTEMPTS / WORKERS {
                let request = draw_request(&sim, &mut rng);
                let mode = if rng.random_bool(0.8) {
                    SubmitMode::Now
                } else {
                    SubmitMode::WhenOnline
                };
                let submit = engine.submit(Some(ticket_id), request, mode, None);
                if rng.random_bool(0.15) {
                    // A crash: the task is dropped wherever it is, mid-request included.
                    let after = Duration::from_millis(rng.random_range(0..40));
                    if tokio::time::timeout(after, submit).await.is_err() {
                        *crashes.lock().unwrap() += 1;
                    }
                } else {
                    // Refused input (a line refunded meanwhile by another worker) is fine.
                    let _ = submit.await;
                }
            }
        }));
    }
    for worker in workers {
        worker.await.unwrap();
    }
    drop(engine);

    // "After the restart": a new engine on the same file, faults still on for a while.
    let reopened = Arc::new(Mutex::new(Store::open(&desk.path).unwrap()));
    let cut_off: usize = {
        let store = reopened.lock().unwrap();
        [OrderActionState::Sending, OrderActionState::Unknown]
            .into_iter()
            .map(|state| store.order_actions_in_state(state).unwrap().len())
            .sum()
    };
    let engine = new_engine(reopened.clone());
    for _ in 0..3 {
        engine.run_pending().await.unwrap();
    }
    sim.faults().clear();
    let mut pending = usize::MAX;
    for _ in 0..10 {
        pending = engine.run_pending().await.unwrap().pending;
        if pending == 0 {
            break;
        }
    }
    assert_eq!(pending, 0, "every action reached a final state");

    let actions = engine.list_for_ticket(desk.ticket_id).unwrap();
    let crashes = *crashes.lock().unwrap();
    assert!(actions.len() >= 500, "{} actions written", actions.len());
    assert!(crashes >= 20, "only {crashes} crashes");
    assert!(
        sim.faults().injected() >= 300,
        "only {} faults",
        sim.faults().injected()
    );
    common::check::shopify_matches(&sim, &actions);
    let succeeded = |kind| {
        actions
            .iter()
            .filter(|a| a.kind == kind && a.state == ActionState::Succeeded)
            .count()
    };
    assert!(
        succeeded(ActionKind::Refund) >= 200,
        "{}",
        succeeded(ActionKind::Refund)
    );
    assert!(
        succeeded(ActionKind::Replacement) >= 80,
        "{}",
        succeeded(ActionKind::Replacement)
    );
    // Recovered: succeeded although a try failed or its answer was lost.
    let recovered = actions
        .iter()
        .filter(|a| a.state == ActionState::Succeeded && a.last_error.is_some())
        .count();
    eprintln!(
        "{} actions, {crashes} crashes, {cut_off} cut off between outbox and confirmation, \
         {recovered} recovered, {} faults",
        actions.len(),
        sim.faults().injected()
    );
    assert!(cut_off >= 5, "only {cut_off} actions were cut off mid-send");
    assert!(
        recovered >= 50,
        "only {recovered} actions recovered from a fault"
    );
    let notes = reopened
        .lock()
        .unwrap()
        .ticket_notes(desk.ticket_id)
        .unwrap();
    assert_eq!(
        notes.len(),
        actions
            .iter()
            .filter(|a| a.state == ActionState::Succeeded)
            .count(),
        "one note per success"
    );
}
