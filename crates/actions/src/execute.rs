//! Sending a stored plan, and finding out what happened after an unknown outcome.

use std::time::Duration;

use shopdesk_shopify::actions::{is_unreachable, CreatedRefund, DraftOrderInfo, MutationError};
use shopdesk_store::OrderActionRow;

use crate::engine::Inner;
use crate::messages::Done;
use crate::plan::{action_tag, refund_marker, ActionPlan, Summary};
use crate::types::{ActionKind, ActionRequest};

/// How one send (or one look) ended.
pub(crate) enum Outcome {
    Done(Done),
    /// Shopify certainly did not run it.
    NotApplied(String),
    /// It may have run: to be reconciled.
    Unknown(String),
    /// Shopify refused it; nothing changed.
    Rejected(String),
}

/// What a look at Shopify after an unknown outcome found.
pub(crate) enum Found {
    /// The action is settled (done, or completing a found draft ended somehow).
    Settled(Box<Outcome>),
    /// It certainly did not happen: it may be sent again (after the pre-check).
    Nothing,
}

impl Found {
    fn settled(outcome: Outcome) -> Found {
        Found::Settled(Box::new(outcome))
    }
}

fn classify(error: MutationError) -> Outcome {
    match error {
        MutationError::NotApplied(e) => Outcome::NotApplied(e.to_string()),
        MutationError::Unknown(e) => Outcome::Unknown(e.to_string()),
        MutationError::Rejected(_) => Outcome::Rejected(error.to_string()),
    }
}

impl Inner {
    fn done(&self, row: &OrderActionRow, kind: ActionKind, summary: &Summary) -> Done {
        Done {
            kind: Some(kind),
            agent: row.agent.clone(),
            order_name: summary.order_name.clone(),
            items: summary.items.clone(),
            changes: summary.items.clone(),
            approved_by: row.approved_by.clone(),
            ..Done::default()
        }
    }

    fn refund_done(&self, row: &OrderActionRow, summary: &Summary, refund: &CreatedRefund) -> Done {
        Done {
            amount: Some(refund.total.to_string()),
            refund_id: Some(refund.id.clone()),
            ..self.done(row, ActionKind::Refund, summary)
        }
    }

    fn replacement_done(
        &self,
        row: &OrderActionRow,
        summary: &Summary,
        order_id: &str,
        name: &str,
    ) -> Done {
        Done {
            new_order_id: Some(order_id.into()),
            new_order_name: Some(name.into()),
            ..self.done(row, ActionKind::Replacement, summary)
        }
    }

    fn cancel_done(&self, row: &OrderActionRow, summary: &Summary, refunded: bool) -> Done {
        Done {
            refunded,
            amount: row
                .expected_amount
                .filter(|_| refunded)
                .map(|amount| amount.to_string()),
            ..self.done(row, ActionKind::Cancel, summary)
        }
    }

    /// Sends the plan once.
    pub(crate) async fn send(&self, row: &OrderActionRow, plan: &ActionPlan) -> Outcome {
        match plan {
            ActionPlan::Refund { input, summary } => {
                match self.client.refund_create(input, &row.key).await {
                    Ok(refund) => Outcome::Done(self.refund_done(row, summary, &refund)),
                    Err(e) => classify(e),
                }
            }
            ActionPlan::Replacement {
                draft,
                draft_id,
                summary,
            } => {
                let draft_id = match draft_id {
                    Some(id) => id.clone(),
                    None => match self.client.draft_order_create(draft).await {
                        Ok(info) => {
                            if let Some(order) = &info.order {
                                return Outcome::Done(self.replacement_done(
                                    row,
                                    summary,
                                    &order.id,
                                    &order.name,
                                ));
                            }
                            self.remember_draft(row, plan, &info.id);
                            info.id
                        }
                        Err(e) => return classify(e),
                    },
                };
                self.complete_draft(row, summary, &draft_id).await
            }
            ActionPlan::Cancel { input, summary } => {
                let job = match self.client.order_cancel(input).await {
                    Ok(job) => job,
                    Err(e) => return classify(e),
                };
                if let Some(job) = job {
                    self.wait_for_job(&job).await;
                }
                match self.cancelled(row).await {
                    Ok(true) => Outcome::Done(self.cancel_done(row, summary, input.refund)),
                    Ok(false) => Outcome::Unknown("Shopify is still cancelling the order".into()),
                    Err(e) => Outcome::Unknown(e),
                }
            }
            ActionPlan::Edit {
                update,
                tags,
                summary,
            } => {
                if let Some(update) = update {
                    if let Err(e) = self.client.order_update(update).await {
                        return classify(e);
                    }
                }
                if !tags.is_empty() {
                    if let Err(e) = self.client.tags_add(&row.order_id, tags).await {
                        return classify(e);
                    }
                }
                Outcome::Done(self.done(row, ActionKind::Edit, summary))
            }
        }
    }

