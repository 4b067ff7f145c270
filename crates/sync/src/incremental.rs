//! The incremental sync: what changed since the last pass, and what was deleted.
//!
//! Each run makes four passes, each resumable on its own: customers and orders changed since
//! their watermark (`updated_at:>=`, sorted by UPDATED_AT, oldest first, so a record changed
//! during the pass moves behind the cursor and is read again), then the `destroy` events of
//! orders and customers. Every page is written in one transaction with its checkpoint (cursor,
//! running watermark, and the pass's search query, so a resumed pass asks the same question).
//!
//! Overlap: the lower bound is the watermark minus [`IncrementalOptions::overlap`], because a
//! change can become visible after later ones (commit lag, clocks). For customers it is a whole
//! day more, as a date: Shopify's customer `updated_at` filter matches whole days, possibly in
//! the shop's time zone. Re-reading is harmless: upserts are idempotent and never let an older
//! `updatedAt` replace a newer row.
//!
//! With no watermark at all (nothing synced yet) the passes read everything: an incremental
//! sync on an empty store is an initial sync, with counts and an ETA in its progress.

use std::time::{Duration, Instant};

use shopdesk_shopify::{Deletion, Page, ShopifyClient, ShopifyError};
use shopdesk_store::{CustomerRecord, OrderRecord, Store, StoreError, SyncCheckpoint};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::progress::{
    IncrementalPassReport, IncrementalProgress, IncrementalReport, IncrementalResource, SyncEvent,
};
use crate::{RejectedRecord, SyncError, SyncResource};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncrementalOptions {
    /// How far before the watermark a pass starts reading again.
    pub overlap: Duration,
}

impl Default for IncrementalOptions {
    fn default() -> Self {
        IncrementalOptions {
            overlap: Duration::from_secs(5 * 60),
        }
    }
}

/// Brings the store up to date with Shopify: changed customers and orders, then deletions.
pub async fn incremental_sync(
    client: &ShopifyClient,
    store: &mut Store,
    progress: impl FnMut(SyncEvent),
) -> Result<IncrementalReport, SyncError> {
    incremental_sync_with(client, store, IncrementalOptions::default(), progress).await
}

pub async fn incremental_sync_with(
    client: &ShopifyClient,
    store: &mut Store,
    options: IncrementalOptions,
    mut progress: impl FnMut(SyncEvent),
) -> Result<IncrementalReport, SyncError> {
    let started_at = now_rfc3339();
    let shop_id = match store.shop()? {
        Some(shop) => shop.id,
        None => {
            let shop = client.fetch_shop().await?;
            store.upsert_shop(&shop)?;
            shop.id
        }
    };
    let plans = IncrementalResource::ALL
        .into_iter()
        .map(|resource| plan(store, &shop_id, resource, options))
        .collect::<Result<Vec<_>, _>>()?;
    let query_of = |resource| {
        plans
            .iter()
            .find(|p| p.resource == resource)
            .and_then(|p| p.query.clone())
    };
    // One cheap request (2 points) for the counts behind the progress bar's ETA.
    let counts = client
        .count_for_sync(
            query_of(IncrementalResource::Orders).as_deref(),
            query_of(IncrementalResource::Customers).as_deref(),
        )
        .await?;

    let mut run = Run {
        client,
        shop_id: &shop_id,
        rejected: Vec::new(),
        progress: &mut progress,
    };
    let mut reports = Vec::new();
    for plan in plans {
        let total = match plan.resource {
            IncrementalResource::Orders => Some(counts.orders),
            IncrementalResource::Customers => Some(counts.customers),
            _ => None,
        };
        reports.push(run.pass(store, plan, total).await?);
    }
    let rejected = std::mem::take(&mut run.rejected);
    let mut reports = reports.into_iter();
    let mut next = || reports.next().unwrap_or_default();
    let report = IncrementalReport {
        shop_id: shop_id.clone(),
        started_at,
        finished_at: now_rfc3339(),
        customers: next(),
        orders: next(),
        deleted_orders: next(),
        deleted_customers: next(),
        rejected,
    };
    progress(SyncEvent::Synced {
        last_synced_at: report.finished_at.clone(),
        report: Box::new(report.clone()),
    });
    Ok(report)
}

/// Where a pass starts: a fresh query from the watermark, or the saved cursor of an
/// interrupted pass with the query it was asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PassPlan {
    pub resource: IncrementalResource,
    /// The search query (`None`: everything).
    pub query: Option<String>,
    pub cursor: Option<String>,
    /// The highest `updatedAt`/`createdAt` already accounted for.
    pub watermark: Option<String>,
}

