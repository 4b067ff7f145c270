//! Drives the real window (demo mode) through the mail features:
//!
//! - the demo's hostile HTML mail (a script, an onerror handler, remote images) is shown in an
//!   `<iframe sandbox="">` whose document the page can't reach, with the mail CSP, and nothing of
//!   the mail runs or calls the IPC;
//! - a reply typed in the conversation (r, then Ctrl+Enter) appears in the thread as a demo reply;
//! - `/` focuses the search box and a word of the hostile mail finds its ticket.
//!
//! Screenshots: `test-output/e2e/mail-html.png`, `reply.png`, `search.png`. Run by
//! `scripts/test.sh` inside `xvfb-run -a dbus-run-session -- env NO_AT_BRIDGE=1`.

use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};
use shopdesk_e2e::harness::{
    eval, invoke, open_ticket, run_test, screenshot, text, wait_for, POLL, STEP_TIMEOUT,
};
use shopdesk_e2e::poll;
use shopdesk_e2e::webdriver::{Session, CONTROL, ENTER};

/// The demo mailbox's HTML-only mail with a script and an onerror handler (crates/mail demo).
const HOSTILE_SUBJECT: &str = "Just wanted to say thank you";

#[test]
#[ignore = "needs Xvfb + tauri-driver; run by scripts/test.sh"]
fn html_mail_is_inert_and_replies_and_search_work() {
    run_test("mail", async |client: &Session, out_dir: &Path| {
        let ticket_id = check_html_mail(client, out_dir).await?;
        check_reply(client, out_dir, ticket_id).await?;
        check_search(client, out_dir, ticket_id).await
    });
}

