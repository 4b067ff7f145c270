//! Replies through the outbox against real parts: an SMTP receiver (aiosmtpd, on 127.0.0.1), a
//! throw-away Dovecot for the Sent folder, and a real SQLite file.

mod support;

use std::future::Future;
use std::ops::ControlFlow;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use shopdesk_mail::{ingest_raw, parse_message, IngestContext, IngestReport, ParsedMail};
use shopdesk_mailbox::{
    cancel_reply, queue_reply, recover_outbox, replies_for_ticket, retry_reply, run_outbox,
    run_outbox_once, sync_mailbox, Backoff, MailAccount, OutboxEvent, OutboxOptions,
    OutboxRunReport, ReplyDraft, ReplyOutcome, ReplyStatus, Security, SharedStore, SmtpConfig,
};
use shopdesk_store::{Direction, OutboxKind, OutboxState};
use shopdesk_test_support::free_port;
use support::dovecot::{Dovecot, PASSWORD, USER};
use support::smtp_sink::SmtpSink;
use support::FileStore;

/// No single step of a test may take longer than this.
const STEP_TIMEOUT: Duration = Duration::from_secs(90);

async fn bounded<T>(step: impl Future<Output = T>) -> T {
    tokio::time::timeout(STEP_TIMEOUT, step)
        .await
        .expect("test step timed out")
}

fn account(imap: &Dovecot, smtp_port: u16) -> MailAccount {
    let mut smtp = SmtpConfig::new(USER, "127.0.0.1", smtp_port, Security::Plain, PASSWORD);
    smtp.from_name = Some("Kettle & Co Support".into());
    MailAccount::new(imap.config(), smtp)
}

/// Short waits, so retries happen within a test.
fn fast() -> OutboxOptions {
    OutboxOptions {
        backoff: Backoff {
            initial: Duration::from_millis(300),
            max: Duration::from_secs(1),
        },
        max_attempts: 3,
        poll_interval: Duration::from_secs(2),
    }
}

const QUESTION: &str = "From: Anna Berg <anna@example.com>\r\n\
    To: support@shop.test\r\n\
    Subject: Broken lid on my kettle\r\n\
    Message-ID: <q1@example.com>\r\n\
    Date: Mon, 2 Mar 2026 10:00:00 +0000\r\n\
    Content-Type: text/plain; charset=utf-8\r\n\
    \r\n\
    Hello, the lid of my kettle broke on the first day.\r\n";

const EARLIER_ANSWER: &str = "From: Kettle & Co Support <support@shop.test>\r\n\
    To: Anna Berg <anna@example.com>\r\n\
    Subject: Re: Broken lid on my kettle\r\n\
    Message-ID: <r1@shop.test>\r\n\
    In-Reply-To: <q1@example.com>\r\n\
    References: <q1@example.com>\r\n\
    Date: Mon, 2 Mar 2026 11:00:00 +0000\r\n\
    Content-Type: text/plain; charset=utf-8\r\n\
    \r\n\
    Sorry! Could you send a photo?\r\n";

const FOLLOW_UP: &str = "From: Anna Berg <anna@example.com>\r\n\
    To: support@shop.test\r\n\
    Subject: Re: Broken lid on my kettle\r\n\
    Message-ID: <q2@example.com>\r\n\
    In-Reply-To: <r1@shop.test>\r\n\
    References: <q1@example.com> <r1@shop.test>\r\n\
    Date: Mon, 2 Mar 2026 12:00:00 +0000\r\n\
    Content-Type: text/plain; charset=utf-8\r\n\
    \r\n\
    Here it is.\r\n\
    > Sorry! Could you send a photo?\r\n";

fn ingest(store: &SharedStore, raw: &[u8]) -> IngestReport {
    let context = IngestContext {
        source: "imap:INBOX".into(),
        support_address: USER.into(),
        now: "2026-03-03T00:00:00Z".into(),
    };
    ingest_raw(&mut store.lock().unwrap(), raw, &context).unwrap()
}

