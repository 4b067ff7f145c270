//! The engine's inside: the outbox row written, claimed and sent, unknown outcomes reconciled,
//! outcomes settled (note, result, refreshed order), in one transaction each.

use std::collections::HashSet;
use std::sync::{LazyLock, Mutex, MutexGuard};
use std::time::Duration;

use shopdesk_money::Money;
use shopdesk_store::{ActionNote, NewOrderAction, OrderActionRow, OrderActionState, Store};

use crate::engine::{approval_required, check_confirmed, Inner};
use crate::error::{ActionError, InvalidRequest, Result};
use crate::execute::{orders_to_refresh, Found, Outcome};
use crate::messages::result_of;
use crate::plan::ActionPlan;
use crate::precheck::{prepare, PrepareError, Prepared};
use crate::records::{plan_of, request_of};
use crate::types::*;
use crate::validate;

/// Keys of the actions being sent or reconciled in this process, by any engine: never two
/// tasks on one action (two lookups could both find nothing and both create a draft).
static IN_FLIGHT: LazyLock<Mutex<HashSet<String>>> = LazyLock::new(|| Mutex::new(HashSet::new()));

struct InFlight {
    key: String,
}

impl InFlight {
    fn claim(key: &str) -> Option<InFlight> {
        let mut set = IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner());
        set.insert(key.to_string()).then(|| InFlight {
            key: key.to_string(),
        })
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut set = IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner());
        set.remove(&self.key);
    }
}

pub(crate) fn offline_sentence(detail: &str) -> String {
    ActionError::Offline(detail.to_string()).to_string()
}

impl Inner {
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock leaves SQLite consistent (transactions): go on.
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn check_approval(
        &self,
        prepared: &Prepared,
        approval: Option<&OwnerApproval>,
    ) -> Result<Option<String>, InvalidRequest> {
        let Some(total) = prepared.total else {
            return Ok(None);
        };
        if !validate::exceeds_limit(&total, self.limit.as_ref().map(|l| &l.limit)) {
            return Ok(approval.map(|a| a.approved_by.clone()));
        }
        let approval = approval.ok_or_else(|| approval_required(&total, self))?;
        check_confirmed(&total, approval)?;
        Ok(Some(approval.approved_by.trim().to_string()))
    }

    pub(crate) fn insert(
        &self,
        ticket_id: Option<i64>,
        request: &ActionRequest,
        mode: SubmitMode,
        key: String,
        expected: Option<Money>,
        approved_by: Option<String>,
    ) -> Result<OrderActionRow> {
        let json =
            serde_json::to_string(request).map_err(|e| ActionError::Corrupt(e.to_string()))?;
        let new = NewOrderAction {
            key,
            kind: request.kind().as_str().into(),
            ticket_id,
            order_id: request.order_id().into(),
            agent: self.agent.clone(),
            mode: match mode {
                SubmitMode::Now => "now".into(),
                SubmitMode::WhenOnline => "when_online".into(),
            },
            request: json,
            expected_amount: expected,
            approved_by,
        };
        Ok(self.store().insert_order_action(&new)?)
    }

    /// Claims a queued action with this plan, sends it, and settles the outcome.
    pub(crate) async fn send_claimed(&self, id: i64, key: &str, plan_json: &str) -> Result<()> {
        let Some(guard) = InFlight::claim(key) else {
            return Ok(());
        };
        let Some(row) = self.store().claim_order_action(id, plan_json)? else {
            return Ok(());
        };
        let Some(plan) = plan_of(&row)? else {
            return Ok(());
        };
        let outcome = self.send(&row, &plan).await;
        self.settle(&row, outcome).await?;
        // An unknown outcome is looked at once more right away, so the agent usually gets a
        // definite answer; the worker keeps trying after that.
        let row = self.store().order_action(id)?;
        if row.state == OrderActionState::Unknown {
            tokio::time::sleep(Duration::from_millis(20)).await;
            drop(guard);
            self.reconcile(row).await?;
        }
        Ok(())
    }

