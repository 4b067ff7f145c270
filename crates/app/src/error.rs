use serde::Serialize;

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
        };
        IpcError {
            kind: kind.to_string(),
            message: e.to_string(),
        }
    }
}

impl Serialize for AppError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        IpcError::from(self).serialize(s)
    }
}
