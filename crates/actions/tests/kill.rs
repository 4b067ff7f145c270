//! A real process kill: `action_worker` submits refunds and replacements and is SIGKILLed at
//! random points (mid-request, between the outbox write and the confirmation), 10 times, with
//! faults on the simulator too. After each kill a new engine on the same SQLite file reconciles;
//! at the end Shopify holds exactly what the actions say.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use shopdesk_actions::ActionEngine;
use shopdesk_shopify_sim::model::PaymentState;
use shopdesk_shopify_sim::{gid, Fault, Simulator};
use shopdesk_store::{OrderActionState, Store};

const ROUNDS: usize = 10;
const PER_ROUND: usize = 12;

fn specs(sim: &Simulator, rng: &mut ChaCha8Rng) -> Vec<String> {
    let state = sim.state();
    let state = state.read().unwrap();
    let lines: Vec<(String, String, bool)> = state
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
            o.line_items.iter().map(move |l| {
                (
                    gid("Order", o.legacy_id),
                    gid("LineItem", l.legacy_id),
                    l.refunded_quantity < l.quantity,
                )
            })
        })
        .collect();
    (0..PER_ROUND)
        .map(|_| {
            let (order, line, refundable) = &lines[rng.random_range(0..lines.len())];
            let kind = if *refundable && rng.random_bool(0.6) {
                "refund"
            } else {
                "replace"
            };
            format!("{kind},{order},{line}")
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_at_random_points_it_never_acts_twice() {
    let sim = start_sim(2028, 200).await;
    {
        let state = sim.state();
        let mut state = state.write().unwrap();
        for levels in state.ops.inventory.values_mut() {
            levels.iter_mut().for_each(|level| *level = 100_000);
        }
    }
    // Half the mutations hold their answer back after running: a kill then lands mid-send.
    sim.faults().set_random_mutations(
        3,
        0.6,
        vec![
            Fault::TimeoutAfterCommit(Duration::from_millis(300)),
            Fault::TimeoutAfterCommit(Duration::from_millis(300)),
            Fault::ResponseLostAfterCommit,
            Fault::ServerError(503),
            Fault::DropConnection,
        ],
    );
    let desk = desk();
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let mut killed = 0;
    let mut cut_off = 0;
    for _ in 0..ROUNDS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_action_worker"))
            .args(["--url", &sim.graphql_url(), "--token", sim.access_token()])
            .arg("--db")
            .arg(&desk.path)
            .args(["--ticket", &desk.ticket_id.to_string()])
            .args(specs(&sim, &mut rng))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("action_worker starts");
        let lines = rng.random_range(0..PER_ROUND / 2);
        let mut reader = BufReader::new(child.stdout.take().unwrap()).lines();
        for _ in 0..lines {
            if !matches!(reader.next(), Some(Ok(_))) {
                break;
            }
        }
        // Reading the line happens right after the submit; the next one is under way.
        let delay = Duration::from_millis(rng.random_range(0..250));
        tokio::time::sleep(delay).await;
        if child.try_wait().unwrap().is_none() {
            killed += 1;
        }
        child.kill().unwrap(); // SIGKILL: no clean-up
        child.wait().unwrap();

        // The app starts again: a new engine on the same file finishes what was cut off.
        let store = Arc::new(Mutex::new(Store::open(&desk.path).unwrap()));
        cut_off += store
            .lock()
            .unwrap()
            .order_actions_in_state(OrderActionState::Sending)
            .unwrap()
            .len();
        let engine =
            ActionEngine::new(store, client(&sim), "Ana", None).with_search_settle(Duration::ZERO);
        engine.run_pending().await.unwrap();
    }
    assert!(
        killed >= ROUNDS / 2,
        "only {killed} kills landed while it ran"
    );
    eprintln!("{killed} kills, {cut_off} actions found mid-send after a kill");
    assert!(
        cut_off >= 1,
        "no kill landed between the outbox write and the confirmation"
    );

    sim.faults().clear();
    let store = Arc::new(Mutex::new(Store::open(&desk.path).unwrap()));
    let engine =
        ActionEngine::new(store, client(&sim), "Ana", None).with_search_settle(Duration::ZERO);
    let mut pending = usize::MAX;
    for _ in 0..10 {
        pending = engine.run_pending().await.unwrap().pending;
        if pending == 0 {
            break;
        }
    }
    assert_eq!(pending, 0);
    let actions = engine.list_for_ticket(desk.ticket_id).unwrap();
    assert!(actions.len() >= ROUNDS, "{} actions", actions.len());
    common::check::shopify_matches(&sim, &actions);
}
