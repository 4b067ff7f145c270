//! A refund previewed while Shopify can't be reached: estimated from the store's copy of the
//! order, queued with that total, then sent when online only if Shopify agrees with it.

mod common;

use common::*;
use rust_decimal::Decimal;
use shopdesk_actions::{
    ActionEngine, ActionRequest, ActionState, RefundPreview, RefundRequest, ShippingRefund,
    SubmitMode,
};
use shopdesk_shopify_sim::model::PaymentState;
use shopdesk_shopify_sim::Simulator;

/// Copies the order into the desk's store, as a sync would.
async fn sync_order(sim: &Simulator, desk: &Desk, order_id: &str) {
    let client = client(sim);
    let shop = client.fetch_shop().await.unwrap();
    let record = client
        .refreshed_order_record(&shop.id, order_id)
        .await
        .unwrap()
        .unwrap();
    let mut store = desk.store.lock().unwrap();
    store.upsert_shop(&shop).unwrap();
    store.upsert_orders_page(&[record], None).unwrap();
}

/// A paid, open order with nothing refunded, with shipping, in (or not in) the shop's currency.
fn order_with_shipping(sim: &Simulator, in_shop_currency: bool, skip: usize) -> String {
    pick(sim, skip, |state, o| {
        o.payment == PaymentState::Paid
            && o.cancelled_at.is_none()
            && o.refunds.is_empty()
            && (o.presentment_currency == state.shop.currency) == in_shop_currency
            && !o.shipping_price.is_zero()
    })
}

async fn estimate(engine: &ActionEngine, request: &RefundRequest) -> RefundPreview {
    let preview = engine.preview_refund(request).await.unwrap();
    assert!(preview.estimated_from_local_copy, "{preview:?}");
    preview
}

