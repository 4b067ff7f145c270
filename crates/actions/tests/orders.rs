//! Replacements, cancellations and edits against the real simulator.

mod common;

use common::*;
use shopdesk_actions::{
    order_actions_allowed, ActionError, ActionRequest, ActionState, AddressInput, Availability,
    CancelReason, CancelRequest, InvalidRequest, OrderEditRequest, ReplacementLineRequest,
    ReplacementRequest,
};
use shopdesk_shopify_sim::parse_gid;

fn replacement(
    order_id: &str,
    line: &str,
    variant: Option<String>,
    quantity: i64,
) -> ReplacementRequest {
    ReplacementRequest {
        order_id: order_id.into(),
        lines: vec![ReplacementLineRequest {
            line_item_id: line.into(),
            variant_id: variant,
            quantity,
        }],
        shipping_address: None,
        note: Some("the first one arrived broken".into()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replacement_is_exactly_one_linked_order_at_no_charge() {
    let (sim, desk, engine) = online_desk(61).await;
    let order_id = pick_order(&sim, 1, false, 0);
    let line = lines_of(&sim, &order_id)[0].0.clone();
    let orders_before = sim.state().read().unwrap().orders.len();

    let record = submit_now(
        &engine,
        &desk,
        ActionRequest::Replacement(replacement(&order_id, &line, None, 1)),
    )
    .await
    .unwrap();
    assert_eq!(record.state, ActionState::Succeeded, "{record:?}");
    let result = record.result.clone().unwrap();
    let new_name = result.order_name.clone().unwrap();
    assert!(result
        .customer_message
        .starts_with(&format!("I've sent you a replacement: order {new_name}")));
    {
        let state = sim.state();
        let state = state.read().unwrap();
        assert_eq!(
            state.orders.len(),
            orders_before + 1,
            "exactly one new order"
        );
        let tagged = state.orders_tagged(&format!("shopdesk-{}", record.key));
        assert_eq!(tagged.len(), 1);
        let new_order = tagged[0];
        let original = state.order_by_gid(&order_id).unwrap();
        assert_eq!(new_order.name(), new_name);
        assert!(new_order.tags.iter().any(|t| t == "replacement"));
        assert!(new_order
            .tags
            .iter()
            .any(|t| *t == format!("ticket-{}", desk.ticket_id)));
        assert!(new_order
            .note
            .as_deref()
            .unwrap()
            .contains(&format!("Replacement for {}", original.name())));
        assert!(new_order.total_price().is_zero(), "sent at no charge");
        assert_eq!(new_order.customer, original.customer);
    }
    {
        let store = desk.store.lock().unwrap();
        let notes = store.ticket_notes(desk.ticket_id).unwrap();
        assert!(notes[0].body.contains(&format!("order {new_name}")));
        let stored = store
            .order(result.order_id.as_deref().unwrap())
            .unwrap()
            .expect("the new order is in the store");
        assert!(
            matches!(order_actions_allowed(&stored).refund, Availability::Denied(ref r) if r.contains("no payment to refund")),
            "a free replacement offers no refund"
        );
    }
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replacement_variant_must_be_of_the_same_product_and_in_stock() {
    let (sim, desk, engine) = online_desk(62).await;
    let order_id = pick_order(&sim, 1, false, 0);
    let (line, product, other_product_variant, variant) = {
        let state = sim.state();
        let state = state.read().unwrap();
        let order = state.order_by_gid(&order_id).unwrap();
        let item = &order.line_items[0];
        let (_, variant) = state.variant(item.product, item.variant).unwrap();
        let other = state
            .products
            .iter()
            .enumerate()
            .find(|(i, _)| *i != item.product as usize)
            .unwrap()
            .1
            .variants[0]
            .legacy_id;
        (
            shopdesk_shopify_sim::gid("LineItem", item.legacy_id),
            item.product,
            shopdesk_shopify_sim::gid("ProductVariant", other),
            variant.legacy_id,
        )
    };
    let _ = product;
    let error = submit_now(
        &engine,
        &desk,
        ActionRequest::Replacement(replacement(
            &order_id,
            &line,
            Some(other_product_variant),
            1,
        )),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            error,
            ActionError::Invalid(InvalidRequest::OtherProduct { .. })
        ),
        "{error}"
    );

    // Out of stock everywhere.
    {
        let state = sim.state();
        let mut state = state.write().unwrap();
        let locations = state.ops.locations.len();
        state.ops.inventory.insert(variant, vec![0; locations]);
    }
    let error = submit_now(
        &engine,
        &desk,
        ActionRequest::Replacement(replacement(&order_id, &line, None, 1)),
    )
    .await
    .unwrap_err();
    assert!(error.to_string().contains("out of stock"), "{error}");
    assert!(
        engine.list_for_ticket(desk.ticket_id).unwrap().is_empty(),
        "nothing written"
    );
    assert_eq!(sim.state().read().unwrap().draft_order_count(), 0);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unfulfilled_order_is_cancelled_a_fulfilled_one_is_not() {
    let (sim, desk, engine) = online_desk(63).await;
    let open = pick_order(&sim, 1, true, 0);
    let cancel = |order_id: &str| CancelRequest {
        order_id: order_id.into(),
        reason: CancelReason::Customer,
        refund: true,
        restock: true,
        notify: false,
        staff_note: Some("customer changed their mind".into()),
    };
    let record = submit_now(&engine, &desk, ActionRequest::Cancel(cancel(&open)))
        .await
        .unwrap();
    assert_eq!(record.state, ActionState::Succeeded, "{record:?}");
    {
        let state = sim.state();
        let state = state.read().unwrap();
        let order = state.order_by_gid(&open).unwrap();
        assert!(order.cancelled_at.is_some());
        assert!(!order.is_refundable(), "the payment went back");
    }
    let stored = desk.store.lock().unwrap().order(&open).unwrap().unwrap();
    assert!(
        stored.cancelled_at.is_some(),
        "the store shows the cancellation"
    );
    assert!(
        matches!(order_actions_allowed(&stored).cancel, Availability::Denied(ref r) if r.contains("already cancelled"))
    );
    assert!(record
        .result
        .unwrap()
        .customer_message
        .starts_with("I've cancelled your order"));

    let again = submit_now(&engine, &desk, ActionRequest::Cancel(cancel(&open)))
        .await
        .unwrap_err();
    assert!(again.to_string().contains("was cancelled"), "{again}");

    let shipped = pick(&sim, 0, |_, o| {
        o.cancelled_at.is_none() && o.line_items.iter().any(|l| l.fulfilled_quantity > 0)
    });
    let error = submit_now(&engine, &desk, ActionRequest::Cancel(cancel(&shipped)))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            ActionError::Invalid(InvalidRequest::AlreadyFulfilled { .. })
        ),
        "{error}"
    );
    assert!(sim
        .state()
        .read()
        .unwrap()
        .order_by_gid(&shipped)
        .unwrap()
        .cancelled_at
        .is_none());
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_overwrites_note_and_address_and_adds_tags() {
    let (sim, desk, engine) = online_desk(64).await;
    let order_id = pick_order(&sim, 1, false, 0);
    let request = OrderEditRequest {
        order_id: order_id.clone(),
        note: Some("Leave at the back door".into()),
        tags: Some(vec!["vip".into()]),
        shipping_address: Some(AddressInput {
            first_name: Some("Mia".into()),
            last_name: Some("Berg".into()),
            address1: Some("Hauptstrasse 5".into()),
            city: Some("Berlin".into()),
            zip: Some("10115".into()),
            country_code: Some("DE".into()),
            ..AddressInput::default()
        }),
    };
    let record = submit_now(&engine, &desk, ActionRequest::Edit(request))
        .await
        .unwrap();
    assert_eq!(record.state, ActionState::Succeeded, "{record:?}");
    {
        let state = sim.state();
        let state = state.read().unwrap();
        let order = state.order_by_gid(&order_id).unwrap();
        assert_eq!(order.note.as_deref(), Some("Leave at the back door"));
        assert!(order.tags.iter().any(|t| t == "vip"));
        let address = order.shipping_address.as_ref().unwrap();
        assert_eq!(address.address1, "Hauptstrasse 5");
        assert_eq!(address.city, "Berlin");
    }
    let stored = desk
        .store
        .lock()
        .unwrap()
        .order(&order_id)
        .unwrap()
        .unwrap();
    assert_eq!(stored.note.as_deref(), Some("Leave at the back door"));
    assert_eq!(parse_gid(&order_id).unwrap().0, "Order");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_replacement_answer_is_searched_for_only_once_the_index_settled() {
    let sim = start_sim(65, 80).await;
    let desk = desk();
    let order_id = pick_order(&sim, 1, false, 0);
    let line = lines_of(&sim, &order_id)[0].0.clone();
    let patient =
        shopdesk_actions::ActionEngine::new(desk.store.clone(), client(&sim), "Ana", None)
            .with_search_settle(std::time::Duration::from_secs(3600));
    // draftOrderCreate runs, its answer is lost.
    sim.faults()
        .push_mutation(shopdesk_shopify_sim::Fault::ResponseLostAfterCommit);
    let record = submit_now(
        &patient,
        &desk,
        ActionRequest::Replacement(replacement(&order_id, &line, None, 1)),
    )
    .await
    .unwrap();
    assert_eq!(record.state, ActionState::Unknown, "{record:?}");
    patient.run_pending().await.unwrap();
    let tag = format!("shopdesk-{}", record.key);
    assert_eq!(
        patient.action(record.id).unwrap().state,
        ActionState::Unknown
    );
    assert_eq!(
        sim.state().read().unwrap().draft_orders_tagged(&tag).len(),
        1
    );

    // Once the index settled: the draft is found and completed, never made twice.
    let settled = engine(&desk, client(&sim), None);
    settled.run_pending().await.unwrap();
    assert_eq!(
        settled.action(record.id).unwrap().state,
        ActionState::Succeeded
    );
    {
        let state = sim.state();
        let state = state.read().unwrap();
        assert_eq!(state.draft_orders_tagged(&tag).len(), 1);
        assert_eq!(state.orders_tagged(&tag).len(), 1);
    }
    sim.shutdown().await;
}
