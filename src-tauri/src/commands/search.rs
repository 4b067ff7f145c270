//! The search box: messages, customers and orders, each hit tied to the ticket it opens, and
//! whether order and customer hits may be missing while their index is rebuilt.

use shopdesk_app::SearchResultsView;

use crate::commands::with_app;
use crate::error::CommandError;
use crate::state::Shell;

#[tauri::command]
pub async fn search(
    shell: tauri::State<'_, Shell>,
    query: String,
) -> Result<SearchResultsView, CommandError> {
    with_app(&shell, move |app| app.search_results(&query)).await
}
