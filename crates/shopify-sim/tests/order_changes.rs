//! orderCancel (async job), orderUpdate and tagsAdd over HTTP.

mod common;
mod mutations_common;

use common::*;
use mutations_common::*;
use rust_decimal::Decimal;
use serde_json::json;
use shopdesk_shopify_sim::model::PaymentState;

const CANCEL: &str = r#"
mutation Cancel($id: ID!, $refund: Boolean, $restock: Boolean!, $note: String) {
  orderCancel(orderId: $id, reason: CUSTOMER, restock: $restock, refund: $refund, notifyCustomer: true, staffNote: $note) {
    job { id done }
    orderCancelUserErrors { field message code }
  }
}"#;

const JOB: &str = "query Job($id: ID!) { job(id: $id) { id done } }";

const ORDER: &str = r#"
query Order($id: ID!) {
  order(id: $id) {
    cancelledAt cancelReason displayFinancialStatus note tags email updatedAt
    totalRefundedSet { shopMoney { amount } }
    shippingAddress { address1 city zip countryCodeV2 provinceCode }
    customAttributes { key value }
  }
}"#;

const UPDATE: &str = r#"
mutation Update($input: OrderInput!) {
  orderUpdate(input: $input) { order { id note tags email } userErrors { field message } }
}"#;

const TAGS_ADD: &str = r#"
mutation Tags($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } }
}"#;

