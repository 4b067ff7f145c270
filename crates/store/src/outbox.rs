//! The durable outbox: actions that leave the machine, recorded before they are performed.
//!
//! A row is written once by [`Store::enqueue_outbox`] (in one transaction, de-duplicated by its
//! idempotency key), claimed by a worker ([`Store::claim_next_outbox`]: queued and due ->
//! sending, the try counted), then settled: [`Store::mark_outbox_sent`],
//! [`Store::retry_outbox_later`] (back to queued, due later), [`Store::release_outbox`] (back to
//! queued without counting the try: the server was never reached) or [`Store::fail_outbox`].
//! Only a queued row can be cancelled; [`Store::requeue_outbox`] is the user's "send now".
//!
//! A row found in 'sending' when the app starts ([`Store::outbox_in_state`]) was cut off by a
//! crash between the claim and its settlement: whether the action happened is unknown, and the
//! worker of its kind must find out before doing it again (for a reply: is its Message-ID in the
//! Sent folder or in the local store?). The store only keeps the states; it never decides that.

use std::time::Duration;

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::{Result, Store, StoreError};

/// Outbox times: RFC 3339 UTC with milliseconds, so short retry delays keep their order.
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

const COLUMNS: &str = "id, kind, ticket_id, idempotency_key, message_id, payload, state, attempts,
    last_error, next_attempt_at, created_at, updated_at, sent_at";

/// What an outbox row does when it is executed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxKind {
    /// An e-mail reply: the payload is the exact RFC 5322 message to send.
    Reply,
}

impl OutboxKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            OutboxKind::Reply => "reply",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "reply" => Some(OutboxKind::Reply),
            _ => None,
        }
    }
}

/// Where an outbox row stands; the UI shows it beside the action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxState {
    /// Waiting to be performed, from `next_attempt_at` on (after a temporary failure too, with
    /// the reason in `last_error`).
    Queued,
    /// Claimed by the worker and being performed now; after a crash, an unknown outcome.
    Sending,
    /// Done. `last_error` may still hold a warning about an after-step (a copy to Sent).
    Sent,
    /// Given up: refused for good, or too many attempts; `last_error` says why.
    Failed,
    /// Withdrawn by the user before it was performed.
    Cancelled,
}

impl OutboxState {
    pub fn as_str(&self) -> &'static str {
        match self {
            OutboxState::Queued => "queued",
            OutboxState::Sending => "sending",
            OutboxState::Sent => "sent",
            OutboxState::Failed => "failed",
            OutboxState::Cancelled => "cancelled",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "queued" => Some(OutboxState::Queued),
            "sending" => Some(OutboxState::Sending),
            "sent" => Some(OutboxState::Sent),
            "failed" => Some(OutboxState::Failed),
            "cancelled" => Some(OutboxState::Cancelled),
            _ => None,
        }
    }
}

/// An action to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutboxEntry {
    pub kind: OutboxKind,
    pub ticket_id: Option<i64>,
    /// Chosen by the caller once per user action (a compose window, a refund dialog): enqueueing
    /// the same key again returns the first row and records nothing.
    pub idempotency_key: String,
    /// A reply's Message-ID, without angle brackets.
    pub message_id: Option<String>,
    /// Built once, when queued: a retry performs exactly these bytes.
    pub payload: Vec<u8>,
}

/// One outbox row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub kind: OutboxKind,
    pub ticket_id: Option<i64>,
    pub idempotency_key: String,
    pub message_id: Option<String>,
    #[serde(skip)]
    pub payload: Vec<u8>,
    pub state: OutboxState,
    /// How many times a worker has claimed the row.
    pub attempts: u32,
    pub last_error: Option<String>,
    /// RFC 3339 UTC with milliseconds.
    pub next_attempt_at: String,
    pub created_at: String,
    pub updated_at: String,
    pub sent_at: Option<String>,
}

/// The result of [`Store::enqueue_outbox`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enqueued {
    pub entry: OutboxEntry,
    /// False when the idempotency key was already queued: `entry` is that first row.
    pub created: bool,
}

