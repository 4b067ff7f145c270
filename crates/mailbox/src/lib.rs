//! Mail transport for Shopdesk's support mailbox: the initial fetch, incremental sync by UID
//! under UIDVALIDITY (CONDSTORE's HIGHESTMODSEQ recorded where offered), IDLE for new mail, and
//! replies over SMTP through the durable outbox ([`send`]).
//!
//! Every fetched mail goes through the two halves of `shopdesk_mail::ingest_raw`:
//! `prepare_ingest` (parse, no database) and `ingest_prepared` (thread, store, de-duplicate),
//! a fetched batch being filed in one transaction together with its UIDs (a batch lands whole or
//! not at all) on a background thread while the next batch downloads. This crate adds where
//! each folder stands (`imap_folders`) and which stored message each UID is (`imap_messages`), so that:
//! - a fetch checkpoints after each batch and an interrupted one resumes after its last batch;
//! - a changed UIDVALIDITY drops the old UIDs and fetches the folder again, without duplicates;
//! - mail is fetched with BODY.PEEK, never marking it \Seen for the other agents.

mod auth;
pub mod autoconfig;
mod backoff;
mod config;
mod connect;
mod error;
mod fetch;
mod folders;
pub mod send;
mod sync;
mod uid_set;
mod watch;

use std::sync::{Arc, Mutex, MutexGuard};

use shopdesk_store::Store;

pub use auth::MailAuth;
pub use backoff::Backoff;
pub use config::{MailboxConfig, Security, DEFAULT_FETCH_BATCH_SIZE, INBOX};
pub use error::MailboxError;
pub use folders::SENT_FALLBACK;
pub use send::{
    build_reply, cancel_reply, queue_reply, recover_outbox, replies_for_ticket, replies_in_state,
    retry_reply, run_outbox, run_outbox_once, BuiltReply, MailAccount, OutboxEvent, OutboxHandle,
    OutboxOptions, OutboxRunReport, RecoveryReport, ReplyDraft, ReplyOutcome, ReplyStatus,
    SendError, SmtpConfig, DEFAULT_SMTP_TIMEOUT,
};
pub use shopdesk_mail::IngestReport;
/// The OAuth2 sign-in (`MailOAuth`, `Provider`, `sign_in`), for [`MailAuth::OAuth2`].
pub use shopdesk_mail_oauth as oauth;
pub use sync::{sync_folder, sync_mailbox, FolderSyncReport, MailboxSyncReport, SyncProgress};
pub use watch::{watch_inbox, WatchEvent, WatchHandle, WatchOptions};

/// The store as the sync shares it with the rest of the app: locked only around each write,
/// never across a network wait.
pub type SharedStore = Arc<Mutex<Store>>;

fn lock_store(store: &SharedStore) -> MutexGuard<'_, Store> {
    // Every store write is one transaction, so a panic elsewhere while holding the lock cannot
    // have left it half-written: a poisoned lock is safe to take over.
    store
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
