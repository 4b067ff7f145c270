//! Refund preview and creation, cancellation, and order updates.

use serde::Deserialize;
use serde_json::json;
use shopdesk_money::Money;

use super::order_state::{IdOnly, PresentmentSet};
use super::plans::{CancelPlan, OrderUpdatePlan, RefundLinePlan, RefundPlan};
use super::{json_query, user_errors, MutationError, UserError};
use crate::{ShopifyClient, ShopifyError};

json_query!(SuggestedRefundQuery, action_suggested_refund);
json_query!(RefundCreateMutation, action_refund_create);
json_query!(OrderCancelMutation, action_order_cancel);
json_query!(JobQuery, action_job);
json_query!(OrderUpdateMutation, action_order_update);
json_query!(TagsAddMutation, action_tags_add);

/// Which shipping to include in a refund preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShippingChoice {
    None,
    Full,
    Amount(Money),
}

/// Shopify's `suggestedRefund`, in the order's presentment currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuggestedRefund {
    pub order_name: String,
    pub total: Money,
    pub maximum_refundable: Money,
    pub subtotal: Money,
    pub tax: Money,
    pub shipping: Money,
    pub maximum_refundable_shipping: Money,
    pub transactions: Vec<SuggestedTransactionInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuggestedTransactionInfo {
    pub gateway: Option<String>,
    pub kind: String,
    pub amount: Money,
    pub parent_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedRefund {
    pub id: String,
    pub note: Option<String>,
    pub total: Money,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawUserError {
    field: Option<Vec<String>>,
    message: String,
}

fn rejected(errors: &[RawUserError]) -> Vec<UserError> {
    user_errors(
        errors
            .iter()
            .map(|e| (e.field.as_ref(), e.message.as_str())),
    )
}

impl ShopifyClient {
    /// `Order.suggestedRefund` for exactly these lines and this shipping; `None` when the
    /// order is gone.
    pub async fn suggested_refund(
        &self,
        order_id: &str,
        lines: &[RefundLinePlan],
        shipping: &ShippingChoice,
    ) -> Result<Option<SuggestedRefund>, ShopifyError> {
        #[derive(Deserialize)]
        struct Data {
            order: Option<RawOrder>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct RawOrder {
            name: String,
            suggested_refund: Option<RawSuggestion>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct RawSuggestion {
            amount_set: PresentmentSet,
            maximum_refundable_set: PresentmentSet,
            subtotal_set: PresentmentSet,
            total_tax_set: PresentmentSet,
            shipping: RawShipping,
            suggested_transactions: Vec<RawTransaction>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct RawShipping {
            amount_set: PresentmentSet,
            maximum_refundable_set: PresentmentSet,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct RawTransaction {
            gateway: Option<String>,
            kind: String,
            amount_set: PresentmentSet,
            parent_transaction: Option<IdOnly>,
        }
        let (refund_shipping, shipping_amount) = match shipping {
            ShippingChoice::None => (false, None),
            ShippingChoice::Full => (true, None),
            ShippingChoice::Amount(amount) => (false, Some(amount.amount_string())),
        };
        let data: Data = self
            .execute_as::<SuggestedRefundQuery, _>(json!({
                "id": order_id,
                "lines": lines,
                "refundShipping": refund_shipping,
                "shippingAmount": shipping_amount,
            }))
            .await?;
        let Some(order) = data.order else {
            return Ok(None);
        };
        let Some(s) = order.suggested_refund else {
            return Ok(None);
        };
        let money = |set: &PresentmentSet, what: &str| set.presentment_money.money(what);
        Ok(Some(SuggestedRefund {
            order_name: order.name,
            total: money(&s.amount_set, "amount")?,
            maximum_refundable: money(&s.maximum_refundable_set, "maximum refundable")?,
            subtotal: money(&s.subtotal_set, "subtotal")?,
            tax: money(&s.total_tax_set, "tax")?,
            shipping: money(&s.shipping.amount_set, "shipping")?,
            maximum_refundable_shipping: money(
                &s.shipping.maximum_refundable_set,
                "refundable shipping",
            )?,
            transactions: s
                .suggested_transactions
                .iter()
                .map(|t| {
                    Ok(SuggestedTransactionInfo {
                        gateway: t.gateway.clone(),
                        kind: t.kind.clone(),
                        amount: money(&t.amount_set, "transaction")?,
                        parent_id: t.parent_transaction.as_ref().map(|p| p.id.clone()),
                    })
                })
                .collect::<Result<_, ShopifyError>>()?,
        }))
    }

    /// `refundCreate @idempotent(key:)`: the same key and plan again returns the first result.
    pub async fn refund_create(
        &self,
        plan: &RefundPlan,
        key: &str,
    ) -> Result<CreatedRefund, MutationError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Data {
            refund_create: Option<Payload>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Payload {
            refund: Option<RawRefund>,
            user_errors: Vec<RawUserError>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct RawRefund {
            id: String,
            note: Option<String>,
            total_refunded_set: PresentmentSet,
        }
        let data: Data = self
            .execute_as::<RefundCreateMutation, _>(json!({ "input": plan, "key": key }))
            .await
            .map_err(MutationError::from_request)?;
        let payload = data.refund_create.ok_or_else(|| missing("refundCreate"))?;
        if !payload.user_errors.is_empty() {
            return Err(MutationError::Rejected(rejected(&payload.user_errors)));
        }
        let refund = payload
            .refund
            .ok_or_else(|| missing("refundCreate.refund"))?;
        Ok(CreatedRefund {
            total: refund
                .total_refunded_set
                .presentment_money
                .money("refund")
                .map_err(MutationError::Unknown)?,
            id: refund.id,
            note: refund.note,
        })
    }

    /// `orderCancel`; returns the job's id (the cancellation runs asynchronously).
    pub async fn order_cancel(&self, plan: &CancelPlan) -> Result<Option<String>, MutationError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Data {
            order_cancel: Option<Payload>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Payload {
            job: Option<IdOnly>,
            order_cancel_user_errors: Vec<RawUserError>,
        }
        let data: Data = self
            .execute_as::<OrderCancelMutation, _>(serde_json::to_value(plan).unwrap_or_default())
            .await
            .map_err(MutationError::from_request)?;
        let payload = data.order_cancel.ok_or_else(|| missing("orderCancel"))?;
        if !payload.order_cancel_user_errors.is_empty() {
            return Err(MutationError::Rejected(rejected(
                &payload.order_cancel_user_errors,
            )));
        }
        Ok(payload.job.map(|job| job.id))
    }

    /// Whether a job has finished; `None` when Shopify does not know it.
    pub async fn job_done(&self, job_id: &str) -> Result<Option<bool>, ShopifyError> {
        #[derive(Deserialize)]
        struct Data {
            job: Option<Job>,
        }
        #[derive(Deserialize)]
        struct Job {
            done: bool,
        }
        let data: Data = self
            .execute_as::<JobQuery, _>(json!({ "id": job_id }))
            .await?;
        Ok(data.job.map(|job| job.done))
    }

    /// `orderUpdate` (an overwrite: safe to send again).
    pub async fn order_update(&self, plan: &OrderUpdatePlan) -> Result<(), MutationError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Data {
            order_update: Option<Payload>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Payload {
            user_errors: Vec<RawUserError>,
        }
        let data: Data = self
            .execute_as::<OrderUpdateMutation, _>(json!({ "input": plan }))
            .await
            .map_err(MutationError::from_request)?;
        let payload = data.order_update.ok_or_else(|| missing("orderUpdate"))?;
        if !payload.user_errors.is_empty() {
            return Err(MutationError::Rejected(rejected(&payload.user_errors)));
        }
        Ok(())
    }

    /// `tagsAdd` (merges: safe to send again).
    pub async fn tags_add(&self, id: &str, tags: &[String]) -> Result<(), MutationError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Data {
            tags_add: Option<Payload>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Payload {
            user_errors: Vec<RawUserError>,
        }
        let data: Data = self
            .execute_as::<TagsAddMutation, _>(json!({ "id": id, "tags": tags }))
            .await
            .map_err(MutationError::from_request)?;
        let payload = data.tags_add.ok_or_else(|| missing("tagsAdd"))?;
        if !payload.user_errors.is_empty() {
            return Err(MutationError::Rejected(rejected(&payload.user_errors)));
        }
        Ok(())
    }
}

/// A payload that should be there and is not: the mutation may have run.
pub(crate) fn missing(what: &'static str) -> MutationError {
    MutationError::Unknown(ShopifyError::Decode {
        query: what,
        detail: format!("the answer holds no {what}"),
    })
}
