//! The records a sync must produce, computed from the simulator's state (never hard-coded).

use shopdesk_money::Money;
use shopdesk_shopify_sim::model::{Customer, FulfillmentState, Order, SchemaEnum, ShopState};
use shopdesk_shopify_sim::{format_time, gid, Simulator};
use shopdesk_store::{
    CustomerRecord, FulfillmentRecord, LineItemRecord, OrderRecord, RefundRecord, ShippingAddress,
    ShopRecord, Store, TrackingRecord,
};

pub fn shop(state: &ShopState) -> ShopRecord {
    ShopRecord {
        id: gid("Shop", state.shop.legacy_id),
        domain: state.shop.myshopify_domain.clone(),
        name: state.shop.name.clone(),
        currency: state.shop.currency,
    }
}

pub fn customer(state: &ShopState, c: &Customer) -> CustomerRecord {
    CustomerRecord {
        id: gid("Customer", c.legacy_id),
        shop_id: gid("Shop", state.shop.legacy_id),
        display_name: c.display_name(),
        first_name: Some(c.first_name.clone()),
        last_name: Some(c.last_name.clone()),
        email: c.email.clone(),
        phone: c.phone.clone(),
        number_of_orders: state.number_of_orders(c) as i64,
        amount_spent: Money::new(state.amount_spent(c), state.shop.currency),
        tags: c.tags.clone(),
        note: c.note.clone(),
        created_at: format_time(c.created_at),
        updated_at: format_time(c.updated_at),
    }
}

/// The order as the store should hold it. `status_page_url` is left out (`None`): it is an
/// opaque link, checked separately.
pub fn order(state: &ShopState, o: &Order) -> OrderRecord {
    let shop_money = |amount| Money::new(amount, state.shop.currency);
    let line_items = o
        .line_items
        .iter()
        .map(|line| {
            let (product, variant) = state.variant(line.product, line.variant).expect("variant");
            LineItemRecord {
                id: gid("LineItem", line.legacy_id),
                name: if variant.is_default() {
                    product.title.clone()
                } else {
                    format!("{} - {}", product.title, variant.title)
                },
                sku: Some(variant.sku.clone()),
                variant_title: (!variant.is_default()).then(|| variant.title.clone()),
                quantity: line.quantity.into(),
                current_quantity: line.current_quantity().into(),
                refundable_quantity: line.current_quantity().into(),
                unfulfilled_quantity: line.unfulfilled_quantity().into(),
                unit_price: shop_money(line.unit_price),
                variant_id: Some(gid("ProductVariant", variant.legacy_id)),
                product_id: Some(gid("Product", product.legacy_id)),
            }
        })
        .collect();
    let mut fulfillments: Vec<FulfillmentRecord> = o
        .fulfillments
        .iter()
        .map(|f| FulfillmentRecord {
            id: gid("Fulfillment", f.legacy_id),
            status: FulfillmentState::Success.as_graphql().to_string(),
            display_status: Some(f.display_status.as_graphql().to_string()),
            created_at: format_time(f.created_at),
            delivered_at: f.delivered_at.map(format_time),
            tracking: f
                .tracking
                .iter()
                .map(|t| TrackingRecord {
                    company: Some(t.company.clone()),
                    number: Some(t.number.clone()),
                    url: Some(t.url.clone()),
                })
                .collect(),
        })
        .collect();
    // The store returns them by (created_at, id).
    fulfillments.sort_by(|a, b| (&a.created_at, &a.id).cmp(&(&b.created_at, &b.id)));
    let mut refunds: Vec<RefundRecord> = o
        .refunds
        .iter()
        .map(|r| RefundRecord {
            id: gid("Refund", r.legacy_id),
            created_at: format_time(r.created_at),
            note: r.note.clone(),
            amount: shop_money(r.total()),
        })
        .collect();
    refunds.sort_by(|a, b| (&a.created_at, &a.id).cmp(&(&b.created_at, &b.id)));
    let address = o.shipping_address.as_ref().map(|a| ShippingAddress {
        name: Some(a.name()),
        first_name: Some(a.first_name.clone()),
        last_name: Some(a.last_name.clone()),
        company: a.company.clone(),
        address1: Some(a.address1.clone()),
        address2: a.address2.clone(),
        city: Some(a.city.clone()),
        province: a.province.clone(),
        province_code: a.province_code.clone(),
        zip: Some(a.zip.clone()),
        country: Some(a.country.clone()),
        country_code: Some(a.country_code.clone()),
        phone: a.phone.clone(),
    });
    OrderRecord {
        id: gid("Order", o.legacy_id),
        shop_id: gid("Shop", state.shop.legacy_id),
        customer_id: o
            .customer
            .and_then(|index| state.customer_at(index))
            .map(|c| gid("Customer", c.legacy_id)),
        name: o.name(),
        email: o.email.clone(),
        created_at: format_time(o.created_at),
        processed_at: format_time(o.processed_at),
        updated_at: format_time(o.updated_at),
        cancelled_at: o.cancelled_at.map(format_time),
        cancel_reason: o.cancel_reason.map(|r| r.as_graphql().to_string()),
        closed_at: o.closed_at.map(format_time),
        financial_status: o.financial_status().as_graphql().to_string(),
        fulfillment_status: o.fulfillment_status().as_graphql().to_string(),
        presentment_currency: o.presentment_currency,
        subtotal: shop_money(o.subtotal()),
        shipping: shop_money(o.shipping_price),
        tax: shop_money(o.total_tax()),
        total: shop_money(o.total_price()),
        current_total: shop_money(o.total_price() - o.total_refunded()),
        refunded: shop_money(o.total_refunded()),
        presentment_total: Money::new(o.to_presentment(o.total_price()), o.presentment_currency),
        note: o.note.clone(),
        tags: o.tags.clone(),
        shipping_address: address,
        status_page_url: None,
        line_items,
        fulfillments,
        refunds,
    }
}

pub fn customers(state: &ShopState) -> Vec<CustomerRecord> {
    let mut all: Vec<_> = state.customers.iter().map(|c| customer(state, c)).collect();
    all.sort_by(|a, b| a.id.cmp(&b.id));
    all
}

pub fn orders(state: &ShopState) -> Vec<OrderRecord> {
    let mut all: Vec<_> = state.orders.iter().map(|o| order(state, o)).collect();
    all.sort_by(|a, b| a.id.cmp(&b.id));
    all
}

/// Every customer and order in the store equals the simulator's, and there is nothing else.
pub fn assert_store_matches(store: &Store, sim: &Simulator) {
    let state = sim.state();
    let state = state.read().expect("state");
    assert_eq!(store.shop().unwrap(), Some(shop(&state)));

    let stored_customers = store.customers().unwrap();
    let expected_customers = customers(&state);
    assert_eq!(
        stored_customers.len(),
        expected_customers.len(),
        "customer count"
    );
    for (stored, expected) in stored_customers.iter().zip(&expected_customers) {
        assert_eq!(stored, expected);
    }

    let stored_orders = store.orders().unwrap();
    let expected_orders = orders(&state);
    assert_eq!(stored_orders.len(), expected_orders.len(), "order count");
    let status_page_prefix = format!("https://{}/", state.shop.myshopify_domain);
    for (stored, expected) in stored_orders.iter().zip(&expected_orders) {
        let url = stored.status_page_url.as_deref().expect("status page URL");
        assert!(url.starts_with(&status_page_prefix), "{url}");
        let stored = OrderRecord {
            status_page_url: None,
            ..stored.clone()
        };
        assert_eq!(&stored, expected, "order {}", expected.name);
    }
}
