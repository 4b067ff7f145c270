//! "Sign in with …" for the support mailbox against the local OAuth2 server, a Dovecot that
//! checks each XOAUTH2 token there and an SMTP sink doing the same. The "browser" follows the
//! sign-in page's redirect with an HTTP client, as the mail-oauth tests do.

use std::time::Duration;

use reqwest::redirect::Policy;
use shopdesk_app::onboarding::{
    save_mailbox, saved_accounts, sign_in_mailbox, sign_in_saved_mailbox, suggest_mail_servers,
    MailOAuthClients, SignInProviderView,
};
use shopdesk_mailbox::autoconfig::probe_account;
use shopdesk_mailbox::MailAuth;
use shopdesk_secrets::SecretKey;
use shopdesk_store::Store;
use shopdesk_test_support::dovecot::{Dovecot, PASSWORD, USER};
use shopdesk_test_support::oauth_server::OAuthServer;
use shopdesk_test_support::smtp_sink::SmtpSink;

use super::{mailbox_input, save_shop, saved_setup_with, setup, token_input};

const STEP: Duration = Duration::from_secs(90);

/// Opens the sign-in page like a browser would, without waiting for the user.
fn browser(url: &str) -> Result<(), String> {
    let url = url.to_string();
    tokio::spawn(async move {
        let http = reqwest::Client::builder()
            .redirect(Policy::limited(3))
            .build()
            .unwrap();
        let _ = http.get(url).send().await;
    });
    Ok(())
}

struct MailRig {
    oauth: OAuthServer,
    dovecot: Dovecot,
    sink: SmtpSink,
    clients: MailOAuthClients,
}

fn mail_rig() -> MailRig {
    let oauth = OAuthServer::start(USER);
    let dovecot = Dovecot::start_with_oauth(&oauth.tokeninfo_url());
    let sink = SmtpSink::start_xoauth2(USER, &format!("{}/tokeninfo", oauth.url()));
    let clients = MailOAuthClients::default().with_local_server(oauth.url());
    MailRig {
        oauth,
        dovecot,
        sink,
        clients,
    }
}

fn mail_settings(dir: &std::path::Path) -> Option<shopdesk_store::MailAccountSettings> {
    Store::open(&dir.join("shopdesk.db"))
        .unwrap()
        .mail_account_settings()
        .unwrap()
}

