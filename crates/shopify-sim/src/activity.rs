//! Shop activity: a deterministic (seeded) stream of the changes a live shop sees while a
//! sync runs — orders created, edited, refunded, fulfilled, cancelled and deleted; customers
//! created, edited and deleted.
//!
//! Every change stamps `updatedAt` from a simulated clock that only moves forward (a few
//! seconds per step, starting after the newest seeded change), so `updated_at:>=` filters and
//! UPDATED_AT sorting behave as on Shopify. A change that alters a customer's derived fields
//! (`numberOfOrders`, `amountSpent`) also stamps that customer. Deletions leave a `destroy`
//! event (see `crate::events`), the only trace Shopify keeps of a deleted record.
//!
//! ```no_run
//! # async fn demo(sim: &shopdesk_shopify_sim::Simulator) {
//! let mut activity = sim.activity(7);
//! activity.apply(50); // 50 changes at once
//! # }
//! ```

use std::sync::{Arc, RwLock};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::events::{Event, EventSubjectType, EVENT_ID_BASE, EVENT_RETENTION_SECONDS};
use crate::model::*;
use crate::Simulator;

mod changes;

/// One kind of change, with its weight in the random mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActivityKind {
    CreateOrder,
    UpdateOrder,
    Refund,
    Fulfill,
    Cancel,
    UpdateCustomer,
    CreateCustomer,
    DeleteOrder,
    DeleteCustomer,
}

const MIX: &[(ActivityKind, u32)] = &[
    (ActivityKind::CreateOrder, 15),
    (ActivityKind::UpdateOrder, 20),
    (ActivityKind::Refund, 10),
    (ActivityKind::Fulfill, 15),
    (ActivityKind::Cancel, 4),
    (ActivityKind::UpdateCustomer, 12),
    (ActivityKind::CreateCustomer, 8),
    (ActivityKind::DeleteOrder, 4),
    (ActivityKind::DeleteCustomer, 3),
];

/// A change that was applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityStep {
    pub kind: ActivityKind,
    /// The GID of the order or customer changed (or deleted).
    pub subject: String,
    /// Its new `updatedAt` (for a deletion, the event's `createdAt`).
    pub at: Timestamp,
}

/// The generator: its random stream, clock and id counters. It works on any `ShopState`;
/// [`ActivityDriver`] applies it to a running simulator.
#[derive(Debug, Clone)]
pub struct Activity {
    rng: ChaCha8Rng,
    clock: Timestamp,
    next: NextIds,
}

#[derive(Debug, Clone, Default)]
struct NextIds {
    customer: u64,
    order: u64,
    order_number: u32,
    line_item: u64,
    fulfillment: u64,
    fulfillment_line: u64,
    refund: u64,
    refund_line: u64,
    event: u64,
    address: u64,
}

impl Activity {
    /// Starts after everything `state` holds: ids above the highest ones, the clock one
    /// second after the latest change.
    pub fn new(state: &ShopState, seed: u64) -> Self {
        let mut latest = crate::SEED_EPOCH;
        let mut next = NextIds {
            customer: CUSTOMER_ID_BASE,
            order: ORDER_ID_BASE,
            order_number: 1000,
            line_item: LINE_ITEM_ID_BASE,
            fulfillment: FULFILLMENT_ID_BASE,
            fulfillment_line: FULFILLMENT_LINE_ITEM_ID_BASE,
            refund: REFUND_ID_BASE,
            refund_line: REFUND_LINE_ITEM_ID_BASE,
            event: EVENT_ID_BASE,
            address: 0,
        };
        for customer in &state.customers {
            latest = latest.max(customer.updated_at);
            next.customer = next.customer.max(customer.legacy_id);
            if let Some(address) = &customer.default_address {
                next.address = next.address.max(seeded_range(address.legacy_id));
            }
        }
        for order in &state.orders {
            latest = latest.max(order.updated_at);
            next.order = next.order.max(order.legacy_id);
            next.order_number = next.order_number.max(order.number);
            for line in &order.line_items {
                next.line_item = next.line_item.max(seeded_range(line.legacy_id));
            }
            for fulfillment in &order.fulfillments {
                next.fulfillment = next.fulfillment.max(fulfillment.legacy_id);
                for line in &fulfillment.line_items {
                    next.fulfillment_line = next.fulfillment_line.max(line.legacy_id);
                }
            }
            for refund in &order.refunds {
                next.refund = next.refund.max(seeded_range(refund.legacy_id));
                for line in &refund.line_items {
                    next.refund_line = next.refund_line.max(seeded_range(line.legacy_id));
                }
            }
        }
        for event in &state.events {
            latest = latest.max(event.created_at);
            next.event = next.event.max(event.legacy_id);
        }
        Activity {
            rng: ChaCha8Rng::seed_from_u64(seed),
            clock: latest,
            next,
        }
    }

