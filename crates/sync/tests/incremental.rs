//! The incremental sync against a moving store: changes, refunds, fulfillments, cancellations
//! and deletions made while it runs all end up in the store, field by field.

mod common;

use std::time::Duration;

use common::expected::assert_store_matches;
use common::{client, start, temp_store};
use shopdesk_shopify_sim::{ActivityKind, SimConfig};
use shopdesk_sync::{full_sync, incremental_sync, IncrementalResource, SyncEvent, SyncScheduler};

#[tokio::test]
async fn an_incremental_sync_on_an_empty_store_copies_everything_with_an_eta() {
    let sim = start(SimConfig::sized(51, 250, 90)).await;
    let (_dir, mut store) = temp_store();
    let mut pages = Vec::new();
    let report = incremental_sync(&client(&sim), &mut store, |event| {
        if let SyncEvent::Page(progress) = event {
            pages.push(progress);
        }
    })
    .await
    .unwrap();

    assert_eq!(report.orders.records, 90);
    assert_eq!(report.customers.records, 250);
    assert_store_matches(&store, &sim);
    let orders: Vec<_> = pages
        .iter()
        .filter(|p| p.resource == IncrementalResource::Orders)
        .collect();
    assert_eq!(orders.len(), 12, "pages of 8");
    assert!(orders.iter().all(|p| p.total == Some(90)));
    assert!(orders[0].eta.is_some() && orders[0].records_per_second > 0.0);
    assert_eq!(orders.last().unwrap().eta, Some(Duration::ZERO));
    assert!(!orders.last().unwrap().has_more);
    assert!(report.finished_at >= report.started_at);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_changing_during_the_sync_ends_up_equal_field_by_field() {
    let sim = start(SimConfig::sized(52, 120, 200)).await;
    let (_dir, mut store) = temp_store();
    let client = client(&sim);
    full_sync(&client, &mut store, |_| {}).await.unwrap();

    let mut activity = sim.activity(8);
    let shop_activity =
        tokio::spawn(async move { activity.run(400, Duration::from_millis(2)).await });
    let mut passes = 0;
    while !shop_activity.is_finished() {
        incremental_sync(&client, &mut store, |_| {}).await.unwrap();
        passes += 1;
        assert!(passes < 1_000, "the activity never ended");
    }
    let steps = shop_activity.await.unwrap();
    assert!(steps.iter().any(|s| s.kind == ActivityKind::DeleteOrder));
    assert!(steps.iter().any(|s| s.kind == ActivityKind::Refund));
    // One pass after the shop stopped changing catches the rest, deletions included.
    let report = incremental_sync(&client, &mut store, |_| {}).await.unwrap();
    assert_store_matches(&store, &sim);
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    assert!(passes >= 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_second_pass_reads_only_the_overlap_and_deletes_what_was_deleted() {
    let sim = start(SimConfig::sized(53, 60, 120)).await;
    let (_dir, mut store) = temp_store();
    let client = client(&sim);
    incremental_sync(&client, &mut store, |_| {}).await.unwrap();
    let quiet = incremental_sync(&client, &mut store, |_| {}).await.unwrap();
    // Seeded changes are spread over months: only the last minutes are read again.
    assert!(quiet.orders.records < 10, "{:?}", quiet.orders);

    let mut activity = sim.activity(2);
    let deleted = activity.apply_kind(ActivityKind::DeleteOrder).unwrap();
    let new_customer = activity.apply_kind(ActivityKind::CreateCustomer).unwrap();
    let refunded = activity.apply_kind(ActivityKind::Refund).unwrap();
    let report = incremental_sync(&client, &mut store, |_| {}).await.unwrap();

    assert_eq!(report.deleted_orders.records, 1);
    assert!(store.order(&deleted.subject).unwrap().is_none());
    assert!(store.customer(&new_customer.subject).unwrap().is_some());
    let stored = store.order(&refunded.subject).unwrap().unwrap();
    assert!(!stored.refunds.is_empty());
    assert_store_matches(&store, &sim);
    // Deletion events already applied are read again only within the overlap.
    let again = incremental_sync(&client, &mut store, |_| {}).await.unwrap();
    assert_eq!(again.deleted_orders.records, 0, "already deleted");
    sim.shutdown().await;
}

#[tokio::test]
async fn an_older_version_never_overwrites_a_newer_one() {
    let sim = start(SimConfig::sized(54, 20, 30)).await;
    let (_dir, mut store) = temp_store();
    let client = client(&sim);
    incremental_sync(&client, &mut store, |_| {}).await.unwrap();
    let shop_id = store.shop().unwrap().unwrap().id;
    let stale_page = client
        .fetch_orders_page(&shop_id, None, None)
        .await
        .unwrap()
        .records;

    // Every order on that page changes, and the sync stores the new versions.
    {
        let state = sim.state();
        let mut state = state.write().unwrap();
        let mut activity = shopdesk_shopify_sim::Activity::new(&state, 4);
        activity.update_many_orders(&mut state, 30);
    }
    incremental_sync(&client, &mut store, |_| {}).await.unwrap();
    // A late write of the page read before the changes (a slow concurrent refresh).
    store.upsert_orders_page(&stale_page, None).unwrap();

    assert_store_matches(&store, &sim);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduler_keeps_the_store_fresh_until_stopped() {
    let sim = start(SimConfig::sized(55, 40, 60)).await;
    let (_dir, mut store) = temp_store();
    let client = client(&sim);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (events, mut synced) = tokio::sync::mpsc::unbounded_channel();
    let scheduler = tokio::spawn(async move {
        let stop = async {
            let _ = stopped.await;
        };
        let report = SyncScheduler::new(Duration::from_millis(100))
            .run_periodic(&client, &mut store, stop, |event| {
                if let SyncEvent::Synced { last_synced_at, .. } = event {
                    let _ = events.send(last_synced_at);
                }
            })
            .await;
        (report, store)
    });
    // Wait for a first run, change the shop, and wait for two more runs: the second one
    // started after the change.
    next_sync(&mut synced).await;
    sim.activity(6).apply(40);
    next_sync(&mut synced).await;
    let last = next_sync(&mut synced).await;
    stop.send(()).unwrap();
    let (report, store) = scheduler.await.unwrap();

    assert!(report.runs >= 3 && report.failures == 0, "{report:?}");
    assert!(report.last_synced_at.unwrap() >= last);
    assert_store_matches(&store, &sim);
    sim.shutdown().await;
}

async fn next_sync(synced: &mut tokio::sync::mpsc::UnboundedReceiver<String>) -> String {
    let wait = tokio::time::timeout(Duration::from_secs(60), synced.recv());
    wait.await
        .expect("a run within the bound")
        .expect("scheduler alive")
}
