use shopdesk_money::Money;
use shopdesk_store::*;

/// Every migration file is applied: the schema version is their number.
fn migration_count() -> i64 {
    std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "sql")
        })
        .count() as i64
}

fn eur(amount: &str) -> Money {
    Money::parse(amount, "EUR").unwrap()
}

fn shop() -> ShopRecord {
    ShopRecord {
        id: "gid://shopify/Shop/1".into(),
        domain: "demo.myshopify.com".into(),
        name: "Demo".into(),
        currency: "EUR".parse().unwrap(),
    }
}

fn customer(n: u32, email: &str) -> CustomerRecord {
    CustomerRecord {
        id: format!("gid://shopify/Customer/{n}"),
        shop_id: shop().id,
        display_name: format!("Zoë Customer {n}"),
        first_name: Some("Zoë".into()),
        last_name: Some(format!("Customer {n}")),
        email: Some(email.into()),
        phone: None,
        number_of_orders: 1,
        amount_spent: eur("42.50"),
        tags: vec!["vip".into(), "wholesale".into()],
        note: None,
        created_at: "2026-01-01T00:00:00Z".into(),
        updated_at: "2026-11-01T00:00:00Z".into(),
    }
}

fn order(n: u32, customer: u32) -> OrderRecord {
    OrderRecord {
        id: format!("gid://shopify/Order/{n}"),
        shop_id: shop().id,
        customer_id: Some(format!("gid://shopify/Customer/{customer}")),
        name: format!("#{n}"),
        email: Some("zoe@example.com".into()),
        created_at: format!("2026-11-{:02}T10:00:00Z", n % 28 + 1),
        processed_at: format!("2026-11-{:02}T10:00:00Z", n % 28 + 1),
        updated_at: "2026-11-20T10:00:00Z".into(),
        cancelled_at: None,
        cancel_reason: None,
        closed_at: None,
        financial_status: "PARTIALLY_REFUNDED".into(),
        fulfillment_status: "FULFILLED".into(),
        presentment_currency: "USD".parse().unwrap(),
        subtotal: eur("39.80"),
        shipping: eur("4.90"),
        tax: eur("7.56"),
        total: eur("44.70"),
        current_total: eur("24.80"),
        refunded: eur("19.90"),
        presentment_total: Money::parse("48.61", "USD").unwrap(),
        note: Some("gift wrap".into()),
        tags: vec![],
        shipping_address: Some(ShippingAddress {
            city: Some("Lyon".into()),
            country_code: Some("FR".into()),
            ..ShippingAddress::default()
        }),
        status_page_url: Some("https://example.test/status".into()),
        line_items: vec![
            LineItemRecord {
                id: format!("gid://shopify/LineItem/{n}1"),
                name: "Ethiopia Guji — 250 g".into(),
                sku: Some("ETH-250".into()),
                variant_title: Some("250 g".into()),
                quantity: 2,
                current_quantity: 1,
                refundable_quantity: 1,
                unfulfilled_quantity: 0,
                unit_price: eur("19.90"),
                variant_id: None,
                product_id: None,
            },
            LineItemRecord {
                id: format!("gid://shopify/LineItem/{n}2"),
                name: "Filter papers".into(),
                sku: None,
                variant_title: None,
                quantity: 1,
                current_quantity: 1,
                refundable_quantity: 1,
                unfulfilled_quantity: 0,
                unit_price: eur("0.00"),
                variant_id: None,
                product_id: None,
            },
        ],
        fulfillments: vec![FulfillmentRecord {
            id: format!("gid://shopify/Fulfillment/{n}"),
            status: "SUCCESS".into(),
            display_status: Some("DELIVERED".into()),
            created_at: "2026-11-02T10:00:00Z".into(),
            delivered_at: Some("2026-11-04T10:00:00Z".into()),
            tracking: vec![TrackingRecord {
                company: Some("DHL Express".into()),
                number: Some("JD0146".into()),
                url: Some("https://dhl.test/JD0146".into()),
            }],
        }],
        refunds: vec![RefundRecord {
            id: format!("gid://shopify/Refund/{n}"),
            created_at: "2026-11-05T10:00:00Z".into(),
            note: Some("damaged bag".into()),
            amount: eur("19.90"),
        }],
    }
}

fn seeded() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    store.upsert_shop(&shop()).unwrap();
    store
        .upsert_customers_page(&[customer(1, "zoe@example.com")], None)
        .unwrap();
    store
        .upsert_orders_page(&[order(1001, 1), order(1002, 1)], None)
        .unwrap();
    store
}

#[test]
fn file_database_uses_wal_and_migrates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shopdesk.db");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), migration_count());
    drop(store);
    // Reopening an up-to-date file is a no-op.
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), migration_count());
    assert!(dir.path().join("shopdesk.db-wal").exists() || path.exists());
}

#[test]
fn orders_round_trip_with_children_and_exact_money() {
    let store = seeded();
    let stored = store.order("gid://shopify/Order/1001").unwrap().unwrap();
    assert_eq!(stored, order(1001, 1));
    assert_eq!(stored.refunded.to_string(), "19.90 EUR");
    assert_eq!(stored.presentment_total.to_string(), "48.61 USD");
    let mine = store
        .orders_for_customer("gid://shopify/Customer/1")
        .unwrap();
    assert_eq!(
        mine.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(),
        ["#1002", "#1001"]
    );
}

