-- Server-side staff sessions: the console cookie carries a random session id, the database
-- keeps only its SHA-256. Logout, a password change, disabling the user, `user sessions
-- --revoke` and `account rotate-session-keys` delete rows; a session past its idle or
-- absolute lifetime is refused and pruned.
CREATE TABLE staff_sessions (
    id_hash      BLOB PRIMARY KEY, -- SHA-256 of the session id in the cookie
    user_id      INTEGER NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    client_addr  TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX staff_sessions_by_user ON staff_sessions(user_id);
CREATE INDEX staff_sessions_by_seen ON staff_sessions(last_seen_at);