#[tokio::test]
async fn cancel_is_a_job_that_refunds_restocks_and_then_reports_done() {
    let sim = demo().await;
    let order = find_order(&sim, |s, o| {
        fresh_paid(s, o) && o.line_items.iter().all(|l| l.fulfilled_quantity == 0)
    });
    let (total, variant, quantity) = {
        let state = sim.state();
        let state = state.read().unwrap();
        let o = state.order_by_gid(&order).unwrap();
        let l = &o.line_items[0];
        (
            o.total_price(),
            state.variant(l.product, l.variant).unwrap().1.legacy_id,
            l.quantity,
        )
    };
    let stock_before = sim.state().read().unwrap().stock_of(variant);
    let vars = json!({ "id": order, "refund": true, "restock": true, "note": "customer asked" });
    let payload = data(&sim, CANCEL, vars.clone()).await["orderCancel"].clone();
    assert!(
        payload["orderCancelUserErrors"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{payload}"
    );
    assert_eq!(payload["job"]["done"], false);
    let job = data(&sim, JOB, json!({ "id": payload["job"]["id"] })).await;
    assert_eq!(job["job"]["done"], true);

    let after = data(&sim, ORDER, json!({ "id": order })).await["order"].clone();
    assert!(after["cancelledAt"].is_string());
    assert_eq!(after["cancelReason"], "CUSTOMER");
    assert_eq!(after["displayFinancialStatus"], "REFUNDED");
    assert_eq!(
        amount(&after["totalRefundedSet"]["shopMoney"]["amount"]),
        total
    );
    let stock_after = sim.state().read().unwrap().stock_of(variant);
    assert_eq!(stock_after[0], stock_before[0] + i64::from(quantity));

    // Cancelling again is refused with Shopify's code.
    let again = data(&sim, CANCEL, vars).await["orderCancel"].clone();
    assert_eq!(again["orderCancelUserErrors"][0]["code"], "INVALID");
    assert!(again["job"].is_null());
    sim.shutdown().await;
}

#[tokio::test]
async fn cancel_is_refused_for_fulfilled_unknown_and_bad_input() {
    let sim = demo().await;
    let fulfilled = find_order(&sim, |_, o| {
        o.cancelled_at.is_none() && o.line_items.iter().any(|l| l.fulfilled_quantity > 0)
    });
    let errors =
        |payload: &serde_json::Value| payload["orderCancel"]["orderCancelUserErrors"].clone();
    let body = data(&sim, CANCEL, json!({ "id": fulfilled, "restock": false })).await;
    assert_eq!(errors(&body)[0]["code"], "INVALID", "{body}");
    let unknown = data(
        &sim,
        CANCEL,
        json!({ "id": "gid://shopify/Order/1", "restock": false }),
    )
    .await;
    assert_eq!(errors(&unknown)[0]["code"], "NOT_FOUND");
    let open = find_order(&sim, |_, o| {
        o.cancelled_at.is_none() && o.line_items.iter().all(|l| l.fulfilled_quantity == 0)
    });
    let long = "x".repeat(256);
    let body = data(
        &sim,
        CANCEL,
        json!({ "id": open, "restock": false, "note": long }),
    )
    .await;
    assert_eq!(errors(&body)[0]["field"], json!(["staffNote"]));
    let state = sim.state();
    let state = state.read().unwrap();
    assert!(state
        .order_by_gid(&fulfilled)
        .unwrap()
        .cancelled_at
        .is_none());
    assert!(state.order_by_gid(&open).unwrap().cancelled_at.is_none());
}

#[tokio::test]
async fn cancel_without_refund_keeps_the_money_and_voids_nothing() {
    let sim = demo().await;
    let order = find_order(&sim, |s, o| {
        fresh_paid(s, o) && o.line_items.iter().all(|l| l.fulfilled_quantity == 0)
    });
    let payload = data(
        &sim,
        CANCEL,
        json!({ "id": order, "refund": false, "restock": false }),
    )
    .await;
    assert!(payload["orderCancel"]["orderCancelUserErrors"]
        .as_array()
        .unwrap()
        .is_empty());
    let after = data(&sim, ORDER, json!({ "id": order })).await["order"].clone();
    assert!(after["cancelledAt"].is_string());
    assert_eq!(
        amount(&after["totalRefundedSet"]["shopMoney"]["amount"]),
        Decimal::ZERO
    );
    assert_eq!(after["displayFinancialStatus"], "PAID");
    sim.shutdown().await;
}

#[tokio::test]
async fn order_update_overwrites_and_tags_add_merges() {
    let sim = demo().await;
    let order = find_order(&sim, |_, o| {
        o.payment == PaymentState::Paid && !o.tags.is_empty()
    });
    let before = data(&sim, ORDER, json!({ "id": order })).await["order"].clone();
    let input = json!({
        "id": order,
        "note": "Replacement sent",
        "tags": ["vip", " vip ", "replacement"],
        "email": "new@example.com",
        "shippingAddress": { "address1": "1 Rue de Rivoli", "city": "Paris", "zip": "75001", "countryCode": "FR", "firstName": "Ana", "lastName": "Lima" },
        "customAttributes": [{ "key": "ticket", "value": "42" }]
    });
    let payload = data(&sim, UPDATE, json!({ "input": input })).await["orderUpdate"].clone();
    assert!(
        payload["userErrors"].as_array().unwrap().is_empty(),
        "{payload}"
    );
    let after = data(&sim, ORDER, json!({ "id": order })).await["order"].clone();
    assert_eq!(after["note"], "Replacement sent");
    assert_eq!(
        after["tags"],
        json!(["vip", "replacement"]),
        "tags are overwritten"
    );
    assert_eq!(after["email"], "new@example.com");
    assert_eq!(after["shippingAddress"]["city"], "Paris");
    assert_eq!(after["shippingAddress"]["countryCodeV2"], "FR");
    assert_eq!(
        after["customAttributes"],
        json!([{ "key": "ticket", "value": "42" }])
    );
    assert!(after["updatedAt"].as_str() > before["updatedAt"].as_str());

    let payload = data(
        &sim,
        TAGS_ADD,
        json!({ "id": order, "tags": ["Replacement", "ticket-42"] }),
    )
    .await;
    assert_eq!(payload["tagsAdd"]["node"]["id"], order.as_str());
    let after = data(&sim, ORDER, json!({ "id": order })).await["order"].clone();
    assert_eq!(
        after["tags"],
        json!(["vip", "replacement", "ticket-42"]),
        "tagsAdd keeps tags"
    );
    let found = data(
        &sim,
        "query { orders(first: 5, query: \"tag:ticket-42\") { nodes { id } } }",
        json!({}),
    )
    .await;
    assert_eq!(found["orders"]["nodes"], json!([{ "id": order }]));

    // Invalid input.
    let bad = data(
        &sim,
        UPDATE,
        json!({ "input": { "id": order, "email": "not-an-email" } }),
    )
    .await;
    assert_eq!(
        bad["orderUpdate"]["userErrors"][0]["field"],
        json!(["email"])
    );
    let bad = data(
        &sim,
        UPDATE,
        json!({ "input": { "id": "gid://shopify/Order/1", "note": "x" } }),
    )
    .await;
    assert_eq!(bad["orderUpdate"]["userErrors"][0]["field"], json!(["id"]));
    assert!(bad["orderUpdate"]["order"].is_null());
    let bad = data(
        &sim,
        TAGS_ADD,
        json!({ "id": "gid://shopify/Order/1", "tags": ["x"] }),
    )
    .await;
    assert_eq!(bad["tagsAdd"]["userErrors"][0]["field"], json!(["id"]));
    sim.shutdown().await;
}

#[tokio::test]
async fn a_token_without_write_scopes_is_denied_like_shopify_does() {
    let sim = demo().await;
    sim.auth()
        .set_scopes(None, &["read_orders", "write_draft_orders"]);
    let order = find_order(&sim, |_, o| o.payment == PaymentState::Paid);
    let (status, body) = graphql(&sim, TAGS_ADD, json!({ "id": order, "tags": ["x"] })).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["errors"][0]["message"],
        "Access denied for tagsAdd field. Required access: `write_orders` access scope."
    );
    assert_eq!(body["errors"][0]["extensions"]["code"], "ACCESS_DENIED");
    assert_eq!(
        body["errors"][0]["extensions"]["requiredAccess"],
        "`write_orders` access scope."
    );
    assert!(body["data"]["tagsAdd"].is_null());
    let state = sim.state();
    assert!(!state
        .read()
        .unwrap()
        .order_by_gid(&order)
        .unwrap()
        .tags
        .contains(&"x".to_string()));
}

#[tokio::test]
async fn cancelling_an_authorized_order_releases_the_hold() {
    let sim = demo().await;
    let order = find_order(&sim, |_, o| {
        o.payment == PaymentState::Authorized && o.cancelled_at.is_none()
    });
    let payload = data(
        &sim,
        CANCEL,
        json!({ "id": order, "refund": true, "restock": true }),
    )
    .await;
    assert!(payload["orderCancel"]["orderCancelUserErrors"]
        .as_array()
        .unwrap()
        .is_empty());
    let after = data(&sim, ORDER, json!({ "id": order })).await["order"].clone();
    assert_eq!(after["displayFinancialStatus"], "VOIDED");
    assert_eq!(
        amount(&after["totalRefundedSet"]["shopMoney"]["amount"]),
        Decimal::ZERO
    );
    sim.shutdown().await;
}
