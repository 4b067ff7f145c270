//! Plain records going in and out of the store. Shopify ids are GIDs
//! (`gid://shopify/Order/1001`); timestamps are RFC 3339 UTC strings.

use serde::{Deserialize, Serialize};
use shopdesk_money::{Currency, Money};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopRecord {
    pub id: String,
    pub domain: String,
    pub name: String,
    pub currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRecord {
    pub id: String,
    pub shop_id: String,
    pub display_name: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub number_of_orders: i64,
    pub amount_spent: Money,
    pub tags: Vec<String>,
    pub note: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRecord {
    pub id: String,
    pub shop_id: String,
    pub customer_id: Option<String>,
    pub name: String,
    pub email: Option<String>,
    pub created_at: String,
    pub processed_at: String,
    pub updated_at: String,
    pub cancelled_at: Option<String>,
    pub cancel_reason: Option<String>,
    pub closed_at: Option<String>,
    /// Shopify's `displayFinancialStatus` (PAID, PARTIALLY_REFUNDED, ...), kept as sent: Shopify
    /// adds values, and an unknown one must not stop a sync.
    pub financial_status: String,
    /// Shopify's `displayFulfillmentStatus` (FULFILLED, UNFULFILLED, ...).
    pub fulfillment_status: String,
    pub presentment_currency: Currency,
    /// All amounts below are in the shop's currency (`shopMoney`).
    pub subtotal: Money,
    pub shipping: Money,
    pub tax: Money,
    pub total: Money,
    pub current_total: Money,
    pub refunded: Money,
    /// The total the customer saw, in the presentment currency.
    pub presentment_total: Money,
    pub note: Option<String>,
    pub tags: Vec<String>,
    pub shipping_address: Option<ShippingAddress>,
    pub status_page_url: Option<String>,
    pub line_items: Vec<LineItemRecord>,
    pub fulfillments: Vec<FulfillmentRecord>,
    pub refunds: Vec<RefundRecord>,
}

/// An order's shipping address: Shopify's `MailingAddress` as read, stored as its JSON
/// (camelCase, the country code as `countryCodeV2`). A field missing from a stored address
/// reads as absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ShippingAddress {
    pub name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub address1: Option<String>,
    pub address2: Option<String>,
    pub city: Option<String>,
    pub province: Option<String>,
    pub province_code: Option<String>,
    pub zip: Option<String>,
    pub country: Option<String>,
    #[serde(rename = "countryCodeV2")]
    pub country_code: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineItemRecord {
    pub id: String,
    pub name: String,
    pub sku: Option<String>,
    pub variant_title: Option<String>,
    pub quantity: i64,
    pub current_quantity: i64,
    pub refundable_quantity: i64,
    pub unfulfilled_quantity: i64,
    pub unit_price: Money,
    pub variant_id: Option<String>,
    pub product_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FulfillmentRecord {
    pub id: String,
    pub status: String,
    pub display_status: Option<String>,
    pub created_at: String,
    pub delivered_at: Option<String>,
    pub tracking: Vec<TrackingRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackingRecord {
    pub company: Option<String>,
    pub number: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRecord {
    pub id: String,
    pub created_at: String,
    pub note: Option<String>,
    pub amount: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TicketStatus {
    Open,
    Pending,
    Closed,
}

impl TicketStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            TicketStatus::Open => "open",
            TicketStatus::Pending => "pending",
            TicketStatus::Closed => "closed",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(TicketStatus::Open),
            "pending" => Some(TicketStatus::Pending),
            "closed" => Some(TicketStatus::Closed),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// From the customer to the shop.
    Inbound,
    /// From the shop to the customer.
    Outbound,
}

impl Direction {
    pub fn as_str(&self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "inbound" => Some(Direction::Inbound),
            "outbound" => Some(Direction::Outbound),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketRecord {
    pub id: i64,
    pub token: String,
    pub subject: String,
    pub status: TicketStatus,
    pub customer_id: Option<String>,
    pub customer_email: String,
    pub customer_name: Option<String>,
    pub created_at: String,
    pub last_message_at: String,
}

/// A ticket as the inbox list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketSummaryRow {
    pub ticket: TicketRecord,
    pub message_count: u32,
    /// The start of the newest message's text.
    pub preview: String,
    /// The ticket's headline order, by name ("#1001"): the newest it mentions, else the newest
    /// made from it (a replacement).
    pub order_name: Option<String>,
}

/// A message to store, as parsed from a mail (or as raw bytes only when parsing failed).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewMessage {
    /// Message-ID without angle brackets; `None` when the mail had none or was unparseable.
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub direction: Option<Direction>,
    pub from_address: String,
    pub from_name: Option<String>,
    pub to_addresses: Vec<String>,
    pub subject: String,
    pub sent_at: String,
    pub body_text: String,
    /// Already sanitized HTML; the raw mail keeps the original.
    pub body_html: Option<String>,
    pub raw: Vec<u8>,
    pub parse_error: Option<String>,
    pub source: String,
    pub attachments: Vec<NewAttachment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub filename: String,
    pub content_type: String,
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    pub id: i64,
    pub ticket_id: Option<i64>,
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub direction: Direction,
    pub from_address: String,
    pub from_name: Option<String>,
    pub to_addresses: Vec<String>,
    pub subject: String,
    pub sent_at: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub parse_error: Option<String>,
    pub source: String,
    pub received_at: String,
    pub attachments: Vec<AttachmentRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRecord {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
}

/// Where an incoming message goes: decided by the mail crate's threading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketTarget {
    Existing(i64),
    New(NewTicket),
    /// Kept but attached to no ticket (e.g. a raw, unparseable mail with no sender).
    None,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTicket {
    pub token: String,
    pub subject: String,
    pub customer_id: Option<String>,
    pub customer_email: String,
    pub customer_name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IngestOutcome {
    pub message_row_id: i64,
    pub ticket_id: Option<i64>,
    pub created_ticket: bool,
    /// The message was already stored (same Message-ID): nothing was written.
    pub duplicate: bool,
    /// An inbound message reopened a closed ticket.
    pub reopened: bool,
}
