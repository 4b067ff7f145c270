//! The orders' full-text index, rebuilt at the end of a bulk import on another thread while
//! the writer recreates the orders' indexes, then copied in.
//!
//! Rebuilding `orders_fts` from `orders` is a quarter of a second of tokenizing per 100k
//! orders, and recreating the indexes another; done one after the other on the writer, the
//! other core waits. Instead a thread of its own indexes a snapshot of `orders` (WAL: reading
//! never waits for the writer) into a scratch database next to the store, whose `orders_fts`
//! is made with the store's own `CREATE VIRTUAL TABLE`. Both are then the same FTS5 index of
//! the same rows, so the scratch one's tables (`orders_fts_data`, `_idx`, `_docsize`,
//! `_config`: SQLite's file format, which it keeps stable) are copied over the store's in the
//! transaction that puts the full-text triggers back.
//!
//! It is only a speed-up, and the rebuild stays the fallback: the copy is not used when the
//! thread failed, or when any transaction wrote orders after its snapshot (`orders_version`
//! moved: a customer refresh, an order action reading an order back, a deletion), or when its
//! count differs from the store's.
//!
//! The scratch file holds the orders' names, emails, notes and tags: it sits next to the store
//! (same folder, same permissions) and is removed when the restore ends, or after a crash when
//! the next one starts.

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use rusqlite::{Connection, Transaction};

use crate::{Result, Store};

/// The orders' full-text index being built on its own thread.
pub(crate) struct SearchBeside {
    thread: Option<JoinHandle<rusqlite::Result<Snapshot>>>,
    path: PathBuf,
}

/// What the thread indexed: `orders` as of `orders_version` `version`, `indexed` rows.
#[derive(Debug, Clone, Copy)]
struct Snapshot {
    version: i64,
    indexed: i64,
}

/// A finished index: its scratch file, and what it covers.
pub(crate) struct BuiltBeside {
    path: PathBuf,
    snapshot: Snapshot,
}

impl Store {
    /// Starts indexing the stored orders on another thread (the caller checked that the
    /// orders' full-text triggers are set aside); `None` for an in-memory store, or when the
    /// thread cannot start.
    pub(crate) fn start_search_beside(&self) -> Option<SearchBeside> {
        let path = self.path()?;
        let table = self
            .conn()
            .query_row(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'orders_fts'",
                [],
                |r| r.get(0),
            )
            .inspect_err(|error| tracing::warn!(%error, "the orders' search index definition"))
            .ok()?;
        SearchBeside::start(&path, table)
    }
}

impl SearchBeside {
    /// The scratch file next to the store at `store`.
    fn scratch_path(store: &Path) -> PathBuf {
        let mut name = store.as_os_str().to_owned();
        name.push("-orders-search");
        PathBuf::from(name)
    }

    /// Starts the thread; a scratch file left by an earlier run is replaced. `None` (logged)
    /// when it cannot start: the index is then rebuilt as before.
    fn start(store: &Path, table: String) -> Option<SearchBeside> {
        let path = Self::scratch_path(store);
        remove_scratch(&path);
        let store = store.to_path_buf();
        let started = Connection::open(&path)
            .map_err(|e| e.to_string())
            .and_then(|conn| {
                std::thread::Builder::new()
                    .name("store-orders-search".into())
                    .spawn(move || build(&conn, &store, &table))
                    .map_err(|e| e.to_string())
            });
        match started {
            Ok(thread) => Some(SearchBeside {
                thread: Some(thread),
                path,
            }),
            Err(error) => {
                tracing::warn!(%error, "the orders' search index is rebuilt on the writer");
                remove_scratch(&path);
                None
            }
        }
    }

    /// Waits for the thread: the index it built, or `None` when it failed (logged).
    pub(crate) fn finish(&mut self) -> Option<BuiltBeside> {
        match self.thread.take()?.join() {
            Ok(Ok(snapshot)) => Some(BuiltBeside {
                path: self.path.clone(),
                snapshot,
            }),
            Ok(Err(error)) => {
                tracing::warn!(%error, "the orders' search index could not be built aside");
                None
            }
            Err(_) => {
                tracing::warn!("the orders' search index thread panicked");
                None
            }
        }
    }
}

