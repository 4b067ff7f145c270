//! Order money, suggestedRefund and refundCreate over HTTP, checked against the store.

mod common;
mod mutations_common;

use common::*;
use mutations_common::*;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{json, Value};
use shopdesk_shopify_sim::model::{PaymentState, RestockType};
use shopdesk_shopify_sim::{gid, SimConfig};

fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

#[tokio::test]
async fn a_paid_order_shows_its_sale_and_seeded_refunds_as_transactions() {
    let sim = demo().await;
    let order = find_order(&sim, |_, o| {
        o.payment == PaymentState::Paid && o.refunds.len() == 1 && o.cancelled_at.is_none()
    });
    let (total, refunded) = {
        let state = sim.state();
        let state = state.read().unwrap();
        let o = state.order_by_gid(&order).unwrap();
        (o.total_price(), o.total_refunded())
    };
    let data = data(&sim, ORDER_MONEY, json!({ "id": order })).await;
    let transactions = data["order"]["transactions"].as_array().unwrap();
    assert_eq!(transactions.len(), 2, "{data}");
    assert_eq!(transactions[0]["kind"], "SALE");
    assert_eq!(transactions[0]["status"], "SUCCESS");
    assert_eq!(transactions[0]["gateway"], "shopify_payments");
    assert_eq!(
        amount(&transactions[0]["amountSet"]["shopMoney"]["amount"]),
        total
    );
    assert_eq!(transactions[1]["kind"], "REFUND");
    assert_eq!(
        transactions[1]["parentTransaction"]["id"],
        transactions[0]["id"]
    );
    assert_eq!(
        amount(&transactions[1]["amountSet"]["shopMoney"]["amount"]),
        refunded
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn suggested_refund_of_one_unit_is_its_discounted_price_and_pro_rata_tax() {
    let sim = demo().await;
    let order = find_order(&sim, |s, o| {
        fresh_paid(s, o)
            && o.line_items.iter().any(|l| l.quantity >= 2)
            && o.shipping_price > Decimal::ZERO
    });
    let (line_gid, unit, tax, total, shipping) = {
        let state = sim.state();
        let state = state.read().unwrap();
        let o = state.order_by_gid(&order).unwrap();
        let line = o.line_items.iter().find(|l| l.quantity >= 2).unwrap();
        (
            gid("LineItem", line.legacy_id),
            line.discounted_unit_price(),
            round2(line.tax / Decimal::from(line.quantity)),
            o.total_price(),
            o.shipping_price,
        )
    };
    let lines = json!([{ "lineItemId": line_gid, "quantity": 1, "restockType": "RETURN" }]);
    let s = suggest(&sim, &order, json!({ "lines": lines, "shipping": false })).await;
    assert_eq!(amount(&s["subtotalSet"]["shopMoney"]["amount"]), unit);
    assert_eq!(amount(&s["totalTaxSet"]["shopMoney"]["amount"]), tax);
    assert_eq!(amount(&s["amountSet"]["shopMoney"]["amount"]), unit + tax);
    assert_eq!(
        amount(&s["maximumRefundableSet"]["shopMoney"]["amount"]),
        total
    );
    assert_eq!(
        amount(&s["shipping"]["amountSet"]["shopMoney"]["amount"]),
        Decimal::ZERO
    );
    assert_eq!(
        amount(&s["shipping"]["maximumRefundableSet"]["presentmentMoney"]["amount"]),
        shipping
    );
    assert_eq!(s["refundLineItems"][0]["quantity"], 1);
    assert_eq!(s["refundLineItems"][0]["restockType"], "RETURN");
    assert_eq!(s["refundLineItems"][0]["location"]["name"], "Roastery");
    let tx = &s["suggestedTransactions"][0];
    assert_eq!(tx["kind"], "SUGGESTED_REFUND");
    assert_eq!(tx["gateway"], "shopify_payments");
    assert_eq!(tx["parentTransaction"]["kind"], "SALE");
    assert_eq!(amount(&tx["amountSet"]["shopMoney"]["amount"]), unit + tax);

    // With shipping, and the full refund: everything.
    let s = suggest(&sim, &order, json!({ "full": true })).await;
    assert_eq!(amount(&s["amountSet"]["shopMoney"]["amount"]), total);
    assert_eq!(
        amount(&s["shipping"]["amountSet"]["shopMoney"]["amount"]),
        shipping
    );
    // Quantities above what is left are capped.
    let lines = json!([{ "lineItemId": line_gid, "quantity": 99 }]);
    let s = suggest(&sim, &order, json!({ "lines": lines })).await;
    assert!(s["refundLineItems"][0]["quantity"].as_i64().unwrap() < 99);
    // A shipping amount is taken as given, and capped at what is left of the shipping.
    let s = suggest(&sim, &order, json!({ "shippingAmount": "1.00" })).await;
    let shipping_amount = &s["shipping"]["amountSet"]["shopMoney"]["amount"];
    assert_eq!(amount(shipping_amount), Decimal::ONE);
    assert_eq!(amount(&s["amountSet"]["shopMoney"]["amount"]), Decimal::ONE);
    let s = suggest(&sim, &order, json!({ "shippingAmount": "10000.00" })).await;
    let shipping_amount = &s["shipping"]["amountSet"]["shopMoney"]["amount"];
    assert_eq!(amount(shipping_amount), shipping);
    sim.shutdown().await;
}

/// Refunds one unit at a time, then the shipping, following the suggestions; returns the
/// number of refunds made.
async fn refund_everything_in_steps(
    sim: &shopdesk_shopify_sim::Simulator,
    order: &str,
    currency: Option<&str>,
) -> usize {
    let mut made = 0;
    for (i, line) in line_ids(sim, order).iter().enumerate() {
        loop {
            let quantity = {
                let state = sim.state();
                let state = state.read().unwrap();
                state.order_by_gid(order).unwrap().line_items[i].current_quantity()
            };
            if quantity == 0 {
                break;
            }
            let lines = json!([{ "lineItemId": line, "quantity": 1, "restockType": "NO_RESTOCK" }]);
            let s = suggest(sim, order, json!({ "lines": lines })).await;
            let body = refund(
                sim,
                input_from(order, &s, currency),
                &format!("step-{i}-{quantity}"),
            )
            .await;
            assert!(user_errors(&body).is_empty(), "{body}");
            let status = &body["data"]["refundCreate"]["order"]["displayFinancialStatus"];
            assert!(
                status == "PARTIALLY_REFUNDED" || status == "REFUNDED",
                "{body}"
            );
            made += 1;
        }
    }
    let shipping = {
        let state = sim.state();
        let state = state.read().unwrap();
        state.order_by_gid(order).unwrap().shipping_price
    };
    if shipping.is_zero() {
        return made;
    }
    let s = suggest(sim, order, json!({ "shipping": true })).await;
    let body = refund(sim, input_from(order, &s, currency), "step-shipping").await;
    assert!(user_errors(&body).is_empty(), "{body}");
    made + 1
}

#[tokio::test]
async fn repeated_partial_refunds_end_with_nothing_refundable_and_exact_totals() {
    let sim = demo().await;
    let order = find_order(&sim, |s, o| {
        fresh_paid(s, o)
            && o.line_items.iter().map(|l| l.quantity).sum::<u32>() >= 2
            && o.shipping_price > Decimal::ZERO
    });
    let total = {
        let state = sim.state();
        let state = state.read().unwrap();
        state.order_by_gid(&order).unwrap().total_price()
    };
    let before = data(&sim, ORDER_MONEY, json!({ "id": order })).await;
    let made = refund_everything_in_steps(&sim, &order, None).await;
    let after = data(&sim, ORDER_MONEY, json!({ "id": order })).await["order"].clone();
    assert_eq!(after["displayFinancialStatus"], "REFUNDED");
    assert_eq!(after["refundable"], false);
    assert_eq!(after["restockable"], false);
    assert_eq!(
        amount(&after["totalRefundedSet"]["shopMoney"]["amount"]),
        total
    );
    assert_eq!(after["refunds"].as_array().unwrap().len(), made);
    assert!(after["updatedAt"].as_str() > before["order"]["updatedAt"].as_str());
    for line in after["lineItems"]["nodes"].as_array().unwrap() {
        assert_eq!(line["refundableQuantity"], 0);
    }
    // Every REFUND transaction's parent is the SALE.
    let transactions = after["transactions"].as_array().unwrap();
    let sale = transactions[0]["id"].clone();
    assert!(transactions[1..]
        .iter()
        .all(|t| t["parentTransaction"]["id"] == sale));
    // Nothing is left: a suggestion is zero, and one more refund of money is refused.
    let s = suggest(&sim, &order, json!({ "full": true })).await;
    assert_eq!(
        amount(&s["amountSet"]["shopMoney"]["amount"]),
        Decimal::ZERO
    );
    assert!(s["suggestedTransactions"].as_array().unwrap().is_empty());
    let input = json!({ "orderId": order, "transactions": [{
        "orderId": order, "parentId": sale, "kind": "REFUND", "gateway": "shopify_payments", "amount": "0.01"
    }]});
    let body = refund(&sim, input, "one-cent-more").await;
    assert_eq!(
        user_errors(&body)[0].0,
        json!(["transactions", "0", "amount"]),
        "{body}"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_presentment_currency_order_needs_its_currency_and_refunds_exactly() {
    let sim = demo().await;
    let order = find_order(&sim, |s, o| {
        o.payment == PaymentState::Paid
            && o.cancelled_at.is_none()
            && o.refunds.is_empty()
            && o.presentment_currency != s.shop.currency
    });
    let (code, sale_presentment) = {
        let state = sim.state();
        let state = state.read().unwrap();
        let o = state.order_by_gid(&order).unwrap();
        (
            o.presentment_currency.code().to_string(),
            o.to_presentment(o.total_price()),
        )
    };
    let s = suggest(&sim, &order, json!({ "full": true })).await;
    assert_eq!(
        s["amountSet"]["presentmentMoney"]["currencyCode"],
        code.as_str()
    );
    assert_eq!(
        amount(&s["amountSet"]["presentmentMoney"]["amount"]),
        sale_presentment
    );

    let body = refund(&sim, input_from(&order, &s, None), "no-currency").await;
    assert_eq!(user_errors(&body)[0].0, json!(["currency"]), "{body}");
    let body = refund(&sim, input_from(&order, &s, Some("EUR")), "wrong-currency").await;
    assert_eq!(user_errors(&body)[0].0, json!(["currency"]), "{body}");
    assert!(body["data"]["refundCreate"]["refund"].is_null());

    refund_everything_in_steps(&sim, &order, Some(&code)).await;
    let after = data(&sim, ORDER_MONEY, json!({ "id": order })).await["order"].clone();
    assert_eq!(after["displayFinancialStatus"], "REFUNDED");
    assert_eq!(
        amount(&after["totalRefundedSet"]["presentmentMoney"]["amount"]),
        sale_presentment
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn three_decimal_and_zero_decimal_currencies_refund_to_the_last_minor_unit() {
    // A 3-decimal presentment currency on a hand-built order.
    let sim = demo().await;
    let order = find_order(&sim, |s, o| {
        fresh_paid(s, o) && o.line_items.iter().map(|l| l.quantity).sum::<u32>() >= 2
    });
    {
        let state = sim.state();
        let mut state = state.write().unwrap();
        let index = state
            .orders
            .iter()
            .position(|o| gid("Order", o.legacy_id) == order)
            .unwrap();
        state.orders[index].presentment_currency = "KWD".parse().unwrap();
        state.orders[index].presentment_rate = Decimal::new(333_337, 6);
    }
    let s = suggest(&sim, &order, json!({ "full": true })).await;
    let kwd = amount(&s["amountSet"]["presentmentMoney"]["amount"]);
    assert!(kwd.scale() <= 3 && kwd > Decimal::ZERO, "{kwd}");
    refund_everything_in_steps(&sim, &order, Some("KWD")).await;
    let after = data(&sim, ORDER_MONEY, json!({ "id": order })).await["order"].clone();
    assert_eq!(
        amount(&after["totalRefundedSet"]["presentmentMoney"]["amount"]),
        kwd
    );
    assert_eq!(after["displayFinancialStatus"], "REFUNDED");
    sim.shutdown().await;

    // A 0-decimal shop currency.
    let sim = start(SimConfig {
        currency: "JPY".into(),
        ..SimConfig::sized(7, 10, 40)
    })
    .await;
    let order = find_order(&sim, |s, o| {
        fresh_paid(s, o) && o.line_items.iter().any(|l| l.quantity >= 3)
    });
    let line = {
        let state = sim.state();
        let state = state.read().unwrap();
        let o = state.order_by_gid(&order).unwrap();
        gid(
            "LineItem",
            o.line_items
                .iter()
                .find(|l| l.quantity >= 3)
                .unwrap()
                .legacy_id,
        )
    };
    let s = suggest(
        &sim,
        &order,
        json!({ "lines": [{ "lineItemId": line, "quantity": 1 }] }),
    )
    .await;
    let yen = amount(&s["totalTaxSet"]["shopMoney"]["amount"]);
    assert_eq!(yen.normalize().scale(), 0, "{yen}");
    assert_eq!(s["amountSet"]["shopMoney"]["currencyCode"], "JPY");
    sim.shutdown().await;
}

#[tokio::test]
async fn refund_create_requires_the_idempotent_directive_and_replays_by_key() {
    let sim = demo().await;
    let order = find_order(&sim, fresh_paid);
    let s = suggest(&sim, &order, json!({ "full": true })).await;
    let input = input_from(&order, &s, None);

    let (status, body) = graphql(&sim, REFUND_WITHOUT_KEY, json!({ "input": input })).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["errors"][0]["message"],
        "The @idempotent directive is required for this mutation but was not provided."
    );
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST");
    assert!(body["data"]["refundCreate"].is_null(), "{body}");

    let first = refund(&sim, input.clone(), "key-1").await;
    assert!(user_errors(&first).is_empty(), "{first}");
    let again = refund(&sim, input.clone(), "key-1").await;
    assert_eq!(
        again["data"]["refundCreate"]["refund"]["id"],
        first["data"]["refundCreate"]["refund"]["id"]
    );
    {
        let state = sim.state();
        let state = state.read().unwrap();
        assert_eq!(
            state.refunds_of_gid(&order).len(),
            1,
            "a replay makes no second refund"
        );
    }
    let mut other = input.clone();
    other["note"] = json!("changed");
    let mismatch = refund(&sim, other, "key-1").await;
    assert_eq!(
        mismatch["errors"][0]["extensions"]["code"],
        "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"
    );
    assert!(mismatch["data"]["refundCreate"].is_null());
    sim.shutdown().await;
}

#[tokio::test]
async fn refund_create_user_errors_name_the_field() {
    let sim = demo().await;
    let order = find_order(&sim, |s, o| {
        fresh_paid(s, o) && o.shipping_price > Decimal::ZERO
    });
    let (line, quantity, sale) = {
        let state = sim.state();
        let state = state.read().unwrap();
        let o = state.order_by_gid(&order).unwrap();
        (
            gid("LineItem", o.line_items[0].legacy_id),
            o.line_items[0].quantity,
            gid("OrderTransaction", o.sale_transaction().unwrap().legacy_id),
        )
    };
    let cases: Vec<(Value, Value)> = vec![
        (
            json!({ "orderId": order, "refundLineItems": [{ "lineItemId": line, "quantity": quantity + 1 }] }),
            json!(["refundLineItems", "0", "quantity"]),
        ),
        (
            json!({ "orderId": order, "refundLineItems": [{ "lineItemId": line, "quantity": 0 }] }),
            json!(["refundLineItems", "0", "quantity"]),
        ),
        (
            json!({ "orderId": order, "refundLineItems": [{ "lineItemId": "gid://shopify/LineItem/1", "quantity": 1 }] }),
            json!(["refundLineItems", "0", "lineItemId"]),
        ),
        (
            json!({ "orderId": order, "refundLineItems": [{ "lineItemId": line, "quantity": 1, "restockType": "RETURN", "locationId": "gid://shopify/Location/1" }] }),
            json!(["refundLineItems", "0", "locationId"]),
        ),
        (
            json!({ "orderId": order, "transactions": [{ "orderId": order, "parentId": sale, "kind": "REFUND", "gateway": "shopify_payments", "amount": "100000.00" }] }),
            json!(["transactions", "0", "amount"]),
        ),
        (
            json!({ "orderId": order, "transactions": [{ "orderId": order, "parentId": "gid://shopify/OrderTransaction/1", "kind": "REFUND", "gateway": "shopify_payments", "amount": "1.00" }] }),
            json!(["transactions", "0", "parentId"]),
        ),
        (
            json!({ "orderId": order, "shipping": { "amount": "100000.00" } }),
            json!(["shipping", "amount"]),
        ),
        (json!({ "orderId": order }), Value::Null),
        (
            json!({ "orderId": "gid://shopify/Order/1" }),
            json!(["orderId"]),
        ),
    ];
    for (i, (input, field)) in cases.into_iter().enumerate() {
        let body = refund(&sim, input, &format!("bad-{i}")).await;
        let errors = user_errors(&body);
        assert_eq!(errors.len(), 1, "case {i}: {body}");
        assert_eq!(errors[0].0, field, "case {i}: {body}");
        assert!(!errors[0].1.is_empty());
        assert!(body["data"]["refundCreate"]["refund"].is_null());
    }
    let state = sim.state();
    assert!(state.read().unwrap().refunds_of_gid(&order).is_empty());
    drop(state);

    // Line items of a cancelled order can't be refunded.
    let cancelled = find_order(&sim, |_, o| o.cancelled_at.is_some());
    let line = line_ids(&sim, &cancelled)[0].clone();
    let body = refund(
        &sim,
        json!({ "orderId": cancelled, "refundLineItems": [{ "lineItemId": line, "quantity": 1 }] }),
        "cancelled",
    )
    .await;
    assert_eq!(
        user_errors(&body)[0].0,
        json!(["refundLineItems"]),
        "{body}"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_returned_unit_goes_back_to_the_chosen_location() {
    let sim = demo().await;
    let order = find_order(&sim, fresh_paid);
    let (line, variant) = {
        let state = sim.state();
        let state = state.read().unwrap();
        let o = state.order_by_gid(&order).unwrap();
        let l = &o.line_items[0];
        (
            gid("LineItem", l.legacy_id),
            state.variant(l.product, l.variant).unwrap().1.legacy_id,
        )
    };
    let locations = data(
        &sim,
        "{ locations(first: 5) { nodes { id name } } }",
        Value::Null,
    )
    .await;
    let nodes = locations["locations"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 2);
    assert_eq!(nodes[1]["name"], "Shop front");
    let before = sim.state().read().unwrap().stock_of(variant);
    let input = json!({ "orderId": order, "notify": true, "refundLineItems": [{
        "lineItemId": line, "quantity": 1, "restockType": "RETURN", "locationId": nodes[1]["id"]
    }]});
    let body = refund(&sim, input, "restock").await;
    assert!(user_errors(&body).is_empty(), "{body}");
    let refund_line = &body["data"]["refundCreate"]["refund"]["refundLineItems"]["nodes"][0];
    assert_eq!(refund_line["restockType"], "RETURN");
    assert_eq!(refund_line["location"]["name"], "Shop front");
    // No transactions: the refund records the return and moves no money.
    assert_eq!(
        body["data"]["refundCreate"]["order"]["displayFinancialStatus"],
        "PAID"
    );
    let after = sim.state().read().unwrap().stock_of(variant);
    assert_eq!(after[1], before[1] + 1);
    assert_eq!(after[0], before[0]);
    let state = sim.state();
    let state = state.read().unwrap();
    assert_eq!(
        state.refunds_of_gid(&order)[0].line_items[0].restock_type,
        RestockType::Return
    );
    let notifications = &state.order_by_gid(&order).unwrap().extra.notifications;
    assert_eq!(notifications.len(), 1, "notify is recorded");
}

#[tokio::test]
async fn a_new_refund_is_seen_by_an_updated_at_window_like_the_incremental_sync_reads() {
    let sim = demo().await;
    let order = find_order(&sim, fresh_paid);
    let before = data(&sim, ORDER_MONEY, json!({ "id": order })).await["order"]["updatedAt"]
        .as_str()
        .unwrap()
        .to_string();
    let s = suggest(&sim, &order, json!({ "full": true })).await;
    let body = refund(&sim, input_from(&order, &s, None), "window").await;
    let refund_id = body["data"]["refundCreate"]["refund"]["id"].clone();
    let page = r#"query Window($q: String!) {
      orders(first: 5, sortKey: UPDATED_AT, reverse: true, query: $q) {
        nodes { id displayFinancialStatus refunds(first: 5) { id totalRefundedSet { shopMoney { amount } } } }
      }
    }"#;
    let window = data(
        &sim,
        page,
        json!({ "q": format!("updated_at:>'{before}'") }),
    )
    .await;
    let nodes = window["orders"]["nodes"].as_array().unwrap();
    let found = nodes
        .iter()
        .find(|n| n["id"] == order.as_str())
        .expect("the refunded order is in the window");
    assert_eq!(found["displayFinancialStatus"], "REFUNDED");
    assert_eq!(found["refunds"][0]["id"], refund_id);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_key_whose_first_use_failed_or_that_is_blank_is_refused() {
    let sim = demo().await;
    let order = find_order(&sim, fresh_paid);
    let bad = json!({ "orderId": order, "refundLineItems": [{ "lineItemId": "gid://shopify/LineItem/1", "quantity": 1 }] });
    let first = refund(&sim, bad.clone(), "failed-once").await;
    assert_eq!(user_errors(&first).len(), 1);
    let again = refund(&sim, bad, "failed-once").await;
    assert_eq!(
        again["errors"][0]["extensions"]["code"],
        "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED"
    );
    let s = suggest(&sim, &order, json!({ "full": true })).await;
    let blank = refund(&sim, input_from(&order, &s, None), "  ").await;
    assert_eq!(blank["errors"][0]["extensions"]["code"], "BAD_REQUEST");
    assert!(sim
        .state()
        .read()
        .unwrap()
        .refunds_of_gid(&order)
        .is_empty());
    sim.shutdown().await;
}
