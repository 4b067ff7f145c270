//! Credentials never at rest outside the keychain: after a full demo run and a live run
//! (custom-app token, then client credentials with minted tokens; a mailbox on a real Dovecot
//! and SMTP sink), every file Shopdesk wrote (the SQLite database with its -wal and -shm files,
//! the debug-level log) is searched for every secret used: zero hits. The secrets must be in
//! the keychain (gnome-keyring on a private D-Bus), and not in plain text in its files either.
//!
//! Then a mailbox that signs in with OAuth2 (the local OAuth2 server, Dovecot and the SMTP
//! sink taking XOAUTH2): every access and refresh token the server gave is searched for too.
//!
//! One #[test]: the keychain is found through the process-wide session-bus variable.

#[allow(dead_code)]
#[path = "../../../crates/secrets/tests/support/mod.rs"]
mod keyring_support;
#[path = "no_secrets_at_rest/token_tap.rs"]
mod token_tap;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use shopdesk_app::onboarding::{
    save_mailbox, save_shop, sign_in_mailbox, LiveSetup, MailOAuthClients, MailSecurityView,
    MailboxInput, OnboardingError, SecretVault, ShopConnectInput, ShopCredentialInput,
    ShopEndpoints, SignInProviderView,
};
use shopdesk_app::{App, NoEvents};
use shopdesk_secrets::SecretKey;
use shopdesk_shopify_sim::oauth::SimApp;
use shopdesk_shopify_sim::{SimConfig, Simulator};
use shopdesk_test_support::dovecot::{Dovecot, USER};
use shopdesk_test_support::oauth_server::OAuthServer;
use shopdesk_test_support::smtp_sink::SmtpSink;

const LIVE_TOKEN: &str = "shpat_nosecretsatrest_live_7c1e9b2d4a6f8e0c";
const CLIENT_ID: &str = "nosecretsatrest-client-id";
const CLIENT_SECRET: &str = "shpss_nosecretsatrest_client_2f4b6d8a0c1e";
const MAIL_PASSWORD: &str = "Pw-nosecretsatrest-mailbox-9d8c7b6a";
const RUN_TIMEOUT: Duration = Duration::from_secs(240);

#[test]
fn no_secret_is_written_to_the_database_the_log_or_any_file() {
    let work = tempfile::tempdir().unwrap();
    let log_path = work.path().join("shopdesk.log");
    let log = std::fs::File::create(&log_path).unwrap();
    // Debug level for everything: a leak at any level is a leak.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("debug"))
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(log))
        .init();

    let mut desktop = keyring_support::Desktop::new();
    keyring_support::point_session_bus_at(desktop.bus.address());
    desktop.start_keyring(true);
    let vault = SecretVault::keychain().expect("the keychain on the private bus");

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut secrets: Vec<String> = vec![
        LIVE_TOKEN.into(),
        CLIENT_SECRET.into(),
        MAIL_PASSWORD.into(),
    ];
    let domain = runtime.block_on(async {
        tokio::time::timeout(RUN_TIMEOUT, runs(work.path(), &vault, &mut secrets))
            .await
            .expect("the runs finish in time")
    });

    // The keychain has them (so they were really used and kept) ...
    let token_key = SecretKey::shopify_access_token(&domain).unwrap();
    assert_eq!(vault.get(&token_key).unwrap().unwrap().expose(), LIVE_TOKEN);
    let secret_key = SecretKey::shopify_client_secret(&domain).unwrap();
    assert_eq!(
        vault.get(&secret_key).unwrap().unwrap().expose(),
        CLIENT_SECRET
    );
    // The same address signed in with OAuth2 last: its refresh token replaced the password.
    let mail_key = SecretKey::mail_password(USER).unwrap();
    assert!(vault.get(&mail_key).unwrap().is_none());
    let refresh_key = SecretKey::mail_oauth_refresh(USER).unwrap();
    assert!(vault.get(&refresh_key).unwrap().is_some());

    // ... and no file holds any of them: not the databases, not the log.
    let files = files_under(work.path());
    assert!(
        files.iter().any(|f| f.ends_with("shopdesk.db")),
        "{files:?}"
    );
    let log_text = std::fs::read_to_string(&log_path).unwrap();
    assert!(log_text.contains("store saved"), "the log was written");
    // The grep reads the right files: non-secret settings are found in them.
    assert!(
        !files_containing(&files, CLIENT_ID.as_bytes()).is_empty(),
        "the client id (not a secret) is in the database"
    );
    for secret in &secrets {
        let found = files_containing(&files, secret.as_bytes());
        assert!(found.is_empty(), "a secret is in plain text in {found:?}");
        let in_keyring = desktop.files_containing(secret.as_bytes());
        assert!(
            in_keyring.is_empty(),
            "a secret is in plain text in {in_keyring:?}"
        );
    }
    eprintln!(
        "searched {} files for {} secrets: none found",
        files.len(),
        secrets.len()
    );
}

