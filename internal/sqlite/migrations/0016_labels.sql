-- Shipping labels uploaded for trackings (000_…), one per tracking; served to the account's
-- API token and the console only.
CREATE TABLE labels (
    tracking_id  TEXT PRIMARY KEY,
    order_id     TEXT NOT NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/png')),
    data         BLOB NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX labels_by_order ON labels(order_id);
