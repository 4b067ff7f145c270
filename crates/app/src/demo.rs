//! Demo mode: the simulator's demo store, synced for real, and the demo mailbox ingested through
//! the same path as IMAP mail. A newcomer sees the whole product with no account.

use std::path::Path;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use shopdesk_mailbox::{build_reply, MailAccount, MailboxConfig, ReplyDraft, Security, SmtpConfig};
use shopdesk_shopify::{ShopifyClient, ShopifyConfig};
use shopdesk_shopify_sim::{SimConfig, Simulator};
use shopdesk_store::{NewOutboxEntry, OutboxKind, Store};
use time::OffsetDateTime;

use crate::replies::{from_send_error, reply_view};
use crate::views::{DemoInfo, ReplyView, DEMO_REPLY_NOTE};
use crate::{open_store, App, AppError, AppEvents};
use crate::{SyncRunnerOptions, SyncStateView};

/// The demo mailbox is generated from this seed: every demo run shows the same tickets.
pub const DEMO_SEED: u64 = 2026;
pub const DEMO_SUPPORT_ADDRESS: &str = "support@northwind-coffee.test";

const PLUS_BUCKET_SIZE: f64 = 20_000.0;
const PLUS_RESTORE_RATE: f64 = 1_000.0;

pub(crate) struct DemoRuntime {
    simulator: Simulator,
    /// Shop activity (new orders, refunds, fulfillments...) while the demo runs; off unless
    /// `SHOPDESK_DEMO_ACTIVITY_SECONDS` asks for it (the end-to-end tests compare the panel with
    /// a shop that must hold still).
    _activity: Option<BackgroundTask>,
    /// [`App::launch_demo`]'s wait for the first copy, then the demo mailbox.
    setup: Mutex<Option<BackgroundTask>>,
}

/// A background task that ends with the demo.
struct BackgroundTask(tokio::task::JoinHandle<()>);

impl Drop for BackgroundTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// One change in the demo shop every this many seconds, when the variable asks for it.
fn demo_activity_every(var: Option<String>) -> Option<Duration> {
    let seconds = var?.trim().parse::<u64>().ok().filter(|s| *s > 0)?;
    Some(Duration::from_secs(seconds))
}

fn start_activity(simulator: &Simulator) -> Option<BackgroundTask> {
    let every = demo_activity_every(std::env::var("SHOPDESK_DEMO_ACTIVITY_SECONDS").ok())?;
    let mut driver = simulator.activity(DEMO_SEED);
    tracing::info!(?every, "demo shop activity on");
    Some(BackgroundTask(tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            if let Some(step) = driver.step() {
                tracing::debug!(?step, "demo shop changed");
            }
        }
    })))
}

impl DemoRuntime {
    pub(crate) fn info(&self) -> DemoInfo {
        DemoInfo {
            graphql_url: self.simulator.graphql_url(),
            access_token: self.simulator.access_token().to_string(),
            support_address: DEMO_SUPPORT_ADDRESS.to_string(),
        }
    }
}

impl App {
    /// Starts the demo and waits for all of it: the simulated shop on loopback, a full sync of
    /// it into the database in `data_dir`, then the demo mailbox (tests; the window uses
    /// [`App::launch_demo`], which shows the first copy's progress). Running it again on the
    /// same folder changes nothing (upserts, and mail is de-duplicated by Message-ID).
    pub async fn start_demo(data_dir: &Path) -> Result<App, AppError> {
        let app = App::start_demo_shop(data_dir).await?;
        app.ingest_demo_mailbox()?;
        Ok(app)
    }

    /// The demo's simulated shop, synced, without the generated demo mailbox: for connecting a
    /// real mailbox to demo data ([`App::connect_mailbox`]), as the cross-crate tests do.
    ///
    /// The shop is synced by the same runner a live store uses ([`App::start_shopify_sync`]):
    /// the first copy by bulk export before this returns, then incremental syncs every 30 s
    /// (`SHOPDESK_DEMO_SYNC_SECONDS` changes it) and a refresh whenever a ticket opens.
    pub async fn start_demo_shop(data_dir: &Path) -> Result<App, AppError> {
        let (app, sync, actions_client) = App::start_demo_sync(data_dir, None).await?;
        let status = sync.wait_for_first_copy().await;
        match status.state {
            SyncStateView::Synced | SyncStateView::Syncing => {
                tracing::info!(?status, "demo store synced");
                // Refunds and other order actions go to the same simulated shop (after the
                // first copy: the agent's limit is in the shop's currency).
                app.enable_order_actions(actions_client)?;
                Ok(app)
            }
            _ => Err(AppError::Demo(status.message.unwrap_or_else(|| {
                "the demo shop could not be copied; start Shopdesk again".to_string()
            }))),
        }
    }

