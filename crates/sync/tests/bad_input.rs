//! Records Shopdesk cannot read (a field missing, an unknown currency, amounts in another
//! currency, broken JSON) are reported by name; the rest of the page is written and what the
//! store held is kept. Faults alter real answers of the simulator.

mod common;

use common::expected::assert_store_matches;
use common::{client, start, temp_store};
use serde_json::{json, Value};
use shopdesk_shopify::ShopifyError;
use shopdesk_shopify_sim::{Fault, SimConfig, Simulator};
use shopdesk_store::Store;
use shopdesk_sync::{full_sync, incremental_sync, SyncError};

/// A synced store, then one order changed in Shopify; returns its id and name.
async fn synced_then_changed(sim: &Simulator, store: &mut Store) -> (String, String) {
    full_sync(&client(sim), store, |_| {}).await.unwrap();
    let mut activity = sim.activity(5);
    let step = activity
        .apply_kind(shopdesk_shopify_sim::ActivityKind::UpdateOrder)
        .unwrap();
    let name = store.order(&step.subject).unwrap().unwrap().name;
    (step.subject, name)
}

/// Applies `change` to the order `id` wherever an answer lists it.
fn tamper_order(id: String, change: fn(&mut Value)) -> Fault {
    Fault::tamper(move |body| {
        if let Some(nodes) = body["data"]["orders"]["nodes"].as_array_mut() {
            for node in nodes.iter_mut().filter(|n| n["id"] == json!(id)) {
                change(node);
            }
        }
    })
}

async fn rejected_by_name(change: fn(&mut Value), reason: &str) {
    let sim = start(SimConfig::sized(71, 30, 40)).await;
    let (_dir, mut store) = temp_store();
    let (id, name) = synced_then_changed(&sim, &mut store).await;
    let before = store.order(&id).unwrap().unwrap();
    // Every request of the pass sees the altered record.
    sim.faults().push_n(tamper_order(id.clone(), change), 20);

    let report = incremental_sync(&client(&sim), &mut store, |_| {})
        .await
        .unwrap();

    let rejected: Vec<_> = report.rejected.iter().map(|r| &r.record).collect();
    assert_eq!(rejected, vec![&format!("order {name} ({id})")], "{reason}");
    assert!(
        report.rejected[0].reason.contains(reason),
        "{:?}",
        report.rejected[0]
    );
    // The stored version is kept, not lost; other orders were written.
    assert_eq!(store.order(&id).unwrap().unwrap(), before);
    assert_eq!(store.orders_count().unwrap(), 40);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_missing_field_rejects_only_that_order() {
    rejected_by_name(
        |node| {
            node.as_object_mut().unwrap().remove("createdAt");
        },
        "missing field `createdAt`",
    )
    .await;
}

#[tokio::test]
async fn an_unknown_currency_rejects_only_that_order() {
    rejected_by_name(
        |node| node["totalPriceSet"]["shopMoney"]["currencyCode"] = json!("XTS1"),
        "is not an ISO 4217 currency code",
    )
    .await;
}

#[tokio::test]
async fn amounts_in_an_unexpected_currency_reject_only_that_order() {
    rejected_by_name(
        |node| node["subtotalPriceSet"]["shopMoney"]["currencyCode"] = json!("USD"),
        "subtotal is in USD but the total is in EUR",
    )
    .await;
}

#[tokio::test]
async fn an_unknown_status_is_kept_as_shopify_sent_it() {
    let sim = start(SimConfig::sized(72, 30, 40)).await;
    let (_dir, mut store) = temp_store();
    let (id, _) = synced_then_changed(&sim, &mut store).await;
    sim.faults().push_n(
        tamper_order(id.clone(), |node| {
            node["displayFinancialStatus"] = json!("PARTIALLY_DISPUTED")
        }),
        20,
    );
    let report = incremental_sync(&client(&sim), &mut store, |_| {})
        .await
        .unwrap();
    assert!(report.rejected.is_empty());
    let stored = store.order(&id).unwrap().unwrap();
    assert_eq!(stored.financial_status, "PARTIALLY_DISPUTED");
    sim.shutdown().await;
}

#[tokio::test]
async fn broken_json_every_time_is_a_clear_error_and_nothing_is_lost() {
    let sim = start(SimConfig::sized(73, 30, 40)).await;
    let (_dir, mut store) = temp_store();
    synced_then_changed(&sim, &mut store).await;
    let before = store.orders().unwrap();
    // Counts, customers page, then every attempt at the orders page is cut JSON.
    sim.faults()
        .push_n(Fault::Slow(std::time::Duration::ZERO), 2);
    sim.faults().push_n(Fault::CutJson, 6);

    let error = incremental_sync(&client(&sim), &mut store, |_| {})
        .await
        .expect_err("the orders page never arrives whole");

    assert!(
        matches!(
            &error,
            SyncError::Shopify(ShopifyError::Decode {
                query: "OrdersPage",
                ..
            })
        ),
        "{error:?}"
    );
    assert!(error
        .to_string()
        .starts_with("Shopify's answer to the OrdersPage request could not be read"));
    assert_eq!(store.orders().unwrap(), before);
    // The next run, with good answers, completes.
    incremental_sync(&client(&sim), &mut store, |_| {})
        .await
        .unwrap();
    assert_store_matches(&store, &sim);
    sim.shutdown().await;
}
