//! Helpers of the order-action end-to-end test: the ticket to use, clicks inside one order
//! card or dialog, and what the simulated Shopify holds for an order.

use serde_json::{json, Value};

use crate::harness::{attr, invoke, text, wait_for, POLL, STEP_TIMEOUT};
use crate::poll;
use crate::webdriver::{Element, Session};

/// A ticket whose customer has a paid, uncancelled order with a line of at least three units
/// nothing was refunded from: (ticket id, order id, order name, line item name).
pub async fn ticket_with_three_units(
    client: &Session,
) -> Result<(i64, String, String, String), String> {
    let tickets = invoke(client, "list_tickets", json!({})).await?;
    for ticket in tickets
        .as_array()
        .ok_or("list_tickets did not return a list")?
    {
        let id = ticket["id"].as_i64().ok_or("ticket without id")?;
        let view = invoke(client, "open_ticket", json!({ "ticketId": id })).await?;
        for order in view["orders"].as_array().into_iter().flatten() {
            if order["financialStatus"] != "PAID" || !order["cancelledAt"].is_null() {
                continue;
            }
            let line = order["lineItems"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|i| {
                    i["quantity"].as_i64().unwrap_or(0) >= 3
                        && i["currentQuantity"] == i["quantity"]
                });
            if let Some(line) = line {
                return Ok((
                    id,
                    order["id"].as_str().unwrap_or_default().to_string(),
                    order["name"].as_str().unwrap_or_default().to_string(),
                    line["name"].as_str().unwrap_or_default().to_string(),
                ));
            }
        }
    }
    Err("no demo ticket has a paid order with a line of three units".into())
}

/// The order card of `order_id` in the customer panel.
pub async fn order_card(client: &Session, order_id: &str) -> Result<Element, String> {
    wait_for(
        client,
        &format!(
            "[data-testid=customer-panel] [data-testid=order-card][data-order-id=\"{order_id}\"]"
        ),
    )
    .await
}

/// Clicks an order card's action button once it is enabled.
pub async fn click_order_action(
    client: &Session,
    order_id: &str,
    kind: &str,
) -> Result<(), String> {
    let css = format!(
        "[data-testid=order-card][data-order-id=\"{order_id}\"] [data-testid=order-action-{kind}]"
    );
    let button = poll(
        &format!("{kind} button enabled"),
        STEP_TIMEOUT,
        POLL,
        || async {
            let button = client.find(&css).await.ok()??;
            let disabled = client.attr(&button, "disabled").await.ok()?;
            disabled.is_none().then_some(button)
        },
    )
    .await?;
    client
        .click(&button)
        .await
        .map_err(|e| format!("click {kind}: {e}"))
}

/// Clicks the first element matching `css` (waited for).
pub async fn click(client: &Session, css: &str) -> Result<(), String> {
    let element = wait_for(client, css).await?;
    client
        .click(&element)
        .await
        .map_err(|e| format!("click {css}: {e}"))
}

/// The index of the dialog line (`[data-testid=<testid>]`) whose text names `item`.
pub async fn line_index(client: &Session, testid: &str, item: &str) -> Result<usize, String> {
    wait_for(client, &format!("[data-testid={testid}]")).await?;
    let lines = client
        .find_all(&format!("[data-testid={testid}]"))
        .await
        .map_err(|e| format!("{testid}: {e}"))?;
    for (i, line) in lines.iter().enumerate() {
        if text(client, line).await?.contains(item) {
            return Ok(i);
        }
    }
    Err(format!("no {testid} names {item:?}"))
}

/// Waits until an element matching `css` has `attribute` = `want`.
pub async fn wait_attr(
    client: &Session,
    css: &str,
    attribute: &str,
    want: &str,
) -> Result<Element, String> {
    poll(
        &format!("{css} with {attribute}={want}"),
        STEP_TIMEOUT,
        POLL,
        || async {
            for element in client.find_all(css).await.ok()? {
                if attr(client, &element, attribute).await.ok()? == want {
                    return Some(element);
                }
            }
            None
        },
    )
    .await
}

/// The order as the simulated Shopify holds it: financial status and each line's quantity and
/// refundable quantity, by name.
pub async fn store_order(
    graphql_url: &str,
    token: &str,
    order_id: &str,
) -> Result<(String, Vec<(String, i64, i64)>), String> {
    let query = r#"
        query OrderAfterAction($id: ID!) {
          order(id: $id) {
            displayFinancialStatus
            lineItems(first: 50) { nodes { name quantity refundableQuantity } }
          }
        }
    "#;
    let http = reqwest::Client::builder()
        .timeout(STEP_TIMEOUT)
        .build()
        .map_err(|e| format!("http client: {e}"))?;
    let answer: Value = http
        .post(graphql_url)
        .header("X-Shopify-Access-Token", token)
        .json(&json!({ "query": query, "variables": { "id": order_id } }))
        .send()
        .await
        .map_err(|e| format!("simulator request: {e}"))?
        .json()
        .await
        .map_err(|e| format!("simulator JSON: {e}"))?;
    if answer.get("errors").is_some() {
        return Err(format!("simulator errors: {}", answer["errors"]));
    }
    let order = &answer["data"]["order"];
    let lines = order["lineItems"]["nodes"]
        .as_array()
        .ok_or_else(|| format!("no order {order_id}: {answer}"))?
        .iter()
        .map(|l| {
            (
                l["name"].as_str().unwrap_or_default().to_string(),
                l["quantity"].as_i64().unwrap_or(-1),
                l["refundableQuantity"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    Ok((
        order["displayFinancialStatus"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        lines,
    ))
}
