//! Bulk operations over HTTP: run, poll, download the JSONL; Shopify's limits and rules.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{json, Value};
use shopdesk_shopify_sim::{BulkOutputOrder, Simulator, URL_LIFETIME_SECONDS};

const RUN: &str = "mutation($q: String!, $g: Boolean!) {
  bulkOperationRunQuery(query: $q, groupObjects: $g) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}";

const STATUS: &str = "query($id: ID!) {
  bulkOperation(id: $id) {
    id status errorCode objectCount rootObjectCount fileSize url partialDataUrl createdAt completedAt
  }
}";

const ORDERS_WITH_LINE_ITEMS: &str =
    "{ orders { edges { node { id name fulfillments { id } lineItems { edges { node { id sku quantity } } } } } } }";

async fn run(sim: &Simulator, query: &str, group: bool) -> Value {
    let (status, body) = graphql(sim, RUN, json!({ "q": query, "g": group })).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    body
}

async fn started(sim: &Simulator, query: &str) -> String {
    let body = run(sim, query, false).await;
    let payload = &body["data"]["bulkOperationRunQuery"];
    assert_eq!(payload["userErrors"], json!([]), "{body}");
    assert_eq!(payload["bulkOperation"]["status"], "CREATED");
    payload["bulkOperation"]["id"].as_str().unwrap().to_string()
}

async fn status(sim: &Simulator, id: &str) -> Value {
    data(sim, STATUS, json!({ "id": id })).await["bulkOperation"].clone()
}