    /// Starts the demo the way a live store starts, without waiting for its data: returns as
    /// soon as the simulated shop runs and its first copy has started. The copy's progress
    /// goes to `events` ([`AppEvents::sync_status`], as for a live store: the header shows
    /// counts, rate and time left); once it is made, order actions are switched on, the demo
    /// mailbox is filed, and `tickets_changed` tells the window the inbox has its tickets.
    /// A copy that fails is retried by the runner (the header says so).
    pub async fn launch_demo(
        data_dir: &Path,
        events: Arc<dyn AppEvents>,
    ) -> Result<Arc<App>, AppError> {
        let (app, sync, actions_client) =
            App::start_demo_sync(data_dir, Some(Arc::clone(&events))).await?;
        let app = Arc::new(app);
        let copied = sync.first_copy_made();
        let weak: Weak<App> = Arc::downgrade(&app);
        let task = tokio::spawn(async move {
            if !copied.await {
                return;
            }
            // Gone: the demo was left (or the app is closing) before its copy was made.
            let Some(app) = weak.upgrade() else { return };
            if let Err(error) = app.finish_demo_setup(actions_client) {
                tracing::error!(%error, "the demo mailbox could not be set up");
            }
            events.tickets_changed();
        });
        if let Some(demo) = &app.demo {
            *demo.setup.lock().unwrap_or_else(|p| p.into_inner()) = Some(BackgroundTask(task));
        }
        Ok(app)
    }

    /// After the first copy: order actions on the simulated shop, and the demo mailbox, which
    /// is generated from the synced customers and orders.
    fn finish_demo_setup(&self, actions_client: ShopifyClient) -> Result<(), AppError> {
        tracing::info!(status = ?self.sync_status(), "demo store synced");
        self.enable_order_actions(actions_client)?;
        self.ingest_demo_mailbox()
    }

    /// The simulated shop on loopback and the sync runner started on it (`events`, when
    /// given, receive the sync's status from its first step); nothing waited for.
    async fn start_demo_sync(
        data_dir: &Path,
        events: Option<Arc<dyn AppEvents>>,
    ) -> Result<(App, crate::SyncHandle, ShopifyClient), AppError> {
        let store = open_store(data_dir)?;
        let simulator =
            Simulator::start(demo_sim_config(std::env::var("SHOPDESK_DEMO_ORDERS").ok()))
                .await
                .map_err(|e| AppError::Demo(e.to_string()))?;
        // The demo shop is on Shopify Plus limits (a 20,000-point bucket restoring 1,000 a
        // second), so the first sync takes a second, not the 20 s a Standard plan would need.
        simulator.set_throttle(PLUS_BUCKET_SIZE, PLUS_RESTORE_RATE);
        let client = ShopifyClient::new(ShopifyConfig::for_graphql_url(
            simulator.graphql_url(),
            simulator.access_token().to_string(),
        ))
        .map_err(|e| AppError::Demo(e.to_string()))?;
        let activity = start_activity(&simulator);
        let app = App::assemble(
            store,
            Some(DemoRuntime {
                simulator,
                _activity: activity,
                setup: Mutex::new(None),
            }),
        );
        if let Some(events) = events {
            app.set_sync_events(events);
        }
        let actions_client = client.clone();
        let sync = app.start_shopify_sync(client, demo_sync_options()).await?;
        Ok((app, sync, actions_client))
    }

    fn ingest_demo_mailbox(&self) -> Result<(), AppError> {
        let mut store = self.store()?;
        let mailbox = shopdesk_mail::demo::demo_mailbox(&store, DEMO_SEED, DEMO_SUPPORT_ADDRESS)?;
        let context = shopdesk_mail::IngestContext {
            source: "demo".to_string(),
            support_address: DEMO_SUPPORT_ADDRESS.to_string(),
            now: now_rfc3339(),
        };
        for raw in &mailbox {
            shopdesk_mail::ingest_raw(&mut store, raw, &context)?;
        }
        tracing::info!(messages = mailbox.len(), "demo mailbox ingested");
        Ok(())
    }

    pub(crate) fn is_demo(&self) -> bool {
        self.demo.is_some()
    }
}

/// The demo shop; `SHOPDESK_DEMO_ORDERS` makes it bigger (a third as many customers), to see
/// a long first copy in the header.
fn demo_sim_config(orders: Option<String>) -> SimConfig {
    let demo = SimConfig::demo();
    match orders.and_then(|v| v.trim().parse::<usize>().ok()) {
        Some(orders) if orders > demo.orders => {
            SimConfig::sized(demo.seed, (orders / 3).max(demo.customers), orders)
        }
        _ => demo,
    }
}