impl Drop for SearchBeside {
    /// Waits for the thread and removes the scratch file (it holds customers' data).
    fn drop(&mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        remove_scratch(&self.path);
    }
}

fn remove_scratch(path: &Path) {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => tracing::warn!(%error, path = %path.display(), "scratch file left behind"),
    }
}

/// The thread: `table` (the store's `CREATE VIRTUAL TABLE orders_fts`) made in the scratch
/// database and filled with the columns it indexes, from one read snapshot of the store's
/// `orders`. The file is thrown away on any failure, so it needs no journal.
fn build(conn: &Connection, store: &Path, table: &str) -> rusqlite::Result<Snapshot> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(Some("main"), "journal_mode", "OFF")?;
    conn.pragma_update(Some("main"), "synchronous", "OFF")?;
    conn.execute(
        &format!("ATTACH ?1 AS {STORE}"),
        [store.to_string_lossy().as_ref()],
    )?;
    conn.execute_batch("BEGIN")?;
    conn.execute_batch(table)?;
    // The indexed columns, as the store's definition names them (they are `orders` columns).
    let columns = conn
        .prepare("SELECT name FROM pragma_table_info('orders_fts')")?
        .query_map([], |r| r.get::<_, String>(0))?
        .map(|name| name.map(|name| format!("\"{}\"", name.replace('"', "\"\""))))
        .collect::<rusqlite::Result<Vec<_>>>()?
        .join(", ");
    // The index's content table, by name; it stays empty (only the index is copied).
    conn.execute_batch(&format!(
        "CREATE TABLE main.orders (id INTEGER PRIMARY KEY, {columns})"
    ))?;
    // The first read of the store fixes the snapshot both statements see.
    let version = conn.query_row(
        &format!("SELECT version FROM {STORE}.orders_version"),
        [],
        |r| r.get(0),
    )?;
    let indexed = conn.execute(
        &format!(
            "INSERT INTO main.orders_fts (rowid, {columns})
             SELECT id, {columns} FROM {STORE}.orders"
        ),
        [],
    )?;
    conn.execute_batch("COMMIT")?;
    Ok(Snapshot {
        version,
        indexed: indexed as i64,
    })
}

/// Name under which the thread sees the store.
const STORE: &str = "store";
/// Name under which the restoring transaction sees the scratch database.
const SCRATCH: &str = "orders_search_beside";

/// Attaches the scratch database of `built` to `conn` (outside any transaction: SQLite
/// attaches only there).
pub(crate) fn attach(conn: &Connection, built: &BuiltBeside) -> Result<()> {
    conn.execute(
        &format!("ATTACH ?1 AS {SCRATCH}"),
        [built.path.to_string_lossy().as_ref()],
    )?;
    Ok(())
}

pub(crate) fn detach(conn: &Connection) -> Result<()> {
    conn.execute_batch(&format!("DETACH {SCRATCH}"))?;
    Ok(())
}

