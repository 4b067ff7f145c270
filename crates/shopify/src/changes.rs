//! What an incremental sync needs besides pages of records: the `destroy` events of deleted
//! orders and customers, and counts for progress.

use crate::mapping::enum_text;
use crate::queries::deletion_events_page::DeletionEventsPageEventsNodesOn as EventKind;
use crate::queries::{deletion_events_page, sync_counts, DeletionEventsPage, SyncCounts};
use crate::{Page, ShopifyClient, ShopifyError};

/// Events per DeletionEventsPage request (2 + 250 x 1 = 252 points).
pub const EVENTS_PAGE_SIZE: i64 = 250;

/// A record Shopify deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deletion {
    /// The event's own id.
    pub event_id: String,
    /// The deleted record: `gid://shopify/Order/1`.
    pub subject_id: String,
    /// `ORDER`, `CUSTOMER`, ...
    pub subject_type: String,
    pub deleted_at: String,
}

/// Orders and customers matching a sync's queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncCountsReport {
    pub orders: u64,
    pub customers: u64,
}

impl ShopifyClient {
    /// A page of deletion events matching `query` (Shopify search syntax, e.g.
    /// `subject_type:ORDER action:destroy created_at:>='2026-11-20T10:00:00Z'`), oldest first.
    /// `max_updated_at` of the page is the newest event's `createdAt`.
    pub async fn fetch_deletions_page(
        &self,
        query: &str,
        after: Option<&str>,
    ) -> Result<Page<Deletion>, ShopifyError> {
        let variables = deletion_events_page::Variables {
            query: query.to_string(),
            after: after.map(str::to_owned),
        };
        let Some(connection) = self.execute::<DeletionEventsPage>(variables).await?.events else {
            return Ok(Page::empty(None, false));
        };
        let mut page = Page::empty(
            connection.page_info.end_cursor,
            connection.page_info.has_next_page,
        );
        for node in connection.nodes {
            page.saw_updated_at(&node.created_at);
            // Comment events are not deletions; the query asks for `action:destroy` anyway.
            if let EventKind::BasicEvent(basic) = node.on {
                if node.action == "destroy" {
                    page.records.push(Deletion {
                        event_id: node.id,
                        subject_id: basic.subject_id,
                        subject_type: enum_text(&basic.subject_type),
                        deleted_at: node.created_at,
                    });
                }
            }
        }
        Ok(page)
    }

    /// How many orders and customers match the two queries (`None`: all).
    pub async fn count_for_sync(
        &self,
        orders_query: Option<&str>,
        customers_query: Option<&str>,
    ) -> Result<SyncCountsReport, ShopifyError> {
        let variables = sync_counts::Variables {
            orders_query: orders_query.map(str::to_owned),
            customers_query: customers_query.map(str::to_owned),
        };
        let data = self.execute::<SyncCounts>(variables).await?;
        let count = |value: Option<i64>| value.map_or(0, |n| n.max(0) as u64);
        Ok(SyncCountsReport {
            orders: count(data.orders_count.map(|c| c.count)),
            customers: count(data.customers_count.map(|c| c.count)),
        })
    }
}
