//! Full sync against a real started simulator into a real SQLite file.

mod common;

use common::expected::assert_store_matches;
use common::{client, client_for, start, temp_store};
use shopdesk_money::Money;
use shopdesk_shopify::{ShopifyError, CUSTOMERS_PAGE_SIZE, ORDERS_PAGE_SIZE};
use shopdesk_shopify_sim::model::{LineItem, SchemaEnum, ShopState};
use shopdesk_shopify_sim::{format_time, gid, SimConfig};
use shopdesk_store::Store;
use shopdesk_sync::{full_sync, SyncError, SyncProgress, SyncResource};

#[tokio::test]
async fn the_demo_store_is_copied_exactly() {
    let sim = start(SimConfig::demo()).await;
    let (_dir, mut store) = temp_store();
    let mut progress = Vec::new();

    let report = full_sync(&client(&sim), &mut store, |p| progress.push(p))
        .await
        .unwrap();

    assert_store_matches(&store, &sim);
    {
        let state = sim.state();
        let state = state.read().unwrap();
        assert_eq!(report.customers.records, state.customers.len() as u64);
        assert_eq!(report.orders.records, state.orders.len() as u64);
        assert!(report.rejected.is_empty(), "{:?}", report.rejected);
        assert!(!report.customers.resumed && !report.orders.resumed);
        assert_eq!(
            progress.len() as u32,
            report.customers.pages + report.orders.pages
        );
        assert!(progress
            .last()
            .is_some_and(|p| !p.has_more && p.resource == SyncResource::Orders));

        // A few records checked field by field, beyond the full equality above.
        assert_refund_sample(&store, &state);
        assert_tracking_sample(&store, &state);
        assert_foreign_currency_sample(&store, &state);

        // Both passes finished: no cursor left, watermark at the newest change.
        let shop_id = gid("Shop", state.shop.legacy_id);
        let orders_checkpoint = store.sync_checkpoint(&shop_id, "orders").unwrap().unwrap();
        assert_eq!(orders_checkpoint.cursor, None);
        let newest_order = state.orders.iter().map(|o| o.updated_at).max().unwrap();
        assert_eq!(orders_checkpoint.watermark, Some(format_time(newest_order)));
        let customers_checkpoint = store
            .sync_checkpoint(&shop_id, "customers")
            .unwrap()
            .unwrap();
        let newest_customer = state.customers.iter().map(|c| c.updated_at).max().unwrap();
        assert_eq!(
            customers_checkpoint.watermark,
            Some(format_time(newest_customer))
        );
        assert_eq!(customers_checkpoint.cursor, None);
    }
    sim.shutdown().await;
}

/// An order with a refund: refund amount and date, refunded total, status, quantities.
fn assert_refund_sample(store: &Store, state: &ShopState) {
    let refunded = state
        .orders
        .iter()
        .find(|o| !o.refunds.is_empty())
        .expect("a refund");
    let stored = store
        .order(&gid("Order", refunded.legacy_id))
        .unwrap()
        .unwrap();
    let refund = &refunded.refunds[0];
    let stored_refund = stored
        .refunds
        .iter()
        .find(|r| r.id == gid("Refund", refund.legacy_id))
        .unwrap();
    assert_eq!(
        stored_refund.amount,
        Money::new(refund.total(), state.shop.currency)
    );
    assert_eq!(stored_refund.created_at, format_time(refund.created_at));
    assert_eq!(stored.refunded.amount, refunded.total_refunded());
    assert_eq!(
        stored.financial_status,
        refunded.financial_status().as_graphql()
    );
    assert_eq!(stored.line_items.len(), refunded.line_items.len());
    for (stored_line, line) in stored.line_items.iter().zip(&refunded.line_items) {
        assert_eq!(stored_line.quantity, i64::from(line.quantity));
        assert_eq!(
            stored_line.current_quantity,
            i64::from(line.current_quantity())
        );
        assert_eq!(stored_line.unit_price.amount, line.unit_price);
    }
}

/// A fulfillment with tracking: company, number and URL.
fn assert_tracking_sample(store: &Store, state: &ShopState) {
    let tracked = state
        .orders
        .iter()
        .find(|o| o.fulfillments.iter().any(|f| f.tracking.is_some()))
        .expect("a tracked fulfillment");
    let stored = store
        .order(&gid("Order", tracked.legacy_id))
        .unwrap()
        .unwrap();
    let fulfillment = tracked
        .fulfillments
        .iter()
        .find(|f| f.tracking.is_some())
        .unwrap();
    let tracking = fulfillment.tracking.as_ref().unwrap();
    let stored_fulfillment = stored
        .fulfillments
        .iter()
        .find(|f| f.id == gid("Fulfillment", fulfillment.legacy_id))
        .unwrap();
    assert_eq!(
        stored_fulfillment.tracking[0].number.as_deref(),
        Some(tracking.number.as_str())
    );
    assert_eq!(
        stored_fulfillment.tracking[0].company.as_deref(),
        Some(tracking.company.as_str())
    );
    assert_eq!(
        stored_fulfillment.tracking[0].url.as_deref(),
        Some(tracking.url.as_str())
    );
}

