//! Writes of a sync: an older `updatedAt` never replaces a newer row (with its children), and
//! deleted orders and customers go with their children and search entries.

use shopdesk_money::Money;
use shopdesk_store::*;

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

fn customer(updated_at: &str, note: &str) -> CustomerRecord {
    CustomerRecord {
        id: "gid://shopify/Customer/1".into(),
        shop_id: shop().id,
        display_name: "Zoë Dubois".into(),
        first_name: Some("Zoë".into()),
        last_name: Some("Dubois".into()),
        email: Some("zoe@example.com".into()),
        phone: None,
        number_of_orders: 1,
        amount_spent: eur("42.5"),
        tags: vec![],
        note: Some(note.into()),
        created_at: "2026-01-01T00:00:00Z".into(),
        updated_at: updated_at.into(),
    }
}

fn order(updated_at: &str, note: &str, line_items: usize) -> OrderRecord {
    OrderRecord {
        id: "gid://shopify/Order/1".into(),
        shop_id: shop().id,
        customer_id: Some("gid://shopify/Customer/1".into()),
        name: "#1001".into(),
        email: Some("zoe@example.com".into()),
        created_at: "2026-11-01T10:00:00Z".into(),
        processed_at: "2026-11-01T10:00:00Z".into(),
        updated_at: updated_at.into(),
        cancelled_at: None,
        cancel_reason: None,
        closed_at: None,
        financial_status: "PAID".into(),
        fulfillment_status: "UNFULFILLED".into(),
        presentment_currency: "EUR".parse().unwrap(),
        subtotal: eur("10"),
        shipping: eur("0"),
        tax: eur("0"),
        total: eur("10"),
        current_total: eur("10"),
        refunded: eur("0"),
        presentment_total: eur("10"),
        note: Some(note.into()),
        tags: vec![],
        shipping_address: None,
        status_page_url: None,
        line_items: (0..line_items)
            .map(|i| LineItemRecord {
                id: format!("gid://shopify/LineItem/{i}"),
                name: format!("Item {i}"),
                sku: None,
                variant_title: None,
                quantity: 1,
                current_quantity: 1,
                refundable_quantity: 1,
                unfulfilled_quantity: 1,
                unit_price: eur("10"),
                variant_id: None,
                product_id: None,
            })
            .collect(),
        fulfillments: vec![],
        refunds: vec![RefundRecord {
            id: "gid://shopify/Refund/1".into(),
            created_at: "2026-11-02T10:00:00Z".into(),
            note: None,
            amount: eur("0"),
        }],
    }
}

fn store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    store.upsert_shop(&shop()).unwrap();
    store
}

#[test]
fn an_older_order_never_overwrites_a_newer_one() {
    let mut store = store();
    let newer = order("2026-11-20T10:00:01Z", "newer", 2);
    store
        .upsert_orders_page(std::slice::from_ref(&newer), None)
        .unwrap();
    store
        .upsert_orders_page(&[order("2026-11-20T10:00:00Z", "older", 3)], None)
        .unwrap();
    assert_eq!(store.order(&newer.id).unwrap(), Some(newer.clone()));
    // The same version again (an overlap re-read) is written again, idempotently.
    store
        .upsert_orders_page(std::slice::from_ref(&newer), None)
        .unwrap();
    assert_eq!(store.order(&newer.id).unwrap(), Some(newer.clone()));
    let latest = order("2026-11-20T10:00:02Z", "latest", 1);
    store
        .upsert_orders_page(std::slice::from_ref(&latest), None)
        .unwrap();
    assert_eq!(store.order(&newer.id).unwrap(), Some(latest));
}

#[test]
fn an_older_customer_never_overwrites_a_newer_one() {
    let mut store = store();
    let newer = customer("2026-11-20T10:00:01Z", "newer");
    store
        .upsert_customers_page(std::slice::from_ref(&newer), None)
        .unwrap();
    store
        .upsert_customers_page(&[customer("2026-11-19T23:59:59Z", "older")], None)
        .unwrap();
    assert_eq!(store.customer(&newer.id).unwrap(), Some(newer));
}

#[test]
fn deleting_orders_and_customers_takes_their_children_and_search_entries() {
    let mut store = store();
    store
        .upsert_customers_page(&[customer("2026-11-20T10:00:00Z", "note")], None)
        .unwrap();
    store
        .upsert_orders_page(&[order("2026-11-20T10:00:00Z", "fragile parcel", 2)], None)
        .unwrap();
    assert!(!store.search("fragile", 10).unwrap().is_empty());

    let checkpoint = SyncCheckpoint {
        shop_id: shop().id,
        resource: "orders:deletions".into(),
        cursor: None,
        watermark: Some("2026-11-21T00:00:00Z".into()),
        pass_started_at: None,
    };
    let ids = vec![
        "gid://shopify/Order/1".into(),
        "gid://shopify/Order/404".into(),
    ];
    assert_eq!(store.delete_orders(&ids, Some(&checkpoint)).unwrap(), 1);
    assert_eq!(store.orders_count().unwrap(), 0);
    assert!(store.search("fragile", 10).unwrap().is_empty());
    assert_eq!(
        store
            .sync_checkpoint(&shop().id, "orders:deletions")
            .unwrap(),
        Some(checkpoint)
    );
    assert_eq!(
        store
            .delete_customers(&["gid://shopify/Customer/1".into()], None)
            .unwrap(),
        1
    );
    assert_eq!(store.customers_count().unwrap(), 0);
}
