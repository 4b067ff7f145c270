//! Order actions (refunds, replacements, cancellations, edits): the rows crates/actions writes
//! before it sends anything, and their state transitions.
//!
//! Each transition is one statement or one transaction guarded by the states it may leave
//! (`WHERE state IN (...)`), so two workers never both claim a row and a crash leaves either the
//! old state or the new one. The store keeps states; the actions crate decides them.

use rusqlite::{params, OptionalExtension, Row};
use shopdesk_money::Money;

use crate::{Result, Store, StoreError};

const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

const COLUMNS: &str = "id, key, kind, ticket_id, order_id, agent, mode, request, plan,
    expected_amount, currency, approved_by, state, reason, attempts, last_error, result,
    created_at, updated_at, sent_at";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderActionState {
    Queued,
    Sending,
    Unknown,
    Succeeded,
    Failed,
    Held,
    Cancelled,
}

impl OrderActionState {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderActionState::Queued => "queued",
            OrderActionState::Sending => "sending",
            OrderActionState::Unknown => "unknown",
            OrderActionState::Succeeded => "succeeded",
            OrderActionState::Failed => "failed",
            OrderActionState::Held => "held",
            OrderActionState::Cancelled => "cancelled",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        use OrderActionState::*;
        [Queued, Sending, Unknown, Succeeded, Failed, Held, Cancelled]
            .into_iter()
            .find(|state| state.as_str() == text)
    }
}

/// A new action, as the engine writes it before sending anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrderAction {
    pub key: String,
    pub kind: String,
    pub ticket_id: Option<i64>,
    pub order_id: String,
    pub agent: String,
    /// `now` or `when_online`.
    pub mode: String,
    /// The agent's request, JSON.
    pub request: String,
    pub expected_amount: Option<Money>,
    pub approved_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderActionRow {
    pub id: i64,
    pub key: String,
    pub kind: String,
    pub ticket_id: Option<i64>,
    pub order_id: String,
    pub agent: String,
    pub mode: String,
    pub request: String,
    /// The exact mutation input, fixed when first claimed (JSON).
    pub plan: Option<String>,
    pub expected_amount: Option<Money>,
    pub approved_by: Option<String>,
    pub state: OrderActionState,
    pub reason: Option<String>,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub result: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub sent_at: Option<String>,
}

/// An internal note written in the same transaction as the action's success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionNote<'a> {
    pub ticket_id: i64,
    pub author: &'a str,
    pub body: &'a str,
}

