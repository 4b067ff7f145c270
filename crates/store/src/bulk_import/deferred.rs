//! Indexes and full-text triggers set aside while an initial bulk import writes, and put back
//! in one transaction at its end (see `migrations/20261129_1900_sync_extras.sql`).
//!
//! Only what the import does not read is set aside: the lookup indexes on customers and orders
//! and the triggers that feed `orders_fts`/`customers_fts`. Primary keys and the `order_id`
//! indexes of line items, fulfillments and refunds stay: every order upsert deletes its
//! children by `order_id`, and foreign keys check them.

use rusqlite::OptionalExtension;

use crate::{Result, Store};

/// Set aside for the import, by name.
const DEFERRED: &[&str] = &[
    "customers_email",
    "orders_customer",
    "orders_name",
    "orders_updated",
    "orders_ai",
    "orders_ad",
    "orders_au",
    "customers_ai",
    "customers_ad",
    "customers_au",
];

/// Full-text indexes whose triggers are set aside: rebuilt from their tables at the end.
const REBUILT: &[&str] = &["orders_fts", "customers_fts"];

impl Store {
    /// Drops the indexes and full-text triggers a bulk import does not need, keeping their SQL
    /// in `deferred_schema`, in one transaction. Returns `false` (and changes nothing) when they
    /// are already set aside: a resumed import.
    pub fn defer_indexes_for_bulk_import(&mut self) -> Result<bool> {
        let tx = self.conn_mut().transaction()?;
        let deferred: i64 =
            tx.query_row("SELECT count(*) FROM deferred_schema", [], |r| r.get(0))?;
        if deferred > 0 {
            return Ok(false);
        }
        for name in DEFERRED {
            let found: Option<(String, String)> = tx
                .query_row(
                    "SELECT type, sql FROM sqlite_master
                     WHERE name = ?1 AND type IN ('index', 'trigger') AND sql IS NOT NULL",
                    [name],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((kind, sql)) = found else { continue };
            tx.execute(
                "INSERT INTO deferred_schema (name, type, sql) VALUES (?1, ?2, ?3)",
                [name, kind.as_str(), sql.as_str()],
            )?;
            // The names are our own constants, not input.
            let drop = if kind == "index" { "INDEX" } else { "TRIGGER" };
            tx.execute_batch(&format!("DROP {drop} \"{name}\""))?;
        }
        tx.commit()?;
        Ok(true)
    }

    /// Indexes are set aside for an import that has not finished: search over orders and
    /// customers is incomplete until [`Store::restore_deferred_indexes`] runs.
    pub fn search_index_rebuilding(&self) -> Result<bool> {
        let deferred: i64 =
            self.conn()
                .query_row("SELECT count(*) FROM deferred_schema", [], |r| r.get(0))?;
        Ok(deferred > 0)
    }

    /// Recreates what [`Store::defer_indexes_for_bulk_import`] set aside and rebuilds the
    /// full-text indexes from their tables, in one transaction. Returns `false` when nothing
    /// was set aside.
    pub fn restore_deferred_indexes(&mut self) -> Result<bool> {
        self.restore_deferred_indexes_with(|| Ok(()))
    }

    /// As [`Store::restore_deferred_indexes`]; `before_commit` runs with everything rebuilt but
    /// not yet committed, and an error from it rolls all of it back (tests: a crash there).
    pub fn restore_deferred_indexes_with(
        &mut self,
        before_commit: impl FnOnce() -> Result<()>,
    ) -> Result<bool> {
        let tx = self.conn_mut().transaction()?;
        let statements: Vec<String> = tx
            .prepare("SELECT sql FROM deferred_schema ORDER BY type, name")?
            .query_map([], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        if statements.is_empty() {
            return Ok(false);
        }
        for sql in &statements {
            tx.execute_batch(sql)?;
        }
        for fts in REBUILT {
            tx.execute_batch(&format!("INSERT INTO {fts}({fts}) VALUES ('rebuild')"))?;
        }
        tx.execute("DELETE FROM deferred_schema", [])?;
        before_commit()?;
        tx.commit()?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StoreError;

    fn schema(store: &Store) -> Vec<String> {
        let mut names: Vec<String> = store
            .conn()
            .prepare(
                "SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<std::result::Result<_, _>>()
            .unwrap();
        names.sort();
        names
    }

    #[test]
    fn set_aside_then_restored_exactly() {
        let mut store = Store::open_in_memory().unwrap();
        let before = schema(&store);
        assert!(store.defer_indexes_for_bulk_import().unwrap());
        assert!(store.search_index_rebuilding().unwrap());
        let during = schema(&store);
        assert!(!during.contains(&"orders_ai".to_string()));
        assert!(!during.contains(&"orders_customer".to_string()));
        assert!(during.contains(&"line_items_order".to_string()), "kept");
        assert!(!store.defer_indexes_for_bulk_import().unwrap(), "already");

        let failed = store.restore_deferred_indexes_with(|| {
            Err(StoreError::NotFound("a crash before commit".into()))
        });
        assert!(failed.is_err());
        assert_eq!(schema(&store), during, "rolled back");
        assert!(store.search_index_rebuilding().unwrap());

        assert!(store.restore_deferred_indexes().unwrap());
        assert_eq!(schema(&store), before);
        assert!(!store.search_index_rebuilding().unwrap());
        assert!(!store.restore_deferred_indexes().unwrap());
    }
}
