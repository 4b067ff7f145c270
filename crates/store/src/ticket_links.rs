//! Links between a ticket and orders made from it (a replacement order joins its ticket).

use rusqlite::params;

use crate::{Result, Store};

impl Store {
    /// Links the order to the ticket; linking twice changes nothing.
    pub fn link_order_to_ticket(&mut self, ticket_id: i64, order_id: &str) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT OR IGNORE INTO ticket_orders (ticket_id, order_id) VALUES (?1, ?2)",
            )?
            .execute(params![ticket_id, order_id])?;
        Ok(())
    }
}
