//! Every bad input gives a sentence for the dialog, and changes nothing: no action written, no
//! refund in Shopify.

mod common;

use common::*;
use shopdesk_actions::{
    ActionError, ActionRequest, InvalidRequest, RefundLineRequest, RefundRequest, ShippingRefund,
    SubmitMode,
};
use shopdesk_money::Money;

fn request(order_id: &str, lines: Vec<(String, i64)>, shipping: ShippingRefund) -> RefundRequest {
    RefundRequest {
        order_id: order_id.into(),
        lines: lines
            .into_iter()
            .map(|(line_item_id, quantity)| RefundLineRequest {
                line_item_id,
                quantity,
                restock: false,
            })
            .collect(),
        restock_location_id: None,
        shipping,
        reason: "damaged".into(),
        note: None,
        notify: false,
        confirmed_total: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_refunds_are_refused_with_a_sentence_and_change_nothing() {
    let sim = start_sim(71, 80).await;
    let desk = desk();
    let engine = engine(&desk, client(&sim), None);
    let order_id = pick(&sim, 0, |state, o| {
        o.payment == shopdesk_shopify_sim::model::PaymentState::Paid
            && o.cancelled_at.is_none()
            && o.refunds.is_empty()
            && o.presentment_currency == state.shop.currency
            && !o.shipping_price.is_zero()
    });
    let lines = lines_of(&sim, &order_id);
    let (line, quantity, _) = lines[0].clone();
    let quantity = i64::from(quantity);
    let eur = |amount: &str| Money::parse(amount, "EUR").unwrap();

    let cases: Vec<(RefundRequest, &str)> = vec![
        (
            request(&order_id, vec![(line.clone(), 0)], ShippingRefund::None),
            "must be at least 1",
        ),
        (
            request(&order_id, vec![(line.clone(), -1)], ShippingRefund::None),
            "must be at least 1",
        ),
        (
            request(
                &order_id,
                vec![(line.clone(), quantity + 1)],
                ShippingRefund::None,
            ),
            "can still be refunded",
        ),
        (
            request(&order_id, vec![], ShippingRefund::None),
            "Choose at least one item",
        ),
        (
            request(
                &order_id,
                vec![(line.clone(), 1), (line.clone(), 1)],
                ShippingRefund::None,
            ),
            "chosen twice",
        ),
        (
            request(
                &order_id,
                vec![],
                ShippingRefund::Amount(Money::parse("1.00", "USD").unwrap()),
            ),
            "The amount is in USD but order",
        ),
        (
            request(&order_id, vec![], ShippingRefund::Amount(eur("100000.00"))),
            "of shipping can still be refunded",
        ),
        (
            request(&order_id, vec![], ShippingRefund::Amount(eur("1.001"))),
            "more decimals",
        ),
        (
            request(
                &order_id,
                vec![("gid://shopify/LineItem/1".into(), 1)],
                ShippingRefund::None,
            ),
            "is not on order",
        ),
        (
            request(
                "gid://shopify/Order/1",
                vec![(line.clone(), 1)],
                ShippingRefund::None,
            ),
            "can't find order",
        ),
        (
            RefundRequest {
                confirmed_total: Some(eur("0.01")),
                ..request(&order_id, vec![(line.clone(), 1)], ShippingRefund::None)
            },
            "you confirmed",
        ),
    ];
    for (bad, expected) in cases {
        let error = engine
            .submit(
                Some(desk.ticket_id),
                ActionRequest::Refund(bad.clone()),
                SubmitMode::Now,
                None,
            )
            .await
            .expect_err("refused");
        assert!(matches!(error, ActionError::Invalid(_)), "{error:?}");
        assert!(error.to_string().contains(expected), "{bad:?}: {error}");
        assert!(error.to_string().ends_with('.'), "a sentence: {error}");
    }
    // The preview refuses the same way.
    let error = engine
        .preview_refund(&request(
            &order_id,
            vec![(line.clone(), quantity + 1)],
            ShippingRefund::None,
        ))
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        ActionError::Invalid(InvalidRequest::AboveRefundable { .. })
    ));

    assert!(
        engine.list_for_ticket(desk.ticket_id).unwrap().is_empty(),
        "nothing written"
    );
    assert!(desk
        .store
        .lock()
        .unwrap()
        .ticket_notes(desk.ticket_id)
        .unwrap()
        .is_empty());
    assert!(
        sim.state()
            .read()
            .unwrap()
            .refunds_of_gid(&order_id)
            .is_empty(),
        "nothing refunded"
    );
    sim.shutdown().await;
}
