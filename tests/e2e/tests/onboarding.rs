//! First run in the real window: no `SHOPDESK_DEMO`, an empty data folder, so onboarding shows.
//! - "Try the demo store" leads to the demo inbox.
//! - "Connect your store" against the Shopify simulator (through `SHOPDESK_SHOPIFY_BASE_URL`,
//!   which only debug builds read), with the keychain a gnome-keyring on a private D-Bus and
//!   the mailbox a real Dovecot + SMTP sink: the check shows the shop, a wrong mailbox password
//!   is refused with a sentence, the right one is saved, and the first sync leads to the inbox.
//!
//! - "Sign in" for the mailbox against the local OAuth2 server (`SHOPDESK_MAIL_OAUTH_URL`, debug
//!   builds only; the "system browser" is `$BROWSER`, a script that follows the sign-in page
//!   with curl; its first page is left unanswered and Cancel ends that wait with a sentence),
//!   Dovecot and the SMTP sink taking XOAUTH2; then a relaunch on the same data
//!   folder goes straight to the live inbox, the mailbox signed in from the keychain.
//!
//! Screenshots of each step go to test-output/e2e/onboarding-*.png.

#[allow(dead_code)]
#[path = "../../../crates/secrets/tests/support/mod.rs"]
mod keyring_support;

use std::time::Duration;

use serde_json::{json, Value};
use shopdesk_e2e::forms::{check_and_save_shop, click, fill, fill_local_mailbox, wait_for_text};
use shopdesk_e2e::harness::{
    eval, run_test_with, screenshot, text, wait_for, wait_for_tickets, RunOptions, POLL,
    STEP_TIMEOUT,
};
use shopdesk_e2e::poll;
use shopdesk_shopify_sim::oauth::DEMO_CLIENT_ID;
use shopdesk_shopify_sim::{Fault, SimConfig, Simulator};
use shopdesk_test_support::dbus::PrivateBus;
use shopdesk_test_support::dovecot::{Dovecot, PASSWORD, USER};
use shopdesk_test_support::oauth_server::OAuthServer;
use shopdesk_test_support::smtp_sink::SmtpSink;

#[test]
#[ignore = "needs Xvfb + tauri-driver; run by scripts/test.sh"]
fn the_demo_choice_leads_to_the_demo_inbox() {
    // A bus of our own with no keychain on it: onboarding says so, and the demo needs none.
    let bus = PrivateBus::start();
    let options = RunOptions {
        demo: false,
        env: vec![("DBUS_SESSION_BUS_ADDRESS".into(), bus.address().to_string())],
    };
    run_test_with("onboarding-demo", options, async |client, out_dir| {
        wait_for(client, "[data-testid=onboarding][data-step=welcome]").await?;
        let notice = wait_for(client, "[data-testid=keychain-notice]").await?;
        let said = text(client, &notice).await?;
        if !said.contains("cannot use the system keychain")
            || !said.contains("for this session only")
        {
            return Err(format!("the no-keychain notice reads: {said}"));
        }
        screenshot(client, out_dir, "onboarding-welcome-no-keychain.png").await?;
        click(client, "[data-testid=onboarding-demo]").await?;
        wait_for_tickets(client).await?;
        let status = eval(
            client,
            "return await window.__TAURI_INTERNALS__.invoke('app_status');",
        )
        .await?;
        if status["demo"] != json!(true) {
            return Err(format!("expected the demo to run: {status}"));
        }
        screenshot(client, out_dir, "onboarding-demo-inbox.png").await
    });
}

