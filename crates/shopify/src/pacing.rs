//! Waiting before a request so that it never runs into THROTTLED.
//!
//! Shopify runs a query only if its requested cost is in the bucket; the bucket refills at
//! `restoreRate` points a second, and what a query did not use (requested − actual) is given
//! back after it ran. The pacer keeps a model of that bucket from the last `throttleStatus`
//! Shopify reported, refilled by the time elapsed since, minus the points reserved by
//! requests still in flight. Before a request it waits until the model holds the request's
//! requested cost — estimated from the document (`estimate`), or Shopify's own figure once an
//! answer has reported it for the same operation and estimate — then reserves it. The answer's
//! report replaces the model, so the refund shows up at once.
//!
//! Before the first answer the bucket is unknown: Shopify starts every app with a full one,
//! so the first request goes at once.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::cost::{QueryCost, ThrottleStatus};

/// Shopify reports whole points and the clocks differ a little: wait slightly longer.
const MARGIN: Duration = Duration::from_millis(20);

#[derive(Debug, Default)]
pub(crate) struct Pacer {
    state: Mutex<PacerState>,
}

#[derive(Debug, Default)]
struct PacerState {
    last_cost: Option<QueryCost>,
    bucket: Option<(ThrottleStatus, Instant)>,
    /// Shopify's requested cost per (operation, our estimate): the estimate changes with the
    /// page size, Shopify's figure for the same estimate does not.
    requested: HashMap<(&'static str, u64), f64>,
    /// Points reserved by requests sent and not yet answered.
    in_flight: f64,
}

/// Points set aside for one request until its answer arrives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Reservation {
    pub points: f64,
}

impl Pacer {
    /// The points to have before sending `operation`: Shopify's figure if known, else the
    /// estimate, else nothing (an unreadable document goes unpaced).
    fn needed(state: &PacerState, operation: &'static str, estimate: Option<u64>) -> f64 {
        estimate
            .and_then(|e| state.requested.get(&(operation, e)).copied())
            .or(estimate.map(|e| e as f64))
            .unwrap_or(0.0)
    }

    /// Reserves the request's points if the bucket model holds them now; otherwise says how
    /// long to wait before asking again.
    pub fn try_reserve(
        &self,
        operation: &'static str,
        estimate: Option<u64>,
        now: Instant,
    ) -> Result<Reservation, Duration> {
        let mut state = self.lock();
        let needed = Self::needed(&state, operation, estimate);
        let Some((status, observed_at)) = state.bucket else {
            state.in_flight += needed;
            return Ok(Reservation { points: needed });
        };
        // A request larger than the bucket can only wait for a full bucket.
        let needed_now = needed.min(status.maximum_available);
        let refilled =
            now.saturating_duration_since(observed_at).as_secs_f64() * status.restore_rate;
        let available =
            (status.currently_available + refilled).min(status.maximum_available) - state.in_flight;
        if available >= needed_now {
            state.in_flight += needed;
            return Ok(Reservation { points: needed });
        }
        if status.restore_rate <= 0.0 {
            return Err(Duration::from_secs(1));
        }
        let missing = needed_now - available;
        Err(Duration::from_secs_f64(missing / status.restore_rate) + MARGIN)
    }

    /// Records an answer's cost report and releases its reservation.
    pub fn observe(
        &self,
        operation: &'static str,
        estimate: Option<u64>,
        reservation: Reservation,
        cost: Option<&QueryCost>,
        now: Instant,
    ) {
        let mut state = self.lock();
        state.in_flight = (state.in_flight - reservation.points).max(0.0);
        let Some(cost) = cost else {
            return;
        };
        if let (Some(requested), Some(estimate)) = (cost.requested_query_cost, estimate) {
            state.requested.insert((operation, estimate), requested);
        }
        if let Some(status) = cost.throttle_status {
            state.bucket = Some((status, now));
        }
        state.last_cost = Some(cost.clone());
    }

    pub fn last_cost(&self) -> Option<QueryCost> {
        self.lock().last_cost.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PacerState> {
        // The state is plain numbers: a panic elsewhere cannot leave it inconsistent.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(requested: f64, available: f64) -> QueryCost {
        QueryCost {
            requested_query_cost: Some(requested),
            actual_query_cost: Some(requested / 2.0),
            throttle_status: Some(ThrottleStatus {
                maximum_available: 2_000.0,
                currently_available: available,
                restore_rate: 100.0,
            }),
        }
    }

    #[test]
    fn the_first_request_goes_at_once() {
        let pacer = Pacer::default();
        let reservation = pacer.try_reserve("OrdersPage", Some(938), Instant::now());
        assert_eq!(reservation, Ok(Reservation { points: 938.0 }));
    }

    #[test]
    fn waits_for_the_bucket_to_hold_the_requested_cost() {
        let pacer = Pacer::default();
        let t0 = Instant::now();
        let first = pacer.try_reserve("OrdersPage", Some(938), t0).unwrap();
        // Shopify priced it at 900 and 400 points are left after the refund.
        pacer.observe(
            "OrdersPage",
            Some(938),
            first,
            Some(&report(900.0, 400.0)),
            t0,
        );
        // 500 points missing at 100 a second.
        assert_eq!(
            pacer.try_reserve("OrdersPage", Some(938), t0),
            Err(Duration::from_secs(5) + MARGIN)
        );
        assert_eq!(
            pacer.try_reserve("OrdersPage", Some(938), t0 + Duration::from_secs(2)),
            Err(Duration::from_secs(3) + MARGIN)
        );
        assert!(pacer
            .try_reserve("OrdersPage", Some(938), t0 + Duration::from_secs(5))
            .is_ok());
        assert_eq!(pacer.last_cost(), Some(report(900.0, 400.0)));
    }

    #[test]
    fn requests_in_flight_hold_their_points() {
        let pacer = Pacer::default();
        let t0 = Instant::now();
        let first = pacer.try_reserve("Shop", Some(1), t0).unwrap();
        pacer.observe("Shop", Some(1), first, Some(&report(1.0, 1_000.0)), t0);
        let a = pacer.try_reserve("OrdersPage", Some(600), t0);
        assert!(a.is_ok());
        // 1,000 - 600 in flight = 400: a second page must wait for 200 more points.
        assert_eq!(
            pacer.try_reserve("OrdersPage", Some(600), t0),
            Err(Duration::from_secs(2) + MARGIN)
        );
        pacer.observe("OrdersPage", Some(600), a.unwrap(), None, t0);
        assert!(pacer.try_reserve("OrdersPage", Some(600), t0).is_ok());
    }

    #[test]
    fn a_request_larger_than_the_bucket_waits_for_a_full_bucket() {
        let pacer = Pacer::default();
        let t0 = Instant::now();
        let first = pacer.try_reserve("Big", Some(5_000), t0).unwrap();
        pacer.observe(
            "Big",
            Some(5_000),
            first,
            Some(&report(5_000.0, 1_500.0)),
            t0,
        );
        assert_eq!(
            pacer.try_reserve("Big", Some(5_000), t0),
            Err(Duration::from_secs(5) + MARGIN)
        );
    }
}
