//! One order's fresh state for an action, its refreshed store record, and the locations.

use serde::{Deserialize, Serialize};
use serde_json::json;
use shopdesk_money::{Currency, Money};
use shopdesk_store::OrderRecord;

use super::json_query;
use crate::mapping::{order_record, same_fragment, MappingError};
use crate::queries::{order_line_items_page, OrderLineItemsPage};
use crate::{ShopifyClient, ShopifyError};

json_query!(OrderStateQuery, action_order_state);
json_query!(OrderRefreshQuery, action_order_refresh);
json_query!(LocationsQuery, action_locations);

/// What the engine checks an action against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionOrder {
    pub id: String,
    pub name: String,
    pub cancelled_at: Option<String>,
    pub financial_status: Option<String>,
    pub fulfillment_status: String,
    pub shop_currency: Currency,
    /// The currency the customer paid in; refunds are in it.
    pub currency: Currency,
    pub refundable: bool,
    pub note: Option<String>,
    pub tags: Vec<String>,
    pub updated_at: String,
    pub customer_id: Option<String>,
    pub email: Option<String>,
    pub shipping_address: Option<MailingAddress>,
    pub total_refunded: Money,
    pub line_items: Vec<ActionLineItem>,
    pub refunds: Vec<ActionRefund>,
    pub transactions: Vec<ActionTransaction>,
}

