//! Refunds, replacements, cancellations and order edits from a ticket: the app's side of
//! `shopdesk-actions`. The engine needs a Shopify client, so it is switched on by
//! [`App::enable_order_actions`] once one exists (the demo start calls it; a live start calls
//! it with the merchant's client). Until then the use cases answer
//! [`AppError::OrderActionsUnavailable`].
//!
//! After an action succeeds the engine has re-read the order into the store and written the
//! ticket's internal note; the shell announces `tickets-changed`, and the record's
//! `result.customerMessage` is what the reply box offers.

mod settings;
mod variants;
pub mod views;

use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use shopdesk_actions::{
    order_actions_allowed, ActionEngine, ActionRecord, ActionRequest, AddressInput, CancelPreview,
    OwnerApproval, RefundPreview, RefundRequest, SubmitMode,
};
use shopdesk_shopify::actions::{is_unreachable, MailingAddress};
use shopdesk_shopify::ShopifyClient;
use shopdesk_store::OrderRecord;

use crate::{App, AppError, AppEvents, NoEvents};
use views::{
    ActionLineItemView, AgentSettingsView, LocationView, OrderActionsView, OrderAvailabilityView,
    TicketNoteView, VariantOptionView,
};

pub use variants::PRODUCT_VARIANTS_DOCUMENT;

/// How often queued actions are tried and unknown outcomes reconciled.
const WORKER_INTERVAL: Duration = Duration::from_secs(15);

/// The engine once a Shopify client exists, and the window's event sink for the worker.
pub(crate) struct OrderActionsSlot {
    running: Mutex<Option<Running>>,
    events: Arc<RwLock<Arc<dyn AppEvents>>>,
}

impl Default for OrderActionsSlot {
    fn default() -> Self {
        OrderActionsSlot {
            running: Mutex::new(None),
            events: Arc::new(RwLock::new(Arc::new(NoEvents))),
        }
    }
}

struct Running {
    client: ShopifyClient,
    engine: ActionEngine,
    worker: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(worker) = self.worker.take() {
            worker.abort();
        }
    }
}

impl App {
    /// Switches order actions on with this Shopify client (the demo's simulator or the
    /// merchant's store; call it after the first copy of the shop, whose currency the agent's
    /// refund limit is in) and starts the worker that sends queued actions and reconciles
    /// unknown outcomes, at once and every 15 s. Call from within the Tokio runtime. Calling it
    /// again replaces the engine (e.g. after the agent settings change).
    pub fn enable_order_actions(&self, client: ShopifyClient) -> Result<(), AppError> {
        let settings = self.agent_settings()?;
        let limit = settings::refund_limit(&settings)?;
        let engine = ActionEngine::new(self.store.clone(), client.clone(), settings.name, limit);
        let worker = spawn_worker(engine.clone(), Arc::clone(&self.order_actions.events));
        *self.order_actions_running() = Some(Running {
            client,
            engine,
            worker: Some(worker),
        });
        Ok(())
    }

    /// Where the worker announces that a queued action finished (the shell's event sink).
    pub fn set_order_action_events(&self, events: Arc<dyn AppEvents>) {
        *self
            .order_actions
            .events
            .write()
            .unwrap_or_else(PoisonError::into_inner) = events;
    }

    fn order_actions_running(&self) -> std::sync::MutexGuard<'_, Option<Running>> {
        self.order_actions
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn engine(&self) -> Result<(ActionEngine, ShopifyClient), AppError> {
        self.order_actions_running()
            .as_ref()
            .map(|r| (r.engine.clone(), r.client.clone()))
            .ok_or(AppError::OrderActionsUnavailable)
    }

    /// Which actions an order card offers, from the local copy (no network).
    pub fn order_action_availability(
        &self,
        order_id: &str,
    ) -> Result<OrderAvailabilityView, AppError> {
        let order = self
            .store()?
            .order(order_id)?
            .ok_or_else(|| AppError::OrderNotFound(order_id.to_string()))?;
        Ok(OrderAvailabilityView {
            order_id: order.id.clone(),
            allowed: order_actions_allowed(&order),
            enabled: self.engine().is_ok(),
            replacement_for: order
                .note
                .as_deref()
                .filter(|note| note.starts_with("Replacement for "))
                .map(str::to_string),
        })
    }

