package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

// Secrets at rest. Accounts' signing keys and callback secrets and every setting (the
// session keys among them) are stored sealed with the master key, each under a context that
// names its place, so that a value moved to another row does not open.

// masterKeyCheck is a setting whose only purpose is to tell at open whether the master key is
// the one the database was sealed with.
const masterKeyCheck = "master_key_check"

func (s *DB) sealAccount(a status.Account) (signing, previous, callback string) {
	return s.key.SealAccount(a)
}

func (s *DB) openAccount(a *status.Account) error { return s.key.OpenAccount(a) }

func (s *DB) sealSetting(key string, v []byte) []byte { return s.key.SealSetting(key, v) }

func (s *DB) openSetting(key string, v []byte) ([]byte, error) { return s.key.OpenSetting(key, v) }

// ErrNoMasterKey: the database's secrets are encrypted, and no master key was given.
var ErrNoMasterKey = errors.New("the secrets of this database are encrypted with a master key that was not given")

// createKeyFile writes a new master key file for a database that has none yet. A database
// already sealed with some key is ErrNoMasterKey (a backup opened without its key, for
// example), and no key file is written. When another process wrote the file first, its key
// is used.
func (s *DB) createKeyFile(ctx context.Context, path string, material []byte) error {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM settings WHERE key = ?`, masterKeyCheck).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("%w: give it with ORDERSTATUS_MASTER_KEY or --master-key-file (no key file at %s)", ErrNoMasterKey, path)
	}
	err := auth.WriteKeyFile(path, material)
	if errors.Is(err, fs.ErrExist) {
		if material, err = auth.ReadKeyFile(path); err == nil {
			s.key, err = auth.NewMasterKey(material)
		}
	}
	return err
}

// sealSecrets checks the master key against the database and, on the first open with a
// master key, encrypts the secrets an earlier version stored in plaintext, in one
// transaction.
func (s *DB) sealSecrets(ctx context.Context) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var check []byte
		err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, masterKeyCheck).Scan(&check)
		if err == nil {
			if _, err := s.openSetting(masterKeyCheck, check); err != nil {
				return fmt.Errorf("%w: use the key the database was created with", auth.ErrWrongMasterKey)
			}
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, signing_key, previous_signing_key, callback_secret FROM accounts`)
		if err != nil {
			return err
		}
		var accounts []status.Account
		for rows.Next() {
			var a status.Account
			if err := rows.Scan(&a.ID, &a.SigningKey, &a.PreviousSigningKey, &a.CallbackSecret); err != nil {
				rows.Close()
				return err
			}
			accounts = append(accounts, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, a := range accounts {
			if auth.IsSealed(a.SigningKey) {
				continue
			}
			sk, pk, cb := s.sealAccount(a)
			if _, err := tx.ExecContext(ctx, `UPDATE accounts SET signing_key = ?, previous_signing_key = ?, callback_secret = ? WHERE id = ?`, sk, pk, cb, a.ID); err != nil {
				return err
			}
		}
		rows, err = tx.QueryContext(ctx, `SELECT key, value FROM settings`)
		if err != nil {
			return err
		}
		plain := map[string][]byte{}
		for rows.Next() {
			var k string
			var v []byte
			if err := rows.Scan(&k, &v); err != nil {
				rows.Close()
				return err
			}
			if !auth.IsSealed(string(v)) {
				plain[k] = v
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for k, v := range plain {
			if _, err := tx.ExecContext(ctx, `UPDATE settings SET value = ? WHERE key = ?`, s.sealSetting(k, v), k); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)`, masterKeyCheck, s.sealSetting(masterKeyCheck, []byte("orderstatus")))
		return err
	})
}

// RotateSessionKeys forgets the session keys, so that servers make new ones (running servers
// look again every 30 seconds) and every cookie made with the old keys is refused, and ends
// every staff session.
func (s *DB) RotateSessionKeys(ctx context.Context) (staffSessions int, err error) {
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE key = 'session_keys'`); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM staff_sessions`)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		staffSessions = int(n)
		return err
	})
	return staffSessions, err
}
