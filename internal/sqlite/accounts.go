package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

// settingsOf is the settings document of a (status.EncodeAccountSettings, shared by the stores).
func settingsOf(a status.Account) string { return status.EncodeAccountSettings(a) }

// CreateAccount implements status.Store.
func (s *DB) CreateAccount(ctx context.Context, a status.Account, tokenHash []byte) error {
	defer s.forgetCallbackURL(a.ID)
	defer s.announce(status.Change{Account: a.ID})
	return s.tx(ctx, func(tx *sql.Tx) error {
		now := status.FormatTimestamp(s.now())
		sk, pk, cb := s.sealAccount(a)
		_, err := tx.ExecContext(ctx, `INSERT INTO accounts (id, name, signing_key, previous_signing_key, callback_secret, settings, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, a.ID, a.Name, sk, pk, cb, settingsOf(a), now)
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return fmt.Errorf("account %d: %w", a.ID, status.ErrConflict)
			}
			return err
		}
		if tokenHash != nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO api_tokens (hash, id, account_id, created_at) VALUES (?, ?, ?, ?)`, tokenHash, auth.TokenID(tokenHash), a.ID, now)
		}
		return err
	})
}

// UpdateAccount implements status.Store.
func (s *DB) UpdateAccount(ctx context.Context, a status.Account) error {
	defer s.forgetCallbackURL(a.ID)
	defer s.announce(status.Change{Account: a.ID})
	sk, pk, cb := s.sealAccount(a)
	res, err := s.db.ExecContext(ctx, `UPDATE accounts SET name = ?, signing_key = ?, previous_signing_key = ?, callback_secret = ?, settings = ? WHERE id = ?`,
		a.Name, sk, pk, cb, settingsOf(a), a.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return status.ErrNotFound
	}
	return nil
}

const accountCols = `id, name, signing_key, previous_signing_key, callback_secret, settings`

// scanAccount reads the accountCols of row, then extra columns into extra, and decrypts the
// account's secrets.
func (s *DB) scanAccount(row interface{ Scan(...any) error }, extra ...any) (status.Account, error) {
	var a status.Account
	var settings string
	if err := row.Scan(append([]any{&a.ID, &a.Name, &a.SigningKey, &a.PreviousSigningKey, &a.CallbackSecret, &settings}, extra...)...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return a, status.ErrNotFound
		}
		return a, err
	}
	if err := status.DecodeAccountSettings(settings, &a); err != nil {
		return a, err
	}
	return a, s.openAccount(&a)
}

// Account implements status.Store.
func (s *DB) Account(ctx context.Context, id int64) (status.Account, error) {
	return s.scanAccount(cachedDB{s}.QueryRowContext(ctx, `SELECT `+accountCols+` FROM accounts WHERE id = ?`, id))
}

// Accounts implements status.Store.
func (s *DB) Accounts(ctx context.Context) ([]status.Account, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+accountCols+` FROM accounts ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []status.Account
	for rows.Next() {
		a, err := s.scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AccountByToken implements status.Store. An expired token is not found. The token's
// last-used time is written when it is older than auth.TokenTouchEvery, so that a busy client
// costs one write a minute, not one per request.
func (s *DB) AccountByToken(ctx context.Context, tokenHash []byte) (status.Account, error) {
	a, _, err := s.AccountByTokenUntil(ctx, tokenHash)
	return a, err
}

// AccountByTokenUntil is AccountByToken with how long its answer holds: until the token
// expires or its last use is due to be recorded again, whichever comes first. A cache of
// tokens keeps the answer no longer.
func (s *DB) AccountByTokenUntil(ctx context.Context, tokenHash []byte) (status.Account, time.Time, error) {
	var expires, used sql.NullString
	a, err := s.scanAccount(cachedDB{s}.QueryRowContext(ctx, `SELECT `+prefixCols("a.", accountCols)+`, t.expires_at, t.last_used_at FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.hash = ?`, tokenHash),
		&expires, &used)
	if err != nil {
		return a, time.Time{}, err
	}
	var expiresAt time.Time
	if expires.Valid {
		if expiresAt, err = time.Parse(time.RFC3339Nano, expires.String); err != nil {
			return status.Account{}, time.Time{}, status.ErrNotFound
		}
	}
	now := s.now()
	valid, touch, until := auth.TokenUse(now, expiresAt, parseNullTime(used))
	if !valid {
		return status.Account{}, time.Time{}, status.ErrNotFound
	}
	if touch {
		// Through the group-commit writer, like order writes: a write of its own on another
		// connection would wait for the writer's lock while holding a connection the writer's
		// batch may need (32 clients with a fresh token stalled for the busy timeout).
		if err := s.write(ctx, func(ctx context.Context, tx querier) error {
			_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE hash = ?`, status.FormatTimestamp(now), tokenHash)
			return err
		}); err != nil {
			return status.Account{}, time.Time{}, err
		}
	}
	return a, until, nil
}

func prefixCols(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

// AddToken stores another API token (its SHA-256 hash) for an account, without expiry.
func (s *DB) AddToken(ctx context.Context, account int64, tokenHash []byte) error {
	return s.CreateToken(ctx, auth.APIToken{ID: auth.TokenID(tokenHash), Account: account, Hash: tokenHash, CreatedAt: s.now()})
}

// CreateToken stores an API token. An unknown account is status.ErrNotFound.
func (s *DB) CreateToken(ctx context.Context, t auth.APIToken) error {
	defer s.announce(status.Change{Account: t.Account})
	var expires any
	if !t.ExpiresAt.IsZero() {
		expires = status.FormatTimestamp(t.ExpiresAt)
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO api_tokens (hash, id, account_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		t.Hash, t.ID, t.Account, status.FormatTimestamp(t.CreatedAt), expires)
	if err != nil && strings.Contains(err.Error(), "FOREIGN KEY") {
		return fmt.Errorf("account %d: %w", t.Account, status.ErrNotFound)
	}
	return err
}

// Tokens lists the API tokens of an account, oldest first, expired ones included.
func (s *DB) Tokens(ctx context.Context, account int64) ([]auth.APIToken, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT hash, id, account_id, created_at, expires_at, last_used_at FROM api_tokens WHERE account_id = ? ORDER BY created_at, id`, account)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []auth.APIToken
	for rows.Next() {
		var t auth.APIToken
		var created string
		var expires, used sql.NullString
		if err := rows.Scan(&t.Hash, &t.ID, &t.Account, &created, &expires, &used); err != nil {
			return nil, err
		}
		t.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
		t.ExpiresAt, t.LastUsedAt = parseNullTime(expires), parseNullTime(used)
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken deletes the token with that public id from account; status.ErrNotFound when
// the account has no such token.
func (s *DB) RevokeToken(ctx context.Context, account int64, id string) error {
	defer s.announce(status.Change{Account: account})
	res, err := s.db.ExecContext(ctx, `DELETE FROM api_tokens WHERE account_id = ? AND id = ?`, account, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return status.ErrNotFound
	}
	return nil
}
