//! The sign-in and the token lifecycle against a real local OAuth2 server
//! (tests/support/oauth-server: oauth2-mock-server with single-use refresh tokens). The "browser"
//! is an HTTP client that follows the sign-in page's redirect to the loopback listener, the way
//! a browser would after the user clicks Allow.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use reqwest::redirect::Policy;
use reqwest::Url;
use shopdesk_mail_oauth::{sign_in, MailOAuth, OAuthError, Provider, SignInOptions, TokenSet};
use shopdesk_secrets::{MemoryStore, SecretKey, SecretStore};
use shopdesk_test_support::oauth_server::OAuthServer;

const USER: &str = "support@shop.test";
const STEP_TIMEOUT: Duration = Duration::from_secs(60);

async fn bounded<T>(step: impl Future<Output = T>) -> T {
    tokio::time::timeout(STEP_TIMEOUT, step)
        .await
        .expect("test step timed out")
}

fn provider(server: &OAuthServer) -> Provider {
    Provider::custom(
        "Test provider",
        &server.authorize_url(),
        &server.token_url(),
        &["mail", "offline_access"],
        "shopdesk-test-client",
    )
}

fn options() -> SignInOptions {
    SignInOptions {
        timeout: Duration::from_secs(30),
        login_hint: Some(USER.into()),
    }
}

/// A browser that loads the sign-in page and follows its redirect, after `tamper` had a go at
/// the redirect address. It runs in the background, as the real browser does.
fn browser(
    tamper: impl FnOnce(Url) -> Url + Send + 'static,
) -> impl FnOnce(&str) -> Result<(), String> {
    move |url: &str| {
        let url = url.to_string();
        tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .redirect(Policy::none())
                .build()
                .unwrap();
            let page = http.get(&url).send().await.expect("the sign-in page");
            let location = page.headers()["location"].to_str().unwrap().to_string();
            let back = tamper(Url::parse(&location).unwrap());
            let _ = http.get(back).send().await;
        });
        Ok(())
    }
}

fn as_is(url: Url) -> Url {
    url
}

async fn signed_in(server: &OAuthServer) -> TokenSet {
    bounded(sign_in(&provider(server), &options(), browser(as_is)))
        .await
        .expect("signed in")
}

fn stored_refresh(store: &MemoryStore) -> Option<String> {
    let key = SecretKey::mail_oauth_refresh(USER).unwrap();
    store.get(&key).unwrap().map(|s| s.expose().to_string())
}

#[tokio::test]
async fn the_code_flow_uses_pkce_and_gives_tokens_for_the_mailbox() {
    let server = OAuthServer::start(USER);
    let tokens = signed_in(&server).await;

    assert!(!tokens.access_token.is_empty());
    assert!(tokens.refresh_token.is_some());
    assert!(tokens.expires_at.is_some());
    // The page was asked for with an S256 challenge, and the code came back with its verifier
    // (the server checks that the verifier hashes to the challenge).
    let events = server.events();
    assert_eq!(events[0]["event"], "authorize");
    assert_eq!(events[0]["challenge_method"], "S256");
    let exchanges = server.token_requests("authorization_code");
    assert_eq!(exchanges.len(), 1, "{events:?}");
    assert_eq!(exchanges[0]["verifier"], true);
    assert_eq!(exchanges[0]["client_id"], "shopdesk-test-client");
}

#[tokio::test]
async fn an_answer_with_another_state_is_refused_and_its_code_never_used() {
    let server = OAuthServer::start(USER);
    let forged_state = |mut url: Url| {
        let query: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| match k.as_ref() {
                "state" => (k.into_owned(), "forged".to_string()),
                _ => (k.into_owned(), v.into_owned()),
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(query);
        url
    };
    let error = bounded(sign_in(
        &provider(&server),
        &options(),
        browser(forged_state),
    ))
    .await
    .unwrap_err();
    assert!(matches!(error, OAuthError::StateMismatch), "{error:?}");
    assert!(error.to_string().contains("try again"), "{error}");
    assert!(server.token_requests("authorization_code").is_empty());
}

#[tokio::test]
async fn a_sign_in_page_that_never_comes_back_times_out_and_saves_nothing() {
    let server = OAuthServer::start(USER);
    let store = MemoryStore::new();
    let quick = SignInOptions {
        timeout: Duration::from_secs(2),
        ..options()
    };
    // The user closed the browser tab: nothing ever reaches the loopback listener.
    let error = bounded(sign_in(&provider(&server), &quick, |_url: &str| Ok(())))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "The sign-in page did not come back within 2 seconds; try again"
    );
    assert!(store.is_empty());
    assert!(server.events().is_empty());
}