/// The demo's export is tiny: poll it often, so the demo is ready in about a second.
fn demo_sync_options() -> SyncRunnerOptions {
    let mut options = SyncRunnerOptions::default();
    options.bulk.poll.first_wait = Duration::from_millis(50);
    options.bulk.poll.max_wait = Duration::from_millis(500);
    if let Some(seconds) = std::env::var("SHOPDESK_DEMO_SYNC_SECONDS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|s| *s > 0)
    {
        options.interval = Duration::from_secs(seconds);
    }
    options
}

pub(crate) fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

/// Why a reply queued by a real mailbox on this data folder waits while the demo runs.
const WAITING_FOR_MAILBOX: &str = "Waiting for the support mailbox to be connected.";

impl App {
    /// Demo mode has no mail server: the reply goes through the outbox (so it shows like any
    /// other), is filed in the conversation as outbound, and is marked sent with
    /// [`DEMO_REPLY_NOTE`]. One store lock for all of it, so no other call sees it half done.
    pub(crate) fn file_demo_reply(&self, draft: &ReplyDraft) -> Result<ReplyView, AppError> {
        let mut store = self.store()?;
        let account = demo_account(&store)?;
        let built = build_reply(&store, &account, draft, OffsetDateTime::now_utc())
            .map_err(from_send_error)?;
        // No outbox worker runs here; a reply a real mailbox left queued moves back a little, so
        // the claim below takes this one.
        store.postpone_due_outbox(
            OutboxKind::Reply,
            WAITING_FOR_MAILBOX,
            Duration::from_secs(1),
        )?;
        let enqueued = store.enqueue_outbox(&NewOutboxEntry {
            kind: OutboxKind::Reply,
            ticket_id: Some(draft.ticket_id),
            idempotency_key: draft.idempotency_key.clone(),
            message_id: Some(built.message_id.clone()),
            payload: built.raw.clone(),
        })?;
        let id = enqueued.entry.id;
        if enqueued.created {
            match store.claim_next_outbox(OutboxKind::Reply)? {
                Some(claimed) if claimed.id == id => {}
                other => {
                    if let Some(other) = other {
                        store.release_outbox(
                            other.id,
                            WAITING_FOR_MAILBOX,
                            Duration::from_secs(1),
                        )?;
                    }
                    return Err(AppError::Demo(
                        "another reply was being filed at the same moment; send this one again"
                            .to_string(),
                    ));
                }
            }
            let context = shopdesk_mail::IngestContext {
                source: "demo".to_string(),
                support_address: DEMO_SUPPORT_ADDRESS.to_string(),
                now: now_rfc3339(),
            };
            if let Err(error) = shopdesk_mail::ingest_raw(&mut store, &built.raw, &context) {
                let reason =
                    format!("The demo reply could not be added to the conversation: {error}");
                store.fail_outbox(id, &reason)?;
                return Err(error.into());
            }
            store.mark_outbox_sent(id, Some(DEMO_REPLY_NOTE))?;
        }
        reply_view(&store, draft.ticket_id, id)
    }
}

/// The demo shop's support mailbox; never connected, only its address and name are used.
fn demo_account(store: &Store) -> Result<MailAccount, AppError> {
    let imap = MailboxConfig::new(DEMO_SUPPORT_ADDRESS, "127.0.0.1", 993, Security::Plain, "");
    let mut smtp = SmtpConfig::new(DEMO_SUPPORT_ADDRESS, "127.0.0.1", 465, Security::Plain, "");
    smtp.from_name = store.shop()?.map(|shop| format!("{} Support", shop.name));
    Ok(MailAccount::new(imap, smtp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_shop_grows_only_when_asked() {
        assert_eq!(demo_sim_config(None).orders, 120);
        assert_eq!(demo_sim_config(Some("a lot".into())).orders, 120);
        assert_eq!(demo_sim_config(Some("10".into())).orders, 120);
        let big = demo_sim_config(Some("30000".into()));
        assert_eq!(
            (big.orders, big.customers, big.seed),
            (30_000, 10_000, DEMO_SEED)
        );
    }

    #[test]
    fn shop_activity_is_off_unless_asked_for() {
        assert_eq!(demo_activity_every(None), None);
        assert_eq!(demo_activity_every(Some("0".into())), None);
        assert_eq!(demo_activity_every(Some("soon".into())), None);
        assert_eq!(
            demo_activity_every(Some(" 20 ".into())),
            Some(Duration::from_secs(20))
        );
    }
}
