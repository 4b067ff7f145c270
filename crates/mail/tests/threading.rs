//! Which ticket a mail lands on: In-Reply-To, References, subject token, or a new ticket.

mod common;

use common::*;
use shopdesk_mail::thread::base_ticket_token;
use shopdesk_store::{Direction, TicketStatus};

const ANNA: &str = "Anna Becker <anna@example.com>";

fn first_mail(store: &mut shopdesk_store::Store) -> i64 {
    let report = ingest(
        store,
        &mail(
            ANNA,
            "Where is my parcel?",
            "first@mail.example.com",
            &[],
            "Hi, any news?",
        ),
    );
    assert!(report.created_ticket);
    report.ticket_id.expect("ticket")
}

#[test]
fn reply_threads_by_in_reply_to() {
    let mut store = shop_store();
    let ticket = first_mail(&mut store);
    let reply = mail(
        ANNA,
        "Re: Where is my parcel?",
        "second@mail.example.com",
        &["In-Reply-To: <first@mail.example.com>"],
        "Still waiting.",
    );
    let report = ingest(&mut store, &reply);
    assert_eq!(report.ticket_id, Some(ticket));
    assert!(!report.created_ticket);
    assert_eq!(store.messages_for_ticket(ticket).unwrap().len(), 2);
}

#[test]
fn reply_threads_by_references_alone() {
    let mut store = shop_store();
    let ticket = first_mail(&mut store);
    // A client that dropped In-Reply-To and changed the subject: only References remain,
    // the newest of them unknown here.
    let reply = mail(
        ANNA,
        "Another question",
        "third@mail.example.com",
        &["References: <first@mail.example.com> <not-stored@elsewhere.example>"],
        "One more thing.",
    );
    assert_eq!(ingest(&mut store, &reply).ticket_id, Some(ticket));
}

#[test]
fn reply_threads_by_ticket_token_in_subject() {
    let mut store = shop_store();
    let ticket = first_mail(&mut store);
    let token = store.ticket(ticket).unwrap().token;
    assert_eq!(token, base_ticket_token("first@mail.example.com"));
    assert_eq!(token.len(), "SD-".len() + 6);

    // No threading headers at all, the token typed in lower case.
    let subject = format!("Re: Where is my parcel? [{}]", token.to_lowercase());
    let reply = mail(
        ANNA,
        &subject,
        "fourth@mail.example.com",
        &[],
        "Hello again",
    );
    assert_eq!(ingest(&mut store, &reply).ticket_id, Some(ticket));
}

#[test]
fn unrelated_mail_opens_a_new_ticket_with_a_clean_subject() {
    let mut store = shop_store();
    let ticket = first_mail(&mut store);
    let other = mail(
        ANNA,
        "Re: Fwd: Grinder question [SD-ZZZZZZ]",
        "fifth@mail.example.com",
        &["In-Reply-To: <unknown@nowhere.example>"],
        "How fine for espresso?",
    );
    let report = ingest(&mut store, &other);
    assert!(report.created_ticket);
    assert_ne!(report.ticket_id, Some(ticket));
    let new_ticket = store.ticket(report.ticket_id.unwrap()).unwrap();
    assert_eq!(new_ticket.subject, "Grinder question");
    assert_eq!(
        new_ticket.customer_id.as_deref(),
        Some(customer_gid(1).as_str())
    );
    assert_eq!(new_ticket.customer_name.as_deref(), Some("Anna Becker"));
}

#[test]
fn customer_reply_reopens_a_closed_ticket_but_a_shop_reply_does_not() {
    let mut store = shop_store();
    let ticket = first_mail(&mut store);
    store
        .set_ticket_status(ticket, TicketStatus::Closed)
        .unwrap();

    let shop_reply = mail(
        &format!("Bean & Burr <{}>", SUPPORT.to_uppercase()),
        "Re: Where is my parcel?",
        "shop-1@beanandburr.example",
        &["In-Reply-To: <first@mail.example.com>"],
        "It ships today.",
    );
    let report = ingest(&mut store, &shop_reply);
    assert!(!report.reopened);
    assert_eq!(store.ticket(ticket).unwrap().status, TicketStatus::Closed);
    let messages = store.messages_for_ticket(ticket).unwrap();
    assert_eq!(messages[1].direction, Direction::Outbound);

    let customer_reply = mail(
        ANNA,
        "Re: Where is my parcel?",
        "after-close@mail.example.com",
        &["In-Reply-To: <shop-1@beanandburr.example>"],
        "It did not arrive.",
    );
    let report = ingest(&mut store, &customer_reply);
    assert!(report.reopened);
    assert_eq!(store.ticket(ticket).unwrap().status, TicketStatus::Open);
}

