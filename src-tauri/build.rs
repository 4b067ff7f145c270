fn main() {
    // Our own commands are declared here so that each one gets an `allow-<command>` permission
    // and a window may call only the ones its capability (capabilities/*.json) grants.
    let commands = &["app_status", "list_tickets", "open_ticket", "demo_info"];
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("failed to run tauri-build");
}
