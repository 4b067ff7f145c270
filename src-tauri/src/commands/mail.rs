//! The conversation's mail extras: quote segments, images and attachments of a ticket's mails,
//! "Load images" for one mail, saving an attachment into Downloads (the write happens here, in
//! Rust: the window has no file-system access), and importing an mbox file or Maildir folder
//! with progress as `mail-import-progress` events.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use shopdesk_app::{AppEvents, ImportProgressView, MailDetailsView, SavedAttachmentView};
use tauri::{Emitter, Manager};

use crate::commands::with_app;
use crate::error::{shell_error, CommandError};
use crate::events::ShellEvents;
use crate::state::Shell;

/// Import progress, payload [`ImportProgressView`].
pub const MAIL_IMPORT_PROGRESS: &str = "mail-import-progress";

#[tauri::command]
pub async fn mail_details(
    shell: tauri::State<'_, Shell>,
    ticket_id: i64,
) -> Result<Vec<MailDetailsView>, CommandError> {
    with_app(&shell, move |a| a.mail_details(ticket_id)).await
}

#[tauri::command]
pub async fn allow_remote_images(
    shell: tauri::State<'_, Shell>,
    message_id: i64,
) -> Result<MailDetailsView, CommandError> {
    with_app(&shell, move |a| a.allow_remote_images(message_id)).await
}

#[tauri::command]
pub async fn save_attachment(
    shell: tauri::State<'_, Shell>,
    app: tauri::AppHandle,
    attachment_id: i64,
) -> Result<SavedAttachmentView, CommandError> {
    let downloads = app.path().download_dir().map_err(|err| {
        shell_error(
            "noDownloads",
            format!("Shopdesk could not find your Downloads folder ({err}). Create it, then save again."),
        )
    })?;
    with_app(&shell, move |a| {
        a.save_attachment(attachment_id, &downloads)
    })
    .await
}

#[tauri::command]
pub async fn import_mail(
    shell: tauri::State<'_, Shell>,
    app: tauri::AppHandle,
    path: String,
) -> Result<ImportProgressView, CommandError> {
    let path = PathBuf::from(path.trim());
    if path.as_os_str().is_empty() {
        return Err(shell_error(
            "noPath",
            "Enter the path of an .mbox file or a Maildir folder, then import.".to_string(),
        ));
    }
    let emitter = app.clone();
    let result = with_app(&shell, move |a| {
        let cancel = AtomicBool::new(false);
        a.import_mail(&path, &cancel, &mut |progress| {
            if let Err(err) = emitter.emit(MAIL_IMPORT_PROGRESS, progress) {
                tracing::warn!("could not send import progress to the window: {err}");
            }
        })
    })
    .await;
    // Even a failed import may have filed mails before it stopped.
    ShellEvents::new(app).tickets_changed();
    result
}
