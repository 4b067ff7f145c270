//! Importing one export file: a task downloads and parses lines into batches while this one
//! writes them, each batch in one transaction with the file position it reaches.
//!
//! Memory stays bounded: at most [`CHANNEL_BATCHES`] parsed batches wait between the two
//! (and as many written ones wait to be freed by the reader, which frees them whenever it
//! closes a batch), and line items are never held until their order shows up. Shopify does not promise that a child
//! line follows, or even comes after, its parent: a line item whose order this run already
//! wrote goes into place at once, any other is staged in SQLite and moved into place when the
//! import finishes (see `shopdesk_store::Store::write_bulk_orders`). The only thing that grows
//! is the set of order ids written (8 bytes an order).

use std::collections::HashSet;
use std::time::{Duration, Instant};

use shopdesk_shopify::bulk::lines::{parse_customers_line, parse_orders_line, OrderExportLine};
use shopdesk_shopify::bulk::{BulkDownload, DownloadPosition};
use shopdesk_shopify::{BulkError, BulkExport};
use shopdesk_store::{BulkImportState, CustomerRecord, OrderRow, StagedLineItem, Store};
use tokio::sync::mpsc;

use super::report::{rate_and_eta, BulkImportProgress, InitialSyncProgress};
use super::BulkSyncOptions;
use crate::{RejectedRecord, SyncError, SyncResource};

/// Parsed batches allowed to wait for the writer.
const CHANNEL_BATCHES: usize = 2;
/// A batch closes after this many lines even with few root records (many children).
const MAX_BATCH_LINES: u64 = 50_000;

/// Lines parsed into records, up to a file position.
#[derive(Default)]
struct Batch {
    /// Made into rows here, on the reader, so that the writer only binds them.
    orders: Vec<OrderRow>,
    line_items: Vec<StagedLineItem>,
    customers: Vec<CustomerRecord>,
    rejected: Vec<RejectedRecord>,
    /// After the batch's last line.
    end: DownloadPosition,
    lines: u64,
    max_updated_at: Option<String>,
}

impl Batch {
    fn records(&self) -> u64 {
        (self.orders.len() + self.customers.len()) as u64
    }
}

pub(crate) struct FileImport {
    pub lines: u64,
    /// Line items written straight into place (the others were staged).
    pub placed_line_items: u64,
    pub download_resumes: u32,
    pub writing: Duration,
    pub waiting: Duration,
}

/// Reads the file from `state`'s position to its end, writing batches and moving `state`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn import_file(
    download: BulkDownload,
    export: BulkExport,
    store: &mut Store,
    state: &mut BulkImportState,
    expected: u64,
    options: &BulkSyncOptions,
    batches_in_run: &mut u64,
    rejected: &mut Vec<RejectedRecord>,
    progress: &mut impl FnMut(InitialSyncProgress),
) -> Result<FileImport, SyncError> {
    let resource = match export {
        BulkExport::Orders => SyncResource::Orders,
        BulkExport::Customers => SyncResource::Customers,
    };
    let (sender, mut receiver) = mpsc::channel(CHANNEL_BATCHES);
    // Written batches go back to the reader to be freed: its thread allocated them, frees
    // there are cheapest, and it has time to spare while the writer works.
    let (written_batches, to_free) = std::sync::mpsc::channel::<Batch>();
    let parser = tokio::spawn(parse_file(
        download,
        export,
        state.shop_id.clone(),
        options.batch_records.max(1) as u64,
        sender,
        to_free,
    ));
    // Dropping the import (an error, or the caller's future dropped) stops the reader too.
    let _stop_parser = AbortOnDrop(parser.abort_handle());

    let started = Instant::now();
    let records_before = state.records_done;
    let mut batches = 0u64;
    // Orders written by this run (numeric ids: 8 bytes each). Their later line items can go
    // straight into place: the order line will not come again and delete them.
    let mut written: HashSet<i64> = HashSet::new();
    let mut placed_line_items = 0u64;
    let (mut writing, mut waiting) = (Duration::ZERO, Duration::ZERO);
    loop {
        let wait_started = Instant::now();
        let Some(message) = receiver.recv().await else {
            break;
        };
        waiting += wait_started.elapsed();
        let mut batch = message?;
        let write_started = Instant::now();
        state.lines_done = batch.end.line;
        state.bytes_done = batch.end.byte;
        state.records_done += batch.records();
        state.max_updated_at = state
            .max_updated_at
            .take()
            .max(batch.max_updated_at.clone());
        match export {
            BulkExport::Orders => {
                written.extend(batch.orders.iter().map(OrderRow::id));
                let (placed, staged): (Vec<_>, Vec<_>) = std::mem::take(&mut batch.line_items)
                    .into_iter()
                    .partition(|item| written.contains(&item.order_id));
                store.write_bulk_orders(&batch.orders, &placed, &staged, state)?;
                placed_line_items += placed.len() as u64;
                batch.line_items = placed;
                batch.line_items.extend(staged);
            }
            BulkExport::Customers => store.write_bulk_customers(&batch.customers, state)?,
        }
        writing += write_started.elapsed();
        for record in std::mem::take(&mut batch.rejected) {
            tracing::warn!(record = %record.record, reason = %record.reason, "bulk record skipped");
            rejected.push(record);
        }
        // Once the reader has ended, the batch comes back and is freed here.
        let _ = written_batches.send(batch);
        batches += 1;
        let done = state.records_done - records_before;
        let (records_per_second, eta) = rate_and_eta(
            done,
            started.elapsed(),
            expected.saturating_sub(state.records_done),
        );
        progress(InitialSyncProgress::Importing(BulkImportProgress {
            resource,
            records: state.records_done,
            expected,
            lines: state.lines_done,
            batches,
            records_per_second,
            eta,
        }));
        *batches_in_run += 1;
        if options.stop_after_batches == Some(*batches_in_run) {
            return Err(SyncError::Stopped {
                batches: *batches_in_run,
            });
        }
    }
    let download_resumes = parser.await.map_err(|e| {
        SyncError::Bulk(BulkError::Download {
            attempts: 0,
            detail: format!("the reader stopped unexpectedly ({e})"),
            source: None,
        })
    })?;
    Ok(FileImport {
        lines: state.lines_done,
        placed_line_items,
        download_resumes,
        writing,
        waiting,
    })
}

struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Reads and parses the file into batches; returns how often the download reconnected.
async fn parse_file(
    mut download: BulkDownload,
    export: BulkExport,
    shop_id: String,
    batch_records: u64,
    sender: mpsc::Sender<Result<Batch, BulkError>>,
    to_free: std::sync::mpsc::Receiver<Batch>,
) -> u32 {
    let mut batch = Batch {
        end: download.position(),
        ..Batch::default()
    };
    loop {
        let chunk = match download.next_chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(error) => {
                let _ = sender.send(Err(error)).await;
                return download.reconnections();
            }
        };
        for (line, end) in chunk.lines() {
            batch.end = end;
            batch.lines += 1;
            if !line.is_empty() {
                add_line(&mut batch, export, &shop_id, line, end.line);
            }
            if batch.records() >= batch_records || batch.lines >= MAX_BATCH_LINES {
                to_free.try_iter().for_each(drop);
                let full = std::mem::replace(
                    &mut batch,
                    Batch {
                        end,
                        ..Batch::default()
                    },
                );
                if sender.send(Ok(full)).await.is_err() {
                    return download.reconnections();
                }
            }
        }
    }
    if batch.lines > 0 {
        let _ = sender.send(Ok(batch)).await;
    }
    download.reconnections()
}

fn add_line(batch: &mut Batch, export: BulkExport, shop_id: &str, line: &[u8], seq: u64) {
    match export {
        BulkExport::Orders => match parse_orders_line(shop_id, line) {
            Ok(OrderExportLine::Order(order)) => {
                see_updated_at(&mut batch.max_updated_at, &order.updated_at);
                // The mapping checked what this checks: a failure is the store's guard.
                match OrderRow::new(*order) {
                    Ok(row) => batch.orders.push(row),
                    Err(error) => batch.rejected.push(RejectedRecord {
                        record: format!("the order on line {seq} of the export"),
                        reason: error.to_string(),
                    }),
                }
            }
            Ok(OrderExportLine::LineItem { order_id, item }) => {
                match StagedLineItem::new(seq, &order_id, *item) {
                    Ok(staged) => batch.line_items.push(staged),
                    Err(error) => batch.rejected.push(RejectedRecord {
                        record: format!("the line item on line {seq} of the export"),
                        reason: error.to_string(),
                    }),
                }
            }
            Err(error) => batch.rejected.push(error.into()),
        },
        BulkExport::Customers => match parse_customers_line(shop_id, line) {
            Ok(customer) => {
                see_updated_at(&mut batch.max_updated_at, &customer.updated_at);
                batch.customers.push(customer);
            }
            Err(error) => batch.rejected.push(error.into()),
        },
    }
}

/// RFC 3339 UTC timestamps compare as text.
fn see_updated_at(max: &mut Option<String>, updated_at: &str) {
    if max.as_deref() < Some(updated_at) {
        *max = Some(updated_at.to_string());
    }
}
