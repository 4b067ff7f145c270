//! Set-up shared by the app's integration tests: an event recorder, bounded waits, sync runner
//! options for tests, Shopify clients for the simulator and the demo mailbox.

// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use shopdesk_app::{
    App, AppEvents, MailProgressView, MailStatusView, SyncHandle, SyncRunnerOptions, SyncStateView,
    SyncStatusView, TicketSummary, DEMO_SEED, DEMO_SUPPORT_ADDRESS,
};
use shopdesk_shopify::bulk::PollPolicy;
use shopdesk_shopify::{RetryPolicy, ShopifyClient, ShopifyConfig};
use shopdesk_shopify_sim::{SimConfig, Simulator};
use shopdesk_store::Store;
use tempfile::TempDir;

/// Waits are bounded so that a broken start or runner fails the test instead of hanging it.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// Records what the app tells the window.
#[derive(Default)]
pub struct Recorder {
    pub statuses: Mutex<Vec<SyncStatusView>>,
    pub tickets_changed: AtomicUsize,
}

impl AppEvents for Recorder {
    fn tickets_changed(&self) {
        self.tickets_changed.fetch_add(1, Ordering::SeqCst);
    }
    fn open_ticket(&self, _ticket_id: i64) {}
    fn mail_progress(&self, _progress: MailProgressView) {}
    fn mail_status(&self, _status: MailStatusView) {}
    fn sync_status(&self, status: SyncStatusView) {
        self.statuses.lock().unwrap().push(status);
    }
}

impl Recorder {
    /// The sync states heard so far, repeats folded.
    pub fn states(&self) -> Vec<SyncStateView> {
        let statuses = self.statuses.lock().unwrap();
        let mut states: Vec<SyncStateView> = statuses.iter().map(|s| s.state).collect();
        states.dedup();
        states
    }
}

/// Polls `done` until it holds, failing the test after `PATIENCE`.
pub async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let waited = tokio::time::timeout(PATIENCE, async {
        while !done() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(waited.is_ok(), "gave up waiting for {what}");
}

/// Runner options for tests: no scheduled runs, bulk exports polled every few milliseconds.
pub fn options() -> SyncRunnerOptions {
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

/// A client for the simulator with the default retries.
pub fn client(sim: &Simulator) -> ShopifyClient {
    ShopifyClient::new(ShopifyConfig::for_graphql_url(
        sim.graphql_url(),
        sim.access_token().to_string(),
    ))
    .unwrap()
}

/// No retries: one injected fault fails one refresh.
pub fn client_without_retries(sim: &Simulator) -> ShopifyClient {
    let mut config =
        ShopifyConfig::for_graphql_url(sim.graphql_url(), sim.access_token().to_string());
    config.retry = RetryPolicy::none();
    ShopifyClient::new(config).unwrap()
}

/// The demo mailbox, through the same ingest path the demo uses, into the app's database file.
pub fn ingest_demo_mailbox(dir: &std::path::Path) {
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

/// Starts syncing `app` from the store `client` talks to and waits for its first copy.
pub async fn start_sync_until_synced(app: &App, client: ShopifyClient) -> SyncHandle {
    start_sync_until_synced_with(app, client, options()).await
}

/// [`start_sync_until_synced`] with the runner's `options`.
pub async fn start_sync_until_synced_with(
    app: &App,
    client: ShopifyClient,
    options: SyncRunnerOptions,
) -> SyncHandle {
    let sync = app.start_shopify_sync(client, options).await.unwrap();
    assert_eq!(
        sync.wait_for_first_copy().await.state,
        SyncStateView::Synced
    );
    sync
}

/// The demo store's simulator and an app in a fresh folder syncing from it through `client`
/// (events to a recorder), its first copy done: (sim, dir, app, events, sync), in the order
/// the tests declared them, so that they drop in the same order.
pub async fn start_synced_demo(
    client: fn(&Simulator) -> ShopifyClient,
) -> (Simulator, TempDir, App, Arc<Recorder>, SyncHandle) {
    start_synced_demo_with(client, options()).await
}

/// [`start_synced_demo`] with the runner's `options`.
pub async fn start_synced_demo_with(
    client: fn(&Simulator) -> ShopifyClient,
    options: SyncRunnerOptions,
) -> (Simulator, TempDir, App, Arc<Recorder>, SyncHandle) {
    let sim = Simulator::start(SimConfig::demo()).await.unwrap();
    sim.set_throttle(20_000.0, 1_000.0);
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path()).unwrap();
    let events = Arc::new(Recorder::default());
    app.set_sync_events(events.clone());
    let sync = start_sync_until_synced_with(&app, client(&sim), options).await;
    (sim, dir, app, events, sync)
}

/// The first demo ticket that names an order.
pub fn ticket_about_an_order(app: &App) -> TicketSummary {
    app.list_tickets()
        .unwrap()
        .into_iter()
        .find(|t| t.order_name.is_some())
        .expect("a demo ticket about an order")
}
