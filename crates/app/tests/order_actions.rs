//! Order actions through the app layer against the demo simulator (real HTTP, real SQLite):
//! availability with reasons, the refund preview, a partial refund with restock, a
//! replacement linked to the ticket, the owner-approval step, and a refund queued while
//! Shopify can't be reached and then cancelled.

use shopdesk_actions::{
    ActionRequest, ActionState, Availability, OwnerApproval, RefundLineRequest, RefundRequest,
    ReplacementLineRequest, ReplacementRequest, ShippingRefund, SubmitMode,
};
use shopdesk_app::{App, AppError, OrderView};
use shopdesk_shopify::{ShopifyClient, ShopifyConfig};

/// A demo ticket whose customer has a paid, unfulfilled-or-not, uncancelled order with a line
/// of at least three units nothing was refunded from.
fn ticket_with_three_units(app: &App) -> (i64, OrderView, usize) {
    for ticket in app.list_tickets().unwrap() {
        let view = app.open_ticket(ticket.id).unwrap();
        for order in view.orders {
            if order.cancelled_at.is_some() || order.financial_status != "PAID" {
                continue;
            }
            if let Some(index) = order
                .line_items
                .iter()
                .position(|i| i.quantity >= 3 && i.current_quantity == i.quantity)
            {
                return (ticket.id, order, index);
            }
        }
    }
    panic!("no demo ticket has an order with a line of three units");
}

