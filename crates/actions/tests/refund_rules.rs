//! Refund rules against the real simulator: the agent's limit and the owner's approval, and
//! orders paid in another currency than the shop's.

mod common;

use common::*;
use shopdesk_actions::{ActionRequest, ActionState, ShippingRefund, SubmitMode};
use shopdesk_money::Money;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn above_the_agents_limit_the_owner_must_approve_the_exact_total() {
    let sim = start_sim(54, 80).await;
    let desk = desk();
    let engine = engine(&desk, client(&sim), Some("0.50"));
    let order_id = pick_order(&sim, 1, true, 0);
    let lines = lines_of(&sim, &order_id);
    let request = refund_request(&order_id, &[(lines[0].0.clone(), 1)], ShippingRefund::None);
    let preview = engine.preview_refund(&request).await.unwrap();
    assert!(preview.exceeds_limit);
    let error = engine
        .submit(
            Some(desk.ticket_id),
            ActionRequest::Refund(request.clone()),
            SubmitMode::Now,
            None,
        )
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("above your limit of 0.50 EUR"),
        "{error}"
    );
    let wrong = shopdesk_actions::OwnerApproval {
        approved_by: "Olga".into(),
        confirmed_total: "0.01".into(),
    };
    assert!(engine
        .submit(
            Some(desk.ticket_id),
            ActionRequest::Refund(request.clone()),
            SubmitMode::Now,
            Some(wrong)
        )
        .await
        .is_err());
    assert!(engine.list_for_ticket(desk.ticket_id).unwrap().is_empty());
    let approval = shopdesk_actions::OwnerApproval {
        approved_by: "Olga".into(),
        confirmed_total: preview.total.amount_string(),
    };
    let record = engine
        .submit(
            Some(desk.ticket_id),
            ActionRequest::Refund(request),
            SubmitMode::Now,
            Some(approval),
        )
        .await
        .unwrap();
    assert_eq!(record.state, ActionState::Succeeded);
    assert!(record.result.unwrap().note.ends_with("approved by Olga"));
    let _ = Money::zero(preview.total.currency);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_paid_in_another_currency_is_refunded_in_that_currency() {
    let sim = start_sim(55, 200).await;
    let desk = desk();
    let engine = engine(&desk, client(&sim), None);
    let order_id = pick(&sim, 0, |state, o| {
        o.payment == shopdesk_shopify_sim::model::PaymentState::Paid
            && o.cancelled_at.is_none()
            && o.refunds.is_empty()
            && o.presentment_currency != state.shop.currency
    });
    let currency = {
        let state = sim.state();
        let state = state.read().unwrap();
        state
            .order_by_gid(&order_id)
            .unwrap()
            .presentment_currency
            .code()
            .to_string()
    };
    let lines = lines_of(&sim, &order_id);
    let mut request = refund_request(&order_id, &[(lines[0].0.clone(), 1)], ShippingRefund::None);
    let preview = engine.preview_refund(&request).await.unwrap();
    assert_eq!(preview.currency, currency);
    assert_eq!(preview.total.currency.code(), currency);

    // An amount in the shop's currency is refused for it.
    let mut wrong = request.clone();
    wrong.confirmed_total = Some(Money::parse("1.00", "EUR").unwrap());
    let error = engine
        .submit(None, ActionRequest::Refund(wrong), SubmitMode::Now, None)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains(&format!("is in {currency}")),
        "{error}"
    );

    request.confirmed_total = Some(preview.total);
    let record = engine
        .submit(None, ActionRequest::Refund(request), SubmitMode::Now, None)
        .await
        .unwrap();
    assert_eq!(record.state, ActionState::Succeeded, "{record:?}");
    assert_eq!(
        sim.state()
            .read()
            .unwrap()
            .refunded_presentment(&order_id)
            .unwrap(),
        preview.total.amount
    );
    assert!(record
        .result
        .unwrap()
        .customer_message
        .contains(&preview.total.to_string()));
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_that_refunds_above_the_limit_needs_the_owners_approval() {
    use shopdesk_actions::{CancelReason, CancelRequest, OwnerApproval};
    let sim = start_sim(56, 80).await;
    let desk = desk();
    let engine = engine(&desk, client(&sim), Some("0.50"));
    let order_id = pick_order(&sim, 1, true, 0);
    let paid = sim
        .state()
        .read()
        .unwrap()
        .order_by_gid(&order_id)
        .unwrap()
        .total_price();
    let preview = engine.preview_cancel(&order_id).await.unwrap();
    assert_eq!(preview.refund.amount, paid, "everything paid goes back");
    assert!(preview.exceeds_limit);
    let cancel = |refund: bool| {
        ActionRequest::Cancel(CancelRequest {
            order_id: order_id.clone(),
            reason: CancelReason::Customer,
            refund,
            restock: false,
            notify: false,
            staff_note: None,
        })
    };
    let error = engine
        .submit(Some(desk.ticket_id), cancel(true), SubmitMode::Now, None)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("above your limit of 0.50"),
        "{error}"
    );
    let wrong = OwnerApproval {
        approved_by: "Olga".into(),
        confirmed_total: "0.01".into(),
    };
    assert!(engine
        .submit(
            Some(desk.ticket_id),
            cancel(true),
            SubmitMode::Now,
            Some(wrong)
        )
        .await
        .is_err());
    assert!(
        engine.list_for_ticket(desk.ticket_id).unwrap().is_empty(),
        "nothing written"
    );
    assert!(sim
        .state()
        .read()
        .unwrap()
        .order_by_gid(&order_id)
        .unwrap()
        .cancelled_at
        .is_none());
    // Queued offline, the amount can't be checked: refused.
    let offline = common::engine(&desk, offline_client(), Some("0.50"));
    assert!(offline
        .submit(
            Some(desk.ticket_id),
            cancel(true),
            SubmitMode::WhenOnline,
            None
        )
        .await
        .is_err());
    // A cancel queued without a refund can't be edited into one (that would skip the limit).
    let queued = offline
        .submit(
            Some(desk.ticket_id),
            cancel(false),
            SubmitMode::WhenOnline,
            None,
        )
        .await
        .unwrap();
    assert_eq!(queued.state, ActionState::Queued, "{queued:?}");
    assert!(offline.edit_queued(queued.id, cancel(true), None).is_err());
    assert_eq!(
        offline.action(queued.id).unwrap().request,
        cancel(false),
        "the queued cancel is unchanged"
    );
    offline.cancel_queued(queued.id).unwrap();

    let approval = OwnerApproval {
        approved_by: "Olga".into(),
        confirmed_total: preview.refund.amount_string(),
    };
    let record = engine
        .submit(
            Some(desk.ticket_id),
            cancel(true),
            SubmitMode::Now,
            Some(approval),
        )
        .await
        .unwrap();
    assert_eq!(record.state, ActionState::Succeeded, "{record:?}");
    let result = record.result.unwrap();
    assert!(
        result.note.contains(&format!(
            "and refunded {}, approved by Olga",
            preview.refund
        )),
        "{}",
        result.note
    );
    assert!(result
        .customer_message
        .contains(&preview.refund.to_string()));
    assert_eq!(
        sim.state()
            .read()
            .unwrap()
            .refunded_presentment(&order_id)
            .unwrap(),
        preview.refund.amount
    );
    sim.shutdown().await;
}
