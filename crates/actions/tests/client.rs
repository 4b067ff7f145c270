//! The client's side of exactly-once, against the simulator: a mutation whose answer is lost
//! comes back as `Unknown` and is not retried by the client; the same key again returns the
//! first refund instead of a second one; a 429 is retried (Shopify did not run it).

mod common;

use std::time::Duration;

use common::*;
use shopdesk_shopify::actions::{
    MutationError, RefundLinePlan, RefundPlan, ShippingChoice, TransactionPlan,
};
use shopdesk_shopify_sim::Fault;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_is_unknown_and_the_same_key_returns_the_first_refund() {
    let sim = start_sim(81, 60).await;
    let client = client(&sim);
    let order_id = pick_order(&sim, 1, true, 0);
    let line = lines_of(&sim, &order_id)[0].0.clone();
    let lines = vec![RefundLinePlan {
        line_item_id: line,
        quantity: 1,
        restock_type: "NO_RESTOCK".into(),
        location_id: None,
    }];
    let suggestion = client
        .suggested_refund(&order_id, &lines, &ShippingChoice::None)
        .await
        .unwrap()
        .unwrap();
    let plan = RefundPlan {
        order_id: order_id.clone(),
        currency: suggestion.total.currency.code().into(),
        note: Some("test [shopdesk k-1]".into()),
        notify: false,
        refund_line_items: lines,
        shipping: None,
        transactions: suggestion
            .transactions
            .iter()
            .map(|t| TransactionPlan {
                order_id: order_id.clone(),
                amount: t.amount.amount_string(),
                gateway: t.gateway.clone().unwrap_or_default(),
                kind: "REFUND".into(),
                parent_id: t.parent_id.clone(),
            })
            .collect(),
    };

    sim.faults().push_mutation(Fault::ResponseLostAfterCommit);
    let lost = client.refund_create(&plan, "k-1").await.unwrap_err();
    assert!(matches!(lost, MutationError::Unknown(_)), "{lost:?}");
    assert_eq!(
        sim.state().read().unwrap().refunds_of_gid(&order_id).len(),
        1,
        "ran once, not retried"
    );

    sim.faults().push_mutation(Fault::TooManyRequests {
        retry_after: Duration::from_millis(5),
    });
    let again = client.refund_create(&plan, "k-1").await.unwrap();
    assert_eq!(
        sim.state().read().unwrap().refunds_of_gid(&order_id).len(),
        1,
        "no second refund"
    );
    assert_eq!(again.total, suggestion.total);

    sim.faults().push_mutation(Fault::ServerError(503));
    assert!(matches!(
        client.refund_create(&plan, "k-1").await.unwrap_err(),
        MutationError::Unknown(_)
    ));
    sim.shutdown().await;
}
