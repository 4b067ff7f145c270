//! Tickets and their messages.

use rusqlite::{params, OptionalExtension, Row};

use crate::gid::{gid, number, Kind};
use crate::{
    AttachmentRecord, Direction, IngestOutcome, MessageRecord, NewMessage, Result, Store,
    StoreError, TicketRecord, TicketStatus, TicketSummaryRow, TicketTarget,
};

const TICKET_COLUMNS: &str = "t.id, t.token, t.subject, t.status, t.customer_id, t.customer_email,
    t.customer_name, t.created_at, t.last_message_at";

const PREVIEW_CHARS: usize = 160;

/// A ticket with its message count, the start of its newest message and its headline order:
/// the newest order it mentions, else the newest made from it.
const SUMMARY_SELECT: &str = "SELECT t.id, t.token, t.subject, t.status, t.customer_id,
        t.customer_email, t.customer_name, t.created_at, t.last_message_at,
        (SELECT count(*) FROM messages m WHERE m.ticket_id = t.id),
        (SELECT substr(m.body_text, 1, 600) FROM messages m WHERE m.ticket_id = t.id
         ORDER BY m.sent_at DESC, m.id DESC LIMIT 1),
        (SELECT o.name FROM ticket_orders x JOIN orders o ON o.id = x.order_id
         WHERE x.ticket_id = t.id ORDER BY x.made_from_ticket, o.processed_at DESC LIMIT 1)
    FROM tickets t";

impl Store {
    /// Stores one message and files it under its ticket, in one transaction: the ticket is
    /// created if new, the mentioned orders are linked, a customer's reply reopens a closed
    /// ticket. A message whose Message-ID is already stored is not written again. A new
    /// ticket's token is stored in ASCII upper case (every token Shopdesk makes already is).
    pub fn ingest_message(
        &mut self,
        message: &NewMessage,
        target: &TicketTarget,
        order_ids: &[String],
    ) -> Result<IngestOutcome> {
        let tx = self.conn().unchecked_transaction()?;
        let outcome = self.write_message(message, target, order_ids)?;
        tx.commit()?;
        Ok(outcome)
    }

