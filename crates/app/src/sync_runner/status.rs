//! What the UI is told about the Shopify sync: the IPC types, and how the sync's own progress
//! and errors turn into them.

use std::time::Duration;

use serde::Serialize;
use shopdesk_sync::{
    BulkImportProgress, IncrementalProgress, InitialSyncProgress, SyncError, SyncProgress,
};
use ts_rs::TS;

/// Where the Shopify sync stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum SyncStateView {
    /// No store is connected (or the sync has not started yet).
    Idle,
    /// The first copy of the store is being made.
    Importing,
    /// An incremental sync is running; the store was synced before.
    Syncing,
    /// Up to date as of `lastSyncedAt`.
    Synced,
    /// Shopify could not be reached; local data is shown and the sync retries.
    Offline,
    /// The sync failed in a way retrying will not fix; `message` says what to do.
    Failed,
    /// Stopped (the app is closing, or the store was disconnected).
    Stopped,
}

/// A sync in progress: counts, rate and time left.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncProgressView {
    /// "orders", "customers", "deleted orders", "deleted customers".
    pub resource: String,
    /// Shopify is still writing the export (bulk), nothing is being written locally yet.
    pub exporting: bool,
    #[ts(type = "number")]
    pub done: u64,
    /// `None` when Shopify does not say how many there are.
    #[ts(type = "number | null")]
    pub total: Option<u64>,
    /// Records per second so far; a rate, so a float (never money).
    pub per_second: f64,
    #[ts(type = "number | null")]
    pub eta_ms: Option<u64>,
}

/// The sync's status as the header shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncStatusView {
    pub state: SyncStateView,
    pub progress: Option<SyncProgressView>,
    /// When the store last matched Shopify (RFC 3339 UTC), if it ever did in this run.
    pub last_synced_at: Option<String>,
    /// Offline or failed: what happened and what Shopdesk or the user does next, as a sentence.
    pub message: Option<String>,
    /// Offline or failed: when the next try starts, in milliseconds.
    #[ts(type = "number | null")]
    pub retry_in_ms: Option<u64>,
    /// The first copy set the search indexes of orders and customers aside: search finds only
    /// tickets until it finishes.
    pub search_rebuilding: bool,
}

/// The last refresh of a customer's orders from Shopify failed: the customer panel shows the
/// local copy and says so, until a refresh (or a sync) succeeds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OrdersRefreshProblemView {
    /// Shopify could not be reached (network, 5xx, throttling); otherwise Shopify refused.
    pub offline: bool,
    /// What went wrong, as a sentence (the panel's tooltip).
    pub reason: String,
    /// When the local copy of these orders was last brought up to date in this run (RFC 3339
    /// UTC): the customer's last refresh, else the last sync; `null` when not known.
    pub local_copy_from: Option<String>,
    /// When the refresh failed (RFC 3339 UTC).
    pub failed_at: String,
}

impl SyncStatusView {
    pub fn idle() -> Self {
        SyncStatusView {
            state: SyncStateView::Idle,
            progress: None,
            last_synced_at: None,
            message: None,
            retry_in_ms: None,
            search_rebuilding: false,
        }
    }

    pub(crate) fn with_state(&self, state: SyncStateView) -> Self {
        SyncStatusView {
            state,
            progress: None,
            message: None,
            retry_in_ms: None,
            last_synced_at: self.last_synced_at.clone(),
            search_rebuilding: false,
        }
    }
}

/// The initial sync's progress, as the header shows it; `None` for steps that change nothing
/// the header shows.
pub(crate) fn initial_progress(progress: &InitialSyncProgress) -> Option<SyncProgressView> {
    match progress {
        InitialSyncProgress::Exporting {
            resource,
            roots,
            expected,
            ..
        } => Some(SyncProgressView {
            resource: resource.as_str().to_string(),
            exporting: true,
            done: *roots,
            total: *expected,
            per_second: 0.0,
            eta_ms: None,
        }),
        InitialSyncProgress::Importing(BulkImportProgress {
            resource,
            records,
            expected,
            records_per_second,
            eta,
            ..
        }) => Some(SyncProgressView {
            resource: resource.as_str().to_string(),
            exporting: false,
            done: *records,
            total: Some(*expected),
            per_second: *records_per_second,
            eta_ms: eta.map(millis),
        }),
        InitialSyncProgress::Paginated(SyncProgress {
            resource, records, ..
        }) => Some(SyncProgressView {
            resource: resource.as_str().to_string(),
            exporting: false,
            done: *records,
            total: None,
            per_second: 0.0,
            eta_ms: None,
        }),
        InitialSyncProgress::FellBack { .. } | InitialSyncProgress::RebuildingIndexes => None,
    }
}

