-- Server-side staff sessions (SQLite migration 0007): the console cookie carries a random
-- session id, the database keeps only its SHA-256. Logout, a password change, disabling the
-- user, `user sessions --revoke` and `account rotate-session-keys` delete rows; a session past
-- its idle or absolute lifetime is refused and pruned.
CREATE TABLE staff_sessions (
    id_hash      bytea PRIMARY KEY, -- SHA-256 of the session id in the cookie
    user_id      bigint NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
    created_at   text COLLATE "C" NOT NULL,
    last_seen_at text COLLATE "C" NOT NULL,
    client_addr  text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT ''
);
CREATE INDEX staff_sessions_by_user ON staff_sessions(user_id);
CREATE INDEX staff_sessions_by_seen ON staff_sessions(last_seen_at);

-- API tokens get a public id (shown by `account token list`, used by `revoke`), an optional
-- expiry and the time they were last used (SQLite migration 0008).
ALTER TABLE api_tokens ADD COLUMN id text COLLATE "C";
ALTER TABLE api_tokens ADD COLUMN expires_at text COLLATE "C";
ALTER TABLE api_tokens ADD COLUMN last_used_at text COLLATE "C";
UPDATE api_tokens SET id = 'tok_' || encode(substring(hash FROM 1 FOR 6), 'hex');
CREATE UNIQUE INDEX api_tokens_by_id ON api_tokens(id);

-- Delivered callbacks are pruned by delivery time (housekeeping).
CREATE INDEX callbacks_delivered ON callbacks(delivered_at) WHERE state = 'delivered';
