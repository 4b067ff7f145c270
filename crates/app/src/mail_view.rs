//! Reading mail beyond its text: plain bodies split into text, quotes and signature (folded by
//! the UI), remote images loaded on request for one mail, attachments saved to a folder, and
//! import of an mbox file or a Maildir folder.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use serde::Serialize;
use shopdesk_mail::import::{import_mail, ImportError, ImportProgress, ImportRequest};
use shopdesk_mail::parse::BLOCKED_IMAGE_SRC;
use shopdesk_mail::{html_of_raw, split_quotes, RemoteImages, SegmentKind};
use shopdesk_store::MessageRecord;
use ts_rs::TS;

use crate::{App, AppError, DEMO_SUPPORT_ADDRESS};

/// Import progress is reported at most this often (and once at the end).
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// What the conversation shows of one message besides its text and sanitized HTML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MailDetailsView {
    #[ts(type = "number")]
    pub message_id: i64,
    /// The plain body as text, quoted and signature segments; empty for a flagged mail.
    pub segments: Vec<TextSegmentView>,
    /// Remote images replaced by a placeholder in the shown HTML.
    pub blocked_images: u32,
    /// The user chose "Load images" for this mail: its frame (`App::mail_frame_html`, served
    /// by the shell) then shows the HTML cleaned again keeping https images.
    pub images_allowed: bool,
    pub attachments: Vec<AttachmentItemView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TextSegmentView {
    pub kind: SegmentKindView,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum SegmentKindView {
    Text,
    Quote,
    Signature,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AttachmentItemView {
    /// What `save_attachment` takes.
    #[ts(type = "number")]
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    #[ts(type = "number")]
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SavedAttachmentView {
    pub path: String,
    /// The path with the home folder shown as `~`.
    pub shown_path: String,
}

/// How far an import has come (also its final result).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportProgressView {
    #[ts(type = "number")]
    pub messages: u64,
    #[ts(type = "number")]
    pub imported: u64,
    #[ts(type = "number")]
    pub duplicates: u64,
    #[ts(type = "number")]
    pub flagged: u64,
    #[ts(type = "number")]
    pub skipped: u64,
    #[ts(type = "number")]
    pub tickets_created: u64,
    #[ts(type = "number")]
    pub bytes_done: u64,
    #[ts(type = "number")]
    pub bytes_total: u64,
    pub done: bool,
}

impl ImportProgressView {
    fn new(p: &ImportProgress, done: bool) -> Self {
        ImportProgressView {
            messages: p.messages,
            imported: p.imported,
            duplicates: p.duplicates,
            flagged: p.flagged,
            skipped: p.skipped,
            tickets_created: p.tickets_created,
            bytes_done: p.bytes_done,
            bytes_total: p.bytes_total,
            done,
        }
    }
}

/// One mail's sanitized HTML as its frame shows it (the shell serves it under its own CSP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailFrameHtml {
    pub html: String,
    /// The user allowed this mail's remote images: `html` keeps its https images and the
    /// frame's CSP must allow `img-src https:`. Otherwise remote images are placeholders.
    pub remote_images: bool,
}

/// Why a mail file operation failed, as a sentence saying what to do.
#[derive(Debug, thiserror::Error)]
pub enum MailViewError {
    #[error("Message {0} does not exist (it may have been deleted). Reload the ticket.")]
    MessageNotFound(i64),
    #[error("Message {0} has no readable HTML part. Show it as text instead.")]
    NoHtml(i64),
    #[error(
        "Attachment {0} does not exist (its message may have been deleted). Reload the ticket."
    )]
    AttachmentNotFound(i64),
    #[error("The attachment \"{0}\" could not be found in the stored mail, which may be damaged. Open the mail in another client to get it.")]
    AttachmentUnreadable(String),
    #[error("The attachment could not be written to {folder}: {source}. Check that the folder exists, that you may write to it and that the disk is not full.")]
    Write {
        folder: String,
        #[source]
        source: std::io::Error,
    },
    #[error("Mail can only be imported once the support mailbox is set (its mail is filed as your replies). Connect the mailbox in Settings, then import again.")]
    NoSupportAddress,
    #[error("Import stopped after {0} mails, as asked. Import the same file again to add the rest: mails already in are not imported twice.")]
    Stopped(u64),
    #[error("The import failed: {0}.")]
    Import(ImportError),
}

