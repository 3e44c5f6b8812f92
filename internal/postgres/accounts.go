package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

// settingsOf is the settings document of a (status.EncodeAccountSettings, shared by the stores).
func settingsOf(a status.Account) string { return status.EncodeAccountSettings(a) }

// CreateAccount implements status.Store.
func (s *DB) CreateAccount(ctx context.Context, a status.Account, tokenHash []byte) error {
	defer s.Announce(Change{Account: a.ID})
	return s.tx(ctx, func(tx pgx.Tx) error {
		now := status.FormatTimestamp(s.now())
		sk, pk, cb := s.sealAccount(a)
		_, err := tx.Exec(ctx, `INSERT INTO accounts (id, name, signing_key, previous_signing_key, callback_secret, settings, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, a.ID, a.Name, sk, pk, cb, settingsOf(a), now)
		if err != nil {
			if uniqueViolation(err) != "" {
				return fmt.Errorf("account %d: %w", a.ID, status.ErrConflict)
			}
			return err
		}
		if tokenHash != nil {
			_, err = tx.Exec(ctx, `INSERT INTO api_tokens (hash, id, account_id, created_at) VALUES ($1, $2, $3, $4)`, tokenHash, auth.TokenID(tokenHash), a.ID, now)
		}
		return err
	})
}

// UpdateAccount implements status.Store. Other instances hear of the change (Listen).
func (s *DB) UpdateAccount(ctx context.Context, a status.Account) error {
	defer s.Announce(Change{Account: a.ID})
	sk, pk, cb := s.sealAccount(a)
	return s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE accounts SET name = $1, signing_key = $2, previous_signing_key = $3, callback_secret = $4, settings = $5 WHERE id = $6`,
			a.Name, sk, pk, cb, settingsOf(a), a.ID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return status.ErrNotFound
		}
		_, err = tx.Exec(ctx, `SELECT pg_notify($1, $2)`, s.channel, payload(Change{Account: a.ID}))
		return err
	})
}

const accountCols = `a.id, a.name, a.signing_key, a.previous_signing_key, a.callback_secret, a.settings`

// scanAccount reads the accountCols of row, then extra columns into extra, and decrypts the
// account's secrets.
func (s *DB) scanAccount(row pgx.Row, extra ...any) (status.Account, error) {
	var a status.Account
	var settings string
	if err := row.Scan(append([]any{&a.ID, &a.Name, &a.SigningKey, &a.PreviousSigningKey, &a.CallbackSecret, &settings}, extra...)...); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
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
	return s.scanAccount(s.pool.QueryRow(ctx, `SELECT `+accountCols+` FROM accounts a WHERE a.id = $1`, id))
}

// Accounts implements status.Store.
func (s *DB) Accounts(ctx context.Context) ([]status.Account, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+accountCols+` FROM accounts a ORDER BY a.id`)
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

// AccountByToken implements status.Store. An expired token is not found (a revoked one is
// deleted). The token's last-used time is written when it is older than auth.TokenTouchEvery, so
// that a busy client costs one write a minute, not one per request.
func (s *DB) AccountByToken(ctx context.Context, tokenHash []byte) (status.Account, error) {
	a, _, err := s.AccountByTokenUntil(ctx, tokenHash)
	return a, err
}

// AccountByTokenUntil is AccountByToken with how long its answer holds: until the token
// expires or its last use is due to be recorded again, whichever comes first.
func (s *DB) AccountByTokenUntil(ctx context.Context, tokenHash []byte) (status.Account, time.Time, error) {
	var expires, used *string
	a, err := s.scanAccount(s.pool.QueryRow(ctx, `SELECT `+accountCols+`, t.expires_at, t.last_used_at FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.hash = $1`, tokenHash),
		&expires, &used)
	if err != nil {
		return a, time.Time{}, err
	}
	var expiresAt time.Time
	if expires != nil {
		if expiresAt, err = time.Parse(time.RFC3339Nano, *expires); err != nil {
			return status.Account{}, time.Time{}, status.ErrNotFound
		}
	}
	now := s.now()
	valid, touch, until := auth.TokenUse(now, expiresAt, parseTime(used))
	if !valid {
		return status.Account{}, time.Time{}, status.ErrNotFound
	}
	if touch {
		if _, err := s.pool.Exec(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE hash = $2`, status.FormatTimestamp(now), tokenHash); err != nil {
			return status.Account{}, time.Time{}, err
		}
	}
	return a, until, nil
}

// parseTime reads a nullable timestamp column; NULL is the zero time.
func parseTime(v *string) time.Time {
	if v == nil {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339Nano, *v)
	return t
}

// AddToken stores another API token (its SHA-256 hash) for an account, without expiry.
func (s *DB) AddToken(ctx context.Context, account int64, tokenHash []byte) error {
	return s.CreateToken(ctx, auth.APIToken{ID: auth.TokenID(tokenHash), Account: account, Hash: tokenHash, CreatedAt: s.now()})
}

// CreateToken stores an API token. An unknown account is status.ErrNotFound.
func (s *DB) CreateToken(ctx context.Context, t auth.APIToken) error {
	var expires any
	if !t.ExpiresAt.IsZero() {
		expires = status.FormatTimestamp(t.ExpiresAt)
	}
	defer s.Announce(Change{Account: t.Account})
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO api_tokens (hash, id, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
			t.Hash, t.ID, t.Account, status.FormatTimestamp(t.CreatedAt), expires); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, s.channel, payload(Change{Account: t.Account}))
		return err
	})
	if foreignKeyViolation(err) {
		return fmt.Errorf("account %d: %w", t.Account, status.ErrNotFound)
	}
	return err
}

// Tokens lists the API tokens of an account, oldest first, expired ones included.
func (s *DB) Tokens(ctx context.Context, account int64) ([]auth.APIToken, error) {
	rows, err := s.pool.Query(ctx, `SELECT hash, id, account_id, created_at, expires_at, last_used_at FROM api_tokens WHERE account_id = $1 ORDER BY created_at, id`, account)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []auth.APIToken
	for rows.Next() {
		var t auth.APIToken
		var created string
		var expires, used *string
		if err := rows.Scan(&t.Hash, &t.ID, &t.Account, &created, &expires, &used); err != nil {
			return nil, err
		}
		t.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
		t.ExpiresAt, t.LastUsedAt = parseTime(expires), parseTime(used)
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken deletes the token with that public id from account; status.ErrNotFound when
// the account has no such token.
func (s *DB) RevokeToken(ctx context.Context, account int64, id string) error {
	// Other instances drop the token from their caches when they hear of it (Listen).
	defer s.Announce(Change{Account: account})
	return s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM api_tokens WHERE account_id = $1 AND id = $2`, account, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return status.ErrNotFound
		}
		_, err = tx.Exec(ctx, `SELECT pg_notify($1, $2)`, s.channel, payload(Change{Account: account}))
		return err
	})
}
