//! Mutation inputs as plain serde structs in Shopify's input shapes (camelCase). The engine
//! stores them before sending, so every retry of an action sends the same bytes.

use serde::{Deserialize, Serialize};

/// `RefundInput`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundPlan {
    pub order_id: String,
    /// The presentment currency, which the amounts below are in.
    pub currency: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub notify: bool,
    pub refund_line_items: Vec<RefundLinePlan>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping: Option<ShippingPlan>,
    pub transactions: Vec<TransactionPlan>,
}

/// `RefundLineItemInput`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundLinePlan {
    pub line_item_id: String,
    pub quantity: i64,
    /// `NO_RESTOCK`, `CANCEL` (unfulfilled units) or `RETURN` (fulfilled units).
    pub restock_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_id: Option<String>,
}

/// `ShippingRefundInput`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingPlan {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_refund: Option<bool>,
    /// Decimal text in the presentment currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
}

/// `OrderTransactionInput`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransactionPlan {
    pub order_id: String,
    pub amount: String,
    pub gateway: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
}

/// `orderCancel`'s arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancelPlan {
    pub order_id: String,
    /// `OrderCancelReason`.
    pub reason: String,
    pub refund: bool,
    pub restock: bool,
    pub notify_customer: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staff_note: Option<String>,
}

/// `OrderInput` (note and shipping address; tags go through `tagsAdd`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderUpdatePlan {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_address: Option<super::MailingAddress>,
}

/// `DraftOrderInput` for a replacement: every line at 100 % off, shipping free.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DraftOrderPlan {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchasing_entity: Option<PurchasingEntityPlan>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub line_items: Vec<DraftLinePlan>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_address: Option<super::MailingAddress>,
    pub shipping_line: ShippingLinePlan,
    pub note: String,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PurchasingEntityPlan {
    pub customer_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DraftLinePlan {
    pub variant_id: String,
    pub quantity: i64,
    pub applied_discount: DiscountPlan,
}

/// `DraftOrderAppliedDiscountInput`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DiscountPlan {
    pub value: f64,
    /// `PERCENTAGE`.
    pub value_type: String,
    pub title: String,
}

impl DiscountPlan {
    /// 100 % off: a percentage, not money, so no float ever holds an amount.
    pub fn full(title: &str) -> DiscountPlan {
        DiscountPlan {
            value: 100.0,
            value_type: "PERCENTAGE".into(),
            title: title.into(),
        }
    }
}

/// `ShippingLineInput`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingLinePlan {
    pub title: String,
    pub price: String,
}