#[tokio::test]
async fn oauth_sign_in_is_tested_over_imap_and_smtp_before_it_is_saved() {
    let s = setup().await;
    let rig = mail_rig();
    let offer = suggest_mail_servers(USER, &rig.clients)
        .unwrap()
        .sign_in
        .expect("a sign-in is offered");
    assert_eq!(offer.provider, SignInProviderView::Local);
    assert!(offer.available);
    save_shop(
        s.dir.path(),
        &s.vault,
        &s.endpoints,
        token_input(&s.domain, s.sim.access_token()),
    )
    .await
    .unwrap();
    let input = mailbox_input(&rig.dovecot, rig.sink.port, "");

    // The user says no on the sign-in page: a sentence, and nothing saved.
    rig.oauth.deny_next_authorization();
    let sign_in = sign_in_mailbox(
        s.dir.path(),
        &s.vault,
        &rig.clients,
        &input,
        SignInProviderView::Local,
        browser,
    );
    let error = tokio::time::timeout(STEP, sign_in)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(error.kind(), "signInAgain", "{error}");
    assert!(error.to_string().contains("sign in again"), "{error}");
    assert!(error.to_string().ends_with("Nothing was saved."), "{error}");
    assert_eq!(s.secrets.len(), 1, "only the store's token");
    assert_eq!(mail_settings(s.dir.path()), None);

    // Signed in, but the SMTP server is not one that takes the token: still nothing saved.
    let wrong_smtp = SmtpSink::start(USER, PASSWORD);
    let refused = mailbox_input(&rig.dovecot, wrong_smtp.port, "");
    let sign_in = sign_in_mailbox(
        s.dir.path(),
        &s.vault,
        &rig.clients,
        &refused,
        SignInProviderView::Local,
        browser,
    );
    let error = tokio::time::timeout(STEP, sign_in)
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        error.to_string().contains("outgoing mail server"),
        "{error}"
    );
    assert_eq!(s.secrets.len(), 1, "no refresh token kept: {error}");
    assert_eq!(mail_settings(s.dir.path()), None);

    // Right servers: IMAP and SMTP both took the token, then it was saved.
    let sign_in = sign_in_mailbox(
        s.dir.path(),
        &s.vault,
        &rig.clients,
        &input,
        SignInProviderView::Local,
        browser,
    );
    tokio::time::timeout(STEP, sign_in).await.unwrap().unwrap();
    // Dovecot and the SMTP sink each asked the server about the token, and it was live.
    let live_checks = rig
        .oauth
        .events()
        .iter()
        .filter(|e| e["event"] == "tokeninfo" && e["active"] == true)
        .count();
    assert!(
        live_checks >= 2,
        "{:?} {}",
        rig.oauth.events(),
        rig.sink.log()
    );
    let settings = mail_settings(s.dir.path()).expect("saved");
    assert_eq!(settings.auth_kind, "oauth2");
    assert_eq!(settings.oauth_provider.as_deref(), Some("local"));
    let refresh_key = SecretKey::mail_oauth_refresh(USER).unwrap();
    assert!(s.vault.get(&refresh_key).unwrap().is_some());
    assert!(s
        .vault
        .get(&SecretKey::mail_password(USER).unwrap())
        .unwrap()
        .is_none());
    let accounts = saved_accounts(s.dir.path(), None).unwrap();
    assert_eq!(accounts.mailbox_sign_in, Some(SignInProviderView::Local));

    // A launch picks the sign-in up from the keychain: a refresh, then both logins.
    let refreshes = rig.oauth.token_requests("refresh_token").len();
    let setup = saved_setup_with(&s, &rig.clients).expect("saved store");
    let mail = setup.mail.expect("the mailbox comes back");
    assert!(matches!(mail.imap.auth, MailAuth::OAuth2(_)));
    assert!(mail.imap.password.is_empty());
    tokio::time::timeout(STEP, probe_account(&mail))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        rig.oauth.token_requests("refresh_token").len(),
        refreshes + 1
    );

    // Revoked at the provider: "sign in again", and signing in again fixes it.
    rig.oauth.expire_access_tokens();
    rig.oauth.revoke_refresh_tokens();
    let mail = saved_setup_with(&s, &rig.clients).unwrap().mail.unwrap();
    let error = tokio::time::timeout(STEP, probe_account(&mail))
        .await
        .unwrap()
        .unwrap_err();
    assert!(error.needs_sign_in(), "{error}");
    assert!(
        error
            .to_string()
            .contains("refused the sign-in for support@shop.test: sign in again"),
        "{error}"
    );
    let again = sign_in_saved_mailbox(s.dir.path(), &s.vault, &rig.clients, browser);
    tokio::time::timeout(STEP, again).await.unwrap().unwrap();
    let mail = saved_setup_with(&s, &rig.clients).unwrap().mail.unwrap();
    tokio::time::timeout(STEP, probe_account(&mail))
        .await
        .unwrap()
        .unwrap();

    // Back to a password: the refresh token goes, the password is kept instead.
    let error = save_mailbox(
        s.dir.path(),
        &s.vault,
        &mailbox_input(&rig.dovecot, rig.sink.port, "wrong"),
    )
    .await
    .unwrap_err();
    assert!(error.to_string().ends_with("Nothing was saved."), "{error}");
    assert!(
        s.vault.get(&refresh_key).unwrap().is_some(),
        "kept on failure"
    );
}

#[tokio::test]
async fn a_build_without_client_ids_says_so_instead_of_signing_in() {
    let s = setup().await;
    let clients = MailOAuthClients::default();
    let offer = suggest_mail_servers("help@gmail.com", &clients)
        .unwrap()
        .sign_in
        .unwrap();
    assert!(!offer.available);
    let input = shopdesk_app::onboarding::MailboxInput {
        address: "help@gmail.com".into(),
        username: String::new(),
        password: String::new(),
        imap_host: "imap.gmail.com".into(),
        imap_port: 993,
        imap_security: shopdesk_app::onboarding::MailSecurityView::Tls,
        smtp_host: "smtp.gmail.com".into(),
        smtp_port: 465,
        smtp_security: shopdesk_app::onboarding::MailSecurityView::Tls,
    };
    let opened = std::sync::atomic::AtomicBool::new(false);
    let error = sign_in_mailbox(
        s.dir.path(),
        &s.vault,
        &clients,
        &input,
        SignInProviderView::Google,
        |_| {
            opened.store(true, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        },
    )
    .await
    .unwrap_err();
    assert_eq!(error.kind(), "signInNotConfigured");
    assert_eq!(
        error.to_string(),
        offer.unavailable_reason.unwrap(),
        "the button and the error say the same"
    );
    assert!(
        !opened.load(std::sync::atomic::Ordering::SeqCst),
        "no browser"
    );
    assert!(s.secrets.is_empty());
}