    /// [`Store::ingest_message`]'s writes, inside a transaction the caller holds (its own, or a
    /// [`crate::MailBatch`]); reads see the transaction's earlier writes, so dedupe and
    /// threading work within a batch as across commits.
    pub(crate) fn write_message(
        &self,
        message: &NewMessage,
        target: &TicketTarget,
        order_ids: &[String],
    ) -> Result<IngestOutcome> {
        let digest = crate::mail_extras::raw_digest(&message.raw);
        let by_message_id = message
            .message_id
            .as_deref()
            .map(|id| self.message_row_by_message_id(id))
            .transpose()?
            .flatten();
        // The same bytes again (a mail without Message-ID, an mbox imported twice).
        let existing = match by_message_id {
            Some(found) => Some(found),
            None => self.message_row_by_digest(&digest)?,
        };
        if let Some(existing) = existing {
            return Ok(IngestOutcome {
                message_row_id: existing.0,
                ticket_id: existing.1,
                created_ticket: false,
                duplicate: true,
                reopened: false,
            });
        }
        let direction = message.direction.unwrap_or(Direction::Inbound);
        let conn = self.conn();
        let (ticket_id, created_ticket) = match target {
            TicketTarget::Existing(id) => (Some(*id), false),
            TicketTarget::New(new) => {
                conn.prepare_cached(
                    "INSERT INTO tickets (token, subject, status, customer_id, customer_email,
                         customer_name, created_at, last_message_at)
                     VALUES (?1, ?2, 'open', ?3, ?4, ?5, ?6, ?6)",
                )?
                .execute(params![
                    // Upper-case, so that find_ticket_by_token can use the index.
                    new.token.to_ascii_uppercase(),
                    new.subject,
                    new.customer_id,
                    new.customer_email,
                    new.customer_name,
                    message.sent_at,
                ])?;
                (Some(conn.last_insert_rowid()), true)
            }
            TicketTarget::None => (None, false),
        };
        conn.prepare_cached(
            "INSERT INTO messages (ticket_id, message_id, in_reply_to, refs, direction,
                 from_address, from_name, to_addresses, subject, sent_at, body_text, body_html,
                 raw, parse_error, source, received_at, raw_sha256)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                 strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?16)",
        )?
        .execute(params![
            ticket_id,
            message.message_id,
            message.in_reply_to,
            message.references.join(" "),
            direction.as_str(),
            message.from_address,
            message.from_name,
            message.to_addresses.join(", "),
            message.subject,
            message.sent_at,
            message.body_text,
            message.body_html,
            message.raw,
            message.parse_error,
            message.source,
            digest,
        ])?;
        let message_row_id = conn.last_insert_rowid();
        {
            let mut insert = conn.prepare_cached(
                "INSERT INTO attachments (message_id, filename, content_type, size)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            for a in &message.attachments {
                insert.execute(params![
                    message_row_id,
                    a.filename,
                    a.content_type,
                    a.size as i64
                ])?;
            }
        }
        let mut reopened = false;
        if let Some(ticket_id) = ticket_id {
            let mut link = conn.prepare_cached(
                "INSERT OR IGNORE INTO ticket_orders (ticket_id, order_id) VALUES (?1, ?2)",
            )?;
            for order_id in order_ids {
                link.execute(params![ticket_id, number(Kind::Order, order_id)?])?;
            }
            conn.prepare_cached(
                "UPDATE tickets SET last_message_at = max(last_message_at, ?2) WHERE id = ?1",
            )?
            .execute(params![ticket_id, message.sent_at])?;
            if direction == Direction::Inbound && !created_ticket {
                reopened = conn
                    .prepare_cached(
                        "UPDATE tickets SET status = 'open' WHERE id = ?1 AND status = 'closed'",
                    )?
                    .execute([ticket_id])?
                    > 0;
            }
        }
        Ok(IngestOutcome {
            message_row_id,
            ticket_id,
            created_ticket,
            duplicate: false,
            reopened,
        })
    }

    fn message_row_by_message_id(&self, message_id: &str) -> Result<Option<(i64, Option<i64>)>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT id, ticket_id FROM messages WHERE message_id = ?1")?
            .query_row([message_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// The ticket holding any of these Message-IDs (from In-Reply-To and References).
    pub fn find_ticket_by_message_ids(&self, message_ids: &[String]) -> Result<Option<i64>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT ticket_id FROM messages WHERE message_id = ?1 AND ticket_id IS NOT NULL",
        )?;
        // The nearest ancestor first: In-Reply-To, then References from the newest.
        for id in message_ids {
            if let Some(ticket) = stmt.query_row([id], |r| r.get(0)).optional()? {
                return Ok(Some(ticket));
            }
        }
        Ok(None)
    }

    /// The ticket with this token, in any ASCII case. Tokens are stored upper-case (see
    /// [`Store::ingest_message`]), so an exact match on the upper-cased token finds it through
    /// the UNIQUE index; `COLLATE NOCASE` would scan every ticket, once or twice per mail.
    pub fn find_ticket_by_token(&self, token: &str) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT id FROM tickets WHERE token = ?1")?
            .query_row([token.to_ascii_uppercase()], |r| r.get(0))
            .optional()?)
    }

    pub fn ticket(&self, id: i64) -> Result<TicketRecord> {
        self.conn()
            .query_row(
                &format!("SELECT {TICKET_COLUMNS} FROM tickets t WHERE t.id = ?1"),
                [id],
                ticket_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("ticket {id}")))?
    }

    pub fn set_ticket_status(&mut self, id: i64, status: TicketStatus) -> Result<()> {
        let changed = self.conn().execute(
            "UPDATE tickets SET status = ?2 WHERE id = ?1",
            params![id, status.as_str()],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound(format!("ticket {id}")));
        }
        Ok(())
    }

    /// The inbox: tickets with their newest activity first.
    pub fn list_tickets(&self, limit: u32) -> Result<Vec<TicketSummaryRow>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "{SUMMARY_SELECT} ORDER BY t.last_message_at DESC, t.id DESC LIMIT ?1"
        ))?;
        let rows = stmt.query_map([limit], summary_from_row)?;
        rows.map(|r| r?).collect()
    }

    /// One ticket as the inbox shows it.
    pub fn ticket_summary(&self, id: i64) -> Result<TicketSummaryRow> {
        self.conn()
            .prepare_cached(&format!("{SUMMARY_SELECT} WHERE t.id = ?1"))?
            .query_row([id], summary_from_row)
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("ticket {id}")))?
    }

    pub fn ticket_order_ids(&self, ticket_id: i64) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT x.order_id FROM ticket_orders x LEFT JOIN orders o ON o.id = x.order_id
             WHERE x.ticket_id = ?1 ORDER BY o.processed_at DESC",
        )?;
        let rows = stmt.query_map([ticket_id], |r| Ok(gid(Kind::Order, r.get(0)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A ticket's messages, oldest first, with their attachments.
    pub fn messages_for_ticket(&self, ticket_id: i64) -> Result<Vec<MessageRecord>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, ticket_id, message_id, in_reply_to, refs, direction, from_address,
                 from_name, to_addresses, subject, sent_at, body_text, body_html, parse_error,
                 source, received_at
             FROM messages WHERE ticket_id = ?1 ORDER BY sent_at, id",
        )?;
        let rows = stmt.query_map([ticket_id], message_from_row)?;
        let mut messages = rows.map(|r| r?).collect::<Result<Vec<_>>>()?;
        let mut attachments = self.conn().prepare_cached(
            "SELECT id, filename, content_type, size FROM attachments
             WHERE message_id = ?1 ORDER BY id",
        )?;
        for message in &mut messages {
            let rows = attachments.query_map([message.id], |r| {
                Ok(AttachmentRecord {
                    id: r.get(0)?,
                    filename: r.get(1)?,
                    content_type: r.get(2)?,
                    size: r.get::<_, i64>(3)?.max(0) as u64,
                })
            })?;
            message.attachments = rows.collect::<rusqlite::Result<_>>()?;
        }
        Ok(messages)
    }

    /// The message exactly as it was received.
    pub fn raw_message(&self, message_row_id: i64) -> Result<Vec<u8>> {
        self.conn()
            .query_row(
                "SELECT raw FROM messages WHERE id = ?1",
                [message_row_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("message {message_row_id}")))
    }

    /// Messages the parser rejected: kept raw, shown flagged.
    pub fn flagged_messages(&self) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id FROM messages WHERE parse_error IS NOT NULL ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn tickets_count(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))?)
    }

    pub fn messages_count(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))?)
    }
}

