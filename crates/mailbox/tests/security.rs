//! TLS and STARTTLS refusals against the test Dovecot, which speaks plain IMAP only.

mod support;

use std::ops::ControlFlow;
use std::time::Duration;

use shopdesk_mailbox::{sync_folder, MailboxError, Security, INBOX};
use support::dovecot::Dovecot;
use support::FileStore;

async fn sync_with(security: Security) -> MailboxError {
    let server = Dovecot::start();
    let files = FileStore::new();
    let mut config = server.config();
    config.security = security;
    let sync = sync_folder(&config, INBOX, &files.store, |_| ControlFlow::Continue(()));
    tokio::time::timeout(Duration::from_secs(60), sync)
        .await
        .expect("the sync timed out")
        .unwrap_err()
}

#[tokio::test]
async fn tls_to_a_plain_port_fails_with_a_tls_error() {
    let error = sync_with(Security::Tls).await;
    assert!(matches!(error, MailboxError::Tls { .. }), "{error:?}");
    assert!(error.to_string().contains("support@shop.test"), "{error}");
}

#[tokio::test]
async fn starttls_on_a_server_without_it_says_to_choose_tls() {
    let error = sync_with(Security::StartTls).await;
    assert!(
        matches!(error, MailboxError::StartTlsUnavailable { .. }),
        "{error:?}"
    );
    assert!(!error.is_retryable());
}
