//! Downloading one batch of UIDs and filing each mail through the mail crate's ingest.

use futures::StreamExt;
use shopdesk_mail::{ingest_prepared, prepare_ingest, IngestContext, IngestReport};
use shopdesk_store::ImapFolderState;

use crate::connect::{self, within, Connection, RESPONSE_TIMEOUT};
use crate::sync::{store_error, FolderSyncReport};
use crate::uid_set::uid_set;
use crate::{lock_store, MailboxConfig, MailboxError, SharedStore};

pub(crate) async fn uids_above(
    connection: &mut Connection,
    config: &MailboxConfig,
    last_seen_uid: u32,
) -> Result<Vec<u32>, MailboxError> {
    let query = format!("UID {}:*", last_seen_uid.saturating_add(1));
    let found = within(
        config,
        "listing new mail",
        connection.session.uid_search(query),
    )
    .await?;
    // "n:*" also matches the highest UID when it is below n (RFC 3501 6.4.8): filter it out.
    let mut uids: Vec<u32> = found.into_iter().filter(|&u| u > last_seen_uid).collect();
    uids.sort_unstable();
    Ok(uids)
}

/// One batch as it came off the wire, in the server's order, and the error that cut it short.
pub(crate) struct FetchedBatch {
    pub mails: Vec<(u32, Vec<u8>)>,
    /// The connection failed or timed out mid-batch: `mails` holds what arrived before.
    pub cut_short: Option<MailboxError>,
}

/// Downloads the mails of `batch` (sorted UIDs). Nothing is filed here, so the caller can file
/// the previous batch meanwhile; what arrived before a failure is kept, never dropped.
pub(crate) async fn fetch_batch(
    connection: &mut Connection,
    config: &MailboxConfig,
    batch: &[u32],
) -> FetchedBatch {
    const DOING: &str = "fetching mail";
    let mut mails = Vec::with_capacity(batch.len());
    let set = uid_set(batch);
    // BODY.PEEK: fetching must not mark the mail \Seen for the other agents. Only what filing
    // needs is asked for: no FLAGS, ENVELOPE or INTERNALDATE to parse.
    let command = connection.session.uid_fetch(&set, "(UID BODY.PEEK[])");
    let mut fetches = match within(config, DOING, command).await {
        Ok(fetches) => fetches,
        Err(error) => {
            return FetchedBatch {
                mails,
                cut_short: Some(error),
            }
        }
    };
    let cut_short = loop {
        let next = match tokio::time::timeout(RESPONSE_TIMEOUT, fetches.next()).await {
            Ok(next) => next,
            Err(_) => break Some(connect::timeout_error(config, DOING)),
        };
        let fetch = match next {
            None => break None,
            Some(Ok(fetch)) => fetch,
            Some(Err(e)) => break Some(connect::protocol_error(config, DOING, e)),
        };
        // Skip unsolicited FETCHes (another client's flag change) mixed into the answer.
        let (Some(uid), Some(raw)) = (fetch.uid, fetch.body()) else {
            continue;
        };
        if batch.binary_search(&uid).is_ok() {
            mails.push((uid, raw.to_vec()));
        }
    };
    FetchedBatch { mails, cut_short }
}

/// Parses `mails` (no lock held), then files them with their UIDs in one store transaction:
/// the batch lands whole or not at all. Blocking; runs on a blocking thread.
pub(crate) fn file_batch(
    config: &MailboxConfig,
    store: &SharedStore,
    state: &ImapFolderState,
    mails: Vec<(u32, Vec<u8>)>,
) -> Result<Vec<IngestReport>, MailboxError> {
    let context = IngestContext {
        source: format!("imap:{}", state.folder),
        support_address: config.support_address.clone(),
        now: now_rfc3339(),
    };
    let ingest_error = |source| MailboxError::Ingest {
        account: config.account.clone(),
        source,
    };
    let prepared = mails
        .iter()
        .map(|(uid, raw)| Ok((*uid, prepare_ingest(raw, &context)?)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ingest_error)?;
    drop(mails);

    let mut store = lock_store(store);
    let batch = store
        .begin_mail_batch()
        .map_err(|e| store_error(config, e))?;
    let mut reports = Vec::with_capacity(prepared.len());
    for (uid, mail) in prepared {
        let filed = ingest_prepared(&batch, mail).map_err(ingest_error)?;
        batch
            .record_imap_uid(
                &state.account,
                &state.folder,
                state.uidvalidity,
                uid,
                filed.message_row_id,
            )
            .map_err(|e| store_error(config, e))?;
        reports.push(filed);
    }
    batch.commit().map_err(|e| store_error(config, e))?;
    Ok(reports)
}

/// Adds a filed batch to the sync's counts.
pub(crate) fn count_batch(
    config: &MailboxConfig,
    state: &ImapFolderState,
    expected: usize,
    filed: &[IngestReport],
    report: &mut FolderSyncReport,
    on_filed: &mut (dyn FnMut(&IngestReport) + Send),
) {
    for one in filed {
        count(report, one);
        on_filed(one);
    }
    report.fetched += filed.len() as u32;
    if filed.len() < expected {
        // Expunged between SEARCH and FETCH: gone from the server, nothing to file.
        tracing::debug!(
            account = %config.account, folder = %state.folder,
            missing = expected - filed.len(), "mail vanished before its fetch"
        );
    }
}

fn count(report: &mut FolderSyncReport, filed: &IngestReport) {
    if filed.duplicate {
        report.duplicates += 1;
        return;
    }
    report.new_messages += 1;
    report.new_tickets += u32::from(filed.created_ticket);
    report.reopened_tickets += u32::from(filed.reopened);
    report.flagged += u32::from(filed.flagged);
}

/// The time of ingest in the store's timestamp form ("2026-11-28T12:00:00Z").
pub(crate) fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}
