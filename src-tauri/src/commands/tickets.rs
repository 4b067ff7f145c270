//! The inbox and one ticket with its customer and orders.

use crate::commands::with_app;
use crate::error::CommandError;
use crate::state::Shell;
use shopdesk_app::{TicketSummary, TicketView};

#[tauri::command]
pub async fn list_tickets(
    shell: tauri::State<'_, Shell>,
) -> Result<Vec<TicketSummary>, CommandError> {
    with_app(&shell, |app| app.list_tickets()).await
}

#[tauri::command]
pub async fn open_ticket(
    shell: tauri::State<'_, Shell>,
    ticket_id: i64,
) -> Result<TicketView, CommandError> {
    with_app(&shell, move |app| app.open_ticket(ticket_id)).await
}
