package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/orderstatus/orderstatus/internal/status"
)

// SetLogo implements status.LogoStore.
func (s *DB) SetLogo(ctx context.Context, l status.Logo) error {
	defer s.announce(status.Change{Account: l.Account})
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := setLogoURL(ctx, tx, l.Account, l.URL()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO account_logos (account_id, content_type, sha256, data, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (account_id) DO UPDATE SET content_type = excluded.content_type, sha256 = excluded.sha256, data = excluded.data, created_at = excluded.created_at`,
			l.Account, l.ContentType, l.SHA256, l.Data, status.FormatTimestamp(s.now()))
		return err
	})
}

// DeleteLogo implements status.LogoStore.
func (s *DB) DeleteLogo(ctx context.Context, account int64) error {
	defer s.announce(status.Change{Account: account})
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := setLogoURL(ctx, tx, account, ""); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM account_logos WHERE account_id = ?`, account)
		return err
	})
}

// setLogoURL changes only the logo URL in an account's settings document.
func setLogoURL(ctx context.Context, tx *sql.Tx, account int64, u string) error {
	var doc string
	if err := tx.QueryRowContext(ctx, `SELECT settings FROM accounts WHERE id = ?`, account).Scan(&doc); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return status.ErrNotFound
		}
		return err
	}
	doc, err := status.WithLogoURL(doc, u)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE accounts SET settings = ? WHERE id = ?`, doc, account)
	return err
}

// AccountLogo implements status.LogoStore.
func (s *DB) AccountLogo(ctx context.Context, account int64) (status.Logo, error) {
	l := status.Logo{Account: account}
	err := s.db.QueryRowContext(ctx, `SELECT content_type, sha256, data, created_at FROM account_logos WHERE account_id = ?`, account).
		Scan(&l.ContentType, &l.SHA256, &l.Data, &l.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return l, status.ErrNotFound
	}
	return l, err
}
