-- Shipping labels uploaded for trackings (000_…), one per tracking; served to the account's
-- API token and the console only.
CREATE TABLE labels (
    tracking_id  text COLLATE "C" PRIMARY KEY,
    order_id     text COLLATE "C" NOT NULL,
    content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/png')),
    data         bytea NOT NULL,
    created_at   text COLLATE "C" NOT NULL
);
CREATE INDEX labels_by_order ON labels(order_id);
