//! Links between a ticket and orders made from it (a replacement order joins its ticket).

use rusqlite::params;

use crate::gid::{number, Kind};
use crate::{Result, Store};

impl Store {
    /// Links an order made from the ticket (a replacement) to it; linking twice changes
    /// nothing, and an order the customer mentioned stays the ticket's headline order.
    pub fn link_order_to_ticket(&mut self, ticket_id: i64, order_id: &str) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT OR IGNORE INTO ticket_orders (ticket_id, order_id, made_from_ticket)
                 VALUES (?1, ?2, 1)",
            )?
            .execute(params![ticket_id, number(Kind::Order, order_id)?])?;
        Ok(())
    }
}
