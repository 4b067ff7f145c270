//! Incremental sync of one folder: UIDVALIDITY check, new UIDs in batches, a checkpoint after
//! each batch so an interrupted fetch resumes.

use std::collections::HashSet;
use std::ops::ControlFlow;

use async_imap::error::Error as ImapError;
use async_imap::types::Mailbox;
use shopdesk_mail::IngestReport;
use shopdesk_store::{ImapFolderState, StoreError};

use crate::connect::{self, Connection, RESPONSE_TIMEOUT};
use crate::fetch::{count_batch, fetch_batch, file_batch, uids_above};
use crate::folders::find_sent_folder;
use crate::{lock_store, MailboxConfig, MailboxError, SharedStore};

/// How far a folder's fetch has come; reported after each batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncProgress {
    pub folder: String,
    /// Messages fetched so far in this sync.
    pub fetched: u32,
    /// Messages this sync has to fetch.
    pub total: u32,
}

/// What one folder's sync did, in counts: a catch-up is summed up, not told mail by mail.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FolderSyncReport {
    pub folder: String,
    pub uidvalidity: u32,
    /// The server's UIDVALIDITY differed from the stored one: the folder was fetched again from
    /// the start, and the mail already stored was recognised by Message-ID, not stored twice.
    pub uidvalidity_changed: bool,
    /// Messages downloaded.
    pub fetched: u32,
    /// Messages stored for the first time.
    pub new_messages: u32,
    /// Messages already stored (same Message-ID): nothing was written.
    pub duplicates: u32,
    pub new_tickets: u32,
    pub reopened_tickets: u32,
    /// Mail the parser could not read: kept raw and shown flagged.
    pub flagged: u32,
    /// Every UID up to this one is filed.
    pub last_seen_uid: u32,
    /// CONDSTORE HIGHESTMODSEQ after the sync; `None` where the server has no CONDSTORE.
    pub highest_modseq: Option<u64>,
}

/// INBOX and, when the account has one, its Sent folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxSyncReport {
    pub inbox: FolderSyncReport,
    pub sent: Option<FolderSyncReport>,
}

/// Fetches what is new in one folder and files it. `progress` runs after each batch, once that
/// batch is saved; returning `ControlFlow::Break(())` stops the sync with
/// [`MailboxError::Cancelled`], and the next sync resumes after that batch.
pub async fn sync_folder(
    config: &MailboxConfig,
    folder: &str,
    store: &SharedStore,
    mut progress: impl FnMut(&SyncProgress) -> ControlFlow<()> + Send,
) -> Result<FolderSyncReport, MailboxError> {
    let mut connection = connect::open(config).await?;
    let report = sync_open_folder(
        &mut connection,
        config,
        store,
        folder,
        &mut progress,
        &mut |_| {},
    )
    .await;
    connect::close(config, connection.session).await;
    report
}

/// Syncs INBOX, then the Sent folder (SPECIAL-USE `\Sent`, else "Sent"; skipped when the
/// account has neither), over one connection. Sent mail is filed by the same ingest, which
/// makes mail from the support address outbound.
pub async fn sync_mailbox(
    config: &MailboxConfig,
    store: &SharedStore,
    mut progress: impl FnMut(&SyncProgress) -> ControlFlow<()> + Send,
) -> Result<MailboxSyncReport, MailboxError> {
    let mut connection = connect::open(config).await?;
    let result = sync_inbox_and_sent(&mut connection, config, store, &mut progress).await;
    connect::close(config, connection.session).await;
    result
}

async fn sync_inbox_and_sent(
    connection: &mut Connection,
    config: &MailboxConfig,
    store: &SharedStore,
    progress: &mut (dyn FnMut(&SyncProgress) -> ControlFlow<()> + Send),
) -> Result<MailboxSyncReport, MailboxError> {
    let inbox = &config.inbox_folder;
    let inbox = sync_open_folder(connection, config, store, inbox, progress, &mut |_| {}).await?;
    let sent = match find_sent_folder(connection, config).await? {
        Some(sent) => {
            Some(sync_open_folder(connection, config, store, &sent, progress, &mut |_| {}).await?)
        }
        None => None,
    };
    Ok(MailboxSyncReport { inbox, sent })
}

