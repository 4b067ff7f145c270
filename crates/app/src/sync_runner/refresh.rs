//! Refreshing one customer's orders when a ticket about them opens, and remembering a refresh
//! that failed, so the customer panel can say it shows the local copy (and from when).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use shopdesk_shopify::ShopifyClient;
use shopdesk_store::Store;
use tokio::sync::{mpsc, watch};

use super::status::{sentence, OrdersRefreshProblemView};
use super::{stopped, Shared};

/// Failed refreshes by customer, and when each customer's orders were last refreshed.
#[derive(Default)]
pub(super) struct RefreshProblems {
    state: Mutex<ProblemState>,
}

#[derive(Default)]
struct ProblemState {
    problems: HashMap<String, OrdersRefreshProblemView>,
    refreshed_at: HashMap<String, String>,
}

impl RefreshProblems {
    fn state(&self) -> std::sync::MutexGuard<'_, ProblemState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn get(&self, customer_id: &str) -> Option<OrdersRefreshProblemView> {
        self.state().problems.get(customer_id).cloned()
    }

    /// `last_synced_at`: the last sync of the whole store in this run, if any. `true` when
    /// this customer had no failure on record (the window has something new to show).
    fn failed(
        &self,
        customer_id: &str,
        error: &shopdesk_sync::SyncError,
        last_synced_at: Option<String>,
        now: String,
    ) -> bool {
        let mut state = self.state();
        let local_copy_from = state
            .refreshed_at
            .get(customer_id)
            .cloned()
            .into_iter()
            .chain(last_synced_at)
            .max();
        let problem = OrdersRefreshProblemView {
            offline: error.is_transient(),
            reason: sentence(error),
            local_copy_from,
            failed_at: now,
        };
        state
            .problems
            .insert(customer_id.to_string(), problem)
            .is_none()
    }

    /// The customer's orders match Shopify as of `at`; `true` when a problem was cleared.
    fn refreshed(&self, customer_id: &str, at: String) -> bool {
        let mut state = self.state();
        state.refreshed_at.insert(customer_id.to_string(), at);
        state.problems.remove(customer_id).is_some()
    }

    /// A whole sync succeeded: every local copy is fresh again. `true` when a problem was
    /// cleared.
    pub(super) fn clear_all(&self) -> bool {
        let mut state = self.state();
        let had = !state.problems.is_empty();
        state.problems.clear();
        had
    }
}

/// Refreshes customers as they are asked for, one at a time, until stopped. Either way the
/// window is told to reload: a failure shows in the customer panel, a success clears it.
pub(super) async fn run_refreshes(
    shared: Arc<Shared>,
    mut store: Store,
    client: ShopifyClient,
    mut requests: mpsc::UnboundedReceiver<String>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let customer_id = tokio::select! {
            next = requests.recv() => match next {
                Some(id) => id,
                None => return,
            },
            () = stopped(&mut stop) => return,
        };
        let refresh = shopdesk_sync::refresh_customer_orders(&client, &mut store, &customer_id);
        let result = tokio::select! {
            result = refresh => result,
            () = stopped(&mut stop) => return,
        };
        let now = crate::demo::now_rfc3339();
        let news = match result {
            Ok(report) => {
                tracing::debug!(%customer_id, orders = report.orders, "customer refreshed");
                shared.refresh_problems.refreshed(&customer_id, now);
                true
            }
            // The ticket shows the local copy, and says so; the scheduled sync brings the rest.
            Err(error) => {
                tracing::warn!(%customer_id, %error, "customer refresh failed");
                let last_synced_at = shared.status.borrow().last_synced_at.clone();
                shared
                    .refresh_problems
                    .failed(&customer_id, &error, last_synced_at, now)
            }
        };
        if news {
            shared.events.tickets_changed();
        }
        shared.refreshes.send_modify(|done| *done += 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offline_error() -> shopdesk_sync::SyncError {
        shopdesk_sync::SyncError::from(shopdesk_shopify::ShopifyError::Http {
            shop: "northwind.myshopify.com".into(),
            query: "customerOrders",
            status: 503,
            retry_after: None,
        })
    }

    #[test]
    fn a_failure_is_kept_until_that_customer_is_refreshed() {
        let problems = RefreshProblems::default();
        let customer = "gid://shopify/Customer/1";
        problems.refreshed(customer, "2026-11-29T14:00:00Z".into());
        assert!(problems.failed(
            customer,
            &offline_error(),
            Some("2026-11-29T13:00:00Z".into()),
            "2026-11-29T14:05:00Z".into(),
        ));
        // The same failure again is nothing new for the window.
        assert!(!problems.failed(
            customer,
            &offline_error(),
            None,
            "2026-11-29T14:05:30Z".into(),
        ));
        let problem = problems.get(customer).expect("kept");
        assert!(problem.offline, "{problem:?}");
        assert_eq!(
            problem.local_copy_from.as_deref(),
            Some("2026-11-29T14:00:00Z"),
            "the later of the customer's refresh and the last sync"
        );
        assert_eq!(problems.get("gid://shopify/Customer/2"), None);
        assert!(problems.refreshed(customer, "2026-11-29T14:06:00Z".into()));
        assert_eq!(problems.get(customer), None);
        assert!(!problems.clear_all());
    }
}