fn plan(
    store: &Store,
    shop_id: &str,
    resource: IncrementalResource,
    options: IncrementalOptions,
) -> Result<PassPlan, StoreError> {
    let saved = store.sync_checkpoint(shop_id, resource.checkpoint_key())?;
    if let Some(saved) = saved.as_ref().filter(|c| c.cursor.is_some()) {
        return Ok(PassPlan {
            resource,
            // An empty query was saved as "".
            query: saved.pass_started_at.clone().filter(|q| !q.is_empty()),
            cursor: saved.cursor.clone(),
            watermark: saved.watermark.clone(),
        });
    }
    // A finished full sync's watermark counts too (it read everything up to there).
    let full_sync_watermark = match resource {
        IncrementalResource::Orders => Some(SyncResource::Orders),
        IncrementalResource::Customers => Some(SyncResource::Customers),
        _ => None,
    }
    .map(|full| store.sync_checkpoint(shop_id, full.as_str()))
    .transpose()?
    .flatten()
    .filter(|c| c.cursor.is_none())
    .and_then(|c| c.watermark);
    let watermark = saved.and_then(|c| c.watermark).max(full_sync_watermark);
    Ok(PassPlan {
        resource,
        query: pass_query(resource, watermark.as_deref(), options.overlap),
        cursor: None,
        watermark,
    })
}

/// The search query of a fresh pass from `watermark`.
pub(crate) fn pass_query(
    resource: IncrementalResource,
    watermark: Option<&str>,
    overlap: Duration,
) -> Option<String> {
    let since = watermark.map(|w| match OffsetDateTime::parse(w, &Rfc3339) {
        Ok(at) => {
            let from = at - overlap;
            match resource {
                // Whole days, one more for the shop's time zone.
                IncrementalResource::Customers => (from - time::Duration::DAY).date().to_string(),
                _ => from.format(&Rfc3339).unwrap_or_else(|_| w.to_string()),
            }
        }
        // Not a timestamp Shopdesk wrote: use it as it is rather than read everything.
        Err(_) => w.to_string(),
    });
    let since = since.map(|s| format!("'{s}'"));
    match resource {
        IncrementalResource::Customers | IncrementalResource::Orders => {
            since.map(|s| format!("updated_at:>={s}"))
        }
        IncrementalResource::DeletedOrders | IncrementalResource::DeletedCustomers => {
            let subject = if resource == IncrementalResource::DeletedOrders {
                "ORDER"
            } else {
                "CUSTOMER"
            };
            let base = format!("subject_type:{subject} action:destroy");
            Some(match since {
                Some(s) => format!("{base} created_at:>={s}"),
                None => base,
            })
        }
    }
}

struct Run<'a, P> {
    client: &'a ShopifyClient,
    shop_id: &'a str,
    rejected: Vec<RejectedRecord>,
    progress: &'a mut P,
}

/// A page of any pass, reduced to what writing it needs.
enum PageRecords {
    Customers(Vec<CustomerRecord>),
    Orders(Vec<OrderRecord>),
    Deletions(Vec<Deletion>),
}

impl<P: FnMut(SyncEvent)> Run<'_, P> {
    async fn fetch(
        &self,
        resource: IncrementalResource,
        query: Option<&str>,
        after: Option<&str>,
    ) -> Result<(PageRecords, Page<()>, Vec<RejectedRecord>), ShopifyError> {
        fn split<T>(page: Page<T>) -> (Vec<T>, Page<()>, Vec<RejectedRecord>) {
            let rest = Page {
                records: Vec::new(),
                rejected: Vec::new(),
                end_cursor: page.end_cursor,
                has_next_page: page.has_next_page,
                max_updated_at: page.max_updated_at,
                requests: page.requests,
            };
            let rejected = page.rejected.into_iter().map(Into::into).collect();
            (page.records, rest, rejected)
        }
        let client = self.client;
        Ok(match resource {
            IncrementalResource::Customers => {
                let page = client
                    .fetch_customers_page(self.shop_id, after, query)
                    .await?;
                let (records, rest, rejected) = split(page);
                (PageRecords::Customers(records), rest, rejected)
            }
            IncrementalResource::Orders => {
                let page = client.fetch_orders_page(self.shop_id, after, query).await?;
                let (records, rest, rejected) = split(page);
                (PageRecords::Orders(records), rest, rejected)
            }
            IncrementalResource::DeletedOrders | IncrementalResource::DeletedCustomers => {
                let page = client
                    .fetch_deletions_page(query.unwrap_or_default(), after)
                    .await?;
                let (records, rest, rejected) = split(page);
                (PageRecords::Deletions(records), rest, rejected)
            }
        })
    }

    async fn pass(
        &mut self,
        store: &mut Store,
        plan: PassPlan,
        total: Option<u64>,
    ) -> Result<IncrementalPassReport, SyncError> {
        let resource = plan.resource;
        let started = Instant::now();
        let mut report = IncrementalPassReport {
            resumed: plan.cursor.is_some(),
            watermark: plan.watermark.clone(),
            ..IncrementalPassReport::default()
        };
        let mut cursor = plan.cursor.clone();
        loop {
            let fetched = self
                .fetch(resource, plan.query.as_deref(), cursor.as_deref())
                .await;
            let (records, page, rejected) = match fetched {
                // A saved cursor Shopify no longer accepts: start this pass's query over, once.
                Err(ShopifyError::GraphQl { message, .. })
                    if report.resumed && report.pages == 0 =>
                {
                    tracing::warn!(%resource, %message, "saved cursor refused; starting the pass over");
                    report.resumed = false;
                    cursor = None;
                    continue;
                }
                result => result?,
            };
            report.watermark = report.watermark.clone().max(page.max_updated_at.clone());
            let finished = !page.has_next_page;
            if !finished && page.end_cursor.is_none() {
                return Err(SyncError::MissingCursor {
                    resource: match resource {
                        IncrementalResource::Customers | IncrementalResource::DeletedCustomers => {
                            SyncResource::Customers
                        }
                        _ => SyncResource::Orders,
                    },
                });
            }
            let checkpoint = SyncCheckpoint {
                shop_id: self.shop_id.to_string(),
                resource: resource.checkpoint_key().to_string(),
                cursor: if finished {
                    None
                } else {
                    page.end_cursor.clone()
                },
                watermark: report.watermark.clone(),
                pass_started_at: (!finished).then(|| plan.query.clone().unwrap_or_default()),
            };
            let written = write(store, resource, records, &checkpoint)?;
            report.pages += 1;
            report.requests += page.requests;
            report.records += written as u64;
            for record in rejected {
                tracing::warn!(record = %record.record, reason = %record.reason, "record skipped");
                self.rejected.push(record);
            }
            let (records_per_second, eta) =
                IncrementalProgress::timing(report.records, total, started.elapsed());
            (self.progress)(SyncEvent::Page(IncrementalProgress {
                resource,
                pages: report.pages,
                records: report.records,
                rejected: self.rejected.len() as u64,
                total,
                records_per_second,
                eta,
                has_more: !finished,
            }));
            if finished {
                return Ok(report);
            }
            cursor = page.end_cursor;
        }
    }
}

