//! Replies over SMTP through the durable outbox.
//!
//! - [`queue_reply`] builds the reply once (From the support address, To the customer,
//!   "Re: <subject> [SD-XXXX]", a fresh Message-ID, In-Reply-To and References for threading,
//!   the customer's last message quoted) and records its exact bytes in the outbox, due now.
//! - [`run_outbox`] (or [`run_outbox_once`] at a time) sends what is due, settles each row
//!   (sent / queued again after a backoff / failed with the server's words), copies each sent
//!   reply to the IMAP Sent folder when `append_to_sent` is on, and files it in the local store as
//!   outbound so it shows in the conversation at once.
//! - [`recover_outbox`] settles, at start, the replies a crash left half-sent; the exactly-once
//!   reasoning is in the `worker` module's notes.
//! - [`replies_for_ticket`] is what the UI shows: each reply's state and reason.

mod config;
mod error;
mod reply;
mod sent_folder;
mod smtp;
mod worker;

pub use config::{MailAccount, SmtpConfig, DEFAULT_SMTP_TIMEOUT};
pub use error::SendError;
pub use reply::{
    build_reply, cancel_reply, queue_reply, replies_for_ticket, replies_in_state, retry_reply,
    BuiltReply, ReplyDraft, ReplyStatus,
};
pub use worker::{
    recover_outbox, run_outbox, run_outbox_once, OutboxEvent, OutboxHandle, OutboxOptions,
    OutboxRunReport, RecoveryReport, ReplyOutcome,
};
