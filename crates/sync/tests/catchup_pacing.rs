//! Pacing: a catch-up of 2,000 changed orders against a bucket smaller and slower than the
//! work never runs into THROTTLED (counted by the simulator), and ends equal to the shop.

mod common;

use common::expected::assert_store_matches;
use common::{client, start, temp_store};
use shopdesk_shopify_sim::SimConfig;
use shopdesk_sync::{full_sync, incremental_sync};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_catch_up_of_2000_changed_orders_is_never_throttled() {
    let sim = start(SimConfig::sized(91, 400, 2_000)).await;
    let (_dir, mut store) = temp_store();
    let client = client(&sim);
    full_sync(&client, &mut store, |_| {}).await.unwrap();
    assert_eq!(sim.activity(11).update_many_orders(2_000), 2_000);

    // Shopify's Standard bucket (2,000 points) refilled 50 times faster than its 100/s, so
    // the test takes seconds: the catch-up needs ~30 times the bucket, so the pacer has to
    // wait for refills most of the way.
    sim.set_throttle(2_000.0, 5_000.0);
    sim.reset_stats();
    let report = incremental_sync(&client, &mut store, |_| {}).await.unwrap();

    let stats = sim.stats();
    assert_eq!(stats.throttled, 0, "{stats:?}");
    assert!(report.orders.records >= 2_000, "{:?}", report.orders);
    assert!(
        stats.points_consumed > 20 * 2_000,
        "the work is many buckets' worth: {stats:?}"
    );
    assert_store_matches(&store, &sim);
    sim.shutdown().await;
}
