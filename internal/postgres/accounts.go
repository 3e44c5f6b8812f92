package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/orderstatus/orderstatus/internal/status"
)

// accountSettings is the JSON stored in accounts.settings (as in internal/sqlite).
type accountSettings struct {
	PublicView   string `json:"public_view"`
	LogoURL      string `json:"logo_url"`
	AccentColor  string `json:"accent_color"`
	SupportEmail string `json:"support_email"`
	SupportPhone string `json:"support_phone"`
	SupportURL   string `json:"support_url"`
	CallbackURL  string `json:"callback_url"`
	Language     string `json:"language"`
}

func settingsOf(a status.Account) string {
	b, _ := json.Marshal(accountSettings{a.PublicView, a.LogoURL, a.AccentColor, a.SupportEmail, a.SupportPhone, a.SupportURL, a.CallbackURL, a.Language})
	return string(b)
}

// CreateAccount implements status.Store.
func (s *DB) CreateAccount(ctx context.Context, a status.Account, tokenHash []byte) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		now := status.FormatTimestamp(s.now())
		_, err := tx.Exec(ctx, `INSERT INTO accounts (id, name, signing_key, previous_signing_key, callback_secret, settings, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, a.ID, a.Name, a.SigningKey, a.PreviousSigningKey, a.CallbackSecret, settingsOf(a), now)
		if err != nil {
			if uniqueViolation(err) != "" {
				return fmt.Errorf("account %d: %w", a.ID, status.ErrConflict)
			}
			return err
		}
		if tokenHash != nil {
			_, err = tx.Exec(ctx, `INSERT INTO api_tokens (hash, account_id, created_at) VALUES ($1, $2, $3)`, tokenHash, a.ID, now)
		}
		return err
	})
}

// UpdateAccount implements status.Store. Other instances hear of the change (Listen).
func (s *DB) UpdateAccount(ctx context.Context, a status.Account) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE accounts SET name = $1, signing_key = $2, previous_signing_key = $3, callback_secret = $4, settings = $5 WHERE id = $6`,
			a.Name, a.SigningKey, a.PreviousSigningKey, a.CallbackSecret, settingsOf(a), a.ID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return status.ErrNotFound
		}
		_, err = tx.Exec(ctx, `SELECT pg_notify($1, $2)`, s.channel, Change{Account: a.ID}.payload())
		return err
	})
}

const accountCols = `a.id, a.name, a.signing_key, a.previous_signing_key, a.callback_secret, a.settings`

func scanAccount(row pgx.Row) (status.Account, error) {
	var a status.Account
	var settings string
	if err := row.Scan(&a.ID, &a.Name, &a.SigningKey, &a.PreviousSigningKey, &a.CallbackSecret, &settings); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return a, status.ErrNotFound
		}
		return a, err
	}
	var st accountSettings
	if err := json.Unmarshal([]byte(settings), &st); err != nil {
		return a, err
	}
	a.PublicView, a.LogoURL, a.AccentColor, a.SupportEmail, a.SupportPhone, a.SupportURL, a.CallbackURL, a.Language =
		st.PublicView, st.LogoURL, st.AccentColor, st.SupportEmail, st.SupportPhone, st.SupportURL, st.CallbackURL, st.Language
	if a.PublicView == "" {
		a.PublicView = status.PublicViewStatus
	}
	return a, nil
}

// Account implements status.Store.
func (s *DB) Account(ctx context.Context, id int64) (status.Account, error) {
	return scanAccount(s.pool.QueryRow(ctx, `SELECT `+accountCols+` FROM accounts a WHERE a.id = $1`, id))
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
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AccountByToken implements status.Store.
func (s *DB) AccountByToken(ctx context.Context, tokenHash []byte) (status.Account, error) {
	return scanAccount(s.pool.QueryRow(ctx, `SELECT `+accountCols+` FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.hash = $1`, tokenHash))
}

// AddToken stores another API token (its SHA-256 hash) for an account.
func (s *DB) AddToken(ctx context.Context, account int64, tokenHash []byte) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO api_tokens (hash, account_id, created_at) VALUES ($1, $2, $3)`, tokenHash, account, status.FormatTimestamp(s.now()))
	return err
}