/// SELECTs `folder` and fetches what is new. `on_filed` sees each mail as it is filed.
pub(crate) async fn sync_open_folder(
    connection: &mut Connection,
    config: &MailboxConfig,
    store: &SharedStore,
    folder: &str,
    progress: &mut (dyn FnMut(&SyncProgress) -> ControlFlow<()> + Send),
    on_filed: &mut (dyn FnMut(&IngestReport) + Send),
) -> Result<FolderSyncReport, MailboxError> {
    let mailbox = select(connection, config, folder).await?;
    let uidvalidity = mailbox
        .uid_validity
        .ok_or_else(|| MailboxError::NoUidValidity {
            account: config.account.clone(),
            folder: folder.to_string(),
        })?;
    let (state, uidvalidity_changed) = folder_state(config, store, folder, uidvalidity)?;
    let mut report = FolderSyncReport {
        folder: folder.to_string(),
        uidvalidity,
        uidvalidity_changed,
        last_seen_uid: state.last_seen_uid,
        highest_modseq: state.highest_modseq,
        ..FolderSyncReport::default()
    };

    let new_uids = if has_nothing_new(&mailbox, &state) {
        Vec::new()
    } else {
        uids_above(connection, config, state.last_seen_uid).await?
    };
    // UIDs filed by an earlier run that stopped before its checkpoint: not downloaded again.
    let recorded: HashSet<u32> = lock_store(store)
        .imap_uids_recorded_above(&config.account, folder, uidvalidity, state.last_seen_uid)
        .map_err(|e| store_error(config, e))?
        .into_iter()
        .collect();
    let to_fetch: Vec<u32> = new_uids
        .iter()
        .copied()
        .filter(|uid| !recorded.contains(uid))
        .collect();
    let total = to_fetch.len() as u32;
    let batch_size = config.fetch_batch_size.max(1) as usize;

    // Batch N is parsed and filed on a blocking thread while batch N+1 downloads; batches are
    // filed in order, each in one transaction with its UIDs, then checkpointed.
    let mut in_flight: Option<Filing> = None;
    for batch in to_fetch.chunks(batch_size) {
        let fetched = fetch_batch(connection, config, batch).await;
        if let Some(previous) = in_flight.take() {
            let done = previous
                .finish(config, &state, &mut report, on_filed)
                .await?;
            checkpoint_batch(config, store, &state, done, &mut report, total, progress)?;
        }
        let filing = Filing::start(config, store, &state, batch, fetched.mails);
        if let Some(error) = fetched.cut_short {
            // What arrived is filed with its UIDs (so not fetched again), but not checkpointed.
            filing.finish(config, &state, &mut report, on_filed).await?;
            return Err(error);
        }
        in_flight = Some(filing);
    }
    if let Some(last) = in_flight.take() {
        let done = last.finish(config, &state, &mut report, on_filed).await?;
        checkpoint_batch(config, store, &state, done, &mut report, total, progress)?;
    }

    // The pass is complete: move past the skipped UIDs too, and record the folder's modseq.
    let pass_end = new_uids.last().copied().unwrap_or(state.last_seen_uid);
    save_checkpoint(config, store, &state, pass_end, mailbox.highest_modseq)?;
    report.last_seen_uid = report.last_seen_uid.max(pass_end);
    report.highest_modseq = mailbox.highest_modseq.or(report.highest_modseq);
    tracing::info!(
        account = %config.account, folder, fetched = report.fetched,
        new = report.new_messages, "folder synced"
    );
    Ok(report)
}

/// A fetched batch being parsed and filed on a blocking thread.
struct Filing {
    handle: tokio::task::JoinHandle<Result<Vec<IngestReport>, MailboxError>>,
    expected: usize,
    batch_end: u32,
}

impl Filing {
    fn start(
        config: &MailboxConfig,
        store: &SharedStore,
        state: &ImapFolderState,
        batch: &[u32],
        mails: Vec<(u32, Vec<u8>)>,
    ) -> Filing {
        let (config_owned, store, state_owned) = (config.clone(), store.clone(), state.clone());
        let handle = tokio::task::spawn_blocking(move || {
            file_batch(&config_owned, &store, &state_owned, mails)
        });
        Filing {
            handle,
            expected: batch.len(),
            batch_end: batch.last().copied().unwrap_or(state.last_seen_uid),
        }
    }