    /// A queued action: re-checked against the order's fresh state, then sent.
    pub(crate) async fn process_queued(&self, row: OrderActionRow) -> Result<()> {
        let request = request_of(&row)?;
        let checked = prepare(
            &self.client,
            &request,
            &row.key,
            row.ticket_id,
            row.expected_amount.as_ref(),
            false,
        )
        .await;
        match checked {
            Ok(prepared) => {
                let json = serde_json::to_string(&prepared.plan)
                    .map_err(|e| ActionError::Corrupt(e.to_string()))?;
                self.send_claimed(row.id, &row.key, &json).await
            }
            Err(PrepareError::Unreachable(e)) => {
                if row.mode == "now" {
                    self.store()
                        .fail_order_action(row.id, &offline_sentence(&e.to_string()))?;
                }
                Ok(())
            }
            Err(PrepareError::Invalid(e)) => {
                self.store().hold_order_action(row.id, &held_sentence(&e))?;
                Ok(())
            }
            Err(PrepareError::Shopify(e)) => {
                self.store().fail_order_action(row.id, &e.to_string())?;
                Ok(())
            }
        }
    }

    /// An action whose outcome is unknown: look first; send the same plan again only when
    /// Shopify certainly does not hold it and the order still allows it.
    pub(crate) async fn reconcile(&self, row: OrderActionRow) -> Result<()> {
        let Some(_guard) = InFlight::claim(&row.key) else {
            return Ok(());
        };
        let Some(plan) = plan_of(&row)? else {
            // Claimed without a plan can't happen (one statement); treat as not sent.
            self.store().release_order_action(row.id, "not sent")?;
            return Ok(());
        };
        if let ActionPlan::Replacement { draft_id: None, .. } = &plan {
            if !settled(&row.updated_at, self.search_settle) {
                return Ok(()); // looked at again by the worker, once Shopify's index caught up
            }
        }
        if row.state == OrderActionState::Sending {
            self.store().mark_order_action_unknown(
                row.id,
                "the outcome was not recorded (the app stopped while sending)",
            )?;
        }
        match self.look(&row, &plan).await {
            Found::Settled(outcome) => self.settle(&row, *outcome).await,
            Found::Nothing => {
                let request = request_of(&row)?;
                let checked = prepare(
                    &self.client,
                    &request,
                    &row.key,
                    row.ticket_id,
                    row.expected_amount.as_ref(),
                    false,
                )
                .await;
                match checked {
                    Ok(_) => {
                        // The stored plan, never the fresh one: same key, same input.
                        let Some(row) = self.store().claim_order_action(row.id, "")? else {
                            return Ok(());
                        };
                        let outcome = self.send(&row, &plan).await;
                        self.settle(&row, outcome).await
                    }
                    Err(PrepareError::Unreachable(e)) => {
                        self.store()
                            .mark_order_action_unknown(row.id, &e.to_string())?;
                        Ok(())
                    }
                    Err(PrepareError::Invalid(e)) => {
                        self.store().hold_order_action(row.id, &held_sentence(&e))?;
                        Ok(())
                    }
                    Err(PrepareError::Shopify(e)) => {
                        self.store().fail_order_action(row.id, &e.to_string())?;
                        Ok(())
                    }
                }
            }
        }
    }

