//! The app layer's events ([`AppEvents`]) as Tauri events the window listens to.

use serde::Serialize;
use shopdesk_app::{AppEvents, MailProgressView, MailStatusView, SyncStatusView};
use tauri::{AppHandle, Emitter, Manager};

/// Tickets, messages or replies changed: the UI reloads the inbox and the open ticket.
pub const TICKETS_CHANGED: &str = "tickets-changed";
/// Show this ticket (payload: its id); the window is brought to the front.
pub const OPEN_TICKET: &str = "open-ticket";
/// A batch of the first mail sync (payload: `MailProgressView`).
pub const MAIL_PROGRESS: &str = "mail-progress";
/// Receiving or sending changed state (payload: `MailStatusView`).
pub const MAIL_STATUS: &str = "mail-status";
/// The Shopify sync changed state or made progress (payload: `SyncStatusView`).
pub const SYNC_STATUS: &str = "sync-status";

/// Emits to every window. Cheap to clone; safe to call from any thread.
#[derive(Clone)]
pub struct ShellEvents {
    handle: AppHandle,
}

impl ShellEvents {
    pub fn new(handle: AppHandle) -> Self {
        Self { handle }
    }

    fn emit<P: Serialize + Clone>(&self, event: &str, payload: P) {
        if let Err(err) = self.handle.emit(event, payload) {
            tracing::warn!(%err, event, "could not send an event to the window");
        }
    }
}

impl AppEvents for ShellEvents {
    fn tickets_changed(&self) {
        self.emit(TICKETS_CHANGED, ());
    }

    fn open_ticket(&self, ticket_id: i64) {
        if let Some(window) = self.handle.get_webview_window("main") {
            // Best effort: a window manager may refuse focus; the ticket opens anyway.
            let _ = window.unminimize();
            let _ = window.show();
            let _ = window.set_focus();
        }
        self.emit(OPEN_TICKET, ticket_id);
    }

    fn mail_progress(&self, progress: MailProgressView) {
        self.emit(MAIL_PROGRESS, progress);
    }

    fn mail_status(&self, status: MailStatusView) {
        self.emit(MAIL_STATUS, status);
    }

    fn sync_status(&self, status: SyncStatusView) {
        self.emit(SYNC_STATUS, status);
    }
}