    /// Waits for the batch to be stored and counts it; returns the batch's last UID.
    async fn finish(
        self,
        config: &MailboxConfig,
        state: &ImapFolderState,
        report: &mut FolderSyncReport,
        on_filed: &mut (dyn FnMut(&IngestReport) + Send),
    ) -> Result<u32, MailboxError> {
        let filed = match self.handle.await {
            Ok(filed) => filed?,
            Err(join) => std::panic::resume_unwind(join.into_panic()),
        };
        count_batch(config, state, self.expected, &filed, report, on_filed);
        Ok(self.batch_end)
    }
}

/// Saves the checkpoint after a stored batch and reports progress; a `Break` cancels the sync.
fn checkpoint_batch(
    config: &MailboxConfig,
    store: &SharedStore,
    state: &ImapFolderState,
    batch_end: u32,
    report: &mut FolderSyncReport,
    total: u32,
    progress: &mut (dyn FnMut(&SyncProgress) -> ControlFlow<()> + Send),
) -> Result<(), MailboxError> {
    save_checkpoint(config, store, state, batch_end, None)?;
    report.last_seen_uid = report.last_seen_uid.max(batch_end);
    let seen = SyncProgress {
        folder: state.folder.clone(),
        fetched: report.fetched,
        total,
    };
    if progress(&seen).is_break() {
        return Err(MailboxError::Cancelled {
            account: config.account.clone(),
            folder: state.folder.clone(),
        });
    }
    Ok(())
}

async fn select(
    connection: &mut Connection,
    config: &MailboxConfig,
    folder: &str,
) -> Result<Mailbox, MailboxError> {
    const DOING: &str = "opening a folder";
    let session = &mut connection.session;
    let condstore = connection.condstore;
    let command = async {
        if condstore {
            session.select_condstore(folder).await
        } else {
            session.select(folder).await
        }
    };
    match tokio::time::timeout(RESPONSE_TIMEOUT, command).await {
        Ok(Ok(mailbox)) => Ok(mailbox),
        Ok(Err(ImapError::No(server_said))) => Err(MailboxError::FolderUnavailable {
            account: config.account.clone(),
            folder: folder.to_string(),
            server_said,
        }),
        Ok(Err(error)) => Err(connect::protocol_error(config, DOING, error)),
        Err(_) => Err(connect::timeout_error(config, DOING)),
    }
}

/// The stored state under the server's UIDVALIDITY; a new or changed one starts from UID 0.
fn folder_state(
    config: &MailboxConfig,
    store: &SharedStore,
    folder: &str,
    uidvalidity: u32,
) -> Result<(ImapFolderState, bool), MailboxError> {
    let mut store = lock_store(store);
    let stored = store
        .imap_folder_state(&config.account, folder)
        .map_err(|e| store_error(config, e))?;
    if let Some(state) = stored.as_ref().filter(|s| s.uidvalidity == uidvalidity) {
        return Ok((state.clone(), false));
    }
    if let Some(old) = &stored {
        tracing::warn!(
            account = %config.account, folder, old = old.uidvalidity, new = uidvalidity,
            "UIDVALIDITY changed: fetching the folder again, known mail is matched by Message-ID"
        );
    }
    store
        .reset_imap_folder(&config.account, folder, uidvalidity)
        .map_err(|e| store_error(config, e))?;
    let fresh = ImapFolderState {
        account: config.account.clone(),
        folder: folder.to_string(),
        uidvalidity,
        last_seen_uid: 0,
        highest_modseq: None,
    };
    Ok((fresh, stored.is_some()))
}

/// SELECT's UIDNEXT tells without another command that nothing arrived.
fn has_nothing_new(mailbox: &Mailbox, state: &ImapFolderState) -> bool {
    mailbox.exists == 0
        || mailbox
            .uid_next
            .is_some_and(|next| next <= state.last_seen_uid.saturating_add(1))
}

fn save_checkpoint(
    config: &MailboxConfig,
    store: &SharedStore,
    state: &ImapFolderState,
    last_seen_uid: u32,
    highest_modseq: Option<u64>,
) -> Result<(), MailboxError> {
    let checkpoint = ImapFolderState {
        last_seen_uid,
        highest_modseq,
        ..state.clone()
    };
    lock_store(store)
        .save_imap_checkpoint(&checkpoint)
        .map_err(|e| store_error(config, e))
}

pub(crate) fn store_error(config: &MailboxConfig, source: StoreError) -> MailboxError {
    MailboxError::Store {
        account: config.account.clone(),
        source,
    }
}