    /// After an unknown outcome: what does Shopify hold? Never sends the same creation twice.
    pub(crate) async fn look(&self, row: &OrderActionRow, plan: &ActionPlan) -> Found {
        match plan {
            ActionPlan::Refund { summary, .. } => {
                let order = match self.client.action_order(&row.order_id).await {
                    Ok(Some(order)) => order,
                    Ok(None) => return Found::Nothing,
                    Err(e) => return Found::settled(Outcome::Unknown(e.to_string())),
                };
                let marker = refund_marker(&row.key);
                match order
                    .refunds
                    .iter()
                    .find(|r| r.note.as_deref().is_some_and(|n| n.contains(&marker)))
                {
                    Some(refund) => {
                        let created = CreatedRefund {
                            id: refund.id.clone(),
                            note: refund.note.clone(),
                            total: refund.total,
                        };
                        Found::settled(Outcome::Done(self.refund_done(row, summary, &created)))
                    }
                    None => Found::Nothing,
                }
            }
            ActionPlan::Replacement {
                draft_id, summary, ..
            } => {
                self.look_for_replacement(row, plan, draft_id.as_deref(), summary)
                    .await
            }
            ActionPlan::Cancel { input, summary } => match self.cancelled(row).await {
                Ok(true) => {
                    Found::settled(Outcome::Done(self.cancel_done(row, summary, input.refund)))
                }
                Ok(false) => Found::Nothing,
                Err(e) => Found::settled(Outcome::Unknown(e)),
            },
            // An overwrite and a merge: sending again is the same as the first time.
            ActionPlan::Edit { .. } => Found::Nothing,
        }
    }

    async fn look_for_replacement(
        &self,
        row: &OrderActionRow,
        plan: &ActionPlan,
        draft_id: Option<&str>,
        summary: &Summary,
    ) -> Found {
        let tag = action_tag(&row.key);
        match self.client.orders_tagged(&tag).await {
            Ok(orders) => {
                if let Some(order) = orders.first() {
                    return Found::settled(Outcome::Done(self.replacement_done(
                        row,
                        summary,
                        &order.id,
                        &order.name,
                    )));
                }
            }
            Err(e) => return Found::settled(Outcome::Unknown(e.to_string())),
        }
        let draft: Option<DraftOrderInfo> = match draft_id {
            Some(id) => match self.client.draft_order(id).await {
                Ok(draft) => draft,
                Err(e) => return Found::settled(Outcome::Unknown(e.to_string())),
            },
            None => match self.client.draft_orders_tagged(&tag).await {
                Ok(drafts) => drafts.into_iter().next(),
                Err(e) => return Found::settled(Outcome::Unknown(e.to_string())),
            },
        };
        let Some(draft) = draft else {
            return Found::Nothing;
        };
        if let Some(order) = &draft.order {
            return Found::settled(Outcome::Done(self.replacement_done(
                row,
                summary,
                &order.id,
                &order.name,
            )));
        }
        if draft_id.is_none() {
            self.remember_draft(row, plan, &draft.id);
        }
        Found::settled(self.complete_draft(row, summary, &draft.id).await)
    }

    async fn complete_draft(
        &self,
        row: &OrderActionRow,
        summary: &Summary,
        draft_id: &str,
    ) -> Outcome {
        match self.client.draft_order_complete(draft_id).await {
            Ok(DraftOrderInfo {
                order: Some(order), ..
            }) => Outcome::Done(self.replacement_done(row, summary, &order.id, &order.name)),
            Ok(_) => Outcome::Unknown("Shopify completed the draft but named no order yet".into()),
            Err(MutationError::Rejected(errors)) => {
                // Completed already (by an earlier try whose answer was lost)?
                match self.client.draft_order(draft_id).await {
                    Ok(Some(DraftOrderInfo {
                        order: Some(order), ..
                    })) => {
                        Outcome::Done(self.replacement_done(row, summary, &order.id, &order.name))
                    }
                    _ => classify(MutationError::Rejected(errors)),
                }
            }
            Err(e) => classify(e),
        }
    }

    /// The draft's id goes into the stored plan at once: from then on only completing is left.
    fn remember_draft(&self, row: &OrderActionRow, plan: &ActionPlan, id: &str) {
        let ActionPlan::Replacement { draft, summary, .. } = plan else {
            return;
        };
        let updated = ActionPlan::Replacement {
            draft: draft.clone(),
            draft_id: Some(id.to_string()),
            summary: summary.clone(),
        };
        let json = serde_json::to_string(&updated).unwrap_or_default();
        if let Err(e) = self.store().update_order_action_plan(row.id, &json) {
            tracing::warn!(action = row.id, %e, "could not record the replacement's draft id");
        }
    }

    async fn wait_for_job(&self, job: &str) {
        for _ in 0..20 {
            match self.client.job_done(job).await {
                Ok(Some(true)) | Ok(None) | Err(_) => return,
                Ok(Some(false)) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    async fn cancelled(&self, row: &OrderActionRow) -> Result<bool, String> {
        match self.client.action_order(&row.order_id).await {
            Ok(Some(order)) => Ok(order.cancelled_at.is_some()),
            Ok(None) => Ok(false),
            Err(e) if is_unreachable(&e) => Err(e.to_string()),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// The order(s) to re-read into the store after an action.
pub(crate) fn orders_to_refresh(request: &ActionRequest, done: &Done) -> Vec<String> {
    let mut orders = vec![request.order_id().to_string()];
    orders.extend(done.new_order_id.clone());
    orders
}
