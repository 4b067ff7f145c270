//! Keeping the local copy of a Shopify store fresh while the app runs, demo or live.
//!
//! [`SyncRunner::start`] makes the first copy (bulk export, with pages where bulk is refused;
//! an interrupted copy is continued), then runs the incremental sync on a schedule. A
//! customer's orders are refreshed on request ([`SyncHandle::refresh_customer`], when a ticket
//! opens) on a second task, so opening a ticket never waits for a sync in progress. Status and
//! progress go to [`AppEvents::sync_status`] and can be read at any time
//! ([`SyncHandle::status`]).
//!
//! The runner writes through its own SQLite connections to the app's database file (WAL: the
//! app's reads never wait for them). Stopping at any point is safe: every sync write is one
//! transaction with its checkpoint, and the next start continues from there.

mod refresh;
mod slot;
mod status;

use std::collections::HashMap;
use std::future::Future;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use shopdesk_shopify::ShopifyClient;
use shopdesk_store::Store;
use shopdesk_sync::{
    BulkSyncOptions, IncrementalOptions, InitialSyncProgress, SyncEvent, SyncScheduler,
};
use tokio::sync::{mpsc, watch, Notify};
use tokio::task::JoinHandle;

use crate::{AppError, AppEvents};
pub(crate) use slot::SyncSlot;
pub use status::{OrdersRefreshProblemView, SyncProgressView, SyncStateView, SyncStatusView};

/// How the runner syncs. The defaults suit a live store; the demo and tests shorten the waits.
#[derive(Debug, Clone)]
pub struct SyncRunnerOptions {
    /// From the start of one incremental sync to the start of the next.
    pub interval: Duration,
    /// After a failed first copy, the wait before the next try.
    pub retry_after_failure: Duration,
    /// A customer refreshed this recently is not refreshed again (a ticket reloaded because
    /// its refresh landed must not start another).
    pub refresh_cooldown: Duration,
    /// After a failed refresh of a customer, opening their ticket tries again once this much
    /// time has passed, instead of the whole cooldown (back online, the agent sees fresh
    /// orders at once).
    pub refresh_retry_after_failure: Duration,
    /// The first copy by bulk export (with pages where bulk is refused), or by pages only.
    pub bulk_initial_sync: bool,
    pub bulk: BulkSyncOptions,
    pub incremental: IncrementalOptions,
}

impl Default for SyncRunnerOptions {
    fn default() -> Self {
        SyncRunnerOptions {
            interval: Duration::from_secs(30),
            retry_after_failure: Duration::from_secs(30),
            refresh_cooldown: Duration::from_secs(60),
            refresh_retry_after_failure: Duration::from_secs(5),
            bulk_initial_sync: true,
            bulk: BulkSyncOptions::default(),
            incremental: IncrementalOptions::default(),
        }
    }
}

/// Starts syncs; see the module documentation.
pub struct SyncRunner;

impl SyncRunner {
    /// Starts syncing the database file `db_path` with the store `client` talks to. Needs a
    /// tokio runtime. The tasks stop with [`SyncHandle::stop`], or when the last handle drops.
    pub fn start(
        db_path: &Path,
        client: ShopifyClient,
        events: Arc<dyn AppEvents>,
        options: SyncRunnerOptions,
    ) -> Result<SyncHandle, AppError> {
        let sync_store = Store::open(db_path)?;
        let refresh_store = Store::open(db_path)?;
        let (status, _) = watch::channel(SyncStatusView::idle());
        let shared = Arc::new(Shared {
            status,
            events,
            refreshes: watch::channel(0).0,
            copied: watch::channel(false).0,
            refresh_problems: refresh::RefreshProblems::default(),
        });
        let (stop, stopped) = watch::channel(false);
        let wake = Arc::new(Notify::new());
        let (refresh, requests) = mpsc::unbounded_channel();
        let tasks = vec![
            tokio::spawn(run_syncs(
                Arc::clone(&shared),
                sync_store,
                client.clone(),
                options.clone(),
                Arc::clone(&wake),
                stopped.clone(),
            )),
            tokio::spawn(refresh::run_refreshes(
                Arc::clone(&shared),
                refresh_store,
                client,
                requests,
                stopped,
            )),
        ];
        Ok(SyncHandle {
            inner: Arc::new(Inner {
                shared,
                stop,
                wake,
                refresh,
                cooldown: options.refresh_cooldown,
                retry_after_failure: options.refresh_retry_after_failure,
                recent: Mutex::new(HashMap::new()),
                tasks: Mutex::new(tasks),
            }),
        })
    }
}

/// Controls a running sync. Cheap to clone; the tasks stop when the last clone drops.
#[derive(Clone)]
pub struct SyncHandle {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    wake: Arc<Notify>,
    refresh: mpsc::UnboundedSender<String>,
    cooldown: Duration,
    retry_after_failure: Duration,
    /// When each customer was last asked for.
    recent: Mutex<HashMap<String, Instant>>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Abandoned at an await: every write is a whole transaction, so nothing is half done.
        for task in self.tasks.get_mut().unwrap_or_else(PoisonError::into_inner) {
            task.abort();
        }
    }
}

