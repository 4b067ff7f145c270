//! Where each resumable sync stands, written in the same transaction as the page it follows.

use rusqlite::{params, OptionalExtension, Transaction};

use crate::{Result, Store};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncCheckpoint {
    pub shop_id: String,
    /// "orders", "customers", ...
    pub resource: String,
    /// The `endCursor` of the last page written; `None` once the pass has finished.
    pub cursor: Option<String>,
    /// The highest `updatedAt` of the last finished pass: the next incremental pass starts there.
    pub watermark: Option<String>,
    pub pass_started_at: Option<String>,
}

impl Store {
    pub fn sync_checkpoint(&self, shop_id: &str, resource: &str) -> Result<Option<SyncCheckpoint>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT cursor, watermark, pass_started_at FROM sync_state
                 WHERE shop_id = ?1 AND resource = ?2",
                [shop_id, resource],
                |r| {
                    Ok(SyncCheckpoint {
                        shop_id: shop_id.to_string(),
                        resource: resource.to_string(),
                        cursor: r.get(0)?,
                        watermark: r.get(1)?,
                        pass_started_at: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    pub fn save_sync_checkpoint(&mut self, checkpoint: &SyncCheckpoint) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        write_checkpoint(&tx, checkpoint)?;
        tx.commit()?;
        Ok(())
    }
}

pub(crate) fn write_checkpoint(tx: &Transaction<'_>, c: &SyncCheckpoint) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO sync_state (shop_id, resource, cursor, watermark, pass_started_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
         ON CONFLICT(shop_id, resource) DO UPDATE SET cursor = excluded.cursor,
             watermark = excluded.watermark, pass_started_at = excluded.pass_started_at,
             updated_at = excluded.updated_at",
    )?
    .execute(params![
        c.shop_id,
        c.resource,
        c.cursor,
        c.watermark,
        c.pass_started_at
    ])?;
    Ok(())
}
