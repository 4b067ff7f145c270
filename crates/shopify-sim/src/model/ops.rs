//! What the order-changing mutations add to the store: money movements, locations and inventory,
//! draft orders, idempotency records and cancellation jobs.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::{Order, Timestamp, ORDER_ID_BASE, REFUND_ID_BASE};

/// Seeded SALE transactions: base + the order's position in the id space.
pub const SALE_TRANSACTION_ID_BASE: u64 = 7_700_000_000_000;
/// REFUND transactions of seeded refunds: base + the refund's position in the id space.
pub const SEEDED_REFUND_TRANSACTION_ID_BASE: u64 = 7_800_000_000_000;
/// Everything created by a mutation at run time takes its id from one counter starting here,
/// above every seeded id range.
pub const RUNTIME_ID_BASE: u64 = 90_000_000_000_000;
pub const LOCATION_ID_BASE: u64 = 61_000_000_000;
pub const INVENTORY_ITEM_ID_BASE: u64 = 46_000_000_000_000;

/// The gateway of every seeded payment.
pub const GATEWAY: &str = "shopify_payments";

/// Order fields only mutations change (kept apart so seeding stays compact).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct OrderExtra {
    pub custom_attributes: Vec<(String, String)>,
    /// `None` for storefront orders ("web").
    pub source_name: Option<String>,
    /// The draft order this order was completed from.
    pub draft_order: Option<u64>,
    pub staff_note: Option<String>,
    /// Customer notifications sent (refund and cancel `notify`), oldest first.
    pub notifications: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TransactionKind {
    Sale,
    Refund,
}

impl TransactionKind {
    pub fn as_graphql(self) -> &'static str {
        match self {
            TransactionKind::Sale => "SALE",
            TransactionKind::Refund => "REFUND",
        }
    }
}

/// A money movement of an order. Amounts exact, in shop and in presentment currency.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Transaction {
    pub legacy_id: u64,
    pub kind: TransactionKind,
    pub gateway: String,
    pub amount: Decimal,
    pub presentment_amount: Decimal,
    pub processed_at: Timestamp,
    pub parent: Option<u64>,
}

impl Order {
    /// The payment: one SALE for a paid order (none while pending or only authorized).
    pub fn sale_transaction(&self) -> Option<Transaction> {
        if self.payment != super::PaymentState::Paid {
            return None;
        }
        let amount = self.total_price();
        Some(Transaction {
            legacy_id: SALE_TRANSACTION_ID_BASE + self.legacy_id.saturating_sub(ORDER_ID_BASE),
            kind: TransactionKind::Sale,
            gateway: GATEWAY.into(),
            amount,
            presentment_amount: self.to_presentment(amount),
            processed_at: self.processed_at,
            parent: None,
        })
    }

    /// The SALE, then every refund's REFUND transactions, oldest first.
    pub fn transactions(&self) -> Vec<Transaction> {
        let Some(sale) = self.sale_transaction() else {
            return Vec::new();
        };
        let mut all = vec![sale.clone()];
        for refund in &self.refunds {
            match &refund.transactions {
                Some(explicit) => all.extend(explicit.iter().cloned()),
                None => all.push(Transaction {
                    legacy_id: SEEDED_REFUND_TRANSACTION_ID_BASE
                        + refund.legacy_id.saturating_sub(REFUND_ID_BASE),
                    kind: TransactionKind::Refund,
                    gateway: GATEWAY.into(),
                    amount: refund.total(),
                    presentment_amount: self.to_presentment(refund.total()),
                    processed_at: refund.created_at,
                    parent: Some(sale.legacy_id),
                }),
            }
        }
        all
    }

    /// What the SALE can still give back, in shop and presentment currency.
    pub fn refundable_money(&self) -> (Decimal, Decimal) {
        let Some(sale) = self.sale_transaction() else {
            return (Decimal::ZERO, Decimal::ZERO);
        };
        let refunds: Vec<Transaction> = self
            .transactions()
            .into_iter()
            .filter(|t| t.kind == TransactionKind::Refund)
            .collect();
        let shop: Decimal = refunds.iter().map(|t| t.amount).sum();
        let presentment: Decimal = refunds.iter().map(|t| t.presentment_amount).sum();
        (
            (sale.amount - shop).max(Decimal::ZERO),
            (sale.presentment_amount - presentment).max(Decimal::ZERO),
        )
    }

