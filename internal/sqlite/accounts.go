package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/orderstatus/orderstatus/internal/status"
)

// accountSettings is the JSON stored in accounts.settings.
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
	defer s.forgetCallbackURL(a.ID)
	return s.tx(ctx, func(tx *sql.Tx) error {
		now := status.FormatTimestamp(s.now())
		_, err := tx.ExecContext(ctx, `INSERT INTO accounts (id, name, signing_key, previous_signing_key, callback_secret, settings, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, a.ID, a.Name, a.SigningKey, a.PreviousSigningKey, a.CallbackSecret, settingsOf(a), now)
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return fmt.Errorf("account %d: %w", a.ID, status.ErrConflict)
			}
			return err
		}
		if tokenHash != nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO api_tokens (hash, account_id, created_at) VALUES (?, ?, ?)`, tokenHash, a.ID, now)
		}
		return err
	})
}

// UpdateAccount implements status.Store.
func (s *DB) UpdateAccount(ctx context.Context, a status.Account) error {
	defer s.forgetCallbackURL(a.ID)
	res, err := s.db.ExecContext(ctx, `UPDATE accounts SET name = ?, signing_key = ?, previous_signing_key = ?, callback_secret = ?, settings = ? WHERE id = ?`,
		a.Name, a.SigningKey, a.PreviousSigningKey, a.CallbackSecret, settingsOf(a), a.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return status.ErrNotFound
	}
	return nil
}

const accountCols = `id, name, signing_key, previous_signing_key, callback_secret, settings`

func scanAccount(row interface{ Scan(...any) error }) (status.Account, error) {
	var a status.Account
	var settings string
	if err := row.Scan(&a.ID, &a.Name, &a.SigningKey, &a.PreviousSigningKey, &a.CallbackSecret, &settings); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
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
	return scanAccount(cachedDB{s}.QueryRowContext(ctx, `SELECT `+accountCols+` FROM accounts WHERE id = ?`, id))
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
	return scanAccount(cachedDB{s}.QueryRowContext(ctx, `SELECT `+prefixCols("a.", accountCols)+` FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.hash = ?`, tokenHash))
}

func prefixCols(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

// AddToken stores another API token (its SHA-256 hash) for an account.
func (s *DB) AddToken(ctx context.Context, account int64, tokenHash []byte) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO api_tokens (hash, account_id, created_at) VALUES (?, ?, ?)`, tokenHash, account, status.FormatTimestamp(s.now()))
	return err
}