#[test]
#[ignore = "needs Xvfb + tauri-driver; run by scripts/test.sh"]
fn connecting_a_store_and_mailbox_leads_to_a_synced_inbox() {
    // The simulator runs on its own runtime for the whole test.
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sim = runtime
        .block_on(Simulator::start(SimConfig::sized(11, 8, 16)))
        .expect("simulator");
    sim.set_throttle(20_000.0, 1_000.0);
    let (domain, customer) = {
        let state = sim.state();
        let state = state.read().unwrap();
        let customer = state
            .customers
            .iter()
            .find_map(|c| c.email.clone())
            .expect("a customer with e-mail");
        (state.shop.myshopify_domain.clone(), customer)
    };
    let token = sim.access_token().to_string();

    let mut desktop = keyring_support::Desktop::new();
    desktop.start_keyring(true);
    let dovecot = Dovecot::start();
    let sink = SmtpSink::start(USER, PASSWORD);
    let mail = format!(
        "From: {customer}\r\nTo: {USER}\r\nSubject: Where is my parcel?\r\nMessage-ID: <onboarding-1@e2e.test>\r\nDate: Sun, 29 Nov 2026 10:00:00 +0000\r\n\r\nHello, my order has not arrived yet.\r\n"
    );
    runtime.block_on(async {
        let mut imap = dovecot.client().await;
        imap.append("INBOX", mail.as_bytes()).await;
        imap.logout().await;
    });

    let options = RunOptions {
        demo: false,
        env: vec![
            ("SHOPDESK_SHOPIFY_BASE_URL".into(), sim.base_url()),
            (
                "DBUS_SESSION_BUS_ADDRESS".into(),
                desktop.bus.address().to_string(),
            ),
        ],
    };
    let handle = domain.trim_end_matches(".myshopify.com").to_string();
    let (imap_port, smtp_port) = (dovecot.port, sink.port);
    run_test_with("onboarding-connect", options, async |client, out_dir| {
        wait_for(client, "[data-testid=onboarding][data-step=welcome]").await?;
        if client
            .find("[data-testid=keychain-notice]")
            .await
            .ok()
            .flatten()
            .is_some()
        {
            return Err("the keychain on the private bus was not found".into());
        }
        screenshot(client, out_dir, "onboarding-welcome.png").await?;
        click(client, "[data-testid=onboarding-connect]").await?;

        fill(client, "[data-testid=shop-domain]", &handle).await?;
        fill(client, "[data-testid=shop-token]", &token).await?;
        click(client, "[data-testid=shop-check]").await?;
        let result = wait_for(client, "[data-testid=shop-check-result]").await?;
        let shown = text(client, &result).await?;
        if !shown.contains("Northwind Coffee Co.") || !shown.contains(&domain) {
            return Err(format!("the check shows: {shown}"));
        }
        screenshot(client, out_dir, "onboarding-shop-check.png").await?;
        click(client, "[data-testid=shop-save]").await?;

        fill_local_mailbox(client, USER, imap_port, smtp_port).await?;
        fill(client, "[data-testid=mail-password]", "wrong-password").await?;
        click(client, "[data-testid=mail-save]").await?;
        let error = wait_for(client, "[data-testid=mail-error]").await?;
        let said = text(client, &error).await?;
        if !said.contains(&format!("refused the login for {USER}")) {
            return Err(format!("a wrong password reads: {said}"));
        }
        screenshot(client, out_dir, "onboarding-mailbox-refused.png").await?;
        fill(client, "[data-testid=mail-password]", PASSWORD).await?;
        // Slow Shopify answers, so that the first sync's progress stays on screen to be seen.
        sim.faults()
            .push_n(Fault::Slow(Duration::from_millis(900)), 4);
        click(client, "[data-testid=mail-save]").await?;
        let progress = wait_for(client, "[data-testid=live-start-progress]").await?;
        screenshot(client, out_dir, "onboarding-first-sync.png").await?;
        let _ = text(client, &progress).await?;

        wait_for_tickets(client).await?;
        let subject = poll(
            "the parcel mail in the inbox",
            Duration::from_secs(60),
            POLL,
            || async {
                let page = eval(client, "return document.body.innerText;").await.ok()?;
                page.as_str()?.contains("Where is my parcel?").then_some(())
            },
        )
        .await;
        subject?;
        let status = eval(
            client,
            "return await window.__TAURI_INTERNALS__.invoke('app_status');",
        )
        .await?;
        if status != json!({"state": "ready", "demo": false}) {
            return Err(format!("expected the live store to be ready: {status}"));
        }
        screenshot(client, out_dir, "onboarding-live-inbox.png").await?;

        // Forget the store: back to onboarding.
        click(client, "[data-testid=store-menu]").await?;
        click(client, "[data-testid=forget-store]").await?;
        wait_for(client, "[data-testid=forget-confirm]").await?;
        screenshot(client, out_dir, "onboarding-forget.png").await?;
        click(client, "[data-testid=forget-confirm]").await?;
        wait_for(client, "[data-testid=onboarding][data-step=welcome]").await?;
        Ok(())
    });
    drop(sim);
}

