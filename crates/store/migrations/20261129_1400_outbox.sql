-- The durable outbox: every write that leaves the machine (a reply now; refunds and
-- replacements later) is recorded here first, executed by a worker, then confirmed, so that a
-- crash or a lost connection never loses an action and never performs it twice.
--
-- States: queued -> sending -> sent; sending -> queued (temporary failure, retried at
-- next_attempt_at); sending -> failed (permanent failure, or too many attempts); queued ->
-- cancelled (only before the worker claimed it). A row still 'sending' when the app starts was
-- cut off by a crash: its outcome is unknown and the worker checks before sending it again.
--
-- Outbox times carry milliseconds ("2026-11-29T14:00:00.250Z") so that short retry delays
-- keep their order; they are compared only with each other.

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,             -- 'reply'; no CHECK, so later kinds need no rebuild
    ticket_id       INTEGER REFERENCES tickets(id) ON DELETE SET NULL,
    idempotency_key TEXT NOT NULL UNIQUE,      -- one click, one action: a second enqueue is a no-op
    message_id      TEXT,                      -- a reply's Message-ID without <>, for the Sent check
    payload         BLOB NOT NULL,             -- a reply: the exact RFC 5322 bytes, built once
    state           TEXT NOT NULL
                    CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0, -- claims so far (each claim is one try)
    last_error      TEXT,                      -- why the last try failed, in words for the user
    next_attempt_at TEXT NOT NULL,             -- a queued row is due from this time on
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    sent_at         TEXT
) STRICT;
CREATE INDEX outbox_due ON outbox(kind, state, next_attempt_at);
CREATE INDEX outbox_ticket ON outbox(ticket_id, id);
CREATE INDEX outbox_message_id ON outbox(message_id);
