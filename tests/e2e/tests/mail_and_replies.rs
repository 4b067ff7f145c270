//! Drives the real window (demo mode) through the mail features:
//!
//! - the window's own CSP blocks remote images and frames anything but the mail scheme;
//! - the demo's hostile HTML mail (a script, an onerror handler, remote images) is shown in an
//!   `<iframe sandbox="">` loading `shopdesk-mail://localhost/<id>`, served by the shell with its
//!   own CSP header (logged), whose document the page can't reach or fetch, and nothing of the
//!   mail runs or calls the IPC;
//! - a reply typed in the conversation (r, then Ctrl+Enter) appears in the thread as a demo reply;
//! - `/` focuses the search box and a word of the hostile mail finds its ticket;
//! - "Load images" on the hostile mail reloads its frame, now served with `img-src data: https:`
//!   (before: no https), and it stays inert;
//! - "Import mail…" imports a generated mbox (two mails, one thread) with its result shown.
//! - "Stop" ends a long import (40,000 mails) early, with the sentence saying how far it got.
//!
//! Screenshots: `test-output/e2e/mail-html.png`, `mail-images.png`, `reply.png`, `search.png`. Run by
//! `scripts/test.sh` inside `xvfb-run -a dbus-run-session -- env NO_AT_BRIDGE=1`.

use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};
use shopdesk_e2e::forms::{click, import_mbox};
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
        check_search(client, out_dir, ticket_id).await?;
        check_import(client, out_dir).await?;
        check_import_stop(client, out_dir).await
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

/// The IPC calls the page makes beside the conversation (the ticket's notes, order actions,
/// the inbox list); none of them comes from a mail.
const LOADED_BESIDE: [&str; 4] = [
    "ticket_notes",
    "actions_for_ticket",
    "order_action_availability",
    "list_tickets",
];

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
            srcdoc: f.getAttribute("srcdoc"),
            src: f.getAttribute("src"),
            messageId: f.getAttribute("data-message-id"),
            reachable, readError, internals,
            height: f.getBoundingClientRect().height,
        };
    });
"#;

/// The window's own CSP, seen by what it blocks: an https image made by the page must be
/// refused under `img-src` (the violation event carries the policy in force).
const PROBE_WINDOW_CSP: &str = r#"
    const url = "https://remote-image.invalid/e2e-probe.png";
    return await new Promise((resolve) => {
        const done = (v) => { document.removeEventListener("securitypolicyviolation", onViolation); resolve(v); };
        const onViolation = (e) => {
            if (String(e.blockedURI).startsWith("https://remote-image.invalid")) {
                done({ blocked: true, directive: e.effectiveDirective || e.violatedDirective, policy: e.originalPolicy });
            }
        };
        document.addEventListener("securitypolicyviolation", onViolation);
        const img = new Image();
        img.onerror = () => setTimeout(() => done({ blocked: false, error: "load failed without a CSP violation" }), 1000);
        img.onload = () => done({ blocked: false, error: "loaded" });
        img.src = url;
    });
"#;

/// The page itself must not be able to read a mail through the scheme (connect-src).
const PAGE_FETCHES_MAIL: &str = r#"
    const src = document.querySelector("[data-testid=mail-frame]").getAttribute("src");
    try { const r = await fetch(src); return { read: true, status: r.status }; }
    catch (e) { return { read: false, error: String(e) }; }
"#;

/// The app log's "mail frame: served message <id> (csp: ...)" lines for `message_id`: the CSP
/// of each document the shell served for that mail, in order.
fn served_csps(out_dir: &Path, message_id: &str) -> Result<Vec<String>, String> {
    let log = std::fs::read_to_string(out_dir.join("mail-app.log"))
        .map_err(|e| format!("read the app log: {e}"))?;
    let marker = format!("mail frame: served message {message_id} (csp: ");
    Ok(log
        .lines()
        .filter_map(|line| line.split_once(&marker))
        .map(|(_, rest)| rest.split(')').next().unwrap_or_default().to_string())
        .collect())
}

/// The main window: no remote images, frames only from the mail scheme, and what it enforces
/// is what tauri.conf.json says.
async fn check_window_csp(client: &Session) -> Result<(), String> {
    let probe = eval(client, PROBE_WINDOW_CSP).await?;
    eprintln!("e2e: the window's CSP on an https image: {probe}");
    if probe["blocked"] != json!(true) || probe["directive"] != json!("img-src") {
        return Err(format!(
            "the main window's CSP does not block a remote image: {probe}"
        ));
    }
    let policy = probe["policy"].as_str().unwrap_or_default();
    let directive = |name: &str| {
        policy
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with(&format!("{name} ")))
            .unwrap_or_default()
            .to_string()
    };
    if directive("img-src") != "img-src 'self' data:" {
        return Err(format!(
            "the window's img-src is not 'self' data:: {policy}"
        ));
    }
    if directive("frame-src") != "frame-src shopdesk-mail: http://shopdesk-mail.localhost" {
        return Err(format!(
            "the window's frame-src is not the mail scheme only: {policy}"
        ));
    }
    if policy.contains("https:") {
        return Err(format!("the window's CSP allows https content: {policy}"));
    }
    Ok(())
}

