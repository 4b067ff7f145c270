//! Copies a Shopify store into the local store.
//!
//! - [`full_sync`]: the shop, then every customer, then every order with its details, page by
//!   page. Each page is written in one transaction with the cursor it ends at, so a sync that
//!   stops half-way (offline, app closed, an error) leaves a consistent store and the next run
//!   continues from the saved cursor.
//! - [`refresh_customer_orders`]: one customer and their orders, when a ticket opens.
//!
//! Records Shopify sends that cannot be mapped are reported ([`SyncReport::rejected`]) and
//! skipped; the rest of their page is written and nothing already stored is lost.
//!
//! Network and database work alternate (fetch a page, then write it): the store is never used
//! while a request is in flight.

mod error;
mod full_sync;
mod pass;
mod refresh;
mod report;

pub use error::SyncError;
pub use full_sync::full_sync;
pub use refresh::{refresh_customer_orders, RefreshReport};
pub use report::{PassReport, RejectedRecord, SyncProgress, SyncReport, SyncResource};
