package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

// Secrets at rest, sealed exactly as internal/sqlite seals them (auth.MasterKey, the same
// contexts): accounts' signing keys and callback secrets and every setting (the session keys
// among them). A value sealed by one engine therefore opens in the other with the same
// master key, and copy-db copies sealed columns unchanged.

// masterKeyCheck is a setting whose only purpose is to tell at open whether the master key is
// the one the database was sealed with.
const masterKeyCheck = "master_key_check"

func (s *DB) sealAccount(a status.Account) (signing, previous, callback string) {
	return s.key.SealAccount(a)
}

func (s *DB) openAccount(a *status.Account) error { return s.key.OpenAccount(a) }

func (s *DB) sealSetting(key string, v []byte) []byte { return s.key.SealSetting(key, v) }

func (s *DB) openSetting(key string, v []byte) ([]byte, error) { return s.key.OpenSetting(key, v) }

// sealSecrets checks the master key against the database and, on the first open with a
// master key, seals secrets stored in plaintext (by this store before it sealed them), in one
// transaction. The transaction locks the settings table, so that instances opening an
// unsealed database together seal it once.
func (s *DB) sealSecrets(ctx context.Context) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `LOCK TABLE settings IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		var check []byte
		err := tx.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, masterKeyCheck).Scan(&check)
		if err == nil {
			if _, err := s.openSetting(masterKeyCheck, check); err != nil {
				return fmt.Errorf("%w: use the key the database was created with", auth.ErrWrongMasterKey)
			}
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, signing_key, previous_signing_key, callback_secret FROM accounts FOR UPDATE`)
		if err != nil {
			return err
		}
		accounts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (status.Account, error) {
			var a status.Account
			err := r.Scan(&a.ID, &a.SigningKey, &a.PreviousSigningKey, &a.CallbackSecret)
			return a, err
		})
		if err != nil {
			return err
		}
		for _, a := range accounts {
			if auth.IsSealed(a.SigningKey) {
				continue
			}
			sk, pk, cb := s.sealAccount(a)
			if _, err := tx.Exec(ctx, `UPDATE accounts SET signing_key = $1, previous_signing_key = $2, callback_secret = $3 WHERE id = $4`, sk, pk, cb, a.ID); err != nil {
				return err
			}
		}
		rows, err = tx.Query(ctx, `SELECT key, value FROM settings`)
		if err != nil {
			return err
		}
		type setting struct {
			key   string
			value []byte
		}
		settings, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (setting, error) {
			var st setting
			err := r.Scan(&st.key, &st.value)
			return st, err
		})
		if err != nil {
			return err
		}
		for _, st := range settings {
			if auth.IsSealed(string(st.value)) {
				continue
			}
			if _, err := tx.Exec(ctx, `UPDATE settings SET value = $1 WHERE key = $2`, s.sealSetting(st.key, st.value), st.key); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)`, masterKeyCheck, s.sealSetting(masterKeyCheck, []byte("orderstatus")))
		return err
	})
}

// RotateSessionKeys forgets the session keys, so that servers make new ones (running servers
// look again every 30 seconds) and every cookie made with the old keys is refused, and ends
// every staff session.
func (s *DB) RotateSessionKeys(ctx context.Context) (staffSessions int, err error) {
	err = s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM settings WHERE key = 'session_keys'`); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM staff_sessions`)
		staffSessions = int(tag.RowsAffected())
		return err
	})
	return staffSessions, err
}
