//! When and how long to wait before sending a request again.
//!
//! Queries are read-only, so any failure that may pass (THROTTLED, 429, 5xx, no connection, a
//! dropped or cut-short answer) is retried after a backoff with full jitter, within
//! [`RetryPolicy::max_retries`]. A mutation is sent again only when Shopify said it did not
//! run it (THROTTLED, 429): after a 5xx or a lost answer it may have been applied, and only
//! the caller (with its idempotency key or a check) can decide.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use crate::estimate::OperationKind;
use crate::ShopifyError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The first backoff; it doubles with each retry.
    pub base_delay: Duration,
    /// The longest backoff (and the longest `Retry-After` honoured).
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// Short: a longer outage is the scheduler's to wait out (it runs the pass again later).
    fn default() -> Self {
        RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// Never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// The wait before retry number `retry` (1-based), full jitter: uniform in
    /// [0, min(max, base × 2^(retry-1))].
    pub fn backoff(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(16);
        let ceiling = self
            .base_delay
            .saturating_mul(1 << exponent)
            .min(self.max_delay);
        ceiling.mul_f64(random_fraction())
    }
}

/// Whether `error` is worth sending the request again for.
pub(crate) fn is_retryable(error: &ShopifyError, kind: OperationKind) -> bool {
    let not_run = matches!(
        error,
        ShopifyError::Throttled { .. } | ShopifyError::Http { status: 429, .. }
    );
    if kind != OperationKind::Query {
        return not_run;
    }
    not_run
        || matches!(
            error,
            ShopifyError::Http {
                status: 500..=599,
                ..
            } | ShopifyError::Transport { .. }
                | ShopifyError::Decode { .. }
        )
}

/// The wait `error` itself asks for, beyond the pacer's (a `Retry-After`), with a little
/// jitter so that clients told the same do not come back together.
pub(crate) fn asked_wait(error: &ShopifyError, policy: &RetryPolicy) -> Option<Duration> {
    match error {
        ShopifyError::Http {
            retry_after: Some(wait),
            ..
        } => {
            let wait = (*wait).min(policy.max_delay);
            Some(wait + wait.mul_f64(0.1 * random_fraction()))
        }
        _ => None,
    }
}

/// A number in [0, 1) from the process's random hasher keys: enough for jitter, no crate.
fn random_fraction() -> f64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(0x5eed);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter() {
        let policy = RetryPolicy {
            max_retries: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(500),
        };
        for retry in 1..=10 {
            let ceiling = Duration::from_millis(100 * (1 << (retry - 1))).min(policy.max_delay);
            assert!(policy.backoff(retry) <= ceiling);
        }
        let waits: Vec<Duration> = (0..20).map(|_| policy.backoff(3)).collect();
        assert!(waits.iter().any(|w| *w != waits[0]), "jittered: {waits:?}");
    }

    #[test]
    fn mutations_are_retried_only_when_shopify_did_not_run_them() {
        let server_error = ShopifyError::Http {
            shop: "s".into(),
            query: "Q",
            status: 502,
            retry_after: None,
        };
        let decode = ShopifyError::Decode {
            query: "Q",
            detail: "cut short".into(),
        };
        let throttled = ShopifyError::Throttled {
            shop: "s".into(),
            query: "Q",
            cost: None,
        };
        assert!(is_retryable(&server_error, OperationKind::Query));
        assert!(is_retryable(&decode, OperationKind::Query));
        assert!(!is_retryable(&server_error, OperationKind::Mutation));
        assert!(!is_retryable(&decode, OperationKind::Mutation));
        assert!(is_retryable(&throttled, OperationKind::Mutation));
        let unauthorized = ShopifyError::Unauthorized { shop: "s".into() };
        assert!(!is_retryable(&unauthorized, OperationKind::Query));
    }
}
