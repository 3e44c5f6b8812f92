-- Trackings and checkpoints become rowid tables. As WITHOUT ROWID tables their B-trees held
-- whole rows, JSON documents included, in interior pages as well as leaves: few rows per
-- page, deep trees and overflow pages made each insert cost several times what it does when
-- rows append in rowid order and only the keys sit in small indexes. Checkpoints refer to
-- their tracking by its integer seq, which keeps their index narrow.
CREATE TABLE trackings_v2 (
    seq                INTEGER PRIMARY KEY,
    id                 TEXT NOT NULL UNIQUE,
    order_seq          INTEGER NOT NULL REFERENCES orders(seq) ON DELETE CASCADE,
    account_id         INTEGER NOT NULL,
    position           INTEGER NOT NULL,
    courier            TEXT NOT NULL,
    tracking_number    TEXT NOT NULL,
    external_reference TEXT,
    doc                TEXT NOT NULL -- the tracking's fields as JSON (articles included), without checkpoints
);
INSERT INTO trackings_v2 (id, order_seq, account_id, position, courier, tracking_number, external_reference, doc)
    SELECT id, order_seq, account_id, position, courier, tracking_number, external_reference, doc
    FROM trackings ORDER BY order_seq, position;

CREATE TABLE checkpoints_v2 (
    tracking_seq    INTEGER NOT NULL REFERENCES trackings_v2(seq) ON DELETE CASCADE,
    dedupe_key      TEXT NOT NULL, -- the same event sent twice is stored once
    event_timestamp TEXT NOT NULL,
    status_code     TEXT NOT NULL,
    doc             TEXT NOT NULL
);
INSERT INTO checkpoints_v2 (tracking_seq, dedupe_key, event_timestamp, status_code, doc)
    SELECT t.seq, c.dedupe_key, c.event_timestamp, c.status_code, c.doc
    FROM checkpoints c JOIN trackings_v2 t ON t.id = c.tracking_id ORDER BY t.seq, c.event_timestamp;

DROP TABLE checkpoints;
DROP TABLE trackings;
ALTER TABLE trackings_v2 RENAME TO trackings;
ALTER TABLE checkpoints_v2 RENAME TO checkpoints;
CREATE UNIQUE INDEX trackings_by_number ON trackings(tracking_number, courier);
CREATE INDEX trackings_by_external_ref ON trackings(account_id, external_reference) WHERE external_reference IS NOT NULL;
CREATE INDEX trackings_by_order ON trackings(order_seq, position);
CREATE UNIQUE INDEX checkpoints_by_tracking ON checkpoints(tracking_seq, dedupe_key);
