//! The demo starts like a live store in the real window: "Try the demo store" brings the inbox
//! up at once, the header shows the first copy's progress (counts, rate, time left), then
//! "Synced …", and the demo mailbox arrives. The demo shop is made bigger
//! (`SHOPDESK_DEMO_ORDERS`) so that the copy lasts long enough to be seen; every header text is
//! recorded in the page by a MutationObserver, so no step of it depends on when WebDriver looks.
//! While it imports, the search box says order and customer results may be incomplete.
//! Screenshots: test-output/e2e/demo-import-header.png, demo-import-search.png.

use serde_json::json;
use shopdesk_e2e::forms::click_and_type;
use shopdesk_e2e::harness::{
    eval, run_test_with, screenshot, text, wait_for, wait_for_tickets, RunOptions, POLL,
    READY_TIMEOUT,
};
use shopdesk_e2e::poll;
use shopdesk_e2e::webdriver::Session;

/// WebDriver's key code for Escape.
const ESCAPE: &str = "\u{E00C}";
use shopdesk_test_support::dbus::PrivateBus;

const ORDERS: &str = "40000";

/// Records every text the header's sync status shows, in order, from now on.
const RECORD_HEADER: &str = r#"
    window.__syncTexts = [];
    const seen = () => {
        const el = document.querySelector("[data-testid=sync-status] .text");
        const text = el ? el.textContent.trim() : null;
        const texts = window.__syncTexts;
        if (text && texts[texts.length - 1] !== text) texts.push(text);
    };
    new MutationObserver(seen).observe(document.body, { subtree: true, childList: true, characterData: true });
    seen();
    return true;
"#;

#[test]
#[ignore = "needs Xvfb + tauri-driver; run by scripts/test.sh"]
fn the_demo_window_shows_its_first_copy_then_last_synced() {
    // A bus of our own with no keychain on it: the demo needs none.
    let bus = PrivateBus::start();
    let options = RunOptions {
        demo: false,
        env: vec![
            ("DBUS_SESSION_BUS_ADDRESS".into(), bus.address().to_string()),
            ("SHOPDESK_DEMO_ORDERS".into(), ORDERS.into()),
        ],
    };
    run_test_with("demo-start", options, async |client, out_dir| {
        wait_for(client, "[data-testid=onboarding][data-step=welcome]").await?;
        eval(client, RECORD_HEADER).await?;
        let demo = wait_for(client, "[data-testid=onboarding-demo]").await?;
        client
            .click(&demo)
            .await
            .map_err(|e| format!("click the demo choice: {e}"))?;
        // The window has the app (and its header) before the shop is copied.
        if !wait_for_header(client, out_dir).await? {
            return Err(format!(
                "the copy of {ORDERS} orders ended before the window could search during it"
            ));
        }
        check_search_notice(client, out_dir).await?;
        wait_for_tickets(client).await?;
        poll(
            "the header's last-synced line",
            READY_TIMEOUT,
            POLL,
            || async {
                let texts = recorded(client).await.ok()?;
                texts.iter().any(|t| t.starts_with("Synced ")).then_some(())
            },
        )
        .await?;
        let texts = recorded(client).await?;
        let total = "40,000";
        let importing = texts.iter().position(|t| {
            t.starts_with("Importing orders ")
                && t.contains(&format!(" / {total} · "))
                && t.contains("/s")
        });
        let synced = texts.iter().position(|t| t.starts_with("Synced "));
        match (importing, synced) {
            (Some(i), Some(s)) if i < s => {}
            _ => {
                return Err(format!(
                    "expected the import's counts and rate, then the last sync: {texts:?}"
                ))
            }
        }
        if !texts.iter().any(|t| t.contains(" left")) {
            return Err(format!(
                "no time left was shown during the import: {texts:?}"
            ));
        }
        screenshot(client, out_dir, "demo-start-inbox.png").await
    });
}

/// Waits until the header shows the sync, and takes the screenshot while it imports; `false`
/// when the import was over before the window showed its counts.
async fn wait_for_header(client: &Session, out_dir: &std::path::Path) -> Result<bool, String> {
    poll("the header's sync status", READY_TIMEOUT, POLL, || async {
        let texts = recorded(client).await.ok()?;
        texts
            .iter()
            .any(|t| t.starts_with("Importing") || t.starts_with("Shopify is preparing"))
            .then_some(())
    })
    .await?;
    // The header and the empty inbox read together: the inbox fills only after the copy.
    let (importing, empty_inbox) = poll("the import's counts", READY_TIMEOUT, POLL, || async {
        let seen = eval(
            client,
            "return [document.querySelector('[data-testid=sync-status] .text')?.textContent ?? '', \
                     document.querySelector('[data-testid=tickets-empty]')?.textContent ?? ''];",
        )
        .await
        .ok()?;
        let text = seen[0].as_str()?.to_string();
        let done = text.starts_with("Synced");
        (text.starts_with("Importing orders") || done).then(|| {
            (
                !done,
                seen[1].as_str().unwrap_or_default().trim().to_string(),
            )
        })
    })
    .await?;
    if importing {
        if !empty_inbox.contains("demo mailbox arrives") {
            return Err(format!(
                "during the import the empty inbox says {empty_inbox:?}, not that the demo mailbox follows"
            ));
        }
        screenshot(client, out_dir, "demo-import-header.png").await?;
    }
    Ok(importing)
}

/// During the import the order and customer index is set aside: the search says so.
async fn check_search_notice(client: &Session, out_dir: &std::path::Path) -> Result<(), String> {
    click_and_type(client, "[data-testid=search-input]", "coffee").await?;
    let notice = wait_for(
        client,
        "[data-testid=search-results] [data-testid=search-notice]",
    )
    .await?;
    let said = text(client, &notice).await?;
    if !said.contains("Order and customer results may be incomplete")
        || !said.contains("Messages are searched in full")
    {
        return Err(format!("the search notice reads: {said}"));
    }
    screenshot(client, out_dir, "demo-import-search.png").await?;
    client
        .press_keys(ESCAPE)
        .await
        .map_err(|e| format!("press Escape: {e}"))
}

async fn recorded(client: &Session) -> Result<Vec<String>, String> {
    let texts = eval(client, "return window.__syncTexts ?? [];").await?;
    serde_json::from_value(texts.clone()).map_err(|e| format!("{e}: {}", json!(texts)))
}