fn ticket_from_row(r: &Row<'_>) -> rusqlite::Result<Result<TicketRecord>> {
    let status: String = r.get(3)?;
    let Some(status) = TicketStatus::parse(&status) else {
        return Ok(Err(StoreError::Corrupt {
            what: "ticket status",
            detail: status,
        }));
    };
    Ok(Ok(TicketRecord {
        id: r.get(0)?,
        token: r.get(1)?,
        subject: r.get(2)?,
        status,
        customer_id: r.get(4)?,
        customer_email: r.get(5)?,
        customer_name: r.get(6)?,
        created_at: r.get(7)?,
        last_message_at: r.get(8)?,
    }))
}

fn summary_from_row(r: &Row<'_>) -> rusqlite::Result<Result<TicketSummaryRow>> {
    let ticket = match ticket_from_row(r)? {
        Ok(ticket) => ticket,
        Err(e) => return Ok(Err(e)),
    };
    let preview: Option<String> = r.get(10)?;
    Ok(Ok(TicketSummaryRow {
        ticket,
        message_count: r.get(9)?,
        preview: preview_of(preview.as_deref().unwrap_or("")),
        order_name: r.get(11)?,
    }))
}

fn message_from_row(r: &Row<'_>) -> rusqlite::Result<Result<MessageRecord>> {
    let direction: String = r.get(5)?;
    let Some(direction) = Direction::parse(&direction) else {
        return Ok(Err(StoreError::Corrupt {
            what: "message direction",
            detail: direction,
        }));
    };
    let refs: String = r.get(4)?;
    let to: String = r.get(8)?;
    Ok(Ok(MessageRecord {
        id: r.get(0)?,
        ticket_id: r.get(1)?,
        message_id: r.get(2)?,
        in_reply_to: r.get(3)?,
        references: refs.split_whitespace().map(String::from).collect(),
        direction,
        from_address: r.get(6)?,
        from_name: r.get(7)?,
        to_addresses: to
            .split(", ")
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        subject: r.get(9)?,
        sent_at: r.get(10)?,
        body_text: r.get(11)?,
        body_html: r.get(12)?,
        parse_error: r.get(13)?,
        source: r.get(14)?,
        received_at: r.get(15)?,
        attachments: Vec::new(),
    }))
}

/// One line of the newest message, without quoted text, for the inbox list.
fn preview_of(body: &str) -> String {
    let text: Vec<&str> = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('>'))
        .collect();
    let joined = text.join(" ");
    match joined.char_indices().nth(PREVIEW_CHARS) {
        Some((cut, _)) => format!("{}…", joined[..cut].trim_end()),
        None => joined,
    }
}
