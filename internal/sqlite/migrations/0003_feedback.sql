-- Shoppers' thumbs up or down on a delivery (or on the shop's communication).
CREATE TABLE feedback (
    id          INTEGER PRIMARY KEY,
    order_id    TEXT NOT NULL,
    tracking_id TEXT NOT NULL,
    topic       TEXT NOT NULL CHECK (topic IN ('delivery', 'communication')),
    vote        TEXT NOT NULL CHECK (vote IN ('up', 'down')),
    created_at  TEXT NOT NULL
);
CREATE INDEX feedback_by_order ON feedback(order_id, created_at);
