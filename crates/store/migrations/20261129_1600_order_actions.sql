-- Refunds, replacements, cancellations and order edits, written here before they are sent so
-- that a crash or a lost answer never loses one and never performs one twice (see
-- crates/actions). The key is the client-generated idempotency key: refundCreate carries it
-- through @idempotent; replacements carry it as the draft order's tag `shopdesk-<key>`.
--
-- States: queued -> sending -> succeeded | failed; sending -> unknown (answer lost) ->
-- succeeded | held | failed (after reconciliation); queued -> held (the order changed) |
-- cancelled (by the agent). A row still 'sending' at start is treated as unknown.
CREATE TABLE order_actions (
    id              INTEGER PRIMARY KEY,
    key             TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,              -- refund | replacement | cancel | edit
    ticket_id       INTEGER REFERENCES tickets(id) ON DELETE SET NULL,
    order_id        TEXT NOT NULL,              -- gid://shopify/Order/...
    agent           TEXT NOT NULL,
    mode            TEXT NOT NULL CHECK (mode IN ('now', 'when_online')),
    request         TEXT NOT NULL,              -- the agent's request, JSON
    plan            TEXT,                       -- the exact mutation input, fixed at first send
    expected_amount TEXT,                       -- the total the agent confirmed, exact decimal
    currency        TEXT,                       -- its ISO 4217 code
    approved_by     TEXT,                       -- the owner, for refunds above the agent's limit
    state           TEXT NOT NULL CHECK (state IN
                    ('queued', 'sending', 'unknown', 'succeeded', 'failed', 'held', 'cancelled')),
    reason          TEXT,                       -- failed/held: a sentence for the agent
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    result          TEXT,                       -- JSON: refund id, new order id and name, note
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    sent_at         TEXT
) STRICT;
CREATE INDEX order_actions_state ON order_actions(state, id);
CREATE INDEX order_actions_ticket ON order_actions(ticket_id, id);
CREATE INDEX order_actions_order ON order_actions(order_id, id);

-- Internal notes on a ticket (not sent to the customer): who did what, e.g. after an action.
CREATE TABLE ticket_notes (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    author      TEXT NOT NULL,
    body        TEXT NOT NULL,
    action_id   INTEGER REFERENCES order_actions(id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX ticket_notes_ticket ON ticket_notes(ticket_id, id);