#[test]
fn upsert_replaces_children_instead_of_duplicating() {
    let mut store = seeded();
    let mut changed = order(1001, 1);
    changed.line_items.truncate(1);
    changed.fulfillments.clear();
    changed.financial_status = "REFUNDED".into();
    store.upsert_orders_page(&[changed.clone()], None).unwrap();
    store.upsert_orders_page(&[changed.clone()], None).unwrap();
    assert_eq!(store.order(&changed.id).unwrap().unwrap(), changed);
    assert_eq!(store.orders_count().unwrap(), 2);
}

#[test]
fn a_failing_page_writes_nothing_not_even_its_checkpoint() {
    let mut store = seeded();
    let good = order(2001, 1);
    let mut bad = order(2002, 1);
    bad.refunded = Money::parse("1", "USD").unwrap(); // total is in EUR: corrupt
    let checkpoint = SyncCheckpoint {
        shop_id: shop().id,
        resource: "orders".into(),
        cursor: Some("page-2".into()),
        watermark: None,
        pass_started_at: None,
    };
    let err = store
        .upsert_orders_page(&[good.clone(), bad], Some(&checkpoint))
        .unwrap_err();
    assert!(err.to_string().contains("#2002"), "{err}");
    assert!(store.order(&good.id).unwrap().is_none());
    assert!(store
        .sync_checkpoint(&shop().id, "orders")
        .unwrap()
        .is_none());

    store
        .upsert_orders_page(std::slice::from_ref(&good), Some(&checkpoint))
        .unwrap();
    assert_eq!(
        store.sync_checkpoint(&shop().id, "orders").unwrap(),
        Some(checkpoint)
    );
}

#[test]
fn customer_lookup_by_email_ignores_case() {
    let store = seeded();
    let found = store.customer_by_email("ZOE@Example.com").unwrap().unwrap();
    assert_eq!(found, customer(1, "zoe@example.com"));
    assert!(store
        .customer_by_email("nobody@example.com")
        .unwrap()
        .is_none());
}

fn mail(id: &str, reply_to: Option<&str>, body: &str) -> NewMessage {
    NewMessage {
        message_id: Some(id.into()),
        in_reply_to: reply_to.map(String::from),
        references: reply_to.map(|r| vec![r.to_string()]).unwrap_or_default(),
        direction: Some(Direction::Inbound),
        from_address: "zoe@example.com".into(),
        from_name: Some("Zoë".into()),
        to_addresses: vec!["support@shop.test".into()],
        subject: "Where is #1001?".into(),
        sent_at: format!("2026-11-2{}T10:00:00Z", id.len() % 9),
        body_text: body.into(),
        body_html: None,
        raw: format!("Message-ID: <{id}>\r\n\r\n{body}").into_bytes(),
        parse_error: None,
        source: "test".into(),
        attachments: vec![NewAttachment {
            filename: "photo.jpg".into(),
            content_type: "image/jpeg".into(),
            size: 1234,
        }],
    }
}

fn new_ticket() -> TicketTarget {
    TicketTarget::New(NewTicket {
        token: "SD-ABC123".into(),
        subject: "Where is #1001?".into(),
        customer_id: Some("gid://shopify/Customer/1".into()),
        customer_email: "zoe@example.com".into(),
        customer_name: Some("Zoë".into()),
    })
}

#[test]
fn ingest_files_messages_links_orders_and_dedupes() {
    let mut store = seeded();
    let first = store
        .ingest_message(
            &mail("a@x", None, "Hello\n> quoted\nmy grinder broke"),
            &new_ticket(),
            &["gid://shopify/Order/1001".into()],
        )
        .unwrap();
    assert!(first.created_ticket && !first.duplicate);
    let ticket = first.ticket_id.unwrap();
    assert_eq!(
        store
            .find_ticket_by_message_ids(&["zzz".into(), "a@x".into()])
            .unwrap(),
        Some(ticket)
    );
    assert_eq!(
        store.find_ticket_by_token("sd-abc123").unwrap(),
        Some(ticket)
    );

    let again = store
        .ingest_message(&mail("a@x", None, "Hello"), &new_ticket(), &[])
        .unwrap();
    assert!(again.duplicate);
    assert_eq!(store.tickets_count().unwrap(), 1);
    assert_eq!(store.messages_count().unwrap(), 1);

    let rows = store.list_tickets(10).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].preview, "Hello my grinder broke");
    assert_eq!(rows[0].order_name.as_deref(), Some("#1001"));
    assert_eq!(
        store.ticket_order_ids(ticket).unwrap(),
        ["gid://shopify/Order/1001"]
    );
    let messages = store.messages_for_ticket(ticket).unwrap();
    assert_eq!(messages[0].attachments[0].filename, "photo.jpg");
    assert_eq!(
        store.raw_message(messages[0].id).unwrap(),
        mail("a@x", None, "Hello\n> quoted\nmy grinder broke").raw
    );
}

