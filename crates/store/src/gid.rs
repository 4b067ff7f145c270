//! Shopify ids at the store's edge. Customers, orders and their children are keyed by the
//! number N of `gid://shopify/<Kind>/N` (INTEGER PRIMARY KEY: see
//! `migrations/20261207_1700_integer_keys.sql`), while everything above the store, the IPC
//! included, keeps speaking gids. Written ids go through [`number`], read ones through [`gid`].

use crate::{Result, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Customer,
    Order,
    LineItem,
    Fulfillment,
    Refund,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Customer => "gid://shopify/Customer/",
            Kind::Order => "gid://shopify/Order/",
            Kind::LineItem => "gid://shopify/LineItem/",
            Kind::Fulfillment => "gid://shopify/Fulfillment/",
            Kind::Refund => "gid://shopify/Refund/",
        }
    }
}

/// `gid://shopify/Order/42` → 42. Only the exact form Shopify sends is taken (digits, no sign,
/// no leading zero), so that [`gid`] gives back the very same text.
pub fn number(kind: Kind, gid: &str) -> Result<i64> {
    gid.strip_prefix(kind.prefix())
        .filter(|n| n.bytes().all(|b| b.is_ascii_digit()) && (*n == "0" || !n.starts_with('0')))
        .and_then(|n| n.parse::<i64>().ok())
        .ok_or_else(|| StoreError::NotAShopifyId {
            id: gid.to_string(),
            expected: kind.prefix(),
        })
}

/// The number to look `gid` up by; `None` for an id no stored record can have (reads find
/// nothing for it instead of failing).
pub(crate) fn lookup(kind: Kind, gid: &str) -> Option<i64> {
    number(kind, gid).ok()
}

/// As [`number`], for an id that may be absent.
pub(crate) fn optional_number(kind: Kind, gid: Option<&str>) -> Result<Option<i64>> {
    gid.map(|gid| number(kind, gid)).transpose()
}

/// 42 → `gid://shopify/Order/42`.
pub(crate) fn gid(kind: Kind, number: i64) -> String {
    format!("{}{number}", kind.prefix())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shopify_id_goes_to_its_number_and_back() {
        let n = number(Kind::Order, "gid://shopify/Order/5830442303672").unwrap();
        assert_eq!(n, 5_830_442_303_672);
        assert_eq!(gid(Kind::Order, n), "gid://shopify/Order/5830442303672");
    }

    #[test]
    fn anything_else_is_refused_with_what_was_expected() {
        for bad in [
            "gid://shopify/Customer/1",
            "gid://shopify/Order/",
            "gid://shopify/Order/abc",
            "gid://shopify/Order/+1",
            "gid://shopify/Order/01",
            "gid://shopify/Order/99999999999999999999",
            "42",
        ] {
            let error = number(Kind::Order, bad).unwrap_err();
            assert!(
                error.to_string().contains(bad) && error.to_string().contains("Order/"),
                "{bad}: {error}"
            );
        }
    }
}
