-- Shopdesk local store, first schema.
-- Money is TEXT holding an exact decimal, always next to its ISO 4217 currency code; never REAL.
-- Timestamps are TEXT in RFC 3339 UTC ("2026-11-28T12:00:00Z"), so they sort as strings.

CREATE TABLE shops (
    id              TEXT PRIMARY KEY,          -- gid://shopify/Shop/N
    domain          TEXT NOT NULL,
    name            TEXT NOT NULL,
    currency_code   TEXT NOT NULL,
    synced_at       TEXT
) STRICT;

CREATE TABLE customers (
    id                TEXT PRIMARY KEY,        -- gid://shopify/Customer/N
    shop_id           TEXT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    display_name      TEXT NOT NULL,
    first_name        TEXT,
    last_name         TEXT,
    email             TEXT COLLATE NOCASE,
    phone             TEXT,
    number_of_orders  INTEGER NOT NULL DEFAULT 0,
    amount_spent      TEXT NOT NULL,
    amount_spent_currency TEXT NOT NULL,
    tags              TEXT NOT NULL DEFAULT '',
    note              TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
) STRICT;
CREATE INDEX customers_email ON customers(email);

CREATE TABLE orders (
    id                   TEXT PRIMARY KEY,     -- gid://shopify/Order/N
    shop_id              TEXT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    customer_id          TEXT,                 -- no FK: an order may arrive before its customer
    name                 TEXT NOT NULL,        -- "#1001"
    email                TEXT COLLATE NOCASE,
    created_at           TEXT NOT NULL,
    processed_at         TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    cancelled_at         TEXT,
    cancel_reason        TEXT,
    closed_at            TEXT,
    financial_status     TEXT NOT NULL,
    fulfillment_status   TEXT NOT NULL,
    currency_code        TEXT NOT NULL,        -- shop currency: every *_amount below is in it
    presentment_currency_code TEXT NOT NULL,
    subtotal_amount      TEXT NOT NULL,
    shipping_amount      TEXT NOT NULL,
    tax_amount           TEXT NOT NULL,
    total_amount         TEXT NOT NULL,
    current_total_amount TEXT NOT NULL,
    refunded_amount      TEXT NOT NULL,
    presentment_total_amount TEXT NOT NULL,
    note                 TEXT,
    tags                 TEXT NOT NULL DEFAULT '',
    shipping_address     TEXT,                 -- JSON object, as Shopify's MailingAddress
    status_page_url      TEXT
) STRICT;
CREATE INDEX orders_customer ON orders(customer_id, processed_at DESC);
CREATE INDEX orders_name ON orders(shop_id, name);
CREATE INDEX orders_updated ON orders(updated_at);

CREATE TABLE line_items (
    id                  TEXT PRIMARY KEY,
    order_id            TEXT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    position            INTEGER NOT NULL,
    name                TEXT NOT NULL,
    sku                 TEXT,
    variant_title       TEXT,
    quantity            INTEGER NOT NULL,
    current_quantity    INTEGER NOT NULL,
    refundable_quantity INTEGER NOT NULL,
    unfulfilled_quantity INTEGER NOT NULL,
    unit_price_amount   TEXT NOT NULL,
    currency_code       TEXT NOT NULL,
    variant_id          TEXT,
    product_id          TEXT
) STRICT;
CREATE INDEX line_items_order ON line_items(order_id, position);

CREATE TABLE fulfillments (
    id            TEXT PRIMARY KEY,
    order_id      TEXT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    status        TEXT NOT NULL,
    display_status TEXT,
    created_at    TEXT NOT NULL,
    delivered_at  TEXT
) STRICT;
CREATE INDEX fulfillments_order ON fulfillments(order_id);

CREATE TABLE fulfillment_tracking (
    fulfillment_id TEXT NOT NULL REFERENCES fulfillments(id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    company        TEXT,
    number         TEXT,
    url            TEXT,
    PRIMARY KEY (fulfillment_id, position)
) STRICT;

CREATE TABLE refunds (
    id            TEXT PRIMARY KEY,
    order_id      TEXT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    note          TEXT,
    amount        TEXT NOT NULL,
    currency_code TEXT NOT NULL
) STRICT;
CREATE INDEX refunds_order ON refunds(order_id);

-- Where each resumable sync stands: a page is written together with its cursor, in one transaction.
CREATE TABLE sync_state (
    shop_id    TEXT NOT NULL,
    resource   TEXT NOT NULL,                  -- "orders", "customers"
    cursor     TEXT,                           -- last page's endCursor; NULL when the pass finished
    watermark  TEXT,                           -- max updated_at seen by the last finished pass
    pass_started_at TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (shop_id, resource)
) STRICT;

CREATE TABLE tickets (
    id              INTEGER PRIMARY KEY,
    token           TEXT NOT NULL UNIQUE,      -- "SD-7K3F", put in reply subjects for threading
    subject         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('open', 'pending', 'closed')),
    customer_id     TEXT,
    customer_email  TEXT NOT NULL COLLATE NOCASE,
    customer_name   TEXT,
    created_at      TEXT NOT NULL,
    last_message_at TEXT NOT NULL
) STRICT;
CREATE INDEX tickets_recent ON tickets(last_message_at DESC);
CREATE INDEX tickets_customer ON tickets(customer_email);

