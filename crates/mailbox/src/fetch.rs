//! Downloading one batch of UIDs and filing each mail through the mail crate's ingest.

use futures::StreamExt;
use shopdesk_mail::{ingest_raw, IngestContext, IngestReport};
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

pub(crate) async fn fetch_and_file(
    connection: &mut Connection,
    config: &MailboxConfig,
    store: &SharedStore,
    state: &ImapFolderState,
    batch: &[u32],
    report: &mut FolderSyncReport,
    on_filed: &mut (dyn FnMut(&IngestReport) + Send),
) -> Result<(), MailboxError> {
    const DOING: &str = "fetching mail";
    let set = uid_set(batch);
    // BODY.PEEK: fetching must not mark the mail \Seen for the other agents.
    let mut fetches = within(
        config,
        DOING,
        connection.session.uid_fetch(&set, "(UID BODY.PEEK[])"),
    )
    .await?;
    let context = IngestContext {
        source: format!("imap:{}", state.folder),
        support_address: config.support_address.clone(),
        now: now_rfc3339(),
    };
    let mut filed_in_batch = 0;
    loop {
        let next = tokio::time::timeout(RESPONSE_TIMEOUT, fetches.next())
            .await
            .map_err(|_| connect::timeout_error(config, DOING))?;
        let Some(fetch) = next else { break };
        let fetch = fetch.map_err(|e| connect::protocol_error(config, DOING, e))?;
        // Skip unsolicited FETCHes (another client's flag change) mixed into the answer.
        let (Some(uid), Some(raw)) = (fetch.uid, fetch.body()) else {
            continue;
        };
        if batch.binary_search(&uid).is_err() {
            continue;
        }
        let filed = file_message(config, store, state, uid, raw, &context)?;
        filed_in_batch += 1;
        count(report, &filed);
        on_filed(&filed);
    }
    report.fetched += filed_in_batch;
    if filed_in_batch < batch.len() as u32 {
        // Expunged between SEARCH and FETCH: gone from the server, nothing to file.
        tracing::debug!(
            account = %config.account, folder = %state.folder,
            missing = batch.len() as u32 - filed_in_batch, "mail vanished before its fetch"
        );
    }
    Ok(())
}

fn file_message(
    config: &MailboxConfig,
    store: &SharedStore,
    state: &ImapFolderState,
    uid: u32,
    raw: &[u8],
    context: &IngestContext,
) -> Result<IngestReport, MailboxError> {
    let mut store = lock_store(store);
    let filed = ingest_raw(&mut store, raw, context).map_err(|source| MailboxError::Ingest {
        account: config.account.clone(),
        source,
    })?;
    store
        .record_imap_uid(
            &state.account,
            &state.folder,
            state.uidvalidity,
            uid,
            filed.message_row_id,
        )
        .map_err(|e| store_error(config, e))?;
    Ok(filed)
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