fn refund(order_id: &str, line_item_id: &str, quantity: i64) -> RefundRequest {
    RefundRequest {
        order_id: order_id.to_string(),
        lines: vec![RefundLineRequest {
            line_item_id: line_item_id.to_string(),
            quantity,
            restock: true,
        }],
        restock_location_id: None,
        shipping: ShippingRefund::None,
        reason: "Damaged in transit".into(),
        note: None,
        notify: false,
        confirmed_total: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refund_two_of_three_then_replacement_from_a_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start_demo(dir.path()).await.unwrap();
    let (ticket_id, order, index) = ticket_with_three_units(&app);

    let customer_before = app.open_ticket(ticket_id).unwrap().customer.unwrap();
    let actions = app.order_actions(&order.id).await.unwrap();
    assert!(actions.online && actions.enabled);
    assert_eq!(actions.allowed.refund, Availability::Allowed);
    assert_eq!(actions.agent.name, "Demo agent");
    assert_eq!(actions.agent.refund_limit.as_deref(), Some("100.00"));
    let line = &actions.line_items[index];
    assert!(line.refundable_quantity >= 3, "{line:?}");
    assert!(
        !line.variants.is_empty(),
        "the replacement can send the same variant"
    );
    assert!(!actions.locations.is_empty());

    // A limit of 0.01: the refund needs the owner's approval.
    app.save_agent_settings("Ana", Some("0.01")).unwrap();
    let request = refund(&order.id, &line.line_item_id, 2);
    let preview = app.preview_refund(&request).await.unwrap();
    assert!(preview.exceeds_limit);
    assert_eq!(
        preview.limit.unwrap().currency.code(),
        actions.agent.currency,
        "the limit is in the shop's currency"
    );
    assert!(preview.total.amount > rust_decimal::Decimal::ZERO);
    assert_eq!(preview.currency, actions.currency);

    let refused = app
        .submit_action(
            Some(ticket_id),
            ActionRequest::Refund(request.clone()),
            SubmitMode::Now,
            None,
        )
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("approve"), "{refused}");
    assert!(
        app.actions_for_ticket(ticket_id).unwrap().is_empty(),
        "nothing written"
    );

    let approval = OwnerApproval {
        approved_by: "Owner".into(),
        confirmed_total: preview.total.amount_string(),
    };
    let done = app
        .submit_action(
            Some(ticket_id),
            ActionRequest::Refund(request),
            SubmitMode::Now,
            Some(approval),
        )
        .await
        .unwrap();
    assert_eq!(done.state, ActionState::Succeeded, "{done:?}");
    let result = done.result.clone().unwrap();
    assert!(result.customer_message.contains(&order.name));

    // The store holds the re-read order; the ticket has the note.
    let view = app.open_ticket(ticket_id).unwrap();
    let after = view.orders.iter().find(|o| o.id == order.id).unwrap();
    assert_eq!(after.financial_status, "PARTIALLY_REFUNDED");
    assert_eq!(
        after.line_items[index].current_quantity,
        order.line_items[index].quantity - 2
    );
    let fresh = app.order_actions(&order.id).await.unwrap();
    assert_eq!(fresh.line_items[index].refunded_quantity, 2);
    // The customer's totals were re-read too: what they spent is net of the refund.
    let spent = |c: &shopdesk_app::CustomerView| {
        c.total_spent
            .amount
            .parse::<rust_decimal::Decimal>()
            .unwrap()
    };
    let customer_after = view.customer.clone().unwrap();
    assert_eq!(
        spent(&customer_after),
        spent(&customer_before) - preview.total.amount,
        "total spent after the refund"
    );
    let notes = app.ticket_notes(ticket_id).unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].author, "Ana");
    assert!(notes[0].body.contains("refunded"), "{}", notes[0].body);
    assert!(
        notes[0].body.contains("Owner"),
        "approval recorded: {}",
        notes[0].body
    );

    // Refunding more than is left is refused with a sentence, and nothing changes.
    let too_many = refund(&order.id, &line.line_item_id, 2);
    let error = app.preview_refund(&too_many).await.unwrap_err();
    assert!(
        error.to_string().contains("can still be refunded"),
        "{error}"
    );

    // A replacement: a new order, linked to the ticket.
    let replacement = app
        .submit_action(
            Some(ticket_id),
            ActionRequest::Replacement(ReplacementRequest {
                order_id: order.id.clone(),
                lines: vec![ReplacementLineRequest {
                    line_item_id: line.line_item_id.clone(),
                    variant_id: None,
                    quantity: 1,
                }],
                shipping_address: None,
                note: Some("Replacement for the broken one".into()),
            }),
            SubmitMode::Now,
            None,
        )
        .await
        .unwrap();
    assert_eq!(replacement.state, ActionState::Succeeded, "{replacement:?}");
    let new_name = replacement.result.unwrap().order_name.unwrap();
    let view = app.open_ticket(ticket_id).unwrap();
    let new_order = view
        .orders
        .iter()
        .find(|o| o.name == new_name)
        .unwrap_or_else(|| panic!("{new_name} not in the panel"));
    assert!(new_order.linked, "the replacement is linked to the ticket");
    assert_eq!(
        view.customer.as_ref().unwrap().orders_count,
        customer_before.orders_count + 1,
        "the replacement counts as one more order"
    );
    let mark = app.order_action_availability(&new_order.id).unwrap();
    assert!(
        mark.replacement_for
            .as_deref()
            .is_some_and(|note| note.contains(&order.name)),
        "{mark:?}"
    );
    assert_eq!(app.ticket_notes(ticket_id).unwrap().len(), 2);
    let listed = app.actions_for_ticket(ticket_id).unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].id, replacement.id, "newest first");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn availability_reasons_and_a_refund_queued_offline_then_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start_demo(dir.path()).await.unwrap();

    // A fulfilled order can't be cancelled; the reason says why.
    let mut fulfilled = None;
    for ticket in app.list_tickets().unwrap() {
        let view = app.open_ticket(ticket.id).unwrap();
        if let Some(o) = view
            .orders
            .into_iter()
            .find(|o| o.fulfillment_status == "FULFILLED" && o.cancelled_at.is_none())
        {
            fulfilled = Some(o);
            break;
        }
    }
    let fulfilled = fulfilled.expect("a fulfilled demo order");
    let availability = app.order_action_availability(&fulfilled.id).unwrap();
    match availability.allowed.cancel {
        Availability::Denied(reason) => assert!(reason.contains("fulfilled"), "{reason}"),
        Availability::Allowed => panic!("a fulfilled order offered Cancel"),
    }
    assert!(availability.enabled);

    // Shopify unreachable: a closed port on loopback.
    let (ticket_id, order, index) = ticket_with_three_units(&app);
    let info = app.demo_info().unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!(
        "http://{}/admin/api/2026-10/graphql.json",
        closed.local_addr().unwrap()
    );
    drop(closed);
    let offline = ShopifyClient::new(ShopifyConfig::for_graphql_url(
        dead_url,
        info.access_token.clone(),
    ))
    .unwrap();
    app.enable_order_actions(offline).unwrap();

    let view = app.order_actions(&order.id).await.unwrap();
    assert!(!view.online, "offline is reported");
    assert!(view.offline_reason.is_some());
    let line_id = view.line_items[index].line_item_id.clone();

    // Offline, the preview is estimated from the local copy of the order.
    let estimate = app
        .preview_refund(&refund(&order.id, &line_id, 1))
        .await
        .unwrap();
    assert!(estimate.estimated_from_local_copy, "{estimate:?}");
    assert!(!estimate.total.is_zero());
    assert_eq!(estimate.currency, view.currency);

    let mut request = refund(&order.id, &line_id, 1);
    // Offline there is no preview: queuing needs the total the agent saw.
    let unconfirmed = app
        .submit_action(
            Some(ticket_id),
            ActionRequest::Refund(request.clone()),
            SubmitMode::WhenOnline,
            None,
        )
        .await
        .unwrap_err();
    assert!(
        unconfirmed.to_string().contains("previewed total"),
        "{unconfirmed}"
    );
    request.confirmed_total = Some(shopdesk_money::Money::parse("1.00", &view.currency).unwrap());

    // Sending now fails with a sentence that offers the queue.
    let now = app
        .submit_action(
            Some(ticket_id),
            ActionRequest::Refund(request.clone()),
            SubmitMode::Now,
            None,
        )
        .await;
    match now {
        Ok(record) => match record.state {
            ActionState::Failed(reason) => assert!(reason.contains("Send when online"), "{reason}"),
            other => panic!("sending offline now gave {other:?}"),
        },
        Err(AppError::OrderAction(e)) => assert!(e.to_string().contains("Send when online"), "{e}"),
        Err(other) => panic!("{other}"),
    }

    // Queued with the total the agent saw, then cancelled before it leaves.
    let queued = app
        .submit_action(
            Some(ticket_id),
            ActionRequest::Refund(request),
            SubmitMode::WhenOnline,
            Some(OwnerApproval {
                approved_by: "Owner".into(),
                confirmed_total: "1.00".into(),
            }),
        )
        .await
        .unwrap();
    assert_eq!(queued.state, ActionState::Queued, "{queued:?}");

    // Reopened in its dialog and saved: two units now, for a total above the agent's limit
    // (100.00), so the owner's approval is asked again; the engine re-validates.
    let ActionRequest::Refund(mut edited) = queued.request.clone() else {
        panic!("a refund was queued");
    };
    edited.lines[0].quantity = 2;
    edited.reason = "Both arrived broken".into();
    edited.confirmed_total = Some(shopdesk_money::Money::parse("150.00", &view.currency).unwrap());
    let unapproved = app
        .edit_queued_action(queued.id, ActionRequest::Refund(edited.clone()), None)
        .unwrap_err();
    assert!(unapproved.to_string().contains("approve"), "{unapproved}");
    let mut zero = edited.clone();
    zero.lines[0].quantity = 0;
    assert!(
        app.edit_queued_action(queued.id, ActionRequest::Refund(zero), None)
            .is_err(),
        "a zero quantity is refused"
    );
    let unchanged = app.actions_for_ticket(ticket_id).unwrap();
    let unchanged = unchanged.iter().find(|a| a.id == queued.id).unwrap();
    assert_eq!(
        unchanged.request, queued.request,
        "a refused edit changes nothing"
    );
    let saved = app
        .edit_queued_action(
            queued.id,
            ActionRequest::Refund(edited.clone()),
            Some(OwnerApproval {
                approved_by: "Owner".into(),
                confirmed_total: "150.00".into(),
            }),
        )
        .unwrap();
    assert_eq!(saved.state, ActionState::Queued);
    assert_eq!(saved.request, ActionRequest::Refund(edited));
    assert_eq!(saved.expected_total.unwrap().amount_string(), "150.00");

    let cancelled = app.cancel_queued_action(queued.id).unwrap();
    assert_eq!(cancelled.state, ActionState::Cancelled);
    assert!(app.cancel_queued_action(queued.id).is_err(), "only once");

    // Back online: nothing was refunded.
    let online = ShopifyClient::new(ShopifyConfig::for_graphql_url(
        info.graphql_url,
        info.access_token,
    ))
    .unwrap();
    app.enable_order_actions(online).unwrap();
    app.run_pending_actions().await.unwrap();
    let fresh = app.order_actions(&order.id).await.unwrap();
    assert_eq!(fresh.line_items[index].refunded_quantity, 0);
    assert!(app.ticket_notes(ticket_id).unwrap().is_empty());
}