#[test]
#[ignore = "needs Xvfb + tauri-driver; run by scripts/test.sh"]
fn a_mailbox_signs_in_with_oauth_and_a_relaunch_goes_straight_to_the_live_inbox() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sim = runtime
        .block_on(Simulator::start(SimConfig::sized(13, 6, 12)))
        .expect("simulator");
    sim.set_throttle(20_000.0, 1_000.0);
    let domain = sim.state().read().unwrap().shop.myshopify_domain.clone();
    let token = sim.access_token().to_string();
    let mut desktop = keyring_support::Desktop::new();
    desktop.start_keyring(true);
    let oauth = OAuthServer::start(USER);
    let dovecot = Dovecot::start_with_oauth(&oauth.tokeninfo_url());
    let sink = SmtpSink::start_xoauth2(USER, &format!("{}/tokeninfo", oauth.url()));
    let mail = format!(
        "From: anna@example.com\r\nTo: {USER}\r\nSubject: Lid arrived broken\r\nMessage-ID: <onboarding-oauth@e2e.test>\r\nDate: Sun, 29 Nov 2026 10:00:00 +0000\r\n\r\nThe lid of my kettle broke.\r\n"
    );
    runtime.block_on(async {
        let mut imap = dovecot.client().await;
        imap.append("INBOX", mail.as_bytes()).await;
        imap.logout().await;
    });
    // The "system browser": the first sign-in page is left unanswered (the user walks away and
    // cancels in Shopdesk); later ones are followed to the app's loopback redirect.
    let work = tempfile::tempdir().expect("temp dir");
    let browser = work.path().join("browser.sh");
    std::fs::write(
        &browser,
        "#!/bin/sh\nif [ ! -e \"$0.opened\" ]; then touch \"$0.opened\"; exit 0; fi\n\
         curl -s -L --max-redirs 3 -o /dev/null \"$1\" &\n",
    )
    .unwrap();
    let mut permissions = std::fs::metadata(&browser).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&browser, permissions).unwrap();
    let data_dir = work.path().join("data");
    let options = || RunOptions {
        demo: false,
        env: vec![
            ("SHOPDESK_SHOPIFY_BASE_URL".into(), sim.base_url()),
            ("SHOPDESK_MAIL_OAUTH_URL".into(), oauth.url()),
            ("SHOPDESK_DATA_DIR".into(), data_dir.display().to_string()),
            ("BROWSER".into(), browser.display().to_string()),
            (
                "DBUS_SESSION_BUS_ADDRESS".into(),
                desktop.bus.address().to_string(),
            ),
        ],
    };
    let handle = domain.trim_end_matches(".myshopify.com").to_string();
    let (imap_port, smtp_port) = (dovecot.port, sink.port);
    run_test_with("onboarding-oauth", options(), async |client, out_dir| {
        wait_for(client, "[data-testid=onboarding][data-step=welcome]").await?;
        click(client, "[data-testid=onboarding-connect]").await?;
        check_and_save_shop(client, &handle, &token).await?;

        fill_local_mailbox(client, USER, imap_port, smtp_port).await?;
        screenshot(client, out_dir, "onboarding-oauth-sign-in.png").await?;
        // Nobody answers the first sign-in page: Cancel ends the wait with a sentence.
        click(client, "[data-testid=mail-sign-in]").await?;
        click(client, "[data-testid=mail-sign-in-cancel]").await?;
        let error = wait_for(client, "[data-testid=mail-error]").await?;
        let said = client
            .text(&error)
            .await
            .map_err(|e| format!("read: {e}"))?;
        if !said.contains("Sign-in cancelled; nothing was saved") {
            return Err(format!("after Cancel the mailbox step says {said:?}"));
        }
        screenshot(client, out_dir, "onboarding-oauth-cancelled.png").await?;
        click(client, "[data-testid=mail-sign-in]").await?;
        wait_for_tickets(client).await?;
        wait_for_text(client, "Lid arrived broken").await?;
        screenshot(client, out_dir, "onboarding-oauth-inbox.png").await
    });
    // A mail that arrives while Shopdesk is closed: only a signed-in mailbox brings it in.
    let second = mail
        .replace("Lid arrived broken", "Any news about the lid?")
        .replace("onboarding-oauth@", "onboarding-oauth-2@");
    runtime.block_on(async {
        let mut imap = dovecot.client().await;
        imap.append("INBOX", second.as_bytes()).await;
        imap.logout().await;
    });
    run_test_with("onboarding-relaunch", options(), async |client, out_dir| {
        // No onboarding: the saved store and its signed-in mailbox start at once.
        wait_for_tickets(client).await?;
        if client
            .find("[data-testid=onboarding]")
            .await
            .ok()
            .flatten()
            .is_some()
        {
            return Err("the relaunch showed onboarding".into());
        }
        let status = eval(
            client,
            "return await window.__TAURI_INTERNALS__.invoke('app_status');",
        )
        .await?;
        if status != json!({"state": "ready", "demo": false}) {
            return Err(format!("expected the live store: {status}"));
        }
        let saved = eval(
            client,
            "return await window.__TAURI_INTERNALS__.invoke('saved_accounts');",
        )
        .await?;
        if saved["mailboxSignIn"] != json!("local") || saved["mailboxProblem"] != Value::Null {
            return Err(format!("the saved mailbox: {saved}"));
        }
        wait_for_text(client, "Any news about the lid?").await?;
        screenshot(client, out_dir, "onboarding-relaunch-inbox.png").await?;

        // The token is revoked in Shopify: "Enter a new token" refuses the old one with a
        // sentence, takes a new one, and the store starts again on its local data.
        sim.auth().revoke(&token);
        click(client, "[data-testid=store-menu]").await?;
        click(client, "[data-testid=reconnect-token]").await?;
        fill(client, "[data-testid=reconnect-token-input]", &token).await?;
        click(client, "[data-testid=reconnect-token-save]").await?;
        let error = wait_for(client, "[data-testid=reconnect-error]").await?;
        let said = text(client, &error).await?;
        if !said.contains("refused this access token") {
            return Err(format!("the revoked token reads: {said}"));
        }
        screenshot(client, out_dir, "onboarding-reenter-token-refused.png").await?;
        let fresh = sim
            .auth()
            .issue_expiring_token(DEMO_CLIENT_ID)
            .ok_or("a new token from the simulator")?
            .access_token;
        fill(client, "[data-testid=reconnect-token-input]", &fresh).await?;
        click(client, "[data-testid=reconnect-token-save]").await?;
        // Checked and saved: the form goes (the store restarts, or it says so).
        poll("the new token saved", STEP_TIMEOUT, POLL, || async {
            let gone = eval(
                client,
                "return document.querySelector('[data-testid=reconnect-token-input]') === null;",
            )
            .await
            .ok()?;
            (gone == Value::Bool(true)).then_some(())
        })
        .await?;
        poll("the live store ready again", STEP_TIMEOUT, POLL, || async {
            let status = eval(
                client,
                "return await window.__TAURI_INTERNALS__.invoke('app_status');",
            )
            .await
            .ok()?;
            (status == json!({"state": "ready", "demo": false})).then_some(())
        })
        .await?;
        wait_for_tickets(client).await?;
        wait_for_text(client, "Any news about the lid?").await
    });
    drop(sim);
}
