//! Watching INBOX: IDLE until the server says something changed, then fetch and file the new
//! mail; reconnect with backoff when the connection drops.

use std::convert::Infallible;
use std::ops::ControlFlow;
use std::time::Duration;

use async_imap::extensions::idle::IdleResponse;
use async_imap::types::UnsolicitedResponse;
use shopdesk_mail::IngestReport;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::connect::{self, within, Connection};
use crate::sync::{sync_open_folder, FolderSyncReport, SyncProgress};
use crate::{Backoff, MailboxConfig, MailboxError, SharedStore};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchOptions {
    /// IDLE is renewed this often, which also finds a connection that died silently.
    pub idle_refresh: Duration,
    /// How often to look for new mail on a server without IDLE.
    pub poll_interval: Duration,
    pub backoff: Backoff,
    /// More new mails than this at one wake are announced as one [`WatchEvent::Synced`].
    pub max_events_per_wake: usize,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            idle_refresh: Duration::from_secs(5 * 60),
            poll_interval: Duration::from_secs(60),
            backoff: Backoff::default(),
            max_events_per_wake: 10,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum WatchEvent {
    /// Mail was filed in bulk: the catch-up after each (re)connect, or a burst larger than
    /// [`WatchOptions::max_events_per_wake`]. Counts only, so a backlog is not a notification
    /// storm.
    Synced(FolderSyncReport),
    /// One new mail arrived while watching and was filed.
    NewMail(IngestReport),
    /// The connection failed; the watcher tries again after `retry_in`.
    Reconnecting {
        attempt: u32,
        retry_in: Duration,
        error: String,
    },
    /// The watcher stopped by itself on an error that retrying cannot fix (a refused password,
    /// say); [`WatchHandle::stop`] returns that error.
    Ended { error: String },
}

/// Stops the watcher when told to or when dropped.
pub struct WatchHandle {
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<Result<(), MailboxError>>>,
}

impl WatchHandle {
    /// Stops watching and waits for the watcher to end, which does not wait on the server.
    /// Returns the error that had already ended it, if one did.
    pub async fn stop(mut self) -> Result<(), MailboxError> {
        self.stop.send_replace(true);
        let Some(task) = self.task.take() else {
            return Ok(());
        };
        match task.await {
            Ok(result) => result,
            Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
            Err(_) => Ok(()),
        }
    }

    /// Whether the watcher has ended (after `stop`, or by itself on a fatal error).
    pub fn is_finished(&self) -> bool {
        self.task.as_ref().is_none_or(|task| task.is_finished())
    }
}

impl Drop for WatchHandle {
    fn drop(&mut self) {
        self.stop.send_replace(true);
    }
}

/// Watches the INBOX in a background task (call it inside a Tokio runtime). On each connect it
/// first catches up and reports counts ([`WatchEvent::Synced`]); then each mail arriving while
/// it idles is reported as [`WatchEvent::NewMail`]. Mail already stored is never reported.
pub fn watch_inbox(
    config: MailboxConfig,
    store: SharedStore,
    options: WatchOptions,
    on_event: impl FnMut(WatchEvent) + Send + 'static,
) -> Result<WatchHandle, MailboxError> {
    config.validate()?;
    let (stop, stop_rx) = watch::channel(false);
    let task = tokio::spawn(run(config, store, options, Box::new(on_event), stop_rx));
    Ok(WatchHandle {
        stop,
        task: Some(task),
    })
}

type OnEvent = Box<dyn FnMut(WatchEvent) + Send>;

async fn run(
    config: MailboxConfig,
    store: SharedStore,
    options: WatchOptions,
    mut on_event: OnEvent,
    mut stop_rx: watch::Receiver<bool>,
) -> Result<(), MailboxError> {
    let mut failures = 0u32;
    loop {
        let session = watch_session(&config, &store, &options, &mut on_event, &mut failures);
        let error = tokio::select! {
            outcome = session => match outcome {
                Err(error) => error,
            },
            () = stop_requested(&mut stop_rx) => return Ok(()),
        };
        if !error.is_retryable() {
            tracing::warn!(account = %config.account, %error, "watching stopped");
            on_event(WatchEvent::Ended {
                error: error.to_string(),
            });
            return Err(error);
        }
        failures = failures.saturating_add(1);
        let retry_in = options.backoff.delay(failures);
        tracing::info!(account = %config.account, %error, ?retry_in, "reconnecting");
        on_event(WatchEvent::Reconnecting {
            attempt: failures,
            retry_in,
            error: error.to_string(),
        });
        tokio::select! {
            () = tokio::time::sleep(retry_in) => {}
            () = stop_requested(&mut stop_rx) => return Ok(()),
        }
    }
}

/// A dropped handle counts as a stop request.
async fn stop_requested(stop_rx: &mut watch::Receiver<bool>) {
    let _ = stop_rx.wait_for(|stop| *stop).await;
}

/// One connection's life: catch up, then idle and fetch until something fails.
async fn watch_session(
    config: &MailboxConfig,
    store: &SharedStore,
    options: &WatchOptions,
    on_event: &mut OnEvent,
    failures: &mut u32,
) -> Result<Infallible, MailboxError> {
    let inbox = config.inbox_folder.as_str();
    let mut connection = connect::open(config).await?;
    let caught_up = sync_open_folder(
        &mut connection,
        config,
        store,
        inbox,
        &mut keep_going,
        &mut |_| {},
    )
    .await?;
    on_event(WatchEvent::Synced(caught_up));
    loop {
        connection = wait_for_change(connection, config, options).await?;
        // Reset only once the connection has lasted a full wait: a server that drops every
        // session right after login still gets ever longer pauses between attempts.
        *failures = 0;
        let mut new_mail = Vec::new();
        let mut collect = |filed: &IngestReport| {
            if !filed.duplicate {
                new_mail.push(filed.clone());
            }
        };
        let report = sync_open_folder(
            &mut connection,
            config,
            store,
            inbox,
            &mut keep_going,
            &mut collect,
        )
        .await?;
        announce(report, new_mail, options, on_event);
    }
}

fn announce(
    report: FolderSyncReport,
    new_mail: Vec<IngestReport>,
    options: &WatchOptions,
    on_event: &mut OnEvent,
) {
    if new_mail.len() > options.max_events_per_wake {
        on_event(WatchEvent::Synced(report));
    } else {
        new_mail
            .into_iter()
            .for_each(|filed| on_event(WatchEvent::NewMail(filed)));
    }
}

/// Returns once the selected folder may have changed: IDLE woke up or was renewed, or (without
/// IDLE) the poll interval passed.
async fn wait_for_change(
    mut connection: Connection,
    config: &MailboxConfig,
    options: &WatchOptions,
) -> Result<Connection, MailboxError> {
    if !connection.idle {
        tokio::time::sleep(options.poll_interval).await;
        return Ok(connection);
    }
    // The server may have announced new mail during the last command's answer, or just as
    // IDLE starts: async-imap parks those announcements here rather than waking IDLE.
    let announcements = connection.session.unsolicited_responses.clone();
    // Drains the parked announcements; true when one says the folder grew.
    let mail_was_announced = || {
        let mut grew = false;
        while let Ok(response) = announcements.try_recv() {
            grew |= matches!(
                response,
                UnsolicitedResponse::Exists(_) | UnsolicitedResponse::Recent(_)
            );
        }
        grew
    };
    if mail_was_announced() {
        return Ok(connection);
    }
    let mut idle = connection.session.idle();
    within(config, "starting IDLE", idle.init()).await?;
    if !mail_was_announced() {
        let (wait, _interrupt) = idle.wait_with_timeout(options.idle_refresh);
        let woke = wait
            .await
            .map_err(|e| connect::protocol_error(config, "waiting for new mail", e))?;
        if matches!(woke, IdleResponse::ManualInterrupt) {
            // Nobody interrupts this IDLE: the stream ended, so the server hung up.
            return Err(connect::protocol_error(
                config,
                "waiting for new mail",
                async_imap::error::Error::ConnectionLost,
            ));
        }
    }
    connection.session = within(config, "ending IDLE", idle.done()).await?;
    Ok(connection)
}

fn keep_going(_: &SyncProgress) -> ControlFlow<()> {
    ControlFlow::Continue(())
}
