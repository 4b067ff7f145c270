//! Steps through the window's forms as a user would: clicks, typing, onboarding's store and
//! mailbox steps (against the Shopify simulator, Dovecot and the SMTP sink) and "Import mail…".

use std::time::Duration;

use serde_json::{json, Value};

use crate::harness::{eval, wait_for, POLL, STEP_TIMEOUT};
use crate::poll;
use crate::webdriver::Session;

/// Clicks the element matching `css` once it is there and not disabled.
pub async fn click(client: &Session, css: &str) -> Result<(), String> {
    let element = wait_for(client, css).await?;
    // A button may be disabled for a moment (a check in flight): wait until it is not.
    poll(&format!("{css} enabled"), STEP_TIMEOUT, POLL, || async {
        let disabled = eval(
            client,
            &format!(
                "return document.querySelector({}).disabled === true;",
                json!(css)
            ),
        )
        .await
        .ok()?;
        (disabled == Value::Bool(false)).then_some(())
    })
    .await?;
    client
        .click(&element)
        .await
        .map_err(|e| format!("click {css}: {e}"))
}

/// Types into an input as the user would, as far as Svelte can tell (an `input` event).
pub async fn fill(client: &Session, css: &str, value: &str) -> Result<(), String> {
    set_value(client, css, value, "el.focus(); ", "input").await
}

/// Picks `value` in a select (a `change` event).
pub async fn choose(client: &Session, css: &str, value: &str) -> Result<(), String> {
    set_value(client, css, value, "", "change").await
}

/// Sets the value of the field matching `css` (waited for) after `before` (a script), then
/// fires `event` as the browser would.
async fn set_value(
    client: &Session,
    css: &str,
    value: &str,
    before: &str,
    event: &str,
) -> Result<(), String> {
    wait_for(client, css).await?;
    let script = format!(
        "const el = document.querySelector({}); {before}el.value = {}; el.dispatchEvent(new Event('{event}', {{ bubbles: true }}));",
        json!(css),
        json!(value)
    );
    eval(client, &script).await.map(drop)
}

/// Waits (up to a minute) until the page's text contains `needle`.
pub async fn wait_for_text(client: &Session, needle: &str) -> Result<(), String> {
    poll(needle, Duration::from_secs(60), POLL, || async {
        let page = eval(client, "return document.body.innerText;").await.ok()?;
        page.as_str()?.contains(needle).then_some(())
    })
    .await
}

/// The store step: the shop's handle and access token, checked, then saved.
pub async fn check_and_save_shop(
    client: &Session,
    handle: &str,
    token: &str,
) -> Result<(), String> {
    fill(client, "[data-testid=shop-domain]", handle).await?;
    fill(client, "[data-testid=shop-token]", token).await?;
    click(client, "[data-testid=shop-check]").await?;
    wait_for(client, "[data-testid=shop-check-result]").await?;
    click(client, "[data-testid=shop-save]").await
}

/// The mailbox step up to its sign-in: `address` looked up, then IMAP and SMTP on 127.0.0.1 at
/// these ports without TLS (the test's Dovecot and SMTP sink).
pub async fn fill_local_mailbox(
    client: &Session,
    address: &str,
    imap_port: u16,
    smtp_port: u16,
) -> Result<(), String> {
    fill(client, "[data-testid=mail-address]", address).await?;
    click(client, "[data-testid=mail-find]").await?;
    wait_for(client, "[data-testid=mail-form]").await?;
    fill(client, "[data-testid=mail-imap-host]", "127.0.0.1").await?;
    fill(
        client,
        "[data-testid=mail-imap-port]",
        &imap_port.to_string(),
    )
    .await?;
    choose(client, "[data-testid=mail-imap-security]", "plain").await?;
    fill(client, "[data-testid=mail-smtp-host]", "127.0.0.1").await?;
    fill(
        client,
        "[data-testid=mail-smtp-port]",
        &smtp_port.to_string(),
    )
    .await?;
    choose(client, "[data-testid=mail-smtp-security]", "plain").await
}

/// Clicks the element matching `css` (waited for), then types `keys` into it.
pub async fn click_and_type(client: &Session, css: &str, keys: &str) -> Result<(), String> {
    let field = wait_for(client, css).await?;
    client
        .click(&field)
        .await
        .map_err(|e| format!("click {css}: {e}"))?;
    client
        .press_keys(keys)
        .await
        .map_err(|e| format!("type into {css}: {e}"))
}

/// "Import mail…" with the mbox's path typed in, until it says it imported; that line.
pub async fn import_mbox(client: &Session, path: &str) -> Result<String, String> {
    click(client, "[data-testid=import-mail-open]").await?;
    click_and_type(client, "[data-testid=import-path]", path).await?;
    click(client, "[data-testid=import-start]").await?;
    poll("the import's result", STEP_TIMEOUT, POLL, || async {
        let element = client.find("[data-testid=import-progress]").await.ok()??;
        let line = client.text(&element).await.ok()?;
        line.starts_with("Imported").then_some(line)
    })
    .await
}
