//! The sync keeps within Shopify's cost bucket: it waits instead of failing with THROTTLED.

mod common;

use std::time::Instant;

use common::expected::assert_store_matches;
use common::{client, start_with_shopify_limits, temp_store};
use shopdesk_shopify_sim::SimConfig;
use shopdesk_sync::full_sync;

#[tokio::test]
async fn a_sync_larger_than_the_bucket_waits_and_completes() {
    let sim = start_with_shopify_limits(SimConfig::sized(71, 60, 64)).await;
    // A small bucket that refills fast: every orders page (requested cost over 800) has to
    // wait for the bucket, yet the test stays quick.
    sim.set_throttle(1_000.0, 2_000.0);
    let (_dir, mut store) = temp_store();
    let client = client(&sim);
    let started = Instant::now();

    let report = full_sync(&client, &mut store, |_| {}).await.unwrap();

    assert_eq!(report.orders.pages, 8);
    assert_store_matches(&store, &sim);
    let last = client.last_cost().expect("the simulator reports costs");
    let requested = last.requested_query_cost.unwrap();
    assert!(requested <= 1_000.0, "{requested}");
    assert!(last.throttle_status.is_some());
    assert!(started.elapsed().as_secs() < 20);
    sim.shutdown().await;
}