async fn finished(sim: &Simulator, id: &str) -> Value {
    for _ in 0..500 {
        let op = status(sim, id).await;
        if !matches!(
            op["status"].as_str(),
            Some("CREATED" | "RUNNING" | "CANCELING")
        ) {
            return op;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("bulk operation {id} did not finish");
}

async fn download(url: &str) -> (u16, String) {
    let response = reqwest::get(url).await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

fn lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn orders_with_line_items_come_as_jsonl_with_parent_ids() {
    let sim = demo().await;
    let id = started(&sim, ORDERS_WITH_LINE_ITEMS).await;
    let op = finished(&sim, &id).await;
    assert_eq!(op["status"], "COMPLETED", "{op}");
    assert!(op["completedAt"].is_string() && op["createdAt"].is_string());

    let (code, text) = download(op["url"].as_str().unwrap()).await;
    assert_eq!(code, 200);
    assert_eq!(op["fileSize"], text.len().to_string());
    let lines = lines(&text);
    let (orders, items): (Vec<&Value>, Vec<&Value>) =
        lines.iter().partition(|l| l.get("__parentId").is_none());
    let (order_count, item_count) = {
        let state = sim.state();
        let state = state.read().unwrap();
        let items: usize = state.orders.iter().map(|o| o.line_items.len()).sum();
        (state.orders.len(), items)
    };
    assert_eq!(orders.len(), order_count);
    assert_eq!(items.len(), item_count);
    assert_eq!(op["objectCount"], lines.len().to_string());
    assert_eq!(op["rootObjectCount"], orders.len().to_string());
    // Lists stay inline on the order line; the connection does not.
    assert!(orders
        .iter()
        .all(|o| o["fulfillments"].is_array() && o.get("lineItems").is_none()));
    for item in &items {
        let parent = item["__parentId"].as_str().unwrap();
        assert!(orders.iter().any(|o| o["id"] == parent), "{item}");
    }
    // Ungrouped (the default): a window's children come after all its parents.
    assert!(lines[1].get("__parentId").is_none(), "{}", lines[1]);
    sim.shutdown().await;
}

#[tokio::test]
async fn grouped_and_children_first_orders() {
    let sim = demo().await;
    let body = run(&sim, ORDERS_WITH_LINE_ITEMS, true).await;
    let id = body["data"]["bulkOperationRunQuery"]["bulkOperation"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let op = finished(&sim, &id).await;
    let grouped = lines(&download(op["url"].as_str().unwrap()).await.1);
    assert!(grouped[0].get("__parentId").is_none());
    assert_eq!(grouped[1]["__parentId"], grouped[0]["id"]);

    sim.bulk().set_output_order(BulkOutputOrder::ChildrenFirst);
    let id = started(&sim, ORDERS_WITH_LINE_ITEMS).await;
    let op = finished(&sim, &id).await;
    let reversed = lines(&download(op["url"].as_str().unwrap()).await.1);
    assert!(reversed[0].get("__parentId").is_some());
    assert!(reversed.last().unwrap().get("__parentId").is_none());
    assert_eq!(reversed.len(), grouped.len());
    sim.shutdown().await;
}

#[tokio::test]
async fn invalid_queries_get_invalid_user_errors() {
    let sim = demo().await;
    let six = "{ orders { nodes { id a: lineItems { nodes { id } } b: lineItems { nodes { id } }
        c: lineItems { nodes { id } } d: lineItems { nodes { id } } e: lineItems { nodes { id } } } } }";
    let deep = "{ customers { edges { node { id orders { edges { node { id lineItems { edges { node { id } } } } } } } } } }";
    for (query, expected) in [
        (six, "more than 5 connections"),
        (deep, "more than 2 levels"),
        ("{ shop { name } }", "at least one connection"),
        (
            "{ orders { edges { node { nope } } } }",
            "Invalid bulk query",
        ),
    ] {
        let body = run(&sim, query, false).await;
        let payload = &body["data"]["bulkOperationRunQuery"];
        assert_eq!(payload["bulkOperation"], Value::Null, "{body}");
        let error = &payload["userErrors"][0];
        assert_eq!(error["code"], "INVALID", "{body}");
        assert_eq!(error["field"], json!(["query"]));
        assert!(
            error["message"].as_str().unwrap().contains(expected),
            "{body}"
        );
    }
    // A mutation costs 10 points and nothing is charged for the export itself.
    let (_, body) = graphql(&sim, RUN, json!({ "q": deep, "g": false })).await;
    assert_eq!(body["extensions"]["cost"]["requestedQueryCost"], 10);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_sixth_concurrent_operation_reaches_the_limit() {
    let sim = demo().await;
    sim.bulk().pause();
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(started(&sim, ORDERS_WITH_LINE_ITEMS).await);
    }
    let body = run(&sim, ORDERS_WITH_LINE_ITEMS, false).await;
    let error = &body["data"]["bulkOperationRunQuery"]["userErrors"][0];
    assert_eq!(error["code"], "LIMIT_REACHED", "{body}");
    assert_eq!(
        body["data"]["bulkOperationRunQuery"]["bulkOperation"],
        Value::Null
    );

    // Paused operations show as RUNNING once their job has started.
    let mut nodes = Vec::new();
    for _ in 0..200 {
        let running = data(
            &sim,
            "{ bulkOperations(first: 10, query: \"status:running\") { nodes { id status } } }",
            json!({}),
        )
        .await;
        nodes = running["bulkOperations"]["nodes"]
            .as_array()
            .unwrap()
            .clone();
        if nodes.len() == 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(nodes.len(), 5, "{nodes:?}");
    // Newest first.
    assert_eq!(nodes[0]["id"], ids[4].as_str());
    let current = data(&sim, "{ currentBulkOperation { id } }", json!({})).await;
    assert_eq!(current["currentBulkOperation"]["id"], ids[4].as_str());

    // Canceling one frees a slot.
    let cancel = data(
        &sim,
        "mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } userErrors { message } } }",
        json!({ "id": ids[0] }),
    )
    .await;
    assert_eq!(
        cancel["bulkOperationCancel"]["bulkOperation"]["status"],
        "CANCELING"
    );
    assert_eq!(finished(&sim, &ids[0]).await["status"], "CANCELED");
    sim.bulk().resume();
    let sixth = started(&sim, ORDERS_WITH_LINE_ITEMS).await;
    assert_eq!(finished(&sim, &sixth).await["status"], "COMPLETED");
    sim.shutdown().await;
}

#[tokio::test]
async fn downloads_honour_ranges_break_on_demand_and_expire() {
    let sim = demo().await;
    let id = started(&sim, ORDERS_WITH_LINE_ITEMS).await;
    let op = finished(&sim, &id).await;
    let url = op["url"].as_str().unwrap().to_string();
    let (_, whole) = download(&url).await;

    let client = reqwest::Client::new();
    let tail = client
        .get(&url)
        .header("Range", "bytes=100-")
        .send()
        .await
        .unwrap();
    assert_eq!(tail.status().as_u16(), 206);
    let expected_range = format!("bytes 100-{}/{}", whole.len() - 1, whole.len());
    assert_eq!(
        tail.headers()["content-range"].to_str().unwrap(),
        expected_range
    );
    assert_eq!(tail.text().await.unwrap(), &whole[100..]);

    sim.bulk().fail_downloads_after(1000, 1);
    let broken = client.get(&url).send().await.unwrap();
    assert!(
        broken.bytes().await.is_err(),
        "the body must end in an error"
    );
    assert_eq!(download(&url).await.1, whole, "only one download was cut");
    assert_eq!(sim.bulk().download_stats().cut, 1);

    sim.bulk().advance_clock(URL_LIFETIME_SECONDS);
    let expired = status(&sim, &id).await;
    assert_eq!(expired["status"], "EXPIRED");
    assert_eq!(expired["url"], Value::Null);
    assert_eq!(download(&url).await.0, 403);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_failed_operation_reports_its_error_code() {
    let sim = demo().await;
    sim.bulk()
        .fail_next_operations(shopdesk_shopify_sim::BulkErrorCode::AccessDenied, 1);
    let id = started(&sim, ORDERS_WITH_LINE_ITEMS).await;
    let op = finished(&sim, &id).await;
    assert_eq!(op["status"], "FAILED");
    assert_eq!(op["errorCode"], "ACCESS_DENIED");
    assert_eq!(op["url"], Value::Null);
    let other_mutation =
        "mutation { orderMarkAsPaid(input: { id: \"gid://shopify/Order/1\" }) { userErrors { message } } }";
    let (_, body) = graphql(&sim, other_mutation, json!({})).await;
    assert!(
        first_error_message(&body).contains("not implemented"),
        "{body}"
    );
    sim.shutdown().await;
}
