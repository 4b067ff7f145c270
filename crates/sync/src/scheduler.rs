//! Keeping the store fresh: an incremental sync every `interval`, until told to stop.
//!
//! With the default 30 s interval a change in Shopify is in the store within a minute (the
//! interval plus one pass). A failed run is reported and tried again at the next tick; the
//! client has already retried what could pass quickly. Stopping mid-run is safe: every page
//! is written with its checkpoint in one transaction, and the next run resumes from there.

use std::future::Future;
use std::time::Duration;

use shopdesk_shopify::ShopifyClient;
use shopdesk_store::Store;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::incremental::{incremental_sync_with, IncrementalOptions};
use crate::progress::SyncEvent;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncScheduler {
    /// From the start of one run to the start of the next.
    pub interval: Duration,
    pub options: IncrementalOptions,
}

/// What a periodic sync did before it was stopped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchedulerReport {
    pub runs: u32,
    pub failures: u32,
    /// The `finished_at` of the last successful run.
    pub last_synced_at: Option<String>,
}

impl Default for SyncScheduler {
    fn default() -> Self {
        SyncScheduler::new(Duration::from_secs(30))
    }
}

impl SyncScheduler {
    pub fn new(interval: Duration) -> Self {
        SyncScheduler {
            interval,
            options: IncrementalOptions::default(),
        }
    }

    /// Runs incremental syncs every `interval` until `stop` completes; a run in progress is
    /// abandoned at its next request (what it wrote stays, consistent).
    pub async fn run_periodic(
        &self,
        client: &ShopifyClient,
        store: &mut Store,
        stop: impl Future<Output = ()>,
        progress: impl FnMut(SyncEvent),
    ) -> SchedulerReport {
        self.run_with_wake(client, store, &Notify::new(), stop, progress)
            .await
    }

    /// As [`SyncScheduler::run_periodic`], and `wake.notify_one()` starts the next run at once
    /// instead of at the next tick ("sync now"); a wake during a run starts another right after.
    pub async fn run_with_wake(
        &self,
        client: &ShopifyClient,
        store: &mut Store,
        wake: &Notify,
        stop: impl Future<Output = ()>,
        mut progress: impl FnMut(SyncEvent),
    ) -> SchedulerReport {
        let mut report = SchedulerReport::default();
        tokio::pin!(stop);
        loop {
            let started = Instant::now();
            let run = incremental_sync_with(client, store, self.options, &mut progress);
            let result = tokio::select! {
                result = run => result,
                () = &mut stop => return report,
            };
            report.runs += 1;
            match result {
                Ok(done) => report.last_synced_at = Some(done.finished_at),
                Err(error) => {
                    report.failures += 1;
                    tracing::warn!(%error, "incremental sync failed");
                    progress(SyncEvent::Failed {
                        error: error.to_string(),
                        transient: error.is_transient(),
                        retry_in: self.interval.saturating_sub(started.elapsed()),
                    });
                }
            }
            tokio::select! {
                () = tokio::time::sleep_until(started + self.interval) => {}
                () = wake.notified() => {}
                () = &mut stop => return report,
            }
        }
    }
}

/// [`SyncScheduler::run_periodic`] with the default options.
pub async fn run_periodic(
    client: &ShopifyClient,
    store: &mut Store,
    interval: Duration,
    stop: impl Future<Output = ()>,
    progress: impl FnMut(SyncEvent),
) -> SchedulerReport {
    SyncScheduler::new(interval)
        .run_periodic(client, store, stop, progress)
        .await
}
