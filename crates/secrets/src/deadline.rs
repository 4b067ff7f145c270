//! Runs a blocking call on its own thread and waits for it at most until a deadline.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

pub(crate) enum Outcome<T> {
    Done(T),
    /// The deadline passed; the call goes on in the background and is counted as stuck.
    TimedOut,
    /// The thread could not be started, or the call panicked.
    Failed(String),
}

struct Slot<T> {
    result: Option<T>,
    panicked: bool,
    abandoned: bool,
}

/// Calls `work` on a new thread and waits up to `timeout`. `stuck` counts calls that passed
/// their deadline and have not returned yet; it goes down when they finally do.
pub(crate) fn run<T: Send + 'static>(
    timeout: Duration,
    stuck: &Arc<AtomicUsize>,
    work: impl FnOnce() -> T + Send + 'static,
) -> Outcome<T> {
    let shared = Arc::new((
        Mutex::new(Slot {
            result: None,
            panicked: false,
            abandoned: false,
        }),
        Condvar::new(),
    ));
    let thread_shared = shared.clone();
    let thread_stuck = stuck.clone();
    let spawned = std::thread::Builder::new()
        .name("shopdesk-keychain".into())
        .spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
            let (lock, ready) = &*thread_shared;
            let mut slot = lock.lock().unwrap_or_else(PoisonError::into_inner);
            if slot.abandoned {
                thread_stuck.fetch_sub(1, Ordering::SeqCst);
                return;
            }
            match result {
                Ok(value) => slot.result = Some(value),
                Err(_) => slot.panicked = true,
            }
            ready.notify_one();
        });
    if let Err(error) = spawned {
        return Outcome::Failed(format!("could not start a thread: {error}"));
    }
    let (lock, ready) = &*shared;
    let slot = lock.lock().unwrap_or_else(PoisonError::into_inner);
    let (mut slot, _) = ready
        .wait_timeout_while(slot, timeout, |slot| {
            slot.result.is_none() && !slot.panicked
        })
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(value) = slot.result.take() {
        return Outcome::Done(value);
    }
    if slot.panicked {
        return Outcome::Failed("the keychain call panicked".into());
    }
    // Under the lock: the thread sees `abandoned` and uncounts itself when it ends.
    slot.abandoned = true;
    stuck.fetch_add(1, Ordering::SeqCst);
    Outcome::TimedOut
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn a_quick_call_returns_its_value() {
        let stuck = Arc::new(AtomicUsize::new(0));
        assert!(matches!(
            run(Duration::from_secs(5), &stuck, || 7),
            Outcome::Done(7)
        ));
    }

    #[test]
    fn a_slow_call_times_out_and_is_uncounted_when_it_ends() {
        let stuck = Arc::new(AtomicUsize::new(0));
        let started = Instant::now();
        let outcome = run(Duration::from_millis(50), &stuck, || {
            std::thread::sleep(Duration::from_millis(300));
        });
        assert!(matches!(outcome, Outcome::TimedOut));
        assert!(started.elapsed() < Duration::from_millis(250));
        assert_eq!(stuck.load(Ordering::SeqCst), 1);
        let deadline = Instant::now() + Duration::from_secs(5);
        while stuck.load(Ordering::SeqCst) != 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(stuck.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn a_panicking_call_is_a_failure() {
        let stuck = Arc::new(AtomicUsize::new(0));
        let outcome: Outcome<()> = run(Duration::from_secs(5), &stuck, || panic!("boom"));
        assert!(matches!(outcome, Outcome::Failed(_)));
    }
}