/// Traps in the main page, installed before the hostile mail is opened: anything a mail script
/// could reach in its parent (`parent.__PWNED = 1`, `alert`, the IPC) is counted.
const INSTALL_TRAPS: &str = r#"
    window.__mailTrap = { pwned: 0, alerts: 0, commands: [], invokeHook: "not installed" };
    Object.defineProperty(window, "__PWNED", { configurable: true, set() { window.__mailTrap.pwned++; }, get() { return undefined; } });
    const alert0 = window.alert;
    window.alert = function (...args) { window.__mailTrap.alerts++; return alert0.apply(this, args); };
    // Every IPC call this page makes while the mail is open is recorded. Tauri may freeze its
    // bridge object; then the IPC requests themselves (fetch to ipc://) are watched instead.
    "use strict";
    const internals = window.__TAURI_INTERNALS__;
    const invoke0 = internals.invoke;
    const wrapper = function (cmd, args, opts) {
        window.__mailTrap.commands.push(String(cmd));
        return invoke0.call(internals, cmd, args, opts);
    };
    try { internals.invoke = wrapper; } catch (e) { /* frozen */ }
    if (internals.invoke === wrapper) {
        window.__mailTrap.invokeHook = "invoke";
    } else {
        const fetch0 = window.fetch;
        window.fetch = function (input, init) {
            const url = String(input && input.url ? input.url : input);
            if (url.startsWith("ipc:") || url.startsWith("http://ipc.localhost")) {
                window.__mailTrap.commands.push(decodeURIComponent(url.replace(/^(ipc:\/\/localhost|http:\/\/ipc\.localhost)\//, "")));
            }
            return fetch0.call(this, input, init);
        };
        window.__mailTrap.invokeHook = window.fetch !== fetch0 ? "fetch" : "not installed";
    }
    return true;
"#;

/// What the page can see of each mail frame after it loaded.
const INSPECT_FRAMES: &str = r#"
    const frames = [...document.querySelectorAll("[data-testid=mail-frame]")];
    return frames.map((f) => {
        let reachable = false, readError = null;
        try { reachable = f.contentDocument !== null || !!f.contentWindow.document; }
        catch (e) { readError = String(e.name || e); }
        let internals = false;
        try { internals = !!f.contentWindow.__TAURI_INTERNALS__; } catch (e) { internals = false; }
        return {
            tag: f.tagName,
            sandboxAttr: f.getAttribute("sandbox"),
            sandboxTokens: f.sandbox.length,
            srcdoc: f.getAttribute("srcdoc") || "",
            src: f.getAttribute("src"),
            reachable, readError, internals,
            height: f.getBoundingClientRect().height,
        };
    });
"#;

async fn check_html_mail(client: &Session, out_dir: &Path) -> Result<i64, String> {
    let tickets = invoke(client, "list_tickets", json!({})).await?;
    let ticket_id = tickets
        .as_array()
        .ok_or("list_tickets did not return a list")?
        .iter()
        .find(|t| t["subject"].as_str() == Some(HOSTILE_SUBJECT))
        .and_then(|t| t["id"].as_i64())
        .ok_or_else(|| format!("no demo ticket is called {HOSTILE_SUBJECT:?}"))?;

    let armed = eval(client, INSTALL_TRAPS).await?;
    if armed != Value::Bool(true) {
        return Err(format!("could not install the traps: {armed}"));
    }
    open_ticket(client, ticket_id).await?;
    wait_for(client, "[data-testid=mail-frame]").await?;
    // Let the frame load (and any script in it try its luck).
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let frames = eval(client, INSPECT_FRAMES).await?;
    let frames = frames.as_array().ok_or("no frame list")?;
    if frames.is_empty() {
        return Err("the HTML mail is not shown in a frame".into());
    }
    for frame in frames {
        let srcdoc = frame["srcdoc"].as_str().unwrap_or_default();
        let lower = srcdoc.to_ascii_lowercase();
        if frame["sandboxAttr"] != json!("") || frame["sandboxTokens"] != json!(0) {
            return Err(format!(
                "the mail frame must have an empty sandbox attribute: {frame}"
            ));
        }
        if frame["src"] != Value::Null {
            return Err(format!("the mail frame must not load a URL: {frame}"));
        }
        if frame["reachable"] != json!(false) || frame["internals"] != json!(false) {
            return Err(format!(
                "the page can reach the mail frame's document; it must be sandboxed without same-origin: {frame}"
            ));
        }
        if !srcdoc.contains("default-src 'none'; img-src data: cid:; style-src 'unsafe-inline'") {
            return Err(format!("the mail frame has no CSP meta: {srcdoc}"));
        }
        for forbidden in [
            "<script",
            "onerror",
            "fetch(",
            "mailtrack.example",
            "cdn.example",
        ] {
            if lower.contains(forbidden) {
                return Err(format!("the mail frame still holds {forbidden:?}"));
            }
        }
        if !srcdoc.contains("best thing I bought") {
            return Err(format!("the mail frame does not show the mail: {srcdoc}"));
        }
    }
    let trap = eval(client, "return window.__mailTrap;").await?;
    eprintln!("e2e: traps after opening the hostile mail: {trap}");
    if trap["pwned"] != json!(0) || trap["alerts"] != json!(0) {
        return Err(format!("a mail script ran or reached the page: {trap}"));
    }
    if trap["invokeHook"] == json!("not installed") {
        return Err(format!("could not watch the page's IPC calls: {trap}"));
    }
    if trap["commands"].as_array().is_none_or(|c| c.is_empty()) {
        return Err(format!(
            "the IPC watch saw no call at all, not even open_ticket: {trap}"
        ));
    }
    let allowed = [
        "open_ticket",
        "replies",
        "list_tickets",
        "plugin:event|listen",
        "plugin:event|unlisten",
    ];
    if let Some(odd) = trap["commands"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c.as_str())
        .find(|c| !allowed.contains(c))
    {
        return Err(format!(
            "an unexpected IPC call was made while the mail was open: {odd}"
        ));
    }
    screenshot(client, out_dir, "mail-html.png").await?;

    // The text view of the same mail, then back to HTML.
    let to_text = wait_for(client, "[data-testid=show-text]").await?;
    client
        .click(&to_text)
        .await
        .map_err(|e| format!("click Text: {e}"))?;
    let message = wait_for(client, "[data-testid=message-text]").await?;
    let body = text(client, &message).await?;
    if !body.contains("best thing I bought") {
        return Err(format!("the text view reads {body:?}"));
    }
    let to_html = wait_for(client, "[data-testid=show-html]").await?;
    client
        .click(&to_html)
        .await
        .map_err(|e| format!("click HTML: {e}"))?;
    wait_for(client, "[data-testid=mail-frame]").await?;
    eprintln!("e2e: the hostile HTML mail of ticket {ticket_id} is inert");
    Ok(ticket_id)
}

async fn check_reply(client: &Session, out_dir: &Path, ticket_id: i64) -> Result<(), String> {
    // r focuses the reply box (from anywhere but a text field).
    eval(client, "document.activeElement?.blur(); return true;").await?;
    client
        .press_keys("r")
        .await
        .map_err(|e| format!("press r: {e}"))?;
    poll(
        "the reply box to have focus",
        STEP_TIMEOUT,
        POLL,
        || async {
            let focused = eval(
                client,
                "return document.activeElement?.getAttribute('data-testid');",
            )
            .await
            .ok()?;
            (focused == json!("reply-body")).then_some(())
        },
    )
    .await?;
    let text = format!("Thanks a lot! e2e-{ticket_id}-{}", std::process::id());
    client
        .press_keys(&text)
        .await
        .map_err(|e| format!("type the reply: {e}"))?;
    client
        .press_chord(&[CONTROL, ENTER])
        .await
        .map_err(|e| format!("Ctrl+Enter: {e}"))?;

    let wanted = text.clone();
    let found = poll("the reply in the thread", STEP_TIMEOUT, POLL, || {
        let wanted = wanted.clone();
        async move {
            let script = format!(
                "const want = {};\
                 const items = [...document.querySelectorAll('[data-testid=conversation] li.message')];\
                 const hit = items.find((li) => li.innerText.includes(want));\
                 if (!hit) return null;\
                 const badge = hit.querySelector('[data-testid=reply-state]');\
                 return {{ status: badge?.getAttribute('data-status') ?? null, label: badge?.innerText ?? null, direction: hit.getAttribute('data-direction') }};",
                json!(wanted)
            );
            let found = eval(client, &script).await.ok()?;
            (!found.is_null() && found["status"] != Value::Null).then_some(found)
        }
    })
    .await?;
    if found["status"] != json!("demo") || found["label"] != json!("Demo: not sent") {
        return Err(format!("the reply is not marked as a demo reply: {found}"));
    }
    let replies = invoke(client, "replies", json!({ "ticketId": ticket_id })).await?;
    let ours: Vec<&Value> = replies
        .as_array()
        .ok_or("replies did not return a list")?
        .iter()
        .filter(|r| r["body"].as_str().is_some_and(|b| b.contains(&text)))
        .collect();
    if ours.len() != 1 || ours[0]["demo"] != json!(true) {
        return Err(format!(
            "expected one demo reply with the text, got {ours:?}"
        ));
    }
    let box_text = eval(
        client,
        "return document.querySelector('[data-testid=reply-body]').value;",
    )
    .await?;
    if box_text != json!("") {
        return Err(format!("the reply box was not cleared: {box_text}"));
    }
    eprintln!("e2e: reply shown in ticket {ticket_id}: {found}");
    screenshot(client, out_dir, "reply.png").await
}

async fn check_search(client: &Session, out_dir: &Path, ticket_id: i64) -> Result<(), String> {
    eval(client, "document.activeElement?.blur(); return true;").await?;
    client
        .press_keys("/")
        .await
        .map_err(|e| format!("press /: {e}"))?;
    poll(
        "the search box to have focus",
        STEP_TIMEOUT,
        POLL,
        || async {
            let focused = eval(
                client,
                "return document.activeElement?.getAttribute('data-testid');",
            )
            .await
            .ok()?;
            (focused == json!("search-input")).then_some(())
        },
    )
    .await?;
    client
        .press_keys("tips in the box")
        .await
        .map_err(|e| format!("type the query: {e}"))?;
    let selector = format!(
        "[data-testid=search-results] [data-testid=search-hit][data-kind=message][data-ticket-id=\"{ticket_id}\"]"
    );
    wait_for(client, &selector).await?;
    screenshot(client, out_dir, "search.png").await?;
    eprintln!("e2e: search found ticket {ticket_id}");
    Ok(())
}
