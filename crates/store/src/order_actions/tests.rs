use shopdesk_money::Money;

use super::*;
use crate::{NewMessage, NewTicket, TicketTarget};

fn ticket(store: &mut Store) -> i64 {
    let message = NewMessage {
        message_id: Some("a@shop.test".into()),
        sent_at: "2026-11-28T12:00:00Z".into(),
        raw: b"Subject: refund\r\n\r\nplease\r\n".to_vec(),
        source: "test".into(),
        ..NewMessage::default()
    };
    store
        .ingest_message(
            &message,
            &TicketTarget::New(NewTicket {
                token: "T-1".into(),
                subject: "refund".into(),
                customer_id: None,
                customer_email: "c@shop.test".into(),
                customer_name: None,
            }),
            &[],
        )
        .unwrap()
        .ticket_id
        .unwrap()
}

fn new_action(key: &str, ticket_id: Option<i64>) -> NewOrderAction {
    NewOrderAction {
        key: key.into(),
        kind: "refund".into(),
        ticket_id,
        order_id: "gid://shopify/Order/1".into(),
        agent: "Ana".into(),
        mode: "now".into(),
        request: "{}".into(),
        expected_amount: Some(Money::parse("24.90", "EUR").unwrap()),
        approved_by: None,
    }
}

#[test]
fn an_action_goes_from_queued_to_succeeded_with_its_note_in_one_step() {
    let mut store = Store::open_in_memory().unwrap();
    let ticket_id = ticket(&mut store);
    let row = store
        .insert_order_action(&new_action("k1", Some(ticket_id)))
        .unwrap();
    assert_eq!(row.state, OrderActionState::Queued);
    assert_eq!(row.expected_amount.unwrap().amount_string(), "24.90");

    let again = store
        .insert_order_action(&new_action("k1", Some(ticket_id)))
        .unwrap();
    assert_eq!(again.id, row.id, "the same key writes nothing new");

    let claimed = store.claim_order_action(row.id, "{\"plan\":1}").unwrap();
    let claimed = claimed.unwrap();
    assert_eq!(claimed.state, OrderActionState::Sending);
    assert_eq!(claimed.attempts, 1);
    assert!(store.claim_order_action(row.id, "{}").unwrap().is_none());

    assert!(store.mark_order_action_unknown(row.id, "timeout").unwrap());
    let reclaimed = store.claim_order_action(row.id, "{\"plan\":2}").unwrap();
    assert_eq!(
        reclaimed.unwrap().plan.as_deref(),
        Some("{\"plan\":1}"),
        "a resend keeps the first plan"
    );
    let note = ActionNote {
        ticket_id,
        author: "Ana",
        body: "Ana refunded 24.90 EUR",
    };
    assert!(store
        .succeed_order_action(row.id, "{}", Some(note.clone()))
        .unwrap());
    assert!(!store
        .succeed_order_action(row.id, "{}", Some(note))
        .unwrap());
    let notes = store.ticket_notes(ticket_id).unwrap();
    assert_eq!(notes.len(), 1, "a second confirmation adds no second note");
    assert_eq!(notes[0].action_id, Some(row.id));
    assert_eq!(
        store.order_action(row.id).unwrap().state,
        OrderActionState::Succeeded
    );
}

#[test]
fn only_queued_actions_can_be_edited_or_cancelled() {
    let mut store = Store::open_in_memory().unwrap();
    let row = store.insert_order_action(&new_action("k2", None)).unwrap();
    assert!(store
        .update_queued_order_action(row.id, "{\"x\":1}", None, Some("Owner"))
        .unwrap());
    let edited = store.order_action(row.id).unwrap();
    assert_eq!(edited.request, "{\"x\":1}");
    assert_eq!(edited.expected_amount, None);
    store.claim_order_action(row.id, "{}").unwrap().unwrap();
    assert!(!store.cancel_order_action(row.id).unwrap());
    assert!(!store
        .update_queued_order_action(row.id, "{}", None, None)
        .unwrap());
    assert!(store.release_order_action(row.id, "offline").unwrap());
    assert!(store.cancel_order_action(row.id).unwrap());
    assert!(!store.hold_order_action(row.id, "changed").unwrap());
    assert_eq!(
        store
            .order_actions_in_state(OrderActionState::Cancelled)
            .unwrap()
            .len(),
        1
    );
}