impl SyncHandle {
    pub fn status(&self) -> SyncStatusView {
        self.inner.shared.status.borrow().clone()
    }

    /// Asks for the customer's orders to be fetched again, unless that was asked within the
    /// cooldown (after a failed refresh, within the shorter retry wait); returns at once. When
    /// the refresh lands, `tickets_changed` is sent, except for a failure that repeats the one
    /// already shown (the reloaded ticket would ask again, and again).
    pub fn refresh_customer(&self, customer_id: &str) -> bool {
        let now = Instant::now();
        let wait = if self.orders_refresh_problem(customer_id).is_some() {
            self.inner.retry_after_failure.min(self.inner.cooldown)
        } else {
            self.inner.cooldown
        };
        let mut recent = self
            .inner
            .recent
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if recent
            .get(customer_id)
            .is_some_and(|at| now.duration_since(*at) < wait)
        {
            return false;
        }
        recent.retain(|_, at| now.duration_since(*at) < self.inner.cooldown);
        recent.insert(customer_id.to_string(), now);
        self.inner.refresh.send(customer_id.to_string()).is_ok()
    }

    /// Starts an incremental sync now (or the next try of a failed first copy), instead of
    /// at the next tick.
    pub fn sync_now(&self) {
        self.inner.wake.notify_one();
    }

    /// Customer refreshes finished (successful or not) since the start.
    pub fn refreshes_finished(&self) -> u64 {
        *self.inner.shared.refreshes.borrow()
    }

    /// Why the last refresh of this customer's orders failed, until a refresh of them (or a
    /// sync of the store) succeeds.
    pub fn orders_refresh_problem(&self, customer_id: &str) -> Option<OrdersRefreshProblemView> {
        self.inner.shared.refresh_problems.get(customer_id)
    }

    /// Resolves to `true` once the store holds a complete first copy (made by this runner or
    /// an earlier run), or to `false` if the runner stops first. It holds no handle, so it
    /// does not keep the runner alive.
    pub fn first_copy_made(&self) -> impl Future<Output = bool> + Send + 'static {
        let mut copied = self.inner.shared.copied.subscribe();
        let mut stop = self.inner.stop.subscribe();
        async move {
            tokio::select! {
                done = copied.wait_for(|copied| *copied) => done.is_ok(),
                () = stopped(&mut stop) => false,
            }
        }
    }

    /// Waits until `count` customer refreshes have finished.
    pub async fn wait_for_refreshes(&self, count: u64) {
        let mut finished = self.inner.shared.refreshes.subscribe();
        let _ = finished.wait_for(|done| *done >= count).await;
    }

    /// Waits until the store holds a first complete copy, or the first try failed; returns
    /// the status then.
    pub async fn wait_for_first_copy(&self) -> SyncStatusView {
        let mut status = self.inner.shared.status.subscribe();
        let waited = status
            .wait_for(|s| !matches!(s.state, SyncStateView::Idle | SyncStateView::Importing))
            .await
            .map(|s| s.clone());
        waited.unwrap_or_else(|_| self.status())
    }

    /// Stops both tasks (a sync in progress stops at its next request) and waits for them.
    pub async fn stop(&self) {
        self.inner.stop.send_replace(true);
        let tasks = std::mem::take(
            &mut *self
                .inner
                .tasks
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        for task in tasks {
            let _ = task.await;
        }
        self.inner
            .shared
            .publish(|s| s.with_state(SyncStateView::Stopped));
    }
}

struct Shared {
    status: watch::Sender<SyncStatusView>,
    events: Arc<dyn AppEvents>,
    refreshes: watch::Sender<u64>,
    /// The store holds a complete first copy.
    copied: watch::Sender<bool>,
    refresh_problems: refresh::RefreshProblems,
}

impl Shared {
    fn publish(&self, next: impl FnOnce(&SyncStatusView) -> SyncStatusView) {
        let status = next(&self.status.borrow());
        // The event first: whoever waits on the status then finds it sent.
        self.events.sync_status(status.clone());
        self.status.send_replace(status);
    }
}

async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}

