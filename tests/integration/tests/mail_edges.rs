//! The mail channel's edges against a real Dovecot: a refused password starts nothing, and a
//! desktop without a notification server still gets its mail.
//!
//! A test binary of its own for the same reason as `mail_channel.rs`: one test here points the
//! process-wide DBUS_SESSION_BUS_ADDRESS at a private bus while it runs.

mod common;

use std::sync::Arc;

use common::{eventually, mail, quick_options, Recorder};
use shopdesk_app::{App, MailChannelView, MailStateView};
use shopdesk_mailbox::{MailAccount, Security, SmtpConfig, INBOX};
use shopdesk_test_support::dbus::{BusSession, PrivateBus};
use shopdesk_test_support::dovecot::{Dovecot, PASSWORD, USER};
use shopdesk_test_support::free_port;

fn account(imap: &Dovecot, password: &str) -> MailAccount {
    let mut config = imap.config();
    config.password = password.to_string();
    // Nothing listens there: these tests send no reply.
    let smtp = SmtpConfig::new(USER, "127.0.0.1", free_port(), Security::Plain, password);
    MailAccount::new(config, smtp)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_password_starts_nothing_and_says_what_to_do() {
    let dovecot = Dovecot::start();
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path()).unwrap();
    let events = Arc::new(Recorder::default());

    let error = app
        .connect_mailbox_with(account(&dovecot, "wrong"), events.clone(), quick_options())
        .await
        .unwrap_err();

    let text = error.to_string();
    assert!(
        text.contains("refused the login") && text.contains(USER),
        "{text}"
    );
    assert!(text.contains("check the password"), "{text}");
    assert!(!app.mailbox_connected());
    assert!(events.saw(MailChannelView::Receiving, MailStateView::Failed));
    let error = app.send_reply(1, "hello", "draft-1").unwrap_err();
    assert!(error.to_string().contains("No support mailbox"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_notification_server_mail_still_arrives() {
    let bus = PrivateBus::start();
    let _session = BusSession::point_at(bus.address());
    let dovecot = Dovecot::start();
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path()).unwrap();
    let mut imap = dovecot.client().await;
    imap.append(
        INBOX,
        &mail("early@example.com", "early@example.com", "Hi", None, "Hi"),
    )
    .await;
    let events = Arc::new(Recorder::default());

    let report = app
        .connect_mailbox_with(account(&dovecot, PASSWORD), events.clone(), quick_options())
        .await
        .unwrap();
    assert_eq!(report.inbox.new_tickets, 1);
    eventually("watching INBOX", || {
        events
            .saw(MailChannelView::Receiving, MailStateView::Connected)
            .then_some(())
    })
    .await;
    imap.append(
        INBOX,
        &mail(
            "anna@example.com",
            "live@example.com",
            "Lid",
            None,
            "Broken",
        ),
    )
    .await;
    eventually("the live mail in the inbox", || {
        (app.list_tickets().unwrap().len() == 2).then_some(())
    })
    .await;

    app.shutdown().await;
    assert!(!app.mailbox_connected());
    imap.logout().await;
}
