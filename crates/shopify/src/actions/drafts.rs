//! Replacement orders through draft orders, found again by their tag, and variants' stock.

use serde::Deserialize;
use serde_json::json;

use super::calls::missing;
use super::order_state::Nodes;
use super::plans::DraftOrderPlan;
use super::{json_query, user_errors, MutationError};
use crate::{ShopifyClient, ShopifyError};

json_query!(DraftCreateMutation, action_draft_order_create);
json_query!(DraftCompleteMutation, action_draft_order_complete);
json_query!(DraftOrderQuery, action_draft_order);
json_query!(DraftsByTagQuery, action_draft_orders_by_tag);
json_query!(OrdersByTagQuery, action_orders_by_tag);
json_query!(VariantQuery, action_variant);

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DraftOrderInfo {
    pub id: String,
    pub name: String,
    /// `OPEN`, `INVOICE_SENT`, `COMPLETED`.
    pub status: String,
    pub tags: Vec<String>,
    /// The order it became, once completed.
    pub order: Option<TaggedOrder>,
}

impl DraftOrderInfo {
    pub fn is_completed(&self) -> bool {
        self.status == "COMPLETED" || self.order.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TaggedOrder {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantInfo {
    pub id: String,
    pub title: String,
    pub display_name: String,
    /// `None` when inventory is not tracked.
    pub inventory_quantity: Option<i64>,
    /// `DENY` or `CONTINUE` (sell when out of stock).
    pub inventory_policy: String,
    pub product_id: String,
    pub product_title: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Payload {
    draft_order: Option<DraftOrderInfo>,
    user_errors: Vec<RawUserError>,
}

#[derive(Deserialize)]
struct RawUserError {
    field: Option<Vec<String>>,
    message: String,
}

fn settle(payload: Option<Payload>, what: &'static str) -> Result<DraftOrderInfo, MutationError> {
    let payload = payload.ok_or_else(|| missing(what))?;
    if !payload.user_errors.is_empty() {
        return Err(MutationError::Rejected(user_errors(
            payload
                .user_errors
                .iter()
                .map(|e| (e.field.as_ref(), e.message.as_str())),
        )));
    }
    payload.draft_order.ok_or_else(|| missing(what))
}

/// Shopify's search syntax for one exact tag.
fn tag_query(tag: &str) -> String {
    format!("tag:'{}'", tag.replace('\'', ""))
}

impl ShopifyClient {
    /// `draftOrderCreate` (not idempotent: the plan carries the action's tag).
    pub async fn draft_order_create(
        &self,
        plan: &DraftOrderPlan,
    ) -> Result<DraftOrderInfo, MutationError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Data {
            draft_order_create: Option<Payload>,
        }
        let data: Data = self
            .execute_as::<DraftCreateMutation, _>(json!({ "input": plan }))
            .await
            .map_err(MutationError::from_request)?;
        settle(data.draft_order_create, "draftOrderCreate")
    }

    /// `draftOrderComplete` with nothing to pay.
    pub async fn draft_order_complete(&self, id: &str) -> Result<DraftOrderInfo, MutationError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Data {
            draft_order_complete: Option<Payload>,
        }
        let data: Data = self
            .execute_as::<DraftCompleteMutation, _>(json!({ "id": id }))
            .await
            .map_err(MutationError::from_request)?;
        settle(data.draft_order_complete, "draftOrderComplete")
    }

    pub async fn draft_order(&self, id: &str) -> Result<Option<DraftOrderInfo>, ShopifyError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Data {
            draft_order: Option<DraftOrderInfo>,
        }
        let data: Data = self
            .execute_as::<DraftOrderQuery, _>(json!({ "id": id }))
            .await?;
        Ok(data.draft_order)
    }

    /// Draft orders carrying `tag` (exactly).
    pub async fn draft_orders_tagged(
        &self,
        tag: &str,
    ) -> Result<Vec<DraftOrderInfo>, ShopifyError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Data {
            draft_orders: Nodes<DraftOrderInfo>,
        }
        let data: Data = self
            .execute_as::<DraftsByTagQuery, _>(json!({ "query": tag_query(tag) }))
            .await?;
        Ok(data
            .draft_orders
            .nodes
            .into_iter()
            .filter(|d| d.tags.iter().any(|t| t == tag))
            .collect())
    }

    /// Orders carrying `tag` (exactly).
    pub async fn orders_tagged(&self, tag: &str) -> Result<Vec<TaggedOrder>, ShopifyError> {
        #[derive(Deserialize)]
        struct Data {
            orders: Nodes<TaggedOrder>,
        }
        let data: Data = self
            .execute_as::<OrdersByTagQuery, _>(json!({ "query": tag_query(tag) }))
            .await?;
        Ok(data
            .orders
            .nodes
            .into_iter()
            .filter(|o| o.tags.iter().any(|t| t == tag))
            .collect())
    }

    /// A variant with its product and stock; `None` when it does not exist.
    pub async fn variant(&self, id: &str) -> Result<Option<VariantInfo>, ShopifyError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Data {
            product_variant: Option<RawVariant>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct RawVariant {
            id: String,
            title: String,
            display_name: String,
            inventory_quantity: Option<i64>,
            inventory_policy: String,
            product: RawProduct,
        }
        #[derive(Deserialize)]
        struct RawProduct {
            id: String,
            title: String,
        }
        let data: Data = self
            .execute_as::<VariantQuery, _>(json!({ "id": id }))
            .await?;
        Ok(data.product_variant.map(|v| VariantInfo {
            id: v.id,
            title: v.title,
            display_name: v.display_name,
            inventory_quantity: v.inventory_quantity,
            inventory_policy: v.inventory_policy,
            product_id: v.product.id,
            product_title: v.product.title,
        }))
    }
}
