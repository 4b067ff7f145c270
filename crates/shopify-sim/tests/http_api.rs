//! The endpoint as a client sees it: auth, versions, bodies, validation and error shapes.

mod common;

use common::*;
use serde_json::{json, Value};

const AUTH_ERROR: &str =
    "[API] Invalid API key or access token (unrecognized login or wrong password)";

async fn post_raw(url: &str, token: Option<&str>, body: &str) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(url)
        .header("Content-Type", "application/json")
        .body(body.to_string());
    if let Some(token) = token {
        request = request.header("X-Shopify-Access-Token", token);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON body"))
}

#[tokio::test]
async fn missing_or_wrong_token_is_401_with_shopifys_body() {
    let sim = demo().await;
    let body = r#"{"query":"{ shop { name } }"}"#;
    for token in [None, Some("shpat_wrong"), Some("")] {
        let (status, response) = post_raw(&sim.graphql_url(), token, body).await;
        assert_eq!(status, 401, "token {token:?}");
        assert_eq!(response, json!({ "errors": AUTH_ERROR }));
    }
    let (status, _) = post_raw(&sim.graphql_url(), Some(sim.access_token()), body).await;
    assert_eq!(status, 200);
    sim.shutdown().await;
}

#[tokio::test]
async fn versions_fall_forward_and_garbage_is_404() {
    let sim = demo().await;
    let body = r#"{"query":"{ shop { name } }"}"#;
    for version in ["2025-01", "2026-10", "2027-01", "unstable"] {
        let url = format!("{}/admin/api/{version}/graphql.json", sim.base_url());
        let (status, response) = post_raw(&url, Some(sim.access_token()), body).await;
        assert_eq!(status, 200, "{version}");
        assert!(response["data"]["shop"]["name"].is_string());
    }
    for version in ["latest", "2026-11", "v1"] {
        let url = format!("{}/admin/api/{version}/graphql.json", sim.base_url());
        let (status, _) = post_raw(&url, Some(sim.access_token()), body).await;
        assert_eq!(status, 404, "{version}");
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn malformed_body_is_400() {
    let sim = demo().await;
    for body in [
        "not json",
        "{}",
        r#"{"query": ""}"#,
        r#"{"query":"{shop{name}}","variables":[1]}"#,
    ] {
        let (status, response) = post_raw(&sim.graphql_url(), Some(sim.access_token()), body).await;
        assert_eq!(status, 400, "{body}");
        assert!(response["errors"].is_object(), "{response}");
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn invalid_documents_get_shopify_error_shape_and_no_data() {
    let sim = demo().await;
    let (status, body) = graphql(&sim, "{ shop { name bogus } }", json!({})).await;
    assert_eq!(status, 200);
    assert!(body.get("data").is_none(), "{body}");
    assert_eq!(
        body["errors"][0],
        json!({
            "message": "Field 'bogus' doesn't exist on type 'Shop'",
            "locations": [{"line": 1, "column": 15}],
            "extensions": {"code": "undefinedField", "typeName": "Shop", "fieldName": "bogus"}
        })
    );

    let (_, body) = graphql(
        &sim,
        "{ orders(first: 5, sortKey: NOPE) { nodes { id } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "argumentLiteralsIncompatible"
    );

    let (_, body) = graphql(&sim, "{ shop { name }", json!({})).await;
    assert!(first_error_message(&body).contains("syntax error"));
    sim.shutdown().await;
}

#[tokio::test]
async fn variables_are_checked_against_their_types() {
    let sim = demo().await;
    let query = "query Orders($first: Int!, $query: String) { orders(first: $first, query: $query) { nodes { id } } }";

    let (status, body) = graphql(&sim, query, json!({})).await;
    assert_eq!(status, 200);
    assert!(body.get("data").is_none());
    assert_eq!(
        first_error_message(&body),
        "Variable $first of type Int! was provided invalid value"
    );
    assert_eq!(body["errors"][0]["extensions"]["code"], "INVALID_VARIABLE");
    assert_eq!(
        body["errors"][0]["extensions"]["problems"][0]["explanation"],
        "Expected value to not be null"
    );

    let (_, body) = graphql(&sim, query, json!({"first": "ten"})).await;
    assert_eq!(
        body["errors"][0]["extensions"]["problems"][0]["explanation"],
        "Could not coerce value \"ten\" to Int"
    );

    let data = data(&sim, query, json!({"first": 3, "query": null})).await;
    assert_eq!(data["orders"]["nodes"].as_array().unwrap().len(), 3);
    sim.shutdown().await;
}

#[tokio::test]
async fn unimplemented_field_is_a_clear_error_with_path() {
    let sim = demo().await;
    let (status, body) = graphql(
        &sim,
        "{ orders(first: 1) { nodes { name customerJourneySummary { ready } } } }",
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    let error = &body["errors"][0];
    assert_eq!(
        error["message"],
        "Field 'customerJourneySummary' on 'Order' is not implemented by the Shopdesk simulator"
    );
    assert_eq!(
        error["path"],
        json!(["orders", "nodes", 0, "customerJourneySummary"])
    );
    // The field is nullable, so only it is null; its siblings are still there.
    assert!(body["data"]["orders"]["nodes"][0]["name"].is_string());
    assert!(body["data"]["orders"]["nodes"][0]["customerJourneySummary"].is_null());
    sim.shutdown().await;
}

#[tokio::test]
async fn operation_name_selects_the_operation() {
    let sim = demo().await;
    let document = "query A { shop { name } } query B { shop { currencyCode } }";
    let response = reqwest::Client::new()
        .post(sim.graphql_url())
        .header("X-Shopify-Access-Token", sim.access_token())
        .json(&json!({"query": document, "operationName": "B"}))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"], json!({"shop": {"currencyCode": "EUR"}}));

    let (_, body) = graphql(&sim, document, json!({})).await;
    assert_eq!(first_error_message(&body), "An operation name is required");
    sim.shutdown().await;
}

#[tokio::test]
async fn typename_fragments_aliases_and_introspection() {
    let sim = demo().await;
    let query = r#"
        query {
          latest: orders(first: 1, reverse: true) { nodes { __typename ...OrderBits } }
          oldest: orders(first: 1) { nodes { ... on Order { name } } }
          __type(name: "Count") { name }
        }
        fragment OrderBits on Order { orderName: name legacyResourceId }
    "#;
    let data = data(&sim, query, json!({})).await;
    let latest = &data["latest"]["nodes"][0];
    assert_eq!(latest["__typename"], "Order");
    assert!(latest["orderName"].as_str().unwrap().starts_with('#'));
    assert!(
        latest["legacyResourceId"].is_string(),
        "UnsignedInt64 is a string"
    );
    assert_eq!(data["oldest"]["nodes"][0]["name"], "#1001");
    assert_eq!(data["__type"]["name"], "Count");
    // Response keys follow the selection order, like Shopify's (checked on the raw text, as
    // serde_json's map would sort them).
    let text = reqwest::Client::new()
        .post(sim.graphql_url())
        .header("X-Shopify-Access-Token", sim.access_token())
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let position = |key: &str| text.find(&format!("\"{key}\"")).unwrap();
    assert!(position("latest") < position("oldest") && position("oldest") < position("__type"));
    assert!(position("__typename") < position("orderName"));
    sim.shutdown().await;
}

#[tokio::test]
async fn shop_fields() {
    let sim = demo().await;
    let data = data(
        &sim,
        "{ shop { id name email myshopifyDomain currencyCode ianaTimezone plan { displayName } } }",
        json!({}),
    )
    .await;
    {
        let state = sim.state();
        let state = state.read().unwrap();
        assert_eq!(data["shop"]["name"], state.shop.name.as_str());
        assert_eq!(data["shop"]["currencyCode"], state.shop.currency.code());
        assert_eq!(
            data["shop"]["myshopifyDomain"],
            state.shop.myshopify_domain.as_str()
        );
    }
    assert!(data["shop"]["id"]
        .as_str()
        .unwrap()
        .starts_with("gid://shopify/Shop/"));
    sim.shutdown().await;
}

#[tokio::test]
async fn every_response_reports_cost_and_throttle_status() {
    let sim = demo().await;
    let (_, body) = graphql(&sim, "{ shop { name } }", json!({})).await;
    let cost = &body["extensions"]["cost"];
    assert_eq!(cost["requestedQueryCost"], 1);
    assert_eq!(cost["actualQueryCost"], 1);
    assert_eq!(cost["throttleStatus"]["maximumAvailable"], 2000.0);
    assert_eq!(cost["throttleStatus"]["restoreRate"], 100.0);
    assert!(
        cost["throttleStatus"]["currentlyAvailable"]
            .as_u64()
            .unwrap()
            <= 2000
    );

    // Requested is charged on the page size; actual on what came back (one order here).
    let query = "query($q: String) { orders(first: 50, query: $q) { edges { node { id lineItems(first: 5) { nodes { id } } } } } }";
    let (order_name, line_count) = {
        let state = sim.state();
        let state = state.read().unwrap();
        (
            state.orders[0].name(),
            state.orders[0].line_items.len() as u64,
        )
    };
    let (_, body) = graphql(&sim, query, json!({"q": format!("name:{order_name}")})).await;
    let cost = &body["extensions"]["cost"];
    assert_eq!(cost["requestedQueryCost"], 2 + 50 * (1 + 2 + 5));
    assert_eq!(cost["actualQueryCost"], 2 + (1 + 2 + line_count));
    sim.shutdown().await;
}

#[tokio::test]
async fn queries_above_1000_points_are_refused() {
    let sim = demo().await;
    let (status, body) = graphql(
        &sim,
        "{ orders(first: 250) { nodes { id lineItems(first: 10) { nodes { id } } } } }",
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    let requested = 2 + 250 * (1 + 2 + 10);
    assert_eq!(
        first_error_message(&body),
        format!("Query cost is {requested}, which exceeds the single query max cost limit (1000).")
    );
    assert_eq!(body["errors"][0]["extensions"]["code"], "MAX_COST_EXCEEDED");
    assert_eq!(body["errors"][0]["extensions"]["maxCost"], 1000);
    assert!(body.get("data").is_none());
    assert_eq!(body["extensions"]["cost"]["actualQueryCost"], Value::Null);
    sim.shutdown().await;
}

#[tokio::test]
async fn an_empty_bucket_throttles() {
    let sim = demo().await;
    // A small bucket that refills slowly: two 42-point queries cannot both run.
    sim.set_throttle(50.0, 0.01);
    let query = "{ orders(first: 40) { nodes { id } } }";
    let (_, first) = graphql(&sim, query, json!({})).await;
    assert!(first.get("errors").is_none(), "{first}");
    assert_eq!(first["extensions"]["cost"]["requestedQueryCost"], 42);
    let (status, second) = graphql(&sim, query, json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(
        second["errors"],
        json!([{
            "message": "Throttled",
            "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}
        }])
    );
    assert!(second.get("data").is_none());
    let cost = &second["extensions"]["cost"];
    assert_eq!(cost["actualQueryCost"], Value::Null);
    assert_eq!(cost["throttleStatus"]["maximumAvailable"], 50.0);
    assert!(
        cost["throttleStatus"]["currentlyAvailable"]
            .as_u64()
            .unwrap()
            < 42
    );
    sim.shutdown().await;
}
