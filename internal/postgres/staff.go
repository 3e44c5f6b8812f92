package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

// CreateStaffUser stores a new staff user with the accounts an agent may see and returns it
// with its id. An email already in use is status.ErrConflict; an unknown account is a
// validation error.
func (s *DB) CreateStaffUser(ctx context.Context, u auth.StaffUser) (auth.StaffUser, error) {
	u.Email = auth.NormalizeStaffEmail(u.Email)
	in := u
	err := s.tx(ctx, func(tx pgx.Tx) error {
		u = in
		if err := checkAccounts(ctx, tx, u.Accounts); err != nil {
			return err
		}
		now := status.FormatTimestamp(s.now())
		err := tx.QueryRow(ctx, `INSERT INTO staff_users (email, role, password_hash, disabled, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, session_epoch`, u.Email, string(u.Role), string(u.PasswordHash), u.Disabled, now, now).
			Scan(&u.ID, &u.SessionEpoch)
		if err != nil {
			if uniqueViolation(err) == "staff_users_email_key" {
				return fmt.Errorf("staff user %s: %w", u.Email, status.ErrConflict)
			}
			return err
		}
		u.CreatedAt = now
		for _, a := range u.Accounts {
			if _, err := tx.Exec(ctx, `INSERT INTO staff_user_accounts (user_id, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, u.ID, a); err != nil {
				return err
			}
		}
		return nil
	})
	return u, err
}

func checkAccounts(ctx context.Context, tx querier, ids []int64) error {
	for _, id := range ids {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM accounts WHERE id = $1`, id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return status.Invalid("account", "There is no account %d.", id)
		}
	}
	return nil
}

const staffCols = `id, email, role, password_hash, disabled, session_epoch, created_at`

func (s *DB) loadStaffUser(ctx context.Context, where string, arg any) (auth.StaffUser, error) {
	var u auth.StaffUser
	var role, hash string
	err := s.pool.QueryRow(ctx, `SELECT `+staffCols+` FROM staff_users WHERE `+where, arg).
		Scan(&u.ID, &u.Email, &role, &hash, &u.Disabled, &u.SessionEpoch, &u.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return u, status.ErrNotFound
	}
	if err != nil {
		return u, err
	}
	u.Role, u.PasswordHash = auth.Role(role), []byte(hash)
	u.Accounts, err = s.userAccounts(ctx, u.ID)
	return u, err
}

func (s *DB) userAccounts(ctx context.Context, user int64) ([]int64, error) {
	rows, err := s.pool.Query(ctx, `SELECT account_id FROM staff_user_accounts WHERE user_id = $1 ORDER BY account_id`, user)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var a int64
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// StaffUserByEmail implements auth.StaffStore.
func (s *DB) StaffUserByEmail(ctx context.Context, email string) (auth.StaffUser, error) {
	return s.loadStaffUser(ctx, `email = $1`, auth.NormalizeStaffEmail(email))
}

// StaffUser returns a staff user by id, or status.ErrNotFound.
func (s *DB) StaffUser(ctx context.Context, id int64) (auth.StaffUser, error) {
	return s.loadStaffUser(ctx, `id = $1`, id)
}

// StaffUsers returns every staff user, by email, without password hashes.
func (s *DB) StaffUsers(ctx context.Context) ([]auth.StaffUser, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, email, role, disabled FROM staff_users ORDER BY email`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []auth.StaffUser
	for rows.Next() {
		var u auth.StaffUser
		var role string
		if err := rows.Scan(&u.ID, &u.Email, &role, &u.Disabled); err != nil {
			return nil, err
		}
		u.Role = auth.Role(role)
		out = append(out, u)
	}
	return out, rows.Err()
}

// CountStaffUsers returns how many staff users exist (disabled ones included).
func (s *DB) CountStaffUsers(ctx context.Context) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM staff_users`).Scan(&n)
	return n, err
}

// SetStaffPassword replaces a user's password hash and ends the user's sessions.
func (s *DB) SetStaffPassword(ctx context.Context, email string, hash []byte) error {
	return s.updateStaff(ctx, `password_hash = $1`, string(hash), email)
}

// DisableStaffUser disables a user and ends the user's sessions.
func (s *DB) DisableStaffUser(ctx context.Context, email string) error {
	return s.updateStaff(ctx, `disabled = $1`, true, email)
}

func (s *DB) updateStaff(ctx context.Context, set string, val any, email string) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `UPDATE staff_users SET `+set+`, session_epoch = session_epoch + 1, updated_at = $2 WHERE email = $3 RETURNING id`,
			val, status.FormatTimestamp(s.now()), auth.NormalizeStaffEmail(email)).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return status.ErrNotFound
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM staff_sessions WHERE user_id = $1`, id)
		return err
	})
}

// CreateStaffSession stores a new staff session.
func (s *DB) CreateStaffSession(ctx context.Context, ss auth.StaffSession) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO staff_sessions (id_hash, user_id, created_at, last_seen_at, client_addr, user_agent) VALUES ($1, $2, $3, $4, $5, $6)`,
		ss.Hash, ss.UserID, status.FormatTimestamp(ss.CreatedAt), status.FormatTimestamp(ss.LastSeenAt), ss.ClientAddr, ss.UserAgent)
	return err
}

