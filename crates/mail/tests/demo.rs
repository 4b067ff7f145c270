//! The demo mailbox, generated from a store and ingested back into it.

mod common;

use common::*;
use shopdesk_mail::demo::DEMO_EPOCH;
use shopdesk_mail::{demo_mailbox, ingest_raw, parse_message, IngestContext, MailError};
use shopdesk_store::{Direction, Store};

const SEED: u64 = 7;

fn demo_ctx() -> IngestContext {
    IngestContext {
        source: "demo".to_string(),
        ..ctx()
    }
}

fn ingest_demo(store: &mut Store, mails: &[Vec<u8>]) {
    for raw in mails {
        let report = ingest_raw(store, raw, &demo_ctx()).expect("demo mail ingests");
        assert!(!report.duplicate);
    }
}

#[test]
fn same_seed_same_bytes_other_seed_other_mailbox() {
    let store = shop_store();
    let first = demo_mailbox(&store, SEED, SUPPORT).unwrap();
    let again = demo_mailbox(&store, SEED, SUPPORT).unwrap();
    assert_eq!(first, again);
    assert_ne!(first, demo_mailbox(&store, SEED + 1, SUPPORT).unwrap());
    assert!((40..=70).contains(&first.len()), "{} mails", first.len());
}

#[test]
fn demo_mailbox_fills_about_25_tickets_with_one_flagged_message() {
    let mut store = shop_store();
    let mails = demo_mailbox(&store, SEED, SUPPORT).unwrap();
    ingest_demo(&mut store, &mails);

    assert_eq!(store.tickets_count().unwrap(), 25);
    assert_eq!(store.messages_count().unwrap(), mails.len() as i64);
    assert_eq!(store.flagged_messages().unwrap().len(), 1);

    let tickets = store.list_tickets(100).unwrap();
    let with_orders = tickets.iter().filter(|t| t.order_name.is_some()).count();
    assert_eq!(
        with_orders, 23,
        "all but the subscription and the Norway question"
    );
    let replied = tickets.iter().filter(|t| t.message_count > 1).count();
    assert!(replied >= 20, "{replied} tickets with replies");

    for summary in &tickets {
        let ticket = &summary.ticket;
        // Every linked order is the ticket customer's own.
        if let Some(customer_id) = &ticket.customer_id {
            let own: Vec<String> = store
                .orders_for_customer(customer_id)
                .unwrap()
                .into_iter()
                .map(|o| o.id)
                .collect();
            for order_id in store.ticket_order_ids(ticket.id).unwrap() {
                assert!(
                    own.contains(&order_id),
                    "{} linked a foreign order",
                    ticket.subject
                );
            }
        }
        for message in store.messages_for_ticket(ticket.id).unwrap() {
            let html = message.body_html.unwrap_or_default().to_lowercase();
            for hostile in ["<script", "onerror", "mailtrack", "url(", "document.cookie"] {
                assert!(!html.contains(hostile), "{hostile} in {}", ticket.subject);
            }
        }
    }
}

#[test]
fn demo_threads_look_like_a_real_mailbox() {
    let mut store = shop_store();
    let mails = demo_mailbox(&store, SEED, SUPPORT).unwrap();
    ingest_demo(&mut store, &mails);
    let tickets = store.list_tickets(100).unwrap();
    let by_subject = |needle: &str| {
        tickets
            .iter()
            .find(|t| t.ticket.subject.contains(needle))
            .unwrap_or_else(|| panic!("no ticket about {needle:?}"))
    };

    let contact = by_subject("New customer message on");
    assert!(
        contact.ticket.customer_id.is_some(),
        "Reply-To matched a customer"
    );
    assert_ne!(contact.ticket.customer_email, "mailer@shopify.com");
    assert_eq!(contact.message_count, 2);

    let stranger = by_subject("Do you ship to Norway?");
    assert_eq!(stranger.ticket.customer_id, None);
    assert_eq!(stranger.order_name, None);

    let subscription = by_subject("subscription");
    assert!(subscription.ticket.customer_id.is_some());
    assert_eq!(subscription.order_name, None);

    // The follow-up carries only the subject token, no threading headers.
    assert_eq!(by_subject("Missing scoop").message_count, 3);
    assert_eq!(by_subject("still not delivered").message_count, 4);

    let backorder = by_subject("back-order");
    let messages = store.messages_for_ticket(backorder.ticket.id).unwrap();
    assert_eq!(messages[0].direction, Direction::Outbound);
    assert_eq!(messages[1].direction, Direction::Inbound);

    let broken = by_subject("leaking kettle");
    let messages = store.messages_for_ticket(broken.ticket.id).unwrap();
    assert!(messages[0].parse_error.is_some());
    assert!(broken.ticket.customer_id.is_some());

    let damaged = by_subject("Grinder arrived damaged");
    let first = &store.messages_for_ticket(damaged.ticket.id).unwrap()[0];
    assert_eq!(first.attachments[0].content_type, "image/png");
    let invoice = by_subject("Invoice for order no.");
    let reply = &store.messages_for_ticket(invoice.ticket.id).unwrap()[1];
    assert_eq!(reply.direction, Direction::Outbound);
    assert_eq!(reply.attachments[0].content_type, "application/pdf");

    let thanks = by_subject("Just wanted to say thank you");
    let first = &store.messages_for_ticket(thanks.ticket.id).unwrap()[0];
    assert!(first.body_html.is_some());
    assert!(first.body_text.contains("best thing I bought"));
}

