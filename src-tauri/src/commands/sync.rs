//! The Shopify sync's status for the header, and "sync now".

use std::sync::Arc;

use crate::commands::with_app;
use crate::error::CommandError;
use crate::events::ShellEvents;
use crate::state::Shell;
use shopdesk_app::SyncStatusView;

/// The sync's status now. The window calls it when it starts listening: from then on the
/// sync's changes also arrive as `sync-status` events.
#[tauri::command]
pub async fn sync_status(
    handle: tauri::AppHandle,
    shell: tauri::State<'_, Shell>,
) -> Result<SyncStatusView, CommandError> {
    let events = Arc::new(ShellEvents::new(handle));
    with_app(&shell, move |app| {
        app.set_sync_events(events);
        Ok(app.sync_status())
    })
    .await
}

/// Starts an incremental sync now; `false` when no store is connected.
#[tauri::command]
pub async fn sync_now(shell: tauri::State<'_, Shell>) -> Result<bool, CommandError> {
    with_app(&shell, |app| Ok(app.sync_now())).await
}
