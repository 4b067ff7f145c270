use serde::Serialize;
use shopdesk_mailbox::{MailboxError, SendError};

/// What went wrong, said so that the person at the keyboard knows what to do next.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("Shopdesk could not use its data folder {path}: {source}. Check that the folder exists and that you may write to it.")]
    DataDir {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "The local database failed: {0}. Restart Shopdesk; if this keeps happening, report it."
    )]
    Store(#[from] shopdesk_store::StoreError),
    #[error("Syncing with Shopify failed: {0}")]
    Sync(#[from] shopdesk_sync::SyncError),
    #[error("Reading the mailbox failed: {0}")]
    Mail(#[from] shopdesk_mail::MailError),
    #[error("The demo store could not start: {0}")]
    Demo(String),
    #[error("Ticket {0} does not exist (it may have been deleted). Pick another ticket.")]
    TicketNotFound(i64),
    /// Mailbox errors already name the account and say what to do. (Boxed, as the other mail
    /// errors: they are large, and every `Result` of the app would carry their size.)
    #[error("{0}")]
    Mailbox(#[source] Box<MailboxError>),
    /// The first sync could not reach the server; the watcher and the outbox run anyway.
    #[error(
        "{0}. Shopdesk keeps trying in the background, and replies wait in the outbox until the \
         server answers."
    )]
    MailOffline(#[source] Box<MailboxError>),
    #[error("{0}")]
    Send(#[source] Box<SendError>),
    #[error("The mailbox connection was stopped before it was ready, because Shopdesk is closing or another mailbox was connected.")]
    MailStopped,
    #[error("No support mailbox is connected, so the reply cannot be sent. Connect the mailbox in Settings, then send the reply again.")]
    NoMailbox,
    #[error("The reply has no draft id, so sending it twice could not be prevented. Close the reply window, write it again and send it.")]
    MissingReplyKey,
    #[error("Reply {0} does not exist (it may have been deleted).")]
    ReplyNotFound(i64),
    #[error("Reply {id} can no longer be cancelled: it is already {state}.")]
    ReplyNotCancellable { id: i64, state: &'static str },
    #[error("Reply {id} is {state}: only a waiting or failed reply can be sent again.")]
    ReplyNotRetryable { id: i64, state: &'static str },
    /// Remote images, attachments, mail import: the sentence says what to do.
    #[error("{0}")]
    MailView(#[from] crate::mail_view::MailViewError),
    /// Order actions (refund, replacement, cancel, edit): the engine's sentence.
    #[error("{0}")]
    OrderAction(#[from] shopdesk_actions::ActionError),
    #[error("Refunds and other order actions need a connection to Shopify; start the demo or connect your store first.")]
    OrderActionsUnavailable,
    #[error("Order {0} is not in Shopdesk's copy of the shop; reload the customer's orders.")]
    OrderNotFound(String),
    #[error("Shopify answered with an error: {0}. Try again; if it keeps happening, check the store's connection in Settings.")]
    OrderActionShopify(String),
    #[error("{0}")]
    InvalidSettings(String),
}

impl From<MailboxError> for AppError {
    fn from(e: MailboxError) -> Self {
        AppError::Mailbox(Box::new(e))
    }
}

impl From<SendError> for AppError {
    fn from(e: SendError) -> Self {
        AppError::Send(Box::new(e))
    }
}

/// Errors cross IPC as `{ kind, message }`; the message is the sentence above.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct IpcError {
    pub kind: String,
    pub message: String,
}

impl From<&AppError> for IpcError {
    fn from(e: &AppError) -> Self {
        let kind = match e {
            AppError::DataDir { .. } => "dataDir",
            AppError::Store(_) => "store",
            AppError::Sync(_) => "sync",
            AppError::Mail(_) => "mail",
            AppError::Demo(_) => "demo",
            AppError::TicketNotFound(_) => "ticketNotFound",
            AppError::Mailbox(_) => "mailbox",
            AppError::MailOffline(_) => "mailOffline",
            AppError::Send(_) => "send",
            AppError::MailStopped => "mailStopped",
            AppError::NoMailbox => "noMailbox",
            AppError::MissingReplyKey => "missingReplyKey",
            AppError::ReplyNotFound(_) => "replyNotFound",
            AppError::ReplyNotCancellable { .. } => "replyNotCancellable",
            AppError::ReplyNotRetryable { .. } => "replyNotRetryable",
            AppError::MailView(_) => "mailView",
            AppError::OrderAction(e) => order_action_kind(e),
            AppError::OrderActionsUnavailable => "orderActionsUnavailable",
            AppError::OrderNotFound(_) => "orderNotFound",
            AppError::OrderActionShopify(_) => "shopify",
            AppError::InvalidSettings(_) => "invalidSettings",
        };
        IpcError {
            kind: kind.to_string(),
            message: e.to_string(),
        }
    }
}

fn order_action_kind(e: &shopdesk_actions::ActionError) -> &'static str {
    use shopdesk_actions::ActionError;
    match e {
        ActionError::Invalid(_) => "invalidAction",
        ActionError::Offline(_) => "offline",
        ActionError::NotQueued { .. } => "notQueued",
        _ => "orderAction",
    }
}

impl Serialize for AppError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        IpcError::from(self).serialize(s)
    }
}