/// The first copy if the store has none, then incremental syncs until stopped.
async fn run_syncs(
    shared: Arc<Shared>,
    mut store: Store,
    client: ShopifyClient,
    options: SyncRunnerOptions,
    wake: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) {
    let mut made_copy = false;
    loop {
        let needed = match needs_first_copy(&store) {
            Ok(needed) => needed,
            Err(error) => {
                let error = AppError::from(error).to_string();
                shared.publish(|s| status::failure(s, &error, false, options.retry_after_failure));
                return;
            }
        };
        if !needed {
            break;
        }
        let rebuilding = options.bulk_initial_sync && options.bulk.defer_indexes;
        shared.publish(|s| SyncStatusView {
            search_rebuilding: rebuilding,
            ..s.with_state(SyncStateView::Importing)
        });
        let copy = first_copy(&shared, &client, &mut store, &options);
        let result = tokio::select! {
            result = copy => result,
            () = stopped(&mut stop) => return,
        };
        match result {
            Ok(finished_at) => {
                shared.publish(|s| SyncStatusView {
                    last_synced_at: Some(finished_at),
                    ..s.with_state(SyncStateView::Synced)
                });
                shared.events.tickets_changed();
                made_copy = true;
                break;
            }
            Err(error) => {
                tracing::warn!(%error, "the first copy of the store failed");
                let wait = options.retry_after_failure;
                shared.publish(|s| status::failure_of(s, &error, wait));
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = wake.notified() => {}
                    () = stopped(&mut stop) => return,
                }
            }
        }
    }
    shared.copied.send_replace(true);
    let scheduler = SyncScheduler {
        interval: options.interval,
        options: options.incremental,
    };
    if made_copy {
        // The copy has just finished: the next pass can wait for its tick.
        tokio::select! {
            () = tokio::time::sleep(options.interval) => {}
            () = wake.notified() => {}
            () = stopped(&mut stop) => return,
        }
    } else {
        // An earlier run made the copy: bring it up to date now (the local copy answers
        // meanwhile).
        shared.publish(|s| s.with_state(SyncStateView::Syncing));
    }
    let mut stop_scheduler = stop.clone();
    scheduler
        .run_with_wake(
            &client,
            &mut store,
            &wake,
            async move { stopped(&mut stop_scheduler).await },
            |event| on_incremental(&shared, event),
        )
        .await;
}

/// The first copy, with progress; returns when it finished (RFC 3339 UTC).
async fn first_copy(
    shared: &Shared,
    client: &ShopifyClient,
    store: &mut Store,
    options: &SyncRunnerOptions,
) -> Result<String, shopdesk_sync::SyncError> {
    if options.bulk_initial_sync {
        let on_progress = |progress: InitialSyncProgress| {
            if let Some(view) = status::initial_progress(&progress) {
                shared.publish(|s| SyncStatusView {
                    progress: Some(view),
                    search_rebuilding: s.search_rebuilding,
                    ..s.with_state(SyncStateView::Importing)
                });
            }
        };
        shopdesk_sync::initial_sync_bulk_with(client, store, &options.bulk, on_progress).await?;
    } else {
        shopdesk_sync::full_sync(client, store, |progress| {
            let view = status::initial_progress(&InitialSyncProgress::Paginated(progress));
            shared.publish(|s| SyncStatusView {
                progress: view,
                ..s.with_state(SyncStateView::Importing)
            });
        })
        .await?;
    }
    Ok(crate::demo::now_rfc3339())
}

fn on_incremental(shared: &Shared, event: SyncEvent) {
    match event {
        SyncEvent::Page(page) => shared.publish(|s| SyncStatusView {
            progress: Some(status::incremental_progress(&page)),
            ..s.with_state(SyncStateView::Syncing)
        }),
        SyncEvent::Synced {
            last_synced_at,
            report,
        } => {
            shared.publish(|s| SyncStatusView {
                last_synced_at: Some(last_synced_at),
                ..s.with_state(SyncStateView::Synced)
            });
            let changed = report.customers.records
                + report.orders.records
                + report.deleted_orders.records
                + report.deleted_customers.records;
            // Every local copy is fresh again: a failed customer refresh no longer applies.
            let cleared = shared.refresh_problems.clear_all();
            if changed > 0 || cleared {
                shared.events.tickets_changed();
            }
        }
        SyncEvent::Failed {
            error,
            transient,
            retry_in,
        } => shared.publish(|s| status::failure(s, &error, transient, retry_in)),
    }
}

/// No finished copy of customers and orders yet, or one was interrupted (its indexes may
/// still wait for their rebuild).
fn needs_first_copy(store: &Store) -> Result<bool, shopdesk_store::StoreError> {
    let Some(shop) = store.shop()? else {
        return Ok(true);
    };
    if store.search_index_rebuilding()? {
        return Ok(true);
    }
    for resource in ["customers", "orders"] {
        if let Some(import) = store.bulk_import_state(&shop.id, resource)? {
            if import.finished_at.is_none() {
                return Ok(true);
            }
        }
        let finished = |key: String| -> Result<bool, shopdesk_store::StoreError> {
            Ok(store
                .sync_checkpoint(&shop.id, &key)?
                .is_some_and(|c| c.cursor.is_none()))
        };
        if !finished(resource.to_string())? && !finished(format!("{resource}:incremental"))? {
            return Ok(true);
        }
    }
    Ok(false)
}
