//! Before any send: the order is re-read and the request checked against its fresh state,
//! then the exact plan is built. At submit a failed check is an error for the dialog; for a
//! queued action (or one being reconciled) it holds the action with the same sentence.

use shopdesk_money::Money;
use shopdesk_shopify::actions::{is_unreachable, ActionOrder};
use shopdesk_shopify::{ShopifyClient, ShopifyError};

use crate::error::InvalidRequest;
use crate::plan::{self, shipping_choice, ActionPlan};
use crate::types::{ActionRequest, RefundRequest, ReplacementRequest};
use crate::validate;

pub(crate) enum PrepareError {
    /// Shopify can't be reached now.
    Unreachable(ShopifyError),
    Shopify(ShopifyError),
    Invalid(InvalidRequest),
}

impl From<InvalidRequest> for PrepareError {
    fn from(error: InvalidRequest) -> Self {
        PrepareError::Invalid(error)
    }
}

impl From<ShopifyError> for PrepareError {
    fn from(error: ShopifyError) -> Self {
        if is_unreachable(&error) {
            PrepareError::Unreachable(error)
        } else {
            PrepareError::Shopify(error)
        }
    }
}

/// A checked action: its plan and, for a refund, Shopify's total for it.
pub(crate) struct Prepared {
    pub plan: ActionPlan,
    pub total: Option<Money>,
}

/// `at_submit`: the agent is looking at the dialog (a refund of a cancelled order is their
/// choice); otherwise the order changed behind a queued action and cancellation holds it.
pub(crate) async fn prepare(
    client: &ShopifyClient,
    request: &ActionRequest,
    key: &str,
    ticket_id: Option<i64>,
    expected: Option<&Money>,
    at_submit: bool,
) -> Result<Prepared, PrepareError> {
    let order = client
        .action_order(request.order_id())
        .await?
        .ok_or_else(|| InvalidRequest::OrderNotFound {
            order: request.order_id().into(),
        })?;
    match request {
        ActionRequest::Refund(r) => refund(client, r, key, order, expected, at_submit).await,
        ActionRequest::Replacement(r) => replacement(client, r, key, order, ticket_id).await,
        ActionRequest::Cancel(r) => {
            validate::cancel(r, &order)?;
            // The money a refunding cancel moves is checked like a refund's (limit, approval).
            let total = r.refund.then(|| validate::cancel_refund(&order));
            if let (Some(expected), Some(now), false) = (expected, &total, at_submit) {
                if !validate::same_amount(expected, now) {
                    return Err(InvalidRequest::AmountChanged {
                        confirmed: expected.to_string(),
                        now: now.to_string(),
                    }
                    .into());
                }
            }
            Ok(Prepared {
                plan: plan::cancel(r, &order),
                total: total.filter(|t| !t.is_zero()),
            })
        }
        ActionRequest::Edit(r) => {
            validate::edit(r, &order)?;
            Ok(Prepared {
                plan: plan::edit(r, &order),
                total: None,
            })
        }
    }
}

async fn refund(
    client: &ShopifyClient,
    request: &RefundRequest,
    key: &str,
    order: ActionOrder,
    expected: Option<&Money>,
    at_submit: bool,
) -> Result<Prepared, PrepareError> {
    if !at_submit && order.cancelled_at.is_some() {
        return Err(InvalidRequest::OrderCancelled {
            order: order.name.clone(),
            what: "refunded by this queued action",
        }
        .into());
    }
    validate::refund(request, &order)?;
    let location = if request.lines.iter().any(|l| l.restock) {
        match &request.restock_location_id {
            Some(id) => Some(id.clone()),
            None => match client.locations().await {
                Ok(locations) => locations.into_iter().find(|l| l.is_active).map(|l| l.id),
                Err(e) if is_unreachable(&e) => return Err(PrepareError::Unreachable(e)),
                // A shop that can't list locations restocks at its default one.
                Err(_) => None,
            },
        }
    } else {
        None
    };
    let lines = plan::refund_lines(request, &order, location.as_deref());
    let suggestion = client
        .suggested_refund(&order.id, &lines, &shipping_choice(&request.shipping))
        .await?
        .ok_or_else(|| InvalidRequest::OrderNotFound {
            order: order.name.clone(),
        })?;
    validate::refund_amounts(request, &suggestion)?;
    if let Some(expected) = expected.or(request.confirmed_total.as_ref()) {
        validate::same_currency(expected, order.currency, &order.name)?;
        if !validate::same_amount(expected, &suggestion.total) {
            return Err(InvalidRequest::AmountChanged {
                confirmed: expected.to_string(),
                now: suggestion.total.to_string(),
            }
            .into());
        }
    }
    Ok(Prepared {
        plan: plan::refund(request, key, &order, lines, &suggestion),
        total: Some(suggestion.total),
    })
}

async fn replacement(
    client: &ShopifyClient,
    request: &ReplacementRequest,
    key: &str,
    order: ActionOrder,
    ticket_id: Option<i64>,
) -> Result<Prepared, PrepareError> {
    validate::replacement(request, &order)?;
    for line in &request.lines {
        let Some(item) = order.line_item(&line.line_item_id) else {
            continue;
        };
        let Some(variant_id) = line.variant_id.as_ref().or(item.variant_id.as_ref()) else {
            continue;
        };
        let variant =
            client
                .variant(variant_id)
                .await?
                .ok_or_else(|| InvalidRequest::OutOfStock {
                    variant: item.name.clone(),
                    available: 0,
                })?;
        validate::replacement_variant(&variant, item.product_id.as_deref(), line.quantity)?;
    }
    Ok(Prepared {
        plan: plan::replacement(request, key, &order, ticket_id),
        total: None,
    })
}
