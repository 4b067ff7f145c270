//! Bulk operations: `bulkOperationRunQuery` runs a query over the whole store in the
//! background and writes the result as JSONL, served at `GET /bulk/<random>.jsonl`.
//!
//! - [`query`]: Shopify's rules for bulk queries (≥1 and ≤5 connections, nesting ≤2, `id` on
//!   parents of nested connections) and the rewritten document the runner executes;
//! - [`runner`]: executes that document window by window (250 root objects at a time, with the
//!   normal resolvers) and writes the lines, children as separate lines with `__parentId`;
//! - [`resolvers`]: the GraphQL objects (`BulkOperation`, payloads, `bulkOperations`);
//! - [`download`]: the file's URL, with HTTP Range support and an injectable broken download.
//! - [`folder`]: the simulator's own folder for those files, and the sweep of folders whose
//!   simulator was killed before it could remove them.
//!
//! Test hooks live on [`BulkOperations`] (`Simulator::bulk()`): pause operations, change the
//! order of lines, fail operations or downloads, move the clock past the URL's 7 days.

pub(crate) mod download;
mod flatten;
pub(crate) mod folder;
mod query;
pub(crate) mod resolvers;
mod runner;

use std::collections::VecDeque;
use std::path::PathBuf;

use folder::BulkFolder;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use crate::model::{ShopState, Timestamp};

pub use query::{MAX_CONNECTIONS, MAX_NESTING_DEPTH};

/// From API 2026-01, an app may run this many bulk query operations at once on a shop.
pub const MAX_CONCURRENT_QUERY_OPERATIONS: usize = 5;
/// `url` and `partialDataUrl` stop working this long after the operation finished.
pub const URL_LIFETIME_SECONDS: i64 = 7 * 24 * 3600;
const OPERATION_ID_BASE: u64 = 3_900_000_000_000;

/// `BulkOperationStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkStatus {
    Created,
    Running,
    Completed,
    Failed,
    Canceling,
    Canceled,
    Expired,
}

impl BulkStatus {
    pub fn as_graphql(self) -> &'static str {
        match self {
            BulkStatus::Created => "CREATED",
            BulkStatus::Running => "RUNNING",
            BulkStatus::Completed => "COMPLETED",
            BulkStatus::Failed => "FAILED",
            BulkStatus::Canceling => "CANCELING",
            BulkStatus::Canceled => "CANCELED",
            BulkStatus::Expired => "EXPIRED",
        }
    }

    /// Still counts against the concurrency limit.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            BulkStatus::Created | BulkStatus::Running | BulkStatus::Canceling
        )
    }
}

/// `BulkOperationErrorCode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkErrorCode {
    AccessDenied,
    InternalServerError,
    Timeout,
}

impl BulkErrorCode {
    pub fn as_graphql(self) -> &'static str {
        match self {
            BulkErrorCode::AccessDenied => "ACCESS_DENIED",
            BulkErrorCode::InternalServerError => "INTERNAL_SERVER_ERROR",
            BulkErrorCode::Timeout => "TIMEOUT",
        }
    }
}

/// Where child lines go relative to their parents. Shopify only promises that a child comes
/// after its parent with `groupObjects: true`; tests use the other orders to prove the importer
/// does not rely on adjacency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BulkOutputOrder {
    /// Per window of 250 root objects: the parents, then all their children (Shopify's
    /// ungrouped output behaves like this: children after parents, not adjacent).
    #[default]
    ParentsThenChildren,
    /// Every child line of the file before the first parent line.
    ChildrenFirst,
}

/// A bulk operation as the API shows it at a given moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkOperationInfo {
    pub id: String,
    pub status: BulkStatus,
    pub error_code: Option<BulkErrorCode>,
    pub object_count: u64,
    pub root_object_count: u64,
    pub file_size: Option<u64>,
    pub url: Option<String>,
    pub partial_data_url: Option<String>,
    pub created_at: Timestamp,
    pub completed_at: Option<Timestamp>,
    pub query: String,
}

/// Requests the download URL received, for tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BulkDownloadStats {
    pub requests: u64,
    /// Requests with a `Range` header.
    pub range_requests: u64,
    /// Downloads cut short on purpose ([`BulkOperations::fail_downloads_after`]).
    pub cut: u64,
}