-- Orders a ticket is about (mentioned by name in a message).
CREATE TABLE ticket_orders (
    ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    order_id  TEXT NOT NULL,
    PRIMARY KEY (ticket_id, order_id)
) STRICT;

CREATE TABLE messages (
    id            INTEGER PRIMARY KEY,
    ticket_id     INTEGER REFERENCES tickets(id) ON DELETE CASCADE,
    message_id    TEXT UNIQUE,                 -- RFC 5322 Message-ID without <>; NULL if unparseable
    in_reply_to   TEXT,
    refs          TEXT NOT NULL DEFAULT '',    -- References, space separated, without <>
    direction     TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    from_address  TEXT NOT NULL DEFAULT '',
    from_name     TEXT,
    to_addresses  TEXT NOT NULL DEFAULT '',
    subject       TEXT NOT NULL DEFAULT '',
    sent_at       TEXT NOT NULL,
    body_text     TEXT NOT NULL DEFAULT '',
    body_html     TEXT,                        -- sanitized HTML only; the raw mail keeps the original
    raw           BLOB NOT NULL,               -- the message exactly as received: nothing is lost
    parse_error   TEXT,                        -- set when the parser rejected the mail: shown flagged
    source        TEXT NOT NULL,               -- "demo", "imap:INBOX", "mbox:file"
    received_at   TEXT NOT NULL
) STRICT;
CREATE INDEX messages_ticket ON messages(ticket_id, sent_at);

CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    message_id    INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    filename      TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL
) STRICT;
CREATE INDEX attachments_message ON attachments(message_id);

-- Full-text search over messages, customers and orders. External-content tables kept in step by
-- triggers, so a write is indexed in the same transaction.
CREATE VIRTUAL TABLE messages_fts USING fts5(
    subject, body_text, from_address, from_name,
    content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_ai AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts(rowid, subject, body_text, from_address, from_name)
    VALUES (new.id, new.subject, new.body_text, new.from_address, new.from_name);
END;
CREATE TRIGGER messages_ad AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, subject, body_text, from_address, from_name)
    VALUES ('delete', old.id, old.subject, old.body_text, old.from_address, old.from_name);
END;
CREATE TRIGGER messages_au AFTER UPDATE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, subject, body_text, from_address, from_name)
    VALUES ('delete', old.id, old.subject, old.body_text, old.from_address, old.from_name);
    INSERT INTO messages_fts(rowid, subject, body_text, from_address, from_name)
    VALUES (new.id, new.subject, new.body_text, new.from_address, new.from_name);
END;

-- customers and orders have TEXT keys, so their FTS rows map through the implicit rowid.
CREATE VIRTUAL TABLE customers_fts USING fts5(
    display_name, email, phone, tags,
    content='customers', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER customers_ai AFTER INSERT ON customers BEGIN
    INSERT INTO customers_fts(rowid, display_name, email, phone, tags)
    VALUES (new.rowid, new.display_name, new.email, new.phone, new.tags);
END;
CREATE TRIGGER customers_ad AFTER DELETE ON customers BEGIN
    INSERT INTO customers_fts(customers_fts, rowid, display_name, email, phone, tags)
    VALUES ('delete', old.rowid, old.display_name, old.email, old.phone, old.tags);
END;
CREATE TRIGGER customers_au AFTER UPDATE ON customers BEGIN
    INSERT INTO customers_fts(customers_fts, rowid, display_name, email, phone, tags)
    VALUES ('delete', old.rowid, old.display_name, old.email, old.phone, old.tags);
    INSERT INTO customers_fts(rowid, display_name, email, phone, tags)
    VALUES (new.rowid, new.display_name, new.email, new.phone, new.tags);
END;

CREATE VIRTUAL TABLE orders_fts USING fts5(
    name, email, note, tags,
    content='orders', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER orders_ai AFTER INSERT ON orders BEGIN
    INSERT INTO orders_fts(rowid, name, email, note, tags)
    VALUES (new.rowid, new.name, new.email, new.note, new.tags);
END;
CREATE TRIGGER orders_ad AFTER DELETE ON orders BEGIN
    INSERT INTO orders_fts(orders_fts, rowid, name, email, note, tags)
    VALUES ('delete', old.rowid, old.name, old.email, old.note, old.tags);
END;
CREATE TRIGGER orders_au AFTER UPDATE ON orders BEGIN
    INSERT INTO orders_fts(orders_fts, rowid, name, email, note, tags)
    VALUES ('delete', old.rowid, old.name, old.email, old.note, old.tags);
    INSERT INTO orders_fts(rowid, name, email, note, tags)
    VALUES (new.rowid, new.name, new.email, new.note, new.tags);
END;
