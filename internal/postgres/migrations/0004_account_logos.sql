-- An account's uploaded logo (status.Logo), as in the SQLite store: served from the database
-- under a content-hashed URL. One logo per account; a new upload replaces it.
CREATE TABLE account_logos (
    account_id   bigint PRIMARY KEY REFERENCES accounts(id),
    content_type text NOT NULL,
    sha256       text NOT NULL,
    data         bytea NOT NULL,
    created_at   text COLLATE "C" NOT NULL
);