async fn check_html_mail(client: &Session, out_dir: &Path) -> Result<i64, String> {
    let tickets = invoke(client, "list_tickets", json!({})).await?;
    let ticket_id = tickets
        .as_array()
        .ok_or("list_tickets did not return a list")?
        .iter()
        .find(|t| t["subject"].as_str() == Some(HOSTILE_SUBJECT))
        .and_then(|t| t["id"].as_i64())
        .ok_or_else(|| format!("no demo ticket is called {HOSTILE_SUBJECT:?}"))?;

    check_window_csp(client).await?;
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
    let mut message_ids = Vec::new();
    for frame in frames {
        if frame["sandboxAttr"] != json!("") || frame["sandboxTokens"] != json!(0) {
            return Err(format!(
                "the mail frame must have an empty sandbox attribute: {frame}"
            ));
        }
        let message_id = frame["messageId"].as_str().unwrap_or_default().to_string();
        let wanted = format!("shopdesk-mail://localhost/{message_id}");
        if message_id.is_empty() || frame["src"] != json!(wanted) || frame["srcdoc"] != Value::Null
        {
            return Err(format!(
                "the mail frame must load {wanted} (and have no srcdoc): {frame}"
            ));
        }
        if frame["reachable"] != json!(false) || frame["internals"] != json!(false) {
            return Err(format!(
                "the page can reach the mail frame's document; it must be sandboxed without same-origin: {frame}"
            ));
        }
        message_ids.push(message_id);
    }
    // What the shell served into the frame: the mail, under a CSP without remote images.
    let message_id = message_ids[0].clone();
    let served = served_csps(out_dir, &message_id)?;
    let expected = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'";
    if served.is_empty() || served.iter().any(|csp| csp != expected) {
        return Err(format!(
            "the shell did not serve mail {message_id} under the strict CSP: {served:?}"
        ));
    }
    let fetched = eval(client, PAGE_FETCHES_MAIL).await?;
    if fetched["read"] != json!(false) {
        return Err(format!(
            "the page itself could fetch the mail's document: {fetched}"
        ));
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
        "mail_details",
        "plugin:event|listen",
        "plugin:event|unlisten",
    ];
    if let Some(odd) = trap["commands"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c.as_str())
        .find(|c| !allowed.contains(c) && !LOADED_BESIDE.contains(c))
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
    check_load_images(client, out_dir).await?;
    Ok(ticket_id)
}

