//! Mapping of single records, built from the JSON shapes Shopify sends.

use serde_json::{json, Value};

use super::*;
use crate::queries::{customer_orders, customers_page, orders_page};

fn money_json(amount: &str, currency: &str) -> Value {
    json!({ "amount": amount, "currencyCode": currency })
}

fn bag(amount: &str) -> Value {
    json!({ "shopMoney": money_json(amount, "EUR") })
}

fn line_item_json(n: u32) -> Value {
    json!({
        "id": format!("gid://shopify/LineItem/{n}"), "name": "Mug - Blue", "sku": "MUG-B",
        "variantTitle": "Blue", "quantity": 2, "currentQuantity": 1, "refundableQuantity": 1,
        "unfulfilledQuantity": 0,
        "originalUnitPriceSet": bag("12.50"),
        "variant": { "id": "gid://shopify/ProductVariant/7" }, "product": null
    })
}

fn order_json() -> Value {
    json!({
        "id": "gid://shopify/Order/1", "name": "#1001", "email": "ana@example.com",
        "createdAt": "2026-11-01T10:00:00Z", "processedAt": "2026-11-01T10:00:00Z",
        "updatedAt": "2026-11-02T10:00:00Z", "cancelledAt": null, "cancelReason": null,
        "closedAt": null, "displayFinancialStatus": "PARTIALLY_REFUNDED",
        "displayFulfillmentStatus": "FULFILLED", "presentmentCurrencyCode": "USD",
        "subtotalPriceSet": bag("25.00"), "totalShippingPriceSet": bag("4.90"),
        "totalTaxSet": null,
        "totalPriceSet": { "shopMoney": money_json("29.90", "EUR"),
                           "presentmentMoney": money_json("32.10", "USD") },
        "currentTotalPriceSet": bag("17.40"), "totalRefundedSet": bag("12.50"),
        "note": null, "tags": ["vip"], "customer": { "id": "gid://shopify/Customer/5" },
        "shippingAddress": { "name": "Ana Lima", "firstName": "Ana", "lastName": "Lima",
            "company": null, "address1": "Rua 1", "address2": null, "city": "Porto",
            "province": null, "provinceCode": null, "zip": "4000", "country": "Portugal",
            "countryCodeV2": "PT", "phone": null },
        "statusPageUrl": "https://acme.test/orders/1",
        "lineItems": { "nodes": [line_item_json(1)],
                       "pageInfo": { "hasNextPage": true, "endCursor": "c1" } },
        "fulfillments": [{ "id": "gid://shopify/Fulfillment/3", "status": "SUCCESS",
            "displayStatus": "DELIVERED", "createdAt": "2026-11-01T12:00:00Z",
            "deliveredAt": "2026-11-02T09:00:00Z",
            "trackingInfo": [{ "company": "CTT", "number": "RR1", "url": null }] }],
        "refunds": [{ "id": "gid://shopify/Refund/4", "createdAt": null, "note": "broken",
            "totalRefundedSet": bag("12.50") }]
    })
}

fn order_fields(value: Value) -> orders_page::OrderFields {
    serde_json::from_value(value).expect("valid OrderFields JSON")
}

#[test]
fn an_order_maps_with_its_details() {
    let more: orders_page::LineItemFields = serde_json::from_value(line_item_json(2)).unwrap();
    let order = order_record(
        "gid://shopify/Shop/1",
        order_fields(order_json()),
        vec![more],
    )
    .unwrap();
    assert_eq!(order.name, "#1001");
    assert_eq!(
        order.customer_id.as_deref(),
        Some("gid://shopify/Customer/5")
    );
    assert_eq!(order.financial_status, "PARTIALLY_REFUNDED");
    assert_eq!(order.total, Money::parse("29.90", "EUR").unwrap());
    assert_eq!(
        order.presentment_total,
        Money::parse("32.10", "USD").unwrap()
    );
    assert_eq!(order.presentment_currency.code(), "USD");
    // A null tax is zero in the shop's currency.
    assert_eq!(order.tax, Money::parse("0", "EUR").unwrap());
    assert_eq!(order.line_items.len(), 2, "first page plus the extra one");
    assert_eq!(order.line_items[1].id, "gid://shopify/LineItem/2");
    assert_eq!(
        order.line_items[0].unit_price,
        Money::parse("12.5", "EUR").unwrap()
    );
    assert_eq!(order.line_items[0].product_id, None);
    assert_eq!(
        order.fulfillments[0].tracking[0].number.as_deref(),
        Some("RR1")
    );
    assert_eq!(
        order.fulfillments[0].display_status.as_deref(),
        Some("DELIVERED")
    );
    // A refund without a date takes the order's last change.
    assert_eq!(order.refunds[0].created_at, "2026-11-02T10:00:00Z");
    let address = order.shipping_address.unwrap();
    assert_eq!(address.country_code.as_deref(), Some("PT"));
    assert_eq!(address.city.as_deref(), Some("Porto"));
}

