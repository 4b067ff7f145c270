//! A failed refresh of a customer's orders (when their ticket opens) reaches the ticket view:
//! the panel says it shows the local copy, from when, until a refresh or a sync succeeds.
//! The simulator over HTTP with its fault injection, real SQLite files.

mod common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use common::{
    client_without_retries, ingest_demo_mailbox, start_synced_demo, start_synced_demo_with,
    ticket_about_an_order, until,
};
use shopdesk_app::{SyncRunnerOptions, SyncStateView};
use shopdesk_shopify_sim::Fault;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_refresh_is_shown_with_the_ticket_until_a_refresh_or_sync_succeeds() {
    let (sim, dir, app, events, sync) = start_synced_demo(client_without_retries).await;
    let synced_at = app.sync_status().last_synced_at.expect("synced");
    ingest_demo_mailbox(dir.path());
    let ticket = ticket_about_an_order(&app);

    // A refresh that works: nothing to say.
    let opened = app.open_ticket(ticket.id).unwrap();
    let customer_id = opened.customer.clone().expect("a known customer").id;
    assert_eq!(opened.orders_refresh, None);
    sync.wait_for_refreshes(1).await;
    assert_eq!(sync.orders_refresh_problem(&customer_id), None);

    // Shopify answers 503 to the next two refreshes.
    sim.faults().push_n(Fault::ServerError(503), 2);
    let told = events.tickets_changed.load(Ordering::SeqCst);
    assert!(sync.refresh_customer(&customer_id));
    sync.wait_for_refreshes(2).await;
    assert!(
        events.tickets_changed.load(Ordering::SeqCst) > told,
        "the window is told to reload the ticket"
    );
    let problem = sync
        .orders_refresh_problem(&customer_id)
        .expect("the failure is kept");
    assert!(problem.offline, "a 503 reads as offline: {problem:?}");
    assert!(problem.reason.ends_with('.'), "{}", problem.reason);
    let local_copy_from = problem.local_copy_from.clone().expect("a time");
    assert!(
        local_copy_from >= synced_at,
        "the customer's last refresh: {local_copy_from} vs {synced_at}"
    );

    // The reloaded ticket carries it (its own refresh fails too, so nothing clears it).
    let reloaded = app.open_ticket(ticket.id).unwrap();
    let shown = reloaded.orders_refresh.clone().expect("in the ticket view");
    assert_eq!(shown.local_copy_from, problem.local_copy_from);
    assert!(!reloaded.orders.is_empty(), "the local copy is shown");
    let json = serde_json::to_value(&reloaded).unwrap();
    assert_eq!(json["ordersRefresh"]["offline"], true, "{json}");
    sync.wait_for_refreshes(3).await;
    assert_eq!(sim.faults().pending(), 0, "both faults served");

    // A sync that succeeds makes every local copy fresh: the note goes.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    sync.sync_now();
    until("the next sync", || {
        let s = app.sync_status();
        s.state == SyncStateView::Synced && s.last_synced_at.as_deref() > Some(synced_at.as_str())
    })
    .await;
    assert_eq!(sync.orders_refresh_problem(&customer_id), None);

    // Another failure, then a refresh that works clears it too.
    sim.faults().push(Fault::ServerError(503));
    assert!(sync.refresh_customer(&customer_id));
    sync.wait_for_refreshes(4).await;
    assert!(sync.orders_refresh_problem(&customer_id).is_some());
    assert!(sync.refresh_customer(&customer_id));
    sync.wait_for_refreshes(5).await;
    assert_eq!(sync.orders_refresh_problem(&customer_id), None);
    let cleared = app.open_ticket(ticket.id).unwrap();
    assert_eq!(cleared.orders_refresh, None);
    let json = serde_json::to_value(&cleared).unwrap();
    assert!(
        json.get("ordersRefresh").is_none(),
        "absent, not null: {json}"
    );

    app.stop_shopify_sync().await;
    sim.shutdown().await;
}

/// Opening the ticket again soon after a failed refresh tries again (after the short retry
/// wait, not the whole cooldown), and a failure that repeats does not make the window reload
/// (the reload would ask again: a loop while the ticket is open).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_refresh_is_retried_before_the_cooldown_and_does_not_loop() {
    // The app's rules (a long cooldown), with a retry wait of zero so the test need not sleep.
    let options = SyncRunnerOptions {
        refresh_cooldown: Duration::from_secs(3600),
        refresh_retry_after_failure: Duration::ZERO,
        ..common::options()
    };
    let (sim, dir, app, events, sync) =
        start_synced_demo_with(client_without_retries, options).await;
    ingest_demo_mailbox(dir.path());
    let ticket = ticket_about_an_order(&app);

    // Shopify answers 503 to the next two requests: the refresh when the ticket opens fails.
    sim.faults().push_n(Fault::ServerError(503), 2);
    let customer_id = app
        .open_ticket(ticket.id)
        .unwrap()
        .customer
        .expect("a known customer")
        .id;
    sync.wait_for_refreshes(1).await;
    assert!(sync.orders_refresh_problem(&customer_id).is_some());
    let told = events.tickets_changed.load(Ordering::SeqCst);
    assert!(told > 0, "the new failure is announced");

    // Asking again is allowed at once (the retry wait, not the cooldown), and the repeated
    // failure is not announced again.
    assert!(sync.refresh_customer(&customer_id));
    sync.wait_for_refreshes(2).await;
    assert!(sync.orders_refresh_problem(&customer_id).is_some());
    assert_eq!(
        events.tickets_changed.load(Ordering::SeqCst),
        told,
        "a repeated failure does not reload the window"
    );

    // Back online: the next ask refreshes, clears the note and tells the window.
    assert!(sync.refresh_customer(&customer_id));
    sync.wait_for_refreshes(3).await;
    assert_eq!(sync.orders_refresh_problem(&customer_id), None);
    assert!(events.tickets_changed.load(Ordering::SeqCst) > told);
    // After a success the whole cooldown holds.
    assert!(!sync.refresh_customer(&customer_id));

    app.stop_shopify_sync().await;
    sim.shutdown().await;
}
