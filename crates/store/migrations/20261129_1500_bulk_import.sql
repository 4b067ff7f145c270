-- Initial sync by bulk operation: where each import of a JSONL export stands, and the line
-- items waiting for the end of the import.

-- One row per (shop, resource): the import's operation and how far into its file the store is.
-- Written in the same transaction as each batch of records, so a crash resumes at the right line.
CREATE TABLE bulk_imports (
    shop_id        TEXT NOT NULL,
    resource       TEXT NOT NULL,              -- "orders", "customers"
    operation_id   TEXT NOT NULL,              -- gid://shopify/BulkOperation/N
    lines_done     INTEGER NOT NULL DEFAULT 0, -- lines of the file written
    bytes_done     INTEGER NOT NULL DEFAULT 0, -- bytes of the file up to the next line
    records_done   INTEGER NOT NULL DEFAULT 0, -- orders or customers written
    max_updated_at TEXT,                       -- becomes the sync watermark when finished
    started_at     TEXT NOT NULL,
    finished_at    TEXT,
    PRIMARY KEY (shop_id, resource)
) STRICT;

-- Line items arrive on their own lines, possibly before their order. They wait here (no
-- foreign key) and move into line_items, in file order, when the import finishes.
CREATE TABLE bulk_import_line_items (
    seq                  INTEGER PRIMARY KEY,  -- line number in the file: keeps the order
    order_id             TEXT NOT NULL,
    id                   TEXT NOT NULL,
    name                 TEXT NOT NULL,
    sku                  TEXT,
    variant_title        TEXT,
    quantity             INTEGER NOT NULL,
    current_quantity     INTEGER NOT NULL,
    refundable_quantity  INTEGER NOT NULL,
    unfulfilled_quantity INTEGER NOT NULL,
    unit_price_amount    TEXT NOT NULL,
    currency_code        TEXT NOT NULL,
    variant_id           TEXT,
    product_id           TEXT
) STRICT;
