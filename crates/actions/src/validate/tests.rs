//! Money arithmetic in currencies with 0, 2 and 3 decimals, and the shape checks.

use super::*;
use crate::types::{RefundLineRequest, ShippingRefund};

fn money(amount: &str, currency: &str) -> Money {
    Money::parse(amount, currency).unwrap()
}

fn refund(lines: Vec<(&str, i64)>, shipping: ShippingRefund) -> ActionRequest {
    ActionRequest::Refund(RefundRequest {
        order_id: "gid://shopify/Order/1".into(),
        lines: lines
            .into_iter()
            .map(|(id, quantity)| RefundLineRequest {
                line_item_id: id.into(),
                quantity,
                restock: true,
            })
            .collect(),
        restock_location_id: None,
        shipping,
        reason: "damaged".into(),
        note: None,
        notify: false,
        confirmed_total: None,
    })
}

#[test]
fn amounts_must_fit_the_currency_minor_units() {
    assert!(fits_minor_units(&money("1500", "JPY")).is_ok());
    assert!(fits_minor_units(&money("1500.5", "JPY")).is_err());
    assert!(fits_minor_units(&money("24.90", "EUR")).is_ok());
    assert!(fits_minor_units(&money("24.905", "EUR")).is_err());
    assert!(fits_minor_units(&money("1.250", "KWD")).is_ok());
    assert!(fits_minor_units(&money("1.2505", "KWD")).is_err());
}

#[test]
fn equal_amounts_compare_at_the_minor_unit() {
    assert!(same_amount(&money("24.9", "EUR"), &money("24.90", "EUR")));
    assert!(!same_amount(&money("24.90", "EUR"), &money("24.91", "EUR")));
    assert!(same_amount(&money("1500", "JPY"), &money("1500.0", "JPY")));
    assert!(!same_amount(&money("1.250", "KWD"), &money("1.251", "KWD")));
    assert!(!same_amount(&money("10", "EUR"), &money("10", "USD")));
}

#[test]
fn the_limit_is_exceeded_only_strictly_and_in_its_currency() {
    let limit = money("100.00", "EUR");
    assert!(!exceeds_limit(&money("100.00", "EUR"), Some(&limit)));
    assert!(exceeds_limit(&money("100.01", "EUR"), Some(&limit)));
    assert!(exceeds_limit(&money("1", "USD"), Some(&limit)));
    assert!(!exceeds_limit(&money("1000000", "JPY"), None));
    let yen = money("10000", "JPY");
    assert!(exceeds_limit(&money("10001", "JPY"), Some(&yen)));
    let dinar = money("50.000", "KWD");
    assert!(!exceeds_limit(&money("49.999", "KWD"), Some(&dinar)));
    assert!(exceeds_limit(&money("50.001", "KWD"), Some(&dinar)));
}

#[test]
fn line_totals_add_up_exactly() {
    // 3 x 8.30 EUR + 4.95 shipping, and the same in 0- and 3-decimal currencies.
    let eur = money("8.30", "EUR")
        .times(3)
        .checked_add(money("4.95", "EUR"));
    assert_eq!(eur.unwrap().to_string(), "29.85 EUR");
    let jpy = money("1200", "JPY")
        .times(3)
        .checked_add(money("500", "JPY"));
    assert_eq!(jpy.unwrap().to_string(), "4100 JPY");
    let kwd = money("2.125", "KWD")
        .times(3)
        .checked_add(money("0.750", "KWD"));
    assert_eq!(kwd.unwrap().to_string(), "7.125 KWD");
    assert!(money("1", "EUR").checked_add(money("1", "KWD")).is_err());
}

#[test]
fn bad_shapes_are_refused_before_anything_is_written() {
    assert_eq!(
        shape(&refund(vec![], ShippingRefund::None)),
        Err(InvalidRequest::NothingSelected)
    );
    assert!(matches!(
        shape(&refund(vec![("a", 0)], ShippingRefund::None)),
        Err(InvalidRequest::ZeroQuantity { .. })
    ));
    assert!(matches!(
        shape(&refund(vec![("a", -2)], ShippingRefund::None)),
        Err(InvalidRequest::ZeroQuantity { .. })
    ));
    assert!(matches!(
        shape(&refund(vec![("a", 1), ("a", 1)], ShippingRefund::None)),
        Err(InvalidRequest::DuplicateLine { .. })
    ));
    assert!(matches!(
        shape(&refund(
            vec![],
            ShippingRefund::Amount(money("-1.00", "EUR"))
        )),
        Err(InvalidRequest::Amount(_))
    ));
    assert!(matches!(
        shape(&refund(
            vec![],
            ShippingRefund::Amount(money("1.005", "EUR"))
        )),
        Err(InvalidRequest::Amount(_))
    ));
    assert!(shape(&refund(vec![("a", 2)], ShippingRefund::Full)).is_ok());
}

#[test]
fn a_currency_mismatch_names_both_currencies() {
    let error = same_currency(&money("5.00", "USD"), "EUR".parse().unwrap(), "#1001");
    assert_eq!(
        error.unwrap_err().to_string(),
        "The amount is in USD but order #1001 is in EUR; enter the amount in EUR."
    );
}
