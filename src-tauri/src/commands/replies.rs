//! Replies from the conversation: send (queued in the outbox, or filed in demo mode), list,
//! cancel while queued, retry when failed. Each change is announced as `tickets-changed`.

use shopdesk_app::{AppEvents, ReplyView};

use crate::commands::with_app;
use crate::error::CommandError;
use crate::events::ShellEvents;
use crate::state::Shell;

#[tauri::command]
pub async fn send_reply(
    shell: tauri::State<'_, Shell>,
    app: tauri::AppHandle,
    ticket_id: i64,
    body: String,
    idempotency_key: String,
) -> Result<ReplyView, CommandError> {
    let reply = with_app(&shell, move |a| {
        a.send_reply(ticket_id, &body, &idempotency_key)
    })
    .await?;
    ShellEvents::new(app).tickets_changed();
    Ok(reply)
}

#[tauri::command]
pub async fn replies(
    shell: tauri::State<'_, Shell>,
    ticket_id: i64,
) -> Result<Vec<ReplyView>, CommandError> {
    with_app(&shell, move |a| a.replies(ticket_id)).await
}

#[tauri::command]
pub async fn cancel_reply(
    shell: tauri::State<'_, Shell>,
    app: tauri::AppHandle,
    reply_id: i64,
) -> Result<ReplyView, CommandError> {
    let reply = with_app(&shell, move |a| a.cancel_reply(reply_id)).await?;
    ShellEvents::new(app).tickets_changed();
    Ok(reply)
}

#[tauri::command]
pub async fn retry_reply(
    shell: tauri::State<'_, Shell>,
    app: tauri::AppHandle,
    reply_id: i64,
) -> Result<ReplyView, CommandError> {
    let reply = with_app(&shell, move |a| a.retry_reply(reply_id)).await?;
    ShellEvents::new(app).tickets_changed();
    Ok(reply)
}
