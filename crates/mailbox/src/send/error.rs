//! What can stop a reply from being queued or the outbox from running, and why one delivery
//! failed. Every message names the account and says what happens next.

use shopdesk_store::StoreError;

/// An error returned to the caller: the reply could not be queued, or the outbox could not run.
/// A failed delivery is not one of these: it is recorded on the outbox row for the UI.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error(
        "An unencrypted (plain) SMTP connection is only allowed to this computer, not to \
         {host}: choose TLS or STARTTLS for {account}"
    )]
    PlainNotAllowed { account: String, host: String },

    #[error("The outgoing mail settings of {account} are not usable: {detail}")]
    InvalidSetting { account: String, detail: String },

    #[error("Ticket {ticket_id} does not exist any more, so {account} cannot reply to it")]
    TicketNotFound { account: String, ticket_id: i64 },

    #[error("The reply from {account} to ticket {ticket_id} is empty: write a message first")]
    EmptyReply { account: String, ticket_id: i64 },

    #[error(
        "The customer address \"{address}\" of ticket {ticket_id} is not an e-mail address, so \
         {account} cannot reply to it: correct the customer's address first"
    )]
    BadRecipient {
        account: String,
        ticket_id: i64,
        address: String,
    },

    #[error("The reply from {account} could not be written as an e-mail ({detail})")]
    Build { account: String, detail: String },

    #[error(
        "The outbox of {account} could not be read or written ({source}); check that the disk \
         is not full, then try again"
    )]
    Store {
        account: String,
        #[source]
        source: StoreError,
    },
}

/// Why one delivery attempt failed, as the UI shows it on the outbox row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum DeliveryFailure {
    /// No session: the server is unreachable, or the network is down. Not counted as a try.
    #[error(
        "Could not reach the outgoing mail server {host}:{port} for {account} ({detail}): check \
         the network connection and the server name and port"
    )]
    Unreachable {
        account: String,
        host: String,
        port: u16,
        detail: String,
    },

    /// TLS or STARTTLS failed: a settings problem (or an attack). Not counted as a try.
    #[error(
        "The secure connection to the outgoing mail server {host} for {account} failed \
         ({detail}): check that the port and the security setting (TLS or STARTTLS) match the \
         server's"
    )]
    Tls {
        account: String,
        host: String,
        detail: String,
    },

    /// The login was refused. Not counted as a try: the user fixes the password, the reply goes.
    #[error(
        "The outgoing mail server refused the login for {account}: check the SMTP user name and \
         password (the server said: {server_said})"
    )]
    LoginRefused {
        account: String,
        server_said: String,
    },

    /// The OAuth2 sign-in gave no token the server takes (refused, revoked, provider
    /// unreachable): the message names the provider and says what to do. Not counted as a try.
    #[error("{message}")]
    SignIn { account: String, message: String },

    /// A 4xx answer to the message: try again later.
    #[error(
        "The outgoing mail server for {account} could not take the reply just now (it said: \
         {code} {server_said})"
    )]
    Temporary {
        account: String,
        code: String,
        server_said: String,
    },

    /// The connection broke after the message was offered: whether the server took it is
    /// unknown. Counted as a try, and tried again.
    #[error(
        "The connection to the outgoing mail server for {account} broke while the reply was \
         being sent ({detail})"
    )]
    Interrupted { account: String, detail: String },

    /// A 5xx answer to the message: given up.
    #[error(
        "The outgoing mail server for {account} refused the reply (it said: {code} \
         {server_said})"
    )]
    Permanent {
        account: String,
        code: String,
        server_said: String,
    },

    /// The queued bytes can't be sent at all (no recipient in them, say): given up.
    #[error("The queued reply of {account} cannot be sent: {detail}")]
    Unsendable { account: String, detail: String },
}

impl DeliveryFailure {
    /// The server never saw the message: the try is not counted, and the other due replies
    /// would fail the same way, so the run stops.
    pub(crate) fn is_connection_level(&self) -> bool {
        matches!(
            self,
            DeliveryFailure::Unreachable { .. }
                | DeliveryFailure::Tls { .. }
                | DeliveryFailure::LoginRefused { .. }
                | DeliveryFailure::SignIn { .. }
        )
    }

    /// Retrying cannot help.
    pub(crate) fn is_permanent(&self) -> bool {
        matches!(
            self,
            DeliveryFailure::Permanent { .. } | DeliveryFailure::Unsendable { .. }
        )
    }
}
