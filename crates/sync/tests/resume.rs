//! A sync interrupted half-way (the connection drops after N requests) continues from its
//! saved cursor on the next run, with no duplicates and the same final state.

mod common;

use common::expected::assert_store_matches;
use common::proxy::FaultyProxy;
use common::{client, client_for, start, temp_store};
use shopdesk_shopify::ShopifyError;
use shopdesk_shopify_sim::{gid, SimConfig, Simulator};
use shopdesk_store::{Store, SyncCheckpoint};
use shopdesk_sync::{full_sync, SyncError};

/// 450 customers (pages of 200, 200, 50) and 60 orders (pages of 8: 7 full, then 4).
async fn store_of_several_pages() -> Simulator {
    start(SimConfig::sized(41, 450, 60)).await
}

async fn sync_until_outage(sim: &Simulator, store: &mut Store, requests: usize) -> SyncError {
    let proxy = FaultyProxy::failing_after(sim.graphql_url(), requests).await;
    let error = full_sync(
        &client_for(&proxy.graphql_url(), sim.access_token()),
        store,
        |_| {},
    )
    .await
    .expect_err("the outage stops the sync");
    assert_eq!(proxy.forwarded(), requests);
    error
}

fn shop_id(sim: &Simulator) -> String {
    gid("Shop", sim.state().read().unwrap().shop.legacy_id)
}

#[tokio::test]
async fn an_orders_pass_cut_short_continues_where_it_stopped() {
    let sim = store_of_several_pages().await;
    let (_dir, mut store) = temp_store();

    // Shop, 3 customer pages, then 2 order pages; the 7th request fails.
    let error = sync_until_outage(&sim, &mut store, 6).await;

    assert!(
        matches!(
            &error,
            SyncError::Shopify(ShopifyError::Http { status: 503, .. })
        ),
        "{error:?}"
    );
    assert!(error.is_transient());
    assert_eq!(store.customers_count().unwrap(), 450);
    assert_eq!(
        store.orders_count().unwrap(),
        16,
        "two pages, each written with its cursor"
    );
    let checkpoint = store
        .sync_checkpoint(&shop_id(&sim), "orders")
        .unwrap()
        .unwrap();
    assert!(checkpoint.cursor.is_some());
    assert_eq!(
        checkpoint.watermark, None,
        "the watermark waits for the pass to finish"
    );

    let report = full_sync(&client(&sim), &mut store, |_| {}).await.unwrap();

    assert!(
        report.customers.already_done,
        "customers finished in the interrupted run"
    );
    assert_eq!(report.customers.pages, 0);
    assert!(report.orders.resumed);
    assert_eq!(report.orders.pages, 6, "the 44 orders left, 8 a page");
    assert_eq!(report.orders.records, 44);
    assert_store_matches(&store, &sim);
    let checkpoint = store
        .sync_checkpoint(&shop_id(&sim), "orders")
        .unwrap()
        .unwrap();
    assert_eq!(checkpoint.cursor, None);
    assert!(checkpoint.watermark.is_some());
    sim.shutdown().await;
}

#[tokio::test]
async fn a_customers_pass_cut_short_continues_then_orders_run() {
    let sim = store_of_several_pages().await;
    let (_dir, mut store) = temp_store();

    // Shop and the first customer page; the second customer page fails.
    sync_until_outage(&sim, &mut store, 2).await;
    assert_eq!(store.customers_count().unwrap(), 200);
    assert_eq!(store.orders_count().unwrap(), 0);

    let report = full_sync(&client(&sim), &mut store, |_| {}).await.unwrap();

    assert!(report.customers.resumed);
    assert_eq!(report.customers.records, 250);
    assert!(!report.orders.resumed && !report.orders.already_done);
    assert_eq!(report.orders.records, 60);
    assert_store_matches(&store, &sim);
    sim.shutdown().await;
}

#[tokio::test]
async fn repeated_outages_still_converge() {
    let sim = store_of_several_pages().await;
    let (_dir, mut store) = temp_store();

    // Each run gets a little further: 3 requests per attempt, one of them the shop.
    let mut attempts = 0;
    loop {
        attempts += 1;
        let proxy = FaultyProxy::failing_after(sim.graphql_url(), 3).await;
        let client = client_for(&proxy.graphql_url(), sim.access_token());
        match full_sync(&client, &mut store, |_| {}).await {
            Ok(_) => break,
            Err(error) => assert!(error.is_transient(), "{error}"),
        }
        assert!(attempts < 20, "no progress");
    }

    // 3 customer pages + 8 order pages, two per attempt after the shop.
    assert_eq!(attempts, 6);
    assert_store_matches(&store, &sim);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_finished_sync_run_again_starts_a_new_pass() {
    let sim = start(SimConfig::sized(42, 30, 20)).await;
    let (_dir, mut store) = temp_store();
    let first = full_sync(&client(&sim), &mut store, |_| {}).await.unwrap();

    // Shopify changes an order between runs.
    let changed_id = {
        let state = sim.state();
        let mut state = state.write().unwrap();
        let order = &mut state.orders[5];
        order.note = Some("Leave at the back door".into());
        order.updated_at += 60;
        gid("Order", order.legacy_id)
    };
    let second = full_sync(&client(&sim), &mut store, |_| {}).await.unwrap();

    assert_ne!(first.started_at, second.started_at);
    assert!(!second.customers.already_done && !second.orders.resumed);
    assert_eq!(second.orders.records, 20);
    assert_eq!(
        store.order(&changed_id).unwrap().unwrap().note.as_deref(),
        Some("Leave at the back door")
    );
    assert_store_matches(&store, &sim);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_saved_cursor_shopify_refuses_starts_the_pass_over() {
    let sim = store_of_several_pages().await;
    let (_dir, mut store) = temp_store();
    sync_until_outage(&sim, &mut store, 6).await;
    let saved = store
        .sync_checkpoint(&shop_id(&sim), "orders")
        .unwrap()
        .unwrap();
    store
        .save_sync_checkpoint(&SyncCheckpoint {
            cursor: Some("no longer valid".into()),
            ..saved
        })
        .unwrap();

    let report = full_sync(&client(&sim), &mut store, |_| {}).await.unwrap();

    assert!(!report.orders.resumed);
    assert_eq!(report.orders.records, 60);
    assert_store_matches(&store, &sim);
    sim.shutdown().await;
}