#[test]
fn demo_mails_arrive_in_date_order_within_ten_days_before_the_epoch() {
    let store = shop_store();
    let mails = demo_mailbox(&store, SEED, SUPPORT).unwrap();
    let dates: Vec<String> = mails
        .iter()
        .map(|raw| parse_message(raw, "demo").sent_at.expect("a date"))
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    assert!(dates.first().unwrap().as_str() >= "2026-11-18T12:00:00Z");
    assert!(dates.last().unwrap().as_str() < DEMO_EPOCH);
}

#[test]
fn demo_mail_comes_from_the_stores_real_customers() {
    let store = shop_store();
    let known: Vec<String> = store
        .customers()
        .unwrap()
        .into_iter()
        .filter_map(|c| c.email)
        .collect();
    let mails = demo_mailbox(&store, SEED, SUPPORT).unwrap();
    for raw in &mails {
        let mail = parse_message(raw, "demo");
        let from = mail.from.expect("every demo mail has a sender").address;
        let other = ["mailer@shopify.com", SUPPORT];
        assert!(
            known.contains(&from) || other.contains(&from.as_str()) || from.contains("fjordpost"),
            "unexpected sender {from}"
        );
    }
}

#[test]
fn importing_the_demo_again_changes_nothing_and_tokens_are_reproducible() {
    let mut store = shop_store();
    let mails = demo_mailbox(&store, SEED, SUPPORT).unwrap();
    ingest_demo(&mut store, &mails);
    let tokens = |store: &Store| -> Vec<String> {
        let mut tokens: Vec<String> = store
            .list_tickets(100)
            .unwrap()
            .into_iter()
            .map(|t| t.ticket.token)
            .collect();
        tokens.sort();
        tokens
    };
    let before = tokens(&store);

    for raw in &mails {
        let report = ingest_raw(&mut store, raw, &demo_ctx()).unwrap();
        // The broken mail has a Message-ID too, so even it is recognised.
        assert!(report.duplicate);
    }
    assert_eq!(store.messages_count().unwrap(), mails.len() as i64);
    assert_eq!(tokens(&store), before);

    let mut fresh = shop_store();
    ingest_demo(&mut fresh, &mails);
    assert_eq!(tokens(&fresh), before);
}

#[test]
fn demo_needs_customers_with_orders() {
    let empty = Store::open_in_memory().unwrap();
    assert!(matches!(
        demo_mailbox(&empty, SEED, SUPPORT),
        Err(MailError::DemoStoreEmpty)
    ));
}

#[test]
fn demo_round_trips_through_a_database_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shopdesk.sqlite");
    let mails = demo_mailbox(&shop_store(), SEED, SUPPORT).unwrap();
    {
        let mut store = Store::open(&path).unwrap();
        // The file store needs the same shop data for order links.
        let source = shop_store();
        store.upsert_shop(&source.shop().unwrap().unwrap()).unwrap();
        store
            .upsert_customers_page(&source.customers().unwrap(), None)
            .unwrap();
        store
            .upsert_orders_page(&source.orders().unwrap(), None)
            .unwrap();
        ingest_demo(&mut store, &mails);
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.tickets_count().unwrap(), 25);
    let flagged = store.flagged_messages().unwrap();
    let raw = store.raw_message(flagged[0]).unwrap();
    assert!(
        mails.contains(&raw),
        "the broken mail is kept byte for byte"
    );
}
