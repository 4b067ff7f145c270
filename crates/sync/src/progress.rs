//! What an incremental sync tells the UI while it runs (counts, rate, ETA) and after (when the
//! store was last brought up to date, or why not).

use std::fmt;
use std::time::Duration;

use crate::RejectedRecord;

/// The passes of an incremental sync, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncrementalResource {
    Customers,
    Orders,
    DeletedOrders,
    DeletedCustomers,
}

impl IncrementalResource {
    pub const ALL: [IncrementalResource; 4] = [
        IncrementalResource::Customers,
        IncrementalResource::Orders,
        IncrementalResource::DeletedOrders,
        IncrementalResource::DeletedCustomers,
    ];

    /// The key of its checkpoint in the store's `sync_state` (distinct from the full sync's
    /// `customers`/`orders`, whose interrupted runs it must not look like).
    pub fn checkpoint_key(self) -> &'static str {
        match self {
            IncrementalResource::Customers => "customers:incremental",
            IncrementalResource::Orders => "orders:incremental",
            IncrementalResource::DeletedOrders => "orders:deletions",
            IncrementalResource::DeletedCustomers => "customers:deletions",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            IncrementalResource::Customers => "customers",
            IncrementalResource::Orders => "orders",
            IncrementalResource::DeletedOrders => "deleted orders",
            IncrementalResource::DeletedCustomers => "deleted customers",
        }
    }
}

impl fmt::Display for IncrementalResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Sent after every page written.
#[derive(Debug, Clone, PartialEq)]
pub struct IncrementalProgress {
    pub resource: IncrementalResource,
    /// Pages written by this pass.
    pub pages: u32,
    /// Records written (or deleted) by this pass.
    pub records: u64,
    /// Records this run could not store (all passes so far).
    pub rejected: u64,
    /// Records the pass is expected to read, when Shopify could count them (orders and
    /// customers; not deletions).
    pub total: Option<u64>,
    /// Records per second in this pass so far.
    pub records_per_second: f64,
    /// Time left for this pass at the current rate, when the total is known.
    pub eta: Option<Duration>,
    /// False on the pass's last page.
    pub has_more: bool,
}

impl IncrementalProgress {
    /// The rate and ETA from the records done in `elapsed`.
    pub(crate) fn timing(
        records: u64,
        total: Option<u64>,
        elapsed: Duration,
    ) -> (f64, Option<Duration>) {
        let seconds = elapsed.as_secs_f64();
        let rate = if seconds > 0.0 {
            records as f64 / seconds
        } else {
            0.0
        };
        let eta = total
            .filter(|_| rate > 0.0)
            .map(|total| Duration::from_secs_f64(total.saturating_sub(records) as f64 / rate));
        (rate, eta)
    }
}

/// One pass of an incremental sync.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncrementalPassReport {
    pub pages: u32,
    /// Records written, or for deletion passes records deleted.
    pub records: u64,
    /// GraphQL requests made.
    pub requests: u32,
    /// Continued from a cursor an interrupted run saved.
    pub resumed: bool,
    /// The `updatedAt` (or event `createdAt`) the next pass starts from, minus the overlap.
    pub watermark: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncrementalReport {
    pub shop_id: String,
    /// When this run started and finished (wall clock, RFC 3339 UTC): `finished_at` is the
    /// "last synced" time the UI shows.
    pub started_at: String,
    pub finished_at: String,
    pub customers: IncrementalPassReport,
    pub orders: IncrementalPassReport,
    pub deleted_orders: IncrementalPassReport,
    pub deleted_customers: IncrementalPassReport,
    pub rejected: Vec<RejectedRecord>,
}

/// What a periodic sync reports.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncEvent {
    /// A page was written.
    Page(IncrementalProgress),
    /// A run finished: the store holds what Shopify held at about `last_synced_at`.
    Synced {
        last_synced_at: String,
        report: Box<IncrementalReport>,
    },
    /// A run failed; the next one starts after `retry_in`.
    Failed {
        error: String,
        transient: bool,
        retry_in: Duration,
    },
}