    /// What the dialogs of one order need: which actions are allowed (and why not), its line
    /// items with refundable quantities, the variants a replacement may send, locations.
    /// Read fresh from Shopify; from the local copy when Shopify can't be reached.
    pub async fn order_actions(&self, order_id: &str) -> Result<OrderActionsView, AppError> {
        let local = self
            .store()?
            .order(order_id)?
            .ok_or_else(|| AppError::OrderNotFound(order_id.to_string()))?;
        let agent = self.agent_settings()?;
        let Ok((_, client)) = self.engine() else {
            let mut view = from_local(&local, agent, None);
            view.enabled = false;
            return Ok(view);
        };
        let fresh = match client.action_order(order_id).await {
            Ok(Some(order)) => order,
            Ok(None) => return Err(AppError::OrderNotFound(local.name)),
            Err(error) if is_unreachable(&error) => {
                let reason = format!("Shopify can't be reached ({error}).");
                return Ok(from_local(&local, agent, Some(reason)));
            }
            Err(error) => return Err(AppError::OrderActionShopify(error.to_string())),
        };
        let locations = client
            .locations()
            .await
            .map_err(|e| AppError::OrderActionShopify(e.to_string()))?
            .into_iter()
            .filter(|l| l.is_active)
            .map(|l| LocationView {
                id: l.id,
                name: l.name,
            })
            .collect();
        let mut line_items = Vec::with_capacity(fresh.line_items.len());
        for item in &fresh.line_items {
            let mut view = line_item_view(
                &item.id,
                &item.name,
                item.variant_title.clone(),
                item.quantity,
                item.refundable_quantity,
                item.variant_id.clone(),
                item.product_id.clone(),
            );
            if let Some(product_id) = &item.product_id {
                let mut options = variants::product_variants(&client, product_id)
                    .await
                    .map_err(|e| AppError::OrderActionShopify(e.to_string()))?;
                // The line item's own variant first.
                options.sort_by_key(|v| Some(&v.variant_id) != item.variant_id.as_ref());
                view.variants = options;
            }
            line_items.push(view);
        }
        Ok(OrderActionsView {
            order_id: fresh.id.clone(),
            order_name: fresh.name.clone(),
            currency: fresh.currency.code().to_string(),
            // Availability from the local copy, which the engine re-read after any action.
            allowed: order_actions_allowed(&local),
            line_items,
            locations,
            shipping_address: fresh.shipping_address.as_ref().map(address_input),
            note: fresh.note.clone(),
            tags: fresh.tags.clone(),
            online: true,
            offline_reason: None,
            enabled: true,
            agent,
        })
    }

    /// Shopify's suggested refund for exactly this selection (nothing is written).
    pub async fn preview_refund(&self, request: &RefundRequest) -> Result<RefundPreview, AppError> {
        let (engine, _) = self.engine()?;
        Ok(engine.preview_refund(request).await?)
    }

    /// What cancelling the order with a refund would give back, and whether that needs the
    /// owner's approval (nothing is written).
    pub async fn preview_cancel(&self, order_id: &str) -> Result<CancelPreview, AppError> {
        let (engine, _) = self.engine()?;
        Ok(engine.preview_cancel(order_id).await?)
    }

    /// Writes the action to the outbox and sends it now, or queues it until Shopify answers
    /// (`WhenOnline`). The returned record says where it got; on success the order was re-read
    /// and the ticket has its internal note.
    pub async fn submit_action(
        &self,
        ticket_id: Option<i64>,
        request: ActionRequest,
        mode: SubmitMode,
        approval: Option<OwnerApproval>,
    ) -> Result<ActionRecord, AppError> {
        let (engine, _) = self.engine()?;
        let record = engine.submit(ticket_id, request, mode, approval).await?;
        self.link_replacement(&record)?;
        Ok(record)
    }

    /// A replacement order joins the ticket it was made from, so the panel marks it linked.
    fn link_replacement(&self, record: &ActionRecord) -> Result<(), AppError> {
        let new_order = record.result.as_ref().and_then(|r| r.order_id.as_deref());
        if let (Some(ticket_id), Some(order_id)) = (record.ticket_id, new_order) {
            self.store()?.link_order_to_ticket(ticket_id, order_id)?;
        }
        Ok(())
    }

