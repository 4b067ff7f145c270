//! A small shop for the mail tests: a few customers of a coffee-equipment shop with their
//! orders, one guest order, and helpers to write and ingest mails.
#![allow(dead_code)] // each test file uses its own part of these helpers

use std::path::PathBuf;

use shopdesk_mail::{ingest_raw, IngestContext, IngestReport};
use shopdesk_money::{Currency, Money};
use shopdesk_store::{
    CustomerRecord, LineItemRecord, MessageRecord, OrderRecord, ShopRecord, Store,
};

pub const SUPPORT: &str = "support@beanandburr.example";
pub const NOW: &str = "2026-11-28T12:00:00Z";
pub const SHOP_ID: &str = "gid://shopify/Shop/1";

/// (customer number, first, last, email, order numbers)
const PEOPLE: &[(u32, &str, &str, &str, &[u32])] = &[
    (1, "Anna", "Becker", "anna@example.com", &[1001, 1003]),
    (2, "Ben", "Okafor", "ben@example.org", &[1002]),
    (
        3,
        "Chloé",
        "Martin",
        "chloe.martin@example.fr",
        &[1004, 1006, 1009],
    ),
    (4, "Daniel", "Weiss", "d.weiss@example.de", &[1007]),
    (5, "Emma", "Lindqvist", "emma@example.se", &[1008, 1010]),
    (6, "Farid", "Haddad", "farid@example.com", &[1011]),
];
/// An order placed without an account: tied to its buyer only by e-mail.
pub const GUEST_ORDER: u32 = 1005;
pub const GUEST_EMAIL: &str = "guest.buyer@example.net";

pub fn shop_store() -> Store {
    let mut store = Store::open_in_memory().expect("in-memory store");
    seed_shop(&mut store);
    store
}

/// The shop, its customers and orders, written into `store`.
pub fn seed_shop(store: &mut Store) {
    store
        .upsert_shop(&ShopRecord {
            id: SHOP_ID.to_string(),
            domain: "bean-and-burr.myshopify.com".to_string(),
            name: "Bean & Burr".to_string(),
            currency: eur(),
        })
        .expect("shop");
    let customers: Vec<CustomerRecord> = PEOPLE
        .iter()
        .map(|(n, first, last, email, orders)| customer(*n, first, last, email, orders.len()))
        .collect();
    store
        .upsert_customers_page(&customers, None)
        .expect("customers");
    let mut orders: Vec<OrderRecord> = PEOPLE
        .iter()
        .flat_map(|(n, _, _, email, numbers)| {
            numbers
                .iter()
                .map(move |number| order(*number, Some(customer_gid(*n)), email))
        })
        .collect();
    orders.push(order(GUEST_ORDER, None, GUEST_EMAIL));
    store.upsert_orders_page(&orders, None).expect("orders");
}

pub fn customer_gid(n: u32) -> String {
    format!("gid://shopify/Customer/{n}")
}

pub fn order_gid(number: u32) -> String {
    format!("gid://shopify/Order/{number}")
}

pub fn ctx() -> IngestContext {
    IngestContext {
        source: "test".to_string(),
        support_address: SUPPORT.to_string(),
        now: NOW.to_string(),
    }
}

pub fn ingest(store: &mut Store, raw: &[u8]) -> IngestReport {
    ingest_raw(store, raw, &ctx()).expect("ingest")
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A plain-text mail. `extra` holds further header lines ("In-Reply-To: <a@b>").
pub fn mail(from: &str, subject: &str, message_id: &str, extra: &[&str], body: &str) -> Vec<u8> {
    let mut raw = format!(
        "From: {from}\r\nTo: Bean & Burr <{SUPPORT}>\r\nSubject: {subject}\r\n\
         Date: Thu, 26 Nov 2026 09:30:00 +0100\r\nMessage-ID: <{message_id}>\r\n"
    );
    for line in extra {
        raw.push_str(line);
        raw.push_str("\r\n");
    }
    raw.push_str("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
    raw.push_str(&body.replace('\n', "\r\n"));
    raw.into_bytes()
}

pub fn only_message(store: &Store, ticket_id: i64) -> MessageRecord {
    let mut messages = store.messages_for_ticket(ticket_id).expect("messages");
    assert_eq!(
        messages.len(),
        1,
        "expected one message on ticket {ticket_id}"
    );
    messages.remove(0)
}

fn eur() -> Currency {
    "EUR".parse().expect("EUR")
}

fn money(amount: &str) -> Money {
    Money::parse(amount, "EUR").expect("money")
}

fn customer(n: u32, first: &str, last: &str, email: &str, orders: usize) -> CustomerRecord {
    CustomerRecord {
        id: customer_gid(n),
        shop_id: SHOP_ID.to_string(),
        display_name: format!("{first} {last}"),
        first_name: Some(first.to_string()),
        last_name: Some(last.to_string()),
        email: Some(email.to_string()),
        phone: None,
        number_of_orders: orders as i64,
        amount_spent: money("120.00"),
        tags: Vec::new(),
        note: None,
        created_at: "2026-01-10T10:00:00Z".to_string(),
        updated_at: "2026-11-01T10:00:00Z".to_string(),
    }
}

fn order(number: u32, customer_id: Option<String>, email: &str) -> OrderRecord {
    let day = 1 + number % 20;
    let at = format!("2026-11-{day:02}T10:00:00Z");
    let (product, price) = match number % 3 {
        0 => ("Comandante C40 hand grinder", "249.00"),
        1 => ("Gooseneck kettle 1 l", "89.00"),
        _ => ("58 mm precision filter basket", "29.00"),
    };
    OrderRecord {
        id: order_gid(number),
        shop_id: SHOP_ID.to_string(),
        customer_id,
        name: format!("#{number}"),
        email: Some(email.to_string()),
        created_at: at.clone(),
        processed_at: at.clone(),
        updated_at: at,
        cancelled_at: None,
        cancel_reason: None,
        closed_at: None,
        financial_status: "PAID".to_string(),
        fulfillment_status: "FULFILLED".to_string(),
        presentment_currency: eur(),
        subtotal: money(price),
        shipping: money("0.00"),
        tax: money("0.00"),
        total: money(price),
        current_total: money(price),
        refunded: money("0.00"),
        presentment_total: money(price),
        note: None,
        tags: Vec::new(),
        shipping_address: None,
        status_page_url: None,
        line_items: vec![LineItemRecord {
            id: format!("gid://shopify/LineItem/{number}1"),
            name: product.to_string(),
            sku: None,
            variant_title: None,
            quantity: 1,
            current_quantity: 1,
            refundable_quantity: 1,
            unfulfilled_quantity: 0,
            unit_price: money(price),
            variant_id: None,
            product_id: None,
        }],
        fulfillments: Vec::new(),
        refunds: Vec::new(),
    }
}
