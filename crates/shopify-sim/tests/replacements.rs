//! Replacement orders through draftOrderCreate/draftOrderComplete, stock, and mutation faults.

mod common;
mod mutations_common;

use common::*;
use mutations_common::*;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use shopdesk_shopify_sim::{gid, Fault, Simulator};

const VARIANTS: &str = r#"
query Variants($id: ID!) {
  product(id: $id) {
    variants(first: 20) { nodes { id title availableForSale inventoryQuantity inventoryPolicy
      inventoryItem { inventoryLevels(first: 5) { nodes { location { name } quantities(names: ["available"]) { name quantity } } } } } }
  }
}"#;

const CREATE: &str = r#"
mutation Create($input: DraftOrderInput!) {
  draftOrderCreate(input: $input) {
    draftOrder { id name status ready tags note2 totalPriceSet { shopMoney { amount currencyCode } } order { id } customer { id } }
    userErrors { field message }
  }
}"#;

const COMPLETE: &str = r#"
mutation Complete($id: ID!) {
  draftOrderComplete(id: $id, paymentPending: false) {
    draftOrder { id status order { id name sourceName tags note displayFinancialStatus totalPriceSet { shopMoney { amount } } customer { id } } }
    userErrors { field message }
  }
}"#;

const FIND: &str = r#"
query Find($q: String!) {
  draftOrders(first: 10, query: $q) { nodes { id status order { id } } }
  orders(first: 10, query: $q) { nodes { id } }
}"#;

struct Pick {
    customer: String,
    product: String,
    /// A variant with stock, and one sold out, of the same product.
    in_stock: (String, u64),
    sold_out: Option<String>,
}

fn pick(sim: &Simulator) -> Pick {
    let state = sim.state();
    let state = state.read().unwrap();
    let (index, product) = state
        .products
        .iter()
        .enumerate()
        .find(|(_, p)| {
            p.variants.len() > 1
                && p.variants
                    .iter()
                    .any(|v| state.ops.available(v.legacy_id) == 0)
                && p.variants
                    .iter()
                    .any(|v| state.ops.available(v.legacy_id) > 2)
        })
        .expect("a product with a sold-out variant");
    let _ = index;
    let stocked = product
        .variants
        .iter()
        .find(|v| state.ops.available(v.legacy_id) > 2)
        .unwrap();
    Pick {
        customer: gid("Customer", state.customers[0].legacy_id),
        product: gid("Product", product.legacy_id),
        in_stock: (gid("ProductVariant", stocked.legacy_id), stocked.legacy_id),
        sold_out: product
            .variants
            .iter()
            .find(|v| state.ops.available(v.legacy_id) == 0)
            .map(|v| gid("ProductVariant", v.legacy_id)),
    }
}

fn draft_input(p: &Pick, variant: &str, tag: &str) -> Value {
    json!({
        "purchasingEntity": { "customerId": p.customer },
        "lineItems": [{ "variantId": variant, "quantity": 2,
            "appliedDiscount": { "valueType": "PERCENTAGE", "value": 100.0, "title": "Replacement" } }],
        "shippingLine": { "title": "Free", "price": "0.00" },
        "note": "Replacement for #1001 / ticket 42",
        "tags": ["replacement", tag],
    })
}

