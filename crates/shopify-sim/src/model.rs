//! The simulator's store: a shop, its product catalog, customers and orders.
//!
//! Kept compact because benchmarks seed 100k orders: orders and customers live in `Vec`s indexed
//! by their numeric id (id = base + index), titles and SKUs are looked up in the catalog instead of
//! being copied into each line item, and amounts are stored once, in shop currency. Everything the
//! API shows (totals, statuses, quantities) that can be derived is derived, so it cannot drift.

use rust_decimal::Decimal;
use serde::Serialize;
use shopdesk_money::Currency;

mod inspect;
mod ops;
pub use ops::*;

/// Seconds since the Unix epoch, UTC.
pub type Timestamp = i64;

/// Numeric ids start at realistic-looking bases, one per resource kind.
pub const CUSTOMER_ID_BASE: u64 = 7_100_000_000_000;
pub const ORDER_ID_BASE: u64 = 6_200_000_000_000;
pub const LINE_ITEM_ID_BASE: u64 = 15_300_000_000_000;
pub const FULFILLMENT_ID_BASE: u64 = 5_400_000_000_000;
pub const FULFILLMENT_LINE_ITEM_ID_BASE: u64 = 12_500_000_000_000;
pub const REFUND_ID_BASE: u64 = 9_600_000_000_000;
pub const REFUND_LINE_ITEM_ID_BASE: u64 = 4_700_000_000_000;
pub const PRODUCT_ID_BASE: u64 = 8_800_000_000_000;
pub const VARIANT_ID_BASE: u64 = 44_900_000_000_000;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ShopState {
    pub shop: Shop,
    pub products: Vec<Product>,
    pub customers: Vec<Customer>,
    pub orders: Vec<Order>,
    /// Events `events(query:)` serves (deletions), oldest first; see `events.rs`.
    pub events: Vec<crate::events::Event>,
    /// Locations, inventory, draft orders and what the mutations remember (see `ops.rs`).
    pub ops: Operations,
}

impl ShopState {
    /// Orders and customers stay sorted by id (new ones get higher ids, deleted ones are
    /// removed), so lookups are binary searches.
    pub fn order(&self, legacy_id: u64) -> Option<&Order> {
        self.order_index(legacy_id).map(|index| &self.orders[index])
    }

    pub fn order_index(&self, legacy_id: u64) -> Option<usize> {
        self.orders
            .binary_search_by_key(&legacy_id, |order| order.legacy_id)
            .ok()
    }

    pub fn customer(&self, legacy_id: u64) -> Option<&Customer> {
        self.customer_index(legacy_id)
            .map(|index| &self.customers[index])
    }

    pub fn customer_index(&self, legacy_id: u64) -> Option<usize> {
        self.customers
            .binary_search_by_key(&legacy_id, |customer| customer.legacy_id)
            .ok()
    }

    pub fn customer_at(&self, index: u32) -> Option<&Customer> {
        self.customers.get(index as usize)
    }

    pub fn variant(&self, product: u16, variant: u16) -> Option<(&Product, &Variant)> {
        let product = self.products.get(product as usize)?;
        Some((product, product.variants.get(variant as usize)?))
    }

    /// Orders of one customer, oldest first.
    pub fn orders_of<'a>(&'a self, customer: &'a Customer) -> impl Iterator<Item = &'a Order> {
        customer
            .order_indexes
            .iter()
            .filter_map(|&index| self.orders.get(index as usize))
    }

    /// What Shopify shows as `Customer.numberOfOrders`.
    pub fn number_of_orders(&self, customer: &Customer) -> u64 {
        customer.order_indexes.len() as u64
    }

