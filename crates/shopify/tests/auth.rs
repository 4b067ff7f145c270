//! Credentials against the real simulator over HTTP: minting with client credentials,
//! renewal, refused tokens and credentials, scopes, and secrets kept out of logs.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use shopdesk_shopify::{
    refresh_offline_token, Credentials, Feature, Secret, ShopifyClient, ShopifyConfig, ShopifyError,
};
use shopdesk_shopify_sim::oauth::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET};
use shopdesk_shopify_sim::{SimConfig, Simulator};

async fn small_sim() -> Simulator {
    Simulator::start(SimConfig::sized(7, 5, 5))
        .await
        .expect("simulator starts")
}

fn app_credentials(secret: &str) -> Credentials {
    Credentials::ClientCredentials {
        client_id: DEMO_CLIENT_ID.into(),
        client_secret: Secret::new(secret),
    }
}

fn minting_client(sim: &Simulator) -> ShopifyClient {
    let config =
        ShopifyConfig::for_graphql_url(sim.graphql_url(), app_credentials(DEMO_CLIENT_SECRET));
    ShopifyClient::new(config).expect("client")
}

#[tokio::test]
async fn client_credentials_mint_one_token_for_many_requests() {
    let sim = small_sim().await;
    let client = minting_client(&sim);
    let shop = client.fetch_shop().await.unwrap();
    assert_eq!(shop.name, sim.state().read().unwrap().shop.name);
    client.fetch_shop().await.unwrap();
    client.clone().fetch_shop().await.unwrap(); // clones share the token
    let stats = sim.auth().stats();
    assert_eq!((stats.client_credentials, stats.unauthorized), (1, 0));
    sim.shutdown().await;
}