async fn queue(
    engine: &ActionEngine,
    desk: &Desk,
    mut request: RefundRequest,
    total: &RefundPreview,
) -> i64 {
    request.confirmed_total = Some(total.total);
    let queued = engine
        .submit(
            Some(desk.ticket_id),
            ActionRequest::Refund(request),
            SubmitMode::WhenOnline,
            None,
        )
        .await
        .unwrap();
    assert_eq!(queued.state, ActionState::Queued, "{queued:?}");
    queued.id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_local_estimate_matches_shopify_and_the_queued_refund_is_sent_once() {
    let sim = start_sim(61, 120).await;
    let desk = desk();
    let online = engine(&desk, client(&sim), None);
    let offline = engine(&desk, offline_client(), None);

    // Several selections on shop-currency orders, and orders paid in another currency.
    let mut orders = Vec::new();
    for skip in 0..3 {
        orders.push(order_with_shipping(&sim, true, skip));
    }
    // A discounted order, and one partly refunded already (what is left of tax and shipping).
    orders.push(pick(&sim, 0, |state, o| {
        o.payment == PaymentState::Paid
            && o.cancelled_at.is_none()
            && o.presentment_currency == state.shop.currency
            && o.line_items.iter().all(|l| !l.unit_discount.is_zero())
    }));
    orders.push(pick(&sim, 0, |state, o| {
        o.payment == PaymentState::Paid
            && o.cancelled_at.is_none()
            && o.presentment_currency == state.shop.currency
            && !o.refunds.is_empty()
            && o.line_items
                .iter()
                .all(|l| l.refunded_quantity < l.quantity)
    }));
    let shop_currency_orders = orders.len();
    for skip in 0..2 {
        orders.push(order_with_shipping(&sim, false, skip));
    }
    for (index, order_id) in orders.iter().enumerate() {
        let in_shop_currency = index < shop_currency_orders;
        sync_order(&sim, &desk, order_id).await;
        let lines = lines_of(&sim, order_id);
        let selections = [
            (vec![(lines[0].0.clone(), 1)], ShippingRefund::None),
            (vec![(lines[0].0.clone(), 1)], ShippingRefund::Full),
            (
                lines
                    .iter()
                    .map(|(id, quantity, refunded)| (id.clone(), i64::from(quantity - refunded)))
                    .collect(),
                ShippingRefund::Full,
            ),
        ];
        for (chosen, shipping) in selections {
            let request = refund_request(order_id, &chosen, shipping);
            let shopify = online.preview_refund(&request).await.unwrap();
            assert!(!shopify.estimated_from_local_copy);
            let local = estimate(&offline, &request).await;
            assert_eq!(local.currency, shopify.currency);
            let pairs = [
                (local.total, shopify.total),
                (local.subtotal, shopify.subtotal),
                (local.tax, shopify.tax),
                (local.shipping, shopify.shipping),
                (local.maximum_refundable, shopify.maximum_refundable),
            ];
            for (estimated, suggested) in pairs {
                assert_eq!(estimated.currency, suggested.currency);
                if in_shop_currency {
                    assert_eq!(estimated, suggested, "order {order_id}, {request:?}");
                } else {
                    // The local copy has no exchange rate, only the two totals it gives: a
                    // converted amount may be a minor unit off (the send-time check holds it).
                    let off = (estimated.amount - suggested.amount).abs();
                    assert!(
                        off <= Decimal::new(1, 2),
                        "order {order_id}: {estimated} vs {suggested}"
                    );
                }
            }
        }
    }

    // Queued offline with the estimate, sent when online: refunded exactly once.
    let order_id = &orders[0];
    let lines = lines_of(&sim, order_id);
    let request = refund_request(order_id, &[(lines[0].0.clone(), 1)], ShippingRefund::Full);
    let local = estimate(&offline, &request).await;
    let id = queue(&offline, &desk, request, &local).await;
    online.run_pending().await.unwrap();
    let sent = online.action(id).unwrap();
    assert_eq!(sent.state, ActionState::Succeeded, "{sent:?}");
    let state = sim.state();
    let state = state.read().unwrap();
    let refunds = state.refunds_of_gid(order_id);
    assert_eq!(refunds.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_order_changed_after_the_estimate_so_the_refund_is_held() {
    let sim = start_sim(62, 80).await;
    let desk = desk();
    let order_id = order_with_shipping(&sim, true, 0);
    sync_order(&sim, &desk, &order_id).await;
    let lines = lines_of(&sim, &order_id);
    let online = engine(&desk, client(&sim), None);
    let offline = engine(&desk, offline_client(), None);

    let request = refund_request(&order_id, &[(lines[0].0.clone(), 1)], ShippingRefund::Full);
    let local = estimate(&offline, &request).await;
    assert!(!local.shipping.is_zero());
    let id = queue(&offline, &desk, request, &local).await;

    // A colleague refunds the shipping meanwhile: Shopify's amount is now smaller.
    let shipping_only = refund_request(&order_id, &[], ShippingRefund::Full);
    let colleague = online
        .submit(
            None,
            ActionRequest::Refund(shipping_only),
            SubmitMode::Now,
            None,
        )
        .await
        .unwrap();
    assert_eq!(colleague.state, ActionState::Succeeded);

    let request = refund_request(&order_id, &[(lines[0].0.clone(), 1)], ShippingRefund::Full);
    let now = online.preview_refund(&request).await.unwrap().total;
    assert_ne!(now, local.total);

    online.run_pending().await.unwrap();
    let held = online.action(id).unwrap();
    // The sentence says both amounts: Shopify's now and the estimate the agent confirmed.
    assert!(
        matches!(&held.state, ActionState::Held(reason)
            if reason.contains(&format!("would now be {now}"))
                && reason.contains(&local.total.to_string())),
        "{held:?}"
    );
    assert_eq!(
        sim.state().read().unwrap().refunds_of_gid(&order_id).len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_local_copy_the_preview_says_shopify_is_offline() {
    let desk = desk();
    let offline = engine(&desk, offline_client(), None);
    let request = refund_request(
        "gid://shopify/Order/1",
        &[("gid://shopify/LineItem/1".into(), 1)],
        ShippingRefund::None,
    );
    let error = offline.preview_refund(&request).await.unwrap_err();
    assert!(error.to_string().contains("can't be reached"), "{error}");
}
