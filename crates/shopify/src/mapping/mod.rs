//! From the generated response types to the store's records.
//!
//! The mapping lives in the client crate, beside the types it reads: every caller that fetches
//! orders or customers (the full sync, a ticket's refresh, later incremental sync and the
//! answers of mutations) gets the same records and the same checks, and the sync crate
//! stays about pagination and checkpoints.
//!
//! A record that cannot be mapped (unknown currency, missing required value, amounts in
//! mixed currencies) is a [`MappingError`] naming it; Shopify's enums are kept as the text
//! Shopify sent, so a value added in a later API version still maps.

mod customer;
mod order;
mod shop;

use serde::de::DeserializeOwned;
use serde::Serialize;
use shopdesk_money::{Currency, Money};
use shopdesk_store::{id_number, IdKind};

pub use customer::customer_record;
pub(crate) use order::line_item_record;
pub use order::order_record;
pub use shop::shop_record;

/// A record from Shopify that Shopdesk cannot store.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Shopify sent {record} that Shopdesk cannot read: {reason}")]
pub struct MappingError {
    /// What it is, for a person: `order #1001 (gid://shopify/Order/1)`.
    pub record: String,
    pub reason: String,
}

impl MappingError {
    pub(crate) fn new(record: impl Into<String>, reason: impl Into<String>) -> Self {
        MappingError {
            record: record.into(),
            reason: reason.into(),
        }
    }
}

/// The text of a generated enum value, as Shopify sent it (`PARTIALLY_REFUNDED`, or an
/// unknown value kept in the enum's `Other(String)`).
pub(crate) fn enum_text<T: Serialize>(value: &T) -> String {
    // The generated enums serialize to a plain string; nothing else can come out.
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(e) => format!("<unprintable: {e}>"),
    }
}

/// Whether the store can key a record by `id` (Shopify's `gid://shopify/<Kind>/<number>`).
pub(crate) fn check_id(kind: IdKind, id: &str) -> Result<(), String> {
    id_number(kind, id).map(|_| ()).map_err(|e| e.to_string())
}

pub(crate) fn currency(code: &impl Serialize) -> Result<Currency, String> {
    let text = enum_text(code);
    text.parse()
        .map_err(|_| format!("unknown currency \"{text}\""))
}

/// A `MoneyV2 { amount currencyCode }` (each document has its own generated type for it).
pub(crate) fn money(amount: &str, currency_code: &impl Serialize) -> Result<Money, String> {
    Money::parse(amount, &enum_text(currency_code)).map_err(|e| e.to_string())
}

/// The documents share fragments (tests/documents.rs keeps every copy identical), so the
/// types graphql_client generates for them in different modules have the same JSON shape;
/// this converts one into the other so that one mapping serves every document.
pub(crate) fn same_fragment<From: Serialize, To: DeserializeOwned>(
    value: &From,
) -> Result<To, serde_json::Error> {
    serde_json::to_value(value).and_then(serde_json::from_value)
}

#[cfg(test)]
mod tests;
