//! The engine: validate, write to the outbox, send, confirm; reconcile what is unknown.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use shopdesk_money::Money;
use shopdesk_shopify::actions::{is_unreachable, ShippingChoice};
use shopdesk_shopify::ShopifyClient;
use shopdesk_store::{OrderActionState, Store};

use crate::error::{ActionError, InvalidRequest, Result};
use crate::local_estimate;
use crate::outbox::offline_sentence;
use crate::plan::{self, shipping_choice};
use crate::precheck::{prepare, PrepareError};
use crate::records::{new_key, record};
use crate::types::*;
use crate::validate;

/// One agent's engine. Cheap to clone (shared state).
#[derive(Clone)]
pub struct ActionEngine {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) store: Arc<Mutex<Store>>,
    pub(crate) client: ShopifyClient,
    pub(crate) agent: String,
    pub(crate) limit: Option<RefundLimit>,
    /// How long after an unknown outcome a replacement waits before Shopify is searched for
    /// its tag: Shopify's search index lags behind writes by seconds, and a draft not yet
    /// indexed must not look like a draft never made.
    pub(crate) search_settle: Duration,
}

/// The default of [`ActionEngine::with_search_settle`].
pub const SEARCH_SETTLE: Duration = Duration::from_secs(10);

/// What one [`ActionEngine::run_pending`] pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Actions looked at (queued sent, unknown reconciled).
    pub processed: usize,
    /// Actions still not final afterwards.
    pub pending: usize,
}

impl ActionEngine {
    pub fn new(
        store: Arc<Mutex<Store>>,
        client: ShopifyClient,
        agent: impl Into<String>,
        limit: Option<RefundLimit>,
    ) -> ActionEngine {
        ActionEngine {
            inner: Arc::new(Inner {
                store,
                client,
                agent: agent.into(),
                limit,
                search_settle: SEARCH_SETTLE,
            }),
        }
    }

    /// Sets how long a replacement with an unknown outcome waits before its tag is searched
    /// (default [`SEARCH_SETTLE`]; the simulator indexes at once, so tests use zero).
    pub fn with_search_settle(self, settle: Duration) -> ActionEngine {
        let inner = &self.inner;
        ActionEngine {
            inner: Arc::new(Inner {
                store: inner.store.clone(),
                client: inner.client.clone(),
                agent: inner.agent.clone(),
                limit: inner.limit.clone(),
                search_settle: settle,
            }),
        }
    }

    /// Shopify's `suggestedRefund` for exactly this selection, and whether it is above the
    /// agent's limit. Bad input is an [`InvalidRequest`]; nothing is written. When Shopify
    /// can't be reached (not when it refuses), an estimate from the store's copy of the order.
    pub async fn preview_refund(&self, request: &RefundRequest) -> Result<RefundPreview> {
        let inner = &self.inner;
        validate::shape(&ActionRequest::Refund(request.clone()))?;
        let order = match inner.client.action_order(&request.order_id).await {
            Ok(found) => found.ok_or_else(|| InvalidRequest::OrderNotFound {
                order: request.order_id.clone(),
            })?,
            Err(e) if is_unreachable(&e) => return self.estimate_from_local_copy(request, e),
            Err(e) => return Err(e.into()),
        };
        validate::refund(request, &order)?;
        let lines = plan::refund_lines(request, &order, request.restock_location_id.as_deref());
        let choice = shipping_choice(&request.shipping);
        let suggestion = match inner
            .client
            .suggested_refund(&order.id, &lines, &choice)
            .await
        {
            Ok(found) => found.ok_or_else(|| InvalidRequest::OrderNotFound {
                order: order.name.clone(),
            })?,
            Err(e) if is_unreachable(&e) => return self.estimate_from_local_copy(request, e),
            Err(e) => return Err(e.into()),
        };
        if let ShippingChoice::Amount(_) = choice {
            validate::refund_amounts(request, &suggestion).or_else(|e| match e {
                InvalidRequest::ZeroRefund => Ok(()),
                other => Err(other),
            })?;
        }
        let limit = inner.limit.as_ref().map(|l| l.limit);
        Ok(RefundPreview {
            order_id: order.id.clone(),
            order_name: order.name.clone(),
            currency: order.currency.code().into(),
            exceeds_limit: validate::exceeds_limit(&suggestion.total, limit.as_ref()),
            limit,
            subtotal: suggestion.subtotal,
            tax: suggestion.tax,
            shipping: suggestion.shipping,
            total: suggestion.total,
            maximum_refundable: suggestion.maximum_refundable,
            maximum_refundable_shipping: suggestion.maximum_refundable_shipping,
            lines: order
                .line_items
                .iter()
                .map(|item| RefundableLine {
                    line_item_id: item.id.clone(),
                    name: item.name.clone(),
                    refundable_quantity: item.refundable_quantity,
                    quantity: request
                        .lines
                        .iter()
                        .find(|l| l.line_item_id == item.id)
                        .map_or(0, |l| l.quantity),
                })
                .collect(),
            transactions: suggestion
                .transactions
                .iter()
                .map(|t| SuggestedTransaction {
                    gateway: t.gateway.clone().unwrap_or_default(),
                    kind: t.kind.clone(),
                    parent_id: t.parent_id.clone(),
                    amount: t.amount,
                })
                .collect(),
            estimated_from_local_copy: false,
        })
    }

