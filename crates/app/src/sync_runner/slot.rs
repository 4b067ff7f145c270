//! The app's Shopify sync: at most one runner, and the window's event sink, which the shell
//! may attach after the sync started (the demo starts before the window listens).

use std::sync::{Arc, Mutex, PoisonError, RwLock};

use shopdesk_shopify::ShopifyClient;

use super::{SyncHandle, SyncRunner, SyncRunnerOptions, SyncStatusView};
use crate::views::{MailProgressView, MailStatusView};
use crate::{App, AppError, AppEvents, NoEvents};

#[derive(Default)]
pub(crate) struct SyncSlot {
    handle: Mutex<Option<SyncHandle>>,
    events: Arc<ForwardedEvents>,
}

impl SyncSlot {
    pub(crate) fn handle(&self) -> Option<SyncHandle> {
        self.handle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Passes the sync's events to whatever sink is attached now.
struct ForwardedEvents {
    sink: RwLock<Arc<dyn AppEvents>>,
}

impl Default for ForwardedEvents {
    fn default() -> Self {
        ForwardedEvents {
            sink: RwLock::new(Arc::new(NoEvents)),
        }
    }
}

impl ForwardedEvents {
    fn sink(&self) -> Arc<dyn AppEvents> {
        Arc::clone(&self.sink.read().unwrap_or_else(PoisonError::into_inner))
    }
}

impl AppEvents for ForwardedEvents {
    fn tickets_changed(&self) {
        self.sink().tickets_changed();
    }
    fn open_ticket(&self, ticket_id: i64) {
        self.sink().open_ticket(ticket_id);
    }
    fn mail_progress(&self, progress: MailProgressView) {
        self.sink().mail_progress(progress);
    }
    fn mail_status(&self, status: MailStatusView) {
        self.sink().mail_status(status);
    }
    fn sync_status(&self, status: SyncStatusView) {
        self.sink().sync_status(status);
    }
}

impl App {
    /// Starts syncing this app's database with the store `client` talks to (a sync started
    /// before is stopped first): the first copy if needed, then incremental syncs, and a
    /// refresh of the customer's orders whenever a ticket opens.
    pub async fn start_shopify_sync(
        &self,
        client: ShopifyClient,
        options: SyncRunnerOptions,
    ) -> Result<SyncHandle, AppError> {
        let path = self.store()?.path().ok_or_else(|| {
            AppError::Demo("a database in memory cannot be synced in the background".into())
        })?;
        self.stop_shopify_sync().await;
        let events: Arc<dyn AppEvents> = self.sync.events.clone();
        let handle = SyncRunner::start(&path, client, events, options)?;
        *self
            .sync
            .handle
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(handle.clone());
        Ok(handle)
    }

    /// Stops the Shopify sync, if one runs; what it wrote stays, and the next start continues.
    pub async fn stop_shopify_sync(&self) {
        let running = self
            .sync
            .handle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(handle) = running {
            handle.stop().await;
        }
    }

    /// Where the Shopify sync stands ("idle" when no store is connected).
    pub fn sync_status(&self) -> SyncStatusView {
        self.sync
            .handle()
            .map_or_else(SyncStatusView::idle, |h| h.status())
    }

    /// The running sync, if any.
    pub fn shopify_sync(&self) -> Option<SyncHandle> {
        self.sync.handle()
    }

    /// Starts an incremental sync now; `false` when no store is connected.
    pub fn sync_now(&self) -> bool {
        self.sync.handle().map(|h| h.sync_now()).is_some()
    }

    /// Where the sync's status, and the refreshes it brings, are sent from now on (the window,
    /// once it listens).
    pub fn set_sync_events(&self, events: Arc<dyn AppEvents>) {
        *self
            .sync
            .events
            .sink
            .write()
            .unwrap_or_else(PoisonError::into_inner) = events;
    }
}
