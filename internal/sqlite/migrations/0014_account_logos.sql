-- An account's uploaded logo (status.Logo): the bytes are served from the database under a
-- content-hashed URL, so that no file beside the database has to be backed up or shared
-- between instances. One logo per account; a new upload replaces it.
CREATE TABLE account_logos (
    account_id   INTEGER PRIMARY KEY REFERENCES accounts(id),
    content_type TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   TEXT NOT NULL
);
