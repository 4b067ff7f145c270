//! How long to wait before reconnecting.

use std::time::Duration;

use rand::Rng;

/// Exponential backoff with jitter: doubling from `initial` up to `max`, each wait drawn from
/// the upper half of its step so that many clients cut off together don't return together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub initial: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(5 * 60),
        }
    }
}

impl Backoff {
    /// The wait before reconnect attempt `attempt` (1 for the first).
    pub fn delay(&self, attempt: u32) -> Duration {
        let ceiling = self.ceiling(attempt);
        let ceiling_ms = ceiling.as_millis().min(u64::MAX as u128) as u64;
        let jittered = rand::rng().random_range(ceiling_ms / 2..=ceiling_ms);
        Duration::from_millis(jittered)
    }

    /// The longest wait for `attempt`: `initial * 2^(attempt - 1)`, at most `max`.
    fn ceiling(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(31);
        self.initial
            .checked_mul(1u32 << doublings)
            .unwrap_or(self.max)
            .min(self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_then_stay_at_the_cap() {
        let backoff = Backoff::default();
        assert_eq!(backoff.ceiling(1), Duration::from_secs(1));
        assert_eq!(backoff.ceiling(2), Duration::from_secs(2));
        assert_eq!(backoff.ceiling(5), Duration::from_secs(16));
        assert_eq!(backoff.ceiling(9), Duration::from_secs(256));
        assert_eq!(backoff.ceiling(10), Duration::from_secs(300));
        assert_eq!(backoff.ceiling(u32::MAX), Duration::from_secs(300));
    }

    #[test]
    fn jitter_stays_in_the_upper_half_of_each_step() {
        let backoff = Backoff::default();
        for attempt in 1..40 {
            let ceiling = backoff.ceiling(attempt);
            for _ in 0..20 {
                let delay = backoff.delay(attempt);
                assert!(
                    delay <= ceiling && delay >= ceiling / 2,
                    "{attempt}: {delay:?}"
                );
            }
        }
    }
}