async fn runs(work: &Path, vault: &SecretVault, secrets: &mut Vec<String>) -> String {
    // A full demo run.
    let demo = App::start_demo(&work.join("demo")).await.expect("demo");
    assert!(!demo.list_tickets().unwrap().is_empty());
    secrets.push(demo.demo_info().unwrap().access_token);
    demo.shutdown().await;
    drop(demo);

    // A live run with a custom app's token and a real mailbox.
    let sim = Simulator::start(SimConfig {
        access_token: LIVE_TOKEN.into(),
        ..SimConfig::sized(3, 6, 12)
    })
    .await
    .unwrap();
    sim.set_throttle(20_000.0, 1_000.0);
    sim.auth().register_app(SimApp {
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        ..SimApp::demo()
    });
    let domain = sim.state().read().unwrap().shop.myshopify_domain.clone();
    let endpoints = ShopEndpoints::with_base_url(sim.base_url());
    let dovecot = Dovecot::start_with(&format!(
        "passdb {{\n  driver = static\n  args = password={MAIL_PASSWORD}\n}}\n"
    ));
    let sink = SmtpSink::start(USER, MAIL_PASSWORD);

    let live = work.join("live");
    let token = ShopConnectInput {
        shop: domain.clone(),
        credential: ShopCredentialInput::AccessToken {
            token: LIVE_TOKEN.into(),
        },
    };
    save_shop(&live, vault, &endpoints, token).await.unwrap();
    let mailbox = MailboxInput {
        address: USER.into(),
        username: String::new(),
        password: MAIL_PASSWORD.into(),
        imap_host: "127.0.0.1".into(),
        imap_port: dovecot.port,
        imap_security: MailSecurityView::Plain,
        smtp_host: "127.0.0.1".into(),
        smtp_port: sink.port,
        smtp_security: MailSecurityView::Plain,
    };
    save_mailbox(&live, vault, &mailbox).await.unwrap();
    let setup = saved_setup(&live, vault, &endpoints)
        .unwrap()
        .expect("saved");
    let account = setup.mail.clone().expect("mailbox saved");
    let app = App::start_live(&live, &setup, |_| {}).await.unwrap();
    app.connect_mailbox(account, Arc::new(NoEvents))
        .await
        .unwrap();
    app.sync_shop_now().await.unwrap();
    // While it runs, SQLite's -wal file holds the latest writes: searched too.
    let running = files_under(work);
    assert!(
        running.iter().any(|f| f.ends_with("shopdesk.db-wal")),
        "{running:?}"
    );
    for secret in [LIVE_TOKEN, MAIL_PASSWORD] {
        let found = files_containing(&running, secret.as_bytes());
        assert!(found.is_empty(), "a secret is in plain text in {found:?}");
    }
    app.shutdown().await;
    drop(app);

    // A live run with client credentials: tokens minted, all of them secrets too.
    let minted_dir = work.join("live-client-credentials");
    let client = ShopConnectInput {
        shop: domain.clone(),
        credential: ShopCredentialInput::ClientCredentials {
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
        },
    };
    save_shop(&minted_dir, vault, &endpoints, client)
        .await
        .unwrap();
    let setup = saved_setup(&minted_dir, vault, &endpoints)
        .unwrap()
        .expect("saved");
    let app = App::start_live(&minted_dir, &setup, |_| {}).await.unwrap();
    app.sync_shop_now().await.unwrap();
    let minted = sim.auth().issued_access_tokens();
    let running = files_under(work);
    for secret in minted.iter().map(String::as_str).chain([CLIENT_SECRET]) {
        let found = files_containing(&running, secret.as_bytes());
        assert!(found.is_empty(), "a secret is in plain text in {found:?}");
    }
    app.shutdown().await;
    drop(app);
    let minted = sim.auth().issued_access_tokens();
    assert!(!minted.is_empty(), "client credentials minted tokens");
    secrets.extend(minted);
    let mail_key = SecretKey::mail_password(USER).unwrap();
    assert_eq!(
        vault.get(&mail_key).unwrap().unwrap().expose(),
        MAIL_PASSWORD
    );

    oauth_mailbox_run(
        &work.join("live-oauth"),
        vault,
        &endpoints,
        &domain,
        secrets,
    )
    .await;
    sim.shutdown().await;
    domain
}

