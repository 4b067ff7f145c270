//! Search filters and sort keys for orders and customers, as Shopify documents them for the
//! `query:` and `sortKey:` arguments.

use crate::connection::SortValue;
use crate::model::{Customer, Order, SchemaEnum, ShopState, Timestamp};
use crate::search::{compare_number, SearchQuery, Term, TimeRange};

/// A search term the simulator does not understand; Shopify ignores such terms and says so in
/// `extensions.search[].warnings`.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchWarning {
    pub field: String,
    pub message: String,
}

pub struct OrderFilter {
    query: SearchQuery,
    now: Timestamp,
}

impl OrderFilter {
    pub fn new(query: Option<&str>, now: Timestamp) -> Self {
        OrderFilter {
            query: SearchQuery::parse(query.unwrap_or_default()),
            now,
        }
    }

    pub fn warnings(&self) -> Vec<SearchWarning> {
        unknown_fields(&self.query, |field| ORDER_FIELDS.contains(&field))
    }

    pub fn matches(&self, state: &ShopState, order: &Order) -> bool {
        self.query
            .matches(|term| order_term(state, order, term, self.now))
    }
}

const ORDER_FIELDS: &[&str] = &[
    "created_at",
    "updated_at",
    "processed_at",
    "customer_id",
    "email",
    "name",
    "status",
    "financial_status",
    "fulfillment_status",
    "id",
    "tag",
    "tag_not",
    "test",
    "sku",
];

fn order_term(state: &ShopState, order: &Order, term: &Term, now: Timestamp) -> Option<bool> {
    let value = term.value.as_str();
    let Some(field) = term.field.as_deref() else {
        return Some(order_default_text(state, order, value));
    };
    let time = |at: Timestamp| TimeRange::parse(value, now).map(|r| r.compare(term.comparator, at));
    match field {
        "created_at" => time(order.created_at).or(Some(false)),
        "updated_at" => time(order.updated_at).or(Some(false)),
        "processed_at" => time(order.processed_at).or(Some(false)),
        "id" => compare_number(term.comparator, order.legacy_id.into(), value).or(Some(false)),
        "customer_id" => {
            let customer_id = order
                .customer
                .and_then(|index| state.customer_at(index))
                .map(|customer| customer.legacy_id);
            Some(customer_id.is_some_and(|id| id.to_string() == strip_gid(value)))
        }
        "email" => Some(email_matches(order.email.as_deref(), value)),
        "name" => {
            let wanted = value.trim_start_matches('#');
            Some(wanted == order.number.to_string())
        }
        "status" => Some(match value.to_ascii_lowercase().as_str() {
            "open" => order.closed_at.is_none() && order.cancelled_at.is_none(),
            "closed" => order.closed_at.is_some(),
            "cancelled" => order.cancelled_at.is_some(),
            "not_closed" => order.closed_at.is_none(),
            "any" => true,
            _ => false,
        }),
        "financial_status" => Some(
            value.eq_ignore_ascii_case("any")
                || order
                    .financial_status()
                    .as_graphql()
                    .eq_ignore_ascii_case(value),
        ),
        "fulfillment_status" => {
            let status = order.fulfillment_status().as_graphql();
            Some(match value.to_ascii_lowercase().as_str() {
                "shipped" | "fulfilled" => status == "FULFILLED",
                "partial" => status == "PARTIALLY_FULFILLED",
                "unshipped" | "unfulfilled" => status == "UNFULFILLED",
                "any" => true,
                other => status.eq_ignore_ascii_case(other),
            })
        }
        "tag" => Some(tags_match(&order.tags, value)),
        "tag_not" => Some(!tags_match(&order.tags, value)),
        "test" => Some(value.eq_ignore_ascii_case(if order.test { "true" } else { "false" })),
        "sku" => Some(order.line_items.iter().any(|line| {
            state
                .variant(line.product, line.variant)
                .is_some_and(|(_, variant)| variant.sku.eq_ignore_ascii_case(value))
        })),
        _ => None,
    }
}

fn order_default_text(state: &ShopState, order: &Order, value: &str) -> bool {
    let needle = value.to_lowercase();
    if order.name().to_lowercase() == needle || order.number.to_string() == needle {
        return true;
    }
    let customer_name = order
        .customer
        .and_then(|index| state.customer_at(index))
        .map(|customer| customer.display_name().to_lowercase());
    order
        .email
        .as_deref()
        .is_some_and(|email| email.to_lowercase().contains(&needle))
        || customer_name.is_some_and(|name| name.contains(&needle))
}

pub struct CustomerFilter {
    query: SearchQuery,
    now: Timestamp,
}

impl CustomerFilter {
    pub fn new(query: Option<&str>, now: Timestamp) -> Self {
        CustomerFilter {
            query: SearchQuery::parse(query.unwrap_or_default()),
            now,
        }
    }

    pub fn warnings(&self) -> Vec<SearchWarning> {
        unknown_fields(&self.query, |field| CUSTOMER_FIELDS.contains(&field))
    }

    pub fn matches(&self, state: &ShopState, customer: &Customer) -> bool {
        self.query
            .matches(|term| customer_term(state, customer, term, self.now))
    }
}

const CUSTOMER_FIELDS: &[&str] = &[
    "created_at",
    "customer_date",
    "updated_at",
    "email",
    "id",
    "first_name",
    "last_name",
    "phone",
    "state",
    "tag",
    "tag_not",
    "orders_count",
    "country",
];