impl Store {
    /// Records an action, due now. The same idempotency key again returns the existing row
    /// (whatever its state) and writes nothing. One transaction.
    pub fn enqueue_outbox(&mut self, new: &NewOutboxEntry) -> Result<Enqueued> {
        let tx = self.conn_mut().transaction()?;
        let existing = tx
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM outbox WHERE idempotency_key = ?1"
            ))?
            .query_row([&new.idempotency_key], entry_from_row)
            .optional()?;
        if let Some(entry) = existing {
            return Ok(Enqueued {
                entry: entry?,
                created: false,
            });
        }
        let entry = tx
            .prepare_cached(&format!(
                "INSERT INTO outbox (kind, ticket_id, idempotency_key, message_id, payload, state,
                     attempts, next_attempt_at, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'queued', 0, {NOW}, {NOW}, {NOW})
                 RETURNING {COLUMNS}"
            ))?
            .query_row(
                params![
                    new.kind.as_str(),
                    new.ticket_id,
                    new.idempotency_key,
                    new.message_id,
                    new.payload,
                ],
                entry_from_row,
            )??;
        tx.commit()?;
        Ok(Enqueued {
            entry,
            created: true,
        })
    }

    /// Claims the queued row of `kind` that has been due longest: it becomes 'sending' and its
    /// attempt is counted, in one statement. `None` when nothing is due.
    pub fn claim_next_outbox(&mut self, kind: OutboxKind) -> Result<Option<OutboxEntry>> {
        let claimed = self
            .conn()
            .prepare_cached(&format!(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = {NOW}
                 WHERE id = (SELECT id FROM outbox
                             WHERE kind = ?1 AND state = 'queued' AND next_attempt_at <= {NOW}
                             ORDER BY next_attempt_at, id LIMIT 1)
                 RETURNING {COLUMNS}"
            ))?
            .query_row([kind.as_str()], entry_from_row)
            .optional()?;
        claimed.transpose()
    }

    /// A claimed row was performed. `warning` keeps a problem of an after-step (the copy to the
    /// Sent folder failed, say) for the UI; the action itself is done.
    pub fn mark_outbox_sent(&mut self, id: i64, warning: Option<&str>) -> Result<()> {
        self.settle(
            id,
            &format!(
                "UPDATE outbox SET state = 'sent', last_error = ?2, sent_at = {NOW},
                     updated_at = {NOW}
                 WHERE id = ?1 AND state = 'sending'"
            ),
            warning,
        )
    }

    /// A claimed row failed for now: it is queued again, due after `retry_in`, with the reason
    /// kept for the UI.
    pub fn retry_outbox_later(&mut self, id: i64, error: &str, retry_in: Duration) -> Result<()> {
        let changed = self
            .conn()
            .prepare_cached(&format!(
                "UPDATE outbox SET state = 'queued', last_error = ?2, updated_at = {NOW},
                     next_attempt_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?3)
                 WHERE id = ?1 AND state = 'sending'"
            ))?
            .execute(params![id, error, delay_modifier(retry_in)])?;
        if changed == 0 {
            return Err(not_in_state(id, "sending"));
        }
        Ok(())
    }

    /// Hands a claimed row back without counting the try: it never got as far as offering the
    /// action (the server could not be reached, or refused the login). Queued again, due after
    /// `retry_in`, with the reason kept for the UI.
    pub fn release_outbox(&mut self, id: i64, reason: &str, retry_in: Duration) -> Result<()> {
        let changed = self
            .conn()
            .prepare_cached(&format!(
                "UPDATE outbox SET state = 'queued', attempts = max(attempts - 1, 0),
                     last_error = ?2, updated_at = {NOW},
                     next_attempt_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?3)
                 WHERE id = ?1 AND state = 'sending'"
            ))?
            .execute(params![id, reason, delay_modifier(retry_in)])?;
        if changed == 0 {
            return Err(not_in_state(id, "sending"));
        }
        Ok(())
    }

    /// Every queued row of `kind` that is due now waits `retry_in` more, with `reason` for the
    /// UI (the server is unreachable: all of them would fail the same way). Returns how many.
    pub fn postpone_due_outbox(
        &mut self,
        kind: OutboxKind,
        reason: &str,
        retry_in: Duration,
    ) -> Result<usize> {
        Ok(self
            .conn()
            .prepare_cached(&format!(
                "UPDATE outbox SET last_error = ?2, updated_at = {NOW},
                     next_attempt_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?3)
                 WHERE kind = ?1 AND state = 'queued' AND next_attempt_at <= {NOW}"
            ))?
            .execute(params![kind.as_str(), reason, delay_modifier(retry_in)])?)
    }

    /// A queued or claimed row is given up for good, with the reason for the UI.
    pub fn fail_outbox(&mut self, id: i64, error: &str) -> Result<()> {
        let changed = self
            .conn()
            .prepare_cached(&format!(
                "UPDATE outbox SET state = 'failed', last_error = ?2, updated_at = {NOW}
                 WHERE id = ?1 AND state IN ('queued', 'sending')"
            ))?
            .execute(params![id, error])?;
        if changed == 0 {
            return Err(not_in_state(id, "queued or sending"));
        }
        Ok(())
    }

    /// Withdraws a row that is still queued. Returns false when it is no longer queued (the
    /// worker has claimed it, or it is settled): then it can't be called back.
    pub fn cancel_outbox(&mut self, id: i64) -> Result<bool> {
        let changed = self.conn().execute(
            &format!(
                "UPDATE outbox SET state = 'cancelled', updated_at = {NOW}
                 WHERE id = ?1 AND state = 'queued'"
            ),
            [id],
        )?;
        if changed == 0 {
            // Not queued: tell a missing row from a settled one.
            self.outbox_entry(id)?;
        }
        Ok(changed > 0)
    }

    /// The user asks to try now: a queued row becomes due at once; a failed row is queued again,
    /// due now, with its attempts counted from zero. Returns false for any other state.
    pub fn requeue_outbox(&mut self, id: i64) -> Result<bool> {
        let changed = self.conn().execute(
            &format!(
                "UPDATE outbox SET state = 'queued', next_attempt_at = {NOW}, updated_at = {NOW},
                     attempts = CASE state WHEN 'failed' THEN 0 ELSE attempts END
                 WHERE id = ?1 AND state IN ('queued', 'failed')"
            ),
            [id],
        )?;
        if changed == 0 {
            self.outbox_entry(id)?;
        }
        Ok(changed > 0)
    }

    pub fn outbox_entry(&self, id: i64) -> Result<OutboxEntry> {
        self.conn()
            .prepare_cached(&format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1"))?
            .query_row([id], entry_from_row)
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("outbox entry {id}")))?
    }

    /// A ticket's outbox rows, oldest first.
    pub fn outbox_for_ticket(&self, ticket_id: i64) -> Result<Vec<OutboxEntry>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE ticket_id = ?1 ORDER BY id"
        ))?;
        let rows = stmt.query_map([ticket_id], entry_from_row)?;
        rows.map(|r| r?).collect()
    }

    /// The rows of `kind` in `state`, oldest first. At start, the rows in 'sending' are the ones
    /// a crash cut off.
    pub fn outbox_in_state(
        &self,
        kind: OutboxKind,
        state: OutboxState,
    ) -> Result<Vec<OutboxEntry>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE kind = ?1 AND state = ?2 ORDER BY id"
        ))?;
        let rows = stmt.query_map([kind.as_str(), state.as_str()], entry_from_row)?;
        rows.map(|r| r?).collect()
    }

    /// How long until the next queued row of `kind` is due (zero when one is due now); `None`
    /// when nothing is queued.
    pub fn outbox_next_due_in(&self, kind: OutboxKind) -> Result<Option<Duration>> {
        let millis: Option<f64> = self.conn().query_row(
            "SELECT (julianday(min(next_attempt_at)) - julianday('now')) * 86400000.0
             FROM outbox WHERE kind = ?1 AND state = 'queued'",
            [kind.as_str()],
            |r| r.get(0),
        )?;
        Ok(millis.map(|ms| Duration::from_millis(ms.max(0.0).ceil() as u64)))
    }

    fn settle(&mut self, id: i64, sql: &str, note: Option<&str>) -> Result<()> {
        let changed = self
            .conn()
            .prepare_cached(sql)?
            .execute(params![id, note])?;
        if changed == 0 {
            return Err(not_in_state(id, "sending"));
        }
        Ok(())
    }
}