    /// The ticket's actions, newest first.
    pub fn actions_for_ticket(&self, ticket_id: i64) -> Result<Vec<ActionRecord>, AppError> {
        let Ok((engine, _)) = self.engine() else {
            return Ok(Vec::new());
        };
        let mut actions = engine.list_for_ticket(ticket_id)?;
        // Replacements the worker sent later are linked here (linking twice changes nothing).
        for action in &actions {
            self.link_replacement(action)?;
        }
        actions.sort_by_key(|a| std::cmp::Reverse(a.id));
        Ok(actions)
    }

    pub fn edit_queued_action(
        &self,
        action_id: i64,
        request: ActionRequest,
        approval: Option<OwnerApproval>,
    ) -> Result<ActionRecord, AppError> {
        let (engine, _) = self.engine()?;
        Ok(engine.edit_queued(action_id, request, approval)?)
    }

    pub fn cancel_queued_action(&self, action_id: i64) -> Result<ActionRecord, AppError> {
        let (engine, _) = self.engine()?;
        Ok(engine.cancel_queued(action_id)?)
    }

    /// Sends due queued actions now (e.g. "Retry now"); the worker does it every 15 s anyway.
    pub async fn run_pending_actions(&self) -> Result<(), AppError> {
        let (engine, _) = self.engine()?;
        engine.run_pending().await?;
        Ok(())
    }

    /// The ticket's internal notes, oldest first.
    pub fn ticket_notes(&self, ticket_id: i64) -> Result<Vec<TicketNoteView>, AppError> {
        Ok(self
            .store()?
            .ticket_notes(ticket_id)?
            .into_iter()
            .map(|n| TicketNoteView {
                id: n.id,
                author: n.author,
                body: n.body,
                action_id: n.action_id,
                created_at: n.created_at,
            })
            .collect())
    }
}

fn spawn_worker(
    engine: ActionEngine,
    events: Arc<RwLock<Arc<dyn AppEvents>>>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match engine.run_pending().await {
                Ok(report) if report.processed > 0 => {
                    let sink = Arc::clone(&events.read().unwrap_or_else(PoisonError::into_inner));
                    sink.tickets_changed();
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "order actions worker"),
            }
            tokio::time::sleep(WORKER_INTERVAL).await;
        }
    })
}

fn line_item_view(
    id: &str,
    name: &str,
    variant_title: Option<String>,
    quantity: i64,
    refundable_quantity: i64,
    variant_id: Option<String>,
    product_id: Option<String>,
) -> ActionLineItemView {
    // Offline (or before the variants are read), only the line item's own variant is offered.
    let variants = variant_id
        .iter()
        .map(|id| VariantOptionView {
            variant_id: id.clone(),
            title: variant_title
                .clone()
                .unwrap_or_else(|| "Same variant".into()),
            available: None,
            in_stock: true,
        })
        .collect();
    ActionLineItemView {
        line_item_id: id.to_string(),
        name: name.to_string(),
        variant_title,
        quantity,
        refundable_quantity,
        refunded_quantity: (quantity - refundable_quantity).max(0),
        variant_id,
        product_id,
        variants,
    }
}

/// The dialogs' data from the local copy, while Shopify can't be reached.
fn from_local(
    order: &OrderRecord,
    agent: AgentSettingsView,
    offline_reason: Option<String>,
) -> OrderActionsView {
    OrderActionsView {
        order_id: order.id.clone(),
        order_name: order.name.clone(),
        currency: order.presentment_currency.code().to_string(),
        allowed: order_actions_allowed(order),
        line_items: order
            .line_items
            .iter()
            .map(|i| {
                line_item_view(
                    &i.id,
                    &i.name,
                    i.variant_title.clone(),
                    i.quantity,
                    i.refundable_quantity,
                    i.variant_id.clone(),
                    i.product_id.clone(),
                )
            })
            .collect(),
        locations: Vec::new(),
        shipping_address: order
            .shipping_address
            .as_ref()
            .map(MailingAddress::from)
            .as_ref()
            .map(address_input),
        note: order.note.clone(),
        tags: order.tags.clone(),
        online: offline_reason.is_none(),
        offline_reason,
        enabled: true,
        agent,
    }
}

fn address_input(a: &MailingAddress) -> AddressInput {
    AddressInput {
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
