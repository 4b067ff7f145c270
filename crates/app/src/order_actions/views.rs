//! What the order-action dialogs need over IPC (the engine's own request/record types are
//! exported by `shopdesk-actions`).

use serde::{Deserialize, Serialize};
use shopdesk_actions::{AddressInput, OrderActionsAllowed};
use ts_rs::TS;

/// Everything the Refund / Replacement / Cancel / Edit dialogs of one order show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OrderActionsView {
    pub order_id: String,
    pub order_name: String,
    /// The currency refunds are made in (the customer's).
    pub currency: String,
    /// Which buttons to enable, with the reason as hover text when not.
    pub allowed: OrderActionsAllowed,
    pub line_items: Vec<ActionLineItemView>,
    /// Where restocked items can go, active first (empty when Shopify can't be reached).
    pub locations: Vec<LocationView>,
    pub shipping_address: Option<AddressInput>,
    pub note: Option<String>,
    pub tags: Vec<String>,
    /// `false`: Shopify can't be reached now; the dialogs offer "Send when online".
    pub online: bool,
    /// Why Shopify can't be reached, as a sentence.
    pub offline_reason: Option<String>,
    /// Order actions need a Shopify connection (demo or a connected store).
    pub enabled: bool,
    pub agent: AgentSettingsView,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionLineItemView {
    pub line_item_id: String,
    pub name: String,
    pub variant_title: Option<String>,
    #[ts(type = "number")]
    pub quantity: i64,
    #[ts(type = "number")]
    pub refundable_quantity: i64,
    /// Refunded so far (quantity − refundable).
    #[ts(type = "number")]
    pub refunded_quantity: i64,
    pub variant_id: Option<String>,
    pub product_id: Option<String>,
    /// The variants of the same product a replacement may send (this one first).
    pub variants: Vec<VariantOptionView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct VariantOptionView {
    pub variant_id: String,
    pub title: String,
    /// `None`: stock not tracked or unknown (offline).
    #[ts(type = "number | null")]
    pub available: Option<i64>,
    /// `false`: out of stock and the shop doesn't sell it then; the option is disabled.
    pub in_stock: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LocationView {
    pub id: String,
    pub name: String,
}

/// An internal note on a ticket (never sent to the customer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TicketNoteView {
    #[ts(type = "number")]
    pub id: i64,
    pub author: String,
    pub body: String,
    #[ts(type = "number | null")]
    pub action_id: Option<i64>,
    /// RFC 3339 UTC.
    pub created_at: String,
}

/// The agent acting in Shopdesk and the most they may refund without the owner's approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AgentSettingsView {
    pub name: String,
    /// Decimal text in the shop's currency ("100.00"); `None` = no limit.
    pub refund_limit: Option<String>,
    /// The shop's currency code ("EUR"); the limit is in it.
    pub currency: String,
}

/// The buttons of one order card, from the local copy (no network): cheap for every card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OrderAvailabilityView {
    pub order_id: String,
    pub allowed: OrderActionsAllowed,
    /// Order actions need a Shopify connection (demo or a connected store).
    pub enabled: bool,
    /// "Replacement for #1001 (ticket 42)" when this order is a replacement Shopdesk sent.
    pub replacement_for: Option<String>,
}
