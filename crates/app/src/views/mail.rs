//! What the UI receives about the mail channel: replies and their outbox state, sync progress,
//! and the connection's status.

use serde::Serialize;
use shopdesk_mailbox::ReplyStatus;
use shopdesk_store::OutboxState;
use ts_rs::TS;

/// What a reply filed in demo mode says about itself: there is no mail server to send it to.
pub const DEMO_REPLY_NOTE: &str = "Demo mode: this reply was added to the conversation but not \
     sent, because the demo has no mail server.";

/// A reply the agent wrote, with where it stands in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReplyView {
    /// The outbox row: what cancel and retry take.
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number | null")]
    pub ticket_id: Option<i64>,
    pub state: ReplyStateView,
    /// Queued: why it waits (the last try failed, the server can't be reached); failed: why it
    /// was given up; sent: a warning (the copy to Sent failed), or the demo note.
    pub reason: Option<String>,
    /// Tries the server saw; a server that could not be reached does not count.
    pub attempts: u32,
    /// Queued only: when it is tried next (RFC 3339 UTC).
    pub next_attempt_at: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
    pub to: Vec<String>,
    pub subject: String,
    /// What the agent wrote, without the quoted message below it.
    pub body: String,
    /// Filed in demo mode: shown in the conversation, never sent.
    pub demo: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum ReplyStateView {
    Queued,
    Sending,
    Sent,
    Failed,
    Cancelled,
}

impl From<OutboxState> for ReplyStateView {
    fn from(s: OutboxState) -> Self {
        match s {
            OutboxState::Queued => ReplyStateView::Queued,
            OutboxState::Sending => ReplyStateView::Sending,
            OutboxState::Sent => ReplyStateView::Sent,
            OutboxState::Failed => ReplyStateView::Failed,
            OutboxState::Cancelled => ReplyStateView::Cancelled,
        }
    }
}

impl From<ReplyStatus> for ReplyView {
    fn from(r: ReplyStatus) -> Self {
        let demo = r.last_error.as_deref() == Some(DEMO_REPLY_NOTE);
        ReplyView {
            id: r.outbox_id,
            ticket_id: r.ticket_id,
            state: r.state.into(),
            reason: r.last_error,
            attempts: r.attempts,
            next_attempt_at: (r.state == OutboxState::Queued).then_some(r.next_attempt_at),
            created_at: r.created_at,
            sent_at: r.sent_at,
            to: r.to,
            subject: r.subject,
            body: r.body,
            demo,
        }
    }
}

/// How far the first fetch of a folder has come; sent after each batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MailProgressView {
    pub account: String,
    pub folder: String,
    /// Messages fetched so far in this folder.
    pub fetched: u32,
    /// Messages this sync has to fetch in this folder.
    pub total: u32,
}

/// Receiving is IMAP (sync, then IDLE); sending is the outbox over SMTP. They fail apart: a
/// reachable IMAP server with an unreachable SMTP server still receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum MailChannelView {
    Receiving,
    Sending,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum MailStateView {
    /// Receiving: the first fetch is running.
    Syncing,
    /// Receiving: caught up and watching for new mail. Sending: the server took a reply.
    Connected,
    /// The server can't be used now; Shopdesk tries again in `retryInMs`. Replies stay queued.
    Waiting,
    /// Stopped on an error retrying can't fix (a refused password): `message` says what to do.
    Failed,
    /// Stopped because Shopdesk is closing or another mailbox was connected.
    Stopped,
}

/// A change in the mail connection, for the status bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MailStatusView {
    pub account: String,
    pub channel: MailChannelView,
    pub state: MailStateView,
    /// Waiting or failed: why, as a sentence.
    pub message: Option<String>,
    /// Waiting: how long until the next try, in milliseconds.
    #[ts(type = "number | null")]
    pub retry_in_ms: Option<u64>,
}
