//! One pass over a resource: every page from the first (or the saved cursor) to the last, each
//! written with its checkpoint in one transaction.

use shopdesk_shopify::{Page, ShopifyClient, ShopifyError};
use shopdesk_store::{CustomerRecord, OrderRecord, Store, StoreError, SyncCheckpoint};

use crate::{PassReport, RejectedRecord, SyncError, SyncProgress, SyncResource};

/// How a resource is fetched and written.
pub(crate) trait PagedResource {
    type Record;
    const RESOURCE: SyncResource;

    async fn fetch(
        client: &ShopifyClient,
        shop_id: &str,
        after: Option<&str>,
    ) -> Result<Page<Self::Record>, ShopifyError>;

    fn write(
        store: &mut Store,
        records: &[Self::Record],
        checkpoint: &SyncCheckpoint,
    ) -> Result<(), StoreError>;
}

pub(crate) struct Customers;
pub(crate) struct Orders;

impl PagedResource for Customers {
    type Record = CustomerRecord;
    const RESOURCE: SyncResource = SyncResource::Customers;

    async fn fetch(
        client: &ShopifyClient,
        shop_id: &str,
        after: Option<&str>,
    ) -> Result<Page<CustomerRecord>, ShopifyError> {
        client.fetch_customers_page(shop_id, after, None).await
    }

    fn write(
        store: &mut Store,
        records: &[CustomerRecord],
        checkpoint: &SyncCheckpoint,
    ) -> Result<(), StoreError> {
        store.upsert_customers_page(records, Some(checkpoint))
    }
}

impl PagedResource for Orders {
    type Record = OrderRecord;
    const RESOURCE: SyncResource = SyncResource::Orders;

    async fn fetch(
        client: &ShopifyClient,
        shop_id: &str,
        after: Option<&str>,
    ) -> Result<Page<OrderRecord>, ShopifyError> {
        client.fetch_orders_page(shop_id, after, None).await
    }

    fn write(
        store: &mut Store,
        records: &[OrderRecord],
        checkpoint: &SyncCheckpoint,
    ) -> Result<(), StoreError> {
        store.upsert_orders_page(records, Some(checkpoint))
    }
}

/// Where a pass begins, from the checkpoint the store holds.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum PassStart {
    /// This run's pass already finished (the run is a resumed one).
    AlreadyDone,
    /// Continue after this cursor.
    Resume { cursor: String },
    /// From the first page.
    Fresh,
}

/// A run of the full sync: new, or continuing an interrupted one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Run {
    /// Identifies the run in every checkpoint it writes (RFC 3339 with sub-second digits,
    /// so two runs never share it).
    pub started_at: String,
    pub continues_interrupted: bool,
}

pub(crate) fn pass_start(saved: Option<&SyncCheckpoint>, run: &Run) -> PassStart {
    let Some(saved) = saved.filter(|_| run.continues_interrupted) else {
        return PassStart::Fresh;
    };
    if saved.pass_started_at.as_deref() != Some(run.started_at.as_str()) {
        // Left by an earlier run: this run has not done it yet.
        return PassStart::Fresh;
    }
    match &saved.cursor {
        Some(cursor) => PassStart::Resume {
            cursor: cursor.clone(),
        },
        None => PassStart::AlreadyDone,
    }
}

/// Runs one pass of `R` as part of `run`.
pub(crate) async fn run_pass<R: PagedResource>(
    client: &ShopifyClient,
    store: &mut Store,
    shop_id: &str,
    run: &Run,
    rejected: &mut Vec<RejectedRecord>,
    progress: &mut impl FnMut(SyncProgress),
) -> Result<PassReport, SyncError> {
    let resource = R::RESOURCE;
    let saved = store.sync_checkpoint(shop_id, resource.as_str())?;
    // The watermark only moves when a pass finishes: an interrupted pass must not make the
    // next incremental sync skip what it never read.
    let previous_watermark = saved.as_ref().and_then(|c| c.watermark.clone());
    let mut report = PassReport::default();
    let mut cursor = match pass_start(saved.as_ref(), run) {
        PassStart::AlreadyDone => {
            report.already_done = true;
            return Ok(report);
        }
        PassStart::Resume { cursor } => {
            report.resumed = true;
            Some(cursor)
        }
        PassStart::Fresh => None,
    };
    let mut max_updated_at: Option<String> = None;
    loop {
        let page = match R::fetch(client, shop_id, cursor.as_deref()).await {
            // A saved cursor Shopify no longer accepts (expired, or the sort changed) would
            // fail every later run: start the pass over instead, once.
            Err(ShopifyError::GraphQl { message, .. }) if report.resumed && report.pages == 0 => {
                tracing::warn!(%resource, %message, "saved cursor refused; starting the pass over");
                report.resumed = false;
                cursor = None;
                continue;
            }
            result => result?,
        };
        max_updated_at = max_updated_at.max(page.max_updated_at.clone());
        let finished = !page.has_next_page;
        if !finished && page.end_cursor.is_none() {
            return Err(SyncError::MissingCursor { resource });
        }
        let checkpoint = SyncCheckpoint {
            shop_id: shop_id.to_string(),
            resource: resource.as_str().to_string(),
            cursor: if finished {
                None
            } else {
                page.end_cursor.clone()
            },
            watermark: if finished {
                // Text order is time order for Shopify's RFC 3339 UTC timestamps.
                previous_watermark.clone().max(max_updated_at.clone())
            } else {
                previous_watermark.clone()
            },
            pass_started_at: Some(run.started_at.clone()),
        };
        R::write(store, &page.records, &checkpoint)?;

        report.pages += 1;
        report.requests += page.requests;
        report.records += page.records.len() as u64;
        for error in page.rejected {
            tracing::warn!(%error, "record skipped");
            rejected.push(error.into());
        }
        progress(SyncProgress {
            resource,
            pages: report.pages,
            records: report.records,
            rejected: rejected.len() as u64,
            has_more: !finished,
        });
        if finished {
            return Ok(report);
        }
        cursor = page.end_cursor;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checkpoint(cursor: Option<&str>, pass_started_at: &str) -> SyncCheckpoint {
        SyncCheckpoint {
            shop_id: "shop".into(),
            resource: "orders".into(),
            cursor: cursor.map(String::from),
            watermark: None,
            pass_started_at: Some(pass_started_at.into()),
        }
    }

    #[test]
    fn an_interrupted_run_resumes_its_own_passes() {
        let run = Run {
            started_at: "2026-11-29T10:00:00.25Z".into(),
            continues_interrupted: true,
        };
        assert_eq!(pass_start(None, &run), PassStart::Fresh);
        assert_eq!(
            pass_start(Some(&checkpoint(Some("c7"), &run.started_at)), &run),
            PassStart::Resume {
                cursor: "c7".into()
            }
        );
        assert_eq!(
            pass_start(Some(&checkpoint(None, &run.started_at)), &run),
            PassStart::AlreadyDone
        );
        // A pass of an earlier run, finished or not, is started over.
        let earlier = "2026-11-28T10:00:00Z";
        assert_eq!(
            pass_start(Some(&checkpoint(None, earlier)), &run),
            PassStart::Fresh
        );
        assert_eq!(
            pass_start(Some(&checkpoint(Some("c7"), earlier)), &run),
            PassStart::Fresh
        );
    }

    #[test]
    fn a_new_run_starts_every_pass_over() {
        let run = Run {
            started_at: "2026-11-29T10:00:00.25Z".into(),
            continues_interrupted: false,
        };
        let same_time = checkpoint(None, &run.started_at);
        assert_eq!(pass_start(Some(&same_time), &run), PassStart::Fresh);
    }
}