fn customer_term(
    state: &ShopState,
    customer: &Customer,
    term: &Term,
    now: Timestamp,
) -> Option<bool> {
    let value = term.value.as_str();
    let Some(field) = term.field.as_deref() else {
        let needle = value.to_lowercase();
        return Some(
            customer.display_name().to_lowercase().contains(&needle)
                || customer
                    .email
                    .as_deref()
                    .is_some_and(|email| email.to_lowercase().contains(&needle))
                || customer
                    .phone
                    .as_deref()
                    .is_some_and(|phone| phone.contains(value)),
        );
    };
    let time_range = TimeRange::parse(value, now);
    match field {
        "created_at" | "customer_date" => time_range
            .map(|r| r.compare(term.comparator, customer.created_at))
            .or(Some(false)),
        // Shopify documents this filter as "matching a whole day".
        "updated_at" => time_range
            .map(|r| r.whole_days().compare(term.comparator, customer.updated_at))
            .or(Some(false)),
        "id" => compare_number(term.comparator, customer.legacy_id.into(), value).or(Some(false)),
        "email" => Some(email_matches(customer.email.as_deref(), value)),
        "first_name" => Some(customer.first_name.to_lowercase() == value.to_lowercase()),
        "last_name" => Some(customer.last_name.to_lowercase() == value.to_lowercase()),
        "phone" => Some(match customer.phone.as_deref() {
            Some(_) if value == "*" => true,
            Some(phone) => phone == value,
            None => false,
        }),
        "state" => Some(customer.state.as_graphql().eq_ignore_ascii_case(value)),
        "tag" => Some(tags_match(&customer.tags, value)),
        "tag_not" => Some(!tags_match(&customer.tags, value)),
        "orders_count" => {
            let count = state.number_of_orders(customer);
            compare_number(term.comparator, count.into(), value).or(Some(false))
        }
        "country" => Some(customer.default_address.as_ref().is_some_and(|address| {
            address.country.eq_ignore_ascii_case(value)
                || address.country_code.eq_ignore_ascii_case(value)
        })),
        _ => None,
    }
}

fn unknown_fields(query: &SearchQuery, known: impl Fn(&str) -> bool) -> Vec<SearchWarning> {
    query
        .terms()
        .filter_map(|term| term.field.as_deref())
        .filter(|field| !known(field))
        .map(|field| SearchWarning {
            field: field.to_string(),
            message: "Invalid search field for this query.".into(),
        })
        .collect()
}

fn strip_gid(value: &str) -> &str {
    value.rsplit('/').next().unwrap_or(value)
}

/// `email:` is tokenized in Shopify: an exact address, `*` (has one), or a token of it
/// (`email:example.com`).
fn email_matches(email: Option<&str>, value: &str) -> bool {
    let Some(email) = email else {
        return false;
    };
    if value == "*" {
        return true;
    }
    let email = email.to_lowercase();
    let value = value.to_lowercase();
    email == value
        || email.split_once('@').is_some_and(|(local, domain)| {
            local == value || domain == value || domain.ends_with(&format!(".{value}"))
        })
}

fn tags_match(tags: &[String], value: &str) -> bool {
    value
        .split(',')
        .map(str::trim)
        .any(|wanted| tags.iter().any(|tag| tag.eq_ignore_ascii_case(wanted)))
}

/// The value an order sorts by for a `sortKey`; `None` for a sort key the simulator does not
/// implement (answered with an error naming it).
pub fn order_sort_value(state: &ShopState, order: &Order, sort_key: &str) -> Option<SortValue> {
    Some(match sort_key {
        "PROCESSED_AT" => SortValue::Int(order.processed_at),
        "CREATED_AT" => SortValue::Int(order.created_at),
        "UPDATED_AT" => SortValue::Int(order.updated_at),
        "ID" | "RELEVANCE" => SortValue::Int(0),
        "ORDER_NUMBER" => SortValue::Int(order.number.into()),
        "TOTAL_PRICE" => SortValue::Decimal(order.total_price()),
        "CURRENT_TOTAL_PRICE" => SortValue::Decimal(order.total_price() - order.total_refunded()),
        "CUSTOMER_NAME" => SortValue::Text(
            order
                .customer
                .and_then(|index| state.customer_at(index))
                .map(|customer| customer.display_name().to_lowercase())
                .unwrap_or_default(),
        ),
        "FINANCIAL_STATUS" => SortValue::Text(order.financial_status().as_graphql().into()),
        "FULFILLMENT_STATUS" => SortValue::Text(order.fulfillment_status().as_graphql().into()),
        "TOTAL_ITEMS_QUANTITY" => {
            SortValue::Int(order.line_items.iter().map(|l| i64::from(l.quantity)).sum())
        }
        _ => return None,
    })
}

pub fn customer_sort_value(customer: &Customer, sort_key: &str) -> Option<SortValue> {
    Some(match sort_key {
        "ID" | "RELEVANCE" => SortValue::Int(0),
        "CREATED_AT" => SortValue::Int(customer.created_at),
        "UPDATED_AT" => SortValue::Int(customer.updated_at),
        "NAME" => SortValue::Text(customer.display_name().to_lowercase()),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Comparator;

    #[test]
    fn email_tokens() {
        assert!(email_matches(
            Some("Zoe.Dubois@orange.example"),
            "zoe.dubois@orange.example"
        ));
        assert!(email_matches(Some("zoe@orange.example"), "orange.example"));
        assert!(email_matches(Some("zoe@orange.example"), "*"));
        assert!(!email_matches(Some("zoe@orange.example"), "zo"));
        assert!(!email_matches(None, "*"));
    }

    #[test]
    fn comparator_on_numbers() {
        assert_eq!(compare_number(Comparator::Ge, 5, "5"), Some(true));
        assert_eq!(compare_number(Comparator::Gt, 5, "5"), Some(false));
        assert_eq!(compare_number(Comparator::Eq, 5, "x"), None);
    }
}
