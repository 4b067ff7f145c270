//! The mail channel wired into the app: the support mailbox's first sync (INBOX and Sent), then
//! IDLE for new mail, each new ticket or customer reply a desktop notification whose click opens
//! the ticket, and the outbox worker that sends replies. The shell hears about all of it through
//! [`AppEvents`].
//!
//! Connect and shutdown take turns (`MailSlot::turn`), so at most one watcher and one outbox
//! worker run on the store: the outbox's exactly-once reasoning needs a single worker.

mod dispatch;
mod events;
mod notices;
mod runtime;

use std::ops::ControlFlow;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use shopdesk_mailbox::{
    sync_mailbox, MailAccount, MailboxError, MailboxSyncReport, OutboxHandle, OutboxOptions,
    SyncProgress, WatchOptions,
};
use shopdesk_notify::NotifierConfig;
use tokio::sync::watch;

use crate::views::{MailChannelView, MailProgressView, MailStateView, MailStatusView};
use crate::{App, AppError};
use dispatch::Backlog;
pub use events::{AppEvents, NoEvents};
use runtime::MailRuntime;

/// Tuning of the mail channel; the defaults suit the desktop app, tests shorten the waits.
#[derive(Debug, Clone, Default)]
pub struct MailOptions {
    pub watch: WatchOptions,
    pub outbox: OutboxOptions,
    pub notifier: NotifierConfig,
}

/// The app's mail channel: the running parts, and the turn connect and shutdown take.
#[derive(Default)]
pub(crate) struct MailSlot {
    turn: tokio::sync::Mutex<()>,
    state: Mutex<SlotState>,
}

#[derive(Default)]
struct SlotState {
    runtime: Option<MailRuntime>,
    /// Raised to stop the first sync of a connect in progress (shutdown, or a newer connect).
    connecting: Option<watch::Sender<bool>>,
}

impl MailSlot {
    fn state(&self) -> MutexGuard<'_, SlotState> {
        // The state is two Options: whatever a panic interrupted, they are still valid.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn cancel_connecting(&self) {
        if let Some(cancel) = self.state().connecting.take() {
            cancel.send_replace(true);
        }
    }

    /// Runs `f` with the connected account and its outbox; `None` when no mailbox is connected.
    pub(crate) fn with_runtime<T>(
        &self,
        f: impl FnOnce(&MailAccount, &OutboxHandle) -> T,
    ) -> Option<T> {
        let state = self.state();
        state.runtime.as_ref().map(|r| f(&r.account, &r.outbox))
    }
}

impl App {
    /// Connects the support mailbox with the default options: see [`App::connect_mailbox_with`].
    pub async fn connect_mailbox(
        &self,
        account: MailAccount,
        events: Arc<dyn AppEvents>,
    ) -> Result<MailboxSyncReport, AppError> {
        self.connect_mailbox_with(account, events, MailOptions::default())
            .await
    }

    /// Syncs INBOX and Sent (progress to `events.mail_progress`; what was new is at most one
    /// summary notification), then watches INBOX with IDLE (each new ticket or customer reply a
    /// notification) and runs the outbox worker. A mailbox connected before is stopped first.
    ///
    /// When the server can't be reached the error is [`AppError::MailOffline`], but the watcher
    /// and the outbox run anyway: they connect once the server answers, and replies queue
    /// meanwhile. Any other error (a refused password, bad settings) leaves nothing running.
    pub async fn connect_mailbox_with(
        &self,
        account: MailAccount,
        events: Arc<dyn AppEvents>,
        options: MailOptions,
    ) -> Result<MailboxSyncReport, AppError> {
        account.validate()?;
        account.imap.validate()?;
        // Registered before waiting for the turn: a connect still syncing is superseded by this
        // one, and a shutdown from now on stops this one.
        let (cancel, cancelled) = watch::channel(false);
        if let Some(previous) = self.mail.state().connecting.replace(cancel) {
            previous.send_replace(true);
        }
        let _turn = self.mail.turn.lock().await;
        self.stop_mail_runtime().await;

        let name = account.name().to_string();
        events.mail_status(status(
            &name,
            MailChannelView::Receiving,
            MailStateView::Syncing,
        ));
        let synced = self.first_sync(&account, &events, cancelled.clone()).await;
        // Whoever stops a connect raises its flag first, then takes or replaces it.
        if *cancelled.borrow() {
            let stopped = status(&name, MailChannelView::Receiving, MailStateView::Stopped);
            events.mail_status(stopped);
            return Err(AppError::MailStopped);
        }
        self.mail.state().connecting = None;
        let backlog = match &synced {
            Ok(report) => Some(Backlog::of(&report.inbox)),
            Err(error) if error.is_retryable() => {
                let waiting = status(&name, MailChannelView::Receiving, MailStateView::Waiting);
                events.mail_status(with_message(waiting, error.to_string()));
                None
            }
            Err(error) => {
                let failed = status(&name, MailChannelView::Receiving, MailStateView::Failed);
                events.mail_status(with_message(failed, error.to_string()));
                return synced.map_err(AppError::from);
            }
        };
        let runtime =
            MailRuntime::start(account, Arc::clone(&self.store), events, options, backlog)?;
        self.mail.state().runtime = Some(runtime);
        synced.map_err(|error| AppError::MailOffline(Box::new(error)))
    }

    /// Whether a mailbox is connected (its watcher and outbox run, online or not).
    pub fn mailbox_connected(&self) -> bool {
        self.mail.state().runtime.is_some()
    }

    /// Stops the mail channel: a first sync in progress, the watcher, the outbox worker (a reply
    /// being sent is finished first) and the notifications. Waits at most a few seconds per part;
    /// a reply cut off after that is settled by the outbox's recovery at the next start.
    pub async fn shutdown(&self) {
        self.mail.cancel_connecting();
        let _turn = self.mail.turn.lock().await;
        self.stop_mail_runtime().await;
    }

    /// Call with the turn held.
    async fn stop_mail_runtime(&self) {
        let runtime = self.mail.state().runtime.take();
        if let Some(runtime) = runtime {
            runtime.stop().await;
        }
    }

    async fn first_sync(
        &self,
        account: &MailAccount,
        events: &Arc<dyn AppEvents>,
        mut cancelled: watch::Receiver<bool>,
    ) -> Result<MailboxSyncReport, MailboxError> {
        let name = account.name();
        let on_batch = |progress: &SyncProgress| {
            events.mail_progress(MailProgressView {
                account: name.to_string(),
                folder: progress.folder.clone(),
                fetched: progress.fetched,
                total: progress.total,
            });
            // Each batch is saved before this runs: the inbox can show it already.
            events.tickets_changed();
            ControlFlow::Continue(())
        };
        // Dropping the sync mid-way is safe: it checkpoints after each batch and resumes there.
        tokio::select! {
            synced = sync_mailbox(&account.imap, &self.store, on_batch) => synced,
            _ = cancelled.wait_for(|stop| *stop) => Err(MailboxError::Cancelled {
                account: name.to_string(),
                folder: account.imap.inbox_folder.clone(),
            }),
        }
    }
}

pub(crate) fn status(
    account: &str,
    channel: MailChannelView,
    state: MailStateView,
) -> MailStatusView {
    MailStatusView {
        account: account.to_string(),
        channel,
        state,
        message: None,
        retry_in_ms: None,
    }
}

fn with_message(status: MailStatusView, message: String) -> MailStatusView {
    MailStatusView {
        message: Some(message),
        ..status
    }
}