    /// Shopify can't be reached: the preview estimated from the store's copy of the order, so
    /// the agent can queue the refund with a total seen; without a local copy, offline.
    fn estimate_from_local_copy(
        &self,
        request: &RefundRequest,
        unreachable: shopdesk_shopify::ShopifyError,
    ) -> Result<RefundPreview> {
        let Some(order) = self.inner.store().order(&request.order_id)? else {
            return Err(ActionError::Offline(unreachable.to_string()));
        };
        let limit = self.inner.limit.as_ref().map(|l| l.limit);
        Ok(local_estimate::preview(request, &order, limit)?)
    }

    /// What cancelling the order with a refund would give back (everything captured less
    /// what was refunded), and whether it is above the agent's limit. Nothing is written.
    pub async fn preview_cancel(&self, order_id: &str) -> Result<CancelPreview> {
        let inner = &self.inner;
        let order = inner
            .client
            .action_order(order_id)
            .await
            .map_err(offline_or)?
            .ok_or_else(|| InvalidRequest::OrderNotFound {
                order: order_id.into(),
            })?;
        let refund = validate::cancel_refund(&order);
        let limit = inner.limit.as_ref().map(|l| l.limit);
        Ok(CancelPreview {
            order_id: order.id.clone(),
            order_name: order.name.clone(),
            currency: order.currency.code().into(),
            exceeds_limit: !refund.is_zero() && validate::exceeds_limit(&refund, limit.as_ref()),
            refund,
            limit,
        })
    }

    /// Validates, writes the action to the outbox, and sends it (`Now`, or `WhenOnline` when
    /// Shopify answers) or queues it (`WhenOnline` while Shopify can't be reached). Returns
    /// the action in the state it reached. Invalid input is an error and writes nothing.
    pub async fn submit(
        &self,
        ticket_id: Option<i64>,
        request: ActionRequest,
        mode: SubmitMode,
        approval: Option<OwnerApproval>,
    ) -> Result<ActionRecord> {
        let inner = &self.inner;
        validate::shape(&request)?;
        let key = new_key();
        let prepared = prepare(&inner.client, &request, &key, ticket_id, None, true).await;
        let prepared = match prepared {
            Ok(prepared) => prepared,
            Err(PrepareError::Invalid(e)) => return Err(e.into()),
            Err(PrepareError::Shopify(e)) => return Err(e.into()),
            Err(PrepareError::Unreachable(e)) => {
                return self.submit_offline(ticket_id, request, mode, approval, key, &e.to_string())
            }
        };
        let approved_by = inner.check_approval(&prepared, approval.as_ref())?;
        let expected = match &request {
            ActionRequest::Refund(r) => r.confirmed_total.or(prepared.total),
            ActionRequest::Cancel(_) => prepared.total,
            _ => None,
        };
        let row = inner.insert(ticket_id, &request, mode, key, expected, approved_by)?;
        let plan_json = serde_json::to_string(&prepared.plan)
            .map_err(|e| ActionError::Corrupt(e.to_string()))?;
        inner.send_claimed(row.id, &row.key, &plan_json).await?;
        self.action(row.id)
    }

