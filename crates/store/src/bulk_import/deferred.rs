//! Indexes and full-text triggers set aside while an initial bulk import writes, and put back
//! at its end (see `migrations/20261129_1900_sync_extras.sql`): the indexes, then the triggers
//! with the full-text indexes rebuilt, the orders' one built meanwhile on another thread
//! (`search_beside.rs`); the customers' share in a transaction of its own as soon as the
//! customers are in.
//!
//! Only what the import does not read is set aside: the lookup indexes on customers and orders
//! and the triggers that feed `orders_fts`/`customers_fts`. Primary keys and the `order_id`
//! indexes of line items, fulfillments and refunds stay: every order upsert deletes its
//! children by `order_id`, and foreign keys check them.

use rusqlite::OptionalExtension;

use super::search_beside::{self, BuiltBeside};
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

/// The customers' share of [`DEFERRED`]: put back as soon as the customers are in, while the
/// orders (whose export takes longer) are still coming.
const CUSTOMERS: &[&str] = &[
    "customers_email",
    "customers_ai",
    "customers_ad",
    "customers_au",
];

/// Which of the set-aside items one transaction puts back.
#[derive(Clone, Copy)]
enum Scope {
    All,
    /// The indexes only (the triggers wait for the orders' index built aside).
    Indexes,
    /// The customers' share ([`CUSTOMERS`]).
    Customers,
}

impl Scope {
    fn takes(self, name: &str, kind: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Indexes => kind == "index",
            Scope::Customers => CUSTOMERS.contains(&name),
        }
    }
}

/// The full-text index a set-aside trigger feeds: rebuilt from its table when the trigger is
/// put back.
fn fed_by(trigger: &str) -> Option<&'static str> {
    match trigger {
        "orders_ai" | "orders_ad" | "orders_au" => Some("orders_fts"),
        "customers_ai" | "customers_ad" | "customers_au" => Some("customers_fts"),
        _ => None,
    }
}

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
    /// full-text indexes from their tables. Done in one transaction, or in two when the store
    /// is a file: the indexes first, while another thread indexes the orders' text (see
    /// `search_beside.rs`), then the triggers with that index copied in.
    pub fn restore_deferred_indexes(&mut self) -> Result<IndexesRestored> {
        self.restore_deferred_indexes_with(|| Ok(()))
    }

    /// As [`Store::restore_deferred_indexes`]; `before_commit` runs before the (last)
    /// transaction commits, and an error from it rolls that transaction back (tests: a crash
    /// there).
    pub fn restore_deferred_indexes_with(
        &mut self,
        before_commit: impl FnOnce() -> Result<()>,
    ) -> Result<IndexesRestored> {
        let aside = match self.set_aside_feeds("orders_fts")? {
            true => self.start_search_beside(),
            false => None,
        };
        let Some(mut aside) = aside else {
            return self.restore_in_transaction(Scope::All, None, before_commit);
        };
        // A crash after this transaction leaves the rest set aside, for the next run.
        let indexes = self.restore_in_transaction(Scope::Indexes, None, || Ok(()))?;
        let Some(built) = aside.finish() else {
            let rest = self.restore_in_transaction(Scope::All, None, before_commit)?;
            return Ok(rest.and(indexes));
        };
        search_beside::attach(self.conn(), &built)?;
        let rest = self.restore_in_transaction(Scope::All, Some(&built), before_commit);
        let detached = search_beside::detach(self.conn());
        let copied = rest
            .as_ref()
            .is_ok_and(|rest| rest.orders_search_built_aside);
        if copied || detached.is_err() {
            // This connection may have read the orders' index before it was copied in, and
            // FTS5 rereads it only after another connection's commit; a new connection also
            // lets go of the scratch file.
            self.reopen()?;
        }
        // Removes the scratch file, now that no connection has it open.
        drop(aside);
        Ok(rest?.and(indexes))
    }

    /// Puts back only what was set aside for customers (their lookup index, their full-text
    /// triggers, and rebuilds their full-text index), in one transaction: a first copy calls
    /// it once the customers are in, so that their search works, and this work is done, while
    /// the orders export still runs. Returns `false` when none of it was set aside.
    pub fn restore_deferred_customer_indexes(&mut self) -> Result<bool> {
        Ok(self
            .restore_in_transaction(Scope::Customers, None, || Ok(()))?
            .restored)
    }

    /// A set-aside trigger feeds the full-text index `fts`: it is to be rebuilt.
    pub(super) fn set_aside_feeds(&self, fts: &str) -> Result<bool> {
        let names = self
            .conn()
            .prepare("SELECT name FROM deferred_schema")?
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(names.iter().any(|name| fed_by(name) == Some(fts)))
    }

    /// Recreates the set-aside items `scope` takes and rebuilds the full-text indexes their
    /// triggers feed, in one transaction; the orders' one is copied from `built` instead when
    /// that index is usable.
    fn restore_in_transaction(
        &mut self,
        scope: Scope,
        built: Option<&BuiltBeside>,
        before_commit: impl FnOnce() -> Result<()>,
    ) -> Result<IndexesRestored> {
        let tx = self.conn_mut().transaction()?;
        let mut items: Vec<(String, String, String)> = tx
            .prepare("SELECT name, type, sql FROM deferred_schema ORDER BY type, name")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<std::result::Result<_, _>>()?;
        items.retain(|(name, kind, _)| scope.takes(name, kind));
        let mut done = IndexesRestored {
            restored: !items.is_empty(),
            orders_search_built_aside: false,
        };
        let mut rebuilt: Vec<&str> = Vec::new();
        for (name, _, sql) in &items {
            tx.execute_batch(sql)?;
            tx.execute("DELETE FROM deferred_schema WHERE name = ?1", [name])?;
            if let Some(fts) = fed_by(name).filter(|fts| !rebuilt.contains(fts)) {
                rebuilt.push(fts);
            }
        }
        for fts in rebuilt {
            if fts == "orders_fts" {
                if let Some(built) = built {
                    done.orders_search_built_aside = search_beside::copy_index(&tx, built)?;
                }
                if done.orders_search_built_aside {
                    continue;
                }
            }
            tx.execute_batch(&format!("INSERT INTO {fts}({fts}) VALUES ('rebuild')"))?;
        }
        before_commit()?;
        tx.commit()?;
        Ok(done)
    }
}

