//! Reading tickets: the inbox list and one ticket beside its customer's orders.

use crate::views::{CustomerView, MessageView, OrderView, TicketSummary, TicketView};
use crate::{App, AppError};

/// How many tickets the inbox loads at once.
const INBOX_PAGE: u32 = 500;

impl App {
    pub fn list_tickets(&self) -> Result<Vec<TicketSummary>, AppError> {
        let store = self.store()?;
        Ok(store
            .list_tickets(INBOX_PAGE)?
            .into_iter()
            .map(TicketSummary::from)
            .collect())
    }

    /// A ticket with its messages, its customer, and the customer's orders: the orders the
    /// ticket mentions first, then the others newest first. Local data only, so it is instant
    /// and works offline.
    pub fn open_ticket(&self, ticket_id: i64) -> Result<TicketView, AppError> {
        let store = self.store()?;
        let ticket = match store.ticket(ticket_id) {
            Err(shopdesk_store::StoreError::NotFound(_)) => {
                return Err(AppError::TicketNotFound(ticket_id))
            }
            other => other?,
        };
        let customer = match &ticket.customer_id {
            Some(id) => store.customer(id)?,
            None => store.customer_by_email(&ticket.customer_email)?,
        };
        let linked_ids = store.ticket_order_ids(ticket_id)?;
        let mut orders: Vec<OrderView> = Vec::new();
        for id in &linked_ids {
            if let Some(order) = store.order(id)? {
                orders.push(OrderView::from_record(&order, true));
            }
        }
        if let Some(customer) = &customer {
            for order in store.orders_for_customer(&customer.id)? {
                if !linked_ids.contains(&order.id) {
                    orders.push(OrderView::from_record(&order, false));
                }
            }
        }
        // Shown from the local copy now; the panel reloads when the refresh lands (or fails:
        // then it says the orders are the local copy).
        let mut orders_refresh = None;
        if let (Some(customer), Some(sync)) = (&customer, self.sync.handle()) {
            sync.refresh_customer(&customer.id);
            orders_refresh = sync.orders_refresh_problem(&customer.id);
        }
        let mut messages = Vec::new();
        for message in store.messages_for_ticket(ticket_id)? {
            let raw = match message.parse_error {
                Some(_) => Some(store.raw_message(message.id)?),
                None => None,
            };
            messages.push(MessageView::from_record(message, raw));
        }
        Ok(TicketView {
            ticket: store.ticket_summary(ticket_id)?.into(),
            messages,
            customer: customer.as_ref().map(CustomerView::from),
            orders,
            orders_refresh,
        })
    }
}
