//! Mailbox OAuth2 end to end: a sign-in through the PKCE code flow against a local OAuth2 server
//! (tests/support/oauth-server), then IMAP (AUTHENTICATE XOAUTH2) against a Dovecot that checks
//! each token at that server, and SMTP (AUTH XOAUTH2) against the SMTP sink, which checks it
//! there too. Tokens that expire server-side are refreshed once and retried; a revoked sign-in
//! ends in a sentence that names the provider and the account.

use std::future::Future;
use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::redirect::Policy;
use shopdesk_mail_oauth::{sign_in, MailOAuth, Provider, SignInOptions};
use shopdesk_mailbox::{
    queue_reply, run_outbox_once, sync_mailbox, MailAccount, MailboxConfig, MailboxError,
    OutboxOptions, ReplyDraft, ReplyOutcome, SharedStore, SmtpConfig, INBOX,
};
use shopdesk_secrets::MemoryStore;
use shopdesk_store::Store;
use shopdesk_test_support::dovecot::{Dovecot, USER};
use shopdesk_test_support::oauth_server::OAuthServer;
use shopdesk_test_support::smtp_sink::SmtpSink;
use tempfile::TempDir;

const STEP_TIMEOUT: Duration = Duration::from_secs(90);

async fn bounded<T>(step: impl Future<Output = T>) -> T {
    tokio::time::timeout(STEP_TIMEOUT, step)
        .await
        .expect("test step timed out")
}

/// The OAuth server, a Dovecot that trusts it, and a store in a real SQLite file.
struct Rig {
    oauth_server: OAuthServer,
    dovecot: Dovecot,
    store: SharedStore,
    _dir: TempDir,
}

impl Rig {
    fn start() -> Rig {
        let oauth_server = OAuthServer::start(USER);
        let dovecot = Dovecot::start_with_oauth(&oauth_server.tokeninfo_url());
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("shopdesk.db")).unwrap();
        Rig {
            oauth_server,
            dovecot,
            store: Arc::new(Mutex::new(store)),
            _dir: dir,
        }
    }

    /// The local server under the name the user would see for Gmail.
    fn provider(&self) -> Provider {
        Provider {
            name: "Gmail".into(),
            ..Provider::custom(
                "Gmail",
                &self.oauth_server.authorize_url(),
                &self.oauth_server.token_url(),
                &["https://mail.google.com/"],
                "shopdesk-test-client",
            )
        }
    }

    /// Signs in as the app does, with a "browser" that follows the sign-in page's redirect.
    async fn sign_in(&self) -> MailOAuth {
        let options = SignInOptions {
            timeout: Duration::from_secs(30),
            login_hint: Some(USER.into()),
        };
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
        let tokens = bounded(sign_in(&self.provider(), &options, browser))
            .await
            .expect("signed in");
        MailOAuth::signed_in(self.provider(), USER, Arc::new(MemoryStore::new()), tokens)
            .await
            .unwrap()
    }

    fn imap(&self, oauth: &MailOAuth) -> MailboxConfig {
        let config = self.dovecot.config().with_oauth2(oauth.clone());
        assert!(config.password.is_empty(), "no password to fall back on");
        config
    }

    async fn sync(&self, config: &MailboxConfig) -> Result<u32, MailboxError> {
        let report = bounded(sync_mailbox(config, &self.store, |_| {
            ControlFlow::Continue(())
        }))
        .await?;
        Ok(report.inbox.fetched)
    }

    fn tokeninfo_answers(&self) -> Vec<bool> {
        self.oauth_server
            .events()
            .iter()
            .filter(|e| e["event"] == "tokeninfo")
            .map(|e| e["active"] == true)
            .collect()
    }
}

fn customer_mail(n: u32) -> Vec<u8> {
    format!(
        "From: Anna Berg <anna{n}@example.com>\r\n\
         To: {USER}\r\n\
         Subject: Broken lid {n}\r\n\
         Message-ID: <oauth-{n}@example.com>\r\n\
         Date: Mon, 2 Mar 2026 10:00:00 +0000\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         \r\n\
         Hello, the lid of my kettle broke.\r\n"
    )
    .into_bytes()
}

#[tokio::test]
async fn imap_signs_in_with_xoauth2_and_fetches_the_mail() {
    let rig = Rig::start();
    let mut imap = rig.dovecot.client().await;
    imap.append(INBOX, &customer_mail(1)).await;
    let oauth = rig.sign_in().await;

    assert_eq!(rig.sync(&rig.imap(&oauth)).await.unwrap(), 1);
    assert_eq!(rig.store.lock().unwrap().messages_count().unwrap(), 1);
    // Dovecot asked the OAuth server about the token, and it was live.
    assert_eq!(rig.tokeninfo_answers(), [true]);
    assert!(rig.oauth_server.token_requests("refresh_token").is_empty());
}