/// What putting back the indexes set aside for a bulk import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IndexesRestored {
    /// Something was set aside, and is back.
    pub restored: bool,
    /// The orders' full-text index was built on another thread while the indexes were
    /// recreated, and copied in, instead of rebuilt after them.
    pub orders_search_built_aside: bool,
}

impl IndexesRestored {
    /// Both steps of one restore.
    fn and(self, earlier: IndexesRestored) -> IndexesRestored {
        IndexesRestored {
            restored: self.restored || earlier.restored,
            orders_search_built_aside: self.orders_search_built_aside,
        }
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

        assert!(store.restore_deferred_indexes().unwrap().restored);
        assert_eq!(schema(&store), before);
        assert!(!store.search_index_rebuilding().unwrap());
        assert!(!store.restore_deferred_indexes().unwrap().restored);
    }

    #[test]
    fn the_customers_share_comes_back_first_and_alone() {
        let mut store = Store::open_in_memory().unwrap();
        let before = schema(&store);
        store.defer_indexes_for_bulk_import().unwrap();

        assert!(store.restore_deferred_customer_indexes().unwrap());
        let between = schema(&store);
        for name in CUSTOMERS {
            assert!(between.contains(&name.to_string()), "{name} is back");
        }
        assert!(!between.contains(&"orders_ai".to_string()));
        assert!(!between.contains(&"orders_customer".to_string()));
        assert!(
            store.search_index_rebuilding().unwrap(),
            "orders still set aside"
        );
        assert!(!store.restore_deferred_customer_indexes().unwrap());

        assert!(store.restore_deferred_indexes().unwrap().restored);
        assert_eq!(schema(&store), before);
    }
}
