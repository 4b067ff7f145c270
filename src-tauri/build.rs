use std::path::Path;

fn main() {
    ensure_frontend_dist();

    // Our own commands are declared here so that each one gets an `allow-<command>` permission
    // and a window may call only the ones its capability (capabilities/*.json) grants.
    let commands = &[
        "app_status",
        "list_tickets",
        "open_ticket",
        "demo_info",
        "send_reply",
        "replies",
        "cancel_reply",
        "retry_reply",
        "search",
        "mail_details",
        "allow_remote_images",
        "save_attachment",
        "import_mail",
        "cancel_mail_import",
        "onboarding_state",
        "keep_secrets_for_this_session",
        "start_demo_store",
        "check_shop",
        "save_shop",
        "suggest_mail_servers",
        "test_mailbox",
        "save_mailbox",
        "start_saved_store",
        "forget_store",
        "leave_demo",
        "sign_in_mailbox",
        "cancel_mailbox_sign_in",
        "update_mailbox_password",
        "replace_shop_credential",
        "saved_accounts",
        "sync_status",
        "sync_now",
        "order_action_availability",
        "order_actions",
        "preview_refund",
        "preview_cancel",
        "submit_action",
        "actions_for_ticket",
        "edit_queued_action",
        "cancel_queued_action",
        "ticket_notes",
        "agent_settings",
        "save_agent_settings",
    ];
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("failed to run tauri-build");
}

/// The binary embeds `ui/dist` (built by `npm run build` in `ui/`). So that workspace-wide
/// `cargo check`/`clippy`/`test` work before the UI is built, a missing `ui/dist` gets a
/// placeholder page that says what to do; `npm run build` replaces it.
fn ensure_frontend_dist() {
    let dist = Path::new("../ui/dist");
    let index = dist.join("index.html");
    println!("cargo:rerun-if-changed={}", index.display());
    if index.exists() {
        return;
    }
    println!(
        "cargo:warning=ui/dist is missing: embedding a placeholder page. Run `npm ci && npm run build` in ui/ and build again."
    );
    let page = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Shopdesk</title></head>\
<body>\
<h1>The Shopdesk UI is not built</h1>\
<p>Run <code>npm ci &amp;&amp; npm run build</code> in <code>ui/</code>, then build the app again.</p>\
</body></html>\n";
    if let Err(err) = std::fs::create_dir_all(dist).and_then(|()| std::fs::write(&index, page)) {
        println!(
            "cargo:warning=could not write a placeholder {}: {err}",
            index.display()
        );
    }
}
