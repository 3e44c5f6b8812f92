package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/orderstatus/orderstatus/internal/status"
)

// SetLogo implements status.LogoStore. Other instances hear of the change (Listen).
func (s *DB) SetLogo(ctx context.Context, l status.Logo) error {
	defer s.Announce(status.Change{Account: l.Account})
	return s.tx(ctx, func(tx pgx.Tx) error {
		if err := s.setLogoURL(ctx, tx, l.Account, l.URL()); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO account_logos (account_id, content_type, sha256, data, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (account_id) DO UPDATE SET content_type = excluded.content_type, sha256 = excluded.sha256, data = excluded.data, created_at = excluded.created_at`,
			l.Account, l.ContentType, l.SHA256, l.Data, status.FormatTimestamp(s.now()))
		return err
	})
}

// DeleteLogo implements status.LogoStore.
func (s *DB) DeleteLogo(ctx context.Context, account int64) error {
	defer s.Announce(status.Change{Account: account})
	return s.tx(ctx, func(tx pgx.Tx) error {
		if err := s.setLogoURL(ctx, tx, account, ""); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM account_logos WHERE account_id = $1`, account)
		return err
	})
}

// setLogoURL changes only the logo URL in an account's settings document; the row lock
// keeps a concurrent settings write from being lost.
func (s *DB) setLogoURL(ctx context.Context, tx pgx.Tx, account int64, u string) error {
	var doc string
	if err := tx.QueryRow(ctx, `SELECT settings FROM accounts WHERE id = $1 FOR UPDATE`, account).Scan(&doc); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return status.ErrNotFound
		}
		return err
	}
	doc, err := status.WithLogoURL(doc, u)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE accounts SET settings = $1 WHERE id = $2`, doc, account); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `SELECT pg_notify($1, $2)`, s.channel, payload(Change{Account: account}))
	return err
}

// AccountLogo implements status.LogoStore.
func (s *DB) AccountLogo(ctx context.Context, account int64) (status.Logo, error) {
	l := status.Logo{Account: account}
	err := s.pool.QueryRow(ctx, `SELECT content_type, sha256, data, created_at FROM account_logos WHERE account_id = $1`, account).
		Scan(&l.ContentType, &l.SHA256, &l.Data, &l.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return l, status.ErrNotFound
	}
	return l, err
}
