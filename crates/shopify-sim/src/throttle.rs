//! Shopify's leaky bucket: a query may run only if its requested cost is available; the bucket
//! refills at a constant rate; unused cost is given back after execution.

use std::time::Instant;

use serde::Serialize;

/// Bucket size and refill rate seen on Standard plans in 2025-26 (API-NOTES §4).
pub const DEFAULT_MAXIMUM_AVAILABLE: f64 = 2000.0;
pub const DEFAULT_RESTORE_RATE: f64 = 100.0;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ThrottleStatus {
    pub maximum_available: f64,
    pub currently_available: u64,
    pub restore_rate: f64,
}

#[derive(Debug)]
pub struct LeakyBucket {
    maximum: f64,
    restore_rate: f64,
    available: f64,
    updated: Instant,
    /// Set by [`LeakyBucket::drain`]: the next query is refused even if the bucket refilled
    /// its cost in the meantime.
    refuse_next: bool,
}

impl LeakyBucket {
    pub fn new(maximum: f64, restore_rate: f64) -> Self {
        LeakyBucket {
            maximum,
            restore_rate,
            available: maximum,
            updated: Instant::now(),
            refuse_next: false,
        }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.available = (self.available + elapsed * self.restore_rate).min(self.maximum);
        self.updated = now;
    }

    /// Takes `cost` if available; otherwise takes nothing and returns the status as an error.
    pub fn try_take(&mut self, cost: u64, now: Instant) -> Result<ThrottleStatus, ThrottleStatus> {
        self.refill(now);
        if std::mem::take(&mut self.refuse_next) || (cost as f64) > self.available {
            return Err(self.status());
        }
        self.available -= cost as f64;
        Ok(self.status())
    }

    /// Gives back what was charged but not used.
    pub fn refund(&mut self, amount: u64, now: Instant) -> ThrottleStatus {
        self.refill(now);
        self.available = (self.available + amount as f64).min(self.maximum);
        self.status()
    }

    /// Empties the bucket (fault injection): the next query is THROTTLED, and later ones
    /// wait for the refill.
    pub fn drain(&mut self, now: Instant) {
        self.refill(now);
        self.available = 0.0;
        self.refuse_next = true;
    }

    pub fn status(&self) -> ThrottleStatus {
        ThrottleStatus {
            maximum_available: self.maximum,
            currently_available: self.available.max(0.0).floor() as u64,
            restore_rate: self.restore_rate,
        }
    }
}

impl Default for LeakyBucket {
    fn default() -> Self {
        LeakyBucket::new(DEFAULT_MAXIMUM_AVAILABLE, DEFAULT_RESTORE_RATE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn takes_refills_and_refunds() {
        let start = Instant::now();
        let mut bucket = LeakyBucket::new(100.0, 10.0);
        bucket.updated = start;
        assert_eq!(bucket.try_take(80, start).unwrap().currently_available, 20);
        assert_eq!(
            bucket.try_take(30, start).unwrap_err().currently_available,
            20
        );
        let later = start + Duration::from_secs(1);
        assert_eq!(bucket.try_take(30, later).unwrap().currently_available, 0);
        assert_eq!(bucket.refund(25, later).currently_available, 25);
        let much_later = later + Duration::from_secs(60);
        assert_eq!(bucket.refund(0, much_later).currently_available, 100);
    }
}