    /// The simulated time of the last change.
    pub fn now(&self) -> Timestamp {
        self.clock
    }

    /// Applies one random change. `None` only for a shop with nothing to change (no
    /// products to sell).
    pub fn step(&mut self, state: &mut ShopState) -> Option<ActivityStep> {
        let total: u32 = MIX.iter().map(|(_, weight)| weight).sum();
        // A kind with no candidate (nothing to refund...) falls through to another draw.
        for _ in 0..20 {
            let mut roll = self.rng.random_range(0..total);
            let kind = MIX
                .iter()
                .find(|(_, weight)| {
                    let hit = roll < *weight;
                    roll = roll.saturating_sub(*weight);
                    hit
                })
                .map_or(ActivityKind::UpdateOrder, |(kind, _)| *kind);
            if let Some(step) = self.apply_kind(state, kind) {
                return Some(step);
            }
        }
        None
    }

    /// Applies `steps` random changes.
    pub fn apply(&mut self, state: &mut ShopState, steps: usize) -> Vec<ActivityStep> {
        (0..steps).filter_map(|_| self.step(state)).collect()
    }

    /// Applies one change of `kind`, if the shop has a record it applies to.
    pub fn apply_kind(
        &mut self,
        state: &mut ShopState,
        kind: ActivityKind,
    ) -> Option<ActivityStep> {
        if state.products.is_empty() {
            return None;
        }
        let at = self.tick();
        let subject = match kind {
            ActivityKind::CreateOrder => self.create_order(state, at),
            ActivityKind::UpdateOrder => {
                let index = self.pick_order(state, |_| true)?;
                self.update_order(state, index, at)
            }
            ActivityKind::Refund => self.refund(state, at),
            ActivityKind::Fulfill => self.fulfill(state, at),
            ActivityKind::Cancel => self.cancel(state, at),
            ActivityKind::UpdateCustomer => self.update_customer(state, at),
            ActivityKind::CreateCustomer => Some(self.create_customer(state, at)),
            ActivityKind::DeleteOrder => self.delete_order(state, at),
            ActivityKind::DeleteCustomer => self.delete_customer(state, at),
        }?;
        Some(ActivityStep { kind, subject, at })
    }

    /// Edits `count` distinct orders (note, tags or address), e.g. a catch-up benchmark's
    /// backlog. Returns how many were changed (fewer if the shop has fewer orders).
    pub fn update_many_orders(&mut self, state: &mut ShopState, count: usize) -> usize {
        let mut indexes: Vec<usize> = (0..state.orders.len()).collect();
        // Fisher-Yates on the first `count` positions: a deterministic random sample.
        let count = count.min(indexes.len());
        for i in 0..count {
            let j = self.rng.random_range(i..indexes.len());
            indexes.swap(i, j);
        }
        for &index in &indexes[..count] {
            let at = self.tick();
            self.update_order(state, index, at);
        }
        count
    }

    /// Advances the clock by 1 to 20 seconds: strictly increasing timestamps.
    fn tick(&mut self) -> Timestamp {
        self.clock += self.rng.random_range(1..=20);
        self.clock
    }

    /// A random order matching `wanted` (a bounded number of tries, so that large shops stay
    /// fast; `None` if none was found).
    fn pick_order(&mut self, state: &ShopState, wanted: impl Fn(&Order) -> bool) -> Option<usize> {
        if state.orders.is_empty() {
            return None;
        }
        for _ in 0..64 {
            let index = self.rng.random_range(0..state.orders.len());
            if wanted(&state.orders[index]) {
                return Some(index);
            }
        }
        None
    }

