//! Onboarding against real parts: the Shopify simulator over HTTP (tokens, scopes, client
//! credentials with expiry), a real Dovecot and SMTP sink, real SQLite files. Secrets go to an
//! in-memory secret store here (the keychain itself is tested in crates/secrets and in
//! tests/integration's no_secrets_at_rest).

use std::sync::Arc;
use std::time::Duration;

#[path = "onboarding/mail_sign_in.rs"]
mod mail_sign_in;
#[path = "onboarding/reenter.rs"]
mod reenter;

use std::path::Path;

use shopdesk_app::onboarding::{
    check_shop, forget_store, save_mailbox, save_shop, suggest_mail_servers, test_mailbox,
    LiveSetup, MailOAuthClients, MailSecurityView, MailboxInput, OnboardingError, SecretVault,
    ShopConnectInput, ShopCredentialInput, ShopEndpoints,
};
use shopdesk_app::App;
use shopdesk_secrets::MemoryStore;
use shopdesk_shopify::Credentials;
use shopdesk_shopify_sim::oauth::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET};
use shopdesk_shopify_sim::{SimConfig, Simulator};
use shopdesk_test_support::dovecot::{Dovecot, PASSWORD, USER};
use shopdesk_test_support::smtp_sink::SmtpSink;

pub(crate) struct Setup {
    sim: Simulator,
    endpoints: ShopEndpoints,
    domain: String,
    secrets: Arc<MemoryStore>,
    vault: SecretVault,
    dir: tempfile::TempDir,
}

pub(crate) async fn setup() -> Setup {
    let sim = Simulator::start(SimConfig::sized(7, 6, 12)).await.unwrap();
    sim.set_throttle(20_000.0, 1_000.0);
    let domain = sim.state().read().unwrap().shop.myshopify_domain.clone();
    let secrets = Arc::new(MemoryStore::new());
    Setup {
        endpoints: ShopEndpoints::with_base_url(sim.base_url()),
        vault: SecretVault::from_store(secrets.clone()),
        sim,
        domain,
        secrets,
        dir: tempfile::tempdir().unwrap(),
    }
}

/// The saved store as a launch finds it (no mailbox OAuth2 registrations).
fn saved_setup(
    dir: &Path,
    vault: &SecretVault,
    endpoints: &ShopEndpoints,
) -> Result<Option<LiveSetup>, OnboardingError> {
    shopdesk_app::onboarding::saved_setup(dir, vault, endpoints, &MailOAuthClients::default())
}

pub(crate) fn token_input(shop: &str, token: &str) -> ShopConnectInput {
    ShopConnectInput {
        shop: shop.to_string(),
        credential: ShopCredentialInput::AccessToken {
            token: token.to_string(),
        },
    }
}

pub(crate) fn client_input(shop: &str, secret: &str) -> ShopConnectInput {
    ShopConnectInput {
        shop: shop.to_string(),
        credential: ShopCredentialInput::ClientCredentials {
            client_id: DEMO_CLIENT_ID.to_string(),
            client_secret: secret.to_string(),
        },
    }
}

fn handle(domain: &str) -> &str {
    domain.strip_suffix(".myshopify.com").unwrap()
}

#[tokio::test]
async fn a_valid_token_reports_the_shop_its_plan_and_every_feature() {
    let s = setup().await;
    // The admin URL a merchant copies from the browser works as the store address.
    let admin_url = format!(
        "https://admin.shopify.com/store/{}/orders",
        handle(&s.domain)
    );
    let view = check_shop(&s.endpoints, token_input(&admin_url, s.sim.access_token()))
        .await
        .unwrap();
    assert_eq!(view.shop_domain, s.domain);
    assert_eq!(view.shop_name, "Northwind Coffee Co.");
    assert!(!view.plan.is_empty());
    assert!(view.can_connect);
    assert_eq!(view.features.len(), 6);
    assert!(
        view.features
            .iter()
            .all(|f| f.available && f.advice.is_none()),
        "{view:?}"
    );
    // A check saves nothing.
    assert!(s.secrets.is_empty());
    assert!(!s.dir.path().join("shopdesk.db").exists());
}

