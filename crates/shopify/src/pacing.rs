//! Waiting before a request so that it does not run into THROTTLED.
//!
//! Shopify runs a query only if its requested cost is in the bucket. Every answer reports the
//! bucket (`throttleStatus`) and the query's requested cost; the pacer remembers both (the
//! cost per operation, since the same document at the same page size costs the same) and,
//! before the next request of that operation, waits for the bucket to refill enough. A
//! THROTTLED answer (the query did not run, so it is safe to send again) is retried after the
//! wait the answer implies.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::cost::{QueryCost, ThrottleStatus};

/// How often one request is sent again after THROTTLED or 429 before the error is returned.
pub(crate) const MAX_RATE_LIMIT_RETRIES: u32 = 5;
/// Shopify reports whole points; waiting a little longer avoids a retry that is just short.
const MARGIN: Duration = Duration::from_millis(20);
/// When a rate-limit answer says nothing about how long to wait.
pub(crate) const DEFAULT_RETRY_WAIT: Duration = Duration::from_secs(1);

#[derive(Debug, Default)]
pub(crate) struct Pacer {
    state: Mutex<PacerState>,
}

#[derive(Debug, Default)]
struct PacerState {
    last_cost: Option<QueryCost>,
    bucket: Option<(ThrottleStatus, Instant)>,
    requested: HashMap<&'static str, f64>,
}

impl Pacer {
    /// How long to wait before sending `operation`, from what earlier answers reported.
    pub fn delay_before(&self, operation: &'static str, now: Instant) -> Duration {
        let state = self.lock();
        let (Some((status, observed_at)), Some(&cost)) =
            (state.bucket, state.requested.get(operation))
        else {
            return Duration::ZERO;
        };
        let refilled =
            now.saturating_duration_since(observed_at).as_secs_f64() * status.restore_rate;
        let available_now = ThrottleStatus {
            currently_available: (status.currently_available + refilled)
                .min(status.maximum_available),
            ..status
        };
        match available_now.wait_for(cost) {
            Duration::ZERO => Duration::ZERO,
            wait => wait + MARGIN,
        }
    }

    /// Records an answer's cost report.
    pub fn observe(&self, operation: &'static str, cost: &QueryCost, now: Instant) {
        let mut state = self.lock();
        if let Some(requested) = cost.requested_query_cost {
            state.requested.insert(operation, requested);
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

/// The wait before sending a request again after THROTTLED (from the bucket it reported).
pub(crate) fn throttled_wait(cost: Option<&QueryCost>) -> Duration {
    cost.and_then(QueryCost::wait_before_retry)
        .map_or(DEFAULT_RETRY_WAIT, |wait| wait + MARGIN)
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
    fn an_unknown_operation_goes_at_once() {
        let pacer = Pacer::default();
        assert_eq!(
            pacer.delay_before("OrdersPage", Instant::now()),
            Duration::ZERO
        );
        pacer.observe("Shop", &report(1.0, 100.0), Instant::now());
        assert_eq!(
            pacer.delay_before("OrdersPage", Instant::now()),
            Duration::ZERO
        );
    }

    #[test]
    fn waits_for_the_bucket_to_hold_the_requested_cost() {
        let pacer = Pacer::default();
        let t0 = Instant::now();
        pacer.observe("OrdersPage", &report(900.0, 400.0), t0);
        // 500 points missing at 100 a second.
        assert_eq!(
            pacer.delay_before("OrdersPage", t0),
            Duration::from_secs(5) + MARGIN
        );
        // Two seconds later the bucket has refilled 200 of them.
        assert_eq!(
            pacer.delay_before("OrdersPage", t0 + Duration::from_secs(2)),
            Duration::from_secs(3) + MARGIN
        );
        assert_eq!(
            pacer.delay_before("OrdersPage", t0 + Duration::from_secs(6)),
            Duration::ZERO
        );
        assert_eq!(pacer.last_cost(), Some(report(900.0, 400.0)));
    }

    #[test]
    fn throttled_answers_say_how_long_to_wait() {
        assert_eq!(
            throttled_wait(Some(&report(900.0, 800.0))),
            Duration::from_secs(1) + MARGIN
        );
        assert_eq!(throttled_wait(None), DEFAULT_RETRY_WAIT);
    }
}
