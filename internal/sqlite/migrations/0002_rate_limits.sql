-- Failed verification attempts per key (an order or a client address), in fixed windows.
-- Kept in the database so that a restart does not reset them.
CREATE TABLE rate_limits (
    key          TEXT PRIMARY KEY,
    window_start TEXT NOT NULL,
    failures     INTEGER NOT NULL
) WITHOUT ROWID;
