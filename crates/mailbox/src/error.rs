//! What can go wrong talking to a mailbox. Every message names the account and says what to do.

use shopdesk_mail::MailError;
use shopdesk_mail_oauth::OAuthError;
use shopdesk_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum MailboxError {
    #[error(
        "The mail server refused the login for {account}: check the password or app password \
         (the server said: {server_said})"
    )]
    LoginRefused {
        account: String,
        server_said: String,
    },

    /// The OAuth2 sign-in could not give a token the server takes: its message names the
    /// provider and the account and says what to do ("Gmail refused the sign-in for ...: sign
    /// in again").
    #[error("{source}")]
    OAuth {
        account: String,
        #[source]
        source: OAuthError,
    },

    #[error(
        "An unencrypted (plain) IMAP connection is only allowed to this computer, not to {host}: \
         choose TLS or STARTTLS for {account}"
    )]
    PlainNotAllowed { account: String, host: String },

    #[error("The mail settings of {account} are not usable: {detail}")]
    InvalidSetting { account: String, detail: String },

    #[error(
        "Could not reach the mail server {host}:{port} for {account} ({source}): check the \
         server name, the port and the network connection"
    )]
    Connect {
        account: String,
        host: String,
        port: u16,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "The secure connection to {host} for {account} failed ({detail}): check that the port \
         and the security setting (TLS or STARTTLS) match the server's"
    )]
    Tls {
        account: String,
        host: String,
        detail: String,
    },

    #[error(
        "The mail server {host} for {account} does not offer STARTTLS: choose TLS (usually \
         port 993) instead"
    )]
    StartTlsUnavailable { account: String, host: String },

    #[error(
        "The mail server for {account} did not answer within {seconds} s while {doing}: check \
         the network connection"
    )]
    Timeout {
        account: String,
        doing: &'static str,
        seconds: u64,
    },

    #[error(
        "The connection to the mail server for {account} failed while {doing} ({detail}); \
         it will be retried"
    )]
    Protocol {
        account: String,
        doing: &'static str,
        detail: String,
    },

    #[error(
        "The folder \"{folder}\" of {account} cannot be opened (the server said: {server_said}): \
         check the folder name in the mail settings"
    )]
    FolderUnavailable {
        account: String,
        folder: String,
        server_said: String,
    },

    #[error(
        "The folder \"{folder}\" of {account} has no UIDVALIDITY, so it cannot be synced \
         safely: the mail server does not follow IMAP (RFC 3501)"
    )]
    NoUidValidity { account: String, folder: String },

    #[error("Mail from {account} could not be filed: {source}")]
    Ingest {
        account: String,
        #[source]
        source: MailError,
    },

    #[error(
        "The sync state of {account} could not be saved: {source}; check that the disk is not \
         full, then sync again"
    )]
    Store {
        account: String,
        #[source]
        source: StoreError,
    },

    #[error("The sync of \"{folder}\" for {account} was stopped; the next sync resumes there")]
    Cancelled { account: String, folder: String },
}

impl MailboxError {
    /// Whether trying again later may succeed without the user changing anything: a network or
    /// server hiccup may, a refused password or a forbidden setting will not.
    pub fn is_retryable(&self) -> bool {
        match self {
            MailboxError::Connect { .. }
            | MailboxError::Tls { .. }
            | MailboxError::Timeout { .. }
            | MailboxError::Protocol { .. }
            | MailboxError::FolderUnavailable { .. }
            | MailboxError::Store { .. } => true,
            MailboxError::Ingest { source, .. } => matches!(source, MailError::Store(_)),
            MailboxError::OAuth { source, .. } => source.is_retryable(),
            MailboxError::LoginRefused { .. }
            | MailboxError::PlainNotAllowed { .. }
            | MailboxError::InvalidSetting { .. }
            | MailboxError::StartTlsUnavailable { .. }
            | MailboxError::NoUidValidity { .. }
            | MailboxError::Cancelled { .. } => false,
        }
    }

    /// The account the error is about.
    pub fn account(&self) -> &str {
        match self {
            MailboxError::LoginRefused { account, .. }
            | MailboxError::OAuth { account, .. }
            | MailboxError::PlainNotAllowed { account, .. }
            | MailboxError::InvalidSetting { account, .. }
            | MailboxError::Connect { account, .. }
            | MailboxError::Tls { account, .. }
            | MailboxError::StartTlsUnavailable { account, .. }
            | MailboxError::Timeout { account, .. }
            | MailboxError::Protocol { account, .. }
            | MailboxError::FolderUnavailable { account, .. }
            | MailboxError::NoUidValidity { account, .. }
            | MailboxError::Ingest { account, .. }
            | MailboxError::Store { account, .. }
            | MailboxError::Cancelled { account, .. } => account,
        }
    }
}
