//! Tauri commands, one module per domain. Each command only reaches the app layer and maps its
//! error; the work happens in `shopdesk-app`.

pub mod actions;
pub mod demo;
pub mod mail;
pub mod onboarding;
pub mod replies;
pub mod search;
pub mod sign_in;
pub mod status;
pub mod sync;
pub mod tickets;

use std::sync::Arc;

use crate::error::{from_app, shell_error, CommandError};
use crate::state::Shell;
use shopdesk_app::{App, AppError};

/// Runs a (blocking, SQLite-backed) app-layer call off the async runtime's worker threads.
pub(crate) async fn with_app<T, F>(shell: &Shell, call: F) -> Result<T, CommandError>
where
    T: Send + 'static,
    F: FnOnce(&App) -> Result<T, AppError> + Send + 'static,
{
    let app: Arc<App> = shell.app()?;
    tauri::async_runtime::spawn_blocking(move || call(&app))
        .await
        .map_err(|err| {
            shell_error(
                "internal",
                format!("Shopdesk hit an internal error: {err}."),
            )
        })?
        .map_err(from_app)
}