pub(crate) fn incremental_progress(progress: &IncrementalProgress) -> SyncProgressView {
    SyncProgressView {
        resource: progress.resource.as_str().to_string(),
        exporting: false,
        done: progress.records,
        total: progress.total,
        per_second: progress.records_per_second,
        eta_ms: progress.eta.map(millis),
    }
}

/// The status after a failed run: offline (retrying) or failed, with a sentence.
pub(crate) fn failure(
    previous: &SyncStatusView,
    error: &str,
    transient: bool,
    retry_in: Duration,
) -> SyncStatusView {
    let seconds = retry_in.as_secs_f64().ceil() as u64;
    let (state, message) = if transient {
        (
            SyncStateView::Offline,
            format!(
                "Shopify can't be reached; retrying in {seconds} s. Tickets and orders show \
                 from the local copy meanwhile. ({error})"
            ),
        )
    } else {
        (
            SyncStateView::Failed,
            format!(
                "Syncing with Shopify failed: {error} Shopdesk tries again in {seconds} s; \
                 tickets and orders show from the local copy meanwhile."
            ),
        )
    };
    SyncStatusView {
        message: Some(message),
        retry_in_ms: Some(millis(retry_in)),
        // An interrupted import leaves its indexes aside until the next try finishes it.
        search_rebuilding: previous.search_rebuilding,
        ..previous.with_state(state)
    }
}

pub(crate) fn failure_of(
    previous: &SyncStatusView,
    error: &SyncError,
    retry_in: Duration,
) -> SyncStatusView {
    failure(previous, &sentence(error), error.is_transient(), retry_in)
}

/// Error messages are sentences; make sure one ends like one before more text follows it.
pub(crate) fn sentence(error: &SyncError) -> String {
    let text = error.to_string();
    if text.ends_with(['.', '!', '?']) {
        text
    } else {
        format!("{text}.")
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shopdesk_sync::SyncResource;

    #[test]
    fn a_transient_failure_is_offline_with_a_retry_sentence() {
        let synced = SyncStatusView {
            state: SyncStateView::Synced,
            last_synced_at: Some("2026-11-29T14:00:00Z".into()),
            ..SyncStatusView::idle()
        };
        let status = failure(&synced, "connection refused", true, Duration::from_secs(30));
        assert_eq!(status.state, SyncStateView::Offline);
        let message = status.message.unwrap();
        assert!(
            message.starts_with("Shopify can't be reached; retrying in 30 s."),
            "{message}"
        );
        assert_eq!(status.retry_in_ms, Some(30_000));
        assert_eq!(status.last_synced_at, synced.last_synced_at, "kept");

        let failed = failure(&synced, "Access denied.", false, Duration::from_millis(200));
        assert_eq!(failed.state, SyncStateView::Failed);
        assert!(failed.message.unwrap().contains("tries again in 1 s"));
    }

    #[test]
    fn import_progress_carries_counts_rate_and_eta() {
        let view = initial_progress(&InitialSyncProgress::Importing(BulkImportProgress {
            resource: SyncResource::Orders,
            records: 12_300,
            expected: 100_000,
            lines: 30_000,
            batches: 13,
            records_per_second: 9_600.0,
            eta: Some(Duration::from_millis(8_100)),
        }))
        .unwrap();
        assert_eq!(view.resource, "orders");
        assert_eq!((view.done, view.total), (12_300, Some(100_000)));
        assert_eq!(view.eta_ms, Some(8_100));
        assert!(!view.exporting);
        let fell_back = InitialSyncProgress::FellBack {
            resource: SyncResource::Orders,
            reason: "no".into(),
        };
        assert_eq!(initial_progress(&fell_back), None);
    }
}
