//! Where each IMAP folder's sync stands, and which stored message each server UID is.
//!
//! UIDs are only meaningful under the folder's UIDVALIDITY: [`Store::reset_imap_folder`] starts a
//! folder afresh when the server changes it, dropping the old UID rows in the same transaction.

use rusqlite::{params, OptionalExtension};

use crate::{Result, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImapFolderState {
    /// The account's name, normally its address.
    pub account: String,
    pub folder: String,
    pub uidvalidity: u32,
    /// Every UID up to this one has been fetched and filed: the next fetch starts above it.
    pub last_seen_uid: u32,
    /// The folder's CONDSTORE HIGHESTMODSEQ at the last checkpoint; `None` without CONDSTORE.
    pub highest_modseq: Option<u64>,
}

impl Store {
    pub fn imap_folder_state(
        &self,
        account: &str,
        folder: &str,
    ) -> Result<Option<ImapFolderState>> {
        let row = self
            .conn()
            .query_row(
                "SELECT uidvalidity, last_seen_uid, highest_modseq FROM imap_folders
                 WHERE account = ?1 AND folder = ?2",
                [account, folder],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, Option<i64>>(2)?,
                    ))
                },
            )
            .optional()?;
        let Some((uidvalidity, last_seen_uid, highest_modseq)) = row else {
            return Ok(None);
        };
        Ok(Some(ImapFolderState {
            account: account.to_string(),
            folder: folder.to_string(),
            uidvalidity: to_u32("imap uidvalidity", uidvalidity)?,
            last_seen_uid: to_u32("imap last seen uid", last_seen_uid)?,
            highest_modseq: highest_modseq
                .map(|m| u64::try_from(m).map_err(|_| corrupt("imap highest modseq", m)))
                .transpose()?,
        }))
    }

    /// Starts tracking a folder under `uidvalidity`, from UID 0. UID rows recorded under any
    /// other UIDVALIDITY name other messages now and are dropped; the messages themselves stay,
    /// and a refetch finds them again by Message-ID.
    pub fn reset_imap_folder(
        &mut self,
        account: &str,
        folder: &str,
        uidvalidity: u32,
    ) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        tx.prepare_cached(
            "DELETE FROM imap_messages WHERE account = ?1 AND folder = ?2 AND uidvalidity != ?3",
        )?
        .execute(params![account, folder, uidvalidity])?;
        tx.prepare_cached(
            "INSERT INTO imap_folders (account, folder, uidvalidity, last_seen_uid,
                 highest_modseq, updated_at)
             VALUES (?1, ?2, ?3, 0, NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
             ON CONFLICT(account, folder) DO UPDATE SET uidvalidity = excluded.uidvalidity,
                 last_seen_uid = 0, highest_modseq = NULL, updated_at = excluded.updated_at",
        )?
        .execute(params![account, folder, uidvalidity])?;
        tx.commit()?;
        Ok(())
    }

    /// Records that `uid` (under `uidvalidity`) is the stored message `message_row_id`.
    pub fn record_imap_uid(
        &mut self,
        account: &str,
        folder: &str,
        uidvalidity: u32,
        uid: u32,
        message_row_id: i64,
    ) -> Result<()> {
        // One statement: atomic without a transaction of its own.
        self.write_imap_uid(account, folder, uidvalidity, uid, message_row_id)
    }

    /// [`Store::record_imap_uid`]'s write, also used inside a [`crate::MailBatch`].
    pub(crate) fn write_imap_uid(
        &self,
        account: &str,
        folder: &str,
        uidvalidity: u32,
        uid: u32,
        message_row_id: i64,
    ) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT INTO imap_messages (account, folder, uidvalidity, uid, message_row_id)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT DO UPDATE SET message_row_id = excluded.message_row_id",
            )?
            .execute(params![account, folder, uidvalidity, uid, message_row_id])?;
        Ok(())
    }

    /// The UIDs above `above` already recorded under `uidvalidity`: filed by a fetch that was
    /// interrupted before its checkpoint, so they need not be downloaded again.
    pub fn imap_uids_recorded_above(
        &self,
        account: &str,
        folder: &str,
        uidvalidity: u32,
        above: u32,
    ) -> Result<Vec<u32>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT uid FROM imap_messages
             WHERE account = ?1 AND folder = ?2 AND uidvalidity = ?3 AND uid > ?4 ORDER BY uid",
        )?;
        let rows = stmt.query_map(params![account, folder, uidvalidity, above], |r| {
            r.get::<_, i64>(0)
        })?;
        rows.map(|uid| to_u32("imap uid", uid?)).collect()
    }

    /// The stored message a server UID is, if it was fetched.
    pub fn imap_message_row_id(
        &self,
        account: &str,
        folder: &str,
        uidvalidity: u32,
        uid: u32,
    ) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT message_row_id FROM imap_messages
                 WHERE account = ?1 AND folder = ?2 AND uidvalidity = ?3 AND uid = ?4",
                params![account, folder, uidvalidity, uid],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// How many UIDs of the folder are recorded, under any UIDVALIDITY.
    pub fn imap_uid_count(&self, account: &str, folder: &str) -> Result<i64> {
        Ok(self.conn().query_row(
            "SELECT count(*) FROM imap_messages WHERE account = ?1 AND folder = ?2",
            [account, folder],
            |r| r.get(0),
        )?)
    }

    /// The row of the stored message with this RFC 5322 Message-ID (without angle brackets).
    pub fn message_row_id_by_message_id(&self, message_id: &str) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id FROM messages WHERE message_id = ?1",
                [message_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Moves the folder's checkpoint forward after a batch. Written only under the UIDVALIDITY
    /// the folder was reset to: a checkpoint from before a reset must not land on the new one.
    pub fn save_imap_checkpoint(&mut self, state: &ImapFolderState) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        let changed = tx
            .prepare_cached(
                "UPDATE imap_folders SET last_seen_uid = max(last_seen_uid, ?4),
                     highest_modseq = coalesce(?5, highest_modseq),
                     updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
                 WHERE account = ?1 AND folder = ?2 AND uidvalidity = ?3",
            )?
            .execute(params![
                state.account,
                state.folder,
                state.uidvalidity,
                state.last_seen_uid,
                state.highest_modseq.map(modseq_to_sql).transpose()?,
            ])?;
        if changed == 0 {
            return Err(StoreError::NotFound(format!(
                "imap folder {} of {} under uidvalidity {}",
                state.folder, state.account, state.uidvalidity
            )));
        }
        tx.commit()?;
        Ok(())
    }
}