#[tokio::test]
async fn a_token_the_server_stopped_taking_is_refreshed_and_the_login_retried() {
    let rig = Rig::start();
    let mut imap = rig.dovecot.client().await;
    imap.append(INBOX, &customer_mail(1)).await;
    let oauth = rig.sign_in().await;
    rig.oauth_server.expire_access_tokens();

    assert_eq!(rig.sync(&rig.imap(&oauth)).await.unwrap(), 1);
    assert_eq!(rig.tokeninfo_answers(), [false, true]);
    assert_eq!(rig.oauth_server.token_requests("refresh_token").len(), 1);
}

#[tokio::test]
async fn a_revoked_sign_in_asks_the_user_to_sign_in_again() {
    let rig = Rig::start();
    let oauth = rig.sign_in().await;
    rig.oauth_server.expire_access_tokens();
    rig.oauth_server.revoke_refresh_tokens();

    let error = rig.sync(&rig.imap(&oauth)).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Gmail refused the sign-in for support@shop.test: sign in again"
    );
    assert!(matches!(error, MailboxError::OAuth { .. }), "{error:?}");
    assert!(!error.is_retryable());
    assert_eq!(rig.oauth_server.token_requests("refresh_token").len(), 1);
}

fn account(rig: &Rig, sink: &SmtpSink, oauth: &MailOAuth) -> MailAccount {
    let smtp = SmtpConfig::new(
        USER,
        "127.0.0.1",
        sink.port,
        shopdesk_mailbox::Security::Plain,
        "",
    )
    .with_oauth2(oauth.clone());
    MailAccount::new(rig.imap(oauth), smtp)
}

fn reply(store: &SharedStore) -> ReplyDraft {
    let tickets = store.lock().unwrap().list_tickets(10).unwrap();
    ReplyDraft {
        ticket_id: tickets[0].ticket.id,
        body: "A new lid is on its way.".into(),
        idempotency_key: "oauth-reply".into(),
    }
}

#[tokio::test]
async fn smtp_sends_with_xoauth2_after_one_refresh_shared_with_imap() {
    let rig = Rig::start();
    let sink = SmtpSink::start_xoauth2(USER, &format!("{}/tokeninfo", rig.oauth_server.url()));
    let mut imap = rig.dovecot.client().await;
    imap.append(INBOX, &customer_mail(1)).await;
    let oauth = rig.sign_in().await;
    let account = account(&rig, &sink, &oauth);
    rig.sync(&account.imap).await.unwrap();
    queue_reply(&rig.store, &account, &reply(&rig.store)).unwrap();

    // The token dies before the send: SMTP is refused, refreshes, and sends on a new connection;
    // the copy to Sent over IMAP then uses the refreshed token.
    rig.oauth_server.expire_access_tokens();
    let report = bounded(run_outbox_once(
        &account,
        &rig.store,
        &OutboxOptions::default(),
    ))
    .await
    .unwrap();
    assert!(
        matches!(
            report.outcomes.as_slice(),
            [ReplyOutcome::Sent { warning: None, .. }]
        ),
        "{report:?} {} {:?}",
        sink.log(),
        rig.oauth_server.events()
    );
    let envelopes = sink.envelopes();
    assert_eq!(envelopes.len(), 1, "{}", sink.log());
    assert_eq!(envelopes[0]["mechanism"], "XOAUTH2");
    assert_eq!(envelopes[0]["login"], USER);
    assert_eq!(rig.oauth_server.token_requests("refresh_token").len(), 1);
    assert_eq!(imap.messages("Sent").await.len(), 1);
}

#[tokio::test]
async fn smtp_with_a_revoked_sign_in_waits_with_the_sign_in_again_reason() {
    let rig = Rig::start();
    let sink = SmtpSink::start_xoauth2(USER, &format!("{}/tokeninfo", rig.oauth_server.url()));
    let mut imap = rig.dovecot.client().await;
    imap.append(INBOX, &customer_mail(1)).await;
    let oauth = rig.sign_in().await;
    let account = account(&rig, &sink, &oauth);
    rig.sync(&account.imap).await.unwrap();
    queue_reply(&rig.store, &account, &reply(&rig.store)).unwrap();
    rig.oauth_server.expire_access_tokens();
    rig.oauth_server.revoke_refresh_tokens();

    let report = bounded(run_outbox_once(
        &account,
        &rig.store,
        &OutboxOptions::default(),
    ))
    .await
    .unwrap();
    assert_eq!(
        report.waiting.as_deref(),
        Some(
            "Gmail refused the sign-in for support@shop.test: sign in again. The reply waits in \
             the outbox until the server can be used."
        ),
        "{report:?}"
    );
    assert!(sink.envelopes().is_empty());
}