/// The saved store with no mailbox sign-in registrations.
fn saved_setup(
    dir: &Path,
    vault: &SecretVault,
    endpoints: &ShopEndpoints,
) -> Result<Option<LiveSetup>, OnboardingError> {
    shopdesk_app::onboarding::saved_setup(dir, vault, endpoints, &MailOAuthClients::default())
}

/// A live run whose mailbox signs in with OAuth2: onboarding's sign-in (a "browser" that
/// follows the sign-in page), the live start from the keychain (a refresh), IMAP and SMTP.
async fn oauth_mailbox_run(
    dir: &Path,
    vault: &SecretVault,
    endpoints: &ShopEndpoints,
    domain: &str,
    secrets: &mut Vec<String>,
) {
    let oauth = OAuthServer::start(USER);
    let dovecot = Dovecot::start_with_oauth(&oauth.tokeninfo_url());
    let sink = SmtpSink::start_xoauth2(USER, &format!("{}/tokeninfo", oauth.url()));
    let tap = token_tap::TokenTap::start(oauth.port).await;
    let clients = MailOAuthClients::default().with_local_server(tap.url());
    let token = ShopConnectInput {
        shop: domain.to_string(),
        credential: ShopCredentialInput::AccessToken {
            token: LIVE_TOKEN.into(),
        },
    };
    save_shop(dir, vault, endpoints, token).await.unwrap();
    let mailbox = MailboxInput {
        address: USER.into(),
        username: String::new(),
        password: String::new(),
        imap_host: "127.0.0.1".into(),
        imap_port: dovecot.port,
        imap_security: MailSecurityView::Plain,
        smtp_host: "127.0.0.1".into(),
        smtp_port: sink.port,
        smtp_security: MailSecurityView::Plain,
    };
    let browser = |url: &str| {
        let url = url.to_string();
        tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::limited(3))
                .build()
                .unwrap();
            let _ = http.get(url).send().await;
        });
        Ok(())
    };
    let provider = SignInProviderView::Local;
    sign_in_mailbox(dir, vault, &clients, &mailbox, provider, browser)
        .await
        .expect("signed in, tested and saved");
    let setup = shopdesk_app::onboarding::saved_setup(dir, vault, endpoints, &clients)
        .unwrap()
        .expect("saved");
    let account = setup.mail.clone().expect("the OAuth2 mailbox comes back");
    let app = App::start_live(dir, &setup, |_| {}).await.unwrap();
    app.connect_mailbox(account, Arc::new(NoEvents))
        .await
        .unwrap();
    let access = tap.tokens("access_token");
    let refresh = tap.tokens("refresh_token");
    // The sign-in, and the refresh of the live start.
    assert!(access.len() >= 2, "{access:?}");
    assert!(refresh.len() >= 2, "{refresh:?}");
    let kept = vault
        .get(&SecretKey::mail_oauth_refresh(USER).unwrap())
        .unwrap()
        .expect("the refresh token is in the keychain");
    assert!(refresh.iter().any(|r| r == kept.expose()));
    let running = files_under(dir);
    for secret in access.iter().chain(&refresh) {
        let found = files_containing(&running, secret.as_bytes());
        assert!(found.is_empty(), "a token is in plain text in {found:?}");
    }
    app.shutdown().await;
    drop(app);
    secrets.extend(access);
    secrets.extend(refresh);
}

fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

fn files_containing(files: &[PathBuf], needle: &[u8]) -> Vec<PathBuf> {
    files
        .iter()
        .filter(|f| {
            std::fs::read(f)
                .unwrap_or_default()
                .windows(needle.len())
                .any(|w| w == needle)
        })
        .cloned()
        .collect()
}
