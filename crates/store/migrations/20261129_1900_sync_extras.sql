-- Indexes and full-text triggers set aside during an initial bulk import (writing 100k orders
-- without them is several times faster), with the SQL that recreates them. The rows are
-- written in the same transaction that drops them, and deleted in the one that recreates them
-- and rebuilds the full-text indexes, so a crash at any point leaves either the full schema or
-- this list: the next sync finishes the import and the rebuild. While rows are here, search
-- over orders and customers is incomplete ("search index rebuilding").
CREATE TABLE deferred_schema (
    name TEXT PRIMARY KEY,
    type TEXT NOT NULL CHECK (type IN ('index', 'trigger')),
    sql  TEXT NOT NULL
) STRICT;