    pub(crate) async fn settle(&self, row: &OrderActionRow, outcome: Outcome) -> Result<()> {
        match outcome {
            Outcome::Done(done) => {
                let result = result_of(&done);
                let json = serde_json::to_string(&result)
                    .map_err(|e| ActionError::Corrupt(e.to_string()))?;
                let note = row.ticket_id.map(|ticket_id| ActionNote {
                    ticket_id,
                    author: &row.agent,
                    body: &result.note,
                });
                self.store().succeed_order_action(row.id, &json, note)?;
                if let Ok(request) = request_of(row) {
                    let mut customers = Vec::new();
                    for order_id in orders_to_refresh(&request, &done) {
                        if let Some(customer) = self.refresh_order(&order_id).await {
                            if !customers.contains(&customer) {
                                customers.push(customer);
                            }
                        }
                    }
                    // Their orders count and total spent changed too.
                    for customer in customers {
                        self.refresh_customer(&customer).await;
                    }
                }
                Ok(())
            }
            Outcome::Rejected(message) => {
                self.store().fail_order_action(row.id, &message)?;
                Ok(())
            }
            Outcome::Unknown(message) => {
                self.store().mark_order_action_unknown(row.id, &message)?;
                Ok(())
            }
            Outcome::NotApplied(message) => {
                let progressed = matches!(
                    self.store()
                        .order_action(row.id)
                        .ok()
                        .and_then(|r| plan_of(&r).ok().flatten()),
                    Some(ActionPlan::Replacement {
                        draft_id: Some(_),
                        ..
                    })
                );
                if progressed {
                    // A draft exists: only completing it is left, by reconciliation.
                    self.store().mark_order_action_unknown(row.id, &message)?;
                } else if row.mode == "now" {
                    self.store()
                        .fail_order_action(row.id, &offline_sentence(&message))?;
                } else {
                    self.store().release_order_action(row.id, &message)?;
                }
                Ok(())
            }
        }
    }

    /// Re-reads an order into the store so the panel shows its new state, and says whose it
    /// is. Best effort: the action is done whether or not this works (the next sync brings it
    /// otherwise).
    pub(crate) async fn refresh_order(&self, order_id: &str) -> Option<String> {
        let shop_id = self.shop_id().await?;
        match self.client.refreshed_order_record(&shop_id, order_id).await {
            Ok(Some(record)) => {
                if let Err(e) = self
                    .store()
                    .upsert_orders_page(std::slice::from_ref(&record), None)
                {
                    tracing::warn!(%e, order_id, "could not store the refreshed order");
                }
                record.customer_id
            }
            Ok(None) => None,
            Err(e) => {
                tracing::info!(%e, order_id, "order not refreshed after the action");
                None
            }
        }
    }

    /// Re-reads a customer (orders count, total spent) into the store; not their orders, so
    /// it stays one small read however many orders they have. Best effort, like
    /// [`Self::refresh_order`].
    pub(crate) async fn refresh_customer(&self, customer_id: &str) {
        let Some(shop_id) = self.shop_id().await else {
            return;
        };
        match self
            .client
            .refreshed_customer_record(&shop_id, customer_id)
            .await
        {
            Ok(Some(customer)) => {
                let stored = self
                    .store()
                    .upsert_customers_page(std::slice::from_ref(&customer), None);
                if let Err(e) = stored {
                    tracing::warn!(%e, customer_id, "could not store the refreshed customer");
                }
            }
            Ok(None) => {}
            Err(e) => tracing::info!(%e, customer_id, "customer not refreshed after the action"),
        }
    }

    /// The shop's id, from the store or (before the first sync) from Shopify.
    async fn shop_id(&self) -> Option<String> {
        let shop_id = match self.store().shop() {
            Ok(Some(shop)) => Some(shop.id),
            _ => None,
        };
        let shop_id = match shop_id {
            Some(id) => id,
            None => match self.client.fetch_shop().await {
                Ok(shop) => {
                    if let Err(e) = self.store().upsert_shop(&shop) {
                        tracing::warn!(%e, "could not store the shop");
                        return None;
                    }
                    shop.id
                }
                Err(e) => {
                    tracing::info!(%e, "order not refreshed after the action");
                    return None;
                }
            },
        };
        Some(shop_id)
    }
}

/// Whether `settle` has passed since `since` (the store's RFC 3339 time); unreadable times
/// count as passed.
fn settled(since: &str, settle: Duration) -> bool {
    use time::format_description::well_known::Rfc3339;
    if settle.is_zero() {
        return true;
    }
    match time::OffsetDateTime::parse(since, &Rfc3339) {
        Ok(then) => time::OffsetDateTime::now_utc() - then >= settle,
        Err(_) => true,
    }
}

fn held_sentence(error: &InvalidRequest) -> String {
    format!("Not sent, because the order changed: {error}")
}
