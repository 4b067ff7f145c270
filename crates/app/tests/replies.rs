//! Replies without a mail server: demo mode files them locally, and a mailbox whose servers
//! can't be reached keeps them queued with the reason.

use std::net::{Ipv4Addr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use shopdesk_app::{
    App, AppError, AppEvents, DirectionView, MailChannelView, MailProgressView, MailStateView,
    MailStatusView, ReplyStateView, DEMO_REPLY_NOTE,
};
use shopdesk_mailbox::{MailAccount, MailboxConfig, Security, SmtpConfig};

/// The error's kind as it crosses IPC.
fn kind(error: &AppError) -> String {
    serde_json::to_value(error).unwrap()["kind"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demo_reply_is_filed_in_the_conversation_and_says_it_was_not_sent() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start_demo(dir.path()).await.unwrap();
    let ticket = app.list_tickets().unwrap()[0].clone();

    let reply = app
        .send_reply(
            ticket.id,
            "It is on its way.\n\nBest,\nNorthwind",
            "draft-1",
        )
        .unwrap();
    assert_eq!(reply.state, ReplyStateView::Sent);
    assert!(reply.demo);
    assert_eq!(reply.reason.as_deref(), Some(DEMO_REPLY_NOTE));
    assert_eq!(reply.body, "It is on its way.\n\nBest,\nNorthwind");
    assert_eq!(reply.to, vec![ticket.customer_email.clone()]);
    assert!(reply.subject.contains(&ticket.token), "{}", reply.subject);
    assert!(reply.sent_at.is_some() && reply.next_attempt_at.is_none());

    // The same draft again (a double click) is the same reply.
    let again = app
        .send_reply(ticket.id, "It is on its way.", "draft-1")
        .unwrap();
    assert_eq!(again.id, reply.id);
    assert_eq!(app.replies(ticket.id).unwrap(), vec![reply.clone()]);

    let view = app.open_ticket(ticket.id).unwrap();
    let last = view.messages.last().unwrap();
    assert_eq!(last.direction, DirectionView::Outbound);
    assert!(last.body_text.starts_with("It is on its way."));
    assert_eq!(view.ticket.message_count, ticket.message_count + 1);

    let not_cancellable = app.cancel_reply(reply.id).unwrap_err();
    assert_eq!(kind(&not_cancellable), "replyNotCancellable");
    assert!(
        not_cancellable.to_string().contains("sent"),
        "{not_cancellable}"
    );
    assert_eq!(
        kind(&app.retry_reply(reply.id).unwrap_err()),
        "replyNotRetryable"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_that_cannot_be_sent_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start_demo(dir.path()).await.unwrap();
    let ticket = app.list_tickets().unwrap()[0].id;

    let cases = [
        (
            app.send_reply(ticket, "hi", " ").unwrap_err(),
            "missingReplyKey",
        ),
        (app.send_reply(ticket, "  \n", "k").unwrap_err(), "send"),
        (
            app.send_reply(999_999, "hi", "k").unwrap_err(),
            "ticketNotFound",
        ),
        (app.replies(999_999).unwrap_err(), "ticketNotFound"),
        (app.cancel_reply(999_999).unwrap_err(), "replyNotFound"),
        (app.retry_reply(999_999).unwrap_err(), "replyNotFound"),
    ];
    for (error, expected) in cases {
        assert_eq!(kind(&error), expected, "{error}");
        let starts_a_sentence = error.to_string().starts_with(char::is_uppercase);
        assert!(starts_a_sentence, "{error}");
    }

    let plain = App::open(dir.path()).unwrap();
    let error = plain.send_reply(ticket, "hi", "k").unwrap_err();
    assert_eq!(kind(&error), "noMailbox");
}

/// Remembers what the app told the shell.
#[derive(Default)]
struct Recorder {
    statuses: Mutex<Vec<MailStatusView>>,
}

impl AppEvents for Recorder {
    fn tickets_changed(&self) {}
    fn open_ticket(&self, _ticket_id: i64) {}
    fn mail_progress(&self, _progress: MailProgressView) {}
    fn mail_status(&self, status: MailStatusView) {
        self.statuses.lock().unwrap().push(status);
    }
}

impl Recorder {
    fn saw(&self, channel: MailChannelView, state: MailStateView) -> bool {
        let statuses = self.statuses.lock().unwrap();
        statuses
            .iter()
            .any(|s| s.channel == channel && s.state == state)
    }
}

/// A port on 127.0.0.1 that nothing listens on.
fn closed_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_a_reply_stays_queued_with_the_reason_and_shutdown_stops_everything() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start_demo(dir.path()).await.unwrap();
    let ticket = app.list_tickets().unwrap()[0].id;
    let address = "support@northwind-coffee.test";
    let account = MailAccount::new(
        MailboxConfig::new(address, "127.0.0.1", closed_port(), Security::Plain, "pw"),
        SmtpConfig::new(address, "127.0.0.1", closed_port(), Security::Plain, "pw"),
    );
    let events = Arc::new(Recorder::default());

    let error = app
        .connect_mailbox(account, events.clone())
        .await
        .unwrap_err();
    assert_eq!(kind(&error), "mailOffline", "{error}");
    assert!(error.to_string().contains("keeps trying"), "{error}");
    assert!(
        app.mailbox_connected(),
        "the watcher and the outbox run anyway"
    );

    let queued = app
        .send_reply(ticket, "We are on it.", "offline-1")
        .unwrap();
    assert_eq!(queued.state, ReplyStateView::Queued);
    assert!(!queued.demo);
    let deadline = Instant::now() + Duration::from_secs(20);
    let waiting = loop {
        let reply = app.replies(ticket).unwrap().remove(0);
        if reply.reason.is_some() {
            break reply;
        }
        assert!(Instant::now() < deadline, "no reason given: {reply:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(waiting.state, ReplyStateView::Queued);
    assert_eq!(waiting.attempts, 0, "an unreachable server is not a try");
    assert!(waiting.next_attempt_at.is_some());
    let reason = waiting.reason.unwrap();
    assert!(reason.contains("waits in the outbox"), "{reason}");
    // The status comes through the event queue, a moment after the store says why.
    while !events.saw(MailChannelView::Sending, MailStateView::Waiting) {
        assert!(Instant::now() < deadline, "no waiting status");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let started = Instant::now();
    app.shutdown().await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(!app.mailbox_connected());
    assert!(events.saw(MailChannelView::Receiving, MailStateView::Stopped));
    assert!(events.saw(MailChannelView::Sending, MailStateView::Stopped));

    // Back in plain demo mode the queued reply keeps waiting for its mailbox.
    let demo = app.send_reply(ticket, "Demo answer.", "demo-1").unwrap();
    assert!(demo.demo && demo.state == ReplyStateView::Sent);
    let replies = app.replies(ticket).unwrap();
    assert_eq!(replies.len(), 2);
    assert_eq!(replies[0].state, ReplyStateView::Queued);
}

#[test]
fn the_app_can_be_shared_with_the_shell() {
    fn shareable<T: Send + Sync + 'static>() {}
    shareable::<App>();
}
