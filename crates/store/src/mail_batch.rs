//! Many mails filed in one transaction: an IMAP batch lands whole, with its UIDs, or not at all
//! (a crash or a failed write leaves nothing of it, and the batch is fetched again).

use crate::{IngestOutcome, NewMessage, Result, Store, TicketTarget};

/// An open write transaction for a batch of mails. Reads through [`MailBatch::store`] see the
/// batch's own earlier writes, so threading and dedupe inside a batch behave exactly as when
/// each mail is committed alone. Dropped without [`MailBatch::commit`], it writes nothing.
pub struct MailBatch<'s> {
    store: &'s Store,
    tx: rusqlite::Transaction<'s>,
}

impl Store {
    /// Starts a batch; `&mut self` keeps every other write out until it ends.
    pub fn begin_mail_batch(&mut self) -> Result<MailBatch<'_>> {
        let store: &Store = self;
        let tx = store.conn().unchecked_transaction()?;
        Ok(MailBatch { store, tx })
    }
}

impl<'s> MailBatch<'s> {
    /// The store as this batch sees it, for threading lookups.
    pub fn store(&self) -> &'s Store {
        self.store
    }

    /// [`Store::ingest_message`] inside the batch.
    pub fn ingest_message(
        &self,
        message: &NewMessage,
        target: &TicketTarget,
        order_ids: &[String],
    ) -> Result<IngestOutcome> {
        self.store.write_message(message, target, order_ids)
    }

    /// [`Store::record_imap_uid`] inside the batch.
    pub fn record_imap_uid(
        &self,
        account: &str,
        folder: &str,
        uidvalidity: u32,
        uid: u32,
        message_row_id: i64,
    ) -> Result<()> {
        self.store
            .write_imap_uid(account, folder, uidvalidity, uid, message_row_id)
    }

    pub fn commit(self) -> Result<()> {
        self.tx.commit()?;
        Ok(())
    }
}