/// A ticket with a question, our earlier answer and the customer's follow-up.
fn seed(store: &SharedStore) -> i64 {
    let first = ingest(store, QUESTION.as_bytes());
    assert!(first.created_ticket);
    ingest(store, EARLIER_ANSWER.as_bytes());
    let follow_up = ingest(store, FOLLOW_UP.as_bytes());
    assert_eq!(follow_up.ticket_id, first.ticket_id);
    first.ticket_id.unwrap()
}

fn draft(ticket_id: i64, key: &str, body: &str) -> ReplyDraft {
    ReplyDraft {
        ticket_id,
        body: body.into(),
        idempotency_key: key.into(),
    }
}

fn status(store: &SharedStore, outbox_id: i64) -> ReplyStatus {
    let store = store.lock().unwrap();
    let entry = store.outbox_entry(outbox_id).unwrap();
    replies_for_ticket(&store, entry.ticket_id.unwrap())
        .unwrap()
        .into_iter()
        .find(|s| s.outbox_id == outbox_id)
        .unwrap()
}

fn parsed(raw: &[u8]) -> ParsedMail {
    parse_message(raw, "test")
}

fn text(mail: &ParsedMail) -> String {
    mail.body_text.replace("\r\n", "\n")
}

/// Runs the outbox until it settles something, for at most 10 s.
async fn run_until_something_settles(
    account: &MailAccount,
    store: &SharedStore,
) -> OutboxRunReport {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let report = bounded(run_outbox_once(account, store, &fast()))
            .await
            .unwrap();
        if !report.outcomes.is_empty() {
            return report;
        }
        assert!(Instant::now() < deadline, "nothing became due within 10 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_reply_reaches_the_customer_threads_back_and_is_copied_to_sent() {
    let server = Dovecot::start();
    let sink = SmtpSink::start(USER, PASSWORD);
    let files = FileStore::new();
    let account = account(&server, sink.port);
    let ticket_id = seed(&files.store);
    let token = files.store.lock().unwrap().ticket(ticket_id).unwrap().token;
    // A lone "." line and a "From " line must survive SMTP's dot-stuffing untouched.
    let body = "Hello Anna,\n\nA new lid is on its way.\n.\nFrom now on we pack them better.\n\n\
                Grüße,\nKettle & Co";

    let queued = queue_reply(&files.store, &account, &draft(ticket_id, "compose-1", body)).unwrap();
    assert_eq!(queued.state, OutboxState::Queued);
    assert_eq!(queued.body, body);
    assert_eq!(queued.to, vec!["anna@example.com"]);
    let message_id = queued.message_id.clone().unwrap();
    assert!(message_id.ends_with("@shop.test"), "{message_id}");
    // A second click on Send queues nothing more.
    let again = queue_reply(&files.store, &account, &draft(ticket_id, "compose-1", body)).unwrap();
    assert_eq!(again.outbox_id, queued.outbox_id);
    assert_eq!(again.message_id.as_deref(), Some(message_id.as_str()));

    let report = bounded(run_outbox_once(&account, &files.store, &fast()))
        .await
        .unwrap();
    assert_eq!(report.waiting, None);
    let [ReplyOutcome::Sent {
        message_row_id: Some(row),
        warning: None,
        ..
    }] = report.outcomes.as_slice()
    else {
        panic!("{report:?}");
    };

    // What the customer's server received.
    let received = sink.messages();
    assert_eq!(received.len(), 1, "{}", sink.log());
    let mail = parsed(&received[0]);
    assert_eq!(mail.message_id.as_deref(), Some(message_id.as_str()));
    assert_eq!(mail.in_reply_to, vec!["q2@example.com"]);
    assert_eq!(
        mail.references,
        vec!["q1@example.com", "r1@shop.test", "q2@example.com"]
    );
    assert_eq!(
        mail.subject,
        format!("Re: Broken lid on my kettle [{token}]")
    );
    let from = mail.from.clone().unwrap();
    assert_eq!(
        (from.address.as_str(), from.name.as_deref()),
        (USER, Some("Kettle & Co Support"))
    );
    assert_eq!(mail.to[0].address, "anna@example.com");
    assert!(mail.sent_at.is_some());
    let text = text(&mail);
    assert!(text.starts_with(body), "the body arrived changed:\n{text}");
    assert!(
        text.contains("\nOn Mon, 2 Mar 2026 at 12:00 UTC, Anna Berg <anna@example.com> wrote:\n> Here it is.\n>> Sorry! Could you send a photo?"),
        "{text}"
    );
    let envelope = &sink.envelopes()[0];
    assert_eq!(envelope["mail_from"], USER);
    assert_eq!(
        envelope["rcpt_tos"],
        serde_json::json!(["anna@example.com"])
    );
    assert_eq!(envelope["login"], USER);

    // The row, and the reply in the conversation at once, as outbound.
    let sent = status(&files.store, queued.outbox_id);
    assert_eq!(sent.state, OutboxState::Sent);
    assert_eq!((sent.attempts, sent.last_error.as_deref()), (1, None));
    assert!(sent.sent_at.is_some());
    {
        let store = files.store.lock().unwrap();
        let messages = store.messages_for_ticket(ticket_id).unwrap();
        assert_eq!(messages.len(), 4);
        let ours = messages.iter().find(|m| m.id == *row).unwrap();
        assert_eq!(ours.direction, Direction::Outbound);
        assert_eq!(ours.message_id.as_deref(), Some(message_id.as_str()));
        assert_eq!(store.tickets_count().unwrap(), 1);
    }

    // Copied to Sent (made, since the fresh mailbox had none), marked read, once.
    let mut imap = server.client().await;
    assert!(bounded(imap.folders()).await.contains(&"Sent".to_string()));
    let in_sent = bounded(imap.messages("Sent")).await;
    assert_eq!(in_sent.len(), 1);
    assert_eq!(parsed(&in_sent[0]).message_id, Some(message_id.clone()));
    assert!(bounded(imap.flags("Sent"))
        .await
        .iter()
        .any(|f| f.contains("Seen")));
    imap.logout().await;
    // Syncing Sent finds the reply already filed.
    let synced = bounded(sync_mailbox(&account.imap, &files.store, |_| {
        ControlFlow::Continue(())
    }))
    .await
    .unwrap();
    let sent_folder = synced.sent.unwrap();
    assert_eq!((sent_folder.new_messages, sent_folder.duplicates), (0, 1));

    // Nothing is sent twice.
    let idle = bounded(run_outbox_once(&account, &files.store, &fast()))
        .await
        .unwrap();
    assert!(idle.outcomes.is_empty());
    assert_eq!(sink.messages().len(), 1);

    // The customer's answer threads into the same ticket: by its headers, on another machine
    // that got our reply from the server; and by the subject token alone.
    let elsewhere = FileStore::new();
    let other_ticket = seed(&elsewhere.store);
    let filed = ingest(&elsewhere.store, &received[0]);
    assert_eq!(filed.ticket_id, Some(other_ticket));
    assert!(!filed.created_ticket);
    let headerless = format!(
        "From: Anna Berg <anna@example.com>\r\nTo: support@shop.test\r\n\
         Subject: RE: Re: Broken lid on my kettle [{token}]\r\n\
         Message-ID: <q3@example.com>\r\nDate: Mon, 2 Mar 2026 18:00:00 +0000\r\n\r\nThanks!\r\n"
    );
    let answer = ingest(&files.store, headerless.as_bytes());
    assert_eq!(answer.ticket_id, Some(ticket_id));
}

#[tokio::test]
async fn with_the_smtp_server_down_replies_wait_then_go_exactly_once() {
    let server = Dovecot::start();
    let files = FileStore::new();
    let port = free_port(); // nothing listens here yet
    let account = account(&server, port);
    let ticket_id = seed(&files.store);
    let first = queue_reply(&files.store, &account, &draft(ticket_id, "a", "First.")).unwrap();
    let second = queue_reply(&files.store, &account, &draft(ticket_id, "b", "Second.")).unwrap();

    let report = bounded(run_outbox_once(&account, &files.store, &fast()))
        .await
        .unwrap();
    let reason = report.waiting.clone().expect("the server is down");
    assert!(reason.contains(&format!("127.0.0.1:{port}")), "{reason}");
    assert!(reason.contains(USER), "{reason}");
    // The run stopped at the first reply; both wait with the reason, no try counted.
    assert_eq!(report.outcomes.len(), 1);
    for id in [first.outbox_id, second.outbox_id] {
        let waiting = status(&files.store, id);
        assert_eq!(waiting.state, OutboxState::Queued);
        assert_eq!(waiting.attempts, 0);
        assert!(
            waiting
                .last_error
                .as_deref()
                .unwrap()
                .contains("Could not reach"),
            "{waiting:?}"
        );
    }

    let sink = SmtpSink::start_on(port, USER, PASSWORD);
    let report = run_until_something_settles(&account, &files.store).await;
    assert_eq!(report.outcomes.len(), 2, "{report:?}");
    assert!(report
        .outcomes
        .iter()
        .all(|o| matches!(o, ReplyOutcome::Sent { .. })));
    let again = bounded(run_outbox_once(&account, &files.store, &fast()))
        .await
        .unwrap();
    assert!(again.outcomes.is_empty());

    let received: Vec<Option<String>> = sink
        .messages()
        .iter()
        .map(|raw| parsed(raw).message_id)
        .collect();
    assert_eq!(received, vec![first.message_id, second.message_id]);
    assert_eq!(sink.attempts().len(), 2);
    for id in [first.outbox_id, second.outbox_id] {
        let sent = status(&files.store, id);
        assert_eq!((sent.state, sent.attempts), (OutboxState::Sent, 1));
    }
}

#[tokio::test]
async fn a_temporary_refusal_is_retried_later_with_the_same_bytes() {
    let server = Dovecot::start();
    let sink = SmtpSink::start(USER, PASSWORD);
    let files = FileStore::new();
    let account = account(&server, sink.port);
    let ticket_id = seed(&files.store);
    let queued = queue_reply(&files.store, &account, &draft(ticket_id, "k", "Soon.")).unwrap();
    sink.answer("451 4.3.0 Mailbox busy, try again later");

    let report = bounded(run_outbox_once(&account, &files.store, &fast()))
        .await
        .unwrap();
    assert!(
        matches!(report.outcomes.as_slice(), [ReplyOutcome::Retrying { .. }]),
        "{report:?}"
    );
    let waiting = status(&files.store, queued.outbox_id);
    assert_eq!((waiting.state, waiting.attempts), (OutboxState::Queued, 1));
    let reason = waiting.last_error.clone().unwrap();
    assert!(
        reason.contains("451") && reason.contains("Mailbox busy, try again later"),
        "{reason}"
    );
    assert!(waiting.next_attempt_at > waiting.updated_at, "{waiting:?}");
    // Not due yet: an immediate run leaves it alone.
    let early = bounded(run_outbox_once(&account, &files.store, &fast()))
        .await
        .unwrap();
    assert!(early.outcomes.is_empty(), "{early:?}");
    assert_eq!(sink.attempts().len(), 1);

    sink.accept();
    let report = run_until_something_settles(&account, &files.store).await;
    assert!(matches!(
        report.outcomes.as_slice(),
        [ReplyOutcome::Sent { .. }]
    ));
    let sent = status(&files.store, queued.outbox_id);
    assert_eq!((sent.state, sent.attempts), (OutboxState::Sent, 2));
    assert_eq!(sent.last_error, None);
    assert_eq!(sink.attempts().len(), 2);
    let received = sink.messages();
    assert_eq!(received.len(), 1);
    assert_eq!(parsed(&received[0]).message_id, queued.message_id);
    let payload = files
        .store
        .lock()
        .unwrap()
        .outbox_entry(queued.outbox_id)
        .unwrap()
        .payload;
    assert_eq!(
        received[0], payload,
        "the server got the queued bytes exactly"
    );
}

#[tokio::test]
async fn temporary_refusals_are_given_up_after_max_attempts() {
    let server = Dovecot::start();
    let sink = SmtpSink::start(USER, PASSWORD);
    let files = FileStore::new();
    let account = account(&server, sink.port);
    let ticket_id = seed(&files.store);
    let queued = queue_reply(&files.store, &account, &draft(ticket_id, "k", "Soon.")).unwrap();
    sink.answer("421 4.7.0 Too many connections");

    let mut settled = Vec::new();
    while !matches!(settled.last(), Some(ReplyOutcome::Failed { .. })) {
        assert!(settled.len() < 3, "{settled:?}");
        settled.extend(
            run_until_something_settles(&account, &files.store)
                .await
                .outcomes,
        );
    }
    assert_eq!(settled.len(), 3, "{settled:?}");
    let failed = status(&files.store, queued.outbox_id);
    assert_eq!((failed.state, failed.attempts), (OutboxState::Failed, 3));
    let reason = failed.last_error.unwrap();
    assert!(
        reason.contains("Too many connections") && reason.contains("Given up after 3 tries"),
        "{reason}"
    );
    assert_eq!(sink.attempts().len(), 3);
    assert!(sink.messages().is_empty());
}

#[tokio::test]
async fn a_permanent_refusal_fails_with_the_servers_words() {
    let server = Dovecot::start();
    let sink = SmtpSink::start(USER, PASSWORD);
    let files = FileStore::new();
    let account = account(&server, sink.port);
    let ticket_id = seed(&files.store);
    let queued = queue_reply(&files.store, &account, &draft(ticket_id, "k", "Hi.")).unwrap();
    sink.answer("550 5.1.1 <anna@example.com>: Recipient address rejected: User unknown");

    let report = bounded(run_outbox_once(&account, &files.store, &fast()))
        .await
        .unwrap();
    assert!(
        matches!(report.outcomes.as_slice(), [ReplyOutcome::Failed { .. }]),
        "{report:?}"
    );
    let failed = status(&files.store, queued.outbox_id);
    assert_eq!((failed.state, failed.attempts), (OutboxState::Failed, 1));
    let reason = failed.last_error.clone().unwrap();
    assert!(
        reason.contains("550")
            && reason.contains("Recipient address rejected: User unknown")
            && reason.contains(USER),
        "{reason}"
    );
    // Failed stays failed: no more tries.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let later = bounded(run_outbox_once(&account, &files.store, &fast()))
        .await
        .unwrap();
    assert!(later.outcomes.is_empty());
    assert_eq!(sink.attempts().len(), 1);
    assert!(!cancel_reply(&files.store, &account, queued.outbox_id).unwrap());

    // The user fixed the address on the server side and asks to send it again.
    sink.accept();
    assert!(retry_reply(&files.store, &account, queued.outbox_id).unwrap());
    let report = bounded(run_outbox_once(&account, &files.store, &fast()))
        .await
        .unwrap();
    assert!(matches!(
        report.outcomes.as_slice(),
        [ReplyOutcome::Sent { .. }]
    ));
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn a_refused_login_keeps_the_reply_waiting() {
    let server = Dovecot::start();
    let sink = SmtpSink::start(USER, "the-real-password");
    let files = FileStore::new();
    let account = account(&server, sink.port);
    let ticket_id = seed(&files.store);
    let queued = queue_reply(&files.store, &account, &draft(ticket_id, "k", "Hi.")).unwrap();

    let report = bounded(run_outbox_once(&account, &files.store, &fast()))
        .await
        .unwrap();
    let reason = report.waiting.expect("the login is refused");
    assert!(
        reason.contains("refused the login") && reason.contains(USER),
        "{reason}"
    );
    assert!(!reason.contains(PASSWORD), "{reason}");
    let waiting = status(&files.store, queued.outbox_id);
    assert_eq!((waiting.state, waiting.attempts), (OutboxState::Queued, 0));
    assert!(sink.attempts().is_empty());
}

#[tokio::test]
async fn a_cancelled_reply_is_never_sent() {
    let server = Dovecot::start();
    let sink = SmtpSink::start(USER, PASSWORD);
    let files = FileStore::new();
    let account = account(&server, sink.port);
    let ticket_id = seed(&files.store);
    let queued = queue_reply(&files.store, &account, &draft(ticket_id, "k", "Oops.")).unwrap();

    assert!(cancel_reply(&files.store, &account, queued.outbox_id).unwrap());
    assert!(!cancel_reply(&files.store, &account, queued.outbox_id).unwrap());
    // "Send now" can't bring it back either.
    assert!(!retry_reply(&files.store, &account, queued.outbox_id).unwrap());
    let report = bounded(run_outbox_once(&account, &files.store, &fast()))
        .await
        .unwrap();
    assert!(report.outcomes.is_empty());
    assert_eq!(
        status(&files.store, queued.outbox_id).state,
        OutboxState::Cancelled
    );
    assert!(sink.attempts().is_empty());
    assert!(sink.messages().is_empty());
    assert_eq!(files.messages(), 3);
}

#[tokio::test]
async fn after_a_crash_a_reply_found_in_sent_is_not_sent_again_and_one_not_found_is_sent_once() {
    let server = Dovecot::start();
    let sink = SmtpSink::start(USER, PASSWORD);
    let files = FileStore::new();
    let account = account(&server, sink.port);
    let ticket_id = seed(&files.store);
    let in_sent = queue_reply(&files.store, &account, &draft(ticket_id, "a", "A.")).unwrap();
    let lost = queue_reply(&files.store, &account, &draft(ticket_id, "b", "B.")).unwrap();
    let filed = queue_reply(&files.store, &account, &draft(ticket_id, "c", "C.")).unwrap();
    let payload = |id: i64| {
        files
            .store
            .lock()
            .unwrap()
            .outbox_entry(id)
            .unwrap()
            .payload
    };

    // The app died with all three claimed. A had gone out and the server filed it in Sent; B
    // never left; C had gone out and was filed locally, but not yet copied to Sent.
    for _ in 0..3 {
        let mut store = files.store.lock().unwrap();
        store.claim_next_outbox(OutboxKind::Reply).unwrap().unwrap();
    }
    let mut imap = server.client().await;
    bounded(imap.create("Sent")).await;
    bounded(imap.append("Sent", &payload(in_sent.outbox_id))).await;
    ingest(&files.store, &payload(filed.outbox_id));

    let report = bounded(recover_outbox(&account, &files.store))
        .await
        .unwrap();
    assert_eq!(
        report.already_sent,
        vec![in_sent.outbox_id, filed.outbox_id]
    );
    assert_eq!(report.resend, vec![lost.outbox_id]);
    assert!(
        report.undecided.is_empty() && report.warning.is_none(),
        "{report:?}"
    );
    for id in [in_sent.outbox_id, filed.outbox_id] {
        let status = status(&files.store, id);
        assert_eq!((status.state, status.last_error), (OutboxState::Sent, None));
    }
    let waiting = status(&files.store, lost.outbox_id);
    assert_eq!(waiting.state, OutboxState::Queued);
    assert!(
        waiting
            .last_error
            .as_deref()
            .unwrap()
            .contains("not in the Sent folder"),
        "{waiting:?}"
    );
    // A is in the conversation now too.
    let local = |id: &Option<String>| {
        files
            .store
            .lock()
            .unwrap()
            .message_row_id_by_message_id(id.as_deref().unwrap())
            .unwrap()
    };
    assert!(local(&in_sent.message_id).is_some());
    assert!(local(&lost.message_id).is_none());

    let report = bounded(run_outbox_once(&account, &files.store, &fast()))
        .await
        .unwrap();
    assert!(matches!(
        report.outcomes.as_slice(),
        [ReplyOutcome::Sent { .. }]
    ));
    let received = sink.messages();
    assert_eq!(received.len(), 1, "only B is sent");
    assert_eq!(parsed(&received[0]).message_id, lost.message_id);
    let resent = status(&files.store, lost.outbox_id);
    assert_eq!((resent.state, resent.attempts), (OutboxState::Sent, 2));
    assert!(local(&lost.message_id).is_some());

    // Sent holds each reply once.
    let mut ids: Vec<Option<String>> = bounded(imap.messages("Sent"))
        .await
        .iter()
        .map(|raw| parsed(raw).message_id)
        .collect();
    ids.sort();
    let mut expected = vec![in_sent.message_id, lost.message_id, filed.message_id];
    expected.sort();
    assert_eq!(ids, expected);
    imap.logout().await;

    // A second recovery finds nothing to do.
    let again = bounded(recover_outbox(&account, &files.store))
        .await
        .unwrap();
    assert!(again.is_empty());
}

#[tokio::test]
async fn recovery_waits_for_sent_when_only_the_server_keeps_copies() {
    let server = Dovecot::start();
    let sink = SmtpSink::start(USER, PASSWORD);
    let files = FileStore::new();
    let mut account = account(&server, sink.port);
    account.smtp.append_to_sent = false;
    let ticket_id = seed(&files.store);
    let queued = queue_reply(&files.store, &account, &draft(ticket_id, "a", "A.")).unwrap();
    files
        .store
        .lock()
        .unwrap()
        .claim_next_outbox(OutboxKind::Reply)
        .unwrap()
        .unwrap();

    // IMAP is down: only Sent could tell whether the server took it, so it is not resent.
    server.stop();
    let report = bounded(recover_outbox(&account, &files.store))
        .await
        .unwrap();
    assert_eq!(report.undecided, vec![queued.outbox_id]);
    assert!(report.warning.unwrap().contains(USER));
    assert_eq!(
        status(&files.store, queued.outbox_id).state,
        OutboxState::Sending
    );

    server.launch();
    let report = bounded(recover_outbox(&account, &files.store))
        .await
        .unwrap();
    assert_eq!(report.resend, vec![queued.outbox_id]);
    let report = bounded(run_outbox_once(&account, &files.store, &fast()))
        .await
        .unwrap();
    assert!(matches!(
        report.outcomes.as_slice(),
        [ReplyOutcome::Sent { .. }]
    ));
    assert_eq!(sink.messages().len(), 1);
    // Without append_to_sent nothing is copied to Sent by us.
    let mut imap = server.client().await;
    assert!(!bounded(imap.folders()).await.contains(&"Sent".to_string()));
    imap.logout().await;
}

#[tokio::test]
async fn the_outbox_loop_sends_when_woken_and_stops() {
    let server = Dovecot::start();
    let sink = SmtpSink::start(USER, PASSWORD);
    let files = FileStore::new();
    let account = account(&server, sink.port);
    let ticket_id = seed(&files.store);
    let options = OutboxOptions {
        // Long enough that only the wake can explain a quick send.
        poll_interval: Duration::from_secs(600),
        ..fast()
    };
    let (events, received) = mpsc::channel();
    let handle = run_outbox(
        account.clone(),
        files.store.clone(),
        options,
        move |event| {
            let _ = events.send(event);
        },
    )
    .unwrap();
    // Let the loop finish its first (empty) round and go to sleep.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let queued = queue_reply(&files.store, &account, &draft(ticket_id, "k", "Loop.")).unwrap();
    handle.wake();
    let deadline = Instant::now() + Duration::from_secs(20);
    let sent = loop {
        match received.try_recv() {
            Ok(OutboxEvent::Settled(outcome @ ReplyOutcome::Sent { .. })) => break outcome,
            Ok(other) => panic!("unexpected event {other:?}"),
            Err(_) => {
                assert!(Instant::now() < deadline, "the woken loop sent nothing");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    let ReplyOutcome::Sent { outbox_id, .. } = sent else {
        unreachable!()
    };
    assert_eq!(outbox_id, queued.outbox_id);
    assert_eq!(sink.messages().len(), 1);
    bounded(handle.stop()).await;
}