/// An order paid in another currency: presentment total and currency beside shop money.
fn assert_foreign_currency_sample(store: &Store, state: &ShopState) {
    let foreign = state
        .orders
        .iter()
        .find(|o| o.presentment_currency != state.shop.currency)
        .expect("an order paid in another currency");
    let stored = store
        .order(&gid("Order", foreign.legacy_id))
        .unwrap()
        .unwrap();
    assert_eq!(stored.presentment_currency, foreign.presentment_currency);
    assert_eq!(
        stored.presentment_total.currency,
        foreign.presentment_currency
    );
    assert_eq!(stored.total.currency, state.shop.currency);
    assert_eq!(
        stored.presentment_total.amount,
        foreign.to_presentment(foreign.total_price())
    );
}

/// Exactly full pages, and one record more than full pages.
#[tokio::test]
async fn page_boundaries_lose_and_repeat_nothing() {
    let customers_page = CUSTOMERS_PAGE_SIZE as usize;
    let orders_page = ORDERS_PAGE_SIZE as usize;
    for (seed, customers, orders, customer_pages, order_pages) in [
        (11, customers_page, 2 * orders_page, 1, 2),
        (12, customers_page + 1, 2 * orders_page + 1, 2, 3),
        (13, 1, orders_page, 1, 1),
    ] {
        let sim = start(SimConfig::sized(seed, customers, orders)).await;
        let (_dir, mut store) = temp_store();

        let report = full_sync(&client(&sim), &mut store, |_| {}).await.unwrap();

        assert_eq!(
            report.customers.pages, customer_pages,
            "{customers} customers"
        );
        assert_eq!(report.orders.pages, order_pages, "{orders} orders");
        assert_eq!(store.customers_count().unwrap(), customers as i64);
        assert_eq!(store.orders_count().unwrap(), orders as i64);
        assert_store_matches(&store, &sim);
        sim.shutdown().await;
    }
}

#[tokio::test]
async fn orders_with_many_line_items_are_completed_page_by_page() {
    let sim = start(SimConfig::sized(21, 5, 12)).await;
    // One order with 23 line items and one with 11: OrdersPage brings the first 10 of each,
    // OrderLineItemsPage the rest.
    {
        let state = sim.state();
        let mut state = state.write().unwrap();
        let mut next_id = state
            .orders
            .iter()
            .flat_map(|o| &o.line_items)
            .map(|l| l.legacy_id)
            .max()
            .unwrap();
        for (index, wanted) in [(3usize, 23usize), (7, 11)] {
            let order = &mut state.orders[index];
            let template = order.line_items[0].clone();
            while order.line_items.len() < wanted {
                next_id += 1;
                order.line_items.push(LineItem {
                    legacy_id: next_id,
                    fulfilled_quantity: 0,
                    refunded_quantity: 0,
                    ..template.clone()
                });
            }
        }
    }
    let (_dir, mut store) = temp_store();

    let report = full_sync(&client(&sim), &mut store, |_| {}).await.unwrap();

    assert_store_matches(&store, &sim);
    {
        let state = sim.state();
        let state = state.read().unwrap();
        let big = store
            .order(&gid("Order", state.orders[3].legacy_id))
            .unwrap()
            .unwrap();
        assert_eq!(big.line_items.len(), 23);
        // Two orders needed one OrderLineItemsPage request each.
        assert_eq!(report.orders.requests, report.orders.pages + 2);
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn a_wrong_token_stops_the_sync_with_the_unauthorized_sentence() {
    let sim = start(SimConfig::demo()).await;
    let (_dir, mut store) = temp_store();

    let error = full_sync(
        &client_for(&sim.graphql_url(), "shpat_revoked"),
        &mut store,
        |_| {},
    )
    .await
    .unwrap_err();

    let shop = sim.base_url().trim_start_matches("http://").to_string();
    assert!(matches!(
        &error,
        SyncError::Shopify(ShopifyError::Unauthorized { .. })
    ));
    assert_eq!(
        error.to_string(),
        format!("Shopify refused the access token for {shop}: reconnect the store")
    );
    assert!(!error.is_transient());
    assert_eq!(store.shop().unwrap(), None);
    sim.shutdown().await;
}

#[tokio::test]
async fn progress_counts_pages_per_resource() {
    let sim = start(SimConfig::sized(31, 250, 20)).await;
    let (_dir, mut store) = temp_store();
    let mut seen: Vec<SyncProgress> = Vec::new();

    full_sync(&client(&sim), &mut store, |p| seen.push(p))
        .await
        .unwrap();

    let customers: Vec<_> = seen
        .iter()
        .filter(|p| p.resource == SyncResource::Customers)
        .collect();
    let orders: Vec<_> = seen
        .iter()
        .filter(|p| p.resource == SyncResource::Orders)
        .collect();
    assert_eq!(
        customers.iter().map(|p| p.records).collect::<Vec<_>>(),
        [200, 250]
    );
    assert_eq!(
        orders.iter().map(|p| p.records).collect::<Vec<_>>(),
        [8, 16, 20]
    );
    assert_eq!(
        seen.iter().map(|p| p.has_more).collect::<Vec<_>>(),
        [true, false, true, true, false]
    );
    sim.shutdown().await;
}
