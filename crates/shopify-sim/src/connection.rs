//! Relay connections as Shopify serves them: `first`/`last` (one of them, at most 250),
//! `after`/`before` opaque cursors, `reverse`, and an accurate `pageInfo`.
//!
//! Cursors are base64 of `{"last_id":..,"last_value":..}` like Shopify's, so a cursor keeps
//! working when the item it points at no longer matches the query: paging resumes at the
//! position of its sort value.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Shopify's maximum page size for every connection.
pub const MAX_PAGE_SIZE: i64 = 250;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SortValue {
    Int(i64),
    Decimal(Decimal),
    Text(String),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConnectionArgs {
    pub first: Option<i64>,
    pub last: Option<i64>,
    pub after: Option<String>,
    pub before: Option<String>,
    pub reverse: bool,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConnectionError {
    #[error("you must provide one of first or last")]
    MissingFirstOrLast,
    #[error("Passing both `first` and `last` to paginate the `{0}` connection is not supported.")]
    BothFirstAndLast(String),
    // Wording not confirmed against a live shop; the limit itself is documented.
    #[error("The `{argument}` argument on the `{connection}` connection must be between 0 and {MAX_PAGE_SIZE}, got {value}.")]
    PageSize {
        argument: &'static str,
        connection: String,
        value: i64,
    },
    #[error("Invalid cursor for current pagination sort.")]
    InvalidCursor,
}

#[derive(Debug, Serialize, Deserialize)]
struct CursorPayload {
    last_id: u64,
    last_value: SortValue,
}

pub fn encode_cursor(id: u64, value: &SortValue) -> String {
    let payload = CursorPayload {
        last_id: id,
        last_value: value.clone(),
    };
    // Serializing a plain struct of integers, decimals and strings cannot fail.
    let json = serde_json::to_vec(&payload).unwrap_or_default();
    BASE64.encode(json)
}

fn decode_cursor(cursor: &str) -> Result<(SortValue, u64), ConnectionError> {
    let bytes = BASE64
        .decode(cursor.trim())
        .map_err(|_| ConnectionError::InvalidCursor)?;
    let payload: CursorPayload =
        serde_json::from_slice(&bytes).map_err(|_| ConnectionError::InvalidCursor)?;
    Ok((payload.last_value, payload.last_id))
}

impl ConnectionArgs {
    pub fn validate(&self, connection: &str) -> Result<(), ConnectionError> {
        match (self.first, self.last) {
            (None, None) => return Err(ConnectionError::MissingFirstOrLast),
            (Some(_), Some(_)) => {
                return Err(ConnectionError::BothFirstAndLast(connection.to_string()))
            }
            _ => {}
        }
        for (argument, value) in [("first", self.first), ("last", self.last)] {
            if let Some(value) = value.filter(|v| !(0..=MAX_PAGE_SIZE).contains(v)) {
                return Err(ConnectionError::PageSize {
                    argument,
                    connection: connection.to_string(),
                    value,
                });
            }
        }
        Ok(())
    }
}

pub struct Page<T> {
    /// (cursor, item) in page order.
    pub items: Vec<(String, T)>,
    pub has_next_page: bool,
    pub has_previous_page: bool,
}

/// Sorts `entries` by (sort value, id), applies `reverse`, the cursors and the page size.
pub fn paginate<T>(
    mut entries: Vec<(SortValue, u64, T)>,
    args: &ConnectionArgs,
    connection: &str,
) -> Result<Page<T>, ConnectionError> {
    args.validate(connection)?;
    entries.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    if args.reverse {
        entries.reverse();
    }
    // `is_after(x, c)`: x comes after cursor position c in the requested order.
    let is_after = |value: &SortValue, id: u64, cursor: &(SortValue, u64)| {
        let ordering = (value, id).cmp(&(&cursor.0, cursor.1));
        if args.reverse {
            ordering.is_lt()
        } else {
            ordering.is_gt()
        }
    };
    let mut start = 0;
    let mut end = entries.len();
    if let Some(after) = &args.after {
        let cursor = decode_cursor(after)?;
        start = entries.partition_point(|(value, id, _)| !is_after(value, *id, &cursor));
    }
    if let Some(before) = &args.before {
        let cursor = decode_cursor(before)?;
        end = entries.partition_point(|(value, id, _)| {
            !is_after(value, *id, &cursor) && (value, *id) != (&cursor.0, cursor.1)
        });
    }
    let end = end.max(start);
    let (page_start, page_end) = match (args.first, args.last) {
        (Some(first), _) => (start, (start + first.max(0) as usize).min(end)),
        (_, Some(last)) => (end.saturating_sub(last.max(0) as usize).max(start), end),
        (None, None) => (start, end),
    };
    let has_previous_page = page_start > 0;
    let has_next_page = page_end < entries.len();
    let items = entries
        .drain(page_start..page_end)
        .map(|(value, id, item)| (encode_cursor(id, &value), item))
        .collect();
    Ok(Page {
        items,
        has_next_page,
        has_previous_page,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(n: u64) -> Vec<(SortValue, u64, u64)> {
        (1..=n)
            .map(|id| (SortValue::Int((id % 3) as i64), id, id))
            .collect()
    }

    fn args(first: Option<i64>, last: Option<i64>) -> ConnectionArgs {
        ConnectionArgs {
            first,
            last,
            ..ConnectionArgs::default()
        }
    }

    #[test]
    fn forward_pagination_visits_each_item_once() {
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page_args = ConnectionArgs {
                after: after.clone(),
                ..args(Some(4), None)
            };
            let page = paginate(entries(10), &page_args, "orders").unwrap();
            seen.extend(page.items.iter().map(|(_, id)| *id));
            after = page.items.last().map(|(cursor, _)| cursor.clone());
            if !page.has_next_page {
                break;
            }
            assert!(page.items.len() == 4);
        }
        let mut sorted = seen.clone();
        sorted.sort();
        assert_eq!(sorted, (1..=10).collect::<Vec<_>>());
        // Sorted by value, then id.
        assert_eq!(&seen[..4], &[3, 6, 9, 1]);
    }

    #[test]
    fn last_and_before_page_backwards() {
        let page = paginate(entries(10), &args(None, Some(3)), "orders").unwrap();
        let ids: Vec<u64> = page.items.iter().map(|(_, id)| *id).collect();
        assert_eq!(ids, vec![2, 5, 8]);
        assert!(page.has_previous_page);
        assert!(!page.has_next_page);
        let before = ConnectionArgs {
            before: Some(page.items[0].0.clone()),
            ..args(None, Some(2))
        };
        let previous = paginate(entries(10), &before, "orders").unwrap();
        let ids: Vec<u64> = previous.items.iter().map(|(_, id)| *id).collect();
        assert_eq!(ids, vec![7, 10]);
        assert!(previous.has_next_page);
    }

    #[test]
    fn reverse_inverts_order() {
        let page = paginate(
            entries(5),
            &ConnectionArgs {
                reverse: true,
                ..args(Some(2), None)
            },
            "orders",
        )
        .unwrap();
        let ids: Vec<u64> = page.items.iter().map(|(_, id)| *id).collect();
        assert_eq!(ids, vec![5, 2]);
    }

    #[test]
    fn argument_rules() {
        assert_eq!(
            paginate(entries(1), &args(None, None), "orders").err(),
            Some(ConnectionError::MissingFirstOrLast)
        );
        assert!(matches!(
            paginate(entries(1), &args(Some(251), None), "orders").err(),
            Some(ConnectionError::PageSize { value: 251, .. })
        ));
        assert!(paginate(entries(1), &args(Some(250), None), "orders").is_ok());
        assert!(matches!(
            paginate(entries(1), &args(Some(1), Some(1)), "orders").err(),
            Some(ConnectionError::BothFirstAndLast(_))
        ));
        let bad_cursor = ConnectionArgs {
            after: Some("not a cursor".into()),
            ..args(Some(1), None)
        };
        assert_eq!(
            paginate(entries(1), &bad_cursor, "orders").err(),
            Some(ConnectionError::InvalidCursor)
        );
    }
}
