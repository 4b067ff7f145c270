//! The local SQLite copy of the shop and the mailbox.
//!
//! Invariants:
//! - no network I/O here: callers bring records in, the store only reads and writes SQLite;
//! - every multi-row write (an order with its children, a page of a sync with its cursor, a mail
//!   with its ticket) is one transaction, so a crash never leaves half-written rows;
//! - money is stored as exact decimal text next to its currency code, never as REAL.

mod accounts;
mod agent_settings;
mod bulk_import;
mod commerce;
mod deletions;
mod error;
mod gid;
mod mail;
mod mail_batch;
mod mail_extras;
mod mailbox_state;
mod migrations;
mod order_actions;
mod order_rows;
mod order_writer;
mod outbox;
mod records;
mod search;
mod sync_state;
mod ticket_links;
mod ticket_notes;

use std::path::Path;

use rusqlite::Connection;

pub use accounts::{MailAccountSettings, ShopAccount};
pub use agent_settings::AgentSettings;
pub use bulk_import::{BulkImportFinish, BulkImportState, IndexesRestored, StagedLineItem};
pub use error::StoreError;
/// Which Shopify ids the store can key records by: callers check theirs before writing.
pub use gid::{number as id_number, Kind as IdKind};
pub use mail_batch::MailBatch;
pub use mail_extras::AttachmentLocation;
pub use mailbox_state::ImapFolderState;
pub use order_actions::{ActionNote, NewOrderAction, OrderActionRow, OrderActionState};
pub use order_rows::{LineItemRow, OrderRow};
pub use outbox::{Enqueued, NewOutboxEntry, OutboxEntry, OutboxKind, OutboxState};
pub use records::*;
pub use search::{SearchHit, SearchKind};
pub use sync_state::SyncCheckpoint;
pub use ticket_notes::TicketNote;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open Shopdesk database.
pub struct Store {
    conn: Connection,
    /// Copies the WAL into the file on another thread during a bulk import.
    checkpointer: Option<bulk_import::Checkpointer>,
}

impl Store {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        Self::init(conn)
    }

    /// A private in-memory database, for tests.
    pub fn open_in_memory() -> Result<Store> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Store> {
        configure(&mut conn)?;
        migrations::apply(&mut conn)?;
        Ok(Store {
            conn,
            checkpointer: None,
        })
    }

    /// Replaces the connection with a new one to the same file: nothing cached by the old one
    /// (FTS5 keeps its index's structure per connection) outlives it.
    pub(crate) fn reopen(&mut self) -> Result<()> {
        let Some(path) = self.path() else {
            return Ok(());
        };
        let mut conn = Connection::open(&path).map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        configure(&mut conn)?;
        self.conn = conn;
        Ok(())
    }

    /// The schema version the migrations brought the file to.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// The database file; `None` for an in-memory store. Background syncs open their own
    /// connection to it (WAL: readers are never blocked by their writes).
    pub fn path(&self) -> Option<std::path::PathBuf> {
        self.conn
            .path()
            .filter(|p| !p.is_empty())
            .map(std::path::PathBuf::from)
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

impl Store {
    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

/// The settings every connection to the store gets.
fn configure(conn: &mut Connection) -> Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Room for every statement the store prepares (the default 16 makes the busiest
    // paths, an order and its children, re-prepare each other's statements).
    conn.set_prepared_statement_cache_capacity(64);
    // Several connections write (the app, the background syncs): a deferred transaction
    // that reads first and then writes fails at once with SQLITE_BUSY when another
    // connection committed in between, whatever the busy timeout. An immediate one takes
    // the write lock up front, so it waits its turn instead.
    conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
    Ok(())
}
