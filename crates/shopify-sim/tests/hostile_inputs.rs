//! Amounts a client could send by mistake get an answer (a user error), never a dropped
//! connection: `Decimal` arithmetic panics on overflow, so the simulator refuses such amounts.

mod common;
mod mutations_common;

use common::*;
use mutations_common::*;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use shopdesk_shopify_sim::{gid, Simulator};

/// `Decimal::MAX`: any sum with it overflows.
const HUGE: &str = "79228162514264337593543950335";

const CREATE: &str = r#"
mutation Create($input: DraftOrderInput!) {
  draftOrderCreate(input: $input) {
    draftOrder { id totalPriceSet { shopMoney { amount } } }
    userErrors { field message }
  }
}"#;

const ORDER_TOTALS: &str =
    "{ orders(first: 250) { nodes { id totalPriceSet { shopMoney { amount } } } } }";

fn stocked_variant(sim: &Simulator) -> String {
    let state = sim.state();
    let state = state.read().expect("store readable");
    let variant = state
        .products
        .iter()
        .flat_map(|p| p.variants.iter())
        .find(|v| state.ops.available(v.legacy_id) > 2)
        .expect("a variant in stock");
    gid("ProductVariant", variant.legacy_id)
}

#[tokio::test]
async fn a_draft_order_with_a_huge_shipping_price_is_a_user_error() {
    let sim = demo().await;
    let variant = stocked_variant(&sim);
    for price in [HUGE, "1000000000000000000", "-1000000000000000000"] {
        let input = json!({
            "lineItems": [{ "variantId": variant, "quantity": 1 }],
            "shippingLine": { "title": "Freight", "price": price },
        });
        let created =
            data(&sim, CREATE, json!({ "input": input })).await["draftOrderCreate"].clone();
        assert!(created["draftOrder"].is_null(), "{price}: {created}");
        assert_eq!(
            created["userErrors"][0]["field"],
            json!(["shippingLine", "price"]),
            "{created}"
        );
        assert!(created["userErrors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("too large")));
    }
    // Just below the limit is a price like any other.
    let input = json!({
        "lineItems": [{ "variantId": variant, "quantity": 1 }],
        "shippingLine": { "title": "Freight", "price": "999999999999999999.99" },
    });
    let created = data(&sim, CREATE, json!({ "input": input })).await["draftOrderCreate"].clone();
    assert_eq!(created["userErrors"], json!([]), "{created}");
    let total = decimal(&created["draftOrder"]["totalPriceSet"]["shopMoney"]["amount"]);
    assert!(total > "999999999999999999.99".parse::<Decimal>().unwrap());
    // The store still answers.
    let orders = data(&sim, ORDER_TOTALS, json!({})).await;
    assert!(!orders["orders"]["nodes"].as_array().unwrap().is_empty());
    sim.shutdown().await;
}

#[tokio::test]
async fn a_refund_or_suggestion_with_a_huge_shipping_amount_is_refused_or_capped() {
    let sim = demo().await;
    let order = find_order(&sim, |s, o| {
        fresh_paid(s, o) && o.shipping_price > Decimal::ZERO
    });
    let line = line_ids(&sim, &order)[0].clone();
    let one_unit = json!([{ "lineItemId": line, "quantity": 1 }]);
    let body = refund(
        &sim,
        json!({ "orderId": order, "refundLineItems": one_unit, "shipping": { "amount": HUGE } }),
        "huge-shipping",
    )
    .await;
    let errors = user_errors(&body);
    assert_eq!(errors.len(), 1, "{body}");
    assert_eq!(errors[0].0, json!(["shipping", "amount"]), "{body}");
    assert!(body["data"]["refundCreate"]["refund"].is_null());

    // A suggestion never offers more shipping than is left: here, all of it.
    let capped = suggest(
        &sim,
        &order,
        json!({ "lines": one_unit, "shippingAmount": HUGE }),
    )
    .await;
    let full = suggest(&sim, &order, json!({ "lines": one_unit, "shipping": true })).await;
    let shipping = |s: &Value| amount(&s["shipping"]["amountSet"]["shopMoney"]["amount"]);
    assert!(shipping(&full) > Decimal::ZERO, "{full}");
    assert_eq!(shipping(&capped), shipping(&full), "{capped}");
    assert_eq!(capped["amountSet"], full["amountSet"], "{capped}");
    sim.shutdown().await;
}
