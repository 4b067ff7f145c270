//! Import of an mbox file (a Gmail Takeout export is one) or a Maildir folder into tickets,
//! through [`crate::ingest_raw`] like every other mail: same threading, same flagging of
//! unreadable mail, duplicates (same Message-ID, or the same bytes) skipped, so importing the
//! same file twice adds nothing.

mod maildir;
mod mbox;

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use shopdesk_store::Store;

pub use maildir::{is_maildir, maildir_files};
pub use mbox::MboxReader;

use crate::{ingest_raw, IngestContext, MailError};

/// Gmail labels whose mail is not support conversation.
const SKIPPED_GMAIL_LABELS: &[&str] = &["Spam", "Trash"];

/// How far an import has come; reported after each message.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportProgress {
    /// Mails read from the source so far.
    pub messages: u64,
    /// New mails stored.
    pub imported: u64,
    /// Mails already stored (same Message-ID or the same bytes).
    pub duplicates: u64,
    /// Mails kept raw and flagged because they could not be read.
    pub flagged: u64,
    /// Mails left out: Gmail's Spam and Trash.
    pub skipped: u64,
    pub tickets_created: u64,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(
        "{path} is neither an mbox file nor a Maildir folder (a folder with cur/ and new/); \
         choose the .mbox file of your export or the Maildir folder"
    )]
    NotMail { path: String },
    #[error("{path} could not be read ({source}); check the path and its permissions")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "the import was cancelled after {0} mails; importing again resumes without duplicates"
    )]
    Cancelled(u64),
    #[error(transparent)]
    Mail(#[from] MailError),
}

/// What to import and as whom.
pub struct ImportRequest<'a> {
    pub path: &'a Path,
    /// The shop's support mailbox: its mail is outbound.
    pub support_address: &'a str,
    /// RFC 3339 UTC; stands in for a missing Date.
    pub now: &'a str,
    /// Raised to stop between two mails.
    pub cancel: &'a AtomicBool,
}

/// Imports every mail of `request.path`, locking the store for each mail only, and calls
/// `progress` after each one.
pub fn import_mail(
    store: &Mutex<Store>,
    request: &ImportRequest<'_>,
    progress: &mut dyn FnMut(&ImportProgress),
) -> Result<ImportProgress, ImportError> {
    let path = request.path;
    let read_error = |source| ImportError::Read {
        path: path.display().to_string(),
        source,
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let mut state = ImportProgress::default();
    if path.is_dir() {
        if !is_maildir(path) {
            return Err(ImportError::NotMail {
                path: path.display().to_string(),
            });
        }
        let files = maildir_files(path).map_err(read_error)?;
        state.bytes_total = files.iter().map(|f| f.1).sum();
        let ctx = context(request, format!("maildir:{name}"));
        for (file, size) in files {
            let raw = std::fs::read(&file).map_err(read_error)?;
            state.bytes_done += size;
            file_one(store, &raw, &ctx, &mut state, request.cancel)?;
            progress(&state);
        }
    } else {
        let file = File::open(path).map_err(read_error)?;
        state.bytes_total = file.metadata().map_err(read_error)?.len();
        let mut reader = MboxReader::new(BufReader::with_capacity(1 << 16, file));
        let ctx = context(request, format!("mbox:{name}"));
        let mut any = false;
        while let Some(raw) = reader.next_message().map_err(read_error)? {
            any = true;
            state.bytes_done = reader.bytes_read();
            file_one(store, &raw, &ctx, &mut state, request.cancel)?;
            progress(&state);
        }
        if !any && state.bytes_total > 0 {
            return Err(ImportError::NotMail {
                path: path.display().to_string(),
            });
        }
    }
    Ok(state)
}

fn context(request: &ImportRequest<'_>, source: String) -> IngestContext {
    IngestContext {
        source,
        support_address: request.support_address.to_string(),
        now: request.now.to_string(),
    }
}

fn file_one(
    store: &Mutex<Store>,
    raw: &[u8],
    ctx: &IngestContext,
    state: &mut ImportProgress,
    cancel: &AtomicBool,
) -> Result<(), ImportError> {
    if cancel.load(Ordering::Relaxed) {
        return Err(ImportError::Cancelled(state.messages));
    }
    state.messages += 1;
    if raw.iter().all(u8::is_ascii_whitespace) {
        state.skipped += 1;
        return Ok(());
    }
    if has_gmail_label(raw, SKIPPED_GMAIL_LABELS) {
        state.skipped += 1;
        return Ok(());
    }
    let report = {
        // A panic elsewhere can't leave the store half-written (one transaction per mail).
        let mut store = store.lock().unwrap_or_else(|p| p.into_inner());
        ingest_raw(&mut store, raw, ctx)?
    };
    if report.duplicate {
        state.duplicates += 1;
    } else {
        state.imported += 1;
        state.flagged += u64::from(report.flagged);
        state.tickets_created += u64::from(report.created_ticket);
    }
    Ok(())
}

/// True if the mail's X-Gmail-Labels header (Takeout) names one of `labels`.
fn has_gmail_label(raw: &[u8], labels: &[&str]) -> bool {
    let header_end = raw
        .windows(2)
        .position(|w| w == b"\n\n")
        .unwrap_or(raw.len().min(64 * 1024));
    let headers = String::from_utf8_lossy(&raw[..header_end]);
    headers
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("X-Gmail-Labels").then_some(value)
        })
        .is_some_and(|value| {
            value
                .split(',')
                .any(|label| labels.iter().any(|l| label.trim().eq_ignore_ascii_case(l)))
        })
}
