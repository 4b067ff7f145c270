//! Demo mode: where the built-in Shopify simulator listens (used by the end-to-end test).

use crate::commands::with_app;
use crate::error::CommandError;
use crate::state::Shell;
use shopdesk_app::DemoInfo;

#[tauri::command]
pub async fn demo_info(shell: tauri::State<'_, Shell>) -> Result<Option<DemoInfo>, CommandError> {
    with_app(&shell, |app| Ok(app.demo_info())).await
}