#[tokio::test]
async fn missing_scopes_are_explained_per_feature_and_without_orders_nothing_is_saved() {
    let s = setup().await;
    s.sim
        .auth()
        .set_scopes(None, &["read_orders", "read_customers"]);
    let view = check_shop(&s.endpoints, token_input(&s.domain, s.sim.access_token()))
        .await
        .unwrap();
    assert!(view.can_connect);
    let old = view
        .features
        .iter()
        .find(|f| f.scope == "read_all_orders")
        .unwrap();
    assert!(!old.available);
    let advice = old.advice.as_deref().unwrap();
    assert!(
        advice.starts_with("Orders older than 60 days need read_all_orders: in Shopify admin"),
        "{advice}"
    );
    let refunds = view.features.iter().find(|f| f.label == "Refunds").unwrap();
    assert!(refunds
        .advice
        .as_deref()
        .unwrap()
        .contains("add write_orders"));
    let missing: Vec<_> = view
        .features
        .iter()
        .filter(|f| !f.available)
        .map(|f| f.scope.as_str())
        .collect();
    assert_eq!(
        missing,
        [
            "read_all_orders",
            "write_orders",
            "write_returns",
            "write_draft_orders"
        ]
    );

    s.sim.auth().set_scopes(None, &["read_customers"]);
    let input = token_input(&s.domain, s.sim.access_token());
    let error = save_shop(s.dir.path(), &s.vault, &s.endpoints, input)
        .await
        .unwrap_err();
    assert!(
        matches!(error, OnboardingError::CannotReadOrders { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("add read_orders"), "{error}");
    assert!(s.secrets.is_empty(), "no secret saved");
    assert!(saved_setup(s.dir.path(), &s.vault, &s.endpoints)
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn wrong_addresses_revoked_tokens_and_dead_hosts_each_get_a_sentence() {
    let s = setup().await;
    let token = s.sim.access_token().to_string();
    let error = check_shop(&s.endpoints, token_input("acme.com", &token))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "shopDomain");
    assert!(
        error.to_string().contains("is not a Shopify store address"),
        "{error}"
    );

    let error = check_shop(&s.endpoints, token_input("other-shop", &token))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "wrongShop");
    assert!(
        error.to_string().contains(&format!(
            "belong to {}, not other-shop.myshopify.com",
            s.domain
        )),
        "{error}"
    );

    let error = check_shop(&s.endpoints, token_input(&s.domain, ""))
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("The Admin API access token is empty"),
        "{error}"
    );

    assert!(s.sim.auth().revoke(&token));
    let input = token_input(&s.domain, &token);
    let error = save_shop(s.dir.path(), &s.vault, &s.endpoints, input)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "tokenRefused");
    assert!(
        error.to_string().contains("refused this access token"),
        "{error}"
    );
    assert!(s.secrets.is_empty(), "nothing saved");

    let error = check_shop(&s.endpoints, client_input(&s.domain, "shpss_wrong"))
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("client ID and secret"),
        "{error}"
    );

    let port = shopdesk_test_support::free_port();
    let dead = ShopEndpoints::with_base_url(format!("http://127.0.0.1:{port}"));
    let error = check_shop(&dead, token_input(&s.domain, "shpat_x"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "unreachable");
    assert!(
        error
            .to_string()
            .starts_with(&format!("Shopdesk could not reach {}", s.domain)),
        "{error}"
    );
}

#[tokio::test]
async fn client_credentials_live_mode_renews_tokens_before_and_after_expiry() {
    let s = setup().await;
    // Shorter than the 5-minute renewal margin: every use renews before the token expires.
    s.sim
        .auth()
        .set_client_credentials_lifetime(Duration::from_secs(290));
    let input = client_input(&s.domain, DEMO_CLIENT_SECRET);
    save_shop(s.dir.path(), &s.vault, &s.endpoints, input)
        .await
        .unwrap();
    assert_eq!(s.secrets.len(), 1, "only the client secret is kept");

    let setup = saved_setup(s.dir.path(), &s.vault, &s.endpoints)
        .unwrap()
        .expect("saved");
    assert!(matches!(
        setup.shop.credentials,
        Credentials::ClientCredentials { .. }
    ));
    let app = App::start_live(s.dir.path(), &setup, |_| {}).await.unwrap();
    assert_eq!(app.live_shop_domain(), Some(s.domain.as_str()));
    let before = s.sim.auth().stats();

    // Still valid on Shopify's clock, but inside the margin: renewed without a 401.
    s.sim.advance_clock(Duration::from_secs(200));
    app.sync_shop_now().await.unwrap();
    let renewed = s.sim.auth().stats();
    assert!(
        renewed.client_credentials > before.client_credentials,
        "{renewed:?}"
    );
    assert_eq!(
        renewed.unauthorized, before.unauthorized,
        "no request carried a dead token"
    );

    // Longer lifetime now, then past its expiry: the 401 makes the client mint once more.
    s.sim
        .auth()
        .set_client_credentials_lifetime(Duration::from_secs(86_399));
    app.sync_shop_now().await.unwrap();
    s.sim.advance_clock(Duration::from_secs(90_000));
    let minted = s.sim.auth().stats().client_credentials;
    app.sync_shop_now().await.unwrap();
    let after = s.sim.auth().stats();
    assert!(after.client_credentials > minted, "{after:?}");
}

