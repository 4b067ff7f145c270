//! What the initial sync by bulk export tells its caller while running and when done.

use std::time::Duration;

use shopdesk_store::{IndexesRestored, ShopRecord};

use crate::{PassReport, RejectedRecord, SyncProgress, SyncResource};

/// Sent while the initial sync runs.
#[derive(Debug, Clone, PartialEq)]
pub enum InitialSyncProgress {
    /// Shopify is writing the export (after each status poll).
    Exporting {
        resource: SyncResource,
        operation_id: String,
        /// Lines written so far (orders and their line items, or customers).
        objects: u64,
        /// Orders or customers written so far.
        roots: u64,
        /// `ordersCount`/`customersCount` when it could be read.
        expected: Option<u64>,
    },
    /// After each batch written to the store.
    Importing(BulkImportProgress),
    /// Bulk could not be used for this resource: pages follow ([`InitialSyncProgress::Paginated`]).
    FellBack {
        resource: SyncResource,
        reason: String,
    },
    Paginated(SyncProgress),
    /// Everything is written; the indexes set aside for the import are being rebuilt (one
    /// transaction; search over orders and customers is complete when the sync returns).
    RebuildingIndexes,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BulkImportProgress {
    pub resource: SyncResource,
    /// Orders or customers in the store from this export, earlier runs included.
    pub records: u64,
    /// The export's root object count (exact once the export is complete).
    pub expected: u64,
    /// Lines of the file read.
    pub lines: u64,
    /// Batches written by this run.
    pub batches: u64,
    /// Over this run's import so far.
    pub records_per_second: f64,
    /// At the current rate; `None` before the first batch.
    pub eta: Option<Duration>,
}

/// How one resource was copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncMethod {
    Bulk {
        operation_id: String,
        /// Lines read from the file, earlier runs included.
        lines: u64,
        /// Line items written by this run (straight away, or when the import finished).
        line_items: u64,
        /// Line items whose order never came (dropped; see the rejected records).
        orphan_line_items: u64,
        /// Continued an import that an earlier run left.
        resumed: bool,
        /// Times the download reconnected (a broken connection, or a resumed run).
        download_resumes: u32,
        /// Time this run spent writing batches to the store, and waiting for the next parsed
        /// batch: which side of the import bounds it.
        writing: Duration,
        waiting: Duration,
    },
    /// Paginated queries, because bulk was refused or failed.
    Paginated { reason: String, pass: PassReport },
    /// Finished by the interrupted run this one continues.
    AlreadyDone,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceReport {
    pub method: SyncMethod,
    /// Records written by this run.
    pub records: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitialSyncReport {
    pub shop: ShopRecord,
    /// Identifies the run in the checkpoints (RFC 3339 with sub-second digits).
    pub started_at: String,
    pub customers: ResourceReport,
    pub orders: ResourceReport,
    pub rejected: Vec<RejectedRecord>,
    /// What putting back the indexes set aside for the imports did (nothing was set aside
    /// when no import ran).
    pub indexes: IndexesRestored,
}

/// Records per second and the time left, from what this run has done so far.
pub(crate) fn rate_and_eta(
    done_this_run: u64,
    elapsed: Duration,
    remaining: u64,
) -> (f64, Option<Duration>) {
    let seconds = elapsed.as_secs_f64();
    if done_this_run == 0 || seconds <= 0.0 {
        return (0.0, None);
    }
    let rate = done_this_run as f64 / seconds;
    (rate, Some(Duration::from_secs_f64(remaining as f64 / rate)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_and_eta_follow_progress() {
        assert_eq!(rate_and_eta(0, Duration::from_secs(1), 10), (0.0, None));
        let (rate, eta) = rate_and_eta(500, Duration::from_secs(2), 1000);
        assert_eq!(rate, 250.0);
        assert_eq!(eta, Some(Duration::from_secs(4)));
    }
}
