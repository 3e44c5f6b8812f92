-- API tokens get a public id (shown by `account token list`, used by `revoke`), an optional
-- expiry and the time they were last used (written at most once a minute per token).
ALTER TABLE api_tokens ADD COLUMN id TEXT;
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT;
UPDATE api_tokens SET id = 'tok_' || lower(hex(substr(hash, 1, 6)));
CREATE UNIQUE INDEX api_tokens_by_id ON api_tokens(id);
CREATE INDEX api_tokens_by_account ON api_tokens(account_id);
