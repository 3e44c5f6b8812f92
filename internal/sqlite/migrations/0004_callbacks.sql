-- Merchant callbacks (DESIGN §8): an outbox written in the same transaction as the order
-- change that caused each event, the log of every delivery attempt, and the times of the last
-- carrier live refresh per tracking.
CREATE TABLE callbacks (
    seq             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE, -- delivery id, sent as X-Orderstatus-Delivery on every attempt
    account_id      INTEGER NOT NULL REFERENCES accounts(id),
    order_id        TEXT NOT NULL,
    tracking_id     TEXT, -- the tracking of a tracking.status_changed event
    event           TEXT NOT NULL, -- order.accepted, order.cancelled, tracking.status_changed
    url             TEXT NOT NULL,
    payload         TEXT NOT NULL, -- the order as GET /v4/track/orders/{id}/ returned it after the change
    state           TEXT NOT NULL DEFAULT 'pending', -- pending, delivered, failed
    attempts        INTEGER NOT NULL DEFAULT 0, -- attempts claimed so far
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL, -- no retry after this; then the delivery is failed
    next_attempt_at TEXT NOT NULL,
    locked_until    TEXT, -- lease of the worker delivering it; an expired lease is claimed again
    lease           TEXT, -- token of the current claim
    claimed_at      TEXT, -- start of the current claim
    delivered_at    TEXT,
    last_status     INTEGER,
    last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX callbacks_due ON callbacks(next_attempt_at) WHERE state = 'pending';
CREATE INDEX callbacks_by_order ON callbacks(order_id, seq);

CREATE TABLE callback_attempts (
    delivery_id TEXT NOT NULL REFERENCES callbacks(id) ON DELETE CASCADE,
    attempt     INTEGER NOT NULL,
    started_at  TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    status_code INTEGER, -- NULL when no response arrived
    error       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (delivery_id, attempt)
) WITHOUT ROWID;

-- Last live refresh per tracking, so that the carrier is asked at most once per interval
-- across processes and restarts.
CREATE TABLE carrier_refreshes (
    tracking_id  TEXT PRIMARY KEY,
    refreshed_at TEXT NOT NULL
) WITHOUT ROWID;
