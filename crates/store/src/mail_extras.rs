//! Mail beyond the thread itself: recognising a raw mail stored before (by its digest), the
//! per-mail choice to load remote images, and where an attachment's bytes are.

use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::{Result, Store, StoreError};

/// Where one attachment's bytes are: the `index`-th attachment of the stored raw mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentLocation {
    pub message_row_id: i64,
    /// Position among the mail's attachments, in the order ingest listed them.
    pub index: usize,
    pub filename: String,
}

/// Hex SHA-256 of a raw mail.
pub(crate) fn raw_digest(raw: &[u8]) -> String {
    Sha256::digest(raw)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Store {
    /// The stored message (row, ticket) with exactly these raw bytes, if any.
    pub(crate) fn message_row_by_digest(&self, digest: &str) -> Result<Option<(i64, Option<i64>)>> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT id, ticket_id FROM messages WHERE raw_sha256 = ?1 ORDER BY id LIMIT 1",
            )?
            .query_row([digest], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// Remembers that the user allowed (or no longer allows) this mail's remote images.
    pub fn set_remote_images_allowed(&mut self, message_row_id: i64, allowed: bool) -> Result<()> {
        let changed = self.conn().execute(
            "UPDATE messages SET remote_images_allowed = ?2 WHERE id = ?1",
            params![message_row_id, allowed],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound(format!("message {message_row_id}")));
        }
        Ok(())
    }

    pub fn remote_images_allowed(&self, message_row_id: i64) -> Result<bool> {
        self.conn()
            .prepare_cached("SELECT remote_images_allowed FROM messages WHERE id = ?1")?
            .query_row([message_row_id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("message {message_row_id}")))
    }

    /// The ticket a message is filed under (`None`: no such message, or filed on no ticket).
    pub fn message_ticket_id(&self, message_row_id: i64) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT ticket_id FROM messages WHERE id = ?1")?
            .query_row([message_row_id], |r| r.get::<_, Option<i64>>(0))
            .optional()?
            .flatten())
    }

    /// Which mail holds this attachment, and at which position.
    pub fn attachment_location(&self, attachment_id: i64) -> Result<AttachmentLocation> {
        self.conn()
            .prepare_cached(
                "SELECT a.message_id, a.filename,
                     (SELECT count(*) FROM attachments b
                      WHERE b.message_id = a.message_id AND b.id < a.id)
                 FROM attachments a WHERE a.id = ?1",
            )?
            .query_row([attachment_id], |r| {
                Ok(AttachmentLocation {
                    message_row_id: r.get(0)?,
                    filename: r.get(1)?,
                    index: r.get::<_, i64>(2)?.max(0) as usize,
                })
            })
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("attachment {attachment_id}")))
    }
}

#[cfg(test)]
mod tests {
    use super::raw_digest;

    #[test]
    fn digest_is_hex_sha256() {
        assert_eq!(
            raw_digest(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
