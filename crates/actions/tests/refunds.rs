//! Refunds against the real simulator: partial then the rest, restock, the note, the refreshed
//! order; queued offline and held when the order changed meanwhile.

mod common;

use common::*;
use shopdesk_actions::{
    order_actions_allowed, ActionRequest, ActionState, Availability, ShippingRefund, SubmitMode,
};
use shopdesk_shopify_sim::model::RestockType;

/// The first `units` units, line by line.
fn take_units(lines: &[(String, u32, u32)], mut units: u32) -> Vec<(String, i64)> {
    let mut chosen = Vec::new();
    for (id, quantity, refunded) in lines {
        let left = quantity - refunded;
        if units == 0 || left == 0 {
            continue;
        }
        let take = left.min(units);
        units -= take;
        chosen.push((id.clone(), i64::from(take)));
    }
    chosen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_items_with_restock_then_the_rest_until_nothing_is_refundable() {
    let (sim, desk, engine) = online_desk(51).await;
    let order_id = pick_order(&sim, 3, true, 0);
    let lines = lines_of(&sim, &order_id);

    // Two units first, with restock, the amount previewed and confirmed.
    let first = take_units(&lines, 2);
    let mut request = refund_request(&order_id, &first, ShippingRefund::None);
    let preview = engine.preview_refund(&request).await.unwrap();
    assert_eq!(preview.currency, "EUR");
    assert!(!preview.total.is_zero());
    assert!(!preview.exceeds_limit);
    request.confirmed_total = Some(preview.total);
    let record = submit_now(&engine, &desk, ActionRequest::Refund(request))
        .await
        .unwrap();
    assert_eq!(record.state, ActionState::Succeeded, "{record:?}");
    let result = record.result.clone().unwrap();
    assert!(result.refund_id.is_some());
    assert!(result.customer_message.starts_with(&format!(
        "I've refunded {} to your original payment method",
        preview.total
    )));
    {
        let state = sim.state();
        let state = state.read().unwrap();
        let refunds = state.refunds_of_gid(&order_id);
        assert_eq!(refunds.len(), 1);
        assert!(refunds[0]
            .line_items
            .iter()
            .all(|l| l.restock_type == RestockType::Cancel));
        assert_eq!(
            state.refunded_presentment(&order_id).unwrap(),
            preview.total.amount
        );
    }
    {
        let store = desk.store.lock().unwrap();
        let notes = store.ticket_notes(desk.ticket_id).unwrap();
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0]
                .body
                .starts_with(&format!("Ana refunded {} (", preview.total))
                && notes[0].body.contains("restocked) on #"),
            "{}",
            notes[0].body
        );
        let stored = store
            .order(&order_id)
            .unwrap()
            .expect("the order was re-read");
        assert_eq!(stored.refunded.amount, preview.total.amount);
        assert_eq!(
            stored
                .line_items
                .iter()
                .map(|l| l.refundable_quantity)
                .sum::<i64>(),
            lines.iter().map(|l| i64::from(l.1)).sum::<i64>() - 2
        );
    }

    // Then everything left, with the shipping.
    let rest = take_units(&lines_of(&sim, &order_id), u32::MAX);
    let request = refund_request(&order_id, &rest, ShippingRefund::Full);
    let record = submit_now(&engine, &desk, ActionRequest::Refund(request))
        .await
        .unwrap();
    assert_eq!(record.state, ActionState::Succeeded, "{record:?}");
    {
        let state = sim.state();
        let state = state.read().unwrap();
        let order = state.order_by_gid(&order_id).unwrap();
        assert_eq!(state.refunds_of_gid(&order_id).len(), 2);
        assert!(!order.is_refundable(), "nothing is left to refund");
        assert_eq!(
            order.total_refunded_presentment(),
            order.to_presentment(order.total_price())
        );
    }
    let stored = desk
        .store
        .lock()
        .unwrap()
        .order(&order_id)
        .unwrap()
        .unwrap();
    assert!(matches!(
        order_actions_allowed(&stored).refund,
        Availability::Denied(_)
    ));

    // A third refund is refused before anything is written.
    let again = refund_request(&order_id, &[(lines[0].0.clone(), 1)], ShippingRefund::None);
    let error = submit_now(&engine, &desk, ActionRequest::Refund(again))
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("can still be refunded"),
        "{error}"
    );
    assert_eq!(engine.list_for_ticket(desk.ticket_id).unwrap().len(), 2);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_offline_then_held_because_someone_cancelled_the_order() {
    let sim = start_sim(52, 80).await;
    let desk = desk();
    let order_id = pick_order(&sim, 2, true, 0);
    let lines = lines_of(&sim, &order_id);
    let online = engine(&desk, client(&sim), None);
    let mut request = refund_request(&order_id, &[(lines[0].0.clone(), 1)], ShippingRefund::None);
    let preview = online.preview_refund(&request).await.unwrap();
    request.confirmed_total = Some(preview.total);

    // Offline, "send now" fails and says what to do; "send when online" queues.
    let offline = engine(&desk, offline_client(), None);
    let failed = submit_now(&offline, &desk, ActionRequest::Refund(request.clone()))
        .await
        .unwrap();
    assert!(
        matches!(&failed.state, ActionState::Failed(reason) if reason.contains("Send when online")),
        "{failed:?}"
    );
    let queued = submit_when_online(&offline, &desk, ActionRequest::Refund(request))
        .await
        .unwrap();
    assert_eq!(queued.state, ActionState::Queued);

    // Someone else cancels the order in Shopify meanwhile.
    cancel_in_shopify(&sim, &order_id).await;

    let report = online.run_pending().await.unwrap();
    assert_eq!(report.pending, 0);
    let held = online.action(queued.id).unwrap();
    assert!(
        matches!(&held.state, ActionState::Held(reason) if reason.contains("was cancelled")),
        "{held:?}"
    );
    // Cancelling restocked the items (a refund record without money); nothing was paid back.
    assert!(sim
        .state()
        .read()
        .unwrap()
        .refunded_presentment(&order_id)
        .unwrap()
        .is_zero());
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_offline_then_held_because_the_amount_changed() {
    let sim = start_sim(53, 80).await;
    let desk = desk();
    let order_id = pick(&sim, 0, |state, o| {
        o.payment == shopdesk_shopify_sim::model::PaymentState::Paid
            && o.cancelled_at.is_none()
            && o.refunds.is_empty()
            && o.presentment_currency == state.shop.currency
            && !o.shipping_price.is_zero()
    });
    let lines = lines_of(&sim, &order_id);
    let online = engine(&desk, client(&sim), None);
    // One item and the shipping, previewed while online.
    let mut request = refund_request(&order_id, &[(lines[0].0.clone(), 1)], ShippingRefund::Full);
    let preview = online.preview_refund(&request).await.unwrap();
    assert!(
        !preview.shipping.is_zero(),
        "the order has shipping to refund"
    );
    request.confirmed_total = Some(preview.total);
    let offline = engine(&desk, offline_client(), None);
    let queued = submit_when_online(&offline, &desk, ActionRequest::Refund(request.clone()))
        .await
        .unwrap();
    assert_eq!(queued.state, ActionState::Queued);

    // A colleague refunds the shipping meanwhile: the queued refund would now be smaller.
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

    online.run_pending().await.unwrap();
    let held = online.action(queued.id).unwrap();
    assert!(
        matches!(&held.state, ActionState::Held(reason)
            if reason.contains("would now be") && reason.contains(&preview.total.to_string())),
        "{held:?}"
    );
    assert_eq!(
        sim.state().read().unwrap().refunds_of_gid(&order_id).len(),
        1
    );

    // A queued action can be edited and cancelled until it leaves; a held one no longer.
    let queued = submit_when_online(&offline, &desk, ActionRequest::Refund(request.clone()))
        .await
        .unwrap();
    let mut edited = request.clone();
    edited.note = Some("changed my mind".into());
    let record = offline
        .edit_queued(queued.id, ActionRequest::Refund(edited), None)
        .unwrap();
    assert_eq!(record.state, ActionState::Queued);
    assert!(
        matches!(record.request, ActionRequest::Refund(ref r) if r.note.as_deref() == Some("changed my mind"))
    );
    assert_eq!(
        offline.cancel_queued(queued.id).unwrap().state,
        ActionState::Cancelled
    );
    assert!(offline.cancel_queued(held.id).is_err());
    sim.shutdown().await;
}

/// What another app (or the admin) does: cancel the order in Shopify.
pub async fn cancel_in_shopify(sim: &shopdesk_shopify_sim::Simulator, order_id: &str) {
    let plan = shopdesk_shopify::actions::CancelPlan {
        order_id: order_id.into(),
        reason: "CUSTOMER".into(),
        refund: false,
        restock: true,
        notify_customer: false,
        staff_note: None,
    };
    client(sim)
        .order_cancel(&plan)
        .await
        .expect("cancelled in Shopify");
    let state = sim.state();
    assert!(state
        .read()
        .unwrap()
        .order_by_gid(order_id)
        .unwrap()
        .cancelled_at
        .is_some());
}
