//! Internal notes on a ticket: what agents and actions record for colleagues, never sent to the
//! customer (an action's note is written with its success, see `succeed_order_action`).

use rusqlite::{params, Row};
use serde::{Deserialize, Serialize};

use crate::{Result, Store};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketNote {
    pub id: i64,
    pub ticket_id: i64,
    pub author: String,
    pub body: String,
    /// The order action that wrote it, if any.
    pub action_id: Option<i64>,
    /// RFC 3339 UTC with milliseconds.
    pub created_at: String,
}

impl Store {
    pub fn add_ticket_note(
        &mut self,
        ticket_id: i64,
        author: &str,
        body: &str,
        action_id: Option<i64>,
    ) -> Result<TicketNote> {
        let note = self
            .conn()
            .prepare_cached(
                "INSERT INTO ticket_notes (ticket_id, author, body, action_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                 RETURNING id, ticket_id, author, body, action_id, created_at",
            )?
            .query_row(params![ticket_id, author, body, action_id], note_from_row)?;
        Ok(note)
    }

    /// A ticket's notes, oldest first.
    pub fn ticket_notes(&self, ticket_id: i64) -> Result<Vec<TicketNote>> {
        let mut statement = self.conn().prepare_cached(
            "SELECT id, ticket_id, author, body, action_id, created_at FROM ticket_notes
             WHERE ticket_id = ?1 ORDER BY id",
        )?;
        let notes = statement.query_map([ticket_id], note_from_row)?;
        Ok(notes.collect::<rusqlite::Result<_>>()?)
    }
}

fn note_from_row(row: &Row<'_>) -> rusqlite::Result<TicketNote> {
    Ok(TicketNote {
        id: row.get(0)?,
        ticket_id: row.get(1)?,
        author: row.get(2)?,
        body: row.get(3)?,
        action_id: row.get(4)?,
        created_at: row.get(5)?,
    })
}