#[tokio::test]
async fn a_free_replacement_is_drafted_completed_and_found_by_tag() {
    let sim = demo().await;
    let p = pick(&sim);
    let variants = data(&sim, VARIANTS, json!({ "id": p.product })).await;
    let nodes = variants["product"]["variants"]["nodes"].as_array().unwrap();
    assert!(nodes
        .iter()
        .any(|v| v["availableForSale"] == false && v["inventoryQuantity"] == 0));
    let levels = &nodes[0]["inventoryItem"]["inventoryLevels"]["nodes"];
    assert_eq!(levels[0]["location"]["name"], "Roastery");
    assert_eq!(levels[0]["quantities"][0]["name"], "available");

    let stock_before: i64 = sim
        .state()
        .read()
        .unwrap()
        .stock_of(p.in_stock.1)
        .iter()
        .sum();
    let created = data(
        &sim,
        CREATE,
        json!({ "input": draft_input(&p, &p.in_stock.0, "sd-key-1") }),
    )
    .await;
    let draft = &created["draftOrderCreate"]["draftOrder"];
    assert!(
        created["draftOrderCreate"]["userErrors"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{created}"
    );
    assert_eq!(draft["status"], "OPEN");
    assert_eq!(draft["ready"], true);
    assert_eq!(
        amount(&draft["totalPriceSet"]["shopMoney"]["amount"]),
        Decimal::ZERO
    );
    assert_eq!(draft["tags"], json!(["replacement", "sd-key-1"]));
    assert!(draft["order"].is_null());

    let found = data(&sim, FIND, json!({ "q": "tag:sd-key-1" })).await;
    assert_eq!(found["draftOrders"]["nodes"][0]["id"], draft["id"]);
    assert!(found["orders"]["nodes"].as_array().unwrap().is_empty());

    let completed =
        data(&sim, COMPLETE, json!({ "id": draft["id"] })).await["draftOrderComplete"].clone();
    assert!(
        completed["userErrors"].as_array().unwrap().is_empty(),
        "{completed}"
    );
    assert_eq!(completed["draftOrder"]["status"], "COMPLETED");
    let order = &completed["draftOrder"]["order"];
    assert_eq!(order["sourceName"], "shopify_draft_order");
    assert_eq!(order["displayFinancialStatus"], "PAID");
    assert_eq!(order["tags"], json!(["replacement", "sd-key-1"]));
    assert_eq!(order["note"], "Replacement for #1001 / ticket 42");
    assert_eq!(
        amount(&order["totalPriceSet"]["shopMoney"]["amount"]),
        Decimal::ZERO
    );
    assert_eq!(order["customer"]["id"], p.customer.as_str());
    let stock_after: i64 = sim
        .state()
        .read()
        .unwrap()
        .stock_of(p.in_stock.1)
        .iter()
        .sum();
    assert_eq!(stock_after, stock_before - 2);

    let found = data(&sim, FIND, json!({ "q": "tag:sd-key-1" })).await;
    assert_eq!(found["orders"]["nodes"][0]["id"], order["id"]);
    assert_eq!(found["draftOrders"]["nodes"][0]["order"]["id"], order["id"]);
    let customer_orders = data(
        &sim,
        "query C($id: ID!) { customer(id: $id) { orders(first: 250) { nodes { id } } } }",
        json!({ "id": p.customer }),
    )
    .await;
    assert!(customer_orders["customer"]["orders"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["id"] == order["id"]));

    // Completing twice is an error; nothing new is created.
    let again =
        data(&sim, COMPLETE, json!({ "id": draft["id"] })).await["draftOrderComplete"].clone();
    assert_eq!(
        again["userErrors"][0]["message"],
        "This order has already been paid."
    );
    assert_eq!(
        sim.state().read().unwrap().orders_tagged("sd-key-1").len(),
        1
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn drafts_are_not_idempotent_and_check_variants_and_stock() {
    let sim = demo().await;
    let p = pick(&sim);
    for _ in 0..2 {
        let created = data(
            &sim,
            CREATE,
            json!({ "input": draft_input(&p, &p.in_stock.0, "sd-dup") }),
        )
        .await;
        assert!(created["draftOrderCreate"]["userErrors"]
            .as_array()
            .unwrap()
            .is_empty());
    }
    assert_eq!(
        sim.state()
            .read()
            .unwrap()
            .draft_orders_tagged("sd-dup")
            .len(),
        2
    );

    // An email alone links the customer who has it.
    let email = {
        let state = sim.state();
        let state = state.read().unwrap();
        state
            .customers
            .iter()
            .find_map(|c| c.email.clone())
            .unwrap()
    };
    let mut by_email = draft_input(&p, &p.in_stock.0, "sd-email");
    by_email.as_object_mut().unwrap().remove("purchasingEntity");
    by_email["email"] = json!(email);
    let created = data(&sim, CREATE, json!({ "input": by_email })).await;
    let customer = &created["draftOrderCreate"]["draftOrder"]["customer"]["id"];
    assert!(customer.is_string(), "{created}");

    let unknown = data(
        &sim,
        CREATE,
        json!({ "input": draft_input(&p, "gid://shopify/ProductVariant/1", "sd-bad") }),
    )
    .await;
    assert_eq!(
        unknown["draftOrderCreate"]["userErrors"][0]["field"],
        json!(["lineItems", "0", "variantId"])
    );
    assert!(unknown["draftOrderCreate"]["draftOrder"].is_null());

    let sold_out = p.sold_out.clone().unwrap();
    let created = data(
        &sim,
        CREATE,
        json!({ "input": draft_input(&p, &sold_out, "sd-none") }),
    )
    .await;
    let id = created["draftOrderCreate"]["draftOrder"]["id"].clone();
    let refused = data(&sim, COMPLETE, json!({ "id": id })).await["draftOrderComplete"].clone();
    assert_eq!(
        refused["userErrors"][0]["field"],
        json!(["lineItems", "0", "quantity"]),
        "{refused}"
    );
    assert!(sim
        .state()
        .read()
        .unwrap()
        .orders_tagged("sd-none")
        .is_empty());
    sim.shutdown().await;
}

#[tokio::test]
async fn a_lost_response_after_commit_has_still_refunded_and_a_replay_does_not_repeat_it() {
    let sim = demo().await;
    let order = find_order(&sim, fresh_paid);
    let s = suggest(&sim, &order, json!({ "full": true })).await;
    let input = input_from(&order, &s, None);

    // A query does not consume the armed mutation fault.
    sim.faults().push_mutation(Fault::ResponseLostAfterCommit);
    let _ = suggest(&sim, &order, json!({ "full": true })).await;
    let lost = reqwest::Client::new()
        .post(sim.graphql_url())
        .header("X-Shopify-Access-Token", sim.access_token())
        .json(&json!({ "query": REFUND, "variables": { "input": input, "key": "lost-1" } }))
        .send()
        .await;
    assert!(lost.is_err(), "the answer is lost");
    assert_eq!(
        sim.state().read().unwrap().refunds_of_gid(&order).len(),
        1,
        "but it ran"
    );

    let replay = refund(&sim, input.clone(), "lost-1").await;
    assert!(
        replay["data"]["refundCreate"]["refund"]["id"].is_string(),
        "{replay}"
    );
    assert_eq!(sim.state().read().unwrap().refunds_of_gid(&order).len(), 1);

    // A 503 before the mutation runs changes nothing; the second mutation from now is hit.
    sim.faults().arm_mutation(2, Fault::ServerError(503));
    let other = find_order(&sim, |s, o| {
        fresh_paid(s, o) && gid("Order", o.legacy_id) != order
    });
    let s = suggest(&sim, &other, json!({ "full": true })).await;
    let first = refund(&sim, input_from(&other, &s, None), "k-a").await;
    assert!(user_errors(&first).is_empty());
    let (status, _) = {
        let response = reqwest::Client::new()
            .post(sim.graphql_url())
            .header("X-Shopify-Access-Token", sim.access_token())
            .json(&json!({ "query": REFUND, "variables": { "input": input, "key": "k-b" } }))
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), ())
    };
    assert_eq!(status, 503);
    assert_eq!(sim.state().read().unwrap().refunds_of_gid(&order).len(), 1);

    // Random faults hit mutations only: with probability 1 every mutation is refused and
    // queries pass.
    sim.faults().clear();
    sim.faults()
        .set_random_mutations(7, 1.0, vec![Fault::ServerError(500)]);
    let _ = suggest(&sim, &order, json!({ "full": true })).await;
    let response = reqwest::Client::new()
        .post(sim.graphql_url())
        .header("X-Shopify-Access-Token", sim.access_token())
        .json(&json!({ "query": REFUND, "variables": { "input": input, "key": "k-c" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 500);
    sim.faults().clear();
    sim.shutdown().await;
}
