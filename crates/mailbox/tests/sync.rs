//! Fetch and incremental sync against a real Dovecot and a real SQLite file.

mod support;

use std::future::Future;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use shopdesk_mailbox::{
    sync_folder, sync_mailbox, MailboxConfig, MailboxError, Security, SyncProgress,
    DEFAULT_FETCH_BATCH_SIZE, INBOX,
};
use shopdesk_store::Direction;
use support::dovecot::{Dovecot, USER};
use support::{customer_mail, support_reply, FileStore};

/// No single step of a test may take longer than this.
const STEP_TIMEOUT: Duration = Duration::from_secs(90);

async fn bounded<T>(step: impl Future<Output = T>) -> T {
    tokio::time::timeout(STEP_TIMEOUT, step)
        .await
        .expect("test step timed out")
}

fn keep_going(_: &SyncProgress) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

#[tokio::test]
async fn initial_fetch_in_batches_then_only_new_mail() {
    let server = Dovecot::start();
    let files = FileStore::new();
    let mut imap = server.client().await;
    let started = Instant::now();
    for n in 0..300 {
        bounded(imap.append(INBOX, &customer_mail("initial", n))).await;
    }
    eprintln!("APPEND of 300 mails: {:?}", started.elapsed());
    let config = server.config();
    assert_eq!(config.fetch_batch_size, DEFAULT_FETCH_BATCH_SIZE);

    let mut seen = Vec::new();
    let started = Instant::now();
    let first = bounded(sync_folder(&config, INBOX, &files.store, |p| {
        seen.push((p.fetched, p.total));
        ControlFlow::Continue(())
    }))
    .await
    .unwrap();
    eprintln!("initial sync of 300 mails: {:?}", started.elapsed());
    assert_eq!(seen, vec![(200, 300), (300, 300)]);
    assert_eq!(
        (first.fetched, first.new_messages, first.duplicates),
        (300, 300, 0)
    );
    assert_eq!(first.new_tickets, 300);
    assert!(!first.uidvalidity_changed);
    assert_eq!(first.last_seen_uid, 300);
    assert!(first.highest_modseq.is_some(), "Dovecot offers CONDSTORE");
    assert_eq!(files.messages(), 300);

    let started = Instant::now();
    let again = bounded(sync_folder(&config, INBOX, &files.store, keep_going))
        .await
        .unwrap();
    eprintln!("sync with nothing new: {:?}", started.elapsed());
    assert_eq!(again.fetched, 0);
    assert_eq!(files.messages(), 300);

    for n in 300..302 {
        bounded(imap.append(INBOX, &customer_mail("initial", n))).await;
    }
    let started = Instant::now();
    let incremental = bounded(sync_folder(&config, INBOX, &files.store, keep_going))
        .await
        .unwrap();
    eprintln!("incremental sync of 2 mails: {:?}", started.elapsed());
    assert_eq!((incremental.fetched, incremental.new_messages), (2, 2));
    assert_eq!(files.messages(), 302);

    let state = files
        .store
        .lock()
        .unwrap()
        .imap_folder_state(USER, INBOX)
        .unwrap()
        .unwrap();
    assert_eq!(state.last_seen_uid, 302);
    assert_eq!(state.highest_modseq, incremental.highest_modseq);
    // BODY.PEEK: the other agents still see the mail as unread.
    let flags = bounded(imap.flags(INBOX)).await;
    assert!(!flags.iter().any(|f| f.contains("Seen")), "{flags:?}");
    imap.logout().await;
}

