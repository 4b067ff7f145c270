//! Orders linked to tickets: named in subject or body, existing, and the customer's own.

mod common;

use common::*;

#[test]
fn orders_named_in_subject_and_body_are_linked() {
    let mut store = shop_store();
    let raw = mail(
        "Chloé Martin <Chloe.Martin@Example.FR>",
        "Question about order no. 1006",
        "links-1@example.fr",
        &[],
        "Also, where is #1004? And order 1009 please.",
    );
    let report = ingest(&mut store, &raw);
    let ticket = report.ticket_id.unwrap();
    assert_eq!(
        report.linked_orders,
        [order_gid(1006), order_gid(1004), order_gid(1009)]
    );
    let mut linked = store.ticket_order_ids(ticket).unwrap();
    linked.sort();
    assert_eq!(linked, [order_gid(1004), order_gid(1006), order_gid(1009)]);
    // Matched case-insensitively by address.
    let customer_id = store.ticket(ticket).unwrap().customer_id;
    assert_eq!(customer_id.as_deref(), Some(customer_gid(3).as_str()));
}

#[test]
fn another_customers_order_is_not_linked() {
    let mut store = shop_store();
    let raw = mail(
        "Anna Becker <anna@example.com>",
        "My order #1001 and my neighbour's #1002",
        "links-2@mail.example.com",
        &[],
        "Ben's order #1002 came to my door; mine (#1003) did not.",
    );
    let report = ingest(&mut store, &raw);
    assert_eq!(report.linked_orders, [order_gid(1001), order_gid(1003)]);
}

#[test]
fn names_not_in_the_store_link_nothing() {
    let mut store = shop_store();
    let raw = mail(
        "Anna Becker <anna@example.com>",
        "Order #9999",
        "links-3@mail.example.com",
        &[],
        "Colour #222, 3 items, order 12.",
    );
    let report = ingest(&mut store, &raw);
    assert!(report.linked_orders.is_empty());
    assert!(store
        .ticket_order_ids(report.ticket_id.unwrap())
        .unwrap()
        .is_empty());
}

#[test]
fn mail_without_an_order_name_links_nothing() {
    let mut store = shop_store();
    let raw = mail(
        "Emma <emma@example.se>",
        "Subscription question",
        "links-4@example.se",
        &[],
        "Can I skip December?",
    );
    let report = ingest(&mut store, &raw);
    assert!(report.linked_orders.is_empty());
}

#[test]
fn an_unknown_sender_links_whatever_existing_order_they_name() {
    let mut store = shop_store();
    let raw = mail(
        "Sam <sam@elsewhere.example>",
        "Order for Ben",
        "links-5@elsewhere.example",
        &[],
        "I'm writing about order #1002, a gift for Ben.",
    );
    assert_eq!(ingest(&mut store, &raw).linked_orders, [order_gid(1002)]);
}

#[test]
fn a_guest_order_is_linked_by_its_email() {
    let mut store = shop_store();
    // The guest has no customer record: unknown sender, the order is linked.
    let raw = mail(
        GUEST_EMAIL,
        "Order #1005",
        "links-6@example.net",
        &[],
        "Where is it?",
    );
    assert_eq!(
        ingest(&mut store, &raw).linked_orders,
        [order_gid(GUEST_ORDER)]
    );
    // A known customer naming the guest order: not theirs, not linked.
    let raw = mail(
        "ben@example.org",
        "Order #1005",
        "links-7@example.org",
        &[],
        "?",
    );
    assert!(ingest(&mut store, &raw).linked_orders.is_empty());
}

#[test]
fn replies_link_more_orders_of_the_ticket_customer_only() {
    let mut store = shop_store();
    let first = ingest(
        &mut store,
        &mail(
            "anna@example.com",
            "Order #1001",
            "links-8@mail.example.com",
            &[],
            "Hi",
        ),
    );
    let ticket = first.ticket_id.unwrap();
    // The shop's answer names Anna's orders and Ben's: only Anna's are linked.
    let shop_reply = mail(
        SUPPORT,
        "Re: Order #1001",
        "links-9@beanandburr.example",
        &["In-Reply-To: <links-8@mail.example.com>"],
        "We merged it with your order #1003 (not #1002).",
    );
    let report = ingest(&mut store, &shop_reply);
    assert_eq!(report.linked_orders, [order_gid(1001), order_gid(1003)]);
    let mut linked = store.ticket_order_ids(ticket).unwrap();
    linked.sort();
    assert_eq!(linked, [order_gid(1001), order_gid(1003)]);
}
