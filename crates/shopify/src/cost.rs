//! Query cost and the rate-limit bucket, as Shopify reports them in `extensions.cost`.
//!
//! The client keeps the last report so a pacer can wait before a request instead of running
//! into THROTTLED: the bucket refills at `restore_rate` points a second up to
//! `maximum_available`, and a query needs its requested cost available before it runs.

use std::time::Duration;

use serde::Deserialize;

/// `extensions.cost` of a response.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryCost {
    pub requested_query_cost: Option<f64>,
    /// `null` when the query did not run (THROTTLED).
    pub actual_query_cost: Option<f64>,
    pub throttle_status: Option<ThrottleStatus>,
}

/// `extensions.cost.throttleStatus`: the leaky bucket of this app on this store.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThrottleStatus {
    pub maximum_available: f64,
    pub currently_available: f64,
    /// Points restored per second.
    pub restore_rate: f64,
}

impl ThrottleStatus {
    /// How long until `points` are available, if nothing else spends them meanwhile.
    pub fn wait_for(&self, points: f64) -> Duration {
        let missing = points.min(self.maximum_available) - self.currently_available;
        if missing <= 0.0 || self.restore_rate <= 0.0 {
            return Duration::ZERO;
        }
        Duration::from_secs_f64(missing / self.restore_rate)
    }
}

impl QueryCost {
    /// For a throttled request: how long until the bucket holds its requested cost again.
    pub fn wait_before_retry(&self) -> Option<Duration> {
        let status = self.throttle_status?;
        let requested = self.requested_query_cost?;
        Some(status.wait_for(requested))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_shopifys_cost_extension() {
        let cost: QueryCost = serde_json::from_str(
            r#"{"requestedQueryCost":938,"actualQueryCost":null,
                "throttleStatus":{"maximumAvailable":2000.0,"currentlyAvailable":38,"restoreRate":100.0}}"#,
        )
        .unwrap();
        assert_eq!(cost.requested_query_cost, Some(938.0));
        assert_eq!(cost.actual_query_cost, None);
        assert_eq!(cost.wait_before_retry(), Some(Duration::from_secs(9)));
    }

    #[test]
    fn no_wait_when_the_bucket_holds_enough() {
        let status = ThrottleStatus {
            maximum_available: 2_000.0,
            currently_available: 1_500.0,
            restore_rate: 100.0,
        };
        assert_eq!(status.wait_for(900.0), Duration::ZERO);
        // A request larger than the bucket can never wait for more than a full bucket.
        assert_eq!(status.wait_for(5_000.0), Duration::from_secs(5));
    }
}