#[tokio::test]
async fn an_interrupted_fetch_resumes_without_duplicates() {
    let server = Dovecot::start();
    let files = FileStore::new();
    let mut imap = server.client().await;
    for n in 0..250 {
        bounded(imap.append(INBOX, &customer_mail("resume", n))).await;
    }
    let mut config = server.config();
    config.fetch_batch_size = 100;

    // The app quits after the first batch.
    let stopped = bounded(sync_folder(&config, INBOX, &files.store, |_| {
        ControlFlow::Break(())
    }))
    .await
    .unwrap_err();
    assert!(
        matches!(stopped, MailboxError::Cancelled { .. }),
        "{stopped}"
    );
    assert_eq!(files.messages(), 100);

    let resumed = bounded(sync_folder(&config, INBOX, &files.store, keep_going))
        .await
        .unwrap();
    assert_eq!((resumed.fetched, resumed.duplicates), (150, 0));
    assert_eq!(files.messages(), 250);
    imap.logout().await;
}

#[tokio::test]
async fn a_changed_uidvalidity_refetches_without_duplicates() {
    let server = Dovecot::start();
    let files = FileStore::new();
    let config = server.config();
    let mut imap = server.client().await;
    imap.create("Support").await;
    for n in 0..5 {
        bounded(imap.append("Support", &customer_mail("uidvalidity", n))).await;
    }
    let first = bounded(sync_folder(&config, "Support", &files.store, keep_going))
        .await
        .unwrap();
    assert_eq!(first.new_messages, 5);

    // A fresh folder under the same name: same mail, new UIDVALIDITY, UIDs counted anew.
    imap.delete("Support").await;
    imap.create("Support").await;
    for n in 0..6 {
        bounded(imap.append("Support", &customer_mail("uidvalidity", n))).await;
    }
    let resync = bounded(sync_folder(&config, "Support", &files.store, keep_going))
        .await
        .unwrap();
    assert!(resync.uidvalidity_changed);
    assert_ne!(resync.uidvalidity, first.uidvalidity);
    assert_eq!(
        (resync.fetched, resync.duplicates, resync.new_messages),
        (6, 5, 1)
    );
    assert_eq!(files.messages(), 6);
    imap.logout().await;
    let store = files.store.lock().unwrap();
    assert_eq!(store.imap_uid_count(USER, "Support").unwrap(), 6);
    let state = store.imap_folder_state(USER, "Support").unwrap().unwrap();
    assert_eq!(
        (state.uidvalidity, state.last_seen_uid),
        (resync.uidvalidity, 6)
    );
}

#[tokio::test]
async fn a_wrong_password_names_the_account_and_what_to_do() {
    let server = Dovecot::start();
    let files = FileStore::new();
    let mut config = server.config();
    config.password = "not-the-password".into();
    let error = bounded(sync_folder(&config, INBOX, &files.store, keep_going))
        .await
        .unwrap_err();
    assert!(
        matches!(error, MailboxError::LoginRefused { .. }),
        "{error:?}"
    );
    assert!(!error.is_retryable());
    let message = error.to_string();
    assert!(
        message.starts_with(
            "The mail server refused the login for support@shop.test: check the password or \
             app password"
        ),
        "{message}"
    );
    assert!(!message.contains("not-the-password"), "{message}");
}

#[tokio::test]
async fn an_unreachable_server_is_a_retryable_connect_error() {
    // A port that was free a moment ago; a stopped Dovecot's port could be reused by another
    // test's server during its slower shutdown.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .unwrap()
        .port();
    let config = MailboxConfig::new(USER, "127.0.0.1", port, Security::Plain, "secret");
    let files = FileStore::new();
    let error = bounded(sync_folder(&config, INBOX, &files.store, keep_going))
        .await
        .unwrap_err();
    assert!(matches!(error, MailboxError::Connect { .. }), "{error:?}");
    assert!(error.is_retryable());
    assert!(error.to_string().contains("support@shop.test"), "{error}");
}

