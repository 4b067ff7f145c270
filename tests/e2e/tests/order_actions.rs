//! Order actions in the real window (WebKitGTK under Xvfb, through tauri-driver): refund two of
//! three units with restock from a ticket, see the order card and the internal note update and
//! check the simulated Shopify; then send a replacement and see the new order linked.
//! Then open the cancel dialog and see the amount a cancel with refund gives back.
//! Screenshots: `test-output/e2e/refund-dialog.png`, `refund-done.png`, `replacement.png`,
//! `cancel-dialog.png`.

use std::path::Path;

use serde_json::json;
use shopdesk_e2e::actions::{
    click, click_order_action, line_index, order_card, store_order, ticket_with_three_units,
    wait_attr,
};
use shopdesk_e2e::harness::{
    attr, eval, invoke, open_ticket, run_test, screenshot, text, wait_for,
};
use shopdesk_e2e::harness::{POLL, STEP_TIMEOUT};
use shopdesk_e2e::poll;
use shopdesk_e2e::webdriver::Session;

/// WebDriver's Escape key.
const ESCAPE: &str = "\u{E00C}";

#[test]
#[ignore = "needs Xvfb + tauri-driver; run by scripts/test.sh"]
fn refund_and_replacement_from_a_ticket() {
    run_test("order-actions", check_actions);
}