/// Writes a page with its checkpoint in one transaction; returns the records written or
/// deleted.
fn write(
    store: &mut Store,
    resource: IncrementalResource,
    records: PageRecords,
    checkpoint: &SyncCheckpoint,
) -> Result<usize, StoreError> {
    match records {
        PageRecords::Customers(customers) => {
            store.upsert_customers_page(&customers, Some(checkpoint))?;
            Ok(customers.len())
        }
        PageRecords::Orders(orders) => {
            store.upsert_orders_page(&orders, Some(checkpoint))?;
            Ok(orders.len())
        }
        PageRecords::Deletions(deletions) => {
            let (subject, kind) = match resource {
                IncrementalResource::DeletedCustomers => ("CUSTOMER", "gid://shopify/Customer/"),
                _ => ("ORDER", "gid://shopify/Order/"),
            };
            let ids: Vec<String> = deletions
                .into_iter()
                .filter(|d| d.subject_type == subject && d.subject_id.starts_with(kind))
                .map(|d| d.subject_id)
                .collect();
            if resource == IncrementalResource::DeletedCustomers {
                store.delete_customers(&ids, Some(checkpoint))
            } else {
                store.delete_orders(&ids, Some(checkpoint))
            }
        }
    }
}

/// With sub-second digits, like the full sync's run ids.
fn now_rfc3339() -> String {
    let now = OffsetDateTime::now_utc();
    now.format(&Rfc3339)
        .unwrap_or_else(|_| now.unix_timestamp_nanos().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_start_an_overlap_before_the_watermark() {
        let five_minutes = Duration::from_secs(300);
        assert_eq!(
            pass_query(
                IncrementalResource::Orders,
                Some("2026-11-28T12:00:00Z"),
                five_minutes
            ),
            Some("updated_at:>='2026-11-28T11:55:00Z'".into())
        );
        // Customers: whole days, one day earlier.
        assert_eq!(
            pass_query(
                IncrementalResource::Customers,
                Some("2026-11-28T00:02:00Z"),
                five_minutes
            ),
            Some("updated_at:>='2026-11-26'".into())
        );
        assert_eq!(
            pass_query(IncrementalResource::Orders, None, five_minutes),
            None
        );
        assert_eq!(
            pass_query(IncrementalResource::DeletedOrders, None, five_minutes),
            Some("subject_type:ORDER action:destroy".into())
        );
        assert_eq!(
            pass_query(
                IncrementalResource::DeletedCustomers,
                Some("2026-11-28T12:00:00Z"),
                five_minutes
            ),
            Some("subject_type:CUSTOMER action:destroy created_at:>='2026-11-28T11:55:00Z'".into())
        );
    }

    #[test]
    fn eta_follows_the_rate() {
        let (rate, eta) = IncrementalProgress::timing(100, Some(300), Duration::from_secs(10));
        assert_eq!(rate, 10.0);
        assert_eq!(eta, Some(Duration::from_secs(20)));
        assert_eq!(
            IncrementalProgress::timing(0, Some(300), Duration::ZERO),
            (0.0, None)
        );
    }
}
