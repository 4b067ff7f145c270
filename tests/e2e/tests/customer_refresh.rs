//! A failed refresh of a customer's orders, in the real window: a store connected from
//! onboarding (the Shopify simulator through `SHOPDESK_SHOPIFY_BASE_URL`, a throw-away Dovecot
//! and SMTP sink, secrets kept for the session on a bus with no keychain), a customer's mail
//! imported from an mbox, and Shopify answering 503 when its ticket opens. The customer panel says it shows the local copy;
//! "sync now" in the header succeeds once Shopify is back, and the sentence goes.
//! Screenshot: test-output/e2e/customer-refresh-failed.png.

use shopdesk_e2e::forms::{check_and_save_shop, click, fill, fill_local_mailbox, import_mbox};
use shopdesk_e2e::harness::{
    run_test_with, screenshot, text, wait_for, wait_for_tickets, RunOptions, POLL, STEP_TIMEOUT,
};
use shopdesk_e2e::poll;
use shopdesk_shopify_sim::{Fault, SimConfig, Simulator};
use shopdesk_test_support::dbus::PrivateBus;
use shopdesk_test_support::dovecot::{Dovecot, PASSWORD, USER};
use shopdesk_test_support::smtp_sink::SmtpSink;

const NOTE: &str = "[data-testid=customer-panel] [data-testid=orders-refresh-failed]";

#[test]
#[ignore = "needs Xvfb + tauri-driver; run by scripts/test.sh"]
fn the_customer_panel_says_when_it_shows_the_local_copy() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sim = runtime
        .block_on(Simulator::start(SimConfig::sized(17, 6, 12)))
        .expect("simulator");
    sim.set_throttle(20_000.0, 1_000.0);
    let (handle, customer) = {
        let state = sim.state();
        let state = state.read().unwrap();
        let customer = state
            .customers
            .iter()
            .find(|c| c.email.is_some() && !c.order_indexes.is_empty())
            .and_then(|c| c.email.clone())
            .expect("a customer with e-mail and orders");
        let domain = state.shop.myshopify_domain.clone();
        (
            domain.trim_end_matches(".myshopify.com").to_string(),
            customer,
        )
    };
    let token = sim.access_token().to_string();
    let work = tempfile::tempdir().expect("temp dir");
    let mbox = work.path().join("customer.mbox");
    std::fs::write(
        &mbox,
        format!(
            "From a Mon Nov  3 10:00:00 2025\nFrom: {customer}\nTo: support@shop.test\n\
             Subject: Where is my order?\nMessage-ID: <refresh-1@e2e.test>\n\
             Date: Mon, 3 Nov 2025 10:00:00 +0000\n\nHello, where is my order?\n"
        ),
    )
    .expect("write the mbox");
    // A bus with no keychain: onboarding offers to keep the secrets for this session.
    let bus = PrivateBus::start();
    let dovecot = Dovecot::start();
    let sink = SmtpSink::start(USER, PASSWORD);
    let (imap_port, smtp_port) = (dovecot.port, sink.port);
    let options = RunOptions {
        demo: false,
        env: vec![
            ("SHOPDESK_SHOPIFY_BASE_URL".into(), sim.base_url()),
            ("DBUS_SESSION_BUS_ADDRESS".into(), bus.address().to_string()),
        ],
    };
    run_test_with("customer-refresh", options, async |client, out_dir| {
        wait_for(client, "[data-testid=onboarding][data-step=welcome]").await?;
        click(client, "[data-testid=keychain-session-only]").await?;
        click(client, "[data-testid=onboarding-connect]").await?;
        check_and_save_shop(client, &handle, &token).await?;
        fill_local_mailbox(client, USER, imap_port, smtp_port).await?;
        fill(client, "[data-testid=mail-password]", PASSWORD).await?;
        click(client, "[data-testid=mail-save]").await?;
        wait_for(client, "[data-testid=sync-status][data-sync-state=synced]").await?;

        // Shopify goes away; then the customer's mail arrives and its ticket opens.
        sim.faults()
            .set_random(17, 1.0, vec![Fault::ServerError(503)]);
        import_mbox(client, &mbox.display().to_string()).await?;
        wait_for_tickets(client).await?;
        let note = wait_for(client, NOTE).await?;
        let said = text(client, &note).await?;
        if !said.starts_with(
            "Couldn't refresh this customer's orders from Shopify (offline?). Showing the local copy from ",
        ) {
            return Err(format!("the customer panel says: {said}"));
        }
        let orders = client
            .find_all("[data-testid=customer-panel] [data-testid=order-card]")
            .await
            .map_err(|e| format!("the orders: {e}"))?;
        if orders.is_empty() {
            return Err("the local copy of the orders is not shown".into());
        }
        screenshot(client, out_dir, "customer-refresh-failed.png").await?;

        // Shopify is back: a sync that works brings the copy up to date, and the note goes.
        sim.faults().clear();
        click(client, "[data-testid=sync-status]").await?;
        poll("the note to go", STEP_TIMEOUT, POLL, || async {
            let note = client.find(NOTE).await.ok()?;
            note.is_none().then_some(())
        })
        .await?;
        wait_for(client, "[data-testid=customer-panel] [data-testid=orders]").await?;
        Ok(())
    });
    drop((dovecot, sink));
    runtime.block_on(sim.shutdown());
}
