package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/orderstatus/orderstatus/internal/status"
)

// Role is what a staff user may see: admins every account, agents only their own.
type Role string

// Staff roles.
const (
	RoleAdmin Role = "admin"
	RoleAgent Role = "agent"
)

// Password rules. bcrypt reads at most 72 bytes, so longer passwords are refused rather than
// silently cut.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 72
)

// Login throttling. Failed logins are counted per (email, client address) and per client
// address over LoginLookback; an attacker elsewhere therefore cannot lock a user out. The
// first LoginPairFailures (LoginAddrFailures) failures are free; after that every further
// attempt waits a delay counted from the latest failure, LoginBaseDelay for the first and
// doubling with each further failure up to LoginMaxDelay. An attempt is reserved (counted as
// a failure) before its password is checked, so a burst of concurrent attempts checks at most
// the free number of passwords; a successful login removes its reservation.
const (
	LoginPairFailures = 5
	LoginAddrFailures = 20
	LoginBaseDelay    = time.Minute
	LoginMaxDelay     = time.Hour
	LoginLookback     = 24 * time.Hour
)

// LoginCounts are the failed (or still running) logins of one email from one client address
// (Pair) and of the address for any email (Addr) within LoginLookback, with the latest of
// each.
type LoginCounts struct {
	Pair, Addr             int
	PairLatest, AddrLatest time.Time
}

// LoginWait returns how long a new attempt must wait after the failures c counts; 0 lets it
// go ahead.
func LoginWait(c LoginCounts, now time.Time) time.Duration {
	return max(loginDelay(c.Pair, LoginPairFailures, c.PairLatest, now), loginDelay(c.Addr, LoginAddrFailures, c.AddrLatest, now))
}

func loginDelay(n, free int, latest, now time.Time) time.Duration {
	if n < free {
		return 0
	}
	d := LoginMaxDelay
	if n-free < 16 {
		d = min(LoginBaseDelay<<(n-free), LoginMaxDelay)
	}
	wait := latest.Add(d).Sub(now)
	if wait <= 0 {
		return 0
	}
	return max(wait, time.Second)
}

// ErrBadLogin is the one answer to an unknown email, a wrong password and a disabled user,
// so that the login form does not tell which emails have accounts.
var ErrBadLogin = errors.New("unknown email or wrong password")

// StaffUser is a support console user.
type StaffUser struct {
	ID    int64
	Email string
	Role  Role
	// Accounts are the accounts an agent may see; empty for admins, who see all.
	Accounts     []int64
	Disabled     bool
	PasswordHash []byte
	// SessionEpoch changes when the password changes or the user is disabled; sessions
	// carry the epoch they were created in.
	SessionEpoch int64
	CreatedAt    string
}

// IsAdmin reports whether u sees every account and the audit log.
func (u StaffUser) IsAdmin() bool { return u.Role == RoleAdmin }

// CanSee reports whether u may see orders of account.
func (u StaffUser) CanSee(account int64) bool {
	if u.IsAdmin() {
		return true
	}
	for _, a := range u.Accounts {
		if a == account {
			return true
		}
	}
	return false
}

// NormalizeStaffEmail is how staff emails are stored and compared: trimmed, lower-cased.
func NormalizeStaffEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidateStaffUser checks a user before it is stored: an email, a known role, accounts for
// agents and none for admins.
func ValidateStaffUser(u StaffUser) error {
	e := &status.ValidationError{}
	if at := strings.IndexByte(u.Email, '@'); at < 1 || at == len(u.Email)-1 || len(u.Email) > maxLoginEmail ||
		strings.ContainsFunc(u.Email, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		e.Add("invalid", "email", "Enter a valid email address.")
	}
	switch u.Role {
	case RoleAdmin:
		if len(u.Accounts) > 0 {
			e.Add("invalid", "account", "Admins see every account; give --account only to agents.")
		}
	case RoleAgent:
		if len(u.Accounts) == 0 {
			e.Add("required", "account", "An agent needs at least one account.")
		}
	default:
		e.Add("invalid", "role", "Use admin or agent.")
	}
	return e.Err()
}

// HashPassword checks the length rules and returns the bcrypt hash of pw.
func HashPassword(pw string) ([]byte, error) {
	if n := len([]rune(pw)); n < MinPasswordLen {
		return nil, status.Invalid("password", "Use at least %d characters.", MinPasswordLen)
	}
	if len(pw) > MaxPasswordLen {
		return nil, status.Invalid("password", "Use at most %d bytes.", MaxPasswordLen)
	}
	return bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
}

// dummyHash is compared against when the email is unknown or the user disabled, so that
// every login attempt costs one bcrypt comparison and takes about as long.
var dummyHash = sync.OnceValue(func() []byte {
	h, err := bcrypt.GenerateFromPassword([]byte(HexKey(16)), bcrypt.DefaultCost)
	if err != nil {
		panic(err)
	}
	return h
})

// LoginLimitError says how long a client must wait before the next login attempt.
type LoginLimitError struct{ RetryAfter time.Duration }

func (e *LoginLimitError) Error() string {
	return fmt.Sprintf("too many failed logins; retry in %s", e.RetryAfter.Round(time.Second))
}