const staffSessionCols = `id_hash, user_id, created_at, last_seen_at, client_addr, user_agent`

func scanStaffSession(row pgx.Row) (auth.StaffSession, error) {
	var ss auth.StaffSession
	var created, seen string
	if err := row.Scan(&ss.Hash, &ss.UserID, &created, &seen, &ss.ClientAddr, &ss.UserAgent); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return ss, status.ErrNotFound
		}
		return ss, err
	}
	ss.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
	ss.LastSeenAt, _ = time.Parse(time.RFC3339Nano, seen)
	return ss, nil
}

// StaffSession returns the session with that id hash, or status.ErrNotFound.
func (s *DB) StaffSession(ctx context.Context, hash []byte) (auth.StaffSession, error) {
	return scanStaffSession(s.pool.QueryRow(ctx, `SELECT `+staffSessionCols+` FROM staff_sessions WHERE id_hash = $1`, hash))
}

// TouchStaffSession records a request of the session at `at`.
func (s *DB) TouchStaffSession(ctx context.Context, hash []byte, at time.Time) error {
	_, err := s.pool.Exec(ctx, `UPDATE staff_sessions SET last_seen_at = $1 WHERE id_hash = $2`, status.FormatTimestamp(at), hash)
	return err
}

// DeleteStaffSession ends one session; ending one that does not exist is no error.
func (s *DB) DeleteStaffSession(ctx context.Context, hash []byte) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM staff_sessions WHERE id_hash = $1`, hash)
	return err
}

// StaffSessions returns the sessions of a user, newest first, expired ones included until
// they are pruned.
func (s *DB) StaffSessions(ctx context.Context, user int64) ([]auth.StaffSession, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+staffSessionCols+` FROM staff_sessions WHERE user_id = $1 ORDER BY created_at DESC`, user)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []auth.StaffSession
	for rows.Next() {
		ss, err := scanStaffSession(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ss)
	}
	return out, rows.Err()
}

// RevokeStaffSessions ends every session of a user (every user's when user is 0) and
// returns how many there were.
func (s *DB) RevokeStaffSessions(ctx context.Context, user int64) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM staff_sessions WHERE $1 = 0 OR user_id = $1`, user)
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

