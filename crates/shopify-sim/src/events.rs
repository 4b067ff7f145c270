//! Events, as `events(query:)` serves them: for now the `destroy` events that deleting an
//! order or a customer leaves behind (API-NOTES §3 "Deletions", §10.14), since a deleted
//! record no longer shows up anywhere else.

use serde::Serialize;

use crate::connection::SortValue;
use crate::filter::SearchWarning;
use crate::model::{SchemaEnum, Timestamp};
use crate::search::{compare_number, SearchQuery, Term, TimeRange};

pub const EVENT_ID_BASE: u64 = 3_300_000_000_000;

/// Shopify keeps events for one year.
pub const EVENT_RETENTION_SECONDS: i64 = 365 * 86_400;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Event {
    pub legacy_id: u64,
    pub subject_type: EventSubjectType,
    /// The numeric id of the subject (`gid://shopify/Order/{subject_legacy_id}`).
    pub subject_legacy_id: u64,
    /// `destroy` for a deletion (Shopify's action names are lower-case words).
    pub action: String,
    pub created_at: Timestamp,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EventSubjectType {
    Order,
    Customer,
}

impl SchemaEnum for EventSubjectType {
    const TYPE_NAME: &'static str = "EventSubjectType";
    const ALL: &'static [Self] = &[EventSubjectType::Order, EventSubjectType::Customer];
    fn as_graphql(self) -> &'static str {
        match self {
            EventSubjectType::Order => "ORDER",
            EventSubjectType::Customer => "CUSTOMER",
        }
    }
}

impl EventSubjectType {
    /// The GID kind of the subject (`Order` in `gid://shopify/Order/1`).
    pub fn gid_kind(self) -> &'static str {
        match self {
            EventSubjectType::Order => "Order",
            EventSubjectType::Customer => "Customer",
        }
    }
}

pub struct EventFilter {
    query: SearchQuery,
    now: Timestamp,
}

const EVENT_FIELDS: &[&str] = &["action", "comments", "created_at", "id", "subject_type"];

impl EventFilter {
    pub fn new(query: Option<&str>, now: Timestamp) -> Self {
        EventFilter {
            query: SearchQuery::parse(query.unwrap_or_default()),
            now,
        }
    }

    pub fn warnings(&self) -> Vec<SearchWarning> {
        self.query
            .terms()
            .filter_map(|term| term.field.as_deref())
            .filter(|field| !EVENT_FIELDS.contains(field))
            .map(|field| SearchWarning {
                field: field.to_string(),
                message: "Invalid search field for this query.".into(),
            })
            .collect()
    }

    pub fn matches(&self, event: &Event) -> bool {
        self.query.matches(|term| event_term(event, term, self.now))
    }
}

fn event_term(event: &Event, term: &Term, now: Timestamp) -> Option<bool> {
    let value = term.value.as_str();
    let Some(field) = term.field.as_deref() else {
        return Some(event.message.to_lowercase().contains(&value.to_lowercase()));
    };
    match field {
        "action" => Some(event.action.eq_ignore_ascii_case(value)),
        "subject_type" => Some(event.subject_type.as_graphql().eq_ignore_ascii_case(value)),
        "created_at" => TimeRange::parse(value, now)
            .map(|range| range.compare(term.comparator, event.created_at))
            .or(Some(false)),
        "id" => compare_number(
            term.comparator,
            event.legacy_id.into(),
            value.rsplit('/').next().unwrap_or(value),
        )
        .or(Some(false)),
        // Only BasicEvents exist here: there are no comments to include or leave out.
        "comments" => Some(true),
        _ => None,
    }
}

pub fn event_sort_value(event: &Event, sort_key: &str) -> Option<SortValue> {
    Some(match sort_key {
        "ID" => SortValue::Int(0),
        "CREATED_AT" => SortValue::Int(event.created_at),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn destroy(subject_type: EventSubjectType, created_at: Timestamp) -> Event {
        Event {
            legacy_id: EVENT_ID_BASE + 1,
            subject_type,
            subject_legacy_id: 42,
            action: "destroy".into(),
            created_at,
            message: "Order #1001 was deleted.".into(),
        }
    }

    #[test]
    fn filters_by_subject_action_and_time() {
        let event = destroy(EventSubjectType::Order, 1_795_867_200);
        let filter = |q: &str| EventFilter::new(Some(q), 0).matches(&event);
        assert!(filter("subject_type:ORDER action:destroy"));
        assert!(filter("subject_type:order AND action:DESTROY"));
        assert!(!filter("subject_type:CUSTOMER action:destroy"));
        assert!(!filter("action:create"));
        assert!(filter("created_at:>='2026-11-28T12:00:00Z'"));
        assert!(!filter("created_at:>'2026-11-28T12:00:00Z'"));
        assert!(filter("created_at:>=2026-11-28"));
        assert!(EventFilter::new(Some("verb:x"), 0).warnings().len() == 1);
    }
}
