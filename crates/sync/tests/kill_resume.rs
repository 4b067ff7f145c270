//! The sync killed (SIGKILL) at random points, 20 times, then let finish: the store equals
//! the shop field by field, and after every kill it held only whole, correct records.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::expected::{self, assert_store_matches};
use common::start;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use shopdesk_shopify_sim::{SimConfig, Simulator};
use shopdesk_store::Store;

const ROUNDS: usize = 20;

fn sync_once(sim: &Simulator, db: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sync_once"));
    command
        .args(["--url", &sim.graphql_url(), "--token", sim.access_token()])
        .arg("--db")
        .arg(db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    command
}

/// Runs the binary and kills it once it printed `lines` progress lines, `delay` later (or
/// lets it end if it finishes first). Returns whether it was killed.
fn run_and_kill(mut command: Command, lines: usize, delay: Duration) -> bool {
    let mut child = command.spawn().expect("sync_once starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut seen = 0;
    let mut reader = BufReader::new(stdout).lines();
    while seen < lines {
        match reader.next() {
            Some(Ok(_)) => seen += 1,
            _ => break, // it ended before
        }
    }
    std::thread::sleep(delay);
    let killed = child.try_wait().ok().flatten().is_none();
    // Child::kill sends SIGKILL on Unix: no chance to clean up.
    let _ = child.kill();
    let _ = child.wait();
    killed
}

/// Whatever the store holds is exactly what the (unchanging) shop holds: no record is
/// half-written, none is duplicated.
fn assert_store_holds_only_whole_records(db: &Path, sim: &Simulator) {
    let store = Store::open(db).expect("the database opens after a kill");
    let state = sim.state();
    let state = state.read().unwrap();
    for stored in store.orders().unwrap() {
        let id = shopdesk_shopify_sim::parse_gid(&stored.id).unwrap().1;
        let expected = expected::order(&state, state.order(id).expect("a real order"));
        let stored = shopdesk_store::OrderRecord {
            status_page_url: None,
            ..stored
        };
        assert_eq!(stored, expected);
    }
    for stored in store.customers().unwrap() {
        let id = shopdesk_shopify_sim::parse_gid(&stored.id).unwrap().1;
        let customer = state.customer(id).expect("a real customer");
        assert_eq!(stored, expected::customer(&state, customer));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_at_random_points_the_sync_resumes_and_ends_equal() {
    let sim = start(SimConfig::sized(81, 450, 240)).await;
    // Paced, so that a run lasts long enough to be killed in the middle of a pass.
    sim.set_throttle(2_000.0, 20_000.0);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shopdesk.sqlite");
    let mut rng = ChaCha8Rng::seed_from_u64(2026);

    let mut kills = 0;
    for _ in 0..ROUNDS {
        let lines = rng.random_range(0..=3);
        let delay = Duration::from_millis(rng.random_range(0..40));
        let command = sync_once(&sim, &db);
        // Blocking reads of the child's output: off the runtime that serves the simulator.
        let killed = tokio::task::spawn_blocking(move || run_and_kill(command, lines, delay))
            .await
            .unwrap();
        kills += usize::from(killed);
        assert_store_holds_only_whole_records(&db, &sim);
    }
    assert!(
        kills >= ROUNDS / 2,
        "most runs were killed mid-way: {kills}"
    );

    // The shop moves on; one more run killed, then runs to the end.
    sim.activity(12).apply(60);
    let command = sync_once(&sim, &db);
    tokio::task::spawn_blocking(move || run_and_kill(command, 1, Duration::ZERO))
        .await
        .unwrap();
    let mut command = sync_once(&sim, &db);
    command.stdout(Stdio::null());
    let status = tokio::task::spawn_blocking(move || command.status())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());

    let store = Store::open(&db).unwrap();
    assert_store_matches(&store, &sim);
    sim.shutdown().await;
}
