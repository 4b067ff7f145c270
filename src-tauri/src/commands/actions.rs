//! Order actions from a ticket (refund, replacement, cancel, edit), the queued-actions list,
//! the ticket's internal notes and the agent settings. Thin: the app layer does the work;
//! every change is announced as `tickets-changed` so the panes reload.

use std::sync::Arc;

use shopdesk_actions::{
    ActionRecord, ActionRequest, CancelPreview, OwnerApproval, RefundPreview, RefundRequest,
    SubmitMode,
};
use shopdesk_app::{
    AgentSettingsView, App, AppEvents, OrderActionsView, OrderAvailabilityView, TicketNoteView,
};

use crate::commands::with_app;
use crate::error::{from_app, CommandError};
use crate::events::ShellEvents;
use crate::state::Shell;

/// The app, with the window attached as the sink of the actions worker's events.
fn app_with_events(shell: &Shell, handle: &tauri::AppHandle) -> Result<Arc<App>, CommandError> {
    let app = shell.app()?;
    app.set_order_action_events(Arc::new(ShellEvents::new(handle.clone())));
    Ok(app)
}

#[tauri::command]
pub async fn order_action_availability(
    shell: tauri::State<'_, Shell>,
    order_id: String,
) -> Result<OrderAvailabilityView, CommandError> {
    with_app(&shell, move |a| a.order_action_availability(&order_id)).await
}

#[tauri::command]
pub async fn order_actions(
    shell: tauri::State<'_, Shell>,
    handle: tauri::AppHandle,
    order_id: String,
) -> Result<OrderActionsView, CommandError> {
    let app = app_with_events(&shell, &handle)?;
    app.order_actions(&order_id).await.map_err(from_app)
}

#[tauri::command]
pub async fn preview_refund(
    shell: tauri::State<'_, Shell>,
    request: RefundRequest,
) -> Result<RefundPreview, CommandError> {
    let app = shell.app()?;
    app.preview_refund(&request).await.map_err(from_app)
}

#[tauri::command]
pub async fn preview_cancel(
    shell: tauri::State<'_, Shell>,
    order_id: String,
) -> Result<CancelPreview, CommandError> {
    let app = shell.app()?;
    app.preview_cancel(&order_id).await.map_err(from_app)
}

#[tauri::command]
pub async fn submit_action(
    shell: tauri::State<'_, Shell>,
    handle: tauri::AppHandle,
    ticket_id: Option<i64>,
    request: ActionRequest,
    mode: SubmitMode,
    approval: Option<OwnerApproval>,
) -> Result<ActionRecord, CommandError> {
    let app = app_with_events(&shell, &handle)?;
    let record = app
        .submit_action(ticket_id, request, mode, approval)
        .await
        .map_err(from_app)?;
    ShellEvents::new(handle).tickets_changed();
    Ok(record)
}

#[tauri::command]
pub async fn actions_for_ticket(
    shell: tauri::State<'_, Shell>,
    ticket_id: i64,
) -> Result<Vec<ActionRecord>, CommandError> {
    with_app(&shell, move |a| a.actions_for_ticket(ticket_id)).await
}

#[tauri::command]
pub async fn edit_queued_action(
    shell: tauri::State<'_, Shell>,
    handle: tauri::AppHandle,
    action_id: i64,
    request: ActionRequest,
    approval: Option<OwnerApproval>,
) -> Result<ActionRecord, CommandError> {
    let record = with_app(&shell, move |a| {
        a.edit_queued_action(action_id, request, approval)
    })
    .await?;
    ShellEvents::new(handle).tickets_changed();
    Ok(record)
}

#[tauri::command]
pub async fn cancel_queued_action(
    shell: tauri::State<'_, Shell>,
    handle: tauri::AppHandle,
    action_id: i64,
) -> Result<ActionRecord, CommandError> {
    let record = with_app(&shell, move |a| a.cancel_queued_action(action_id)).await?;
    ShellEvents::new(handle).tickets_changed();
    Ok(record)
}

#[tauri::command]
pub async fn ticket_notes(
    shell: tauri::State<'_, Shell>,
    ticket_id: i64,
) -> Result<Vec<TicketNoteView>, CommandError> {
    with_app(&shell, move |a| a.ticket_notes(ticket_id)).await
}

#[tauri::command]
pub async fn agent_settings(
    shell: tauri::State<'_, Shell>,
) -> Result<AgentSettingsView, CommandError> {
    with_app(&shell, move |a| a.agent_settings()).await
}

#[tauri::command]
pub async fn save_agent_settings(
    shell: tauri::State<'_, Shell>,
    name: String,
    refund_limit: Option<String>,
) -> Result<AgentSettingsView, CommandError> {
    let app = shell.app()?;
    // Restarting the engine spawns its worker: on the async runtime, not a blocking thread.
    app.save_agent_settings(&name, refund_limit.as_deref())
        .map_err(from_app)
}
