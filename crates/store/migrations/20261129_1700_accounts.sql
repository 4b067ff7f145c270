-- The connected store and support mailbox: non-secret settings only. Tokens, client secrets
-- and passwords live in the OS keychain (crates/secrets), keyed by the shop domain or address.

-- At most one store per database (id is always 1).
CREATE TABLE shop_account (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    shop_domain TEXT NOT NULL,               -- acme.myshopify.com
    auth_kind   TEXT NOT NULL,               -- "accessToken" | "clientCredentials"
    client_id   TEXT,                        -- Dev Dashboard app's client id (not a secret)
    saved_at    TEXT NOT NULL
) STRICT;

-- At most one support mailbox per database (id is always 1).
CREATE TABLE mail_account (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    address       TEXT NOT NULL,
    username      TEXT NOT NULL,
    imap_host     TEXT NOT NULL,
    imap_port     INTEGER NOT NULL,
    imap_security TEXT NOT NULL,             -- "tls" | "startTls" | "plain"
    smtp_host     TEXT NOT NULL,
    smtp_port     INTEGER NOT NULL,
    smtp_security TEXT NOT NULL,
    auth_kind     TEXT NOT NULL,             -- "password"
    saved_at      TEXT NOT NULL
) STRICT;

-- Small flags of the app itself ("first_run_done").
CREATE TABLE app_settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
