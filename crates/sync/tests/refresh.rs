//! Refreshing one customer's orders when a ticket opens.

mod common;

use common::expected::{self, assert_store_matches};
use common::{client, start, temp_store};
use shopdesk_shopify_sim::{gid, SimConfig};
use shopdesk_sync::{full_sync, refresh_customer_orders};

#[tokio::test]
async fn a_refresh_brings_the_customers_latest_orders() {
    let sim = start(SimConfig::demo()).await;
    let (_dir, mut store) = temp_store();
    full_sync(&client(&sim), &mut store, |_| {}).await.unwrap();

    // The customer with the most orders; one of them changes in Shopify.
    let (customer_id, order_id) = {
        let state = sim.state();
        let mut state = state.write().unwrap();
        let index = (0..state.customers.len())
            .max_by_key(|&i| state.customers[i].order_indexes.len())
            .unwrap();
        let customer = &state.customers[index];
        let customer_id = gid("Customer", customer.legacy_id);
        let order_index = customer.order_indexes[0] as usize;
        let order = &mut state.orders[order_index];
        order.note = Some("Customer called: wrong grind".into());
        order.tags.push("ticket".into());
        order.updated_at += 120;
        (customer_id, gid("Order", order.legacy_id))
    };

    let report = refresh_customer_orders(&client(&sim), &mut store, &customer_id)
        .await
        .unwrap();

    {
        let state = sim.state();
        let state = state.read().unwrap();
        let customer = state
            .customers
            .iter()
            .find(|c| gid("Customer", c.legacy_id) == customer_id)
            .unwrap();
        assert_eq!(report.orders, customer.order_indexes.len());
        assert!(report.rejected.is_empty());
        assert_eq!(report.customer, Some(expected::customer(&state, customer)));
        let stored = store.order(&order_id).unwrap().unwrap();
        assert_eq!(stored.note.as_deref(), Some("Customer called: wrong grind"));
        assert!(stored.tags.contains(&"ticket".to_string()));
    }
    assert_store_matches(&store, &sim);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_refresh_works_before_any_sync() {
    let sim = start(SimConfig::sized(61, 3, 30)).await;
    let (_dir, mut store) = temp_store();
    let customer_id = gid(
        "Customer",
        sim.state().read().unwrap().customers[0].legacy_id,
    );

    let report = refresh_customer_orders(&client(&sim), &mut store, &customer_id)
        .await
        .unwrap();

    {
        let state = sim.state();
        let state = state.read().unwrap();
        assert_eq!(store.shop().unwrap(), Some(expected::shop(&state)));
        let customer = &state.customers[0];
        assert_eq!(
            store.customer(&customer_id).unwrap(),
            Some(expected::customer(&state, customer))
        );
        let mut stored = store.orders_for_customer(&customer_id).unwrap();
        assert_eq!(stored.len(), customer.order_indexes.len());
        assert_eq!(report.orders, stored.len());
        // More orders than one page of CustomerOrders: the pages were followed.
        assert!(
            stored.len() > shopdesk_shopify::ORDERS_PAGE_SIZE as usize,
            "{}",
            stored.len()
        );
        for order in &mut stored {
            order.status_page_url = None;
        }
        stored.sort_by(|a, b| a.id.cmp(&b.id));
        let mut wanted: Vec<_> = state
            .orders_of(customer)
            .map(|o| expected::order(&state, o))
            .collect();
        wanted.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(stored, wanted);
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn an_unknown_customer_is_reported_as_gone() {
    let sim = start(SimConfig::sized(62, 3, 5)).await;
    let (_dir, mut store) = temp_store();

    let report = refresh_customer_orders(&client(&sim), &mut store, "gid://shopify/Customer/1")
        .await
        .unwrap();

    assert_eq!(report.customer, None);
    assert_eq!(report.orders, 0);
    assert_eq!(store.orders_count().unwrap(), 0);
    sim.shutdown().await;
}