/// An SQLite date modifier adding `delay`, to the millisecond.
fn delay_modifier(delay: Duration) -> String {
    format!("+{}.{:03} seconds", delay.as_secs(), delay.subsec_millis())
}

fn not_in_state(id: i64, state: &str) -> StoreError {
    StoreError::NotFound(format!("outbox entry {id} in state {state}"))
}

fn entry_from_row(r: &Row<'_>) -> rusqlite::Result<Result<OutboxEntry>> {
    let kind: String = r.get(1)?;
    let Some(kind) = OutboxKind::parse(&kind) else {
        return Ok(Err(StoreError::Corrupt {
            what: "outbox kind",
            detail: kind,
        }));
    };
    let state: String = r.get(6)?;
    let Some(state) = OutboxState::parse(&state) else {
        return Ok(Err(StoreError::Corrupt {
            what: "outbox state",
            detail: state,
        }));
    };
    let attempts: i64 = r.get(7)?;
    Ok(Ok(OutboxEntry {
        id: r.get(0)?,
        kind,
        ticket_id: r.get(2)?,
        idempotency_key: r.get(3)?,
        message_id: r.get(4)?,
        payload: r.get(5)?,
        state,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        last_error: r.get(8)?,
        next_attempt_at: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
        sent_at: r.get(12)?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(key: &str) -> NewOutboxEntry {
        NewOutboxEntry {
            kind: OutboxKind::Reply,
            ticket_id: None,
            idempotency_key: key.into(),
            message_id: Some(format!("{key}@shop.test")),
            payload: format!("Message-ID: <{key}@shop.test>\r\n\r\nhi\r\n").into_bytes(),
        }
    }

    #[test]
    fn enqueue_is_idempotent_by_key() {
        let mut store = Store::open_in_memory().unwrap();
        let first = store.enqueue_outbox(&reply("k1")).unwrap();
        assert!(first.created);
        assert_eq!(first.entry.state, OutboxState::Queued);
        assert_eq!(first.entry.attempts, 0);
        let mut again = reply("k1");
        again.payload = b"other bytes".to_vec();
        let second = store.enqueue_outbox(&again).unwrap();
        assert!(!second.created);
        assert_eq!(second.entry.id, first.entry.id);
        assert_eq!(second.entry.payload, reply("k1").payload);
        assert_eq!(
            store
                .outbox_in_state(OutboxKind::Reply, OutboxState::Queued)
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn claim_send_and_settle() {
        let mut store = Store::open_in_memory().unwrap();
        let a = store.enqueue_outbox(&reply("a")).unwrap().entry;
        let b = store.enqueue_outbox(&reply("b")).unwrap().entry;
        assert_eq!(
            store.outbox_next_due_in(OutboxKind::Reply).unwrap(),
            Some(Duration::ZERO)
        );

        let claimed = store.claim_next_outbox(OutboxKind::Reply).unwrap().unwrap();
        assert_eq!(
            (claimed.id, claimed.state, claimed.attempts),
            (a.id, OutboxState::Sending, 1)
        );
        // A claimed row can no longer be cancelled.
        assert!(!store.cancel_outbox(a.id).unwrap());
        store.mark_outbox_sent(a.id, None).unwrap();
        let sent = store.outbox_entry(a.id).unwrap();
        assert_eq!(sent.state, OutboxState::Sent);
        assert!(sent.sent_at.is_some());
        // Settling twice is refused: only a claimed row can be settled.
        assert!(store.mark_outbox_sent(a.id, None).is_err());

        let claimed = store.claim_next_outbox(OutboxKind::Reply).unwrap().unwrap();
        assert_eq!(claimed.id, b.id);
        store
            .retry_outbox_later(b.id, "the server said 451", Duration::from_secs(3600))
            .unwrap();
        let waiting = store.outbox_entry(b.id).unwrap();
        assert_eq!(waiting.state, OutboxState::Queued);
        assert_eq!(waiting.last_error.as_deref(), Some("the server said 451"));
        assert!(waiting.next_attempt_at > waiting.updated_at, "{waiting:?}");
        // Not due yet.
        assert!(store
            .claim_next_outbox(OutboxKind::Reply)
            .unwrap()
            .is_none());
        let due_in = store
            .outbox_next_due_in(OutboxKind::Reply)
            .unwrap()
            .unwrap();
        assert!(due_in > Duration::from_secs(3590), "{due_in:?}");
    }

    #[test]
    fn short_delays_keep_millisecond_order() {
        let mut store = Store::open_in_memory().unwrap();
        let a = store.enqueue_outbox(&reply("a")).unwrap().entry;
        store.claim_next_outbox(OutboxKind::Reply).unwrap().unwrap();
        store
            .retry_outbox_later(a.id, "busy", Duration::from_millis(300))
            .unwrap();
        assert!(store
            .claim_next_outbox(OutboxKind::Reply)
            .unwrap()
            .is_none());
        std::thread::sleep(Duration::from_millis(400));
        let again = store.claim_next_outbox(OutboxKind::Reply).unwrap().unwrap();
        assert_eq!((again.id, again.attempts), (a.id, 2));
    }

    #[test]
    fn cancel_only_while_queued_and_requeue_only_when_failed() {
        let mut store = Store::open_in_memory().unwrap();
        let a = store.enqueue_outbox(&reply("a")).unwrap().entry;
        assert!(store.cancel_outbox(a.id).unwrap());
        assert_eq!(
            store.outbox_entry(a.id).unwrap().state,
            OutboxState::Cancelled
        );
        assert!(store
            .claim_next_outbox(OutboxKind::Reply)
            .unwrap()
            .is_none());
        assert!(!store.requeue_outbox(a.id).unwrap());
        assert!(matches!(
            store.cancel_outbox(999),
            Err(StoreError::NotFound(_))
        ));

        let b = store.enqueue_outbox(&reply("b")).unwrap().entry;
        store.claim_next_outbox(OutboxKind::Reply).unwrap().unwrap();
        store.fail_outbox(b.id, "550 no such user").unwrap();
        let failed = store.outbox_entry(b.id).unwrap();
        assert_eq!(failed.state, OutboxState::Failed);
        assert_eq!(failed.last_error.as_deref(), Some("550 no such user"));
        assert!(store.requeue_outbox(b.id).unwrap());
        let again = store.claim_next_outbox(OutboxKind::Reply).unwrap().unwrap();
        assert_eq!((again.id, again.attempts), (b.id, 1));
    }

    #[test]
    fn a_release_does_not_count_the_try_and_postpone_moves_every_due_row() {
        let mut store = Store::open_in_memory().unwrap();
        let a = store.enqueue_outbox(&reply("a")).unwrap().entry;
        let b = store.enqueue_outbox(&reply("b")).unwrap().entry;
        store.claim_next_outbox(OutboxKind::Reply).unwrap().unwrap();
        store
            .release_outbox(a.id, "server unreachable", Duration::from_secs(60))
            .unwrap();
        let released = store.outbox_entry(a.id).unwrap();
        assert_eq!(
            (released.state, released.attempts),
            (OutboxState::Queued, 0)
        );
        assert_eq!(released.last_error.as_deref(), Some("server unreachable"));

        // b is still due: postponing moves it too, a (already later) is left alone.
        assert_eq!(
            store
                .postpone_due_outbox(
                    OutboxKind::Reply,
                    "server unreachable",
                    Duration::from_secs(60)
                )
                .unwrap(),
            1
        );
        assert!(store
            .claim_next_outbox(OutboxKind::Reply)
            .unwrap()
            .is_none());
        assert_eq!(
            store.outbox_entry(b.id).unwrap().last_error.as_deref(),
            Some("server unreachable")
        );
        // "Send now" makes a waiting row due at once, without resetting its count.
        assert!(store.requeue_outbox(b.id).unwrap());
        let now = store.claim_next_outbox(OutboxKind::Reply).unwrap().unwrap();
        assert_eq!((now.id, now.attempts), (b.id, 1));
    }

    #[test]
    fn rows_left_sending_are_listed_for_recovery() {
        let mut store = Store::open_in_memory().unwrap();
        let a = store.enqueue_outbox(&reply("a")).unwrap().entry;
        store.claim_next_outbox(OutboxKind::Reply).unwrap().unwrap();
        let stuck = store
            .outbox_in_state(OutboxKind::Reply, OutboxState::Sending)
            .unwrap();
        assert_eq!(stuck.len(), 1);
        assert_eq!(stuck[0].id, a.id);
        assert_eq!(stuck[0].message_id.as_deref(), Some("a@shop.test"));
        // Recovery that found no trace of it sends it again.
        store
            .retry_outbox_later(a.id, "interrupted", Duration::ZERO)
            .unwrap();
        let again = store.claim_next_outbox(OutboxKind::Reply).unwrap().unwrap();
        assert_eq!((again.id, again.attempts), (a.id, 2));
    }
}