#[test]
fn a_replacement_made_from_a_ticket_does_not_become_its_headline_order() {
    let mut store = seeded();
    // The customer writes about #1001; Shopdesk then makes a newer replacement order.
    let ticket = store
        .ingest_message(
            &mail("r@x", None, "my grinder broke"),
            &new_ticket(),
            &["gid://shopify/Order/1001".into()],
        )
        .unwrap()
        .ticket_id
        .unwrap();
    let mut replacement = order(1020, 1);
    replacement.processed_at = "2026-11-28T10:00:00Z".into();
    store
        .upsert_orders_page(std::slice::from_ref(&replacement), None)
        .unwrap();
    store.link_order_to_ticket(ticket, &replacement.id).unwrap();
    store.link_order_to_ticket(ticket, &replacement.id).unwrap();

    let rows = store.list_tickets(10).unwrap();
    assert_eq!(rows[0].order_name.as_deref(), Some("#1001"));
    let mut linked = store.ticket_order_ids(ticket).unwrap();
    linked.sort();
    assert_eq!(
        linked,
        ["gid://shopify/Order/1001", "gid://shopify/Order/1020"]
    );

    // A ticket with only an order made from it shows that one.
    let TicketTarget::New(mut second) = new_ticket() else {
        unreachable!()
    };
    second.token = "SD-XYZ789".into();
    let other = store
        .ingest_message(&mail("s@x", None, "hello"), &TicketTarget::New(second), &[])
        .unwrap()
        .ticket_id
        .unwrap();
    assert_ne!(other, ticket);
    store.link_order_to_ticket(other, &replacement.id).unwrap();
    let rows = store.list_tickets(10).unwrap();
    let row = rows.iter().find(|r| r.ticket.id == other).unwrap();
    assert_eq!(row.order_name.as_deref(), Some("#1020"));
}

#[test]
fn a_customer_reply_reopens_a_closed_ticket() {
    let mut store = seeded();
    let ticket = store
        .ingest_message(&mail("a@x", None, "first"), &new_ticket(), &[])
        .unwrap()
        .ticket_id
        .unwrap();
    store
        .set_ticket_status(ticket, TicketStatus::Closed)
        .unwrap();
    let reply = store
        .ingest_message(
            &mail("b@xy", Some("a@x"), "again"),
            &TicketTarget::Existing(ticket),
            &[],
        )
        .unwrap();
    assert!(reply.reopened);
    assert_eq!(store.ticket(ticket).unwrap().status, TicketStatus::Open);
    assert_eq!(store.list_tickets(10).unwrap()[0].message_count, 2);
}

#[test]
fn unparseable_mail_is_kept_raw_and_flagged() {
    let mut store = seeded();
    let broken = NewMessage {
        raw: b"\xff\xfe garbage".to_vec(),
        parse_error: Some("no headers".into()),
        sent_at: "2026-11-28T12:00:00Z".into(),
        source: "test".into(),
        ..Default::default()
    };
    let outcome = store
        .ingest_message(&broken, &TicketTarget::None, &[])
        .unwrap();
    assert_eq!(store.flagged_messages().unwrap(), [outcome.message_row_id]);
    assert_eq!(
        store.raw_message(outcome.message_row_id).unwrap(),
        b"\xff\xfe garbage"
    );
}

#[test]
fn search_finds_messages_customers_and_orders() {
    let mut store = seeded();
    store
        .ingest_message(
            &mail("a@x", None, "The burr grinder arrived broken"),
            &new_ticket(),
            &[],
        )
        .unwrap();
    let kinds = |store: &Store, q: &str| {
        store
            .search(q, 10)
            .unwrap()
            .into_iter()
            .map(|h| h.kind)
            .collect::<Vec<_>>()
    };
    assert_eq!(kinds(&store, "grind"), [SearchKind::Message]);
    assert_eq!(
        kinds(&store, "zoe"),
        [
            SearchKind::Message,
            SearchKind::Customer,
            SearchKind::Order,
            SearchKind::Order
        ],
        "diacritics folded; orders match by email"
    );
    assert_eq!(kinds(&store, "#1002"), [SearchKind::Order]);
    assert!(kinds(&store, "\"unbalanced").is_empty());
    assert!(kinds(&store, "   ").is_empty());
    // Updating an order keeps its index entry in step.
    let mut o = order(1002, 1);
    o.note = Some("espresso machine".into());
    store.upsert_orders_page(&[o], None).unwrap();
    assert_eq!(kinds(&store, "espresso"), [SearchKind::Order]);
}

#[test]
fn reads_by_an_id_no_record_can_have_find_nothing() {
    let mut store = Store::open_in_memory().unwrap();
    assert_eq!(
        store.order("gid://shopify/Order/not-a-number").unwrap(),
        None
    );
    assert_eq!(store.customer("42").unwrap(), None);
    assert!(store
        .orders_for_customer("gid://shopify/Order/1")
        .unwrap()
        .is_empty());
    assert_eq!(store.delete_orders(&["nonsense".into()], None).unwrap(), 0);
}
