//! The initial sync by bulk export: Shopify writes every customer and every order (with line
//! items, fulfillments and refunds) to JSONL files, which are streamed into the store in batches.
//! Where bulk cannot be used (LIMIT_REACHED, access denied, a failed operation), that resource
//! is copied with the paginated pass of [`crate::full_sync`] instead.
//!
//! Resuming: each batch is written with the file position it reaches (`bulk_imports`). A run
//! that stopped (crash, offline, app closed) is continued by the next one: the same operation's
//! file is read again from the saved byte offset (HTTP Range), so nothing is written twice. If
//! the operation is gone or its URL expired, a new export starts and its records are upserted.

mod import;
mod report;

use std::time::Duration;

use shopdesk_shopify::bulk::{BulkExport, DownloadPosition, PollPolicy};
use shopdesk_shopify::{BulkError, ShopifyClient};
use shopdesk_store::{BulkImportState, IndexesRestored, Store, SyncCheckpoint};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub use report::{
    BulkImportProgress, InitialSyncProgress, InitialSyncReport, ResourceReport, SyncMethod,
};

use crate::pass::{run_pass, Customers, Orders, Run};
use crate::{RejectedRecord, SyncError, SyncResource};

/// How the initial sync runs. The defaults suit the app; tests shorten the waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkSyncOptions {
    /// Orders (or customers) per transaction.
    pub batch_records: usize,
    pub poll: PollPolicy,
    /// Stop with [`SyncError::Stopped`] after this many batches of this run, all resources
    /// together (tests: a crash between two transactions).
    pub stop_after_batches: Option<u64>,
    /// Set the lookup indexes and full-text triggers aside during the import and rebuild them
    /// once at its end (`Store::defer_indexes_for_bulk_import`): several times faster writes;
    /// until the rebuild, search over orders and customers is incomplete.
    pub defer_indexes: bool,
    /// Fail the index rebuild just before its commit, with [`SyncError::Stopped`] (tests: a
    /// crash during the rebuild).
    pub fail_index_rebuild: bool,
}

impl Default for BulkSyncOptions {
    fn default() -> Self {
        BulkSyncOptions {
            batch_records: 1000,
            poll: PollPolicy::default(),
            stop_after_batches: None,
            defer_indexes: true,
            fail_index_rebuild: false,
        }
    }
}

/// [`initial_sync_bulk_with`] with the default options.
pub async fn initial_sync_bulk(
    client: &ShopifyClient,
    store: &mut Store,
    progress: impl FnMut(InitialSyncProgress),
) -> Result<InitialSyncReport, SyncError> {
    initial_sync_bulk_with(client, store, &BulkSyncOptions::default(), progress).await
}

/// Copies the shop, its customers and its orders by bulk export (both exports run at once on
/// Shopify), continuing an interrupted run if there is one. A finished resource leaves the same
/// checkpoint as a finished paginated pass (no cursor, watermark at the newest `updatedAt`), so
/// the incremental sync carries on from there.
pub async fn initial_sync_bulk_with(
    client: &ShopifyClient,
    store: &mut Store,
    options: &BulkSyncOptions,
    mut progress: impl FnMut(InitialSyncProgress),
) -> Result<InitialSyncReport, SyncError> {
    let shop = client.fetch_shop().await?;
    store.upsert_shop(&shop)?;
    let run = match interrupted_run(store, &shop.id)? {
        Some(started_at) => Run {
            started_at,
            continues_interrupted: true,
        },
        None if store.search_index_rebuilding()? => {
            // The previous run wrote everything and stopped during the index rebuild.
            progress(InitialSyncProgress::RebuildingIndexes);
            let indexes = rebuild_indexes(store, options)?;
            store.end_bulk_import_tuning()?;
            let done = || ResourceReport {
                method: SyncMethod::AlreadyDone,
                records: 0,
            };
            let started_at = store
                .sync_checkpoint(&shop.id, SyncResource::Orders.as_str())?
                .and_then(|c| c.pass_started_at)
                .unwrap_or_else(now_rfc3339);
            return Ok(InitialSyncReport {
                shop,
                started_at,
                customers: done(),
                orders: done(),
                rejected: Vec::new(),
                indexes,
            });
        }
        None => Run {
            started_at: now_rfc3339(),
            continues_interrupted: false,
        },
    };
    // Only for progress: a shop that hides its counts still syncs.
    let counts = client.export_counts().await.ok();
    let mut rejected = Vec::new();
    let mut sync = ResourceSync {
        client,
        shop_id: &shop.id,
        run: &run,
        options,
        batches: 0,
    };

    // Start both exports before waiting for either: Shopify runs them side by side.
    let mut customers = sync.begin(store, BulkExport::Customers).await?;
    let mut orders = sync.begin(store, BulkExport::Orders).await?;
    let customers_report = sync
        .complete(
            store,
            &mut customers,
            counts.map(|c| c.customers),
            &mut rejected,
            &mut progress,
        )
        .await?;
    // Customer search back, and that share of the rebuild done, while the orders export
    // (the longer one) still runs on Shopify.
    store.restore_deferred_customer_indexes()?;
    let orders_report = sync
        .complete(
            store,
            &mut orders,
            counts.map(|c| c.orders),
            &mut rejected,
            &mut progress,
        )
        .await?;
    let mut indexes = IndexesRestored::default();
    if store.search_index_rebuilding()? {
        progress(InitialSyncProgress::RebuildingIndexes);
        indexes = rebuild_indexes(store, options)?;
    }
    store.end_bulk_import_tuning()?;
    Ok(InitialSyncReport {
        shop,
        started_at: run.started_at,
        customers: customers_report,
        orders: orders_report,
        rejected,
        indexes,
    })
}

