//! A connection that dies in the middle of a FETCH batch: what arrived is kept with its UIDs,
//! the rest is fetched by the next sync, nothing twice. The cut is made by a real TCP relay on
//! 127.0.0.1 between the client and a real Dovecot.

mod support;

use std::future::Future;
use std::ops::ControlFlow;
use std::time::Duration;

use shopdesk_mailbox::{sync_folder, SyncProgress, INBOX};
use support::dovecot::{Dovecot, USER};
use support::{customer_mail, FileStore};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const STEP_TIMEOUT: Duration = Duration::from_secs(90);

async fn bounded<T>(step: impl Future<Output = T>) -> T {
    tokio::time::timeout(STEP_TIMEOUT, step)
        .await
        .expect("test step timed out")
}

fn keep_going(_: &SyncProgress) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

/// Relays one connection to `upstream` and closes both sides once `server_bytes` bytes have
/// gone from the server to the client. Returns the port to connect to.
async fn cutting_relay(upstream: u16, server_bytes: usize) -> u16 {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (client, _) = listener.accept().await.unwrap();
        let server = TcpStream::connect(("127.0.0.1", upstream)).await.unwrap();
        let (mut client_read, mut client_write) = client.into_split();
        let (mut server_read, mut server_write) = server.into_split();
        let upward = tokio::spawn(async move {
            let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
        });
        let mut left = server_bytes;
        let mut buffer = vec![0u8; 8192];
        while left > 0 {
            let n = match server_read.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n.min(left),
            };
            if client_write.write_all(&buffer[..n]).await.is_err() {
                break;
            }
            left -= n;
        }
        upward.abort();
        // Dropping both halves closes the client's connection mid-answer.
    });
    port
}

#[tokio::test]
async fn a_connection_dropped_mid_batch_loses_nothing_and_duplicates_nothing() {
    let server = Dovecot::start();
    let files = FileStore::new();
    let mut imap = server.client().await;
    let mails: Vec<Vec<u8>> = (0..30).map(|n| customer_mail("dropped", n)).collect();
    for mail in &mails {
        bounded(imap.append(INBOX, mail)).await;
    }
    imap.logout().await;

    // Login and SELECT take well under 2 kB; the cut lands inside the second batch of 10.
    let mail_size = mails[0].len();
    let mut cut = server.config();
    cut.fetch_batch_size = 10;
    cut.imap_port = cutting_relay(server.config().imap_port, 2_000 + mail_size * 15).await;
    let dropped = bounded(sync_folder(&cut, INBOX, &files.store, keep_going)).await;
    assert!(dropped.is_err(), "the cut connection fails the sync");

    let stored_before = files.messages();
    let uids_before = files
        .store
        .lock()
        .unwrap()
        .imap_uid_count(USER, INBOX)
        .unwrap();
    assert!(
        (11..30).contains(&stored_before),
        "the first batch and what arrived of the second are kept: {stored_before}"
    );
    assert_eq!(uids_before, stored_before, "every kept mail has its UID");

    let mut direct = server.config();
    direct.fetch_batch_size = 10;
    let resumed = bounded(sync_folder(&direct, INBOX, &files.store, keep_going))
        .await
        .unwrap();
    assert_eq!(resumed.duplicates, 0, "nothing fetched twice");
    assert_eq!(i64::from(resumed.fetched), 30 - stored_before);
    assert_eq!(files.messages(), 30);
    assert_eq!(
        files
            .store
            .lock()
            .unwrap()
            .imap_uid_count(USER, INBOX)
            .unwrap(),
        30
    );
}
