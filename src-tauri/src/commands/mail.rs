//! The conversation's mail extras: quote segments, images and attachments of a ticket's mails,
//! "Load images" for one mail, saving an attachment into Downloads (the write happens here, in
//! Rust: the window has no file-system access), and importing an mbox file or Maildir folder
//! with progress as `mail-import-progress` events.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use shopdesk_app::{AppEvents, ImportProgressView, MailDetailsView, SavedAttachmentView};
use tauri::{Emitter, Manager};

use crate::commands::with_app;
use crate::error::{shell_error, CommandError};
use crate::events::ShellEvents;
use crate::state::Shell;

/// Import progress, payload [`ImportProgressView`].
pub const MAIL_IMPORT_PROGRESS: &str = "mail-import-progress";

/// The stop flag of the mail import that runs, if one does ("Stop" in the import panel).
#[derive(Default)]
pub struct MailImports(Mutex<Option<Arc<AtomicBool>>>);

impl MailImports {
    fn start(&self) -> Arc<AtomicBool> {
        let cancel = Arc::new(AtomicBool::new(false));
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::clone(&cancel));
        cancel
    }

    fn finish(&self, cancel: &Arc<AtomicBool>) {
        let mut current = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if current.as_ref().is_some_and(|c| Arc::ptr_eq(c, cancel)) {
            *current = None;
        }
    }

    /// Asks the running import to stop after the mail it is filing; `false` if none runs.
    fn stop(&self) -> bool {
        let current = self.0.lock().unwrap_or_else(|p| p.into_inner());
        current
            .as_ref()
            .map(|cancel| cancel.store(true, Ordering::Relaxed))
            .is_some()
    }
}

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
    imports: tauri::State<'_, MailImports>,
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
    let cancel = imports.start();
    let flag = Arc::clone(&cancel);
    let result = with_app(&shell, move |a| {
        a.import_mail(&path, &flag, &mut |progress| {
            if let Err(err) = emitter.emit(MAIL_IMPORT_PROGRESS, progress) {
                tracing::warn!("could not send import progress to the window: {err}");
            }
        })
    })
    .await;
    imports.finish(&cancel);
    // Even a failed or stopped import may have filed mails before it stopped.
    ShellEvents::new(app).tickets_changed();
    result
}

/// "Stop" while an import runs: it ends after the mail being filed, with an error that says
/// how many mails were imported (importing the same file again resumes without duplicates).
#[tauri::command]
pub fn cancel_mail_import(imports: tauri::State<'_, MailImports>) -> bool {
    imports.stop()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_reaches_only_the_import_that_runs() {
        let imports = MailImports::default();
        assert!(!imports.stop(), "nothing runs yet");
        let first = imports.start();
        assert!(imports.stop());
        assert!(first.load(Ordering::Relaxed));
        imports.finish(&first);
        assert!(!imports.stop(), "the stopped import is over");
        let second = imports.start();
        // A late finish of an older import leaves the new one's flag in place.
        imports.finish(&first);
        assert!(imports.stop());
        assert!(second.load(Ordering::Relaxed));
    }
}
