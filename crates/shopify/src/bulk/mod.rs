//! Bulk exports: start a `bulkOperationRunQuery`, poll it until the file is ready, and read
//! the JSONL as a stream of lines ([`BulkDownload`]) that are mapped into store records
//! ([`lines`]).
//!
//! A bulk export costs one mutation (10 points) and then no cost bucket at all, which is why the
//! initial sync uses it: 100k orders take one request instead of 12,500 pages.

mod download;
mod error;
pub mod lines;

use std::time::{Duration, Instant};

pub use download::{BulkDownload, DownloadPosition, LineChunk};
pub use error::{BulkError, BulkRefusal};

use crate::mapping::enum_text;
use crate::queries::{
    bulk_customers, bulk_export_counts, bulk_operation_cancel, bulk_operation_status, bulk_orders,
    bulk_run_query, BulkExportCounts, BulkOperationCancel, BulkOperationStatus, BulkRunQuery,
};
use crate::{ShopifyClient, ShopifyError};

/// What a bulk export brings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BulkExport {
    /// Orders with fulfillments and refunds inline, line items as child lines.
    Orders,
    Customers,
}

impl BulkExport {
    /// The query sent as text to `bulkOperationRunQuery` (graphql/bulk_*.graphql).
    pub fn query(self) -> &'static str {
        match self {
            BulkExport::Orders => bulk_orders::QUERY,
            BulkExport::Customers => bulk_customers::QUERY,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            BulkExport::Orders => "orders",
            BulkExport::Customers => "customers",
        }
    }
}

impl std::fmt::Display for BulkExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `BulkOperationStatus`; a value added by a later API version is kept as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkStatus {
    Created,
    Running,
    Completed,
    Failed,
    Canceling,
    Canceled,
    Expired,
    Other(String),
}

impl BulkStatus {
    fn from_text(text: &str) -> Self {
        match text {
            "CREATED" => BulkStatus::Created,
            "RUNNING" => BulkStatus::Running,
            "COMPLETED" => BulkStatus::Completed,
            "FAILED" => BulkStatus::Failed,
            "CANCELING" => BulkStatus::Canceling,
            "CANCELED" => BulkStatus::Canceled,
            "EXPIRED" => BulkStatus::Expired,
            other => BulkStatus::Other(other.to_string()),
        }
    }

    /// Still working: polling makes sense.
    pub fn is_pending(&self) -> bool {
        matches!(
            self,
            BulkStatus::Created | BulkStatus::Running | BulkStatus::Canceling
        )
    }
}

/// A bulk operation as Shopify last reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkOperation {
    pub id: String,
    pub status: BulkStatus,
    /// ACCESS_DENIED, INTERNAL_SERVER_ERROR, TIMEOUT (for FAILED operations).
    pub error_code: Option<String>,
    /// Lines written so far: root objects and their children.
    pub object_count: u64,
    pub root_object_count: u64,
    pub file_size: Option<u64>,
    /// The JSONL file, once COMPLETED; `None` when the export found nothing.
    pub url: Option<String>,
    pub partial_data_url: Option<String>,
    pub created_at: String,
    pub completed_at: Option<String>,
}

/// How often to ask for an operation's status: `first_wait`, doubling up to `max_wait`, and
/// giving up after `timeout` (Shopify lets an operation run for up to 10 days; a desktop app
/// should rather fall back or try again later).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollPolicy {
    pub first_wait: Duration,
    pub max_wait: Duration,
    pub timeout: Duration,
}

impl Default for PollPolicy {
    fn default() -> Self {
        PollPolicy {
            first_wait: Duration::from_millis(500),
            max_wait: Duration::from_secs(10),
            timeout: Duration::from_secs(2 * 3600),
        }
    }
}

/// Orders and customers a full export will hold, for progress and ETA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportCounts {
    pub orders: u64,
    pub customers: u64,
}

impl ShopifyClient {
    /// Starts a bulk export. Refusals (`userErrors`: LIMIT_REACHED, INVALID...) are
    /// [`BulkError::Refused`].
    pub async fn start_bulk_export(&self, export: BulkExport) -> Result<BulkOperation, BulkError> {
        let variables = bulk_run_query::Variables {
            query: export.query().to_string(),
        };
        let payload = self
            .execute::<BulkRunQuery>(variables)
            .await?
            .bulk_operation_run_query
            .ok_or_else(|| decode("BulkRunQuery", "it holds no payload"))?;
        if let Some(error) = payload.user_errors.first() {
            let code = error.code.as_ref().map(enum_text);
            return Err(BulkError::Refused {
                export,
                refusal: BulkRefusal::from_code(code.as_deref()),
                message: error.message.clone(),
            });
        }
        let operation = payload
            .bulk_operation
            .ok_or_else(|| decode("BulkRunQuery", "neither an operation nor an error"))?;
        convert(&operation)
    }

