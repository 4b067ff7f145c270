//! The demo as the window starts it: the app at once, the first copy through the sync runner
//! with its progress events, then the demo mailbox; and the search saying when order and
//! customer hits may be missing. The real simulator over HTTP, real SQLite files.

mod common;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use common::{ticket_about_an_order, until, Recorder};
use shopdesk_app::{App, SearchKindView, SyncStateView};
use shopdesk_store::Store;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_launches_at_once_and_its_first_copy_reports_progress_then_tickets_arrive() {
    let dir = tempfile::tempdir().unwrap();
    let events = Arc::new(Recorder::default());
    let app = App::launch_demo(dir.path(), events.clone()).await.unwrap();
    // The app answers while the copy runs (an empty or a full inbox, never an error).
    app.list_tickets().unwrap();
    assert!(app.demo_info().is_some());

    until("the demo mailbox after the first copy", || {
        events.tickets_changed.load(Ordering::SeqCst) > 0
            && app.list_tickets().is_ok_and(|t| t.len() >= 20)
    })
    .await;

    let statuses = events.statuses.lock().unwrap().clone();
    let states: Vec<SyncStateView> = {
        let mut s: Vec<_> = statuses.iter().map(|s| s.state).collect();
        s.dedup();
        s
    };
    assert_eq!(
        states[..2],
        [SyncStateView::Importing, SyncStateView::Synced],
        "the window hears the import, then the sync: {states:?}"
    );
    let imported = statuses
        .iter()
        .filter(|s| s.state == SyncStateView::Importing)
        .find_map(|s| {
            s.progress
                .as_ref()
                .filter(|p| p.resource == "orders" && !p.exporting)
        })
        .expect("import progress for orders, with counts");
    assert_eq!(imported.total, Some(120), "{imported:?}");
    assert!(
        imported.done > 0 && imported.per_second > 0.0,
        "{imported:?}"
    );
    let synced = statuses
        .iter()
        .find(|s| s.state == SyncStateView::Synced)
        .unwrap();
    assert!(synced.last_synced_at.is_some(), "{synced:?}");
    assert!(!synced.search_rebuilding);

    // The mailbox is matched to the synced customers, and order actions are on.
    let with_order = ticket_about_an_order(&app);
    let view = app.open_ticket(with_order.id).unwrap();
    assert!(view.customer.is_some() && !view.orders.is_empty());
    let availability = app.order_action_availability(&view.orders[0].id).unwrap();
    assert!(
        availability.enabled,
        "order actions are on: {availability:?}"
    );
    app.stop_shopify_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_says_order_and_customer_hits_may_be_missing_while_the_index_rebuilds() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start_demo(dir.path()).await.unwrap();
    app.stop_shopify_sync().await;
    let thanks = app
        .list_tickets()
        .unwrap()
        .into_iter()
        .find(|t| t.subject == "Just wanted to say thank you")
        .expect("the demo's thank-you mail");

    let complete = app.search_results("tips in the box").unwrap();
    assert!(!complete.index_rebuilding && complete.notice.is_none());
    assert!(!complete.hits.is_empty());

    // A bulk import sets the order and customer indexes aside (as the first copy does).
    let mut store = Store::open(&dir.path().join("shopdesk.db")).unwrap();
    assert!(store.defer_indexes_for_bulk_import().unwrap());
    let during = app.search_results("tips in the box").unwrap();
    assert!(during.index_rebuilding);
    let notice = during.notice.clone().expect("a notice");
    assert!(
        notice.contains("Order and customer results may be incomplete")
            && notice.contains("Messages are searched in full"),
        "{notice}"
    );
    assert!(
        during
            .hits
            .iter()
            .any(|h| h.kind == SearchKindView::Message && h.ticket_id == Some(thanks.id)),
        "messages are still found: {during:?}"
    );
    let json = serde_json::to_value(&during).unwrap();
    assert_eq!(json["indexRebuilding"], true, "{json}");
    assert!(
        app.search_results("").unwrap().notice.is_none(),
        "nothing asked"
    );

    store.restore_deferred_indexes().unwrap();
    let after = app.search_results("tips in the box").unwrap();
    assert!(!after.index_rebuilding && after.notice.is_none());
}