/// The replacement dialog's own query is valid against Shopify's published schema.
#[test]
fn product_variants_document_is_valid() {
    shopdesk_shopify_schema::validate(shopdesk_app::order_actions::PRODUCT_VARIANTS_DOCUMENT)
        .unwrap();
}

/// A cancellation that refunds is money moving: the amount is shown before, checked against
/// the agent's limit like a refund, and named in the ticket's note.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refunding_cancel_above_the_limit_needs_the_owners_approval() {
    use shopdesk_actions::{CancelReason, CancelRequest};
    let dir = tempfile::tempdir().unwrap();
    let app = App::start_demo(dir.path()).await.unwrap();
    let mut found = None;
    'tickets: for ticket in app.list_tickets().unwrap() {
        for order in app.open_ticket(ticket.id).unwrap().orders {
            let allowed = app.order_action_availability(&order.id).unwrap().allowed;
            if order.financial_status == "PAID" && allowed.cancel == Availability::Allowed {
                found = Some((ticket.id, order));
                break 'tickets;
            }
        }
    }
    let (ticket_id, order) = found.expect("a paid, cancellable demo order");
    app.save_agent_settings("Ana", Some("0.01")).unwrap();

    let preview = app.preview_cancel(&order.id).await.unwrap();
    assert!(preview.exceeds_limit, "{preview:?}");
    assert!(preview.refund.amount > rust_decimal::Decimal::ZERO);
    let request = ActionRequest::Cancel(CancelRequest {
        order_id: order.id.clone(),
        reason: CancelReason::Customer,
        refund: true,
        restock: true,
        notify: false,
        staff_note: None,
    });
    let refused = app
        .submit_action(Some(ticket_id), request.clone(), SubmitMode::Now, None)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("approve"), "{refused}");
    assert!(app.actions_for_ticket(ticket_id).unwrap().is_empty());

    let done = app
        .submit_action(
            Some(ticket_id),
            request,
            SubmitMode::Now,
            Some(OwnerApproval {
                approved_by: "Owner".into(),
                confirmed_total: preview.refund.amount_string(),
            }),
        )
        .await
        .unwrap();
    assert_eq!(done.state, ActionState::Succeeded, "{done:?}");
    let notes = app.ticket_notes(ticket_id).unwrap();
    let note = &notes.last().unwrap().body;
    assert!(
        note.contains(&format!("refunded {}", preview.refund)) && note.contains("Owner"),
        "{note}"
    );
    assert!(done
        .result
        .unwrap()
        .customer_message
        .contains(&preview.refund.to_string()));
    let after = app.open_ticket(ticket_id).unwrap();
    let after = after.orders.iter().find(|o| o.id == order.id).unwrap();
    assert!(after.cancelled_at.is_some());
}