// StaffStore keeps staff users, login attempts and the audit log.
type StaffStore interface {
	// StaffUserByEmail returns the user with that (normalised) email, or status.ErrNotFound.
	StaffUserByEmail(ctx context.Context, email string) (StaffUser, error)
	// ReserveLogin counts the login failures of (email, clientAddr) and of clientAddr since
	// `since` and calls wait with them; when wait returns 0 it records a new attempt at `at`,
	// counted as a failure from then on, and returns its id. Counting and recording are one
	// atomic step: concurrent reservations each see all earlier ones. When wait returns more
	// than 0 nothing is recorded and that duration is returned.
	ReserveLogin(ctx context.Context, email, clientAddr string, at, since time.Time, wait func(LoginCounts) time.Duration) (id int64, retry time.Duration, counts LoginCounts, err error)
	// LoginSucceeded removes the attempt id and forgets the failures of (email, clientAddr).
	LoginSucceeded(ctx context.Context, id int64, email, clientAddr string) error
	// AddAudit appends an entry to the audit log.
	AddAudit(ctx context.Context, e AuditEntry) error
}

// Staff checks staff logins.
type Staff struct {
	Store StaffStore
	Now   func() time.Time
	// Refused, when set, is told of every login refused by a limit.
	Refused RefusalHook
}

// Login returns the user whose email and password these are. It returns ErrBadLogin for an
// unknown email, a wrong password and a disabled user alike, and a *LoginLimitError while
// the email from this client address, or the client address, must wait (see LoginWait). A
// failure that reaches or passes a limit is written to the audit log as AuditLockout.
func (s *Staff) Login(ctx context.Context, email, password, clientAddr string) (StaffUser, error) {
	now := s.Now()
	email = NormalizeStaffEmail(email)
	if len(email) > maxLoginEmail {
		// No user has such an email; the attempt is counted under a bounded key.
		email = email[:maxLoginEmail]
	}
	id, retry, counts, err := s.Store.ReserveLogin(ctx, email, clientAddr, now, now.Add(-LoginLookback),
		func(c LoginCounts) time.Duration { return LoginWait(c, now) })
	if err != nil {
		return StaffUser{}, err
	}
	if retry > 0 {
		kind := RefusedLoginAddr
		if loginDelay(counts.Pair, LoginPairFailures, counts.PairLatest, now) > 0 {
			kind = RefusedLoginEmail
		}
		s.Refused.refused(kind)
		return StaffUser{}, &LoginLimitError{RetryAfter: retry}
	}
	u, err := s.Store.StaffUserByEmail(ctx, email)
	if err != nil && !errors.Is(err, status.ErrNotFound) {
		return StaffUser{}, err
	}
	hash := u.PasswordHash
	known := err == nil && !u.Disabled
	if !known {
		hash = dummyHash()
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || !known {
		// The reservation stays as the failure. Counts did not include this attempt.
		if counts.Pair+1 >= LoginPairFailures || counts.Addr+1 >= LoginAddrFailures {
			if err := s.Store.AddAudit(ctx, AuditEntry{UserID: u.ID, UserEmail: email, Action: AuditLockout,
				Query: lockoutNote(counts, clientAddr)}); err != nil {
				return StaffUser{}, err
			}
		}
		return StaffUser{}, ErrBadLogin
	}
	if err := s.Store.LoginSucceeded(ctx, id, email, clientAddr); err != nil {
		return StaffUser{}, err
	}
	return u, nil
}

// maxLoginEmail bounds what a login attempt records of the email typed (RFC 5321 allows 254).
const maxLoginEmail = 254

// lockoutNote says in the audit log which limit a failure reached and from where.
func lockoutNote(c LoginCounts, clientAddr string) string {
	if c.Addr+1 >= LoginAddrFailures {
		return fmt.Sprintf("%d failed logins from %s", c.Addr+1, clientAddr)
	}
	return fmt.Sprintf("%d failed logins for this email from %s", c.Pair+1, clientAddr)
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID        int64
	At        string // status.TimestampLayout
	UserID    int64
	UserEmail string
	// Action is one of AuditActions.
	Action string
	// Query is what was typed into the search box (searches), or for a lockout which limit
	// was reached from which client address.
	Query   string
	OrderID string
	// AccountID is the account filter of a search or the account of a viewed order; 0 for
	// none.
	AccountID int64
}

// Audit actions.
const (
	AuditLogin  = "login"
	AuditLogout = "logout"
	AuditSearch = "search"
	AuditView   = "view"
	// AuditLockout is a failed login that reached a throttling limit; UserEmail is the
	// email as typed (UserID 0 when no such user exists).
	AuditLockout = "lockout"
	// AuditOpenAsShopper: the user opened the order's shopper page with a fresh signed link.
	AuditOpenAsShopper = "open_as_shopper"
	// AuditNote: the user added an agent note to the order.
	AuditNote = "note"
)

// AuditActions lists the actions in the order the filter offers them.
var AuditActions = []string{AuditSearch, AuditView, AuditOpenAsShopper, AuditNote, AuditLogin, AuditLogout, AuditLockout}

// AuditFilter selects audit entries; zero fields do not filter.
type AuditFilter struct {
	UserID  int64
	Action  string
	Account int64
	// From and To bound the time, From inclusive, To exclusive.
	From, To time.Time
	Limit    int
	Offset   int
}
