//! Helpers shared by the simulator's HTTP tests.
#![allow(dead_code)]

use rust_decimal::Decimal;
use serde_json::{json, Value};
use shopdesk_shopify_sim::{SimConfig, Simulator};

pub async fn start(config: SimConfig) -> Simulator {
    Simulator::start(config).await.expect("simulator starts")
}

pub async fn demo() -> Simulator {
    start(SimConfig::demo()).await
}

/// POSTs a GraphQL request with the simulator's token; returns status and JSON body.
pub async fn graphql(sim: &Simulator, query: &str, variables: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(sim.graphql_url())
        .header("X-Shopify-Access-Token", sim.access_token())
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("request sent");
    let status = response.status().as_u16();
    let body = response.json::<Value>().await.expect("JSON body");
    (status, body)
}

/// Like `graphql` but asserts a 200 without errors and returns `data`.
pub async fn data(sim: &Simulator, query: &str, variables: Value) -> Value {
    let (status, body) = graphql(sim, query, variables).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "unexpected errors: {body}");
    body["data"].clone()
}

pub fn decimal(value: &Value) -> Decimal {
    value
        .as_str()
        .unwrap_or_else(|| panic!("amount should be a string: {value}"))
        .parse()
        .expect("decimal amount")
}

pub fn first_error_message(body: &Value) -> String {
    body["errors"][0]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("no error in {body}"))
        .to_string()
}
