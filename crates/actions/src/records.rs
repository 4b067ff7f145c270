//! From the store's rows to the records the UI sees.

use shopdesk_store::{OrderActionRow, OrderActionState};

use crate::error::{ActionError, Result};
use crate::plan::ActionPlan;
use crate::types::{ActionKind, ActionRecord, ActionRequest, ActionResult, ActionState};

pub(crate) fn record(row: &OrderActionRow) -> Result<ActionRecord> {
    let kind = ActionKind::parse(&row.kind)
        .ok_or_else(|| ActionError::Corrupt(format!("unknown kind {}", row.kind)))?;
    let request: ActionRequest = serde_json::from_str(&row.request)
        .map_err(|e| ActionError::Corrupt(format!("request of action {}: {e}", row.id)))?;
    let result: Option<ActionResult> = row
        .result
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| ActionError::Corrupt(format!("result of action {}: {e}", row.id)))?;
    let reason = || row.reason.clone().unwrap_or_default();
    let state = match row.state {
        OrderActionState::Queued => ActionState::Queued,
        OrderActionState::Sending => ActionState::Sending,
        OrderActionState::Unknown => ActionState::Unknown,
        OrderActionState::Succeeded => ActionState::Succeeded,
        OrderActionState::Failed => ActionState::Failed(reason()),
        OrderActionState::Held => ActionState::Held(reason()),
        OrderActionState::Cancelled => ActionState::Cancelled,
    };
    Ok(ActionRecord {
        id: row.id,
        key: row.key.clone(),
        kind,
        ticket_id: row.ticket_id,
        order_id: row.order_id.clone(),
        agent: row.agent.clone(),
        request,
        state,
        expected_total: row.expected_amount,
        attempts: row.attempts,
        last_error: row.last_error.clone(),
        result,
        created_at: row.created_at.clone(),
        updated_at: row.updated_at.clone(),
        sent_at: row.sent_at.clone(),
    })
}

pub(crate) fn plan_of(row: &OrderActionRow) -> Result<Option<ActionPlan>> {
    row.plan
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| ActionError::Corrupt(format!("plan of action {}: {e}", row.id)))
}

pub(crate) fn request_of(row: &OrderActionRow) -> Result<ActionRequest> {
    serde_json::from_str(&row.request)
        .map_err(|e| ActionError::Corrupt(format!("request of action {}: {e}", row.id)))
}

/// A UUID v4 as text: the action's idempotency key.
pub(crate) fn new_key() -> String {
    let mut bytes: [u8; 16] = rand::random();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_are_uuid_v4_and_distinct() {
        let a = super::new_key();
        let b = super::new_key();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }
}