fn modseq_to_sql(modseq: u64) -> Result<i64> {
    // RFC 7162 caps mod-sequences at 2^63 - 1, so a larger one is a server bug.
    i64::try_from(modseq).map_err(|_| corrupt("imap highest modseq", modseq))
}

fn to_u32(what: &'static str, value: i64) -> Result<u32> {
    u32::try_from(value).map_err(|_| corrupt(what, value))
}

fn corrupt(what: &'static str, value: impl ToString) -> StoreError {
    StoreError::Corrupt {
        what,
        detail: value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use crate::{NewMessage, Store, TicketTarget};

    use super::*;

    const ACCOUNT: &str = "support@shop.test";

    fn stored_message(store: &mut Store, id: &str) -> i64 {
        let message = NewMessage {
            message_id: Some(id.into()),
            sent_at: "2026-11-28T12:00:00Z".into(),
            raw: b"Subject: hi\r\n\r\nhi\r\n".to_vec(),
            source: "imap:INBOX".into(),
            ..NewMessage::default()
        };
        store
            .ingest_message(&message, &TicketTarget::None, &[])
            .unwrap()
            .message_row_id
    }

    fn state(uidvalidity: u32, last_seen_uid: u32, modseq: Option<u64>) -> ImapFolderState {
        ImapFolderState {
            account: ACCOUNT.into(),
            folder: "INBOX".into(),
            uidvalidity,
            last_seen_uid,
            highest_modseq: modseq,
        }
    }

    #[test]
    fn checkpoint_moves_forward_only_under_its_uidvalidity() {
        let mut store = Store::open_in_memory().unwrap();
        assert_eq!(store.imap_folder_state(ACCOUNT, "INBOX").unwrap(), None);
        assert!(store.save_imap_checkpoint(&state(7, 10, None)).is_err());

        store.reset_imap_folder(ACCOUNT, "INBOX", 7).unwrap();
        assert_eq!(
            store.imap_folder_state(ACCOUNT, "INBOX").unwrap(),
            Some(state(7, 0, None))
        );
        store
            .save_imap_checkpoint(&state(7, 200, Some(9000)))
            .unwrap();
        store.save_imap_checkpoint(&state(7, 150, None)).unwrap();
        assert_eq!(
            store.imap_folder_state(ACCOUNT, "INBOX").unwrap(),
            Some(state(7, 200, Some(9000)))
        );
        assert!(store.save_imap_checkpoint(&state(8, 300, None)).is_err());
    }

    #[test]
    fn reset_to_a_new_uidvalidity_drops_old_uids_but_keeps_messages() {
        let mut store = Store::open_in_memory().unwrap();
        store.reset_imap_folder(ACCOUNT, "INBOX", 7).unwrap();
        let row = stored_message(&mut store, "a@example.com");
        store.record_imap_uid(ACCOUNT, "INBOX", 7, 5, row).unwrap();
        store.record_imap_uid(ACCOUNT, "INBOX", 7, 5, row).unwrap();
        assert_eq!(
            store
                .imap_uids_recorded_above(ACCOUNT, "INBOX", 7, 0)
                .unwrap(),
            vec![5]
        );
        assert_eq!(
            store.imap_message_row_id(ACCOUNT, "INBOX", 7, 5).unwrap(),
            Some(row)
        );

        store.save_imap_checkpoint(&state(7, 5, Some(3))).unwrap();
        store.reset_imap_folder(ACCOUNT, "INBOX", 8).unwrap();
        assert_eq!(
            store.imap_folder_state(ACCOUNT, "INBOX").unwrap(),
            Some(state(8, 0, None))
        );
        assert_eq!(store.imap_uid_count(ACCOUNT, "INBOX").unwrap(), 0);
        assert_eq!(store.messages_count().unwrap(), 1);
        assert_eq!(
            store.message_row_id_by_message_id("a@example.com").unwrap(),
            Some(row)
        );
    }
}