#[tokio::test]
async fn a_token_that_expired_on_shopify_is_reminted_transparently() {
    let sim = small_sim().await;
    let client = minting_client(&sim);
    client.fetch_shop().await.unwrap();
    // Shopify's clock says a day has passed; the client's does not know.
    sim.advance_clock(Duration::from_secs(86_400));
    client.fetch_shop().await.unwrap();
    let stats = sim.auth().stats();
    assert_eq!((stats.client_credentials, stats.unauthorized), (2, 1));

    // Revoked early (rotated secret, reinstall): the same single re-mint.
    sim.auth().revoke_all();
    client.fetch_shop().await.unwrap();
    assert_eq!(sim.auth().stats().client_credentials, 3);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_token_is_renewed_five_minutes_before_it_expires() {
    let sim = small_sim().await;
    // 302 s: the client's renewal point (expiry minus 5 min) is 2 s after minting.
    sim.auth()
        .set_client_credentials_lifetime(Duration::from_secs(302));
    let client = minting_client(&sim);
    client.fetch_shop().await.unwrap();
    client.fetch_shop().await.unwrap();
    assert_eq!(sim.auth().stats().client_credentials, 1);
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    // The token endpoint refuses the early renewal: the current token still has minutes.
    sim.auth().set_shop_permitted(false);
    client.fetch_shop().await.unwrap();
    assert_eq!(sim.auth().stats().refused, 1);
    sim.auth().set_shop_permitted(true);
    client.fetch_shop().await.unwrap();
    let stats = sim.auth().stats();
    // Renewed ahead of time: no request was refused.
    assert_eq!((stats.client_credentials, stats.unauthorized), (2, 0));
    sim.shutdown().await;
}

#[tokio::test]
async fn a_revoked_access_token_gives_the_unauthorized_sentence() {
    let sim = small_sim().await;
    let client = ShopifyClient::new(ShopifyConfig::for_graphql_url(
        sim.graphql_url(),
        sim.access_token(),
    ))
    .unwrap();
    client.fetch_shop().await.unwrap();
    assert!(sim.auth().revoke(sim.access_token()));
    let error = client.check_connection().await.unwrap_err();
    assert!(
        matches!(error, ShopifyError::Unauthorized { .. }),
        "{error:?}"
    );
    let shop = sim.base_url().trim_start_matches("http://").to_string();
    assert_eq!(
        error.to_string(),
        format!("Shopify refused the access token for {shop}: reconnect the store")
    );
    // A fixed token cannot be re-minted: one request, no retry loop.
    assert_eq!(sim.auth().stats().unauthorized, 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn refused_credentials_and_wrong_addresses_are_sentences() {
    let sim = small_sim().await;
    let shop = sim.base_url().trim_start_matches("http://").to_string();

    sim.auth().set_shop_permitted(false);
    let error = minting_client(&sim).check_connection().await.unwrap_err();
    assert!(
        matches!(error, ShopifyError::ShopNotPermitted { .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("organization that owns the store"),
        "{error}"
    );
    sim.auth().set_shop_permitted(true);

    let config = ShopifyConfig::for_graphql_url(sim.graphql_url(), app_credentials("wrong"));
    let error = ShopifyClient::new(config)
        .unwrap()
        .check_connection()
        .await
        .unwrap_err();
    assert!(
        matches!(error, ShopifyError::InvalidClientCredentials { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!("Shopify did not accept the client ID and secret for {shop}: copy both again from your app's Settings page in the Dev Dashboard")
    );
    // Refusals are final: not retried.
    assert_eq!(sim.auth().stats().refused, 2);

    // No store at that address: the token endpoint answers 404.
    let url = format!(
        "{}/no-such-shop/admin/api/2026-10/graphql.json",
        sim.base_url()
    );
    let config = ShopifyConfig::for_graphql_url(url, app_credentials(DEMO_CLIENT_SECRET));
    let error = ShopifyClient::new(config)
        .unwrap()
        .check_connection()
        .await
        .unwrap_err();
    assert!(
        matches!(error, ShopifyError::UnknownShop { .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("There is no Shopify store at"),
        "{error}"
    );

    let error = ShopifyConfig::for_shop("acme.com", app_credentials("x")).unwrap_err();
    assert!(
        error.to_string().contains("myshopify.com domain"),
        "{error}"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn check_connection_lists_shop_plan_scopes_and_features() {
    let sim = small_sim().await;
    let client = minting_client(&sim);
    let report = client.check_connection().await.unwrap();
    let expected = sim.state().read().unwrap().shop.clone();
    assert_eq!(report.shop_name, expected.name);
    assert_eq!(report.myshopify_domain, expected.myshopify_domain);
    assert_eq!(report.plan, expected.plan_name);
    assert_eq!(report.features.len(), Feature::ALL.len());
    assert_eq!(report.missing().count(), 0, "{report:#?}");

    sim.auth()
        .set_scopes(Some(DEMO_CLIENT_ID), &["read_customers", "write_orders"]);
    let report = client.check_connection().await.unwrap();
    assert_eq!(report.granted_scopes, ["read_customers", "write_orders"]);
    let missing: Vec<(Feature, &str)> = report.missing().map(|f| (f.feature, f.scope)).collect();
    assert_eq!(
        missing,
        [
            (Feature::OrdersOlderThan60Days, "read_all_orders"),
            (Feature::Returns, "write_returns"),
            (Feature::Replacements, "write_draft_orders"),
        ]
    );
    for status in report.missing() {
        let advice = status.advice.as_deref().unwrap();
        assert!(
            advice.contains(&format!("lacks the {} scope", status.scope)),
            "{advice}"
        );
    }
    let returns = report
        .missing()
        .find(|f| f.feature == Feature::Returns)
        .unwrap();
    assert!(returns
        .advice
        .as_deref()
        .unwrap()
        .starts_with("Shopdesk cannot create returns"));
    sim.shutdown().await;
}

#[tokio::test]
async fn offline_tokens_rotate_and_a_dead_refresh_token_says_reconnect() {
    let sim = small_sim().await;
    let pair = sim.auth().issue_expiring_token(DEMO_CLIENT_ID).unwrap();
    let config = ShopifyConfig::for_graphql_url(sim.graphql_url(), "unused");
    let secret = Secret::new(DEMO_CLIENT_SECRET);
    let first = Secret::new(pair.refresh_token);

    let rotated = refresh_offline_token(&config, DEMO_CLIENT_ID, &secret, &first)
        .await
        .unwrap();
    assert_eq!(rotated.expires_in, Some(Duration::from_secs(3_600)));
    assert_ne!(rotated.refresh_token.expose(), first.expose());
    let client = ShopifyClient::new(ShopifyConfig::for_graphql_url(
        sim.graphql_url(),
        rotated.access_token.clone(),
    ))
    .unwrap();
    client.fetch_shop().await.unwrap();

    // The new refresh token is used: the first one is dead now.
    refresh_offline_token(&config, DEMO_CLIENT_ID, &secret, &rotated.refresh_token)
        .await
        .unwrap();
    let error = refresh_offline_token(&config, DEMO_CLIENT_ID, &secret, &first)
        .await
        .unwrap_err();
    assert!(
        matches!(error, ShopifyError::InvalidGrant { .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().ends_with("reconnect the store"),
        "{error}"
    );
    sim.shutdown().await;
}

/// A tracing writer that keeps everything written, for grepping.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// current_thread: every task runs on this thread, where the capturing subscriber is set.
#[tokio::test(flavor = "current_thread")]
async fn tokens_and_secrets_never_reach_logs_or_debug_output() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let sim = small_sim().await;
    let client = minting_client(&sim);
    let report = client.check_connection().await.unwrap();
    sim.advance_clock(Duration::from_secs(86_400)); // 401, then a re-mint
    client.check_connection().await.unwrap();
    let failed = ShopifyClient::new(ShopifyConfig::for_graphql_url(
        sim.graphql_url(),
        app_credentials("shpss_wrong_secret_value"),
    ))
    .unwrap()
    .check_connection()
    .await
    .unwrap_err();

    let tokens = sim.auth().issued_access_tokens();
    assert_eq!(tokens.len(), 2);
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("minted an access token"), "{logs}");
    assert!(logs.contains("minting a new one"), "{logs}");
    let debug = format!(
        "{client:?} {:?} {report:?} {failed:?} {failed}",
        client.config()
    );
    let secrets = tokens
        .iter()
        .map(String::as_str)
        .chain([DEMO_CLIENT_SECRET, "shpss_wrong_secret_value"]);
    for secret in secrets {
        assert!(!logs.contains(secret), "a secret is in the logs");
        assert!(
            !debug.contains(secret),
            "a secret is in Debug output: {debug}"
        );
    }
    sim.shutdown().await;
}
