//! Searching messages, customers and orders (the store's FTS5 indexes); every hit is tied to
//! the ticket it opens.

use shopdesk_store::{SearchKind, Store};

use crate::views::{SearchHitView, SearchKindView, SearchResultsView};
use crate::{App, AppError};

/// How many hits of each kind the store returns.
const SEARCH_LIMIT: u32 = 50;
/// How many recent tickets are looked through for a customer's latest one.
const RECENT_TICKETS: u32 = 2_000;

/// What the search box says while the order and customer index is rebuilt.
pub const INDEX_REBUILDING_NOTICE: &str = "Order and customer results may be incomplete while \
     Shopdesk rebuilds their search index after the store import. Messages are searched in full.";

impl App {
    /// [`App::search`], and whether order and customer hits may be missing because their
    /// search index is being rebuilt (during and after a bulk import, until it finishes).
    pub fn search_results(&self, query: &str) -> Result<SearchResultsView, AppError> {
        let hits = self.search(query)?;
        let index_rebuilding = !query.trim().is_empty() && self.search_index_rebuilding()?;
        Ok(SearchResultsView {
            hits,
            index_rebuilding,
            notice: index_rebuilding.then(|| INDEX_REBUILDING_NOTICE.to_string()),
        })
    }

    /// The store set the order and customer indexes aside for an import that has not
    /// finished, or the sync is importing with them set aside.
    pub fn search_index_rebuilding(&self) -> Result<bool, AppError> {
        Ok(self.store()?.search_index_rebuilding()? || self.sync_status().search_rebuilding)
    }

    /// Messages, customers and orders matching `query` (each word a prefix), best first.
    /// Message hits are de-duplicated by ticket; customer and order hits carry the customer's
    /// latest ticket. An empty query finds nothing.
    pub fn search(&self, query: &str) -> Result<Vec<SearchHitView>, AppError> {
        let store = self.store()?;
        let hits = store.search(query, SEARCH_LIMIT)?;
        if hits.is_empty() {
            return Ok(Vec::new());
        }
        let recent = store.list_tickets(RECENT_TICKETS)?;
        let mut seen_tickets = Vec::new();
        let mut out = Vec::new();
        for hit in hits {
            let (kind, ticket_id) = match hit.kind {
                SearchKind::Message => {
                    let Some(ticket_id) = hit.ticket_id else {
                        continue;
                    };
                    if seen_tickets.contains(&ticket_id) {
                        continue;
                    }
                    seen_tickets.push(ticket_id);
                    (SearchKindView::Message, Some(ticket_id))
                }
                SearchKind::Customer => (
                    SearchKindView::Customer,
                    latest_ticket_of(&store, &recent, Some(&hit.id))?,
                ),
                SearchKind::Order => {
                    let customer = store.order(&hit.id)?.and_then(|o| o.customer_id);
                    (
                        SearchKindView::Order,
                        latest_ticket_of(&store, &recent, customer.as_deref())?,
                    )
                }
            };
            out.push(SearchHitView {
                kind,
                id: hit.id,
                title: hit.title,
                ticket_id,
            });
        }
        Ok(out)
    }
}

/// The customer's most recent ticket among `recent` (newest first), matched by customer id or
/// by the customer's address.
fn latest_ticket_of(
    store: &Store,
    recent: &[shopdesk_store::TicketSummaryRow],
    customer_id: Option<&str>,
) -> Result<Option<i64>, AppError> {
    let Some(customer_id) = customer_id else {
        return Ok(None);
    };
    let email = store
        .customer(customer_id)?
        .and_then(|c| c.email)
        .map(|e| e.to_ascii_lowercase());
    Ok(recent
        .iter()
        .find(|row| {
            row.ticket.customer_id.as_deref() == Some(customer_id)
                || email
                    .as_deref()
                    .is_some_and(|e| row.ticket.customer_email.eq_ignore_ascii_case(e))
        })
        .map(|row| row.ticket.id))
}