    fn pick_customer(
        &mut self,
        state: &ShopState,
        wanted: impl Fn(&Customer) -> bool,
    ) -> Option<usize> {
        if state.customers.is_empty() {
            return None;
        }
        for _ in 0..64 {
            let index = self.rng.random_range(0..state.customers.len());
            if wanted(&state.customers[index]) {
                return Some(index);
            }
        }
        None
    }

    fn push_event(
        &mut self,
        state: &mut ShopState,
        subject_type: EventSubjectType,
        subject_legacy_id: u64,
        message: String,
        at: Timestamp,
    ) {
        // Shopify keeps events for a year: older ones go (by the simulated clock, so that
        // seeded runs do not depend on the day they run).
        state
            .events
            .retain(|event| event.created_at >= at - EVENT_RETENTION_SECONDS);
        self.next.event += 1;
        state.events.push(Event {
            legacy_id: self.next.event,
            subject_type,
            subject_legacy_id,
            action: "destroy".into(),
            created_at: at,
            message,
        });
    }
}

/// Stamps the order's customer: its `numberOfOrders` or `amountSpent` changed.
fn touch_customer_of(state: &mut ShopState, order_index: usize, at: Timestamp) {
    let customer = state
        .orders
        .get(order_index)
        .and_then(|order| order.customer);
    if let Some(customer) = customer.and_then(|c| state.customers.get_mut(c as usize)) {
        customer.updated_at = customer.updated_at.max(at);
    }
}

fn round_money(amount: Decimal, currency: shopdesk_money::Currency) -> Decimal {
    amount.round_dp_with_strategy(
        currency.minor_units(),
        RoundingStrategy::MidpointAwayFromZero,
    )
}

/// Applies [`Activity`] to a running simulator, one change per write lock, so that requests
/// in flight see the shop before or after a change, never half of one.
pub struct ActivityDriver {
    shop: Arc<RwLock<ShopState>>,
    activity: Activity,
}

impl ActivityDriver {
    pub fn step(&mut self) -> Option<ActivityStep> {
        let mut shop = self.shop.write().ok()?;
        self.activity.step(&mut shop)
    }

    pub fn apply(&mut self, steps: usize) -> Vec<ActivityStep> {
        (0..steps).filter_map(|_| self.step()).collect()
    }

    pub fn apply_kind(&mut self, kind: ActivityKind) -> Option<ActivityStep> {
        let mut shop = self.shop.write().ok()?;
        self.activity.apply_kind(&mut shop, kind)
    }

    pub fn update_many_orders(&mut self, count: usize) -> usize {
        match self.shop.write() {
            Ok(mut shop) => self.activity.update_many_orders(&mut shop, count),
            Err(_) => 0,
        }
    }

    /// Applies `steps` changes with `pause` between them (while a sync runs).
    pub async fn run(&mut self, steps: usize, pause: Duration) -> Vec<ActivityStep> {
        let mut applied = Vec::with_capacity(steps);
        for _ in 0..steps {
            applied.extend(self.step());
            tokio::time::sleep(pause).await;
        }
        applied
    }

    pub fn now(&self) -> Timestamp {
        self.activity.now()
    }
}

impl Simulator {
    /// A seeded activity driver for this simulator's shop.
    pub fn activity(&self, seed: u64) -> ActivityDriver {
        let activity = match self.shop.read() {
            Ok(shop) => Activity::new(&shop, seed),
            Err(poisoned) => Activity::new(&poisoned.into_inner(), seed),
        };
        ActivityDriver {
            shop: self.shop.clone(),
            activity,
        }
    }

    /// Applies `steps` seeded changes at once.
    pub fn apply_activity(&self, seed: u64, steps: usize) -> Vec<ActivityStep> {
        self.activity(seed).apply(steps)
    }
}

/// Ids mutations hand out (from `RUNTIME_ID_BASE` up) are left out of the activity's counters,
/// so the two never pick the same id.
fn seeded_range(id: u64) -> u64 {
    if id >= crate::model::RUNTIME_ID_BASE {
        0
    } else {
        id
    }
}
