//! The notifier: burst policy, one background thread for summaries and click-watch lifetimes,
//! and the "unavailable is not an error" rule.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Instant;

use crate::backend::NotificationBackend;
use crate::burst::{Admission, BurstLimiter, BurstPolicy, SummaryCounts};
use crate::click::{ClickWatch, ClickWatchPolicy, ClickWatches, OpenTicket};
use crate::content;
use crate::error::{NotifyError, ShowError, Unavailable};
use crate::notice::{NoticeKind, NoticeOrigin, TicketNotice};

/// Everything a notifier can be tuned with; the defaults suit the desktop app.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NotifierConfig {
    pub burst: BurstPolicy,
    pub clicks: ClickWatchPolicy,
}

/// What became of one notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeOutcome {
    /// Shown on its own; the id is the notification server's.
    Shown { notification_id: u32 },
    /// Counted into a summary that shows once the burst is over.
    HeldForSummary,
    /// This machine shows no notifications right now (logged once, at warn).
    Unavailable(Unavailable),
}

/// Turns mail events into desktop notifications. Cheap to call from the sync loop, but a call
/// that shows a notification waits for the D-Bus round trip: call it from a thread that may block
/// (`spawn_blocking` under Tokio), not from an async task.
pub struct Notifier {
    shared: Arc<Shared>,
}

struct Shared {
    backend: Box<dyn NotificationBackend>,
    on_open: OpenTicket,
    state: Mutex<State>,
    /// Wakes the scheduler thread when a summary or a watch expiry may have moved.
    wake: Condvar,
    unavailable_logged: AtomicBool,
}

struct State {
    limiter: BurstLimiter,
    watches: ClickWatches,
    shutting_down: bool,
}

impl Notifier {
    /// A notifier on the desktop's notification service. `on_open(ticket_id)` runs on a
    /// background thread when the user clicks a ticket's notification.
    pub fn new(
        config: NotifierConfig,
        on_open: impl Fn(i64) + Send + Sync + 'static,
    ) -> Result<Self, NotifyError> {
        Self::with_backend(
            config,
            Box::new(crate::platform::DesktopBackend::default()),
            Arc::new(on_open),
        )
    }

    pub(crate) fn with_backend(
        config: NotifierConfig,
        backend: Box<dyn NotificationBackend>,
        on_open: OpenTicket,
    ) -> Result<Self, NotifyError> {
        let shared = Arc::new(Shared {
            backend,
            on_open,
            state: Mutex::new(State {
                limiter: BurstLimiter::new(config.burst),
                watches: ClickWatches::new(config.clicks),
                shutting_down: false,
            }),
            wake: Condvar::new(),
            unavailable_logged: AtomicBool::new(false),
        });
        let for_scheduler = Arc::clone(&shared);
        thread::Builder::new()
            .name("notify-scheduler".to_owned())
            .spawn(move || for_scheduler.run_scheduler())
            .map_err(NotifyError::Thread)?;
        Ok(Self { shared })
    }

    /// "New ticket from Zoë Martin", or a share of a summary during a burst or an initial sync.
    pub fn notify_new_ticket(
        &self,
        notice: &TicketNotice,
        origin: NoticeOrigin,
    ) -> Result<NoticeOutcome, NotifyError> {
        self.notify(NoticeKind::NewTicket, notice, origin)
    }

    /// "Zoë Martin replied", or a share of a summary during a burst or an initial sync.
    pub fn notify_customer_reply(
        &self,
        notice: &TicketNotice,
        origin: NoticeOrigin,
    ) -> Result<NoticeOutcome, NotifyError> {
        self.notify(NoticeKind::CustomerReply, notice, origin)
    }

    fn notify(
        &self,
        kind: NoticeKind,
        notice: &TicketNotice,
        origin: NoticeOrigin,
    ) -> Result<NoticeOutcome, NotifyError> {
        let shared = &self.shared;
        let admission = shared
            .lock_state()
            .limiter
            .admit(kind, origin, Instant::now());
        if admission == Admission::HoldForSummary {
            shared.wake.notify_all();
            return Ok(NoticeOutcome::HeldForSummary);
        }

        let ticket_id = notice.ticket_id;
        let on_open = Arc::clone(&shared.on_open);
        let watch = ClickWatch::new(Box::new(move || on_open(ticket_id)));
        let stop = watch.stop.clone();
        match shared
            .backend
            .show(&content::for_notice(kind, notice), Some(watch))
        {
            Ok(notification_id) => {
                shared.mark_available();
                shared.lock_state().watches.add(stop, Instant::now());
                shared.wake.notify_all();
                Ok(NoticeOutcome::Shown { notification_id })
            }
            Err(ShowError::Unavailable(reason)) => {
                shared.report_unavailable(reason, Some(ticket_id));
                Ok(NoticeOutcome::Unavailable(reason))
            }
            Err(ShowError::Failed { error_name }) => {
                tracing::warn!(ticket_id, %error_name, "desktop notification failed");
                Err(NotifyError::ServerFailed { error_name })
            }
        }
    }
}

impl Drop for Notifier {
    fn drop(&mut self) {
        let mut state = self.shared.lock_state();
        state.shutting_down = true;
        state.watches.stop_all();
        drop(state);
        self.shared.wake.notify_all();
    }
}

impl Shared {
    /// Shows summaries when they are due and ends click watches whose time is up.
    fn run_scheduler(&self) {
        let mut state = self.lock_state();
        while !state.shutting_down {
            let now = Instant::now();
            state.watches.expire(now);
            if let Some(counts) = state.limiter.take_due_summary(now) {
                drop(state);
                self.show_summary(&counts);
                state = self.lock_state();
                continue;
            }
            let next = [state.limiter.summary_due_at(), state.watches.next_expiry()]
                .into_iter()
                .flatten()
                .min();
            state = match next {
                Some(at) => {
                    let timeout = at.saturating_duration_since(now);
                    let waited = self.wake.wait_timeout(state, timeout);
                    waited.unwrap_or_else(PoisonError::into_inner).0
                }
                None => self
                    .wake
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner),
            };
        }
    }

    fn show_summary(&self, counts: &SummaryCounts) {
        match self.backend.show(&content::for_summary(counts), None) {
            Ok(_) => self.mark_available(),
            Err(ShowError::Unavailable(reason)) => self.report_unavailable(reason, None),
            Err(ShowError::Failed { error_name }) => {
                tracing::warn!(%error_name, "summary notification failed");
            }
        }
    }

    /// Logs only the first of a run of "unavailable" results: sync calls this for every mail.
    fn report_unavailable(&self, reason: Unavailable, ticket_id: Option<i64>) {
        if !self.unavailable_logged.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                ?ticket_id,
                %reason,
                "desktop notifications are unavailable; mail sync goes on without them"
            );
        }
    }

    fn mark_available(&self) {
        if self.unavailable_logged.swap(false, Ordering::Relaxed) {
            tracing::info!("desktop notifications are available again");
        }
    }

    fn lock_state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests;
