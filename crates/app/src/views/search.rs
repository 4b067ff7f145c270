//! What the search box receives.

use serde::Serialize;
use ts_rs::TS;

/// What matched: a message of a ticket, a customer, or an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum SearchKindView {
    Message,
    Customer,
    Order,
}

/// One search result. Every hit leads to a ticket: a message hit to its ticket, a customer or
/// order hit to that customer's latest ticket (`ticketId` is null when they have none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SearchHitView {
    pub kind: SearchKindView,
    /// The message id as text, or the customer/order GID.
    pub id: String,
    /// The message's subject, the customer's name, or the order's name.
    pub title: String,
    #[ts(type = "number | null")]
    pub ticket_id: Option<i64>,
}

/// What the search box receives: the hits, and whether order and customer hits may be missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SearchResultsView {
    pub hits: Vec<SearchHitView>,
    /// The search index of orders and customers is being rebuilt (a bulk import is running or
    /// was interrupted): order and customer hits may be missing. Messages are always searched
    /// in full.
    pub index_rebuilding: bool,
    /// What the search box says while `index_rebuilding`, as a sentence.
    pub notice: Option<String>,
}
