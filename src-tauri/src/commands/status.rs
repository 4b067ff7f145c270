//! Whether the app layer is ready (the UI also hears `app-status` events).

use crate::state::{AppStatus, Shell};

#[tauri::command]
pub fn app_status(shell: tauri::State<'_, Shell>) -> AppStatus {
    shell.status()
}
