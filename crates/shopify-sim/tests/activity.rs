//! Shop activity: deterministic, consistent, and visible through the API like Shopify's
//! (updatedAt filters, destroy events for deletions).

mod common;

use std::collections::HashSet;

use common::{data, start};
use rust_decimal::Decimal;
use serde_json::json;
use shopdesk_shopify_sim::model::{FinancialStatus, PaymentState};
use shopdesk_shopify_sim::{
    format_time, gid, seed_shop, Activity, ActivityKind, ShopState, SimConfig,
};

fn shop(seed: u64) -> ShopState {
    seed_shop(&SimConfig::sized(seed, 40, 120)).unwrap()
}

#[test]
fn the_same_seed_gives_the_same_activity() {
    let (mut a, mut b) = (shop(5), shop(5));
    let steps_a = Activity::new(&a, 9).apply(&mut a, 300);
    let steps_b = Activity::new(&b, 9).apply(&mut b, 300);
    assert_eq!(steps_a, steps_b);
    assert_eq!(a, b);
    let mut c = shop(5);
    Activity::new(&c, 10).apply(&mut c, 300);
    assert_ne!(a, c, "another seed, other changes");
}

#[test]
fn activity_keeps_the_shop_consistent() {
    let mut state = shop(6);
    let mut activity = Activity::new(&state, 1);
    let start = activity.now();
    let steps = activity.apply(&mut state, 600);

    let kinds: HashSet<ActivityKind> = steps.iter().map(|s| s.kind).collect();
    assert_eq!(kinds.len(), 9, "every kind of change happened: {kinds:?}");
    // The clock only moves forward, one step at a time.
    assert!(steps.windows(2).all(|w| w[0].at < w[1].at));
    assert!(steps[0].at > start);

    assert!(state
        .orders
        .windows(2)
        .all(|w| w[0].legacy_id < w[1].legacy_id));
    assert!(state
        .customers
        .windows(2)
        .all(|w| w[0].legacy_id < w[1].legacy_id));
    for (index, order) in state.orders.iter().enumerate() {
        let customer = &state.customers[order.customer.unwrap() as usize];
        assert!(
            customer.order_indexes.contains(&(index as u32)),
            "{}",
            order.name()
        );
        assert!(order.updated_at >= order.created_at);
        for line in &order.line_items {
            assert!(line.refunded_quantity <= line.quantity);
            assert!(line.fulfilled_quantity <= line.quantity);
        }
        let refunded = order.total_refunded();
        assert!(
            refunded <= order.total_price(),
            "{} over-refunded",
            order.name()
        );
        let status = order.financial_status();
        if order.payment == PaymentState::Paid && order.cancelled_at.is_none() {
            let expected = if refunded.is_zero() {
                FinancialStatus::Paid
            } else if refunded == order.total_price() {
                FinancialStatus::Refunded
            } else {
                FinancialStatus::PartiallyRefunded
            };
            assert_eq!(status, expected, "{}", order.name());
        }
        if order.cancelled_at.is_some() && order.payment == PaymentState::Paid {
            assert_eq!(
                refunded,
                order.total_price(),
                "a cancelled paid order is refunded"
            );
        }
    }
    for (index, customer) in state.customers.iter().enumerate() {
        for &order in &customer.order_indexes {
            assert_eq!(state.orders[order as usize].customer, Some(index as u32));
        }
        assert!(state.amount_spent(customer) >= Decimal::ZERO);
    }
    // Deleted records are gone and each left one destroy event.
    let deleted: Vec<_> = steps
        .iter()
        .filter(|s| {
            matches!(
                s.kind,
                ActivityKind::DeleteOrder | ActivityKind::DeleteCustomer
            )
        })
        .collect();
    assert_eq!(deleted.len(), state.events.len());
    for step in deleted {
        let id = shopdesk_shopify_sim::parse_gid(&step.subject).unwrap().1;
        assert!(state.order(id).is_none() && state.customer(id).is_none());
    }
}

#[tokio::test]
async fn changes_and_deletions_show_through_the_api() {
    let sim = start(SimConfig::sized(7, 30, 60)).await;
    let mut activity = sim.activity(3);
    let before = format_time(activity.now() + 1);
    let updated = activity.apply_kind(ActivityKind::UpdateOrder).unwrap();
    let deleted = activity.apply_kind(ActivityKind::DeleteOrder).unwrap();
    let deleted_customer = activity.apply_kind(ActivityKind::DeleteCustomer);

    let changed = data(
        &sim,
        "query($q: String) { orders(first: 50, query: $q, sortKey: UPDATED_AT) { nodes { id updatedAt } } }",
        json!({ "q": format!("updated_at:>='{before}'") }),
    )
    .await;
    let ids: Vec<&str> = changed["orders"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&updated.subject.as_str()), "{changed}");
    assert!(!ids.contains(&deleted.subject.as_str()));

    let query = "query($q: String!) { events(first: 10, query: $q, sortKey: CREATED_AT) {
        nodes { __typename id action createdAt message ... on BasicEvent { subjectId subjectType } }
        pageInfo { hasNextPage } } }";
    let events = data(
        &sim,
        query,
        json!({"q": "subject_type:ORDER action:destroy"}),
    )
    .await;
    let nodes = events["events"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 1, "{events}");
    assert_eq!(nodes[0]["__typename"], "BasicEvent");
    assert_eq!(nodes[0]["action"], "destroy");
    assert_eq!(nodes[0]["subjectType"], "ORDER");
    assert_eq!(nodes[0]["subjectId"], deleted.subject.as_str());
    assert_eq!(nodes[0]["createdAt"], format_time(deleted.at));
    let later = format!(
        "subject_type:ORDER action:destroy created_at:>'{}'",
        format_time(deleted.at)
    );
    let none = data(&sim, query, json!({ "q": later })).await;
    assert_eq!(none["events"]["nodes"], json!([]));
    let customers = data(
        &sim,
        query,
        json!({"q": "subject_type:CUSTOMER action:destroy"}),
    )
    .await;
    let expected = usize::from(deleted_customer.is_some());
    assert_eq!(
        customers["events"]["nodes"].as_array().unwrap().len(),
        expected
    );

    let gone = data(
        &sim,
        "query($id: ID!) { order(id: $id) { id } }",
        json!({ "id": deleted.subject }),
    )
    .await;
    assert_eq!(gone["order"], json!(null));
    let count = data(
        &sim,
        "{ eventsCount(query: \"action:destroy\") { count } }",
        json!({}),
    )
    .await;
    assert_eq!(count["eventsCount"]["count"], json!(1 + expected));
    assert!(gid("Order", 1).starts_with("gid://shopify/Order/"));
    sim.shutdown().await;
}
