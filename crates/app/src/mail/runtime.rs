//! The background parts of a connected mailbox: the IDLE watcher, the outbox worker, and the
//! dispatcher that turns what they report into notifications and shell events.

use std::sync::Arc;
use std::time::Duration;

use shopdesk_mailbox::{
    run_outbox, watch_inbox, MailAccount, OutboxHandle, SharedStore, WatchHandle,
};
use shopdesk_notify::{Notifier, NotifierConfig};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::dispatch::{Backlog, Dispatcher, MailEvent};
use super::{status, AppEvents, MailOptions};
use crate::views::{MailChannelView, MailStateView};
use crate::AppError;

/// The longest [`crate::App::shutdown`] waits for each background part to end.
const STOP_LIMIT: Duration = Duration::from_secs(10);

/// The background parts of a connected mailbox. Dropping it stops them without waiting.
pub(super) struct MailRuntime {
    pub(super) account: MailAccount,
    watcher: WatchHandle,
    pub(super) outbox: OutboxHandle,
    dispatcher: JoinHandle<()>,
    events: Arc<dyn AppEvents>,
}

impl MailRuntime {
    pub(super) fn start(
        account: MailAccount,
        store: SharedStore,
        events: Arc<dyn AppEvents>,
        options: MailOptions,
        backlog: Option<Backlog>,
    ) -> Result<MailRuntime, AppError> {
        let (sender, receiver) = mpsc::unbounded_channel();
        if let Some(backlog) = backlog {
            // First in the queue, so the summary is counted before any live mail.
            let _ = sender.send(MailEvent::Backlog(backlog));
        }
        let to_dispatch = sender.clone();
        let watcher = watch_inbox(
            account.imap.clone(),
            Arc::clone(&store),
            options.watch,
            move |event| {
                let _ = to_dispatch.send(MailEvent::Watch(event));
            },
        )?;
        // If the outbox can't start, the watcher is dropped here, which stops it.
        let outbox = run_outbox(
            account.clone(),
            Arc::clone(&store),
            options.outbox,
            move |event| {
                let _ = sender.send(MailEvent::Outbox(event));
            },
        )?;
        let dispatcher = Dispatcher::new(
            account.name().to_string(),
            store,
            start_notifier(options.notifier, &events),
            Arc::clone(&events),
        );
        Ok(MailRuntime {
            account,
            watcher,
            outbox,
            dispatcher: tokio::spawn(dispatcher.run(receiver)),
            events,
        })
    }

    pub(super) async fn stop(self) {
        match tokio::time::timeout(STOP_LIMIT, self.watcher.stop()).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::info!(%error, "the mail watcher had stopped on its own"),
            Err(_) => tracing::warn!("the mail watcher did not stop in time"),
        }
        if tokio::time::timeout(STOP_LIMIT, self.outbox.stop())
            .await
            .is_err()
        {
            tracing::warn!("the outbox did not stop in time; the next start settles its reply");
        }
        // Both callbacks are gone, so the queue is closed: the dispatcher handles what is left
        // in it, then ends.
        if tokio::time::timeout(STOP_LIMIT, self.dispatcher)
            .await
            .is_err()
        {
            tracing::warn!("mail notifications did not finish in time");
        }
        let name = self.account.name();
        for channel in [MailChannelView::Receiving, MailChannelView::Sending] {
            self.events
                .mail_status(status(name, channel, MailStateView::Stopped));
        }
    }
}

/// No notifier (its thread could not start) means no notifications, not a broken mailbox.
fn start_notifier(config: NotifierConfig, events: &Arc<dyn AppEvents>) -> Option<Notifier> {
    let events = Arc::clone(events);
    match Notifier::new(config, move |ticket_id| events.open_ticket(ticket_id)) {
        Ok(notifier) => Some(notifier),
        Err(error) => {
            tracing::warn!(%error, "desktop notifications are off");
            None
        }
    }
}