/// In the restoring transaction: copies the index built aside over `orders_fts` when it
/// covers the stored orders as they are. `false`: rebuild instead.
pub(crate) fn copy_index(tx: &Transaction<'_>, built: &BuiltBeside) -> Result<bool> {
    let version: i64 = tx.query_row("SELECT version FROM main.orders_version", [], |r| r.get(0))?;
    let stored: i64 = tx.query_row("SELECT count(*) FROM main.orders", [], |r| r.get(0))?;
    let Snapshot {
        version: indexed_version,
        indexed,
    } = built.snapshot;
    if version != indexed_version || stored != indexed {
        tracing::debug!(
            version,
            indexed_version,
            stored,
            indexed,
            "orders changed since the search index was built aside: rebuilt instead"
        );
        return Ok(false);
    }
    for shadow in ["data", "idx", "content", "docsize", "config"] {
        let table = format!("orders_fts_{shadow}");
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?1)",
            [&table],
            |r| r.get(0),
        )?;
        if exists {
            tx.execute_batch(&format!(
                "DELETE FROM main.{table};
                 INSERT INTO main.{table} SELECT * FROM {SCRATCH}.{table};"
            ))?;
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file store with `n` orders written as a bulk import writes them, its orders'
    /// full-text triggers set aside.
    fn store_mid_import(path: &Path, n: i64) -> Store {
        let mut store = Store::open(path).unwrap();
        store.defer_indexes_for_bulk_import().unwrap();
        let tx = store.conn_mut().transaction().unwrap();
        tx.execute_batch(
            "INSERT INTO shops (id, domain, name, currency_code)
             VALUES ('gid://shopify/Shop/1', 'acme.myshopify.com', 'Acme', 'EUR')",
        )
        .unwrap();
        crate::order_writer::count_orders_write(&tx).unwrap();
        for id in 1..=n {
            tx.execute(
                "INSERT INTO orders (id, shop_id, name, email, created_at, processed_at,
                     updated_at, financial_status, fulfillment_status, currency_code,
                     presentment_currency_code, subtotal_amount, shipping_amount, tax_amount,
                     total_amount, current_total_amount, refunded_amount,
                     presentment_total_amount, note)
                 VALUES (?1, 'gid://shopify/Shop/1', '#' || ?1, 'a@example.com',
                     '2026-11-01T10:00:00Z', '2026-11-01T10:00:00Z', '2026-11-01T10:00:00Z',
                     'PAID', 'UNFULFILLED', 'EUR', 'EUR', '1', '0', '0', '1', '1', '0', '1',
                     'teapot')",
                [id],
            )
            .unwrap();
        }
        tx.commit().unwrap();
        store
    }

    /// Whether the restoring transaction would copy `built` in (rolled back either way).
    fn usable(store: &mut Store, built: &BuiltBeside) -> bool {
        attach(store.conn(), built).unwrap();
        let tx = store.conn_mut().transaction().unwrap();
        let usable = copy_index(&tx, built).unwrap();
        drop(tx);
        detach(store.conn()).unwrap();
        usable
    }

    #[test]
    fn an_index_built_aside_is_used_only_while_no_order_changed_after_its_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.sqlite");
        let mut store = store_mid_import(&path, 40);
        // What a crash in the middle of an earlier build leaves: replaced.
        std::fs::write(SearchBeside::scratch_path(&path), b"half a database").unwrap();
        let mut aside = store.start_search_beside().expect("a file store");
        let built = aside.finish().expect("built");
        assert_eq!(built.snapshot.indexed, 40);
        assert!(usable(&mut store, &built));

        // Another connection (a customer refresh, say) changes an order: same count.
        let mut other = Store::open(&path).unwrap();
        let mut changed = other.order("gid://shopify/Order/7").unwrap().unwrap();
        changed.note = Some("kettle".into());
        changed.updated_at = "2026-11-02T10:00:00Z".into();
        other.upsert_orders_page(&[changed], None).unwrap();

        assert!(!usable(&mut store, &built), "the snapshot is out of date");
        drop(aside);
        assert!(!SearchBeside::scratch_path(&path).exists(), "removed");
        let restored = store.restore_deferred_indexes().unwrap();
        assert!(
            restored.orders_search_built_aside,
            "a new snapshot is taken"
        );
        assert_eq!(store.search("teapot", 100).unwrap().len(), 39);
        assert_eq!(store.search("kettle", 100).unwrap().len(), 1);
    }

    #[test]
    fn without_the_triggers_set_aside_nothing_is_built() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.sqlite");
        let mut store = store_mid_import(&path, 3);
        assert!(store.set_aside_feeds("orders_fts").unwrap());
        store.restore_deferred_indexes().unwrap();
        assert!(!store.set_aside_feeds("orders_fts").unwrap());
        let again = store.restore_deferred_indexes().unwrap();
        assert!(!again.restored && !again.orders_search_built_aside);
        assert!(Store::open_in_memory()
            .unwrap()
            .start_search_beside()
            .is_none());
    }
}
