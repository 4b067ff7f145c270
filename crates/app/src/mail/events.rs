//! What the app tells the shell while the mail channel runs in the background.

use crate::views::{MailProgressView, MailStatusView};
use crate::SyncStatusView;

/// The shell's side of the mail channel; the Tauri shell turns each call into a UI event. Calls
/// come from background tasks and threads: return quickly, and never call back into
/// [`crate::App::shutdown`] from one.
pub trait AppEvents: Send + Sync {
    /// Tickets, their messages or their replies changed: reload the inbox and the open ticket.
    fn tickets_changed(&self);
    /// The user clicked a ticket's notification: show that ticket.
    fn open_ticket(&self, ticket_id: i64);
    /// The first sync fetched another batch.
    fn mail_progress(&self, progress: MailProgressView);
    /// Receiving or sending changed state (syncing, connected, waiting, failed, stopped).
    fn mail_status(&self, status: MailStatusView);
    /// The Shopify sync changed state or made progress (see `crate::SyncRunner`).
    fn sync_status(&self, _status: SyncStatusView) {}
}

/// Ignores everything: for tests and tools without a UI.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoEvents;

impl AppEvents for NoEvents {
    fn tickets_changed(&self) {}
    fn open_ticket(&self, _ticket_id: i64) {}
    fn mail_progress(&self, _progress: MailProgressView) {}
    fn mail_status(&self, _status: MailStatusView) {}
}
