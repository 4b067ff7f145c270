//! The calls behind order actions (refunds, replacements, cancellations, edits).
//!
//! Documents are `graphql/action_*.graphql`, generated and schema-checked like the others. The
//! mutation inputs are plain serde structs ([`plans`]) that the action engine stores as JSON
//! before sending, so a retry sends exactly the same input; they are sent as the documents'
//! variables as they are (see [`json_query`]).
//!
//! A mutation's failure is a [`MutationError`]: `NotApplied` when Shopify certainly did not run
//! it (no connection, 429, THROTTLED, a refused document), `Unknown` when it may have (timeout,
//! a dropped or cut-short answer, a 5xx), `Rejected` with Shopify's user errors. The client
//! never retries a mutation after an answer that may hide a success: that is for the caller
//! to reconcile (with the idempotency key, or by reading the result back).

mod calls;
mod customer;
mod drafts;
mod order_state;
pub mod plans;
mod variants;

use crate::ShopifyError;
use crate::TransportKind;

pub use calls::{CreatedRefund, ShippingChoice, SuggestedRefund, SuggestedTransactionInfo};
pub use drafts::{DraftOrderInfo, TaggedOrder, VariantInfo};
pub use order_state::{
    ActionLineItem, ActionOrder, ActionRefund, ActionTransaction, LocationInfo, MailingAddress,
};
pub use plans::{
    CancelPlan, DraftLinePlan, DraftOrderPlan, OrderUpdatePlan, RefundLinePlan, RefundPlan,
    ShippingPlan, TransactionPlan,
};
pub use variants::{VariantOption, PRODUCT_VARIANTS_DOCUMENT};

/// One of Shopify's `userErrors` (`field` path and message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserError {
    pub field: Vec<String>,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MutationError {
    /// Shopify certainly did not run it: safe to send again later.
    #[error("{0}")]
    NotApplied(ShopifyError),
    /// It may have run: read the result back before anything else.
    #[error("{0}")]
    Unknown(ShopifyError),
    /// Shopify ran the checks and refused; nothing changed.
    #[error("Shopify refused the change: {}", messages(.0))]
    Rejected(Vec<UserError>),
}

fn messages(errors: &[UserError]) -> String {
    let texts: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    texts.join("; ")
}

impl MutationError {
    /// Sorts a failed request by whether Shopify may have run the mutation.
    pub fn from_request(error: ShopifyError) -> MutationError {
        let applied_maybe = match &error {
            ShopifyError::Transport { kind, .. } => *kind != TransportKind::Connect,
            ShopifyError::Http { status, .. } => *status >= 500,
            ShopifyError::Decode { .. } | ShopifyError::Record(_) => true,
            _ => false,
        };
        if applied_maybe {
            MutationError::Unknown(error)
        } else {
            MutationError::NotApplied(error)
        }
    }
}

/// Whether a failed read means Shopify could not be reached (offline, outage, rate limit),
/// as opposed to a refusal that will not pass by waiting.
pub fn is_unreachable(error: &ShopifyError) -> bool {
    error.is_transient() || matches!(error, ShopifyError::Decode { .. })
}

/// A document sent with JSON variables: its typed answer, with the input built from the
/// [`plans`] structs instead of the generated input types.
macro_rules! json_query {
    ($name:ident, $module:ident) => {
        pub(crate) struct $name;
        impl graphql_client::GraphQLQuery for $name {
            type Variables = serde_json::Value;
            type ResponseData = crate::queries::$module::ResponseData;
            fn build_query(
                variables: Self::Variables,
            ) -> graphql_client::QueryBody<Self::Variables> {
                graphql_client::QueryBody {
                    variables,
                    query: crate::queries::$module::QUERY,
                    operation_name: crate::queries::$module::OPERATION_NAME,
                }
            }
        }
    };
}
pub(crate) use json_query;

fn user_errors<'a>(
    errors: impl IntoIterator<Item = (Option<&'a Vec<String>>, &'a str)>,
) -> Vec<UserError> {
    errors
        .into_iter()
        .map(|(field, message)| UserError {
            field: field.cloned().unwrap_or_default(),
            message: message.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_answers_are_unknown_and_refusals_not_applied() {
        let http = |status| ShopifyError::Http {
            shop: "s".into(),
            query: "ActionRefundCreate",
            status,
            retry_after: None,
        };
        assert!(matches!(
            MutationError::from_request(http(503)),
            MutationError::Unknown(_)
        ));
        assert!(matches!(
            MutationError::from_request(http(429)),
            MutationError::NotApplied(_)
        ));
        let decode = ShopifyError::Decode {
            query: "ActionRefundCreate",
            detail: "cut short".into(),
        };
        assert!(matches!(
            MutationError::from_request(decode),
            MutationError::Unknown(_)
        ));
        let throttled = ShopifyError::Throttled {
            shop: "s".into(),
            query: "ActionRefundCreate",
            cost: None,
        };
        assert!(matches!(
            MutationError::from_request(throttled),
            MutationError::NotApplied(_)
        ));
    }
}