    fn submit_offline(
        &self,
        ticket_id: Option<i64>,
        request: ActionRequest,
        mode: SubmitMode,
        approval: Option<OwnerApproval>,
        key: String,
        detail: &str,
    ) -> Result<ActionRecord> {
        let inner = &self.inner;
        let expected = match &request {
            ActionRequest::Refund(r) => {
                let total = r.confirmed_total.ok_or(InvalidRequest::PreviewNeeded)?;
                if validate::exceeds_limit(&total, inner.limit.as_ref().map(|l| &l.limit)) {
                    let approval = approval
                        .as_ref()
                        .ok_or_else(|| approval_required(&total, inner))?;
                    check_confirmed(&total, approval)?;
                }
                Some(total)
            }
            // Its amount can only be known from Shopify, so it can't be checked against the
            // limit offline: never queued blind.
            ActionRequest::Cancel(c)
                if c.refund && inner.limit.is_some() && mode == SubmitMode::WhenOnline =>
            {
                return Err(InvalidRequest::CancelRefundOffline.into());
            }
            _ => None,
        };
        let approved_by = approval.map(|a| a.approved_by);
        let row = inner.insert(ticket_id, &request, mode, key, expected, approved_by)?;
        if mode == SubmitMode::Now {
            inner
                .store()
                .fail_order_action(row.id, &offline_sentence(detail))?;
        }
        self.action(row.id)
    }

    /// Sends the queued actions and reconciles the unknown ones (those found `Sending` after
    /// a crash too). Call at start and when Shopify is reachable again.
    pub async fn run_pending(&self) -> Result<RunReport> {
        let mut report = RunReport {
            processed: self.reconcile_unknown().await?,
            pending: 0,
        };
        let queued = self
            .inner
            .store()
            .order_actions_in_state(OrderActionState::Queued)?;
        for row in queued {
            report.processed += 1;
            self.inner.process_queued(row).await?;
        }
        report.pending = self.pending_count()?;
        Ok(report)
    }

    /// Finds out what happened to every `Sending`/`Unknown` action, and finishes it.
    pub async fn reconcile_unknown(&self) -> Result<usize> {
        let rows = {
            let store = self.inner.store();
            let mut rows = store.order_actions_in_state(OrderActionState::Sending)?;
            rows.extend(store.order_actions_in_state(OrderActionState::Unknown)?);
            rows
        };
        let mut count = 0;
        for row in rows {
            count += 1;
            self.inner.reconcile(row).await?;
        }
        Ok(count)
    }

