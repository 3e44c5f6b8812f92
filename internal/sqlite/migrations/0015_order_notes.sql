-- Support agents' notes on an order (auth.OrderNote): staff only, never part of the order
-- document, so no shopper surface or API body can show them.
CREATE TABLE order_notes (
    id         INTEGER PRIMARY KEY,
    order_id   TEXT NOT NULL,
    account_id INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    user_email TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX order_notes_by_order ON order_notes(order_id, id);