impl Store {
    /// Writes a new action in state `queued`. The same key again returns the existing row and
    /// writes nothing.
    pub fn insert_order_action(&mut self, new: &NewOrderAction) -> Result<OrderActionRow> {
        let tx = self.conn_mut().transaction()?;
        if let Some(row) = tx
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM order_actions WHERE key = ?1"
            ))?
            .query_row([&new.key], row_from_sql)
            .optional()?
        {
            return row;
        }
        let row = tx
            .prepare_cached(&format!(
                "INSERT INTO order_actions (key, kind, ticket_id, order_id, agent, mode, request,
                     expected_amount, currency, approved_by, state, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'queued', {NOW}, {NOW})
                 RETURNING {COLUMNS}"
            ))?
            .query_row(
                params![
                    new.key,
                    new.kind,
                    new.ticket_id,
                    new.order_id,
                    new.agent,
                    new.mode,
                    new.request,
                    new.expected_amount.map(|m| m.amount.to_string()),
                    new.expected_amount.map(|m| m.currency.code()),
                    new.approved_by,
                ],
                row_from_sql,
            )??;
        tx.commit()?;
        Ok(row)
    }

    /// Claims a queued or unknown action for sending: state `sending`, the try counted, the
    /// plan stored unless one is already fixed (a resend never changes the input). `None` when
    /// the row is in another state (claimed elsewhere, cancelled).
    pub fn claim_order_action(&mut self, id: i64, plan: &str) -> Result<Option<OrderActionRow>> {
        let row = self
            .conn()
            .prepare_cached(&format!(
                "UPDATE order_actions SET state = 'sending', attempts = attempts + 1,
                     plan = COALESCE(plan, ?2), sent_at = COALESCE(sent_at, {NOW}),
                     updated_at = {NOW}
                 WHERE id = ?1 AND state IN ('queued', 'unknown')
                 RETURNING {COLUMNS}"
            ))?
            .query_row(params![id, plan], row_from_sql)
            .optional()?;
        row.transpose()
    }

    /// Replaces the plan of an action being sent (a replacement records its draft's id).
    pub fn update_order_action_plan(&mut self, id: i64, plan: &str) -> Result<bool> {
        self.transition(
            "UPDATE order_actions SET plan = ?2, updated_at = {NOW}
             WHERE id = ?1 AND state IN ('sending', 'unknown')",
            id,
            Some(plan),
        )
    }

    /// The answer was lost: whether Shopify ran it must be found out before anything else.
    pub fn mark_order_action_unknown(&mut self, id: i64, error: &str) -> Result<bool> {
        self.transition(
            "UPDATE order_actions SET state = 'unknown', last_error = ?2, updated_at = {NOW}
             WHERE id = ?1 AND state IN ('sending', 'unknown')",
            id,
            Some(error),
        )
    }

    /// Shopify certainly did not run it and it may go later: back to `queued`.
    pub fn release_order_action(&mut self, id: i64, error: &str) -> Result<bool> {
        self.transition(
            "UPDATE order_actions SET state = 'queued', last_error = ?2, updated_at = {NOW}
             WHERE id = ?1 AND state IN ('sending', 'unknown')",
            id,
            Some(error),
        )
    }

    pub fn fail_order_action(&mut self, id: i64, reason: &str) -> Result<bool> {
        self.transition(
            "UPDATE order_actions SET state = 'failed', reason = ?2, last_error = ?2,
                 updated_at = {NOW}
             WHERE id = ?1 AND state IN ('queued', 'sending', 'unknown')",
            id,
            Some(reason),
        )
    }

    /// Not sent because the order changed; `reason` says what.
    pub fn hold_order_action(&mut self, id: i64, reason: &str) -> Result<bool> {
        self.transition(
            "UPDATE order_actions SET state = 'held', reason = ?2, updated_at = {NOW}
             WHERE id = ?1 AND state IN ('queued', 'sending', 'unknown')",
            id,
            Some(reason),
        )
    }

    /// Only a queued action can be cancelled.
    pub fn cancel_order_action(&mut self, id: i64) -> Result<bool> {
        self.transition(
            "UPDATE order_actions SET state = 'cancelled', updated_at = {NOW}
             WHERE id = ?1 AND state = 'queued'",
            id,
            None,
        )
    }

    /// Edits a queued action (request, confirmed total, approval). False when it left the queue.
    pub fn update_queued_order_action(
        &mut self,
        id: i64,
        request: &str,
        expected_amount: Option<Money>,
        approved_by: Option<&str>,
    ) -> Result<bool> {
        let changed = self.conn().execute(
            &format!(
                "UPDATE order_actions SET request = ?2, expected_amount = ?3, currency = ?4,
                     approved_by = ?5, updated_at = {NOW}
                 WHERE id = ?1 AND state = 'queued'"
            ),
            params![
                id,
                request,
                expected_amount.map(|m| m.amount.to_string()),
                expected_amount.map(|m| m.currency.code()),
                approved_by,
            ],
        )?;
        Ok(changed == 1)
    }

    /// Marks the action succeeded with its result and, when it belongs to a ticket, adds the
    /// internal note, in one transaction.
    pub fn succeed_order_action(
        &mut self,
        id: i64,
        result: &str,
        note: Option<ActionNote<'_>>,
    ) -> Result<bool> {
        let tx = self.conn_mut().transaction()?;
        let changed = tx.execute(
            &format!(
                "UPDATE order_actions SET state = 'succeeded', result = ?2, reason = NULL,
                     updated_at = {NOW}
                 WHERE id = ?1 AND state IN ('sending', 'unknown')"
            ),
            params![id, result],
        )?;
        if changed == 1 {
            if let Some(note) = note {
                tx.execute(
                    &format!(
                        "INSERT INTO ticket_notes (ticket_id, author, body, action_id, created_at)
                         VALUES (?1, ?2, ?3, ?4, {NOW})"
                    ),
                    params![note.ticket_id, note.author, note.body, id],
                )?;
            }
        }
        tx.commit()?;
        Ok(changed == 1)
    }

    pub fn order_action(&self, id: i64) -> Result<OrderActionRow> {
        self.conn()
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM order_actions WHERE id = ?1"
            ))?
            .query_row([id], row_from_sql)
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("order action {id}")))?
    }

    pub fn order_actions_for_ticket(&self, ticket_id: i64) -> Result<Vec<OrderActionRow>> {
        self.order_actions_where("ticket_id = ?1", [ticket_id.to_string()])
    }

    pub fn order_actions_for_order(&self, order_id: &str) -> Result<Vec<OrderActionRow>> {
        self.order_actions_where("order_id = ?1", [order_id.to_string()])
    }

    /// Actions in one state, oldest first.
    pub fn order_actions_in_state(&self, state: OrderActionState) -> Result<Vec<OrderActionRow>> {
        self.order_actions_where("state = ?1", [state.as_str().to_string()])
    }

    fn order_actions_where(&self, filter: &str, args: [String; 1]) -> Result<Vec<OrderActionRow>> {
        let mut statement = self.conn().prepare_cached(&format!(
            "SELECT {COLUMNS} FROM order_actions WHERE {filter} ORDER BY id"
        ))?;
        let rows = statement.query_map(args, row_from_sql)?;
        rows.map(|row| row?).collect()
    }

    fn transition(&mut self, sql: &str, id: i64, text: Option<&str>) -> Result<bool> {
        let sql = sql.replace("{NOW}", NOW);
        let changed = match text {
            Some(text) => self.conn().execute(&sql, params![id, text])?,
            None => self.conn().execute(&sql, params![id])?,
        };
        Ok(changed == 1)
    }
}

fn row_from_sql(row: &Row<'_>) -> rusqlite::Result<Result<OrderActionRow>> {
    let state: String = row.get("state")?;
    let amount: Option<String> = row.get("expected_amount")?;
    let currency: Option<String> = row.get("currency")?;
    let expected_amount = match (amount, currency) {
        (Some(amount), Some(currency)) => match Money::parse(&amount, &currency) {
            Ok(money) => Some(money),
            Err(e) => return Ok(Err(e.into())),
        },
        _ => None,
    };
    let Some(state) = OrderActionState::parse(&state) else {
        return Ok(Err(StoreError::Corrupt {
            what: "order action state",
            detail: state,
        }));
    };
    Ok(Ok(OrderActionRow {
        id: row.get("id")?,
        key: row.get("key")?,
        kind: row.get("kind")?,
        ticket_id: row.get("ticket_id")?,
        order_id: row.get("order_id")?,
        agent: row.get("agent")?,
        mode: row.get("mode")?,
        request: row.get("request")?,
        plan: row.get("plan")?,
        expected_amount,
        approved_by: row.get("approved_by")?,
        state,
        reason: row.get("reason")?,
        attempts: row.get("attempts")?,
        last_error: row.get("last_error")?,
        result: row.get("result")?,
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
        sent_at: row.get("sent_at")?,
    }))
}

#[cfg(test)]
mod tests;
