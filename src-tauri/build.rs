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
