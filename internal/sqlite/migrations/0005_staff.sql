-- Support console: staff users and the accounts an agent may see, failed logins (throttling
-- survives restarts), and the audit log of searches and order views.
CREATE TABLE staff_users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE, -- trimmed and lower-cased
    role          TEXT NOT NULL CHECK (role IN ('admin', 'agent')),
    password_hash TEXT NOT NULL, -- bcrypt
    disabled      INTEGER NOT NULL DEFAULT 0,
    -- Increased by a password change or a disable; a session that carries an older value is
    -- no longer valid.
    session_epoch INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE staff_user_accounts (
    user_id    INTEGER NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    PRIMARY KEY (user_id, account_id)
) WITHOUT ROWID;

-- One row per failed login; rows older than a day are deleted when new ones are added.
CREATE TABLE login_attempts (
    id          INTEGER PRIMARY KEY,
    email       TEXT NOT NULL, -- as typed, trimmed and lower-cased
    client_addr TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX login_attempts_by_email ON login_attempts(email, at);
CREATE INDEX login_attempts_by_addr ON login_attempts(client_addr, at);
CREATE INDEX login_attempts_by_at ON login_attempts(at);

-- What staff searched and which orders they opened. The only personal data is what was
-- typed into the search box; user_email is kept so entries stay readable after a user goes.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    user_id    INTEGER NOT NULL,
    user_email TEXT NOT NULL,
    action     TEXT NOT NULL, -- login, logout, search, view
    query      TEXT NOT NULL DEFAULT '',
    order_id   TEXT NOT NULL DEFAULT '',
    account_id INTEGER -- the account filter of a search, the account of a viewed order
);
CREATE INDEX audit_log_by_at ON audit_log(at);
CREATE INDEX audit_log_by_user ON audit_log(user_id, at);
