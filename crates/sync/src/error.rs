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

    /// `hasNextPage` without an `endCursor`: following it would loop forever.
    #[error("Shopify said there are more {resource} but gave no position to continue from")]
    MissingCursor { resource: SyncResource },
}

impl SyncError {
    /// Running the sync again later may succeed (network, rate limits, Shopify outages).
    pub fn is_transient(&self) -> bool {
        matches!(self, SyncError::Shopify(e) if e.is_transient())
    }
}