    /// The operation, or `None` if Shopify does not know it.
    pub async fn bulk_operation(&self, id: &str) -> Result<Option<BulkOperation>, BulkError> {
        let variables = bulk_operation_status::Variables { id: id.to_string() };
        let found = self
            .execute::<BulkOperationStatus>(variables)
            .await?
            .bulk_operation;
        found.as_ref().map(convert).transpose()
    }

    /// Polls until the operation is COMPLETED and returns it; FAILED, CANCELED and EXPIRED are
    /// errors. `progress` sees every status read.
    pub async fn wait_for_bulk_operation(
        &self,
        id: &str,
        policy: &PollPolicy,
        mut progress: impl FnMut(&BulkOperation),
    ) -> Result<BulkOperation, BulkError> {
        let started = Instant::now();
        let mut wait = policy.first_wait;
        loop {
            let operation = self
                .bulk_operation(id)
                .await?
                .ok_or_else(|| BulkError::NotFound { id: id.to_string() })?;
            progress(&operation);
            match &operation.status {
                BulkStatus::Completed => return Ok(operation),
                BulkStatus::Failed => {
                    return Err(BulkError::Failed {
                        id: operation.id,
                        error_code: operation.error_code,
                        partial_data_url: operation.partial_data_url,
                    })
                }
                BulkStatus::Canceled => return Err(BulkError::Canceled { id: operation.id }),
                BulkStatus::Expired => return Err(BulkError::Expired { id: operation.id }),
                BulkStatus::Other(status) => {
                    return Err(BulkError::UnknownStatus {
                        id: operation.id,
                        status: status.clone(),
                    })
                }
                BulkStatus::Created | BulkStatus::Running | BulkStatus::Canceling => {}
            }
            let waited = started.elapsed();
            if waited >= policy.timeout {
                return Err(BulkError::TimedOut {
                    id: operation.id,
                    waited,
                });
            }
            tokio::time::sleep(wait.min(policy.timeout - waited)).await;
            wait = (wait * 2).min(policy.max_wait);
        }
    }

    pub async fn cancel_bulk_operation(&self, id: &str) -> Result<BulkOperation, BulkError> {
        let variables = bulk_operation_cancel::Variables { id: id.to_string() };
        let payload = self
            .execute::<BulkOperationCancel>(variables)
            .await?
            .bulk_operation_cancel
            .ok_or_else(|| decode("BulkOperationCancel", "it holds no payload"))?;
        match (payload.bulk_operation, payload.user_errors.first()) {
            (Some(operation), None) => convert(&operation),
            (_, Some(error)) => Err(BulkError::CancelRefused {
                id: id.to_string(),
                message: error.message.clone(),
            }),
            (None, None) => Err(decode(
                "BulkOperationCancel",
                "neither an operation nor an error",
            )),
        }
    }

    pub async fn export_counts(&self) -> Result<ExportCounts, ShopifyError> {
        let data = self
            .execute::<BulkExportCounts>(bulk_export_counts::Variables)
            .await?;
        let count = |c: Option<i64>| c.map_or(0, |c| c.max(0) as u64);
        Ok(ExportCounts {
            orders: count(data.orders_count.map(|c| c.count)),
            customers: count(data.customers_count.map(|c| c.count)),
        })
    }

    /// Reads the file at `url` from `from` on (see [`BulkDownload`]).
    pub fn bulk_download(
        &self,
        url: &str,
        from: DownloadPosition,
    ) -> Result<BulkDownload, BulkError> {
        BulkDownload::new(url, from, self.config().connect_timeout)
    }
}

fn decode(query: &'static str, detail: &str) -> BulkError {
    BulkError::Shopify(ShopifyError::Decode {
        query,
        detail: detail.to_string(),
    })
}

/// The generated type (one per document; the fragment is shared) into [`BulkOperation`].
fn convert<T: serde::Serialize>(operation: &T) -> Result<BulkOperation, BulkError> {
    let fields: bulk_operation_status::BulkOperationFields =
        crate::mapping::same_fragment(operation).map_err(|e| {
            decode(
                "BulkOperationStatus",
                &format!("a shared fragment does not match ({e})"),
            )
        })?;
    let number = |text: &str| text.parse::<u64>().unwrap_or_default();
    Ok(BulkOperation {
        id: fields.id,
        status: BulkStatus::from_text(&enum_text(&fields.status)),
        error_code: fields.error_code.as_ref().map(enum_text),
        object_count: number(&fields.object_count),
        root_object_count: number(&fields.root_object_count),
        file_size: fields.file_size.as_deref().map(number),
        url: fields.url,
        partial_data_url: fields.partial_data_url,
        created_at: fields.created_at,
        completed_at: fields.completed_at,
    })
}
