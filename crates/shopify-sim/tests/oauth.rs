//! The token endpoint and token expiry, over HTTP.

mod common;

use std::time::Duration;

use serde_json::{json, Value};
use shopdesk_shopify_sim::oauth::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_SCOPES};
use shopdesk_shopify_sim::{SimConfig, Simulator};

async fn token_request(sim: &Simulator, form: &[(&str, &str)]) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(sim.token_url())
        .form(form)
        .send()
        .await
        .expect("request sent");
    (
        response.status().as_u16(),
        response.json().await.expect("JSON body"),
    )
}

async fn client_credentials(sim: &Simulator) -> (u16, Value) {
    token_request(
        sim,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", DEMO_CLIENT_ID),
            ("client_secret", DEMO_CLIENT_SECRET),
        ],
    )
    .await
}

async fn refresh(sim: &Simulator, refresh_token: &str) -> (u16, Value) {
    token_request(
        sim,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", DEMO_CLIENT_ID),
            ("client_secret", DEMO_CLIENT_SECRET),
            ("refresh_token", refresh_token),
        ],
    )
    .await
}

const SCOPES_QUERY: &str =
    "{ shop { name } currentAppInstallation { accessScopes { handle } app { apiKey } } }";

/// Status and body of a GraphQL request with `token`.
async fn graphql_as(sim: &Simulator, token: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(sim.graphql_url())
        .header("X-Shopify-Access-Token", token)
        .json(&json!({ "query": SCOPES_QUERY }))
        .send()
        .await
        .expect("request sent");
    (
        response.status().as_u16(),
        response.json().await.expect("JSON body"),
    )
}

fn handles(body: &Value) -> Vec<String> {
    body["data"]["currentAppInstallation"]["accessScopes"]
        .as_array()
        .unwrap_or_else(|| panic!("no scopes in {body}"))
        .iter()
        .map(|s| s["handle"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn client_credentials_mint_a_day_long_token_with_the_apps_scopes() {
    let sim = common::demo().await;
    let (status, body) = client_credentials(&sim).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["expires_in"], 86_399);
    assert_eq!(body["scope"], DEMO_SCOPES.join(","));
    let token = body["access_token"].as_str().unwrap().to_string();
    assert!(token.starts_with("shpat_"));

    let (status, answer) = graphql_as(&sim, &token).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(handles(&answer), DEMO_SCOPES);
    assert_eq!(
        answer["data"]["currentAppInstallation"]["app"]["apiKey"],
        DEMO_CLIENT_ID
    );

    // Scopes belong to the installation: a change applies to tokens already issued.
    sim.auth()
        .set_scopes(Some(DEMO_CLIENT_ID), &["read_orders"]);
    let (_, answer) = graphql_as(&sim, &token).await;
    assert_eq!(handles(&answer), ["read_orders"]);

    // Valid until the simulated clock passes 86,399 s, then 401 like Shopify.
    sim.advance_clock(Duration::from_secs(86_398));
    assert_eq!(graphql_as(&sim, &token).await.0, 200);
    sim.advance_clock(Duration::from_secs(1));
    let (status, body) = graphql_as(&sim, &token).await;
    assert_eq!(status, 401, "{body}");
    let stats = sim.auth().stats();
    assert_eq!((stats.client_credentials, stats.unauthorized), (1, 1));
    sim.shutdown().await;
}

#[tokio::test]
async fn token_requests_are_refused_like_shopify() {
    let sim = common::demo().await;
    let (status, body) = token_request(
        &sim,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", DEMO_CLIENT_ID),
            ("client_secret", "wrong"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_client"))
    );

    sim.auth().set_shop_permitted(false);
    let (status, body) = client_credentials(&sim).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("shop_not_permitted"))
    );
    assert!(body["error_description"].is_string());

    let (status, body) = token_request(&sim, &[("grant_type", "password")]).await;
    assert_eq!(status, 400, "{body}");

    // JSON bodies are accepted too.
    sim.auth().set_shop_permitted(true);
    let response = reqwest::Client::new()
        .post(sim.token_url())
        .json(&json!({
            "grant_type": "client_credentials",
            "client_id": DEMO_CLIENT_ID,
            "client_secret": DEMO_CLIENT_SECRET,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(sim.auth().stats().refused, 3);
    sim.shutdown().await;
}

#[tokio::test]
async fn refresh_tokens_rotate_with_a_grace_for_the_previous_one() {
    let sim = common::demo().await;
    let first = sim.auth().issue_expiring_token(DEMO_CLIENT_ID).unwrap();

    let (status, second) = refresh(&sim, &first.refresh_token).await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(second["expires_in"], 3_600);
    let second_refresh = second["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(second_refresh, first.refresh_token);

    // The answer may have been lost: the old refresh token still works until the new one
    // is used.
    let (status, retried) = refresh(&sim, &first.refresh_token).await;
    assert_eq!(status, 200, "{retried}");
    let (status, third) = refresh(&sim, &second_refresh).await;
    assert_eq!(status, 200, "{third}");
    let (status, dead) = refresh(&sim, &first.refresh_token).await;
    assert_eq!(
        (status, dead["error"].as_str()),
        (400, Some("invalid_grant"))
    );

    // Expiring access tokens live an hour on the simulated clock.
    let access = third["access_token"].as_str().unwrap();
    assert_eq!(graphql_as(&sim, access).await.0, 200);
    sim.advance_clock(Duration::from_secs(3_600));
    assert_eq!(graphql_as(&sim, access).await.0, 401);

    // Revoked (app uninstalled): refresh tokens are dead, the configured token too.
    sim.auth().revoke_all();
    let third_refresh = third["refresh_token"].as_str().unwrap();
    assert_eq!(
        refresh(&sim, third_refresh).await.1["error"],
        "invalid_grant"
    );
    assert_eq!(graphql_as(&sim, sim.access_token()).await.0, 401);
    sim.shutdown().await;
}

#[tokio::test]
async fn the_configured_token_has_its_own_scopes() {
    let sim = common::start(SimConfig::sized(1, 3, 3)).await;
    let (status, body) = graphql_as(&sim, sim.access_token()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(handles(&body), DEMO_SCOPES);
    sim.auth()
        .set_scopes(None, &["read_orders", "read_customers"]);
    assert_eq!(
        handles(&graphql_as(&sim, sim.access_token()).await.1),
        ["read_orders", "read_customers"]
    );
    assert!(sim.auth().revoke(sim.access_token()));
    assert_eq!(graphql_as(&sim, sim.access_token()).await.0, 401);
    sim.shutdown().await;
}