/// An operation as stored.
#[derive(Debug, Clone)]
struct Operation {
    number: u64,
    /// The random part of the file's URL.
    token: String,
    status: BulkStatus,
    error_code: Option<BulkErrorCode>,
    object_count: u64,
    root_object_count: u64,
    file_size: Option<u64>,
    created_at: Timestamp,
    completed_at: Option<Timestamp>,
    query: String,
    cancel: Arc<AtomicBool>,
}

struct Inner {
    operations: Vec<Operation>,
    next_number: u64,
    clock_offset: i64,
    output_order: BulkOutputOrder,
    failures: VecDeque<BulkErrorCode>,
    /// Each entry cuts one download after that many body bytes.
    download_cuts: VecDeque<u64>,
    range_requests: bool,
    stats: BulkDownloadStats,
}

/// The shop's bulk operations, their files and the test hooks.
pub struct BulkOperations {
    shop: Arc<RwLock<ShopState>>,
    base_url: String,
    /// The JSONL files; removed with it (or by a later simulator's sweep, if the process dies).
    folder: BulkFolder,
    runtime: tokio::runtime::Handle,
    paused: AtomicBool,
    inner: Mutex<Inner>,
}

impl BulkOperations {
    /// Must be called inside a Tokio runtime: operations run on its blocking pool.
    pub(crate) fn new(
        shop: Arc<RwLock<ShopState>>,
        base_url: String,
        folder: BulkFolder,
    ) -> Arc<BulkOperations> {
        Arc::new(BulkOperations {
            shop,
            base_url,
            folder,
            runtime: tokio::runtime::Handle::current(),
            paused: AtomicBool::new(false),
            inner: Mutex::new(Inner {
                operations: Vec::new(),
                next_number: OPERATION_ID_BASE + 1,
                clock_offset: 0,
                output_order: BulkOutputOrder::default(),
                failures: VecDeque::new(),
                download_cuts: VecDeque::new(),
                range_requests: true,
                stats: BulkDownloadStats::default(),
            }),
        })
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain data behind: keep serving it.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The operations' clock: the wall clock plus [`BulkOperations::advance_clock`].
    pub fn now(&self) -> Timestamp {
        wall_clock() + self.inner().clock_offset
    }

    // ---- test hooks ----

    /// Operations stay RUNNING (without progress) until [`BulkOperations::resume`].
    pub fn pause(&self) {
        self.paused.store(true, Ordering::SeqCst);
    }

    pub fn resume(&self) {
        self.paused.store(false, Ordering::SeqCst);
    }

    pub fn set_output_order(&self, order: BulkOutputOrder) {
        self.inner().output_order = order;
    }

    /// The next `count` operations fail with `code` before writing anything.
    pub fn fail_next_operations(&self, code: BulkErrorCode, count: usize) {
        self.inner()
            .failures
            .extend(std::iter::repeat_n(code, count));
    }

    /// The next `count` downloads close the connection after `bytes` bytes of body (a download
    /// shorter than that is not cut, but uses up its turn).
    pub fn fail_downloads_after(&self, bytes: u64, count: usize) {
        self.inner()
            .download_cuts
            .extend(std::iter::repeat_n(bytes, count));
    }

    /// Whether the download URL honours `Range` (Shopify's storage does; default true).
    pub fn set_range_requests(&self, supported: bool) {
        self.inner().range_requests = supported;
    }

    /// Moves the operations' clock forward (e.g. past the 7 days a URL lives).
    pub fn advance_clock(&self, seconds: i64) {
        self.inner().clock_offset += seconds;
    }

    pub fn download_stats(&self) -> BulkDownloadStats {
        self.inner().stats
    }

    /// Every operation, oldest first.
    pub fn operations(&self) -> Vec<BulkOperationInfo> {
        let now = self.now();
        let inner = self.inner();
        inner
            .operations
            .iter()
            .map(|op| self.info(op, now))
            .collect()
    }

    // ---- what the API does ----

    fn info(&self, op: &Operation, now: Timestamp) -> BulkOperationInfo {
        let expired = op
            .completed_at
            .is_some_and(|at| now >= at + URL_LIFETIME_SECONDS);
        let status = if op.status == BulkStatus::Completed && expired {
            BulkStatus::Expired
        } else {
            op.status
        };
        let file_url = format!("{}/bulk/{}.jsonl", self.base_url, op.token);
        let has_file = op.object_count > 0 && !expired;
        BulkOperationInfo {
            id: operation_gid(op.number),
            status,
            error_code: op.error_code,
            object_count: op.object_count,
            root_object_count: op.root_object_count,
            file_size: op.file_size,
            // Shopify gives no URL for an operation that found nothing.
            url: (status == BulkStatus::Completed && has_file).then(|| file_url.clone()),
            partial_data_url: (op.status == BulkStatus::Failed && has_file).then_some(file_url),
            created_at: op.created_at,
            completed_at: op.completed_at,
            query: op.query.clone(),
        }
    }

    pub(crate) fn find(&self, id: &str) -> Option<BulkOperationInfo> {
        let number = parse_operation_gid(id)?;
        let now = self.now();
        let inner = self.inner();
        let op = inner.operations.iter().find(|op| op.number == number)?;
        Some(self.info(op, now))
    }

    /// `bulkOperationRunQuery`: validates, registers and starts an operation.
    pub(crate) fn run_query(
        self: &Arc<Self>,
        query: &str,
        group_objects: bool,
    ) -> Result<BulkOperationInfo, RunQueryError> {
        let plan = query::plan(query).map_err(RunQueryError::Invalid)?;
        let now = self.now();
        let (op, order, failure) = {
            let mut inner = self.inner();
            let active = inner
                .operations
                .iter()
                .filter(|op| op.status.is_active())
                .count();
            if active >= MAX_CONCURRENT_QUERY_OPERATIONS {
                return Err(RunQueryError::LimitReached);
            }
            let number = inner.next_number;
            inner.next_number += 1;
            let op = Operation {
                number,
                token: format!("{:032x}", rand::random::<u128>()),
                status: BulkStatus::Created,
                error_code: None,
                object_count: 0,
                root_object_count: 0,
                file_size: None,
                created_at: now,
                completed_at: None,
                query: query.to_string(),
                cancel: Arc::new(AtomicBool::new(false)),
            };
            inner.operations.push(op.clone());
            let order = if group_objects {
                runner::LineOrder::Grouped
            } else {
                match inner.output_order {
                    BulkOutputOrder::ParentsThenChildren => runner::LineOrder::ParentsThenChildren,
                    BulkOutputOrder::ChildrenFirst => runner::LineOrder::ChildrenFirst,
                }
            };
            (op, order, inner.failures.pop_front())
        };
        let info = self.info(&op, now);
        let job = runner::Job {
            operations: Arc::downgrade(self),
            number: op.number,
            file: self.file_path(&op.token),
            cancel: op.cancel,
            plan,
            order,
            failure,
        };
        self.runtime.spawn_blocking(move || job.run());
        Ok(info)
    }

    /// `bulkOperationCancel`.
    pub(crate) fn cancel(&self, id: &str) -> Result<BulkOperationInfo, CancelError> {
        let number = parse_operation_gid(id).ok_or(CancelError::NotFound)?;
        let now = self.now();
        let mut inner = self.inner();
        let op = inner
            .operations
            .iter_mut()
            .find(|op| op.number == number)
            .ok_or(CancelError::NotFound)?;
        if !op.status.is_active() {
            let status = op.status;
            return Err(CancelError::Finished(status));
        }
        op.status = BulkStatus::Canceling;
        op.cancel.store(true, Ordering::SeqCst);
        let op = op.clone();
        drop(inner);
        Ok(self.info(&op, now))
    }

    fn file_path(&self, token: &str) -> PathBuf {
        self.folder.path().join(format!("{token}.jsonl"))
    }

    /// Applies `change` to the stored operation.
    fn update(&self, number: u64, change: impl FnOnce(&mut Operation)) {
        let mut inner = self.inner();
        if let Some(op) = inner.operations.iter_mut().find(|op| op.number == number) {
            change(op);
        }
    }

    fn is_paused(&self) -> bool {
        self.paused.load(Ordering::SeqCst)
    }
}

/// Why `bulkOperationRunQuery` refused a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RunQueryError {
    Invalid(String),
    LimitReached,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CancelError {
    NotFound,
    Finished(BulkStatus),
}

pub(crate) fn operation_gid(number: u64) -> String {
    crate::executor::gid("BulkOperation", number)
}

fn parse_operation_gid(id: &str) -> Option<u64> {
    match crate::executor::parse_gid(id)? {
        ("BulkOperation", number) => Some(number),
        _ => None,
    }
}

fn wall_clock() -> Timestamp {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as Timestamp)
        .unwrap_or_default()
}
