//! What a sync tells its caller while running and when done.

use std::fmt;

use shopdesk_shopify::MappingError;
use shopdesk_store::ShopRecord;

/// The kinds of records synced, in the order a full sync copies them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyncResource {
    Customers,
    Orders,
}

impl SyncResource {
    /// The key of its checkpoint in the store's `sync_state`.
    pub fn as_str(self) -> &'static str {
        match self {
            SyncResource::Customers => "customers",
            SyncResource::Orders => "orders",
        }
    }
}

impl fmt::Display for SyncResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Sent after every page written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncProgress {
    pub resource: SyncResource,
    /// Pages written by this run for this resource.
    pub pages: u32,
    /// Records written by this run for this resource.
    pub records: u64,
    pub rejected: u64,
    /// False on the last page of the pass.
    pub has_more: bool,
}

/// A record Shopify sent that could not be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRecord {
    /// `order #1001 (gid://shopify/Order/1)`, `customer Ana Lima (gid://...)`.
    pub record: String,
    pub reason: String,
}

impl From<MappingError> for RejectedRecord {
    fn from(error: MappingError) -> Self {
        RejectedRecord {
            record: error.record,
            reason: error.reason,
        }
    }
}

/// One resource's pass in a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassReport {
    pub pages: u32,
    pub records: u64,
    /// GraphQL requests made (pages plus extra line item pages).
    pub requests: u32,
    /// Continued from a cursor saved by an interrupted run.
    pub resumed: bool,
    /// Already finished by the interrupted run this one continues: nothing fetched.
    pub already_done: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    pub shop: ShopRecord,
    /// When the run began (or the interrupted run it continues), RFC 3339 UTC with sub-second
    /// digits; it identifies the run in the checkpoints.
    pub started_at: String,
    pub customers: PassReport,
    pub orders: PassReport,
    pub rejected: Vec<RejectedRecord>,
}
