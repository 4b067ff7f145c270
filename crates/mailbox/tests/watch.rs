//! IDLE watching against a real Dovecot: new mail, reconnects, a refused login.

mod support;

use std::time::{Duration, Instant};

use shopdesk_mailbox::{watch_inbox, Backoff, MailboxError, WatchEvent, WatchOptions, INBOX};
use support::dovecot::Dovecot;
use support::{customer_mail, FileStore};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

/// The longest a test waits for one event; IDLE delivers in well under a second.
const EVENT_TIMEOUT: Duration = Duration::from_secs(30);

fn fast_retries() -> WatchOptions {
    WatchOptions {
        backoff: Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_millis(500),
        },
        ..WatchOptions::default()
    }
}

async fn next_event(events: &mut UnboundedReceiver<WatchEvent>) -> WatchEvent {
    tokio::time::timeout(EVENT_TIMEOUT, events.recv())
        .await
        .expect("no watch event in time")
        .expect("the watcher ended")
}

/// Skips events until one matches; bounded by the event timeout per event and a count.
async fn wait_for(
    events: &mut UnboundedReceiver<WatchEvent>,
    wanted: impl Fn(&WatchEvent) -> bool,
) -> WatchEvent {
    for _ in 0..50 {
        let event = next_event(events).await;
        if wanted(&event) {
            return event;
        }
    }
    panic!("the expected watch event did not come");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_mail_while_idling_is_reported_and_a_backlog_only_counted() {
    let server = Dovecot::start();
    let files = FileStore::new();
    let mut imap = server.client().await;
    for n in 0..3 {
        imap.append(INBOX, &customer_mail("backlog", n)).await;
    }
    let (sender, mut events) = unbounded_channel();
    let watcher = watch_inbox(
        server.config(),
        files.store.clone(),
        fast_retries(),
        move |event| {
            let _ = sender.send(event);
        },
    )
    .unwrap();

    // The backlog is one summary, not three notifications.
    match next_event(&mut events).await {
        WatchEvent::Synced(report) => assert_eq!(report.new_messages, 3),
        other => panic!("expected the catch-up summary, got {other:?}"),
    }

    let appended = Instant::now();
    imap.append(INBOX, &customer_mail("live", 1)).await;
    let WatchEvent::NewMail(filed) = next_event(&mut events).await else {
        panic!("expected the new mail");
    };
    eprintln!("APPEND to NewMail event: {:?}", appended.elapsed());
    assert!(filed.created_ticket && !filed.duplicate);
    assert_eq!(files.messages(), 4);

    // The same mail again (same Message-ID) is filed as a duplicate and not announced.
    imap.append(INBOX, &customer_mail("live", 1)).await;
    imap.append(INBOX, &customer_mail("live", 2)).await;
    let WatchEvent::NewMail(second) = next_event(&mut events).await else {
        panic!("expected the second new mail");
    };
    assert!(!second.duplicate);
    assert_eq!(files.messages(), 5);

    watcher.stop().await.unwrap();
    assert!(events.try_recv().is_err(), "no event after stop");
    imap.logout().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_watcher_reconnects_after_the_server_restarts() {
    let server = Dovecot::start();
    let files = FileStore::new();
    let (sender, mut events) = unbounded_channel();
    let watcher = watch_inbox(
        server.config(),
        files.store.clone(),
        fast_retries(),
        move |event| {
            let _ = sender.send(event);
        },
    )
    .unwrap();
    assert!(matches!(
        next_event(&mut events).await,
        WatchEvent::Synced(_)
    ));

    let stopping = Instant::now();
    tokio::task::block_in_place(|| server.stop());
    eprintln!("server stopped in {:?}", stopping.elapsed());
    let lost = wait_for(&mut events, |e| {
        matches!(e, WatchEvent::Reconnecting { .. })
    })
    .await;
    eprintln!("after the server stopped: {lost:?}");
    tokio::task::block_in_place(|| server.launch());
    let restarted = Instant::now();
    wait_for(&mut events, |e| matches!(e, WatchEvent::Synced(_))).await;
    eprintln!("reconnected {:?} after the restart", restarted.elapsed());

    let mut imap = server.client().await;
    imap.append(INBOX, &customer_mail("reconnect", 1)).await;
    wait_for(&mut events, |e| matches!(e, WatchEvent::NewMail(_))).await;
    assert_eq!(files.messages(), 1);
    assert!(!watcher.is_finished());
    watcher.stop().await.unwrap();
    imap.logout().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_login_ends_the_watcher_with_the_typed_error() {
    let server = Dovecot::start();
    let files = FileStore::new();
    let mut config = server.config();
    config.password = "wrong".into();
    let (sender, mut events) = unbounded_channel();
    let watcher = watch_inbox(config, files.store.clone(), fast_retries(), move |event| {
        let _ = sender.send(event);
    })
    .unwrap();
    let WatchEvent::Ended { error } = next_event(&mut events).await else {
        panic!("expected the watcher to end");
    };
    assert!(error.contains("support@shop.test"), "{error}");
    let error = watcher.stop().await.unwrap_err();
    assert!(
        matches!(error, MailboxError::LoginRefused { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn plain_imap_to_another_machine_is_refused_before_connecting() {
    let files = FileStore::new();
    let config = shopdesk_mailbox::MailboxConfig::new(
        "support@shop.test",
        "imap.shop.test",
        143,
        shopdesk_mailbox::Security::Plain,
        "pw",
    );
    let result = watch_inbox(config, files.store.clone(), WatchOptions::default(), |_| {});
    assert!(matches!(
        result.err(),
        Some(MailboxError::PlainNotAllowed { .. })
    ));
}
