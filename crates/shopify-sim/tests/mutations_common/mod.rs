//! Documents and helpers shared by the mutation tests.
#![allow(dead_code)]

use rust_decimal::Decimal;
use serde_json::{json, Value};
use shopdesk_shopify_sim::model::{Order, PaymentState, ShopState};
use shopdesk_shopify_sim::{gid, Simulator};

use crate::common::{data, decimal, graphql};

pub const SUGGEST: &str = r#"
query Suggest($id: ID!, $lines: [RefundLineItemInput!], $shipping: Boolean, $full: Boolean, $shippingAmount: Money) {
  order(id: $id) {
    suggestedRefund(refundLineItems: $lines, refundShipping: $shipping, suggestFullRefund: $full, shippingAmount: $shippingAmount) {
      amountSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
      maximumRefundableSet { shopMoney { amount } presentmentMoney { amount currencyCode } }
      subtotalSet { shopMoney { amount } presentmentMoney { amount } }
      totalTaxSet { shopMoney { amount } presentmentMoney { amount } }
      discountedSubtotalSet { shopMoney { amount } }
      totalCartDiscountAmountSet { shopMoney { amount } }
      shipping { amountSet { shopMoney { amount } presentmentMoney { amount } } maximumRefundableSet { presentmentMoney { amount } } taxSet { shopMoney { amount } } }
      refundLineItems { lineItem { id } quantity restockType location { id name } priceSet { shopMoney { amount } } subtotalSet { shopMoney { amount } } totalTaxSet { shopMoney { amount } } }
      suggestedTransactions { gateway kind amountSet { shopMoney { amount } presentmentMoney { amount currencyCode } } maximumRefundableSet { presentmentMoney { amount } } parentTransaction { id kind } }
    }
  }
}"#;

pub const REFUND: &str = r#"
mutation Refund($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) {
    refund { id totalRefundedSet { shopMoney { amount } presentmentMoney { amount currencyCode } } refundLineItems(first: 10) { nodes { quantity restockType location { name } lineItem { id } } } transactions(first: 5) { nodes { id kind status gateway amountSet { presentmentMoney { amount } } parentTransaction { id kind } } } }
    order { id displayFinancialStatus totalRefundedSet { shopMoney { amount } presentmentMoney { amount } } refundable lineItems(first: 10) { nodes { id refundableQuantity } } }
    userErrors { field message }
  }
}"#;

pub const REFUND_WITHOUT_KEY: &str = r#"
mutation Refund($input: RefundInput!) {
  refundCreate(input: $input) { refund { id } userErrors { field message } }
}"#;

pub const ORDER_MONEY: &str = r#"
query Money($id: ID!) {
  order(id: $id) {
    displayFinancialStatus refundable restockable updatedAt
    totalRefundedSet { shopMoney { amount } presentmentMoney { amount } }
    transactions { id kind status gateway processedAt amountSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } } parentTransaction { id } }
    refunds { id refundLineItems(first: 10) { nodes { quantity } } transactions(first: 5) { nodes { kind amountSet { shopMoney { amount } } } } }
    lineItems(first: 10) { nodes { id quantity refundableQuantity currentQuantity } }
  }
}"#;

/// The first order matching `pick`, as its GID.
pub fn find_order(sim: &Simulator, pick: impl Fn(&ShopState, &Order) -> bool) -> String {
    let state = sim.state();
    let state = state.read().unwrap();
    let order = state
        .orders
        .iter()
        .find(|o| pick(&state, o))
        .expect("the seed has such an order");
    gid("Order", order.legacy_id)
}

/// Paid, not cancelled, nothing refunded yet, in shop currency.
pub fn fresh_paid(state: &ShopState, order: &Order) -> bool {
    order.payment == PaymentState::Paid
        && order.cancelled_at.is_none()
        && order.refunds.is_empty()
        && order.presentment_currency == state.shop.currency
}

pub fn line_ids(sim: &Simulator, order_gid: &str) -> Vec<String> {
    let state = sim.state();
    let state = state.read().unwrap();
    state
        .order_by_gid(order_gid)
        .unwrap()
        .line_items
        .iter()
        .map(|l| gid("LineItem", l.legacy_id))
        .collect()
}

pub async fn suggest(sim: &Simulator, order: &str, variables: Value) -> Value {
    let mut variables = variables;
    variables["id"] = json!(order);
    data(sim, SUGGEST, variables).await["order"]["suggestedRefund"].clone()
}

/// Turns a suggestion into refundCreate input, as a client would.
pub fn input_from(order: &str, suggestion: &Value, currency: Option<&str>) -> Value {
    let lines: Vec<Value> = suggestion["refundLineItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            json!({
                "lineItemId": l["lineItem"]["id"],
                "quantity": l["quantity"],
                "restockType": l["restockType"],
            })
        })
        .collect();
    let transactions: Vec<Value> = suggestion["suggestedTransactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            json!({
                "orderId": order,
                "parentId": t["parentTransaction"]["id"],
                "kind": "REFUND",
                "gateway": t["gateway"],
                "amount": t["amountSet"]["presentmentMoney"]["amount"],
            })
        })
        .collect();
    let mut input = json!({
        "orderId": order,
        "refundLineItems": lines,
        "shipping": { "amount": suggestion["shipping"]["amountSet"]["presentmentMoney"]["amount"] },
        "transactions": transactions,
    });
    if let Some(currency) = currency {
        input["currency"] = json!(currency);
    }
    input
}

pub async fn refund(sim: &Simulator, input: Value, key: &str) -> Value {
    let (status, body) = graphql(sim, REFUND, json!({ "input": input, "key": key })).await;
    assert_eq!(status, 200, "{body}");
    body
}

pub fn user_errors(body: &Value) -> Vec<(Value, String)> {
    body["data"]["refundCreate"]["userErrors"]
        .as_array()
        .unwrap_or_else(|| panic!("no userErrors in {body}"))
        .iter()
        .map(|e| {
            (
                e["field"].clone(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

pub fn amount(value: &Value) -> Decimal {
    decimal(value)
}