#[test]
fn the_same_mail_twice_is_stored_once() {
    let mut store = shop_store();
    let raw = mail(
        ANNA,
        "Order #1001",
        "dup@mail.example.com",
        &[],
        "Where is #1001?",
    );
    let first = ingest(&mut store, &raw);
    let second = ingest(&mut store, &raw);
    assert!(!first.duplicate);
    assert!(second.duplicate);
    assert!(!second.created_ticket);
    assert_eq!(second.ticket_id, first.ticket_id);
    assert_eq!(second.message_row_id, first.message_row_id);
    assert!(second.linked_orders.is_empty());
    assert_eq!(store.tickets_count().unwrap(), 1);
    assert_eq!(store.messages_count().unwrap(), 1);
}

#[test]
fn shopify_contact_form_is_filed_under_the_customer_in_reply_to() {
    let mut store = shop_store();
    let report = ingest(&mut store, &fixture("shopify-contact-form.eml"));
    let ticket = store.ticket(report.ticket_id.expect("ticket")).unwrap();
    assert_eq!(ticket.customer_email, "ben@example.org");
    assert_eq!(
        ticket.customer_id.as_deref(),
        Some(customer_gid(2).as_str())
    );
    assert_eq!(ticket.customer_name.as_deref(), Some("Ben Okafor"));
    let message = only_message(&store, ticket.id);
    assert_eq!(message.from_address, "mailer@shopify.com");
    assert_eq!(message.direction, Direction::Inbound);
    // Ben's order, named in the form's body.
    assert_eq!(report.linked_orders, [order_gid(1002)]);
}

#[test]
fn reply_to_is_ignored_when_a_person_wrote_the_mail() {
    let mut store = shop_store();
    let raw = mail(
        ANNA,
        "Order for my office",
        "office@mail.example.com",
        &["Reply-To: Ben Okafor <ben@example.org>"],
        "Please answer my colleague.",
    );
    let ticket_id = ingest(&mut store, &raw).ticket_id.unwrap();
    let ticket = store.ticket(ticket_id).unwrap();
    assert_eq!(ticket.customer_email, "anna@example.com");
}

#[test]
fn unknown_sender_gets_a_ticket_without_customer() {
    let mut store = shop_store();
    let raw = mail(
        "Ingrid <ingrid@fjordpost.example>",
        "Do you ship to Norway?",
        "norway@fjordpost.example",
        &[],
        "Hello!",
    );
    let ticket_id = ingest(&mut store, &raw).ticket_id.unwrap();
    let ticket = store.ticket(ticket_id).unwrap();
    assert_eq!(ticket.customer_id, None);
    assert_eq!(ticket.customer_email, "ingrid@fjordpost.example");
    assert_eq!(ticket.customer_name.as_deref(), Some("Ingrid"));
}

#[test]
fn a_mail_the_shop_sends_first_opens_a_ticket_with_the_recipient() {
    let mut store = shop_store();
    let raw = format!(
        "From: Bean & Burr <{SUPPORT}>\r\nTo: Emma Lindqvist <emma@example.se>\r\n\
         Subject: Your order #1010 is on back-order\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n\
         Message-ID: <backorder@beanandburr.example>\r\n\r\nShall we ship the rest now?\r\n"
    );
    let report = ingest(&mut store, raw.as_bytes());
    let ticket = store.ticket(report.ticket_id.unwrap()).unwrap();
    assert_eq!(ticket.customer_email, "emma@example.se");
    assert_eq!(
        ticket.customer_id.as_deref(),
        Some(customer_gid(5).as_str())
    );
    assert_eq!(
        only_message(&store, ticket.id).direction,
        Direction::Outbound
    );
    assert_eq!(report.linked_orders, [order_gid(1010)]);
}

#[test]
fn token_collision_lengthens_the_new_token() {
    // Two Message-IDs whose 6-character tokens collide (30 bits: a birthday search over a few
    // hundred thousand ids finds one).
    let mut seen = std::collections::HashMap::new();
    let (first_id, second_id) = (0u32..)
        .map(|n| format!("{n}@collide.example"))
        .find_map(|id| {
            let token = base_ticket_token(&id);
            seen.insert(token, id.clone()).map(|earlier| (earlier, id))
        })
        .expect("a collision");

    let mut store = shop_store();
    let first = ingest(&mut store, &mail(ANNA, "One", &first_id, &[], "a"));
    let second = ingest(&mut store, &mail(ANNA, "Two", &second_id, &[], "b"));
    let first_token = store.ticket(first.ticket_id.unwrap()).unwrap().token;
    let second_token = store.ticket(second.ticket_id.unwrap()).unwrap().token;
    assert_eq!(first_token, base_ticket_token(&first_id));
    assert_eq!(second_token.len(), first_token.len() + 1);
    assert!(second_token.starts_with(&first_token));

    // And the longer token threads a reply like any other.
    let subject = format!("Re: Two [{second_token}]");
    let reply = mail(ANNA, &subject, "reply-two@mail.example.com", &[], "c");
    assert_eq!(ingest(&mut store, &reply).ticket_id, second.ticket_id);
}