/// The saved store with these mailbox sign-in registrations.
fn saved_setup_with(s: &Setup, clients: &MailOAuthClients) -> Option<LiveSetup> {
    shopdesk_app::onboarding::saved_setup(s.dir.path(), &s.vault, &s.endpoints, clients).unwrap()
}

fn mailbox_input(dovecot: &Dovecot, smtp_port: u16, password: &str) -> MailboxInput {
    MailboxInput {
        address: USER.to_string(),
        username: String::new(),
        password: password.to_string(),
        imap_host: "127.0.0.1".into(),
        imap_port: dovecot.port,
        imap_security: MailSecurityView::Plain,
        smtp_host: "127.0.0.1".into(),
        smtp_port,
        smtp_security: MailSecurityView::Plain,
    }
}

#[tokio::test]
async fn a_mailbox_is_tested_before_it_is_saved() {
    let s = setup().await;
    let servers =
        suggest_mail_servers("help@acme-coffee.example", &MailOAuthClients::default()).unwrap();
    assert_eq!(servers.imap_host, "imap.acme-coffee.example");
    assert_eq!(
        suggest_mail_servers("help@gmail.com", &MailOAuthClients::default())
            .unwrap()
            .provider
            .as_deref(),
        Some("Gmail")
    );
    assert_eq!(
        suggest_mail_servers("nope", &MailOAuthClients::default())
            .unwrap_err()
            .kind(),
        "mailAddress"
    );

    let dovecot = Dovecot::start();
    let sink = SmtpSink::start(USER, PASSWORD);

    let wrong = mailbox_input(&dovecot, sink.port, "not-the-password");
    let error = save_mailbox(s.dir.path(), &s.vault, &wrong)
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("refused the login for support@shop.test"),
        "{text}"
    );
    assert!(text.ends_with("Nothing was saved."), "{text}");
    assert!(s.secrets.is_empty());

    // IMAP accepts, the SMTP login does not (another password there): still nothing saved.
    let smtp_refuses = SmtpSink::start(USER, "another-password");
    let input = mailbox_input(&dovecot, smtp_refuses.port, PASSWORD);
    let error = test_mailbox(&input).await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("outgoing mail server refused the login for support@shop.test"),
        "{error}"
    );

    // Right settings: saved, and the saved store comes back with its mailbox.
    save_shop(
        s.dir.path(),
        &s.vault,
        &s.endpoints,
        token_input(&s.domain, s.sim.access_token()),
    )
    .await
    .unwrap();
    save_mailbox(
        s.dir.path(),
        &s.vault,
        &mailbox_input(&dovecot, sink.port, PASSWORD),
    )
    .await
    .unwrap();
    let setup = saved_setup(s.dir.path(), &s.vault, &s.endpoints)
        .unwrap()
        .unwrap();
    let mail = setup.mail.expect("mailbox saved");
    assert_eq!(mail.imap.imap_port, dovecot.port);
    assert_eq!(mail.imap.password, PASSWORD);
    assert_eq!(s.secrets.len(), 2);
}

#[tokio::test]
async fn forgetting_the_store_removes_its_data_and_secrets() {
    let s = setup().await;
    let input = token_input(&s.domain, s.sim.access_token());
    save_shop(s.dir.path(), &s.vault, &s.endpoints, input)
        .await
        .unwrap();
    let setup = saved_setup(s.dir.path(), &s.vault, &s.endpoints)
        .unwrap()
        .unwrap();
    let app = App::start_live(s.dir.path(), &setup, |_| {}).await.unwrap();
    app.shutdown().await;
    drop(app);
    assert!(s.dir.path().join("shopdesk.db").exists());

    forget_store(s.dir.path(), &s.vault).unwrap();
    assert!(s.secrets.is_empty(), "keychain entries deleted");
    for file in ["shopdesk.db", "shopdesk.db-wal", "shopdesk.db-shm"] {
        assert!(!s.dir.path().join(file).exists(), "{file} deleted");
    }
    assert!(saved_setup(s.dir.path(), &s.vault, &s.endpoints)
        .unwrap()
        .is_none());
    // The folder is usable again: a new database opens empty.
    let fresh = App::open(s.dir.path()).unwrap();
    assert!(fresh.list_tickets().unwrap().is_empty());
}
