//! The Shopify sync runner in the app: the demo is synced by it, opening a ticket refreshes
//! that customer's orders, and its status goes importing → synced → offline (and the app keeps
//! answering from local data). The real simulator over HTTP, real SQLite files.

mod common;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use common::{
    client, ingest_demo_mailbox, options, start_sync_until_synced, start_synced_demo,
    ticket_about_an_order, until, Recorder,
};
use shopdesk_app::{App, SyncStateView};
use shopdesk_shopify_sim::{gid, SimConfig, Simulator};
use shopdesk_store::Store;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_is_synced_by_the_runner_and_syncs_again_on_demand() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start_demo(dir.path()).await.unwrap();

    let status = app.sync_status();
    assert_eq!(status.state, SyncStateView::Synced, "{status:?}");
    let first = status.last_synced_at.clone().expect("a last-synced time");
    assert!(
        !status.search_rebuilding,
        "indexes rebuilt after the import"
    );
    assert!(app.shopify_sync().is_some());
    assert!(app.list_tickets().unwrap().len() >= 20);

    // RFC 3339 UTC with whole seconds or more: wait past the first one.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(app.sync_now());
    until("an incremental sync after `sync now`", || {
        let s = app.sync_status();
        s.state == SyncStateView::Synced && s.last_synced_at.as_deref() > Some(first.as_str())
    })
    .await;

    app.stop_shopify_sync().await;
    assert_eq!(app.sync_status().state, SyncStateView::Idle, "no sync left");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_a_ticket_refreshes_that_customers_orders() {
    let (sim, dir, app, events, sync) = start_synced_demo(client).await;
    ingest_demo_mailbox(dir.path());

    let ticket = ticket_about_an_order(&app);
    let before = app.open_ticket(ticket.id).unwrap();
    let customer_id = before
        .customer
        .as_ref()
        .expect("a known customer")
        .id
        .clone();
    sync.wait_for_refreshes(1).await;

    // One of the customer's orders is cancelled in Shopify.
    let order_id = {
        let state = sim.state();
        let mut state = state.write().unwrap();
        let legacy = shopdesk_shopify_sim::parse_gid(&customer_id).unwrap().1;
        let index = state.customer_index(legacy).unwrap();
        let order_index = *state.customers[index]
            .order_indexes
            .iter()
            .find(|&&i| state.orders[i as usize].cancelled_at.is_none())
            .expect("an order not cancelled yet") as usize;
        let order = &mut state.orders[order_index];
        order.updated_at += 60;
        order.cancelled_at = Some(order.updated_at);
        gid("Order", order.legacy_id)
    };
    let changed_before = events.tickets_changed.load(Ordering::SeqCst);

    // Opening shows the local copy at once; the refresh lands afterwards.
    let opened = app.open_ticket(ticket.id).unwrap();
    let cancelled = |view: &shopdesk_app::TicketView| {
        let order = view.orders.iter().find(|o| o.id == order_id);
        order
            .expect("the order is in the panel")
            .cancelled_at
            .is_some()
    };
    assert!(
        !cancelled(&opened),
        "shown from the local copy, before the refresh"
    );
    sync.wait_for_refreshes(2).await;
    let refreshed = app.open_ticket(ticket.id).unwrap();
    assert!(
        cancelled(&refreshed),
        "the refresh brought the cancellation"
    );
    assert!(
        events.tickets_changed.load(Ordering::SeqCst) > changed_before,
        "the window was told to reload the ticket"
    );
    app.stop_shopify_sync().await;
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_goes_from_importing_to_synced_then_offline_and_local_data_still_answers() {
    let sim = Simulator::start(SimConfig::sized(5, 60, 300))
        .await
        .unwrap();
    sim.set_throttle(20_000.0, 1_000.0);
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path()).unwrap();
    let events = Arc::new(Recorder::default());
    app.set_sync_events(events.clone());
    let mut options = options();
    options.bulk.batch_records = 50;
    let sync = app.start_shopify_sync(client(&sim), options).await.unwrap();
    sync.wait_for_first_copy().await;

    let states = events.states();
    assert_eq!(
        states[..2],
        [SyncStateView::Importing, SyncStateView::Synced],
        "{states:?}"
    );
    {
        let statuses = events.statuses.lock().unwrap();
        let last_import = statuses
            .iter()
            .rev()
            .find_map(|s| {
                s.progress
                    .as_ref()
                    .filter(|p| p.resource == "orders" && !p.exporting)
            })
            .expect("import progress for orders");
        assert_eq!((last_import.done, last_import.total), (300, Some(300)));
        assert!(statuses
            .iter()
            .any(|s| s.state == SyncStateView::Importing && s.search_rebuilding));
    }
    let synced = app.sync_status();
    assert!(synced.last_synced_at.is_some() && !synced.search_rebuilding);

    // Shopify goes away: the next run reports it as a sentence and keeps the last sync time.
    let local = Store::open(&dir.path().join("shopdesk.db")).unwrap();
    assert_eq!(local.orders_count().unwrap(), 300);
    drop(local);
    sim.shutdown().await;
    app.sync_now();
    until("the offline status", || {
        app.sync_status().state == SyncStateView::Offline
    })
    .await;
    let offline = app.sync_status();
    let message = offline.message.clone().unwrap();
    assert!(
        message.starts_with("Shopify can't be reached; retrying in "),
        "{message}"
    );
    assert_eq!(offline.last_synced_at, synced.last_synced_at);
    assert!(offline.retry_in_ms.unwrap() > 3_000_000, "{offline:?}");
    assert!(events.states().contains(&SyncStateView::Offline));
    // Offline, the local copy still answers.
    let store = Store::open(&dir.path().join("shopdesk.db")).unwrap();
    assert_eq!(store.orders_count().unwrap(), 300);
    app.list_tickets().unwrap();
    app.stop_shopify_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_on_a_synced_store_catches_up_at_once_without_a_new_import() {
    let sim = Simulator::start(SimConfig::sized(8, 20, 60)).await.unwrap();
    sim.set_throttle(20_000.0, 1_000.0);
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path()).unwrap();
    let _first_sync = start_sync_until_synced(&app, client(&sim)).await;
    app.stop_shopify_sync().await;
    let exports = sim.bulk().operations().len();

    let events = Arc::new(Recorder::default());
    app.set_sync_events(events.clone());
    let sync = app
        .start_shopify_sync(client(&sim), options())
        .await
        .unwrap();
    let first = sync.wait_for_first_copy().await;
    assert!(
        matches!(first.state, SyncStateView::Syncing | SyncStateView::Synced),
        "the local copy is usable at once: {first:?}"
    );
    until("the catch-up sync", || {
        app.sync_status().state == SyncStateView::Synced
    })
    .await;
    let states = events.states();
    assert_eq!(
        states,
        [SyncStateView::Syncing, SyncStateView::Synced],
        "{states:?}"
    );
    assert_eq!(sim.bulk().operations().len(), exports, "no new export");
    app.stop_shopify_sync().await;
    sim.shutdown().await;
}
