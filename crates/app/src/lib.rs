//! The application layer: the use cases the desktop shell calls (list tickets, open a ticket with
//! its customer and orders, reply, ...), the mail channel (sync, IDLE, notifications, outbox),
//! demo mode, and the data types sent over IPC.
//!
//! It owns the store and the Shopify client; it knows nothing of Tauri. Every public type that
//! crosses IPC derives `ts_rs::TS`, and `cargo test -p shopdesk-app` writes their TypeScript
//! definitions into `ui/src/lib/bindings/`.

mod demo;
mod error;
mod mail;
mod mail_view;
pub mod onboarding;
pub mod order_actions;
mod replies;
mod search;
mod sync_runner;
mod tickets;
pub mod views;

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use shopdesk_store::Store;

pub use demo::{DEMO_SEED, DEMO_SUPPORT_ADDRESS};
pub use error::AppError;
pub use mail::{AppEvents, MailOptions, NoEvents};
pub use mail_view::{
    AttachmentItemView, ImportProgressView, MailDetailsView, MailFrameHtml, MailViewError,
    SavedAttachmentView, SegmentKindView, TextSegmentView,
};
pub use order_actions::views::*;
pub use sync_runner::{
    OrdersRefreshProblemView, SyncHandle, SyncProgressView, SyncRunner, SyncRunnerOptions,
    SyncStateView, SyncStatusView,
};
pub use views::*;

/// One running Shopdesk: its database, the connected mailbox if any, and, in demo mode, the
/// simulated Shopify it talks to.
pub struct App {
    /// Shared with the background mail and Shopify syncs, which lock it only around each write.
    store: Arc<Mutex<Store>>,
    demo: Option<demo::DemoRuntime>,
    mail: mail::MailSlot,
    /// The Shopify sync (first copy, schedule, refresh on ticket open), when a store is synced.
    sync: sync_runner::SyncSlot,
    /// The merchant's own store in live mode (see `onboarding`).
    live: Option<onboarding::LiveRuntime>,
    /// Refunds, replacements, cancellations, edits: on once a Shopify client exists.
    order_actions: order_actions::OrderActionsSlot,
}

impl App {
    /// Opens the database in `data_dir` without any Shopify connection (read-only use, tests).
    pub fn open(data_dir: &Path) -> Result<App, AppError> {
        Ok(App::assemble(open_store(data_dir)?, None))
    }

    fn assemble(store: Store, demo: Option<demo::DemoRuntime>) -> App {
        App {
            store: Arc::new(Mutex::new(store)),
            demo,
            mail: mail::MailSlot::default(),
            sync: sync_runner::SyncSlot::default(),
            live: None,
            order_actions: Default::default(),
        }
    }

    /// Simulator URL and token in demo mode, so tests can read what the simulated shop holds.
    pub fn demo_info(&self) -> Option<DemoInfo> {
        self.demo.as_ref().map(|d| d.info())
    }

    fn store(&self) -> Result<MutexGuard<'_, Store>, AppError> {
        // A panic while holding the lock can't leave the database half-written (every write is
        // a transaction), so a poisoned lock is safe to take over.
        Ok(self
            .store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()))
    }
}

/// Opens the database in `data_dir`, which holds customer data: the folder and the database
/// files are made readable by the current user only.
fn open_store(data_dir: &Path) -> Result<Store, AppError> {
    let data_dir_error = |source| AppError::DataDir {
        path: data_dir.display().to_string(),
        source,
    };
    std::fs::create_dir_all(data_dir).map_err(data_dir_error)?;
    restrict_to_owner(data_dir, 0o700).map_err(data_dir_error)?;
    let db_path = data_dir.join("shopdesk.db");
    // SQLite gives its -wal and -shm files the database file's mode, so that one is restricted
    // before SQLite first opens it (and again for files an older version left open to others).
    for file in ["shopdesk.db", "shopdesk.db-wal", "shopdesk.db-shm"] {
        let path = data_dir.join(file);
        if file == "shopdesk.db" && !path.exists() {
            create_private_file(&path).map_err(data_dir_error)?;
        } else if path.exists() {
            restrict_to_owner(&path, 0o600).map_err(data_dir_error)?;
        }
    }
    Ok(Store::open(&db_path)?)
}

fn create_private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

#[cfg(unix)]
fn restrict_to_owner(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

/// On Windows and macOS the per-user app data folder is already private to the user.
#[cfg(not(unix))]
fn restrict_to_owner(_path: &Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
}
