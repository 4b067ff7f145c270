//! What crosses to the UI: requests, previews, records, availability. camelCase over IPC; the
//! TypeScript definitions are written by ts-rs into `ui/src/lib/bindings/`.

use serde::{Deserialize, Serialize};
use shopdesk_money::Money;
use ts_rs::TS;

/// An amount over IPC: `{ amount: "24.90", currency: "EUR" }` (decimal text, never a float).
pub type MoneyAmount = Money;

/// One line of a refund: which line item, how many, and whether they go back to stock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RefundLineRequest {
    /// `gid://shopify/LineItem/...`
    pub line_item_id: String,
    #[ts(type = "number")]
    pub quantity: i64,
    pub restock: bool,
}

/// How much shipping to refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "amount", rename_all = "camelCase")]
#[ts(export)]
pub enum ShippingRefund {
    None,
    Full,
    Amount(#[ts(type = "{ amount: string, currency: string }")] Money),
}

/// Why the money goes back (Shopify's `discrepancyReason` is not used: this is the agent's
/// reason, written into the refund note and the ticket's internal note).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RefundRequest {
    /// `gid://shopify/Order/...`
    pub order_id: String,
    pub lines: Vec<RefundLineRequest>,
    /// Where restocked items go; `None` = the shop's first active location.
    pub restock_location_id: Option<String>,
    pub shipping: ShippingRefund,
    pub reason: String,
    pub note: Option<String>,
    pub notify: bool,
    /// The total the agent saw in the preview and confirmed. Required to queue a refund
    /// offline; when `None` online, the fresh preview's total is taken as confirmed.
    #[ts(type = "{ amount: string, currency: string } | null")]
    pub confirmed_total: Option<Money>,
}

/// One line of a replacement: the same line item again, or another variant of its product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReplacementLineRequest {
    /// The original order's line item being replaced.
    pub line_item_id: String,
    /// Another variant of the same product; `None` = the line item's own variant.
    pub variant_id: Option<String>,
    #[ts(type = "number")]
    pub quantity: i64,
}

/// A shipping address as typed in the dialog (Shopify's `MailingAddressInput`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AddressInput {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub address1: Option<String>,
    pub address2: Option<String>,
    pub city: Option<String>,
    pub province_code: Option<String>,
    pub zip: Option<String>,
    /// ISO 3166-1 alpha-2 ("DE").
    pub country_code: Option<String>,
    pub phone: Option<String>,
}

/// Send items again at no charge, as a new order linked to the original (tag and note).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReplacementRequest {
    pub order_id: String,
    pub lines: Vec<ReplacementLineRequest>,
    /// `None` = the original order's shipping address.
    pub shipping_address: Option<AddressInput>,
    pub note: Option<String>,
}

/// Shopify's `OrderCancelReason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum CancelReason {
    Customer,
    Declined,
    Fraud,
    Inventory,
    Other,
    Staff,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CancelRequest {
    pub order_id: String,
    pub reason: CancelReason,
    /// Refund the payment to the original payment methods.
    pub refund: bool,
    pub restock: bool,
    pub notify: bool,
    /// At most 255 characters (Shopify's limit).
    pub staff_note: Option<String>,
}

/// Overwrites what is given (`None` leaves it alone). Tags are added (never removed).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OrderEditRequest {
    pub order_id: String,
    pub note: Option<String>,
    pub tags: Option<Vec<String>>,
    pub shipping_address: Option<AddressInput>,
}

/// One action the agent submits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "request", rename_all = "camelCase")]
#[ts(export)]
pub enum ActionRequest {
    Refund(RefundRequest),
    Replacement(ReplacementRequest),
    Cancel(CancelRequest),
    Edit(OrderEditRequest),
}

impl ActionRequest {
    pub fn order_id(&self) -> &str {
        match self {
            ActionRequest::Refund(r) => &r.order_id,
            ActionRequest::Replacement(r) => &r.order_id,
            ActionRequest::Cancel(r) => &r.order_id,
            ActionRequest::Edit(r) => &r.order_id,
        }
    }

    pub fn kind(&self) -> ActionKind {
        match self {
            ActionRequest::Refund(_) => ActionKind::Refund,
            ActionRequest::Replacement(_) => ActionKind::Replacement,
            ActionRequest::Cancel(_) => ActionKind::Cancel,
            ActionRequest::Edit(_) => ActionKind::Edit,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ActionKind {
    Refund,
    Replacement,
    Cancel,
    Edit,
}

impl ActionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Refund => "refund",
            ActionKind::Replacement => "replacement",
            ActionKind::Cancel => "cancel",
            ActionKind::Edit => "edit",
        }
    }

    pub fn parse(text: &str) -> Option<ActionKind> {
        [
            ActionKind::Refund,
            ActionKind::Replacement,
            ActionKind::Cancel,
            ActionKind::Edit,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }
}

/// Send now (fails at once when Shopify can't be reached), or queue until Shopify answers
/// (the agent's explicit choice; re-checked against the order's fresh state before sending).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SubmitMode {
    Now,
    WhenOnline,
}

