//! Records Shopify sends that Shopdesk cannot map are reported and skipped; the rest of the
//! page is written and what the store already held is kept. The faults are injected into the
//! simulator's real answers by a proxy.

mod common;

use common::expected::assert_store_matches;
use common::proxy::FaultyProxy;
use common::{client, client_for, start, temp_store};
use serde_json::{json, Value};
use shopdesk_shopify_sim::{SimConfig, Simulator};
use shopdesk_sync::full_sync;

/// The second customer of every page gets a currency no one knows.
fn break_second_customer(answer: &mut Value) {
    if let Some(customer) = answer.pointer_mut("/data/customers/nodes/1") {
        customer["amountSpent"]["currencyCode"] = json!("ZZZ");
    }
}

/// The first order of every page gets a total in an unknown currency.
fn break_first_order(answer: &mut Value) {
    if let Some(order) = answer.pointer_mut("/data/orders/nodes/0") {
        order["totalPriceSet"]["shopMoney"]["currencyCode"] = json!("ZZZ");
    }
}

fn break_both(answer: &mut Value) {
    break_second_customer(answer);
    break_first_order(answer);
}

async fn sim() -> Simulator {
    // 250 customers (2 pages) and 20 orders (3 pages).
    start(SimConfig::sized(51, 250, 20)).await
}

#[tokio::test]
async fn unmappable_records_are_reported_and_the_rest_is_written() {
    let sim = sim().await;
    let proxy = FaultyProxy::tampering(sim.graphql_url(), break_both).await;
    let (_dir, mut store) = temp_store();

    let report = full_sync(
        &client_for(&proxy.graphql_url(), sim.access_token()),
        &mut store,
        |_| {},
    )
    .await
    .unwrap();

    let customers: Vec<_> = report
        .rejected
        .iter()
        .filter(|r| r.record.starts_with("customer "))
        .collect();
    let orders: Vec<_> = report
        .rejected
        .iter()
        .filter(|r| r.record.starts_with("order #"))
        .collect();
    assert_eq!(
        customers.len(),
        2,
        "one per customer page: {:?}",
        report.rejected
    );
    assert_eq!(orders.len(), 3, "one per order page: {:?}", report.rejected);
    assert!(
        customers[0]
            .reason
            .contains("\"ZZZ\" is not an ISO 4217 currency code"),
        "{}",
        customers[0].reason
    );
    assert!(customers[0].record.contains("gid://shopify/Customer/"));
    assert!(orders[0].reason.contains("ZZZ"), "{}", orders[0].reason);
    assert_eq!(store.customers_count().unwrap(), 248);
    assert_eq!(store.orders_count().unwrap(), 17);
    assert_eq!(report.customers.records, 248);
    // The passes still finished: the rejected records do not hold the cursor back.
    assert_eq!(report.orders.pages, 3);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_rejected_record_keeps_its_stored_version() {
    let sim = sim().await;
    let (_dir, mut store) = temp_store();
    full_sync(&client(&sim), &mut store, |_| {}).await.unwrap();

    let proxy = FaultyProxy::tampering(sim.graphql_url(), break_both).await;
    let report = full_sync(
        &client_for(&proxy.graphql_url(), sim.access_token()),
        &mut store,
        |_| {},
    )
    .await
    .unwrap();

    assert_eq!(report.rejected.len(), 5);
    // Nothing was lost or altered: the store still equals the simulator.
    assert_store_matches(&store, &sim);
    sim.shutdown().await;
}
