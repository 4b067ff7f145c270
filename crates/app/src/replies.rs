//! Replying to a ticket: queued in the durable outbox and sent by its worker, so a reply written
//! offline waits and goes once the server answers. In demo mode, with no mailbox connected, a
//! reply is filed in the conversation and marked sent with a note that it was not (see
//! `demo.rs`).

use shopdesk_mailbox::{queue_reply, replies_for_ticket, ReplyDraft, SendError};
use shopdesk_store::{OutboxKind, Store, StoreError};

use crate::views::ReplyView;
use crate::{App, AppError};

impl App {
    /// Queues a reply to the ticket's customer and wakes the outbox worker. `idempotency_key` is
    /// made once per compose window: the same key again returns the first reply, never a second.
    pub fn send_reply(
        &self,
        ticket_id: i64,
        body: &str,
        idempotency_key: &str,
    ) -> Result<ReplyView, AppError> {
        if idempotency_key.trim().is_empty() {
            return Err(AppError::MissingReplyKey);
        }
        let draft = ReplyDraft {
            ticket_id,
            body: body.to_string(),
            idempotency_key: idempotency_key.to_string(),
        };
        let queued = self.mail.with_runtime(|account, outbox| {
            let queued = queue_reply(&self.store, account, &draft);
            if queued.is_ok() {
                outbox.wake();
            }
            queued
        });
        match queued {
            Some(queued) => Ok(queued.map_err(from_send_error)?.into()),
            None if self.is_demo() => self.file_demo_reply(&draft),
            None => Err(AppError::NoMailbox),
        }
    }

    /// The ticket's replies, oldest first, each with its state and the reason it waits or failed.
    pub fn replies(&self, ticket_id: i64) -> Result<Vec<ReplyView>, AppError> {
        let store = self.store()?;
        if let Err(StoreError::NotFound(_)) = store.ticket(ticket_id) {
            return Err(AppError::TicketNotFound(ticket_id));
        }
        Ok(replies_for_ticket(&store, ticket_id)?
            .into_iter()
            .map(ReplyView::from)
            .collect())
    }

    /// Withdraws a reply the worker has not picked up yet.
    pub fn cancel_reply(&self, reply_id: i64) -> Result<ReplyView, AppError> {
        let mut store = self.store()?;
        let ticket_id = reply_ticket(&store, reply_id)?;
        if !store.cancel_outbox(reply_id)? {
            let state = store.outbox_entry(reply_id)?.state.as_str();
            return Err(AppError::ReplyNotCancellable {
                id: reply_id,
                state,
            });
        }
        reply_view(&store, ticket_id, reply_id)
    }

    /// "Send now": a waiting reply is tried at once, a failed one is queued again.
    pub fn retry_reply(&self, reply_id: i64) -> Result<ReplyView, AppError> {
        let view = {
            let mut store = self.store()?;
            let ticket_id = reply_ticket(&store, reply_id)?;
            if !store.requeue_outbox(reply_id)? {
                let state = store.outbox_entry(reply_id)?.state.as_str();
                return Err(AppError::ReplyNotRetryable {
                    id: reply_id,
                    state,
                });
            }
            reply_view(&store, ticket_id, reply_id)?
        };
        // After the store lock is released: the mail slot is always locked before the store.
        self.mail.with_runtime(|_, outbox| outbox.wake());
        Ok(view)
    }
}

/// The ticket of an outbox row that is a reply.
fn reply_ticket(store: &Store, reply_id: i64) -> Result<i64, AppError> {
    match store.outbox_entry(reply_id) {
        Ok(entry) if entry.kind == OutboxKind::Reply => {
            entry.ticket_id.ok_or(AppError::ReplyNotFound(reply_id))
        }
        Ok(_) | Err(StoreError::NotFound(_)) => Err(AppError::ReplyNotFound(reply_id)),
        Err(other) => Err(other.into()),
    }
}

pub(crate) fn reply_view(
    store: &Store,
    ticket_id: i64,
    reply_id: i64,
) -> Result<ReplyView, AppError> {
    replies_for_ticket(store, ticket_id)?
        .into_iter()
        .find(|reply| reply.outbox_id == reply_id)
        .map(ReplyView::from)
        .ok_or(AppError::ReplyNotFound(reply_id))
}

pub(crate) fn from_send_error(error: SendError) -> AppError {
    match error {
        SendError::TicketNotFound { ticket_id, .. } => AppError::TicketNotFound(ticket_id),
        other => other.into(),
    }
}