async fn check_actions(client: &Session, out_dir: &Path) -> Result<(), String> {
    let info = invoke(client, "demo_info", json!({})).await?;
    let graphql_url = info["graphqlUrl"]
        .as_str()
        .ok_or("no graphqlUrl")?
        .to_string();
    let token = info["accessToken"]
        .as_str()
        .ok_or("no accessToken")?
        .to_string();

    let (ticket_id, order_id, order_name, item) = ticket_with_three_units(client).await?;
    eprintln!("e2e: ticket {ticket_id}, order {order_name}, item {item:?}");
    open_ticket(client, ticket_id).await?;
    order_card(client, &order_id).await?;

    // Esc closes a dialog without doing anything.
    click_order_action(client, &order_id, "edit").await?;
    wait_for(client, "[data-testid=edit-dialog]").await?;
    client
        .press_keys(ESCAPE)
        .await
        .map_err(|e| format!("Esc: {e}"))?;
    poll("the edit dialog to close", STEP_TIMEOUT, POLL, || async {
        client
            .find("[data-testid=edit-dialog]")
            .await
            .ok()
            .and_then(|found| found.is_none().then_some(()))
    })
    .await?;

    // Refund two of the three units, restocked.
    click_order_action(client, &order_id, "refund").await?;
    wait_for(client, "[data-testid=refund-dialog]").await?;
    let index = line_index(client, "refund-line", &item).await?;
    for _ in 0..2 {
        click(client, &format!("[data-testid=refund-plus-{index}]")).await?;
    }
    let restock = wait_for(client, "[data-testid=refund-restock]").await?;
    if client
        .attr(&restock, "checked")
        .await
        .ok()
        .flatten()
        .is_none()
    {
        return Err("restock should be on by default".into());
    }
    click(client, "[data-testid=refund-reason]").await?;
    client
        .press_keys("Damaged in transit")
        .await
        .map_err(|e| format!("type the reason: {e}"))?;
    let total = wait_for(client, "[data-testid=refund-total]").await?;
    let amount = attr(client, &total, "data-amount").await?;
    let total_text = text(client, &total).await?;
    eprintln!("e2e: Shopify suggests {total_text}");
    if client
        .find("[data-testid=refund-approval]")
        .await
        .ok()
        .flatten()
        .is_some()
    {
        // Above the demo agent's limit: the owner's second step.
        click(client, "[data-testid=refund-owner-name]").await?;
        client
            .press_keys("Owner")
            .await
            .map_err(|e| e.to_string())?;
        click(client, "[data-testid=refund-owner-total]").await?;
        client
            .press_keys(&amount)
            .await
            .map_err(|e| e.to_string())?;
    }
    // "Send when online" says on hover what happens to a queued refund.
    let help = wait_for(client, "[data-testid=refund-when-online-help]").await?;
    let help_text = attr(client, &help, "title").await?;
    if !help_text.contains("checks it again") || !help_text.contains("held") {
        return Err(format!("the Send-when-online tooltip reads {help_text:?}"));
    }
    screenshot(client, out_dir, "refund-dialog.png").await?;
    click(client, "[data-testid=refund-confirm]").await?;
    wait_attr(
        client,
        "[data-testid=action-done]",
        "data-state",
        "succeeded",
    )
    .await?;
    click(client, "[data-testid=refund-close-done]").await?;

    // The card shows the re-read order; the conversation shows the internal note.
    wait_attr(
        client,
        &format!("[data-testid=order-card][data-order-id=\"{order_id}\"] [data-testid=order-financial-status]"),
        "data-status",
        "PARTIALLY_REFUNDED",
    )
    .await?;
    let note = wait_for(client, "[data-testid=ticket-note-body]").await?;
    let note_text = text(client, &note).await?;
    if !note_text.contains("refunded") || !note_text.contains(&order_name) {
        return Err(format!("internal note reads {note_text:?}"));
    }
    click(client, "[data-testid=insert-suggested-reply]").await?;
    let typed = eval(
        client,
        "return document.querySelector('[data-testid=reply-body]').value;",
    )
    .await?
    .as_str()
    .unwrap_or_default()
    .to_string();
    if !typed.contains(&order_name) {
        return Err(format!("the suggested reply reads {typed:?}"));
    }
    let (status, lines) = store_order(&graphql_url, &token, &order_id).await?;
    let line = lines
        .iter()
        .find(|(name, _, _)| name == &item)
        .ok_or("the refunded line is not in Shopify")?;
    if status != "PARTIALLY_REFUNDED" || line.2 != line.1 - 2 {
        return Err(format!(
            "Shopify holds {status}, {line:?} after refunding 2"
        ));
    }
    eval(
        client,
        "document.querySelector('[data-testid=ticket-note]').scrollIntoView({ block: 'center' });",
    )
    .await?;
    screenshot(client, out_dir, "refund-done.png").await?;
    eprintln!(
        "e2e: refunded 2 of {} ({status}), note {note_text:?}",
        line.1
    );

    // A replacement of one unit: the new order appears in the panel, linked to the ticket.
    click_order_action(client, &order_id, "replacement").await?;
    wait_for(client, "[data-testid=replacement-dialog]").await?;
    let index = line_index(client, "replacement-line", &item).await?;
    click(client, &format!("[data-testid=replacement-plus-{index}]")).await?;
    click(client, "[data-testid=replacement-confirm]").await?;
    wait_attr(
        client,
        "[data-testid=action-done]",
        "data-state",
        "succeeded",
    )
    .await?;
    let new_name = text(
        client,
        &wait_for(client, "[data-testid=action-new-order]").await?,
    )
    .await?;
    click(client, "[data-testid=replacement-close-done]").await?;
    wait_attr(
        client,
        &format!("[data-testid=order-card][data-order-name=\"{new_name}\"]"),
        "data-linked",
        "true",
    )
    .await?;
    let mark = wait_for(
        client,
        &format!("[data-testid=order-card][data-order-name=\"{new_name}\"] [data-testid=order-replacement-for]"),
    )
    .await?;
    let mark_text = text(client, &mark).await?;
    if !mark_text.contains(&order_name) {
        return Err(format!(
            "{new_name} reads {mark_text:?}, not a replacement for {order_name}"
        ));
    }
    wait_attr(
        client,
        "[data-testid=queued-action]",
        "data-kind",
        "replacement",
    )
    .await?;
    screenshot(client, out_dir, "replacement.png").await?;
    eprintln!("e2e: replacement {new_name} linked to ticket {ticket_id}");

    // Cancelling a paid, unfulfilled order with a refund shows the amount it gives back
    // before anything is done (and the owner's step when it is above the agent's limit).
    let (cancel_ticket, cancel_id, cancel_name) = paid_unfulfilled_order(client).await?;
    open_ticket(client, cancel_ticket).await?;
    order_card(client, &cancel_id).await?;
    click_order_action(client, &cancel_id, "cancel").await?;
    wait_for(client, "[data-testid=cancel-dialog]").await?;
    let amount = wait_for(
        client,
        "[data-testid=cancel-refund-amount] strong[data-amount]",
    )
    .await?;
    let amount_text = text(client, &amount).await?;
    let whole = text(
        client,
        &wait_for(client, "[data-testid=cancel-refund-amount]").await?,
    )
    .await?;
    if !whole.contains(&cancel_name) || !amount_text.contains("EUR") {
        return Err(format!("the cancel dialog reads {whole:?}"));
    }
    eprintln!("e2e: cancelling {cancel_name} would refund {amount_text}");
    screenshot(client, out_dir, "cancel-dialog.png").await?;
    client
        .press_keys(ESCAPE)
        .await
        .map_err(|e| format!("Esc: {e}"))?;
    Ok(())
}

/// A demo ticket with a paid, unfulfilled, uncancelled order: (ticket, order id, name).
async fn paid_unfulfilled_order(client: &Session) -> Result<(i64, String, String), String> {
    let tickets = invoke(client, "list_tickets", json!({})).await?;
    for ticket in tickets
        .as_array()
        .ok_or("list_tickets did not return a list")?
    {
        let id = ticket["id"].as_i64().ok_or("ticket without id")?;
        let view = invoke(client, "open_ticket", json!({ "ticketId": id })).await?;
        for order in view["orders"].as_array().into_iter().flatten() {
            if order["financialStatus"] == "PAID"
                && order["fulfillmentStatus"] == "UNFULFILLED"
                && order["cancelledAt"].is_null()
                && order["total"]["amount"] != "0.00"
            {
                return Ok((
                    id,
                    order["id"].as_str().unwrap_or_default().to_string(),
                    order["name"].as_str().unwrap_or_default().to_string(),
                ));
            }
        }
    }
    Err("no demo ticket has a paid, unfulfilled order".into())
}