// ReserveLogin implements auth.StaffStore. Both counts are of attempts from clientAddr, so a
// transaction-scoped advisory lock on the address (and the schema) makes counting and
// recording one step across connections and instances: reservations from one address queue
// behind each other, others run in parallel. The address's attempts older than the lookback,
// which no limit counts any more, are deleted at the same time (housekeeping prunes those of
// addresses that do not come back; SQLite, with one writer, deletes every address's here).
func (s *DB) ReserveLogin(ctx context.Context, email, clientAddr string, at, since time.Time, wait func(auth.LoginCounts) time.Duration) (int64, time.Duration, auth.LoginCounts, error) {
	var id int64
	var retry time.Duration
	var c auth.LoginCounts
	err := s.tx(ctx, func(tx pgx.Tx) error {
		id, retry, c = 0, 0, auth.LoginCounts{}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey("login", s.channel, clientAddr)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM login_attempts WHERE client_addr = $1 AND at <= $2`, clientAddr, since); err != nil {
			return err
		}
		var pairLatest, addrLatest *time.Time
		if err := tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE email = $1), max(at) FILTER (WHERE email = $1), count(*), max(at)
			FROM login_attempts WHERE client_addr = $2 AND at > $3`, email, clientAddr, since).
			Scan(&c.Pair, &pairLatest, &c.Addr, &addrLatest); err != nil {
			return err
		}
		if pairLatest != nil {
			c.PairLatest = pairLatest.UTC()
		}
		if addrLatest != nil {
			c.AddrLatest = addrLatest.UTC()
		}
		if retry = wait(c); retry > 0 {
			return nil
		}
		return tx.QueryRow(ctx, `INSERT INTO login_attempts (email, client_addr, at) VALUES ($1, $2, $3) RETURNING id`,
			email, clientAddr, at).Scan(&id)
	})
	return id, retry, c, err
}

// LoginSucceeded implements auth.StaffStore. Attempts reserved after this one and still
// running are kept, so that a burst cannot use one right password to reset its own count.
func (s *DB) LoginSucceeded(ctx context.Context, id int64, email, clientAddr string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM login_attempts WHERE email = $1 AND client_addr = $2 AND id <= $3`, email, clientAddr, id)
	return err
}

// LoginAttempts returns how many login attempts of email (any address when clientAddr is
// "") are recorded; for tests and the operator.
func (s *DB) LoginAttempts(ctx context.Context, email, clientAddr string) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM login_attempts WHERE email = $1 AND ($2 = '' OR client_addr = $2)`, email, clientAddr).Scan(&n)
	return n, err
}

// AddAudit appends an entry to the audit log; At is set from the store's clock when empty.
func (s *DB) AddAudit(ctx context.Context, e auth.AuditEntry) error {
	if e.At == "" {
		e.At = status.FormatTimestamp(s.now())
	}
	var acct any
	if e.AccountID != 0 {
		acct = e.AccountID
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO audit_log (at, user_id, user_email, action, query, order_id, account_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		e.At, e.UserID, e.UserEmail, e.Action, e.Query, e.OrderID, acct)
	return err
}

// AuditEntries returns one page of the audit log, newest first, and how many entries match
// the filter.
func (s *DB) AuditEntries(ctx context.Context, f auth.AuditFilter) ([]auth.AuditEntry, int, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.UserID != 0 {
		add(`user_id = $%d`, f.UserID)
	}
	if f.Action != "" {
		add(`action = $%d`, f.Action)
	}
	if f.Account != 0 {
		add(`account_id = $%d`, f.Account)
	}
	if !f.From.IsZero() {
		add(`at >= $%d`, status.FormatTimestamp(f.From))
	}
	if !f.To.IsZero() {
		add(`at < $%d`, status.FormatTimestamp(f.To))
	}
	cond := ""
	if len(where) > 0 {
		cond = ` WHERE ` + strings.Join(where, ` AND `)
	}
	var total int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log`+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	n := len(args)
	rows, err := s.pool.Query(ctx, `SELECT id, at, user_id, user_email, action, query, order_id, coalesce(account_id, 0) FROM audit_log`+
		cond+fmt.Sprintf(` ORDER BY at DESC, id DESC LIMIT $%d OFFSET $%d`, n+1, n+2), append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []auth.AuditEntry
	for rows.Next() {
		var e auth.AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.UserID, &e.UserEmail, &e.Action, &e.Query, &e.OrderID, &e.AccountID); err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}
