//! What can go wrong with a bulk export, worded for the person using the app.

use std::time::Duration;

use super::BulkExport;
use crate::ShopifyError;

/// Why Shopify refused to start a bulk export (`BulkOperationUserErrorCode`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkRefusal {
    /// The query breaks a bulk rule: a bug in Shopdesk's documents.
    Invalid,
    /// Five bulk queries of this app already run on the shop.
    LimitReached,
    /// The pre-2026 one-at-a-time rule.
    OperationInProgress,
    Other(Option<String>),
}

impl BulkRefusal {
    pub(crate) fn from_code(code: Option<&str>) -> Self {
        match code {
            Some("INVALID") => BulkRefusal::Invalid,
            Some("LIMIT_REACHED") => BulkRefusal::LimitReached,
            Some("OPERATION_IN_PROGRESS") => BulkRefusal::OperationInProgress,
            other => BulkRefusal::Other(other.map(str::to_string)),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    #[error("Shopify refused to start the bulk export of {export}: {message}")]
    Refused {
        export: BulkExport,
        refusal: BulkRefusal,
        message: String,
    },

    #[error("Shopify's bulk export {id} failed{}", error_code.as_deref().map(|c| format!(" ({c})")).unwrap_or_default())]
    Failed {
        id: String,
        error_code: Option<String>,
        partial_data_url: Option<String>,
    },

    #[error("The bulk export {id} was canceled before it finished")]
    Canceled { id: String },

    #[error("The file of the bulk export {id} expired before Shopdesk could read it all")]
    Expired { id: String },

    #[error("Shopify's bulk export {id} did not finish within {} minutes", waited.as_secs() / 60)]
    TimedOut { id: String, waited: Duration },

    #[error("Shopify does not know the bulk export {id}")]
    NotFound { id: String },

    #[error("Shopify reported the bulk export {id} as {status}, which Shopdesk does not know")]
    UnknownStatus { id: String, status: String },

    #[error("Shopify would not cancel the bulk export {id}: {message}")]
    CancelRefused { id: String, message: String },

    /// The file could not be read, even after resuming the download several times.
    #[error("The download of a bulk export file failed after {attempts} attempts: {detail}")]
    Download {
        attempts: u32,
        detail: String,
        #[source]
        source: Option<reqwest::Error>,
    },

    /// The storage refused the file (403/404/410): its signed address has usually expired.
    #[error(
        "The bulk export file is no longer available (HTTP {status}): its address may have expired"
    )]
    FileUnavailable { status: u16 },

    #[error(transparent)]
    Shopify(#[from] ShopifyError),
}

impl BulkError {
    /// Bulk exports cannot be used right now, but paginated queries can: refused, denied or
    /// failed operations. Network trouble is not one of them (pagination would fail too).
    pub fn means_bulk_unavailable(&self) -> bool {
        match self {
            BulkError::Refused { .. }
            | BulkError::Failed { .. }
            | BulkError::Canceled { .. }
            | BulkError::TimedOut { .. }
            | BulkError::UnknownStatus { .. } => true,
            BulkError::Shopify(ShopifyError::AccessDenied { .. }) => true,
            // A Shopify without bulk operations rejects the mutation's document.
            BulkError::Shopify(ShopifyError::GraphQl { .. }) => true,
            _ => false,
        }
    }

    /// Worth trying again later: network, rate limits, Shopify outages, a broken download.
    pub fn is_transient(&self) -> bool {
        match self {
            BulkError::Download { .. } => true,
            BulkError::Shopify(error) => error.is_transient(),
            _ => false,
        }
    }
}
