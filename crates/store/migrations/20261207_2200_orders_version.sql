-- How many transactions have written orders: every writer of `orders` (OrderWriter in
-- crates/store/src/order_writer.rs, and deletions) adds one. At the end of a bulk import the
-- orders' full-text index is built from a snapshot of `orders` on another thread
-- (crates/store/src/bulk_import/search_beside.rs) and used only if this number has not moved
-- since that snapshot; otherwise the index is rebuilt from the table as before.
CREATE TABLE orders_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
) STRICT;
INSERT INTO orders_version (id, version) VALUES (1, 0);