/// The owner's approval of a refund above the agent's limit: a second explicit step in which
/// the owner types their name and re-enters the exact total they approve (see the crate doc).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OwnerApproval {
    pub approved_by: String,
    /// Must equal the previewed total, e.g. "124.90".
    pub confirmed_total: String,
}

/// Where an action is. Final states: `Succeeded`, `Failed`, `Held`, `Cancelled`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", content = "reason", rename_all = "camelCase")]
#[ts(export)]
pub enum ActionState {
    /// In the outbox, waiting to be sent (offline "send when online", or between retries).
    Queued,
    /// Claimed by the engine; Shopify may be running it right now.
    Sending,
    /// Sent, but the answer was lost: reconciled by reading Shopify back, never resent blind.
    Unknown,
    Succeeded,
    Failed(String),
    /// Not sent because the order changed since the agent confirmed; the sentence says what.
    Held(String),
    Cancelled,
}

impl ActionState {
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            ActionState::Succeeded
                | ActionState::Failed(_)
                | ActionState::Held(_)
                | ActionState::Cancelled
        )
    }
}

/// What an action produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionResult {
    /// `gid://shopify/Refund/...` for a refund.
    pub refund_id: Option<String>,
    /// The replacement order: id and name ("#1042").
    pub order_id: Option<String>,
    pub order_name: Option<String>,
    /// The internal note added to the ticket.
    pub note: String,
    /// A message the reply box offers to the customer.
    pub customer_message: String,
}

/// One action as the outbox holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionRecord {
    #[ts(type = "number")]
    pub id: i64,
    /// The client-generated idempotency key (a UUID v4).
    pub key: String,
    pub kind: ActionKind,
    #[ts(type = "number | null")]
    pub ticket_id: Option<i64>,
    pub order_id: String,
    pub agent: String,
    pub request: ActionRequest,
    pub state: ActionState,
    /// The total the agent confirmed (refunds), in the order's currency.
    #[ts(type = "{ amount: string, currency: string } | null")]
    pub expected_total: Option<Money>,
    #[ts(type = "number")]
    pub attempts: i64,
    pub last_error: Option<String>,
    pub result: Option<ActionResult>,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub updated_at: String,
    pub sent_at: Option<String>,
}

/// Shopify's suggestion for exactly the selected lines and shipping, in the order's currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RefundPreview {
    pub order_id: String,
    pub order_name: String,
    pub currency: String,
    #[ts(type = "{ amount: string, currency: string }")]
    pub subtotal: Money,
    #[ts(type = "{ amount: string, currency: string }")]
    pub tax: Money,
    #[ts(type = "{ amount: string, currency: string }")]
    pub shipping: Money,
    /// What the customer gets back: subtotal + tax + shipping.
    #[ts(type = "{ amount: string, currency: string }")]
    pub total: Money,
    /// The most that can still be refunded on the order.
    #[ts(type = "{ amount: string, currency: string }")]
    pub maximum_refundable: Money,
    #[ts(type = "{ amount: string, currency: string }")]
    pub maximum_refundable_shipping: Money,
    pub lines: Vec<RefundableLine>,
    pub transactions: Vec<SuggestedTransaction>,
    /// Above the agent's refund limit: submitting needs the owner's approval.
    pub exceeds_limit: bool,
    /// The agent's limit, when one is set.
    #[ts(type = "{ amount: string, currency: string } | null")]
    pub limit: Option<Money>,
    /// Shopify couldn't be reached: the amounts are estimated from the local copy of the
    /// order, and Shopify's own amount is checked against them before the refund is sent.
    #[serde(default)]
    pub estimated_from_local_copy: bool,
}

/// What cancelling an order with a refund gives back, before the agent confirms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CancelPreview {
    pub order_id: String,
    pub order_name: String,
    pub currency: String,
    /// Everything captured less what was already refunded.
    #[ts(type = "{ amount: string, currency: string }")]
    pub refund: Money,
    /// Above the agent's refund limit: cancelling with a refund needs the owner's approval.
    pub exceeds_limit: bool,
    #[ts(type = "{ amount: string, currency: string } | null")]
    pub limit: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RefundableLine {
    pub line_item_id: String,
    pub name: String,
    #[ts(type = "number")]
    pub refundable_quantity: i64,
    /// Selected in the preview.
    #[ts(type = "number")]
    pub quantity: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SuggestedTransaction {
    pub gateway: String,
    /// REFUND.
    pub kind: String,
    pub parent_id: Option<String>,
    #[ts(type = "{ amount: string, currency: string }")]
    pub amount: Money,
}

/// Whether one action may be offered on an order; `Denied` carries the hover text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "status", content = "reason", rename_all = "camelCase")]
#[ts(export)]
pub enum Availability {
    Allowed,
    Denied(String),
}

impl Availability {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Availability::Allowed)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OrderActionsAllowed {
    pub refund: Availability,
    pub cancel: Availability,
    pub replacement: Availability,
    pub edit: Availability,
}

/// The per-agent refund limit: refunds above it need [`OwnerApproval`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RefundLimit {
    #[ts(type = "{ amount: string, currency: string }")]
    pub limit: Money,
}
