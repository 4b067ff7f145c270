//! The search box: messages, customers and orders, each hit tied to the ticket it opens.

use shopdesk_app::SearchHitView;

use crate::commands::with_app;
use crate::error::CommandError;
use crate::state::Shell;

#[tauri::command]
pub async fn search(
    shell: tauri::State<'_, Shell>,
    query: String,
) -> Result<Vec<SearchHitView>, CommandError> {
    with_app(&shell, move |app| app.search(&query)).await
}
