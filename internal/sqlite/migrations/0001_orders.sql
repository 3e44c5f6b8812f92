-- Accounts (shops), their API tokens, and orders with trackings and checkpoints.
CREATE TABLE accounts (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT NOT NULL,
    signing_key          TEXT NOT NULL,
    previous_signing_key TEXT NOT NULL DEFAULT '',
    callback_secret      TEXT NOT NULL,
    settings             TEXT NOT NULL DEFAULT '{}', -- branding, support contact, public view (JSON)
    created_at           TEXT NOT NULL
);

CREATE TABLE api_tokens (
    hash       BLOB PRIMARY KEY, -- SHA-256 of the token; the token itself is never stored
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    created_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE orders (
    seq                INTEGER PRIMARY KEY, -- insertion order; tie-breaker of cursor pagination
    id                 TEXT NOT NULL UNIQUE, -- public opaque reference
    account_id         INTEGER NOT NULL REFERENCES accounts(id),
    order_number       TEXT NOT NULL,
    client_key         TEXT NOT NULL DEFAULT '',
    external_order_id  TEXT,
    external_reference TEXT,
    customer_number    TEXT,
    recipient_email    TEXT,
    order_date         TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    version            INTEGER NOT NULL,
    doc                TEXT NOT NULL -- the order's remaining fields as JSON, without trackings
);
CREATE INDEX orders_by_number ON orders(account_id, order_number, client_key);
CREATE UNIQUE INDEX orders_by_external_id ON orders(account_id, external_order_id) WHERE external_order_id IS NOT NULL;
CREATE UNIQUE INDEX orders_by_external_ref ON orders(account_id, external_reference) WHERE external_reference IS NOT NULL;
CREATE INDEX orders_by_customer ON orders(account_id, customer_number) WHERE customer_number IS NOT NULL;
CREATE INDEX orders_by_email ON orders(account_id, lower(recipient_email)) WHERE recipient_email IS NOT NULL;
CREATE INDEX orders_by_created ON orders(account_id, created_at, seq);
CREATE INDEX orders_by_updated ON orders(account_id, updated_at, seq);
CREATE INDEX orders_by_date ON orders(account_id, order_date, seq);

CREATE TABLE trackings (
    id                 TEXT PRIMARY KEY,
    order_seq          INTEGER NOT NULL REFERENCES orders(seq) ON DELETE CASCADE,
    account_id         INTEGER NOT NULL,
    position           INTEGER NOT NULL,
    courier            TEXT NOT NULL,
    tracking_number    TEXT NOT NULL,
    external_reference TEXT,
    doc                TEXT NOT NULL -- the tracking's fields as JSON (articles included), without checkpoints
) WITHOUT ROWID;
CREATE UNIQUE INDEX trackings_by_number ON trackings(tracking_number, courier);
CREATE INDEX trackings_by_external_ref ON trackings(account_id, external_reference) WHERE external_reference IS NOT NULL;
CREATE INDEX trackings_by_order ON trackings(order_seq, position);

CREATE TABLE checkpoints (
    tracking_id     TEXT NOT NULL REFERENCES trackings(id) ON DELETE CASCADE,
    dedupe_key      TEXT NOT NULL, -- the same event sent twice is stored once
    event_timestamp TEXT NOT NULL,
    status_code     TEXT NOT NULL,
    doc             TEXT NOT NULL,
    PRIMARY KEY (tracking_id, dedupe_key)
) WITHOUT ROWID;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;
