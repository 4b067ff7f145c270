//! Full-text search over messages, customers and orders (SQLite FTS5).

use rusqlite::params;

use crate::gid::{gid, Kind};
use crate::{Result, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchKind {
    Message,
    Customer,
    Order,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub kind: SearchKind,
    /// messages.id as text, or the customer/order GID.
    pub id: String,
    /// The ticket a message hit belongs to.
    pub ticket_id: Option<i64>,
    pub title: String,
}

impl Store {
    /// Searches everything for `query` (words, each matched as a prefix), best matches first.
    pub fn search(&self, query: &str, limit: u32) -> Result<Vec<SearchHit>> {
        let Some(fts_query) = fts_query(query) else {
            return Ok(Vec::new());
        };
        let mut hits = Vec::new();
        let mut stmt = self.conn().prepare_cached(
            "SELECT m.id, m.ticket_id, m.subject FROM messages_fts f JOIN messages m ON m.id = f.rowid
             WHERE messages_fts MATCH ?1 ORDER BY rank LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![fts_query, limit], |r| {
            Ok(SearchHit {
                kind: SearchKind::Message,
                id: r.get::<_, i64>(0)?.to_string(),
                ticket_id: r.get(1)?,
                title: r.get(2)?,
            })
        })?;
        hits.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.id, c.display_name FROM customers_fts f JOIN customers c ON c.id = f.rowid
             WHERE customers_fts MATCH ?1 ORDER BY rank LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![fts_query, limit], |r| {
            Ok(SearchHit {
                kind: SearchKind::Customer,
                id: gid(Kind::Customer, r.get(0)?),
                ticket_id: None,
                title: r.get(1)?,
            })
        })?;
        hits.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
        let mut stmt = self.conn().prepare_cached(
            "SELECT o.id, o.name FROM orders_fts f JOIN orders o ON o.id = f.rowid
             WHERE orders_fts MATCH ?1 ORDER BY rank LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![fts_query, limit], |r| {
            Ok(SearchHit {
                kind: SearchKind::Order,
                id: gid(Kind::Order, r.get(0)?),
                ticket_id: None,
                title: r.get(1)?,
            })
        })?;
        hits.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
        Ok(hits)
    }
}

/// Turns what a person typed into an FTS5 query: each word quoted (so `#1001` or `o'brien` can't
/// break the syntax) and matched as a prefix, all words required.
fn fts_query(input: &str) -> Option<String> {
    let terms: Vec<String> = input
        .split(|c: char| c.is_whitespace() || c == '#')
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" AND "))
}
