//! What a notification about new mail says, read back from the store: the customer's name as
//! the shop knows it, the ticket's subject, the order, the first line of the mail.

use shopdesk_mailbox::IngestReport;
use shopdesk_notify::{NoticeKind, TicketNotice};
use shopdesk_store::{Direction, Store, StoreError};

/// The notice for one newly filed mail; `None` for mail nobody needs to hear about (a duplicate,
/// mail on no ticket, the shop's own mail copied to the inbox).
pub(super) fn live_notice(
    store: &Store,
    filed: &IngestReport,
) -> Result<Option<(NoticeKind, TicketNotice)>, StoreError> {
    let Some(ticket_id) = filed.ticket_id.filter(|_| !filed.duplicate) else {
        return Ok(None);
    };
    let messages = store.messages_for_ticket(ticket_id)?;
    let Some(message) = messages.iter().find(|m| m.id == filed.message_row_id) else {
        return Ok(None);
    };
    if message.direction == Direction::Outbound {
        return Ok(None);
    }
    let ticket = store.ticket(ticket_id)?;
    let shop_name = match &ticket.customer_id {
        Some(id) => store.customer(id)?.map(|c| c.display_name),
        None => None,
    };
    let customer_name = shop_name
        .filter(|name| !name.trim().is_empty())
        .or(ticket.customer_name)
        .or_else(|| message.from_name.clone());
    // The order this mail names, else the one the ticket is about.
    let named = match filed.linked_orders.first() {
        Some(id) => store.order(id)?.map(|order| order.name),
        None => None,
    };
    let order_name = match named {
        Some(name) => Some(name),
        None => store.ticket_summary(ticket_id)?.order_name,
    };
    let kind = if filed.created_ticket {
        NoticeKind::NewTicket
    } else {
        NoticeKind::CustomerReply
    };
    Ok(Some((
        kind,
        TicketNotice {
            ticket_id,
            customer_name,
            customer_email: ticket.customer_email,
            subject: ticket.subject,
            preview: message.body_text.clone(),
            order_name,
        },
    )))
}

/// A stand-in for mail that is only counted: the notifier never shows an initial-sync notice on
/// its own, only the summary of how many there were.
pub(super) fn backlog_notice() -> TicketNotice {
    TicketNotice {
        ticket_id: 0,
        customer_name: None,
        customer_email: String::new(),
        subject: String::new(),
        preview: String::new(),
        order_name: None,
    }
}

#[cfg(test)]
mod tests {
    use shopdesk_mail::{ingest_raw, IngestContext};

    use super::*;

    const SUPPORT: &str = "support@shop.test";

    fn file(store: &mut Store, raw: &str) -> IngestReport {
        let context = IngestContext {
            source: "test".into(),
            support_address: SUPPORT.into(),
            now: "2026-03-02T12:00:00Z".into(),
        };
        ingest_raw(store, raw.as_bytes(), &context).unwrap()
    }

    fn mail(from: &str, id: &str, in_reply_to: Option<&str>, body: &str) -> String {
        let threading = in_reply_to
            .map(|parent| format!("In-Reply-To: <{parent}>\r\nReferences: <{parent}>\r\n"))
            .unwrap_or_default();
        format!(
            "From: {from}\r\nTo: {SUPPORT}\r\nSubject: Broken lid\r\nMessage-ID: <{id}>\r\n\
             {threading}Date: Mon, 2 Mar 2026 10:00:00 +0000\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
        )
    }

    #[test]
    fn new_tickets_replies_and_the_shops_own_mail() {
        let mut store = Store::open_in_memory().unwrap();
        let first = file(
            &mut store,
            &mail(
                "Anna Berg <anna@example.com>",
                "q1@example.com",
                None,
                "\nThe lid broke.\nHelp",
            ),
        );
        let (kind, notice) = live_notice(&store, &first).unwrap().unwrap();
        assert_eq!(kind, NoticeKind::NewTicket);
        assert_eq!(notice.ticket_id, first.ticket_id.unwrap());
        assert_eq!(notice.customer_name.as_deref(), Some("Anna Berg"));
        assert_eq!(notice.subject, "Broken lid");
        assert!(
            notice.preview.contains("The lid broke."),
            "{}",
            notice.preview
        );
        assert_eq!(notice.order_name, None);

        let ours = file(
            &mut store,
            &mail(SUPPORT, "r1@shop.test", Some("q1@example.com"), "Sorry!"),
        );
        assert_eq!(live_notice(&store, &ours).unwrap(), None, "outbound");

        let again = file(
            &mut store,
            &mail(
                "anna@example.com",
                "q2@example.com",
                Some("r1@shop.test"),
                "Photo",
            ),
        );
        let (kind, notice) = live_notice(&store, &again).unwrap().unwrap();
        assert_eq!(kind, NoticeKind::CustomerReply);
        assert_eq!(notice.ticket_id, first.ticket_id.unwrap());
        assert_eq!(notice.preview.trim(), "Photo");

        let duplicate = file(
            &mut store,
            &mail(
                "anna@example.com",
                "q2@example.com",
                Some("r1@shop.test"),
                "Photo",
            ),
        );
        assert!(duplicate.duplicate);
        assert_eq!(live_notice(&store, &duplicate).unwrap(), None);
    }
}