impl From<ImportError> for MailViewError {
    fn from(error: ImportError) -> Self {
        match error {
            ImportError::Cancelled(mails) => MailViewError::Stopped(mails),
            other => MailViewError::Import(other),
        }
    }
}

impl App {
    /// Segments, image state and attachments of each message of a ticket.
    pub fn mail_details(&self, ticket_id: i64) -> Result<Vec<MailDetailsView>, AppError> {
        let store = self.store()?;
        let mut details = Vec::new();
        for message in store.messages_for_ticket(ticket_id)? {
            let allowed = store.remote_images_allowed(message.id)?;
            let raw = if allowed && message.body_html.is_some() && message.parse_error.is_none() {
                Some(store.raw_message(message.id)?)
            } else {
                None
            };
            details.push(details_of(message, allowed, raw.as_deref()));
        }
        Ok(details)
    }

    /// "Load images" for one mail: remembered, and its HTML cleaned again keeping https images.
    pub fn allow_remote_images(&self, message_id: i64) -> Result<MailDetailsView, AppError> {
        let mut store = self.store()?;
        match store.set_remote_images_allowed(message_id, true) {
            Err(shopdesk_store::StoreError::NotFound(_)) => {
                return Err(MailViewError::MessageNotFound(message_id).into())
            }
            other => other?,
        }
        let raw = store.raw_message(message_id)?;
        let ticket_id = store
            .message_ticket_id(message_id)?
            .ok_or(MailViewError::MessageNotFound(message_id))?;
        let message = store
            .messages_for_ticket(ticket_id)?
            .into_iter()
            .find(|m| m.id == message_id)
            .ok_or(MailViewError::MessageNotFound(message_id))?;
        Ok(details_of(message, true, Some(&raw)))
    }

    /// The sanitized HTML of one mail for its frame: the blocked version, or, once the user
    /// allowed its images, the one cleaned again keeping https images. Nothing else of the
    /// store is reachable through this (a flagged mail or one without HTML is `NoHtml`).
    pub fn mail_frame_html(&self, message_id: i64) -> Result<MailFrameHtml, AppError> {
        let store = self.store()?;
        let ticket_id = store
            .message_ticket_id(message_id)?
            .ok_or(MailViewError::MessageNotFound(message_id))?;
        let message = store
            .messages_for_ticket(ticket_id)?
            .into_iter()
            .find(|m| m.id == message_id)
            .ok_or(MailViewError::MessageNotFound(message_id))?;
        let blocked = match (message.parse_error, message.body_html) {
            (None, Some(html)) => html,
            _ => return Err(MailViewError::NoHtml(message_id).into()),
        };
        if store.remote_images_allowed(message_id)? {
            let raw = store.raw_message(message_id)?;
            if let Some(clean) = html_of_raw(&raw, RemoteImages::AllowHttps) {
                return Ok(MailFrameHtml {
                    html: clean.html,
                    remote_images: true,
                });
            }
        }
        Ok(MailFrameHtml {
            html: blocked,
            remote_images: false,
        })
    }

    /// Writes an attachment, cut from the stored mail, into `folder` under a safe name that
    /// replaces no file. Returns where it went.
    pub fn save_attachment(
        &self,
        attachment_id: i64,
        folder: &Path,
    ) -> Result<SavedAttachmentView, AppError> {
        let (location, raw) = {
            let store = self.store()?;
            let location = match store.attachment_location(attachment_id) {
                Err(shopdesk_store::StoreError::NotFound(_)) => {
                    return Err(MailViewError::AttachmentNotFound(attachment_id).into())
                }
                other => other?,
            };
            let raw = store.raw_message(location.message_row_id)?;
            (location, raw)
        };
        let bytes = shopdesk_mail::attachments::attachment_bytes(&raw, location.index)
            .ok_or_else(|| MailViewError::AttachmentUnreadable(location.filename.clone()))?;
        let path = std::fs::create_dir_all(folder)
            .and_then(|()| {
                shopdesk_mail::attachments::save_unique(folder, &location.filename, &bytes)
            })
            .map_err(|source| MailViewError::Write {
                folder: folder.display().to_string(),
                source,
            })?;
        Ok(SavedAttachmentView {
            shown_path: shown_path(&path),
            path: path.display().to_string(),
        })
    }