    /// Money refunded in presentment currency (exact sums of what was given back).
    pub fn total_refunded_presentment(&self) -> Decimal {
        self.refunds
            .iter()
            .map(|refund| match &refund.transactions {
                Some(explicit) => explicit.iter().map(|t| t.presentment_amount).sum(),
                None => self.to_presentment(refund.total()),
            })
            .sum()
    }

    /// Shipping already given back.
    pub fn refunded_shipping(&self) -> Decimal {
        self.refunds.iter().map(|r| r.shipping).sum()
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Location {
    pub legacy_id: u64,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DraftStatus {
    Open,
    Completed,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DraftLine {
    pub legacy_id: u64,
    pub product: u16,
    pub variant: u16,
    pub quantity: u32,
    /// Percentage off the unit price (100 for a free replacement).
    pub discount_percent: Decimal,
    pub discount_title: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DraftOrder {
    pub legacy_id: u64,
    /// 1 for "#D1".
    pub number: u32,
    pub status: DraftStatus,
    pub customer: Option<u32>,
    pub email: Option<String>,
    pub note: Option<String>,
    pub tags: Vec<String>,
    pub shipping_address: Option<super::Address>,
    pub shipping_price: Decimal,
    pub lines: Vec<DraftLine>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub completed_at: Option<Timestamp>,
    /// The order completing it created.
    pub order: Option<u64>,
}

/// What a `refundCreate` with an `@idempotent` key did, replayed for the same key.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IdempotentRecord {
    /// The input as sent, compared on replay.
    pub input: serde_json::Value,
    pub order: u64,
    /// `None` when the first use failed with userErrors.
    pub refund: Option<u64>,
}

/// State the mutations keep besides orders.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Operations {
    pub locations: Vec<Location>,
    /// Available units per variant (legacy id), one entry per location in `locations` order.
    pub inventory: BTreeMap<u64, Vec<i64>>,
    pub draft_orders: Vec<DraftOrder>,
    pub idempotency: BTreeMap<String, IdempotentRecord>,
    /// Cancellation jobs: id -> done.
    pub jobs: BTreeMap<u64, bool>,
    /// The last id handed out at run time (see [`RUNTIME_ID_BASE`]).
    pub last_id: u64,
}

impl Operations {
    /// Two locations and deterministic stock: most variants stocked at the roastery, fewer at
    /// the shop front, every seventh variant sold out everywhere.
    pub fn seeded(products: &[super::Product]) -> Operations {
        let locations = vec![
            Location {
                legacy_id: LOCATION_ID_BASE + 1,
                name: "Roastery".into(),
            },
            Location {
                legacy_id: LOCATION_ID_BASE + 2,
                name: "Shop front".into(),
            },
        ];
        let mut inventory = BTreeMap::new();
        let mut position = 0i64;
        for product in products {
            for variant in &product.variants {
                position += 1;
                let levels = if position % 7 == 3 {
                    vec![0, 0]
                } else {
                    vec![20 + (position * 13) % 40, (position * 5) % 9]
                };
                inventory.insert(variant.legacy_id, levels);
            }
        }
        Operations {
            locations,
            inventory,
            last_id: RUNTIME_ID_BASE,
            ..Operations::default()
        }
    }

    pub fn next_id(&mut self) -> u64 {
        self.last_id = self.last_id.max(RUNTIME_ID_BASE) + 1;
        self.last_id
    }

    pub fn location_index(&self, legacy_id: u64) -> Option<usize> {
        self.locations.iter().position(|l| l.legacy_id == legacy_id)
    }

    /// Units available across all locations.
    pub fn available(&self, variant: u64) -> i64 {
        self.inventory.get(&variant).map_or(0, |l| l.iter().sum())
    }

    /// Adds (or, negative, takes) units at a location.
    pub fn adjust(&mut self, variant: u64, location: usize, delta: i64) {
        let count = self.locations.len();
        let levels = self
            .inventory
            .entry(variant)
            .or_insert_with(|| vec![0; count]);
        if let Some(level) = levels.get_mut(location) {
            *level += delta;
        }
    }

    /// Takes units from the locations in order (the first that has stock first).
    pub fn take(&mut self, variant: u64, mut quantity: i64) {
        let count = self.locations.len();
        let levels = self
            .inventory
            .entry(variant)
            .or_insert_with(|| vec![0; count]);
        for level in levels.iter_mut() {
            let taken = quantity.min((*level).max(0));
            *level -= taken;
            quantity -= taken;
        }
        if quantity > 0 {
            if let Some(first) = levels.first_mut() {
                *first -= quantity;
            }
        }
    }
}
