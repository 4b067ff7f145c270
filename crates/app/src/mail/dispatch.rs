//! Turns what the watcher and the outbox report into notifications and shell events, one event
//! at a time, off the async workers (store reads and D-Bus round trips block).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError};

use shopdesk_mailbox::{
    FolderSyncReport, IngestReport, OutboxEvent, ReplyOutcome, SharedStore, WatchEvent,
};
use shopdesk_notify::{NoticeKind, NoticeOrigin, Notifier};
use tokio::sync::mpsc::UnboundedReceiver;

use super::notices::{backlog_notice, live_notice};
use super::{status, AppEvents};
use crate::views::{MailChannelView, MailStateView, MailStatusView};

pub(super) enum MailEvent {
    /// What the first sync found new: one summary at most.
    Backlog(Backlog),
    Watch(WatchEvent),
    Outbox(OutboxEvent),
}

/// Mail filed in bulk, as counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Backlog {
    new_tickets: u32,
    replies: u32,
}

impl Backlog {
    /// An INBOX sync's counts. Mail that joined an existing ticket counts as a reply (the rare
    /// copy of the shop's own mail in INBOX is counted too: a count, not a claim).
    pub(super) fn of(report: &FolderSyncReport) -> Backlog {
        Backlog {
            new_tickets: report.new_tickets,
            replies: report.new_messages.saturating_sub(report.new_tickets),
        }
    }

    fn is_empty(&self) -> bool {
        self.new_tickets == 0 && self.replies == 0
    }
}

pub(super) struct Dispatcher {
    account: String,
    store: SharedStore,
    notifier: Option<Notifier>,
    events: Arc<dyn AppEvents>,
    /// The outbox said the SMTP server can't be used; the next sent reply says it can again.
    sending_waits: AtomicBool,
}

impl Dispatcher {
    pub(super) fn new(
        account: String,
        store: SharedStore,
        notifier: Option<Notifier>,
        events: Arc<dyn AppEvents>,
    ) -> Dispatcher {
        Dispatcher {
            account,
            store,
            notifier,
            events,
            sending_waits: AtomicBool::new(false),
        }
    }

    /// Handles events until every sender is gone, in order.
    pub(super) async fn run(self, mut receiver: UnboundedReceiver<MailEvent>) {
        let dispatcher = Arc::new(self);
        while let Some(event) = receiver.recv().await {
            let this = Arc::clone(&dispatcher);
            if let Err(error) = tokio::task::spawn_blocking(move || this.handle(event)).await {
                tracing::warn!(%error, "a mail event could not be handled");
            }
        }
    }

    fn handle(&self, event: MailEvent) {
        match event {
            MailEvent::Backlog(backlog) => self.announce_backlog(backlog),
            MailEvent::Watch(event) => self.on_watch(event),
            MailEvent::Outbox(event) => self.on_outbox(event),
        }
    }

    fn on_watch(&self, event: WatchEvent) {
        match event {
            WatchEvent::Synced(report) => {
                self.status(MailChannelView::Receiving, MailStateView::Connected, None);
                let backlog = Backlog::of(&report);
                if !backlog.is_empty() {
                    // A catch-up after a reconnect, or a burst: counts only, like a first sync.
                    self.events.tickets_changed();
                    self.announce_backlog(backlog);
                }
            }
            WatchEvent::NewMail(filed) => {
                // The inbox first, so a click on the notification finds the ticket listed.
                self.events.tickets_changed();
                self.announce_new_mail(&filed);
            }
            WatchEvent::Reconnecting {
                retry_in, error, ..
            } => self.status(
                MailChannelView::Receiving,
                MailStateView::Waiting,
                Some((error, Some(retry_in.as_millis() as u64))),
            ),
            WatchEvent::Ended { error } => self.status(
                MailChannelView::Receiving,
                MailStateView::Failed,
                Some((error, None)),
            ),
        }
    }

    fn on_outbox(&self, event: OutboxEvent) {
        match &event {
            OutboxEvent::Waiting { error, retry_in } => {
                self.sending_waits.store(true, Ordering::Relaxed);
                let retry_in = Some(retry_in.as_millis() as u64);
                let why = Some((error.clone(), retry_in));
                self.status(MailChannelView::Sending, MailStateView::Waiting, why);
            }
            OutboxEvent::Trouble { error } => {
                self.sending_waits.store(true, Ordering::Relaxed);
                let why = Some((error.clone(), None));
                self.status(MailChannelView::Sending, MailStateView::Waiting, why);
            }
            OutboxEvent::Settled(ReplyOutcome::Sent { .. })
                if self.sending_waits.swap(false, Ordering::Relaxed) =>
            {
                self.status(MailChannelView::Sending, MailStateView::Connected, None);
            }
            OutboxEvent::Settled(_) | OutboxEvent::Recovered(_) => {}
        }
        // Every outbox event changes some reply's state or reason.
        self.events.tickets_changed();
    }

    /// Counted into one summary notification: never one per message.
    fn announce_backlog(&self, backlog: Backlog) {
        let Some(notifier) = &self.notifier else {
            return;
        };
        let notice = backlog_notice();
        let origin = NoticeOrigin::InitialSync;
        for _ in 0..backlog.new_tickets {
            let _ = notifier.notify_new_ticket(&notice, origin);
        }
        for _ in 0..backlog.replies {
            let _ = notifier.notify_customer_reply(&notice, origin);
        }
    }

    fn announce_new_mail(&self, filed: &IngestReport) {
        let Some(notifier) = &self.notifier else {
            return;
        };
        // The store lock is released before the D-Bus round trip.
        let notice = {
            let store = self.store.lock().unwrap_or_else(PoisonError::into_inner);
            live_notice(&store, filed)
        };
        let shown = match notice {
            Ok(Some((NoticeKind::NewTicket, notice))) => {
                notifier.notify_new_ticket(&notice, NoticeOrigin::Live)
            }
            Ok(Some((NoticeKind::CustomerReply, notice))) => {
                notifier.notify_customer_reply(&notice, NoticeOrigin::Live)
            }
            Ok(None) => return,
            Err(error) => {
                tracing::warn!(%error, "new mail could not be read back for its notification");
                return;
            }
        };
        if let Err(error) = shown {
            tracing::warn!(%error, "a new-mail notification failed");
        }
    }

    fn status(
        &self,
        channel: MailChannelView,
        state: MailStateView,
        why: Option<(String, Option<u64>)>,
    ) {
        let (message, retry_in_ms) = why.unzip();
        self.events.mail_status(MailStatusView {
            message,
            retry_in_ms: retry_in_ms.flatten(),
            ..status(&self.account, channel, state)
        });
    }
}