#[tokio::test]
async fn sent_mail_is_filed_as_outbound_on_the_customers_ticket() {
    let server = Dovecot::start();
    let files = FileStore::new();
    let mut imap = server.client().await;
    imap.create("Sent").await;
    bounded(imap.append(INBOX, &customer_mail("sent", 1))).await;
    bounded(imap.append("Sent", &support_reply("sent", 1))).await;

    let report = bounded(sync_mailbox(&server.config(), &files.store, keep_going))
        .await
        .unwrap();
    assert_eq!(report.inbox.new_messages, 1);
    let sent = report.sent.expect("the Sent folder is found by name");
    assert_eq!((sent.folder.as_str(), sent.new_messages), ("Sent", 1));
    imap.logout().await;

    let store = files.store.lock().unwrap();
    let ticket = store.list_tickets(10).unwrap().remove(0).ticket.id;
    let messages = store.messages_for_ticket(ticket).unwrap();
    let directions: Vec<_> = messages.iter().map(|m| (m.direction, &*m.source)).collect();
    assert_eq!(
        directions,
        vec![
            (Direction::Inbound, "imap:INBOX"),
            (Direction::Outbound, "imap:Sent")
        ]
    );
}

#[tokio::test]
async fn an_account_without_a_sent_folder_syncs_its_inbox() {
    let server = Dovecot::start();
    let files = FileStore::new();
    let mut imap = server.client().await;
    bounded(imap.append(INBOX, &customer_mail("nosent", 1))).await;
    let report = bounded(sync_mailbox(&server.config(), &files.store, keep_going))
        .await
        .unwrap();
    assert_eq!(report.inbox.new_messages, 1);
    assert_eq!(report.sent, None);
    imap.logout().await;
}

#[tokio::test]
async fn the_sent_folder_is_found_by_its_special_use_flag() {
    let server = Dovecot::start_with(
        "namespace inbox {
  inbox = yes
  mailbox \"Sent Items\" {
    special_use = \\Sent
    auto = create
  }
}
",
    );
    let files = FileStore::new();
    let mut imap = server.client().await;
    imap.create("Sent").await; // a decoy: the flag wins over the name
    bounded(imap.append("Sent Items", &support_reply("special", 1))).await;
    imap.logout().await;

    let report = bounded(sync_mailbox(&server.config(), &files.store, keep_going))
        .await
        .unwrap();
    let sent = report.sent.expect("the \\Sent folder");
    assert_eq!((sent.folder.as_str(), sent.new_messages), ("Sent Items", 1));
}

#[tokio::test]
async fn mail_filed_before_a_lost_checkpoint_is_not_fetched_again() {
    let server = Dovecot::start();
    let files = FileStore::new();
    let mut imap = server.client().await;
    // No Message-ID: only the UID map can tell that this mail is already stored.
    let anonymous = b"From: Ann <ann@example.com>\r\nTo: support@shop.test\r\n\
        Subject: no id\r\n\r\nHello\r\n";
    bounded(imap.append(INBOX, anonymous)).await;
    bounded(imap.append(INBOX, &customer_mail("lost", 1))).await;
    imap.logout().await;
    let config = server.config();
    let first = bounded(sync_folder(&config, INBOX, &files.store, keep_going))
        .await
        .unwrap();
    assert_eq!(first.new_messages, 2);

    // As if the app died after filing the mail but before the checkpoint was written.
    files
        .store
        .lock()
        .unwrap()
        .reset_imap_folder(USER, INBOX, first.uidvalidity)
        .unwrap();
    let again = bounded(sync_folder(&config, INBOX, &files.store, keep_going))
        .await
        .unwrap();
    assert_eq!((again.fetched, again.last_seen_uid), (0, 2));
    assert_eq!(files.messages(), 2);
}

#[tokio::test]
async fn a_missing_folder_is_named_in_the_error() {
    let server = Dovecot::start();
    let files = FileStore::new();
    let error = bounded(sync_folder(
        &server.config(),
        "Nope",
        &files.store,
        keep_going,
    ))
    .await
    .unwrap_err();
    assert!(
        matches!(error, MailboxError::FolderUnavailable { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("\"Nope\""), "{error}");
}
