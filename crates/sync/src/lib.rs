//! Copies a Shopify store into the local store.
//!
//! - [`full_sync`]: the shop, then every customer, then every order with its details, page by
//!   page. Each page is written in one transaction with the cursor it ends at, so a sync that
//!   stops half-way (offline, app closed, an error) leaves a consistent store and the next run
//!   continues from the saved cursor.
//! - [`initial_sync_bulk`]: the first copy by bulk export (JSONL streamed into the store in
//!   batches, resumable at the line), falling back to the paginated passes where Shopify
//!   refuses or fails the export.
//! - [`refresh_customer_orders`]: one customer and their orders, when a ticket opens.
//! - [`incremental_sync`]: what changed since the last pass (`updated_at` watermarks with an
//!   overlap) and what was deleted (`destroy` events); [`SyncScheduler`] runs it periodically
//!   so the store stays fresh within a minute. On an empty store it is an initial sync.
//!
//! Records Shopify sends that cannot be mapped are reported ([`SyncReport::rejected`]) and
//! skipped; the rest of their page is written and nothing already stored is lost.
//!
//! Network and database work alternate (fetch a page, then write it): the store is never used
//! while a request is in flight.

mod bulk;
mod error;
mod full_sync;
mod incremental;
mod pass;
mod progress;
mod refresh;
mod report;
mod scheduler;

pub use bulk::{
    initial_sync_bulk, initial_sync_bulk_with, BulkImportProgress, BulkSyncOptions,
    InitialSyncProgress, InitialSyncReport, ResourceReport, SyncMethod,
};
pub use error::SyncError;
pub use full_sync::full_sync;
pub use incremental::{incremental_sync, incremental_sync_with, IncrementalOptions};
pub use progress::{
    IncrementalPassReport, IncrementalProgress, IncrementalReport, IncrementalResource, SyncEvent,
};
pub use refresh::{refresh_customer_orders, RefreshReport};
pub use report::{PassReport, RejectedRecord, SyncProgress, SyncReport, SyncResource};
pub use scheduler::{run_periodic, SchedulerReport, SyncScheduler};
