//! Where a message goes: which ticket (an existing one, a new one, or none), in which
//! direction, and which orders it links to the ticket.
//!
//! Order of evidence: In-Reply-To, then References from the newest, then the ticket token in
//! the subject; a new ticket otherwise.

mod contact;
mod orders;
mod token;

use shopdesk_store::{Direction, NewTicket, Store, TicketTarget};

use crate::parse::ParsedMail;
use crate::MailError;

pub use orders::mentioned_order_names;
pub use token::{base_ticket_token, ticket_subject, token_in_subject};

use contact::{customer_contact, direction_of};
use orders::{linkable_order_ids, OrderOwner};

/// The threading decision for one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadPlan {
    pub direction: Direction,
    pub target: TicketTarget,
    /// Shopify ids of the orders this message links to its ticket.
    pub order_ids: Vec<String>,
}

/// Decides where `mail` goes. `support_address` is the shop's own mailbox: mail from it is
/// outbound.
pub fn plan_thread(
    store: &Store,
    mail: &ParsedMail,
    support_address: &str,
) -> Result<ThreadPlan, MailError> {
    let direction = direction_of(mail, support_address);
    let Some(from) = &mail.from else {
        // Nobody to answer: kept, flagged, on no ticket.
        return Ok(ThreadPlan {
            direction,
            target: TicketTarget::None,
            order_ids: Vec::new(),
        });
    };
    let text = format!("{}\n{}", mail.subject, mail.body_text);

    if let Some(ticket_id) = existing_ticket(store, mail)? {
        let ticket = store.ticket(ticket_id)?;
        let owner = ticket.customer_id.map(|customer_id| OrderOwner {
            customer_id,
            email: ticket.customer_email,
        });
        return Ok(ThreadPlan {
            direction,
            target: TicketTarget::Existing(ticket_id),
            order_ids: linkable_order_ids(store, &text, owner.as_ref())?,
        });
    }

    // A mail the shop sent to nobody else still needs an address on its ticket.
    let contact =
        customer_contact(mail, direction, support_address).unwrap_or_else(|| from.clone());
    let customer = store.customer_by_email(&contact.address)?;
    let owner = customer.as_ref().map(|c| OrderOwner {
        customer_id: c.id.clone(),
        email: contact.address.clone(),
    });
    let order_ids = linkable_order_ids(store, &text, owner.as_ref())?;
    let seed = match &mail.message_id {
        Some(id) => id.as_bytes(),
        // Without a Message-ID the bytes themselves are the stable identity of the mail.
        None => mail.raw.as_slice(),
    };
    let new_ticket = NewTicket {
        token: token::free_ticket_token(store, seed)?,
        subject: ticket_subject(&mail.subject),
        customer_name: customer
            .as_ref()
            .map(|c| c.display_name.clone())
            .or(contact.name),
        customer_id: customer.map(|c| c.id),
        customer_email: contact.address,
    };
    Ok(ThreadPlan {
        direction,
        target: TicketTarget::New(new_ticket),
        order_ids,
    })
}

fn existing_ticket(store: &Store, mail: &ParsedMail) -> Result<Option<i64>, MailError> {
    // The nearest ancestor first: In-Reply-To, then References from the newest.
    let ancestors: Vec<String> = mail
        .in_reply_to
        .iter()
        .chain(mail.references.iter().rev())
        .cloned()
        .collect();
    if !ancestors.is_empty() {
        if let Some(ticket) = store.find_ticket_by_message_ids(&ancestors)? {
            return Ok(Some(ticket));
        }
    }
    match token_in_subject(&mail.subject) {
        Some(token) => Ok(store.find_ticket_by_token(&token)?),
        None => Ok(None),
    }
}