/// Where one resource stands before waiting for its export.
enum Plan {
    Done,
    /// Continue this run's interrupted paginated pass.
    Paginated {
        reason: String,
    },
    Bulk {
        operation_id: String,
        resumed: bool,
    },
}

struct ResourceSync<'a> {
    client: &'a ShopifyClient,
    shop_id: &'a str,
    run: &'a Run,
    options: &'a BulkSyncOptions,
    /// Batches written by this run, all resources together.
    batches: u64,
}

fn resource_of(export: BulkExport) -> SyncResource {
    match export {
        BulkExport::Orders => SyncResource::Orders,
        BulkExport::Customers => SyncResource::Customers,
    }
}

struct Pending {
    export: BulkExport,
    plan: Plan,
}

impl ResourceSync<'_> {
    /// Decides how the resource is copied, starting its export if needed.
    async fn begin(&mut self, store: &mut Store, export: BulkExport) -> Result<Pending, SyncError> {
        let resource = resource_of(export).as_str();
        if self.run.continues_interrupted {
            if let Some(checkpoint) = store.sync_checkpoint(self.shop_id, resource)? {
                if checkpoint.pass_started_at.as_deref() == Some(self.run.started_at.as_str()) {
                    let plan = match checkpoint.cursor {
                        None => Plan::Done,
                        Some(_) => Plan::Paginated {
                            reason: "continuing the paginated copy of an interrupted sync".into(),
                        },
                    };
                    return Ok(Pending { export, plan });
                }
            }
            if let Some(state) = store.bulk_import_state(self.shop_id, resource)? {
                if state.finished_at.is_none() && state.started_at == self.run.started_at {
                    return Ok(Pending {
                        export,
                        plan: Plan::Bulk {
                            operation_id: state.operation_id,
                            resumed: true,
                        },
                    });
                }
            }
        }
        let plan = match self.start_export(store, export).await {
            Ok(operation_id) => Plan::Bulk {
                operation_id,
                resumed: false,
            },
            Err(SyncError::Bulk(error)) if error.means_bulk_unavailable() => Plan::Paginated {
                reason: error.to_string(),
            },
            Err(error) => return Err(error),
        };
        Ok(Pending { export, plan })
    }

    async fn start_export(
        &self,
        store: &mut Store,
        export: BulkExport,
    ) -> Result<String, SyncError> {
        let operation = self.client.start_bulk_export(export).await?;
        store.start_bulk_import(&BulkImportState {
            shop_id: self.shop_id.to_string(),
            resource: resource_of(export).as_str().to_string(),
            operation_id: operation.id.clone(),
            lines_done: 0,
            bytes_done: 0,
            records_done: 0,
            max_updated_at: None,
            started_at: self.run.started_at.clone(),
            finished_at: None,
        })?;
        Ok(operation.id)
    }

    /// Waits for the export and imports it, or falls back to pages.
    async fn complete(
        &mut self,
        store: &mut Store,
        pending: &mut Pending,
        expected: Option<u64>,
        rejected: &mut Vec<RejectedRecord>,
        progress: &mut impl FnMut(InitialSyncProgress),
    ) -> Result<ResourceReport, SyncError> {
        let resource = resource_of(pending.export);
        // One new export if the first one's file cannot be had any more.
        let mut fresh_exports_left = 1;
        loop {
            let reason = match &pending.plan {
                Plan::Done => {
                    return Ok(ResourceReport {
                        method: SyncMethod::AlreadyDone,
                        records: 0,
                    })
                }
                Plan::Paginated { reason } => reason.clone(),
                Plan::Bulk {
                    operation_id,
                    resumed,
                } => {
                    let (operation_id, resumed) = (operation_id.clone(), *resumed);
                    match self
                        .import(
                            store,
                            pending.export,
                            &operation_id,
                            resumed,
                            expected,
                            rejected,
                            progress,
                        )
                        .await
                    {
                        Ok(report) => return Ok(report),
                        Err(SyncError::Bulk(
                            BulkError::Expired { .. }
                            | BulkError::NotFound { .. }
                            | BulkError::FileUnavailable { .. },
                        )) if fresh_exports_left > 0 => {
                            fresh_exports_left -= 1;
                            tracing::info!(%resource, "the export's file is gone; exporting again");
                            match self.start_export(store, pending.export).await {
                                Ok(operation_id) => {
                                    pending.plan = Plan::Bulk {
                                        operation_id,
                                        resumed: false,
                                    };
                                    continue;
                                }
                                Err(SyncError::Bulk(e)) if e.means_bulk_unavailable() => {
                                    e.to_string()
                                }
                                Err(error) => return Err(error),
                            }
                        }
                        Err(SyncError::Bulk(e)) if e.means_bulk_unavailable() => e.to_string(),
                        Err(error) => return Err(error),
                    }
                }
            };
            return self
                .paginated(store, resource, reason, rejected, progress)
                .await;
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn import(
        &mut self,
        store: &mut Store,
        export: BulkExport,
        operation_id: &str,
        resumed: bool,
        expected: Option<u64>,
        rejected: &mut Vec<RejectedRecord>,
        progress: &mut impl FnMut(InitialSyncProgress),
    ) -> Result<ResourceReport, SyncError> {
        let resource = resource_of(export);
        let operation = self
            .client
            .wait_for_bulk_operation(operation_id, &self.options.poll, |op| {
                progress(InitialSyncProgress::Exporting {
                    resource,
                    operation_id: op.id.clone(),
                    objects: op.object_count,
                    roots: op.root_object_count,
                    expected,
                })
            })
            .await?;
        let mut state = store
            .bulk_import_state(self.shop_id, resource.as_str())?
            .filter(|s| s.operation_id == operation.id)
            .ok_or_else(|| {
                SyncError::Bulk(BulkError::NotFound {
                    id: operation.id.clone(),
                })
            })?;
        let records_before = state.records_done;
        let (lines, placed, download_resumes, writing, waiting) = match &operation.url {
            // Shopify gives no file when the export found nothing.
            None => (0, 0, 0, Duration::ZERO, Duration::ZERO),
            Some(url) => {
                let from = DownloadPosition {
                    line: state.lines_done,
                    byte: state.bytes_done,
                };
                let download = self.client.bulk_download(url, from)?;
                store.tune_for_bulk_import()?;
                if self.options.defer_indexes {
                    store.defer_indexes_for_bulk_import()?;
                }
                let done = import::import_file(
                    download,
                    export,
                    store,
                    &mut state,
                    operation.root_object_count,
                    self.options,
                    &mut self.batches,
                    rejected,
                    progress,
                )
                .await?;
                (
                    done.lines,
                    done.placed_line_items,
                    done.download_resumes,
                    done.writing,
                    done.waiting,
                )
            }
        };
        let finish = store
            .finish_bulk_import(&state, &self.finished_checkpoint(store, resource, &state)?)?;
        if finish.orphans > 0 {
            rejected.push(RejectedRecord {
                record: format!(
                    "{} line items of the bulk export {}",
                    finish.orphans, operation.id
                ),
                reason: "their order was missing from the export or could not be stored".into(),
            });
        }
        Ok(ResourceReport {
            method: SyncMethod::Bulk {
                operation_id: operation.id.clone(),
                lines,
                line_items: placed + finish.line_items,
                orphan_line_items: finish.orphans,
                resumed,
                download_resumes,
                writing,
                waiting,
            },
            records: state.records_done - records_before,
        })
    }

    /// What a finished pass leaves: no cursor, the watermark at the newest change seen.
    fn finished_checkpoint(
        &self,
        store: &Store,
        resource: SyncResource,
        state: &BulkImportState,
    ) -> Result<SyncCheckpoint, SyncError> {
        let previous = store
            .sync_checkpoint(self.shop_id, resource.as_str())?
            .and_then(|c| c.watermark);
        Ok(SyncCheckpoint {
            shop_id: self.shop_id.to_string(),
            resource: resource.as_str().to_string(),
            cursor: None,
            watermark: previous.max(state.max_updated_at.clone()),
            pass_started_at: Some(self.run.started_at.clone()),
        })
    }

    async fn paginated(
        &mut self,
        store: &mut Store,
        resource: SyncResource,
        reason: String,
        rejected: &mut Vec<RejectedRecord>,
        progress: &mut impl FnMut(InitialSyncProgress),
    ) -> Result<ResourceReport, SyncError> {
        tracing::warn!(%resource, %reason, "bulk export unavailable; copying page by page");
        // The bulk import of this run (if one was started) will not be continued.
        store.abandon_bulk_import(self.shop_id, resource.as_str())?;
        progress(InitialSyncProgress::FellBack {
            resource,
            reason: reason.clone(),
        });
        let mut pages = |p| progress(InitialSyncProgress::Paginated(p));
        let pass = match resource {
            SyncResource::Customers => {
                run_pass::<Customers>(
                    self.client,
                    store,
                    self.shop_id,
                    self.run,
                    rejected,
                    &mut pages,
                )
                .await?
            }
            SyncResource::Orders => {
                run_pass::<Orders>(
                    self.client,
                    store,
                    self.shop_id,
                    self.run,
                    rejected,
                    &mut pages,
                )
                .await?
            }
        };
        Ok(ResourceReport {
            records: pass.records,
            method: SyncMethod::Paginated { reason, pass },
        })
    }
}

/// Puts back the indexes an import set aside (nothing to do if none were).
fn rebuild_indexes(
    store: &mut Store,
    options: &BulkSyncOptions,
) -> Result<IndexesRestored, SyncError> {
    let rebuilt = store.restore_deferred_indexes_with(|| {
        if options.fail_index_rebuild {
            return Err(shopdesk_store::StoreError::NotFound(
                "the index rebuild was stopped before its commit, as asked".into(),
            ));
        }
        Ok(())
    });
    match rebuilt {
        Ok(restored) => Ok(restored),
        Err(_) if options.fail_index_rebuild => Err(SyncError::Stopped { batches: 0 }),
        Err(error) => Err(error.into()),
    }
}

/// The start of an interrupted run: an unfinished bulk import, or a paginated pass left with
/// a cursor (by a fallback, or by [`crate::full_sync`]).
fn interrupted_run(store: &Store, shop_id: &str) -> Result<Option<String>, SyncError> {
    for resource in [SyncResource::Customers, SyncResource::Orders] {
        if let Some(state) = store.bulk_import_state(shop_id, resource.as_str())? {
            if state.finished_at.is_none() {
                return Ok(Some(state.started_at));
            }
        }
    }
    for resource in [SyncResource::Customers, SyncResource::Orders] {
        if let Some(checkpoint) = store.sync_checkpoint(shop_id, resource.as_str())? {
            if checkpoint.cursor.is_some() {
                if let Some(started_at) = checkpoint.pass_started_at {
                    return Ok(Some(started_at));
                }
            }
        }
    }
    Ok(None)
}

/// With sub-second digits: it identifies the run, so two runs must not share it.
fn now_rfc3339() -> String {
    let now = OffsetDateTime::now_utc();
    now.format(&Rfc3339)
        .unwrap_or_else(|_| now.unix_timestamp_nanos().to_string())
}