#[tokio::test]
async fn a_refused_sign_in_is_reported_as_a_sentence() {
    let server = OAuthServer::start(USER);
    server.deny_next_authorization();
    let error = bounded(sign_in(&provider(&server), &options(), browser(as_is)))
        .await
        .unwrap_err();
    assert!(matches!(error, OAuthError::Denied { .. }), "{error:?}");
    let text = error.to_string();
    assert!(
        text.starts_with("The sign-in to Test provider was not allowed (access_denied"),
        "{text}"
    );
    assert!(text.contains("choose Allow"), "{text}");
    assert!(server.token_requests("authorization_code").is_empty());
}

#[tokio::test]
async fn tokens_are_refreshed_before_expiry_and_the_rotated_refresh_token_is_kept() {
    let server = OAuthServer::start(USER);
    server.set_token_lifetime(60);
    let tokens = signed_in(&server).await;
    let first_access = tokens.access_token.expose().to_string();
    let first_refresh = tokens.refresh_token.as_ref().unwrap().expose().to_string();
    let store = Arc::new(MemoryStore::new());
    let oauth = MailOAuth::signed_in(provider(&server), USER, store.clone(), tokens)
        .await
        .unwrap();
    assert_eq!(
        stored_refresh(&store).as_deref(),
        Some(first_refresh.as_str())
    );

    // 60 s left is inside the 5 minute margin: the token is refreshed before use.
    server.set_token_lifetime(3600);
    let second_access = bounded(oauth.access_token()).await.unwrap();
    assert_ne!(second_access.expose(), first_access);
    assert_eq!(server.token_requests("refresh_token").len(), 1);
    let rotated = stored_refresh(&store).unwrap();
    assert_ne!(rotated, first_refresh, "the rotated refresh token is saved");

    // An hour left: the same token, no request.
    let again = bounded(oauth.access_token()).await.unwrap();
    assert_eq!(again.expose(), second_access.expose());
    assert_eq!(server.token_requests("refresh_token").len(), 1);

    // The app starts again: only the keychain remembers, and that is enough.
    let restarted = MailOAuth::saved(provider(&server), USER, store.clone());
    let after_restart = bounded(restarted.access_token()).await.unwrap();
    assert_ne!(after_restart.expose(), second_access.expose());
    assert_ne!(stored_refresh(&store).unwrap(), rotated);
}

#[tokio::test]
async fn a_rejected_token_is_refreshed_once_and_a_revoked_sign_in_says_sign_in_again() {
    let server = OAuthServer::start(USER);
    let store = Arc::new(MemoryStore::new());
    let tokens = signed_in(&server).await;
    let oauth = MailOAuth::signed_in(provider(&server), USER, store.clone(), tokens)
        .await
        .unwrap();
    let first = bounded(oauth.access_token()).await.unwrap();
    let second = bounded(oauth.refresh_after_rejection(&first))
        .await
        .unwrap();
    assert_ne!(first.expose(), second.expose());
    // A connection that saw the old token rejected after another one refreshed gets the new
    // one, without spending the refresh token again.
    let same = bounded(oauth.refresh_after_rejection(&first))
        .await
        .unwrap();
    assert_eq!(same.expose(), second.expose());
    assert_eq!(server.token_requests("refresh_token").len(), 1);

    server.revoke_refresh_tokens();
    let error = bounded(oauth.refresh_after_rejection(&second))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "Test provider refused the sign-in for support@shop.test: sign in again"
    );
    assert!(error.needs_sign_in());
}

#[tokio::test]
async fn without_a_saved_sign_in_the_user_is_asked_to_sign_in() {
    let server = OAuthServer::start(USER);
    let oauth = MailOAuth::saved(provider(&server), USER, Arc::new(MemoryStore::new()));
    let error = bounded(oauth.access_token()).await.unwrap_err();
    assert!(matches!(error, OAuthError::NotSignedIn { .. }), "{error:?}");
    assert!(error.to_string().contains("sign in again"), "{error}");
    assert!(server.token_requests("refresh_token").is_empty());
}
