//! The app's mail channel against real parts: the simulator's demo shop synced into SQLite, a
//! throw-away Dovecot, the SMTP sink, and a notification listener on a private D-Bus.
//!
//! A test binary of its own: notify-rust finds the session bus through
//! DBUS_SESSION_BUS_ADDRESS, a process-wide variable, so a test here points it at its private bus
//! and holds it (`BusSession`) until it ends; tests that do so run one at a time.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{customer_with_an_order, eventually, header, mail, quick_options, Recorder};
use serde_json::Value;
use shopdesk_app::{App, DirectionView, MailChannelView, MailStateView, ReplyStateView};
use shopdesk_mailbox::{MailAccount, Security, SmtpConfig, INBOX};
use shopdesk_test_support::dbus::{BusSession, PrivateBus};
use shopdesk_test_support::dovecot::{Dovecot, PASSWORD, USER};
use shopdesk_test_support::listener::{Listener, ListenerOptions};
use shopdesk_test_support::smtp_sink::SmtpSink;

fn account(imap: &Dovecot, smtp_port: u16) -> MailAccount {
    let smtp = SmtpConfig::new(USER, "127.0.0.1", smtp_port, Security::Plain, PASSWORD);
    MailAccount::new(imap.config(), smtp)
}

fn titles(notifications: &[Value]) -> Vec<String> {
    notifications
        .iter()
        .map(|n| n["summary"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_becomes_tickets_with_one_notification_each_and_replies_go_out_once() {
    let started = Instant::now();
    let bus = PrivateBus::start();
    let _session = BusSession::point_at(bus.address());
    // The listener "clicks" every notification that can open a ticket.
    let clicks = ListenerOptions {
        invoke_default_after_ms: Some(300),
        ..ListenerOptions::default()
    };
    let listener = Listener::start(bus.address(), clicks);
    let dovecot = Dovecot::start();
    let mut sink = SmtpSink::start(USER, PASSWORD);
    let dir = tempfile::tempdir().unwrap();
    let app = App::start_demo_shop(dir.path()).await.unwrap();
    let customer = customer_with_an_order(dir.path());
    let mut imap = dovecot.client().await;
    eprintln!("parts started in {:?}", started.elapsed());

    // Two mails wait before Shopdesk connects: the first fetch gives one summary, never two.
    for n in 1..=2 {
        let from = format!("early{n}@example.com");
        let raw = mail(
            &from,
            &format!("early-{n}@example.com"),
            "Hello",
            None,
            "Hi there",
        );
        imap.append(INBOX, &raw).await;
    }
    let events = Arc::new(Recorder::default());
    let report = app
        .connect_mailbox_with(
            account(&dovecot, sink.port),
            events.clone(),
            quick_options(),
        )
        .await
        .unwrap();
    assert_eq!((report.inbox.new_tickets, report.sent), (2, None));
    let summary = eventually("the summary", || {
        Some(listener.notifications()).filter(|n| !n.is_empty())
    })
    .await;
    assert_eq!(titles(&summary), ["2 new tickets"]);
    assert_eq!(summary[0]["actions"], serde_json::json!([]));
    let progress = events.progress.lock().unwrap().clone();
    assert!(progress
        .iter()
        .any(|p| p.folder == INBOX && p.fetched == 2 && p.total == 2));
    eventually("watching INBOX", || {
        events
            .saw(MailChannelView::Receiving, MailStateView::Connected)
            .then_some(())
    })
    .await;

    // A customer writes about one of their orders while Shopdesk idles.
    let subject = format!("Where is order {}?", customer.order_name);
    let first_line = format!("My order {} has not arrived yet.", customer.order_name);
    let question = mail(
        &customer.email,
        "question-1@example.com",
        &subject,
        None,
        &format!("{first_line}\r\n\r\nCould you check where it is?"),
    );
    let changes_before = events.changes();
    let appended = Instant::now();
    imap.append(INBOX, &question).await;
    let shown = eventually("the new-ticket notification", || {
        Some(listener.notifications()).filter(|n| n.len() >= 2)
    })
    .await;
    eprintln!("APPEND to notification: {:?}", appended.elapsed());
    assert_eq!(
        shown[1]["summary"],
        format!("New ticket from {}", customer.name)
    );
    assert_eq!(
        shown[1]["body"],
        format!("{subject}\nOrder {}\n{first_line}", customer.order_name)
    );
    let ticket = app
        .list_tickets()
        .unwrap()
        .into_iter()
        .find(|t| t.customer_email == customer.email)
        .expect("the ticket is in the inbox");
    assert_eq!(
        ticket.order_name.as_deref(),
        Some(customer.order_name.as_str())
    );
    let view = app.open_ticket(ticket.id).unwrap();
    assert_eq!(view.orders[0].name, customer.order_name);
    assert!(view.orders[0].linked);
    assert!(
        events.changes() > changes_before,
        "the shell heard of the new ticket before its notification"
    );
    eventually("the click to open the ticket", || {
        events
            .opened
            .lock()
            .unwrap()
            .contains(&ticket.id)
            .then_some(())
    })
    .await;

    // The answer goes out through SMTP, threaded under the customer's mail.
    let answer = "It left our warehouse yesterday.\n\nBest,\nNorthwind";
    let queued = app.send_reply(ticket.id, answer, "draft-1").unwrap();
    assert!(!queued.demo);
    let delivered = eventually("the reply at the SMTP sink", || {
        sink.messages().into_iter().next()
    })
    .await;
    assert_eq!(
        header(&delivered, "In-Reply-To").as_deref(),
        Some("<question-1@example.com>")
    );
    let reply_id = header(&delivered, "Message-ID").expect("a Message-ID");
    let sent = eventually("the reply marked sent", || {
        let replies = app.replies(ticket.id).unwrap();
        replies
            .into_iter()
            .find(|r| r.state == ReplyStateView::Sent)
    })
    .await;
    assert_eq!(
        (sent.id, sent.body.as_str(), sent.attempts),
        (queued.id, answer, 1)
    );
    let outbound = app.open_ticket(ticket.id).unwrap().messages;
    let last = outbound.last().unwrap();
    assert_eq!(last.direction, DirectionView::Outbound);
    assert!(last
        .body_text
        .starts_with("It left our warehouse yesterday."));

    // The customer answers that reply: "replied", on the same ticket.
    let follow_up = mail(
        &customer.email,
        "question-2@example.com",
        &format!("Re: {subject}"),
        Some(reply_id.trim_matches(['<', '>'])),
        "Thanks! It just arrived.",
    );
    imap.append(INBOX, &follow_up).await;
    let shown = eventually("the reply notification", || {
        Some(listener.notifications()).filter(|n| n.len() >= 3)
    })
    .await;
    assert_eq!(shown[2]["summary"], format!("{} replied", customer.name));
    assert_eq!(
        shown[2]["body"],
        format!(
            "{subject}\nOrder {}\nThanks! It just arrived.",
            customer.order_name
        )
    );
    eventually("the follow-up in the ticket", || {
        (app.open_ticket(ticket.id).unwrap().messages.len() == 3).then_some(())
    })
    .await;

    // SMTP down: the next reply waits with the reason. Back up: it goes, once.
    let port = sink.port;
    drop(sink);
    let second = app
        .send_reply(ticket.id, "One more thing.", "draft-2")
        .unwrap();
    let waiting = eventually("the reason the reply waits", || {
        let replies = app.replies(ticket.id).unwrap();
        replies
            .into_iter()
            .find(|r| r.id == second.id && r.reason.is_some())
    })
    .await;
    assert_eq!(
        (waiting.state, waiting.attempts),
        (ReplyStateView::Queued, 0)
    );
    assert!(waiting.reason.unwrap().contains("waits in the outbox"));
    // The status comes through the event queue, a moment after the store says why.
    eventually("the sending status waiting", || {
        events
            .saw(MailChannelView::Sending, MailStateView::Waiting)
            .then_some(())
    })
    .await;
    sink = SmtpSink::start_on(port, USER, PASSWORD);
    eventually("the waiting reply sent", || {
        let replies = app.replies(ticket.id).unwrap();
        replies
            .into_iter()
            .find(|r| r.id == second.id && r.state == ReplyStateView::Sent)
    })
    .await;
    // Longer than the outbox's longest backoff: nothing is sent a second time.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.messages().len(), 1, "{:?}", sink.attempts());
    assert_eq!(sink.attempts().len(), 1);
    eventually("the sending status connected again", || {
        events
            .saw(MailChannelView::Sending, MailStateView::Connected)
            .then_some(())
    })
    .await;

    // Three notifications in all: none per backlog mail, none for the shop's own replies.
    assert_eq!(listener.notifications().len(), 3);
    let stopping = Instant::now();
    app.shutdown().await;
    eprintln!("shutdown in {:?}", stopping.elapsed());
    assert!(!app.mailbox_connected());
    assert!(events.saw(MailChannelView::Receiving, MailStateView::Stopped));
    imap.logout().await;
    eprintln!("whole test in {:?}", started.elapsed());
}
