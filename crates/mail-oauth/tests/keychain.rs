//! The refresh token in a real keychain: gnome-keyring's Secret Service on a private D-Bus (the
//! throw-away desktop of crates/secrets' own tests), signed in against the local OAuth2 server.
//!
//! keyring finds the bus through DBUS_SESSION_BUS_ADDRESS, which is process-wide: this binary
//! holds one test.

#[allow(dead_code)] // shared with crates/secrets' tests, which use the rest
#[path = "../../secrets/tests/support/mod.rs"]
mod desktop;

use std::sync::Arc;
use std::time::Duration;

use reqwest::redirect::Policy;
use shopdesk_mail_oauth::{sign_in, MailOAuth, Provider, SignInOptions};
use shopdesk_secrets::{open_store, SecretKey, SecretStore, StoreChoice};
use shopdesk_test_support::oauth_server::OAuthServer;

const USER: &str = "support@shop.test";
const STEP_TIMEOUT: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_refresh_token_lives_in_the_keychain_and_survives_a_restart() {
    let mut desktop = desktop::Desktop::new();
    desktop::point_session_bus_at(desktop.bus.address());
    desktop.start_keyring(true);
    let keychain = Arc::new(open_store(StoreChoice::KeychainOnly, Duration::from_secs(3)).unwrap());
    let server = OAuthServer::start(USER);
    let provider = Provider::custom(
        "Test provider",
        &server.authorize_url(),
        &server.token_url(),
        &["mail"],
        "shopdesk-test-client",
    );

    let browser = |url: &str| {
        let url = url.to_string();
        tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .redirect(Policy::limited(3))
                .build()
                .unwrap();
            let _ = http.get(url).send().await;
        });
        Ok(())
    };
    let options = SignInOptions {
        timeout: Duration::from_secs(30),
        login_hint: Some(USER.into()),
    };
    let tokens = tokio::time::timeout(STEP_TIMEOUT, sign_in(&provider, &options, browser))
        .await
        .unwrap()
        .unwrap();
    let first_refresh = tokens.refresh_token.clone().unwrap();
    let oauth = MailOAuth::signed_in(provider.clone(), USER, keychain.clone(), tokens)
        .await
        .unwrap();
    let key = SecretKey::mail_oauth_refresh(USER).unwrap();
    assert_eq!(
        keychain.get(&key).unwrap().unwrap().expose(),
        first_refresh.expose()
    );
    // gnome-keyring keeps it encrypted: no file in the desktop's HOME holds it in clear.
    assert!(desktop
        .files_containing(first_refresh.expose().as_bytes())
        .is_empty());

    // The app restarts: a sign-in from the keychain alone refreshes, and the rotated refresh
    // token replaces the spent one there.
    drop(oauth);
    let restarted = MailOAuth::saved(provider, USER, keychain.clone());
    tokio::time::timeout(STEP_TIMEOUT, restarted.access_token())
        .await
        .unwrap()
        .unwrap();
    let rotated = keychain.get(&key).unwrap().unwrap();
    assert_ne!(rotated.expose(), first_refresh.expose());
    assert_eq!(server.token_requests("refresh_token").len(), 1);

    // Signing out deletes it.
    restarted.forget().await.unwrap();
    assert!(keychain.get(&key).unwrap().is_none());
}
