//! A failed refresh of a customer's orders (when their ticket opens) reaches the ticket view:
//! the panel says it shows the local copy, from when, until a refresh or a sync succeeds.
//! The simulator over HTTP with its fault injection, real SQLite files.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use shopdesk_app::{
    App, AppEvents, MailProgressView, MailStatusView, SyncRunnerOptions, SyncStateView,
    SyncStatusView, DEMO_SEED, DEMO_SUPPORT_ADDRESS,
};
use shopdesk_shopify::bulk::PollPolicy;
use shopdesk_shopify::{RetryPolicy, ShopifyClient, ShopifyConfig};
use shopdesk_shopify_sim::{Fault, SimConfig, Simulator};
use shopdesk_store::Store;

const PATIENCE: Duration = Duration::from_secs(60);

#[derive(Default)]
struct Recorder {
    tickets_changed: AtomicUsize,
}

impl AppEvents for Recorder {
    fn tickets_changed(&self) {
        self.tickets_changed.fetch_add(1, Ordering::SeqCst);
    }
    fn open_ticket(&self, _ticket_id: i64) {}
    fn mail_progress(&self, _progress: MailProgressView) {}
    fn mail_status(&self, _status: MailStatusView) {}
    fn sync_status(&self, _status: SyncStatusView) {}
}

fn options() -> SyncRunnerOptions {
    let mut options = SyncRunnerOptions {
        // Nothing scheduled: syncs and refreshes run when the test asks.
        interval: Duration::from_secs(3600),
        retry_after_failure: Duration::from_secs(3600),
        refresh_cooldown: Duration::ZERO,
        ..SyncRunnerOptions::default()
    };
    options.bulk.poll = PollPolicy {
        first_wait: Duration::from_millis(5),
        max_wait: Duration::from_millis(50),
        timeout: Duration::from_secs(30),
    };
    options
}

/// No retries: one injected fault fails one refresh.
fn client(sim: &Simulator) -> ShopifyClient {
    let mut config =
        ShopifyConfig::for_graphql_url(sim.graphql_url(), sim.access_token().to_string());
    config.retry = RetryPolicy::none();
    ShopifyClient::new(config).unwrap()
}

fn ingest_demo_mailbox(dir: &std::path::Path) {
    let mut store = Store::open(&dir.join("shopdesk.db")).unwrap();
    let mailbox =
        shopdesk_mail::demo::demo_mailbox(&store, DEMO_SEED, DEMO_SUPPORT_ADDRESS).unwrap();
    let context = shopdesk_mail::IngestContext {
        source: "demo".to_string(),
        support_address: DEMO_SUPPORT_ADDRESS.to_string(),
        now: "2026-11-29T12:00:00Z".to_string(),
    };
    for raw in &mailbox {
        shopdesk_mail::ingest_raw(&mut store, raw, &context).unwrap();
    }
}

async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let waited = tokio::time::timeout(PATIENCE, async {
        while !done() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(waited.is_ok(), "gave up waiting for {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_refresh_is_shown_with_the_ticket_until_a_refresh_or_sync_succeeds() {
    let sim = Simulator::start(SimConfig::demo()).await.unwrap();
    sim.set_throttle(20_000.0, 1_000.0);
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path()).unwrap();
    let events = Arc::new(Recorder::default());
    app.set_sync_events(events.clone());
    let sync = app
        .start_shopify_sync(client(&sim), options())
        .await
        .unwrap();
    assert_eq!(
        sync.wait_for_first_copy().await.state,
        SyncStateView::Synced
    );
    let synced_at = app.sync_status().last_synced_at.expect("synced");
    ingest_demo_mailbox(dir.path());
    let ticket = app
        .list_tickets()
        .unwrap()
        .into_iter()
        .find(|t| t.order_name.is_some())
        .expect("a demo ticket about an order");

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