impl ActionOrder {
    pub fn line_item(&self, id: &str) -> Option<&ActionLineItem> {
        self.line_items.iter().find(|item| item.id == id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionLineItem {
    pub id: String,
    pub name: String,
    pub quantity: i64,
    pub refundable_quantity: i64,
    pub unfulfilled_quantity: i64,
    pub variant_id: Option<String>,
    pub variant_title: Option<String>,
    pub product_id: Option<String>,
    pub product_title: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRefund {
    pub id: String,
    pub note: Option<String>,
    pub created_at: Option<String>,
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionTransaction {
    pub id: String,
    pub kind: String,
    pub status: String,
    pub gateway: Option<String>,
    pub amount: Money,
    pub parent_id: Option<String>,
}

/// Shopify's `MailingAddress` as read, and `MailingAddressInput` as sent.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MailingAddress {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub province_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    /// Read as `countryCodeV2`, sent as `countryCode`.
    #[serde(alias = "countryCodeV2", skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

impl From<&shopdesk_store::ShippingAddress> for MailingAddress {
    /// An address from the local copy, as an action sends it.
    fn from(a: &shopdesk_store::ShippingAddress) -> Self {
        MailingAddress {
            first_name: a.first_name.clone(),
            last_name: a.last_name.clone(),
            company: a.company.clone(),
            address1: a.address1.clone(),
            address2: a.address2.clone(),
            city: a.city.clone(),
            province_code: a.province_code.clone(),
            zip: a.zip.clone(),
            country_code: a.country_code.clone(),
            phone: a.phone.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocationInfo {
    pub id: String,
    pub name: String,
    pub is_active: bool,
}

// The answer's JSON, read into our own shapes (the document is still checked by codegen).
#[derive(Deserialize)]
struct OrderData {
    order: Option<RawOrder>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawOrder {
    id: String,
    name: String,
    cancelled_at: Option<String>,
    display_financial_status: Option<String>,
    display_fulfillment_status: String,
    currency_code: String,
    presentment_currency_code: String,
    refundable: bool,
    note: Option<String>,
    tags: Vec<String>,
    updated_at: String,
    customer: Option<IdOnly>,
    email: Option<String>,
    shipping_address: Option<MailingAddress>,
    total_refunded_set: PresentmentSet,
    line_items: Nodes<RawLineItem>,
    refunds: Vec<RawRefund>,
    transactions: Vec<RawTransaction>,
}

#[derive(Deserialize)]
pub(crate) struct IdOnly {
    pub id: String,
}

#[derive(Deserialize)]
pub(crate) struct Nodes<T> {
    pub nodes: Vec<T>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PresentmentSet {
    pub presentment_money: RawMoney,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawMoney {
    pub amount: String,
    pub currency_code: String,
}

impl RawMoney {
    pub(crate) fn money(&self, what: &str) -> Result<Money, ShopifyError> {
        Money::parse(&self.amount, &self.currency_code).map_err(|e| ShopifyError::Decode {
            query: "order action",
            detail: format!("{what}: {e}"),
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLineItem {
    id: String,
    name: String,
    quantity: i64,
    refundable_quantity: i64,
    unfulfilled_quantity: i64,
    variant: Option<Titled>,
    product: Option<Titled>,
}

#[derive(Deserialize)]
struct Titled {
    id: String,
    title: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRefund {
    id: String,
    note: Option<String>,
    created_at: Option<String>,
    total_refunded_set: PresentmentSet,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTransaction {
    id: String,
    kind: String,
    status: String,
    gateway: Option<String>,
    amount_set: PresentmentSet,
    parent_transaction: Option<IdOnly>,
}

fn currency(code: &str) -> Result<Currency, ShopifyError> {
    code.parse()
        .map_err(|e: shopdesk_money::MoneyError| ShopifyError::Decode {
            query: "ActionOrderState",
            detail: e.to_string(),
        })
}

impl ShopifyClient {
    /// The order's fresh state; `None` when Shopify no longer has it.
    pub async fn action_order(&self, order_id: &str) -> Result<Option<ActionOrder>, ShopifyError> {
        let data: OrderData = self
            .execute_as::<OrderStateQuery, _>(json!({ "id": order_id }))
            .await?;
        let Some(o) = data.order else {
            return Ok(None);
        };
        let line_items = o
            .line_items
            .nodes
            .into_iter()
            .map(|item| ActionLineItem {
                id: item.id,
                name: item.name,
                quantity: item.quantity,
                refundable_quantity: item.refundable_quantity,
                unfulfilled_quantity: item.unfulfilled_quantity,
                variant_id: item.variant.as_ref().map(|v| v.id.clone()),
                variant_title: item.variant.map(|v| v.title),
                product_id: item.product.as_ref().map(|p| p.id.clone()),
                product_title: item.product.map(|p| p.title),
            })
            .collect();
        let refunds = o
            .refunds
            .into_iter()
            .map(|r| {
                Ok(ActionRefund {
                    total: r.total_refunded_set.presentment_money.money("refund")?,
                    id: r.id,
                    note: r.note,
                    created_at: r.created_at,
                })
            })
            .collect::<Result<_, ShopifyError>>()?;
        let transactions = o
            .transactions
            .into_iter()
            .map(|t| {
                Ok(ActionTransaction {
                    amount: t.amount_set.presentment_money.money("transaction")?,
                    id: t.id,
                    kind: t.kind,
                    status: t.status,
                    gateway: t.gateway,
                    parent_id: t.parent_transaction.map(|p| p.id),
                })
            })
            .collect::<Result<_, ShopifyError>>()?;
        Ok(Some(ActionOrder {
            total_refunded: o.total_refunded_set.presentment_money.money("refunded")?,
            shop_currency: currency(&o.currency_code)?,
            currency: currency(&o.presentment_currency_code)?,
            id: o.id,
            name: o.name,
            cancelled_at: o.cancelled_at,
            financial_status: o.display_financial_status,
            fulfillment_status: o.display_fulfillment_status,
            refundable: o.refundable,
            note: o.note,
            tags: o.tags,
            updated_at: o.updated_at,
            customer_id: o.customer.map(|c| c.id),
            email: o.email,
            shipping_address: o.shipping_address,
            line_items,
            refunds,
            transactions,
        }))
    }

    /// The order as the store keeps it (same mapping as the sync's pages), to write after an
    /// action, with all its line items; `None` when Shopify no longer has it.
    pub async fn refreshed_order_record(
        &self,
        shop_id: &str,
        order_id: &str,
    ) -> Result<Option<OrderRecord>, ShopifyError> {
        let data = self
            .execute::<OrderRefreshQuery>(json!({ "id": order_id }))
            .await?;
        let Some(order) = data.order else {
            return Ok(None);
        };
        let fields: crate::queries::orders_page::OrderFields = same_fragment(&order)
            .map_err(|e| MappingError::new(format!("order {order_id}"), e.to_string()))?;
        // The store replaces an order's line items: bring all of them, not the first page.
        let mut more = Vec::new();
        let mut page = fields.line_items.page_info.clone();
        while page.has_next_page {
            let variables = order_line_items_page::Variables {
                id: order_id.to_string(),
                after: page.end_cursor.clone(),
            };
            let Some(found) = self.execute::<OrderLineItemsPage>(variables).await?.order else {
                return Ok(None);
            };
            for item in &found.line_items.nodes {
                more.push(
                    same_fragment(item).map_err(|e| {
                        MappingError::new(format!("order {order_id}"), e.to_string())
                    })?,
                );
            }
            page.has_next_page = found.line_items.page_info.has_next_page;
            page.end_cursor = found.line_items.page_info.end_cursor;
        }
        Ok(Some(order_record(shop_id, fields, more)?))
    }

    /// The shop's locations (where restocked items can go), active first.
    pub async fn locations(&self) -> Result<Vec<LocationInfo>, ShopifyError> {
        #[derive(Deserialize)]
        struct Data {
            locations: Nodes<RawLocation>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct RawLocation {
            id: String,
            name: String,
            is_active: bool,
        }
        let data: Data = self.execute_as::<LocationsQuery, _>(json!({})).await?;
        let mut locations: Vec<LocationInfo> = data
            .locations
            .nodes
            .into_iter()
            .map(|l| LocationInfo {
                id: l.id,
                name: l.name,
                is_active: l.is_active,
            })
            .collect();
        locations.sort_by_key(|l| !l.is_active);
        Ok(locations)
    }
}
