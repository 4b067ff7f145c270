//! Click watches: each shown ticket notification waits, on a thread of its own, for the user to
//! click it. Waits are bounded: a server that keeps notifications in a tray (GNOME, KDE) may never
//! say it closed one, so each watch has a lifetime and only so many may run at once. A watch that
//! is stopped closes its notification, so nothing stays on screen that would do nothing on click.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

/// Called once, on a background thread, with the ticket a click opens.
pub type OpenTicket = Arc<dyn Fn(i64) + Send + Sync + 'static>;

/// Bounds on waiting for clicks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClickWatchPolicy {
    /// Watches running at once; past that the oldest notification is closed.
    pub max_watches: usize,
    /// How long a notification stays clickable; then it is closed.
    pub lifetime: Duration,
}

impl Default for ClickWatchPolicy {
    fn default() -> Self {
        Self {
            max_watches: 20,
            lifetime: Duration::from_secs(30 * 60),
        }
    }
}

#[derive(Default)]
struct StopState {
    stop_requested: bool,
    finished: bool,
    waker: Option<Waker>,
}

/// Shared between a watch and the notifier that may stop it.
#[derive(Clone, Default)]
pub(crate) struct StopSignal(Arc<Mutex<StopState>>);

impl StopSignal {
    pub(crate) fn stop(&self) {
        let mut state = self.lock();
        state.stop_requested = true;
        if let Some(waker) = state.waker.take() {
            waker.wake();
        }
    }

    /// Completes once `stop` was called.
    pub(crate) fn stopped(&self) -> impl Future<Output = ()> + '_ {
        std::future::poll_fn(|cx| {
            let mut state = self.lock();
            if state.stop_requested {
                Poll::Ready(())
            } else {
                state.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        })
    }

    fn is_finished(&self) -> bool {
        self.lock().finished
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, StopState> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Marks its watch finished when dropped: when the watch thread ends, or at once when the backend
/// never started one.
pub(crate) struct FinishedOnDrop(StopSignal);

impl Drop for FinishedOnDrop {
    fn drop(&mut self) {
        self.0.lock().finished = true;
    }
}

/// What a backend needs to watch one notification for a click.
pub(crate) struct ClickWatch {
    pub(crate) on_click: Box<dyn FnOnce() + Send + 'static>,
    pub(crate) stop: StopSignal,
    pub(crate) finished_on_drop: FinishedOnDrop,
}

impl ClickWatch {
    pub(crate) fn new(on_click: Box<dyn FnOnce() + Send + 'static>) -> Self {
        let stop = StopSignal::default();
        Self {
            on_click,
            finished_on_drop: FinishedOnDrop(stop.clone()),
            stop,
        }
    }
}

/// The running watches, oldest first.
pub(crate) struct ClickWatches {
    policy: ClickWatchPolicy,
    running: VecDeque<(Instant, StopSignal)>,
}

impl ClickWatches {
    pub(crate) fn new(policy: ClickWatchPolicy) -> Self {
        Self {
            policy,
            running: VecDeque::new(),
        }
    }

    pub(crate) fn add(&mut self, stop: StopSignal, now: Instant) {
        self.running.retain(|(_, watch)| !watch.is_finished());
        self.running.push_back((now + self.policy.lifetime, stop));
        while self.running.len() > self.policy.max_watches {
            if let Some((_, oldest)) = self.running.pop_front() {
                oldest.stop();
            }
        }
    }

    /// Stops the watches whose lifetime is over.
    pub(crate) fn expire(&mut self, now: Instant) {
        self.running.retain(|(_, watch)| !watch.is_finished());
        while let Some((expires_at, _)) = self.running.front() {
            if *expires_at > now {
                break;
            }
            if let Some((_, watch)) = self.running.pop_front() {
                watch.stop();
            }
        }
    }

    pub(crate) fn next_expiry(&self) -> Option<Instant> {
        self.running.front().map(|(expires_at, _)| *expires_at)
    }

    pub(crate) fn stop_all(&mut self) {
        for (_, watch) in self.running.drain(..) {
            watch.stop();
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.running.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stopped(signal: &StopSignal) -> bool {
        signal.lock().stop_requested
    }

    #[test]
    fn past_the_cap_the_oldest_watch_is_stopped() {
        let now = Instant::now();
        let mut watches = ClickWatches::new(ClickWatchPolicy {
            max_watches: 2,
            lifetime: Duration::from_secs(60),
        });
        let signals: Vec<StopSignal> = (0..3).map(|_| StopSignal::default()).collect();
        for signal in &signals {
            watches.add(signal.clone(), now);
        }
        assert!(stopped(&signals[0]));
        assert!(!stopped(&signals[1]) && !stopped(&signals[2]));
        assert_eq!(watches.len(), 2);
    }

    #[test]
    fn watches_expire_after_their_lifetime() {
        let now = Instant::now();
        let mut watches = ClickWatches::new(ClickWatchPolicy {
            max_watches: 10,
            lifetime: Duration::from_secs(60),
        });
        let early = StopSignal::default();
        let late = StopSignal::default();
        watches.add(early.clone(), now);
        watches.add(late.clone(), now + Duration::from_secs(30));
        assert_eq!(watches.next_expiry(), Some(now + Duration::from_secs(60)));
        watches.expire(now + Duration::from_secs(60));
        assert!(stopped(&early) && !stopped(&late));
        assert_eq!(watches.next_expiry(), Some(now + Duration::from_secs(90)));
    }

    #[test]
    fn finished_watches_free_their_place() {
        let now = Instant::now();
        let mut watches = ClickWatches::new(ClickWatchPolicy {
            max_watches: 1,
            lifetime: Duration::from_secs(60),
        });
        let watch = ClickWatch::new(Box::new(|| {}));
        let first = watch.stop.clone();
        watches.add(first.clone(), now);
        drop(watch); // the backend never started a thread for it
        let second = StopSignal::default();
        watches.add(second.clone(), now);
        assert!(!stopped(&first), "a finished watch is dropped, not stopped");
        assert_eq!(watches.len(), 1);
    }

    #[test]
    fn stop_wakes_a_waiting_watch() {
        let signal = StopSignal::default();
        let stopper = signal.clone();
        let thread = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            stopper.stop();
        });
        futures_lite::future::block_on(signal.stopped());
        thread.join().expect("stopper thread");
    }
}
