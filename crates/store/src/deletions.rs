//! Removing orders and customers that Shopify deleted (its `destroy` events), with their
//! children, in one transaction together with where the sync of deletions stands.

use rusqlite::Transaction;

use crate::gid::{lookup, Kind};
use crate::order_writer::count_orders_write;
use crate::sync_state::{write_checkpoint, SyncCheckpoint};
use crate::{Result, Store};

impl Store {
    /// Deletes these orders (line items, fulfillments and refunds go with them) and writes
    /// `checkpoint`, in one transaction. Ids not stored are skipped. Returns how many were
    /// deleted. Tickets keep their link to the order's id.
    pub fn delete_orders(
        &mut self,
        ids: &[String],
        checkpoint: Option<&SyncCheckpoint>,
    ) -> Result<usize> {
        self.delete_rows(Kind::Order, ids, checkpoint)
    }

    /// Deletes these customers and writes `checkpoint`, in one transaction; see
    /// [`Store::delete_orders`].
    pub fn delete_customers(
        &mut self,
        ids: &[String],
        checkpoint: Option<&SyncCheckpoint>,
    ) -> Result<usize> {
        self.delete_rows(Kind::Customer, ids, checkpoint)
    }

    fn delete_rows(
        &mut self,
        kind: Kind,
        ids: &[String],
        checkpoint: Option<&SyncCheckpoint>,
    ) -> Result<usize> {
        let tx = self.conn_mut().transaction()?;
        let deleted = delete_ids(&tx, kind, ids)?;
        if let Some(checkpoint) = checkpoint {
            write_checkpoint(&tx, checkpoint)?;
        }
        tx.commit()?;
        Ok(deleted)
    }
}

fn delete_ids(tx: &Transaction<'_>, kind: Kind, ids: &[String]) -> Result<usize> {
    // Children cascade (foreign keys are on); the FTS triggers drop the index rows.
    let mut stmt = tx.prepare_cached(match kind {
        Kind::Customer => "DELETE FROM customers WHERE id = ?1",
        _ => "DELETE FROM orders WHERE id = ?1",
    })?;
    if kind == Kind::Order {
        count_orders_write(tx)?;
    }
    let mut deleted = 0;
    // An id no record can have is one not stored.
    for id in ids.iter().filter_map(|id| lookup(kind, id)) {
        deleted += stmt.execute([id])?;
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use crate::Store;

    #[test]
    fn deleting_unknown_ids_is_a_no_op() {
        let mut store = Store::open_in_memory().unwrap();
        assert_eq!(
            store
                .delete_orders(&["gid://shopify/Order/1".into()], None)
                .unwrap(),
            0
        );
        assert_eq!(store.delete_customers(&[], None).unwrap(), 0);
    }
}