    /// Runs [`run_pending`](Self::run_pending) every `interval` until the task is aborted.
    pub fn spawn_worker(&self, interval: Duration) -> tokio::task::JoinHandle<()> {
        let engine = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(error) = engine.run_pending().await {
                    tracing::warn!(%error, "order actions worker");
                }
                tokio::time::sleep(interval).await;
            }
        })
    }

    pub fn action(&self, id: i64) -> Result<ActionRecord> {
        let row = self.inner.store().order_action(id).map_err(|e| match e {
            shopdesk_store::StoreError::NotFound(_) => ActionError::NoSuchAction(id),
            other => other.into(),
        })?;
        record(&row)
    }

    pub fn list_for_ticket(&self, ticket_id: i64) -> Result<Vec<ActionRecord>> {
        let rows = self.inner.store().order_actions_for_ticket(ticket_id)?;
        rows.iter().map(record).collect()
    }

    pub fn list_for_order(&self, order_id: &str) -> Result<Vec<ActionRecord>> {
        let rows = self.inner.store().order_actions_for_order(order_id)?;
        rows.iter().map(record).collect()
    }

    /// Changes a queued action (same kind, same order). A refund's new confirmed total (and an
    /// approval, when above the limit) comes with it; it is re-checked before it is sent.
    pub fn edit_queued(
        &self,
        id: i64,
        request: ActionRequest,
        approval: Option<OwnerApproval>,
    ) -> Result<ActionRecord> {
        let current = self.action(id)?;
        if current.state != ActionState::Queued {
            return Err(not_queued(&current.state));
        }
        if request.kind() != current.kind || request.order_id() != current.order_id {
            return Err(InvalidRequest::Amount(
                "A queued action can change its details, not its kind or order; cancel it and start a new one.".into(),
            )
            .into());
        }
        // A cancel's refund amount is only known from a fresh read of the order, which an
        // edit does not make: flipping `refund` on here would skip the limit check.
        if matches!(request, ActionRequest::Cancel(_)) {
            return Err(InvalidRequest::Amount(
                "A queued cancellation can't be changed; cancel it and start a new one.".into(),
            )
            .into());
        }
        validate::shape(&request)?;
        let expected = match &request {
            ActionRequest::Refund(r) => {
                let total = r.confirmed_total.ok_or(InvalidRequest::PreviewNeeded)?;
                if validate::exceeds_limit(&total, self.inner.limit.as_ref().map(|l| &l.limit)) {
                    let approval = approval
                        .as_ref()
                        .ok_or_else(|| approval_required(&total, &self.inner))?;
                    check_confirmed(&total, approval)?;
                }
                Some(total)
            }
            _ => None,
        };
        let json =
            serde_json::to_string(&request).map_err(|e| ActionError::Corrupt(e.to_string()))?;
        let approved_by = approval.map(|a| a.approved_by);
        let changed = self.inner.store().update_queued_order_action(
            id,
            &json,
            expected,
            approved_by.as_deref(),
        )?;
        if !changed {
            return Err(not_queued(&self.action(id)?.state));
        }
        self.action(id)
    }

    /// Cancels a queued action; one that already left the queue can't be.
    pub fn cancel_queued(&self, id: i64) -> Result<ActionRecord> {
        if !self.inner.store().cancel_order_action(id)? {
            return Err(not_queued(&self.action(id)?.state));
        }
        self.action(id)
    }

    fn pending_count(&self) -> Result<usize> {
        let store = self.inner.store();
        let mut count = 0;
        for state in [
            OrderActionState::Queued,
            OrderActionState::Sending,
            OrderActionState::Unknown,
        ] {
            count += store.order_actions_in_state(state)?.len();
        }
        Ok(count)
    }
}

fn offline_or(error: shopdesk_shopify::ShopifyError) -> ActionError {
    if is_unreachable(&error) {
        ActionError::Offline(error.to_string())
    } else {
        error.into()
    }
}

fn not_queued(state: &ActionState) -> ActionError {
    let state = serde_json::to_value(state)
        .ok()
        .and_then(|v| v.get("state").and_then(|s| s.as_str()).map(str::to_owned))
        .unwrap_or_default();
    ActionError::NotQueued { state }
}

pub(crate) fn approval_required(total: &Money, inner: &Inner) -> InvalidRequest {
    InvalidRequest::ApprovalRequired {
        total: total.to_string(),
        limit: inner
            .limit
            .as_ref()
            .map(|l| l.limit.to_string())
            .unwrap_or_default(),
    }
}

pub(crate) fn check_confirmed(
    total: &Money,
    approval: &OwnerApproval,
) -> Result<(), InvalidRequest> {
    let confirmed = Money::parse(&approval.confirmed_total, total.currency.code()).ok();
    let name_given = !approval.approved_by.trim().is_empty();
    match confirmed {
        Some(confirmed) if name_given && validate::same_amount(&confirmed, total) => Ok(()),
        _ => Err(InvalidRequest::ApprovalMismatch {
            total: total.to_string(),
        }),
    }
}