/// "Load images" on the hostile mail: the bar counts its blocked remote image; after the click
/// the frame loads the mail again from the scheme, now served with `img-src data: https:` (the
/// app layer's test checks that HTML keeps the tracking pixel and no script, handler or remote
/// style), still sandboxed, and nothing ran or called the IPC but "Load images" itself.
async fn check_load_images(client: &Session, out_dir: &Path) -> Result<(), String> {
    let bar = wait_for(client, "[data-testid=remote-images-bar]").await?;
    let said = text(client, &bar).await?;
    if !said.contains("Remote images are blocked (1)") {
        return Err(format!("the remote-images bar reads {said:?}"));
    }
    let frames = eval(client, INSPECT_FRAMES).await?;
    let message_id = frames[0]["messageId"]
        .as_str()
        .ok_or_else(|| format!("no mail frame before Load images: {frames}"))?
        .to_string();
    let before = served_csps(out_dir, &message_id)?;
    if before.is_empty() || before.iter().any(|csp| csp.contains("https:")) {
        return Err(format!(
            "before Load images mail {message_id} was served as {before:?}"
        ));
    }
    let load = wait_for(client, "[data-testid=load-images]").await?;
    client
        .click(&load)
        .await
        .map_err(|e| format!("click Load images: {e}"))?;
    wait_for(
        client,
        "[data-testid=mail-frame][data-remote-images=allowed]",
    )
    .await?;
    let with_images = "default-src 'none'; img-src data: https:; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'";
    let served = poll(
        "the mail served with images",
        STEP_TIMEOUT,
        POLL,
        || async {
            let served = served_csps(out_dir, &message_id).ok()?;
            (served.len() > before.len()).then_some(served)
        },
    )
    .await?;
    if served[before.len()..].iter().any(|csp| csp != with_images) {
        return Err(format!(
            "after Load images mail {message_id} was served as {served:?}"
        ));
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let frames = eval(client, INSPECT_FRAMES).await?;
    let frame = frames
        .as_array()
        .and_then(|f| f.first())
        .ok_or("no mail frame after Load images")?;
    if frame["src"] != json!(format!("shopdesk-mail://localhost/{message_id}"))
        || frame["sandboxAttr"] != json!("")
        || frame["reachable"] != json!(false)
    {
        return Err(format!("the frame lost its sandbox or its URL: {frame}"));
    }
    let trap = eval(client, "return window.__mailTrap;").await?;
    if trap["pwned"] != json!(0) || trap["alerts"] != json!(0) {
        return Err(format!("a mail script ran after Load images: {trap}"));
    }
    let expected = [
        "allow_remote_images",
        "mail_details",
        "open_ticket",
        "replies",
    ];
    if let Some(odd) = trap["commands"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c.as_str())
        .find(|c| {
            !expected.contains(c) && !c.starts_with("plugin:event|") && !LOADED_BESIDE.contains(c)
        })
    {
        return Err(format!("an unexpected IPC call after Load images: {odd}"));
    }
    screenshot(client, out_dir, "mail-images.png").await?;
    eprintln!(
        "e2e: Load images served mail {message_id} with https images only, and it stayed inert"
    );
    Ok(())
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

/// "Import mail…": a path typed in, the import run by the shell, its result line shown, and the
/// imported thread in the inbox.
async fn check_import(client: &Session, out_dir: &Path) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let mbox = dir.path().join("export.mbox");
    let mails = "From a Mon Nov  3 10:00:00 2025\nFrom: Ida Imported <ida@example.com>\n\
        To: support@northwind-coffee.test\nSubject: Imported from e2e\nMessage-ID: <e2e-1@example.com>\n\
        Date: Mon, 3 Nov 2025 10:00:00 +0000\n\nWhere is my parcel?\n\n\
        From b Mon Nov  3 11:00:00 2025\nFrom: Ida Imported <ida@example.com>\n\
        To: support@northwind-coffee.test\nSubject: Re: Imported from e2e\nMessage-ID: <e2e-2@example.com>\n\
        In-Reply-To: <e2e-1@example.com>\nDate: Mon, 3 Nov 2025 11:00:00 +0000\n\nAny news?\n";
    std::fs::write(&mbox, mails).map_err(|e| format!("write the mbox: {e}"))?;

    let line = import_mbox(client, &mbox.display().to_string()).await?;
    if !line.contains("Imported 2 mails: 2 new") || !line.contains("1 new ticket.") {
        return Err(format!("the import says {line:?}"));
    }
    let tickets = invoke(client, "list_tickets", json!({})).await?;
    let imported = tickets
        .as_array()
        .into_iter()
        .flatten()
        .find(|t| t["subject"].as_str() == Some("Imported from e2e"))
        .ok_or("the imported thread is not in the inbox")?;
    if imported["messageCount"] != json!(2) {
        return Err(format!(
            "the imported thread is not one ticket of two mails: {imported}"
        ));
    }
    screenshot(client, out_dir, "import.png").await?;
    eprintln!("e2e: {line}");
    Ok(())
}

/// "Stop" during a long import: it ends after the mail being filed and says how many mails it
/// imported (importing the same file again resumes without duplicates).
async fn check_import_stop(client: &Session, out_dir: &Path) -> Result<(), String> {
    const MAILS: usize = 40_000;
    let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let mbox = dir.path().join("big.mbox");
    let mut mails = String::with_capacity(MAILS * 300);
    for n in 0..MAILS {
        mails.push_str(&format!(
            "From s{n} Mon Nov  3 10:00:00 2025\nFrom: Stella Stop <stella{n}@example.com>\n\
             To: support@northwind-coffee.test\nSubject: Long import {n}\n\
             Message-ID: <e2e-stop-{n}@example.com>\nDate: Mon, 3 Nov 2025 10:00:00 +0000\n\n\
             Question number {n}.\n\n"
        ));
    }
    std::fs::write(&mbox, mails).map_err(|e| format!("write the mbox: {e}"))?;

    // The panel is still open with the earlier path: select it, so that typing replaces it.
    click(client, "[data-testid=import-path]").await?;
    client
        .press_chord(&[CONTROL, "a"])
        .await
        .map_err(|e| format!("select the path: {e}"))?;
    client
        .press_keys(&mbox.display().to_string())
        .await
        .map_err(|e| format!("type the path: {e}"))?;
    click(client, "[data-testid=import-start]").await?;
    click(client, "[data-testid=import-stop]").await?;
    let said = poll(
        "the stopped import's sentence",
        STEP_TIMEOUT,
        POLL,
        || async {
            let element = client.find("[data-testid=import-stopped]").await.ok()??;
            client.text(&element).await.ok()
        },
    )
    .await?;
    let imported: usize = said
        .split("stopped after ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("the stopped import says {said:?}"))?;
    if imported >= MAILS || !said.contains("not imported twice") {
        return Err(format!("the import did not stop early: {said:?}"));
    }
    if client
        .find("[data-testid=import-error]")
        .await
        .ok()
        .flatten()
        .is_some()
    {
        return Err("a stop asked for is shown as an error".into());
    }
    screenshot(client, out_dir, "import-stopped.png").await?;
    eprintln!("e2e: {said}");
    Ok(())
}
