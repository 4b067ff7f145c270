//! Fault injection over real HTTP: each fault looks to a client like its real-world cause.

mod common;

use std::time::Duration;

use common::{demo, graphql};
use serde_json::{json, Value};
use shopdesk_shopify_sim::{Fault, Simulator};

const SHOP: &str = "{ shop { name } }";

async fn raw(sim: &Simulator) -> Result<reqwest::Response, reqwest::Error> {
    reqwest::Client::new()
        .post(sim.graphql_url())
        .header("X-Shopify-Access-Token", sim.access_token())
        .json(&json!({ "query": SHOP }))
        .send()
        .await
}

#[tokio::test]
async fn http_errors_come_with_their_status_and_retry_after() {
    let sim = demo().await;
    sim.faults().push(Fault::TooManyRequests {
        retry_after: Duration::from_secs(2),
    });
    sim.faults().push(Fault::ServerError(502));
    let response = raw(&sim).await.unwrap();
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(response.headers()["retry-after"], "2.0");
    assert_eq!(raw(&sim).await.unwrap().status().as_u16(), 502);
    // The queue is empty again: a normal answer.
    let (status, body) = graphql(&sim, SHOP, Value::Null).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(sim.faults().injected(), 2);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_dropped_connection_gets_no_answer() {
    let sim = demo().await;
    sim.faults().push(Fault::DropConnection);
    let error = raw(&sim).await.expect_err("no answer");
    assert!(error.is_request() || error.is_connect(), "{error:?}");
    let (status, _) = graphql(&sim, SHOP, Value::Null).await;
    assert_eq!(status, 200);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_truncated_body_fails_while_reading_it() {
    let sim = demo().await;
    sim.faults().push(Fault::TruncatedBody);
    let response = raw(&sim).await.expect("the headers arrive");
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.bytes().await.is_err(), "the body is cut short");

    sim.faults().push(Fault::CutJson);
    let text = raw(&sim).await.unwrap().text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    sim.shutdown().await;
}

#[tokio::test]
async fn throttled_empties_the_bucket_and_is_counted() {
    let sim = demo().await;
    sim.set_throttle(2_000.0, 1.0);
    sim.faults().push(Fault::Throttled);
    let (status, body) = graphql(&sim, SHOP, Value::Null).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "THROTTLED",
        "{body}"
    );
    assert_eq!(body["extensions"]["cost"]["actualQueryCost"], Value::Null);
    assert_eq!(sim.stats().throttled, 1);
    assert_eq!(sim.stats().requests, 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn slow_tampered_and_lost_answers() {
    let sim = demo().await;
    sim.faults().push(Fault::Slow(Duration::from_millis(200)));
    sim.faults().push(Fault::tamper(|body| {
        body["data"]["shop"]["name"] = json!("Tampered");
    }));
    sim.faults().push(Fault::ResponseLostAfterCommit);
    let (status, body) = graphql(&sim, SHOP, Value::Null).await;
    assert_eq!(
        (status, body["data"]["shop"]["name"].clone()),
        (200, json!("Northwind Coffee Co."))
    );
    let (_, body) = graphql(&sim, SHOP, Value::Null).await;
    assert_eq!(body["data"]["shop"]["name"], "Tampered");
    assert!(raw(&sim).await.is_err(), "the answer is lost");
    // It ran before its answer was lost: its points were spent.
    assert_eq!(sim.stats().requests, 3);
    assert!(sim.stats().points_consumed >= 3);
    sim.shutdown().await;
}

#[tokio::test]
async fn random_faults_follow_their_seed() {
    let sim = demo().await;
    sim.faults().set_random(
        42,
        0.5,
        vec![Fault::ServerError(500), Fault::ServerError(503)],
    );
    let mut statuses = Vec::new();
    for _ in 0..20 {
        statuses.push(raw(&sim).await.unwrap().status().as_u16());
    }
    sim.faults().set_random(
        42,
        0.5,
        vec![Fault::ServerError(500), Fault::ServerError(503)],
    );
    let mut again = Vec::new();
    for _ in 0..20 {
        again.push(raw(&sim).await.unwrap().status().as_u16());
    }
    assert_eq!(statuses, again);
    assert!(
        statuses.contains(&200) && statuses.iter().any(|s| *s >= 500),
        "{statuses:?}"
    );
    sim.faults().clear();
    assert_eq!(raw(&sim).await.unwrap().status().as_u16(), 200);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_mutation_that_times_out_after_commit_was_applied() {
    let sim = demo().await;
    let order = {
        let state = sim.state();
        let state = state.read().unwrap();
        shopdesk_shopify_sim::gid("Order", state.orders[0].legacy_id)
    };
    sim.faults()
        .push_mutation(Fault::TimeoutAfterCommit(Duration::from_millis(200)));
    // Queries pass while a mutation fault is armed.
    let (status, _) = graphql(&sim, SHOP, Value::Null).await;
    assert_eq!(status, 200);
    let mutation =
        "mutation T($id: ID!) { tagsAdd(id: $id, tags: [\"late\"]) { userErrors { message } } }";
    let answer = reqwest::Client::new()
        .post(sim.graphql_url())
        .header("X-Shopify-Access-Token", sim.access_token())
        .json(&json!({ "query": mutation, "variables": { "id": order } }))
        .send()
        .await;
    let lost = match answer {
        Err(_) => true,
        Ok(response) => response.bytes().await.is_err(),
    };
    assert!(lost, "the answer never arrives");
    assert_eq!(sim.state().read().unwrap().orders_tagged("late").len(), 1);
    assert_eq!(sim.faults().injected(), 1);
    sim.shutdown().await;
}