    /// What Shopify shows as `Customer.amountSpent`: money received, net of refunds, in shop
    /// currency.
    pub fn amount_spent(&self, customer: &Customer) -> Decimal {
        self.orders_of(customer)
            .map(|order| order.net_payment())
            .sum()
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Shop {
    pub legacy_id: u64,
    pub name: String,
    pub email: String,
    pub myshopify_domain: String,
    pub currency: Currency,
    pub iana_timezone: String,
    pub plan_name: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Product {
    pub legacy_id: u64,
    pub title: String,
    pub handle: String,
    pub vendor: String,
    pub product_type: String,
    pub variants: Vec<Variant>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Variant {
    pub legacy_id: u64,
    /// "250 g / Whole bean"; "Default Title" for products without options.
    pub title: String,
    pub sku: String,
    /// Shop currency, before tax.
    pub price: Decimal,
}

impl Variant {
    pub fn is_default(&self) -> bool {
        self.title == DEFAULT_VARIANT_TITLE
    }
}

pub const DEFAULT_VARIANT_TITLE: &str = "Default Title";

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Customer {
    pub legacy_id: u64,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub email_marketing: EmailMarketingState,
    pub phone: Option<String>,
    pub tags: Vec<String>,
    pub note: Option<String>,
    pub locale: String,
    pub state: CustomerState,
    pub verified_email: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub default_address: Option<Address>,
    /// Indexes into `ShopState::orders`, oldest first.
    pub order_indexes: Vec<u32>,
}

impl Customer {
    pub fn display_name(&self) -> String {
        let name = format!("{} {}", self.first_name, self.last_name);
        let name = name.trim();
        if name.is_empty() {
            self.email.clone().unwrap_or_default()
        } else {
            name.to_string()
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Address {
    pub legacy_id: u64,
    pub first_name: String,
    pub last_name: String,
    pub company: Option<String>,
    pub address1: String,
    pub address2: Option<String>,
    pub city: String,
    pub province: Option<String>,
    pub province_code: Option<String>,
    pub zip: String,
    pub country: String,
    pub country_code: String,
    pub phone: Option<String>,
}

impl Address {
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_string()
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Order {
    pub legacy_id: u64,
    /// 1001 for "#1001".
    pub number: u32,
    /// Index into `ShopState::customers`.
    pub customer: Option<u32>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub created_at: Timestamp,
    pub processed_at: Timestamp,
    pub updated_at: Timestamp,
    pub cancelled_at: Option<Timestamp>,
    pub cancel_reason: Option<CancelReason>,
    pub closed_at: Option<Timestamp>,
    pub payment: PaymentState,
    pub note: Option<String>,
    pub tags: Vec<String>,
    pub test: bool,
    /// The currency the customer paid in, and how many of it one unit of shop currency buys.
    pub presentment_currency: Currency,
    pub presentment_rate: Decimal,
    pub confirmation_number: String,
    /// Percentage applied to the line items' subtotal (tax is added on top of prices).
    pub tax_rate: Decimal,
    pub shipping_price: Decimal,
    pub shipping_address: Option<Address>,
    pub line_items: Vec<LineItem>,
    pub fulfillments: Vec<Fulfillment>,
    pub refunds: Vec<Refund>,
    pub extra: OrderExtra,
}

impl Order {
    pub fn name(&self) -> String {
        format!("#{}", self.number)
    }

    pub fn subtotal(&self) -> Decimal {
        self.line_items.iter().map(LineItem::discounted_total).sum()
    }

    pub fn total_tax(&self) -> Decimal {
        self.line_items.iter().map(|line| line.tax).sum()
    }

    pub fn total_price(&self) -> Decimal {
        self.subtotal() + self.total_tax() + self.shipping_price
    }

    pub fn total_refunded(&self) -> Decimal {
        self.refunds.iter().map(Refund::total).sum()
    }

    pub fn refunded_subtotal(&self) -> Decimal {
        self.refunds
            .iter()
            .flat_map(|refund| &refund.line_items)
            .map(|line| line.subtotal)
            .sum()
    }

    pub fn refunded_tax(&self) -> Decimal {
        self.refunds
            .iter()
            .flat_map(|refund| &refund.line_items)
            .map(|line| line.tax)
            .sum()
    }

    /// Money received minus money refunded.
    pub fn net_payment(&self) -> Decimal {
        match self.payment {
            PaymentState::Pending | PaymentState::Authorized => Decimal::ZERO,
            PaymentState::Paid => self.total_price() - self.total_refunded(),
        }
    }

    pub fn total_outstanding(&self) -> Decimal {
        match self.payment {
            PaymentState::Pending | PaymentState::Authorized if self.cancelled_at.is_none() => {
                self.total_price()
            }
            _ => Decimal::ZERO,
        }
    }

    pub fn financial_status(&self) -> FinancialStatus {
        match self.payment {
            PaymentState::Pending if self.cancelled_at.is_some() => FinancialStatus::Voided,
            PaymentState::Authorized if self.cancelled_at.is_some() => FinancialStatus::Voided,
            PaymentState::Pending => FinancialStatus::Pending,
            PaymentState::Authorized => FinancialStatus::Authorized,
            PaymentState::Paid => {
                let refunded = self.total_refunded();
                if refunded.is_zero() {
                    FinancialStatus::Paid
                } else if refunded >= self.total_price() {
                    FinancialStatus::Refunded
                } else {
                    FinancialStatus::PartiallyRefunded
                }
            }
        }
    }

    pub fn fulfillment_status(&self) -> FulfillmentStatus {
        let open: u32 = self
            .line_items
            .iter()
            .map(LineItem::unfulfilled_quantity)
            .sum();
        let fulfilled: u32 = self
            .line_items
            .iter()
            .map(|line| line.fulfilled_quantity)
            .sum();
        match (fulfilled, open) {
            (0, _) => FulfillmentStatus::Unfulfilled,
            (_, 0) => FulfillmentStatus::Fulfilled,
            _ => FulfillmentStatus::PartiallyFulfilled,
        }
    }

    /// Shopify's `refundable`: there is money left to give back.
    pub fn is_refundable(&self) -> bool {
        self.net_payment() > Decimal::ZERO
    }

    pub fn to_presentment(&self, shop_amount: Decimal) -> Decimal {
        let converted = shop_amount * self.presentment_rate;
        converted.round_dp_with_strategy(
            self.presentment_currency.minor_units(),
            rust_decimal::RoundingStrategy::MidpointAwayFromZero,
        )
    }
}

/// Whether money was taken. Refunds and cancellation are derived from `refunds`/`cancelled_at`.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub enum PaymentState {
    Pending,
    Authorized,
    Paid,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LineItem {
    pub legacy_id: u64,
    pub product: u16,
    pub variant: u16,
    pub quantity: u32,
    /// Shop currency, per unit, before discounts and tax.
    pub unit_price: Decimal,
    /// Shop currency, per unit.
    pub unit_discount: Decimal,
    /// Tax on the whole line after discounts, shop currency.
    pub tax: Decimal,
    pub fulfilled_quantity: u32,
    pub refunded_quantity: u32,
}

impl LineItem {
    pub fn discounted_unit_price(&self) -> Decimal {
        self.unit_price - self.unit_discount
    }

    pub fn original_total(&self) -> Decimal {
        self.unit_price * Decimal::from(self.quantity)
    }

    pub fn discounted_total(&self) -> Decimal {
        self.discounted_unit_price() * Decimal::from(self.quantity)
    }

    /// Quantity after refunds and removals.
    pub fn current_quantity(&self) -> u32 {
        self.quantity.saturating_sub(self.refunded_quantity)
    }

    /// Refunds take units that were not fulfilled first (a cancelled item), then fulfilled ones
    /// (a return), so unfulfilled units are what is neither fulfilled nor refunded.
    pub fn unfulfilled_quantity(&self) -> u32 {
        self.quantity
            .saturating_sub(self.fulfilled_quantity)
            .saturating_sub(self.refunded_quantity)
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Fulfillment {
    pub legacy_id: u64,
    /// "#1001-F1".
    pub number: u8,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub display_status: FulfillmentDisplayStatus,
    pub in_transit_at: Option<Timestamp>,
    pub delivered_at: Option<Timestamp>,
    pub estimated_delivery_at: Option<Timestamp>,
    pub tracking: Option<Tracking>,
    pub line_items: Vec<FulfillmentLine>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Tracking {
    pub company: String,
    pub number: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FulfillmentLine {
    pub legacy_id: u64,
    /// Index into the order's `line_items`.
    pub line_item: u16,
    pub quantity: u32,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Refund {
    pub legacy_id: u64,
    pub created_at: Timestamp,
    pub note: Option<String>,
    pub shipping: Decimal,
    pub line_items: Vec<RefundLine>,
    /// Money moved by `refundCreate` (`None` for seeded refunds, whose one REFUND transaction
    /// of their whole total is derived).
    pub transactions: Option<Vec<Transaction>>,
}

impl Refund {
    /// Money given back: the transactions' sum when they are explicit.
    pub fn total(&self) -> Decimal {
        if let Some(transactions) = &self.transactions {
            return transactions.iter().map(|t| t.amount).sum();
        }
        self.shipping
            + self
                .line_items
                .iter()
                .map(|line| line.subtotal + line.tax)
                .sum::<Decimal>()
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RefundLine {
    pub legacy_id: u64,
    /// Index into the order's `line_items`.
    pub line_item: u16,
    pub quantity: u32,
    pub restock_type: RestockType,
    /// Index into `Operations::locations` units went back to (when restocked).
    pub location: Option<u16>,
    /// Shop currency, after discounts, before tax.
    pub subtotal: Decimal,
    pub tax: Decimal,
}

/// A Rust enum that maps onto a GraphQL enum of the schema. A test checks every value exists.
pub trait SchemaEnum: Copy + 'static {
    /// The GraphQL enum type name.
    const TYPE_NAME: &'static str;
    const ALL: &'static [Self];
    fn as_graphql(self) -> &'static str;
}

macro_rules! schema_enum {
    ($name:ident, $graphql:literal, { $($variant:ident => $value:literal),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
        pub enum $name { $($variant),+ }
        impl SchemaEnum for $name {
            const TYPE_NAME: &'static str = $graphql;
            const ALL: &'static [Self] = &[$($name::$variant),+];
            fn as_graphql(self) -> &'static str {
                match self { $($name::$variant => $value),+ }
            }
        }
    };
}

schema_enum!(FinancialStatus, "OrderDisplayFinancialStatus", {
    Pending => "PENDING", Authorized => "AUTHORIZED", Paid => "PAID",
    PartiallyRefunded => "PARTIALLY_REFUNDED", Refunded => "REFUNDED", Voided => "VOIDED",
});
schema_enum!(FulfillmentStatus, "OrderDisplayFulfillmentStatus", {
    Unfulfilled => "UNFULFILLED", PartiallyFulfilled => "PARTIALLY_FULFILLED", Fulfilled => "FULFILLED",
});
schema_enum!(FulfillmentDisplayStatus, "FulfillmentDisplayStatus", {
    Fulfilled => "FULFILLED", InTransit => "IN_TRANSIT", OutForDelivery => "OUT_FOR_DELIVERY",
    Delivered => "DELIVERED",
});
// Every seeded fulfillment succeeded; `Fulfillment.status` is always this.
schema_enum!(FulfillmentState, "FulfillmentStatus", { Success => "SUCCESS" });
schema_enum!(CancelReason, "OrderCancelReason", {
    Customer => "CUSTOMER", Declined => "DECLINED", Fraud => "FRAUD", Inventory => "INVENTORY",
    Other => "OTHER", Staff => "STAFF",
});
schema_enum!(CustomerState, "CustomerState", {
    Disabled => "DISABLED", Enabled => "ENABLED", Invited => "INVITED", Declined => "DECLINED",
});
schema_enum!(EmailMarketingState, "CustomerEmailAddressMarketingState", {
    NotSubscribed => "NOT_SUBSCRIBED", Subscribed => "SUBSCRIBED", Unsubscribed => "UNSUBSCRIBED",
    Pending => "PENDING",
});
schema_enum!(RestockType, "RefundLineItemRestockType", {
    NoRestock => "NO_RESTOCK", Cancel => "CANCEL", Return => "RETURN",
});
schema_enum!(CountPrecision, "CountPrecision", { Exact => "EXACT", AtLeast => "AT_LEAST" });