    /// Imports an mbox file or a Maildir folder; `progress` hears about it at most every 100 ms
    /// and once at the end (`done`).
    pub fn import_mail(
        &self,
        path: &Path,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(ImportProgressView),
    ) -> Result<ImportProgressView, AppError> {
        let support_address = self.import_support_address()?;
        let now = crate::demo::now_rfc3339();
        let request = ImportRequest {
            path,
            support_address: &support_address,
            now: &now,
            cancel,
        };
        let mut last = Instant::now();
        let result = import_mail(&self.store, &request, &mut |p| {
            if last.elapsed() >= PROGRESS_EVERY {
                last = Instant::now();
                progress(ImportProgressView::new(p, false));
            }
        })
        .map_err(MailViewError::from)?;
        let done = ImportProgressView::new(&result, true);
        progress(done.clone());
        Ok(done)
    }

    fn import_support_address(&self) -> Result<String, AppError> {
        if self.demo.is_some() {
            return Ok(DEMO_SUPPORT_ADDRESS.to_string());
        }
        let settings = self.store()?.mail_account_settings()?;
        settings
            .map(|s| s.address)
            .ok_or_else(|| MailViewError::NoSupportAddress.into())
    }
}

fn details_of(message: MessageRecord, allowed: bool, raw: Option<&[u8]>) -> MailDetailsView {
    let flagged = message.parse_error.is_some();
    let with_images = raw.and_then(|raw| html_of_raw(raw, RemoteImages::AllowHttps));
    let blocked_images = match (&with_images, &message.body_html) {
        (Some(clean), _) => clean.blocked_images,
        (None, Some(html)) if !flagged => html.matches(BLOCKED_IMAGE_SRC).count(),
        _ => 0,
    };
    MailDetailsView {
        message_id: message.id,
        segments: if flagged {
            Vec::new()
        } else {
            split_quotes(&message.body_text)
                .into_iter()
                .map(|s| TextSegmentView {
                    kind: match s.kind {
                        SegmentKind::Text => SegmentKindView::Text,
                        SegmentKind::Quote => SegmentKindView::Quote,
                        SegmentKind::Signature => SegmentKindView::Signature,
                    },
                    text: s.text,
                })
                .collect()
        },
        blocked_images: u32::try_from(blocked_images).unwrap_or(u32::MAX),
        images_allowed: allowed,
        attachments: message
            .attachments
            .into_iter()
            .map(|a| AttachmentItemView {
                id: a.id,
                filename: a.filename,
                content_type: a.content_type,
                size: a.size,
            })
            .collect(),
    }
}

/// `/home/ana/Downloads/x.pdf` as `~/Downloads/x.pdf`.
fn shown_path(path: &Path) -> String {
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"));
    match home.map(std::path::PathBuf::from) {
        Some(home) if !home.as_os_str().is_empty() => match path.strip_prefix(&home) {
            Ok(rest) => format!("~{}{}", std::path::MAIN_SEPARATOR, rest.display()),
            Err(_) => path.display().to_string(),
        },
        _ => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stopped_import_is_told_as_a_stop_not_a_failure() {
        let stopped = MailViewError::from(ImportError::Cancelled(18)).to_string();
        assert!(
            stopped.starts_with("Import stopped after 18 mails"),
            "{stopped}"
        );
        assert!(!stopped.contains("failed"), "{stopped}");
        let failed = MailViewError::from(ImportError::NotMail { path: "/x".into() }).to_string();
        assert!(
            failed.starts_with("The import failed: /x is neither"),
            "{failed}"
        );
    }
}
