//! What the mail side tells the notifier about.

/// One mail event worth telling the user about, as the ticket list knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketNotice {
    pub ticket_id: i64,
    pub customer_name: Option<String>,
    pub customer_email: String,
    pub subject: String,
    /// Plain text of the message; only its first line is shown.
    pub preview: String,
    /// The Shopify order the ticket is linked to, such as "#1001".
    pub order_name: Option<String>,
}

/// Which of the two events a notice is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    NewTicket,
    CustomerReply,
}

/// Where the mail came from, which decides whether it may notify on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NoticeOrigin {
    /// Mail that just arrived (IDLE, a poll): notifies, within the burst policy.
    #[default]
    Live,
    /// The first fetch of a mailbox: never notifies per message, only in one summary.
    InitialSync,
}
