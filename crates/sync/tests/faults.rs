//! Every fault the simulator injects (429, 5xx, dropped connections, slow and cut-short
//! answers, THROTTLED): the sync retries, completes, and the store equals the shop.

mod common;

use std::time::Duration;

use common::expected::assert_store_matches;
use common::{client, start, temp_store};
use shopdesk_shopify::{ShopifyClient, ShopifyConfig, ShopifyError};
use shopdesk_shopify_sim::{Fault, SimConfig, Simulator};
use shopdesk_sync::{incremental_sync, SyncError};

async fn shop() -> Simulator {
    start(SimConfig::sized(61, 220, 40)).await
}

/// Queues `fault` for the 2nd and 5th requests of an initial sync (the counts, then pages).
async fn sync_completes_despite(fault: Fault, client: ShopifyClient, sim: &Simulator) {
    let (_dir, mut store) = temp_store();
    sim.faults().push(Fault::Slow(Duration::ZERO));
    sim.faults().push(fault.clone());
    sim.faults().push_n(Fault::Slow(Duration::ZERO), 2);
    sim.faults().push(fault.clone());
    let report = incremental_sync(&client, &mut store, |_| {})
        .await
        .unwrap_or_else(|e| panic!("{fault:?}: {e}"));
    assert_eq!(sim.faults().pending(), 0);
    assert_eq!(report.orders.records, 40, "{fault:?}");
    assert_store_matches(&store, sim);
}

#[tokio::test]
async fn http_errors_are_retried() {
    let sim = shop().await;
    let faults = [
        Fault::TooManyRequests {
            retry_after: Duration::from_millis(200),
        },
        Fault::ServerError(500),
        Fault::ServerError(502),
        Fault::ServerError(503),
    ];
    for fault in faults {
        sync_completes_despite(fault, client(&sim), &sim).await;
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn dropped_and_cut_short_answers_are_retried() {
    let sim = shop().await;
    let faults = [
        Fault::DropConnection,
        Fault::TruncatedBody,
        Fault::CutJson,
        Fault::ResponseLostAfterCommit,
    ];
    for fault in faults {
        sync_completes_despite(fault, client(&sim), &sim).await;
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn throttled_waits_for_the_bucket_and_retries() {
    let sim = shop().await;
    sim.set_throttle(2_000.0, 2_000.0);
    sync_completes_despite(Fault::Throttled, client(&sim), &sim).await;
    assert_eq!(sim.stats().throttled, 2, "only the injected ones");
    sim.shutdown().await;
}

#[tokio::test]
async fn slow_answers_wait_or_time_out_and_are_retried() {
    let sim = shop().await;
    sync_completes_despite(Fault::Slow(Duration::from_millis(300)), client(&sim), &sim).await;
    let mut config = ShopifyConfig::for_graphql_url(sim.graphql_url(), sim.access_token());
    config.request_timeout = Duration::from_millis(500);
    let impatient = ShopifyClient::new(config).unwrap();
    sync_completes_despite(Fault::Slow(Duration::from_secs(1)), impatient, &sim).await;
    sim.shutdown().await;
}

#[tokio::test]
async fn random_faults_of_every_kind_still_converge() {
    let sim = shop().await;
    sim.faults().set_random(
        2026,
        0.25,
        vec![
            Fault::TooManyRequests {
                retry_after: Duration::from_millis(50),
            },
            Fault::ServerError(500),
            Fault::ServerError(502),
            Fault::ServerError(503),
            Fault::DropConnection,
            Fault::TruncatedBody,
            Fault::CutJson,
            Fault::Throttled,
            Fault::Slow(Duration::from_millis(50)),
        ],
    );
    let (_dir, mut store) = temp_store();
    let client = client(&sim);
    // A run may still fail when one request draws more faults in a row than it retries:
    // the next run resumes from the saved cursor.
    let mut runs = 0;
    loop {
        runs += 1;
        match incremental_sync(&client, &mut store, |_| {}).await {
            Ok(_) => break,
            Err(error) => assert!(error.is_transient(), "{error}"),
        }
        assert!(runs < 10, "no progress");
    }
    sim.faults().clear();
    // The draws are seeded: the same faults every run.
    assert!(sim.faults().injected() > 0);
    assert_store_matches(&store, &sim);
    sim.shutdown().await;
}

#[tokio::test]
async fn an_outage_longer_than_the_retries_is_a_clear_error_and_the_next_run_resumes() {
    let sim = shop().await;
    let (_dir, mut store) = temp_store();
    let client = client(&sim);
    // Shop, counts, customers page 1, then every retry of customers page 2 gets a 503.
    sim.faults().push_n(Fault::Slow(Duration::ZERO), 3);
    sim.faults().push_n(Fault::ServerError(503), 6);
    let error = incremental_sync(&client, &mut store, |_| {})
        .await
        .expect_err("the outage outlasts the retries");
    assert!(
        matches!(
            &error,
            SyncError::Shopify(ShopifyError::Http { status: 503, .. })
        ),
        "{error:?}"
    );
    assert!(error.is_transient());
    assert!(error.to_string().contains("server error (503)"), "{error}");
    assert_eq!(
        store.customers_count().unwrap(),
        200,
        "the first page was kept"
    );

    let report = incremental_sync(&client, &mut store, |_| {}).await.unwrap();
    assert!(report.customers.resumed);
    assert_eq!(report.customers.records, 20);
    assert_store_matches(&store, &sim);
    sim.shutdown().await;
}
