use shopdesk_shopify::ShopifyError;
use shopdesk_store::StoreError;

use crate::SyncResource;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// Talking to Shopify failed; its message is already a sentence for the user.
    #[error(transparent)]
    Shopify(#[from] ShopifyError),

    #[error("Shopdesk could not save what it read from Shopify: {0}")]
    Store(#[from] StoreError),

    /// A bulk export could not be run or read (see `BulkError::means_bulk_unavailable` for
    /// the cases the initial sync answers with pagination instead).
    #[error(transparent)]
    Bulk(#[from] shopdesk_shopify::BulkError),

    /// The initial sync stopped after as many batches as `BulkSyncOptions` asked for.
    #[error(
        "The initial sync stopped after {batches} batches, as asked; the next run continues it"
    )]
    Stopped { batches: u64 },

    /// `hasNextPage` without an `endCursor`: following it would loop forever.
    #[error("Shopify said there are more {resource} but gave no position to continue from")]
    MissingCursor { resource: SyncResource },
}

impl SyncError {
    /// Running the sync again later may succeed (network, rate limits, Shopify outages).
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::Shopify(e) => e.is_transient(),
            SyncError::Bulk(e) => e.is_transient(),
            _ => false,
        }
    }
}