#[test]
fn unknown_enum_values_are_kept_as_sent() {
    let mut json = order_json();
    json["displayFinancialStatus"] = json!("PAID_WITH_SEASHELLS");
    json["fulfillments"][0]["status"] = json!("TELEPORTED");
    let order = order_record("s", order_fields(json), Vec::new()).unwrap();
    assert_eq!(order.financial_status, "PAID_WITH_SEASHELLS");
    assert_eq!(order.fulfillments[0].status, "TELEPORTED");
}

#[test]
fn an_unknown_currency_rejects_the_order_by_name() {
    let mut json = order_json();
    json["totalPriceSet"]["shopMoney"]["currencyCode"] = json!("XYZ");
    let error = order_record("s", order_fields(json), Vec::new()).unwrap_err();
    assert_eq!(error.record, "order #1001 (gid://shopify/Order/1)");
    assert!(error.reason.contains("XYZ"), "{}", error.reason);
    assert_eq!(
        error.to_string(),
        format!(
            "Shopify sent order #1001 (gid://shopify/Order/1) that Shopdesk cannot read: {}",
            error.reason
        )
    );
}

#[test]
fn amounts_in_mixed_shop_currencies_reject_the_order() {
    let mut json = order_json();
    json["totalShippingPriceSet"]["shopMoney"]["currencyCode"] = json!("USD");
    let error = order_record("s", order_fields(json), Vec::new()).unwrap_err();
    assert_eq!(error.reason, "shipping is in USD but the total is in EUR");
}

#[test]
fn a_bad_line_item_rejects_its_order() {
    let mut json = order_json();
    json["lineItems"]["nodes"][0]["originalUnitPriceSet"]["shopMoney"]["amount"] = json!("1,5");
    let error = order_record("s", order_fields(json), Vec::new()).unwrap_err();
    assert!(error
        .reason
        .starts_with("line item Mug - Blue (gid://shopify/LineItem/1)"));
}

fn customer_json() -> Value {
    json!({
        "id": "gid://shopify/Customer/5", "displayName": "Ana Lima", "firstName": "Ana",
        "lastName": "Lima", "defaultEmailAddress": { "emailAddress": "ana@example.com" },
        "defaultPhoneNumber": null, "numberOfOrders": "3",
        "amountSpent": money_json("99.00", "EUR"), "tags": ["vip", "wholesale"],
        "note": null, "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-11-02T00:00:00Z"
    })
}

#[test]
fn a_customer_maps() {
    let fields: customers_page::CustomerFields = serde_json::from_value(customer_json()).unwrap();
    let customer = customer_record("shop", &fields).unwrap();
    assert_eq!(customer.email.as_deref(), Some("ana@example.com"));
    assert_eq!(customer.phone, None);
    assert_eq!(customer.number_of_orders, 3);
    assert_eq!(customer.amount_spent, Money::parse("99", "EUR").unwrap());
    assert_eq!(customer.tags, ["vip", "wholesale"]);
}

#[test]
fn a_customer_with_an_unreadable_count_is_rejected_by_name() {
    let mut json = customer_json();
    json["numberOfOrders"] = json!("many");
    let fields: customers_page::CustomerFields = serde_json::from_value(json).unwrap();
    let error = customer_record("shop", &fields).unwrap_err();
    assert_eq!(error.record, "customer Ana Lima (gid://shopify/Customer/5)");
}

#[test]
fn a_shared_fragment_converts_between_documents() {
    let theirs: customer_orders::OrderFields = serde_json::from_value(order_json()).unwrap();
    let ours: orders_page::OrderFields = same_fragment(&theirs).unwrap();
    assert_eq!(ours, order_fields(order_json()));
}

#[test]
fn an_id_the_store_cannot_key_rejects_the_record_by_name() {
    let mut json = order_json();
    json["id"] = json!("gid://shopify/Order/1?v=2");
    let error = order_record("s", order_fields(json), Vec::new()).unwrap_err();
    assert_eq!(error.record, "order #1001 (gid://shopify/Order/1?v=2)");
    assert!(
        error.reason.contains("gid://shopify/Order/<number>"),
        "{}",
        error.reason
    );

    let mut json = order_json();
    json["lineItems"]["nodes"][0]["id"] = json!("gid://shopify/LineItem/x1");
    let error = order_record("s", order_fields(json), Vec::new()).unwrap_err();
    assert!(
        error.reason.starts_with("line item Mug - Blue: ")
            && error.reason.contains("gid://shopify/LineItem/x1"),
        "{}",
        error.reason
    );
}
