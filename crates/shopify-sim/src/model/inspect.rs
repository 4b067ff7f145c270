//! Read-only helpers for tests in other crates: what the mutations did, without GraphQL.
//!
//! ```no_run
//! # fn demo(sim: &shopdesk_shopify_sim::Simulator) {
//! let state = sim.state();
//! let state = state.read().unwrap();
//! let refunds = state.refunds_of_gid("gid://shopify/Order/6200000000001").len();
//! let replacements = state.orders_tagged("ticket-42").len();
//! let drafts = state.draft_order_count();
//! # }
//! ```

use super::*;
use crate::executor::parse_gid;

impl ShopState {
    /// An order by its GID (`gid://shopify/Order/…`).
    pub fn order_by_gid(&self, gid: &str) -> Option<&Order> {
        match parse_gid(gid)? {
            ("Order", id) => self.order(id),
            _ => None,
        }
    }

    /// Every refund of an order, oldest first (empty for an unknown order).
    pub fn refunds_of_gid(&self, order_gid: &str) -> &[Refund] {
        self.order_by_gid(order_gid)
            .map_or(&[], |order| order.refunds.as_slice())
    }

    /// Orders carrying `tag` (case-insensitive), oldest first.
    pub fn orders_tagged(&self, tag: &str) -> Vec<&Order> {
        self.orders
            .iter()
            .filter(|o| o.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)))
            .collect()
    }

    pub fn draft_orders(&self) -> &[DraftOrder] {
        &self.ops.draft_orders
    }

    pub fn draft_order_count(&self) -> usize {
        self.ops.draft_orders.len()
    }

    /// Draft orders carrying `tag` (case-insensitive).
    pub fn draft_orders_tagged(&self, tag: &str) -> Vec<&DraftOrder> {
        self.ops
            .draft_orders
            .iter()
            .filter(|d| d.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)))
            .collect()
    }

    /// Units of a variant (legacy id) available at each location, in `ops.locations` order.
    pub fn stock_of(&self, variant_legacy_id: u64) -> Vec<i64> {
        self.ops
            .inventory
            .get(&variant_legacy_id)
            .cloned()
            .unwrap_or_else(|| vec![0; self.ops.locations.len()])
    }

    /// Money refunded on an order in presentment currency, summed over its refunds.
    pub fn refunded_presentment(&self, order_gid: &str) -> Option<rust_decimal::Decimal> {
        self.order_by_gid(order_gid)
            .map(Order::total_refunded_presentment)
    }
}
