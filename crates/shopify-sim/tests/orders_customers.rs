//! Orders and customers through the API, checked against the simulator's own store.

mod common;

use std::collections::HashSet;

use common::*;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use shopdesk_shopify_sim::model::SchemaEnum;
use shopdesk_shopify_sim::{format_amount, format_time, gid, SimConfig};

const ORDER_PAGE: &str = r#"
query Page($first: Int!, $after: String, $query: String, $sortKey: OrderSortKeys, $reverse: Boolean) {
  orders(first: $first, after: $after, query: $query, sortKey: $sortKey, reverse: $reverse) {
    edges { cursor node { id name updatedAt processedAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"#;

/// Pages through `orders` and returns every node in order.
async fn all_orders(
    sim: &shopdesk_shopify_sim::Simulator,
    page_size: i64,
    extra: Value,
) -> Vec<Value> {
    let mut nodes = Vec::new();
    let mut after: Option<String> = None;
    for page_number in 0.. {
        assert!(page_number < 1000, "pagination does not end");
        let mut variables = json!({"first": page_size, "after": after});
        if let (Some(target), Some(extra)) = (variables.as_object_mut(), extra.as_object()) {
            target.extend(extra.clone());
        }
        let data = data(sim, ORDER_PAGE, variables).await;
        let connection = &data["orders"];
        let edges = connection["edges"].as_array().unwrap();
        nodes.extend(edges.iter().map(|edge| edge["node"].clone()));
        assert_eq!(
            connection["pageInfo"]["hasPreviousPage"],
            json!(page_number > 0)
        );
        if connection["pageInfo"]["hasNextPage"] == json!(false) {
            break;
        }
        assert_eq!(edges.len() as i64, page_size);
        assert_eq!(
            connection["pageInfo"]["endCursor"],
            edges.last().unwrap()["cursor"]
        );
        after = connection["pageInfo"]["endCursor"]
            .as_str()
            .map(str::to_string);
    }
    nodes
}

#[tokio::test]
async fn paginating_all_orders_returns_each_exactly_once() {
    let sim = demo().await;
    let nodes = all_orders(&sim, 50, json!({})).await;
    let total = sim.state().read().unwrap().orders.len();
    assert_eq!(nodes.len(), total);
    let ids: HashSet<&str> = nodes.iter().map(|n| n["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), total, "an order came twice");
    // Default sort is PROCESSED_AT, ascending.
    let processed: Vec<&str> = nodes
        .iter()
        .map(|n| n["processedAt"].as_str().unwrap())
        .collect();
    assert!(processed.windows(2).all(|w| w[0] <= w[1]));
    sim.shutdown().await;
}

#[tokio::test]
async fn page_size_over_250_is_refused_and_first_or_last_is_required() {
    let sim = demo().await;
    let (status, body) = graphql(&sim, "{ orders(first: 251) { nodes { id } } }", json!({})).await;
    assert_eq!(status, 200);
    assert!(first_error_message(&body).contains("250"), "{body}");
    assert_eq!(body["errors"][0]["path"], json!(["orders"]));
    assert_eq!(
        body["data"],
        Value::Null,
        "orders is non-null, so data is null"
    );

    let (_, body) = graphql(&sim, "{ orders(first: 250) { nodes { id } } }", json!({})).await;
    assert!(body.get("errors").is_none());

    let (_, body) = graphql(
        &sim,
        "{ customers(query: \"x\") { nodes { id } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        first_error_message(&body),
        "you must provide one of first or last"
    );

    let (_, body) = graphql(
        &sim,
        "{ order(id: \"gid://shopify/Order/1\") { lineItems(first: 300) { nodes { id } } } }",
        json!({}),
    )
    .await;
    assert!(
        body.get("errors").is_none(),
        "unknown order is null: {body}"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn last_and_before_page_backwards() {
    let sim = demo().await;
    let query = "query($last: Int, $before: String) { orders(last: $last, before: $before) { nodes { name } pageInfo { hasNextPage hasPreviousPage startCursor } } }";
    let data1 = data(&sim, query, json!({"last": 2})).await;
    let total = sim.state().read().unwrap().orders.len();
    let names: Vec<&str> = data1["orders"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2);
    assert_eq!(data1["orders"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(data1["orders"]["pageInfo"]["hasPreviousPage"], total > 2);
    let before = data1["orders"]["pageInfo"]["startCursor"].clone();
    let data2 = data(&sim, query, json!({"last": 1, "before": before})).await;
    assert_eq!(data2["orders"]["pageInfo"]["hasNextPage"], true);
    assert_ne!(data2["orders"]["nodes"][0]["name"], json!(names[0]));
    sim.shutdown().await;
}

#[tokio::test]
async fn updated_at_filter_with_updated_at_sort() {
    let sim = demo().await;
    let (watermark, expected) = {
        let state = sim.state();
        let state = state.read().unwrap();
        let mut updated: Vec<i64> = state.orders.iter().map(|o| o.updated_at).collect();
        updated.sort();
        let watermark = updated[updated.len() / 2];
        let expected: HashSet<String> = state
            .orders
            .iter()
            .filter(|o| o.updated_at >= watermark)
            .map(|o| gid("Order", o.legacy_id))
            .collect();
        (watermark, expected)
    };
    for query in [
        format!("updated_at:>='{}'", format_time(watermark)),
        format!("updated_at:>={}", format_time(watermark)),
        format!("updated_at:>'{}'", format_time(watermark - 1)),
    ] {
        let nodes = all_orders(&sim, 7, json!({"query": query, "sortKey": "UPDATED_AT"})).await;
        let ids: HashSet<String> = nodes
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(ids, expected, "query {query}");
        let updated: Vec<&str> = nodes
            .iter()
            .map(|n| n["updatedAt"].as_str().unwrap())
            .collect();
        assert!(
            updated.windows(2).all(|w| w[0] <= w[1]),
            "sorted by updatedAt"
        );
    }
    // `<` is the complement.
    let older = all_orders(
        &sim,
        50,
        json!({"query": format!("updated_at:<'{}'", format_time(watermark))}),
    )
    .await;
    let total = sim.state().read().unwrap().orders.len();
    assert_eq!(older.len() + expected.len(), total);

    // reverse: newest first.
    let data = data(
        &sim,
        ORDER_PAGE,
        json!({"first": 3, "sortKey": "UPDATED_AT", "reverse": true}),
    )
    .await;
    let first_updated = data["orders"]["edges"][0]["node"]["updatedAt"]
        .as_str()
        .unwrap()
        .to_string();
    let max_updated = sim
        .state()
        .read()
        .unwrap()
        .orders
        .iter()
        .map(|o| o.updated_at)
        .max()
        .unwrap();
    assert_eq!(first_updated, format_time(max_updated));
    sim.shutdown().await;
}

#[tokio::test]
async fn search_filters_by_name_customer_and_status() {
    let sim = demo().await;
    let (order_gid, customer_legacy_id, customer_order_count, paid_count, email) = {
        let state = sim.state();
        let state = state.read().unwrap();
        let order = &state.orders[4];
        let customer = state.customer_at(order.customer.unwrap()).unwrap();
        let paid = state
            .orders
            .iter()
            .filter(|o| o.financial_status().as_graphql() == "PAID")
            .count();
        (
            gid("Order", order.legacy_id),
            customer.legacy_id,
            customer.order_indexes.len(),
            paid,
            customer.email.clone().unwrap(),
        )
    };
    let query = "query($q: String) { orders(first: 250, query: $q) { nodes { id } } ordersCount(query: $q) { count precision } }";
    for name_query in ["name:#1005", "name:1005", "name:'#1005'"] {
        let data = data(&sim, query, json!({"q": name_query})).await;
        assert_eq!(
            data["orders"]["nodes"],
            json!([{"id": order_gid}]),
            "{name_query}"
        );
        assert_eq!(
            data["ordersCount"],
            json!({"count": 1, "precision": "EXACT"})
        );
    }
    let data1 = data(
        &sim,
        query,
        json!({"q": format!("customer_id:{customer_legacy_id}")}),
    )
    .await;
    assert_eq!(data1["ordersCount"]["count"], customer_order_count);
    let data2 = data(&sim, query, json!({"q": format!("email:\"{email}\"")})).await;
    assert_eq!(data2["ordersCount"]["count"], customer_order_count);
    let data3 = data(&sim, query, json!({"q": "financial_status:paid"})).await;
    assert_eq!(data3["ordersCount"]["count"], paid_count);
    let data4 = data(&sim, query, json!({"q": "status:cancelled"})).await;
    let cancelled = sim
        .state()
        .read()
        .unwrap()
        .orders
        .iter()
        .filter(|o| o.cancelled_at.is_some())
        .count();
    assert_eq!(data4["ordersCount"]["count"], cancelled);
    sim.shutdown().await;
}

const ORDER_DETAIL: &str = r#"
query Order($id: ID!) {
  order(id: $id) {
    id legacyResourceId name number createdAt processedAt updatedAt cancelledAt cancelReason closedAt
    displayFinancialStatus displayFulfillmentStatus email phone note tags test currencyCode presentmentCurrencyCode
    subtotalPriceSet { ...Bag } totalPriceSet { ...Bag } currentTotalPriceSet { ...Bag } totalRefundedSet { ...Bag }
    totalShippingPriceSet { ...Bag } totalTaxSet { ...Bag } netPaymentSet { ...Bag } totalOutstandingSet { ...Bag }
    refundable statusPageUrl
    customer { id displayName }
    shippingAddress { name address1 address2 city province provinceCode zip country countryCodeV2 phone }
    lineItems(first: 10) {
      nodes {
        id name title sku variantTitle quantity currentQuantity refundableQuantity unfulfilledQuantity
        originalUnitPriceSet { ...Bag } discountedUnitPriceAfterAllDiscountsSet { ...Bag } originalTotalSet { ...Bag }
        variant { id title } product { id title }
      }
    }
    fulfillments(first: 5) {
      id status displayStatus createdAt deliveredAt inTransitAt estimatedDeliveryAt
      trackingInfo(first: 3) { company number url }
      fulfillmentLineItems(first: 10) { nodes { id quantity lineItem { id } } }
    }
    refunds(first: 5) {
      id createdAt note totalRefundedSet { ...Bag }
      refundLineItems(first: 10) { nodes { quantity lineItem { id } subtotalSet { ...Bag } } }
    }
  }
}
fragment Bag on MoneyBag { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
"#;

fn shop_amount(bag: &Value) -> Decimal {
    decimal(&bag["shopMoney"]["amount"])
}

#[tokio::test]
async fn order_fields_match_the_store() {
    let sim = demo().await;
    let state_handle = sim.state();
    // Pick orders that exercise refunds, fulfillments, cancellation and a foreign currency.
    let picks: Vec<u64> = {
        let state = state_handle.read().unwrap();
        let mut picks = Vec::new();
        let mut want = |predicate: &dyn Fn(&shopdesk_shopify_sim::model::Order) -> bool| {
            if let Some(order) = state.orders.iter().find(|o| predicate(o)) {
                picks.push(order.legacy_id);
            }
        };
        want(&|o| !o.refunds.is_empty() && o.cancelled_at.is_none());
        want(&|o| o.cancelled_at.is_some());
        want(&|o| o.presentment_rate != Decimal::ONE);
        want(&|o| o.fulfillment_status().as_graphql() == "PARTIALLY_FULFILLED");
        want(&|o| o.fulfillments.is_empty());
        picks
    };
    assert!(picks.len() >= 4, "the demo store should have varied orders");

    for legacy_id in picks {
        let data = data(&sim, ORDER_DETAIL, json!({"id": gid("Order", legacy_id)})).await;
        let got = &data["order"];
        let state = state_handle.read().unwrap();
        let order = state.order(legacy_id).unwrap();
        let shop_currency = state.shop.currency.code();

        assert_eq!(got["legacyResourceId"], legacy_id.to_string());
        assert_eq!(got["name"], order.name());
        assert_eq!(got["number"], order.number);
        assert_eq!(got["createdAt"], format_time(order.created_at));
        assert_eq!(got["updatedAt"], format_time(order.updated_at));
        assert_eq!(
            got["cancelledAt"],
            json!(order.cancelled_at.map(format_time))
        );
        assert_eq!(
            got["displayFinancialStatus"],
            order.financial_status().as_graphql()
        );
        assert_eq!(
            got["displayFulfillmentStatus"],
            order.fulfillment_status().as_graphql()
        );
        assert_eq!(got["email"], json!(order.email));
        assert_eq!(got["currencyCode"], shop_currency);
        assert_eq!(
            got["presentmentCurrencyCode"],
            order.presentment_currency.code()
        );
        assert_eq!(
            got["totalPriceSet"]["shopMoney"]["amount"],
            format_amount(order.total_price())
        );
        assert_eq!(
            got["totalPriceSet"]["shopMoney"]["currencyCode"],
            shop_currency
        );
        assert_eq!(
            got["totalPriceSet"]["presentmentMoney"]["amount"],
            format_amount(order.to_presentment(order.total_price()))
        );
        assert_eq!(
            got["totalRefundedSet"]["shopMoney"]["amount"],
            format_amount(order.total_refunded())
        );
        assert_eq!(got["refundable"], order.is_refundable());

        // Money adds up.
        let subtotal = shop_amount(&got["subtotalPriceSet"]);
        let total = shop_amount(&got["totalPriceSet"]);
        let tax = shop_amount(&got["totalTaxSet"]);
        let shipping = shop_amount(&got["totalShippingPriceSet"]);
        assert_eq!(subtotal + tax + shipping, total);
        let refunded = shop_amount(&got["totalRefundedSet"]);
        let refunds_sum: Decimal = got["refunds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| shop_amount(&r["totalRefundedSet"]))
            .sum();
        assert_eq!(refunds_sum, refunded);
        assert_eq!(shop_amount(&got["currentTotalPriceSet"]), total - refunded);

        // Line items: refunded units leave currentQuantity.
        let lines = got["lineItems"]["nodes"].as_array().unwrap();
        assert_eq!(lines.len(), order.line_items.len());
        for (line, stored) in lines.iter().zip(&order.line_items) {
            assert_eq!(line["id"], gid("LineItem", stored.legacy_id));
            assert_eq!(line["quantity"], stored.quantity);
            let refunded_units: u64 = got["refunds"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|r| r["refundLineItems"]["nodes"].as_array().unwrap().clone())
                .filter(|rl| rl["lineItem"]["id"] == line["id"])
                .map(|rl| rl["quantity"].as_u64().unwrap())
                .sum();
            assert_eq!(
                line["currentQuantity"].as_u64().unwrap(),
                line["quantity"].as_u64().unwrap() - refunded_units
            );
            assert_eq!(line["refundableQuantity"], line["currentQuantity"]);
        }

        // Fulfillments carry tracking from a known carrier and point at real line items.
        for fulfillment in got["fulfillments"].as_array().unwrap() {
            assert_eq!(fulfillment["status"], "SUCCESS");
            let company = fulfillment["trackingInfo"][0]["company"].as_str().unwrap();
            assert!(["DHL Express", "UPS", "La Poste"].contains(&company));
            assert!(fulfillment["trackingInfo"][0]["url"]
                .as_str()
                .unwrap()
                .starts_with("https://"));
            for item in fulfillment["fulfillmentLineItems"]["nodes"]
                .as_array()
                .unwrap()
            {
                assert!(lines.iter().any(|l| l["id"] == item["lineItem"]["id"]));
            }
        }
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn customer_aggregates_match_their_orders() {
    let sim = demo().await;
    let query = r#"
      query($after: String) {
        customers(first: 5, after: $after) {
          nodes {
            id displayName numberOfOrders amountSpent { amount currencyCode }
            defaultEmailAddress { emailAddress marketingState }
            legacyResourceId firstName lastName email phone defaultPhoneNumber { phoneNumber }
            tags note createdAt updatedAt state
            defaultAddress { name address1 address2 city province provinceCode zip country countryCodeV2 formatted }
            orders(first: 40) {
              nodes { id netPaymentSet { shopMoney { amount } } customer { id } }
              pageInfo { hasNextPage }
            }
            lastOrder { id }
          }
          pageInfo { hasNextPage endCursor }
        }
      }"#;
    let mut after = Value::Null;
    let mut seen = 0;
    let mut without_orders = 0;
    loop {
        let data = data(&sim, query, json!({"after": after})).await;
        for customer in data["customers"]["nodes"].as_array().unwrap() {
            seen += 1;
            assert_eq!(
                customer["email"],
                customer["defaultEmailAddress"]["emailAddress"]
            );
            assert!(customer["legacyResourceId"].is_string());
            assert!(customer["defaultAddress"]["formatted"].is_array());
            // Pages of 5 customers × 40 orders stay under the 1000-point query limit.
            assert_eq!(customer["orders"]["pageInfo"]["hasNextPage"], false);
            let orders = customer["orders"]["nodes"].as_array().unwrap();
            assert_eq!(
                customer["numberOfOrders"],
                orders.len().to_string(),
                "numberOfOrders is an UnsignedInt64 string equal to the order count"
            );
            let spent: Decimal = orders
                .iter()
                .map(|o| shop_amount(&o["netPaymentSet"]))
                .sum();
            assert_eq!(decimal(&customer["amountSpent"]["amount"]), spent);
            assert_eq!(customer["amountSpent"]["currencyCode"], "EUR");
            assert!(orders.iter().all(|o| o["customer"]["id"] == customer["id"]));
            if orders.is_empty() {
                without_orders += 1;
                assert!(customer["lastOrder"].is_null());
            } else {
                // Customer.orders sorts by ID by default: the last is the newest.
                assert_eq!(customer["lastOrder"]["id"], orders.last().unwrap()["id"]);
            }
        }
        if data["customers"]["pageInfo"]["hasNextPage"] == json!(false) {
            break;
        }
        after = data["customers"]["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, sim.state().read().unwrap().customers.len());
    assert!(without_orders > 0, "some customers never ordered");
    sim.shutdown().await;
}

#[tokio::test]
async fn same_seed_gives_the_same_store_and_answers() {
    let config = SimConfig::sized(7, 25, 60);
    let a = start(config.clone()).await;
    let b = start(config).await;
    let state_a = serde_json::to_string(&*a.state().read().unwrap()).unwrap();
    let state_b = serde_json::to_string(&*b.state().read().unwrap()).unwrap();
    assert_eq!(state_a, state_b);
    let query = "{ orders(first: 60) { edges { cursor node { id name totalPriceSet { shopMoney { amount } } customer { displayName } } } } }";
    assert_eq!(
        data(&a, query, json!({})).await,
        data(&b, query, json!({})).await
    );

    let c = start(SimConfig::sized(8, 25, 60)).await;
    let state_c = serde_json::to_string(&*c.state().read().unwrap()).unwrap();
    assert_ne!(state_a, state_c, "another seed, another store");
    a.shutdown().await;
    b.shutdown().await;
    c.shutdown().await;
}

#[tokio::test]
async fn node_and_nodes_and_counts() {
    let sim = demo().await;
    let (order_id, customer_id, customers) = {
        let state = sim.state();
        let state = state.read().unwrap();
        (
            gid("Order", state.orders[0].legacy_id),
            gid("Customer", state.customers[0].legacy_id),
            state.customers.len(),
        )
    };
    let query = r#"query($ids: [ID!]!, $id: ID!) {
        nodes(ids: $ids) { __typename id }
        node(id: $id) { ... on Customer { displayName } }
        customersCount { count precision }
        few: customersCount(limit: 5) { count precision }
    }"#;
    let data = data(
        &sim,
        query,
        json!({"ids": [order_id, customer_id, "gid://shopify/Order/1"], "id": customer_id}),
    )
    .await;
    assert_eq!(data["nodes"][0]["__typename"], "Order");
    assert_eq!(data["nodes"][1]["__typename"], "Customer");
    assert!(data["nodes"][2].is_null());
    assert!(data["node"]["displayName"].is_string());
    assert_eq!(
        data["customersCount"],
        json!({"count": customers, "precision": "EXACT"})
    );
    assert_eq!(data["few"], json!({"count": 5, "precision": "AT_LEAST"}));

    let (_, body) = graphql(&sim, "{ order(id: \"1001\") { id } }", json!({})).await;
    assert_eq!(first_error_message(&body), "Invalid global id '1001'");
    sim.shutdown().await;
}
