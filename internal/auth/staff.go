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

// Login throttling (DESIGN §3): failed logins per email and per client address in sliding
// windows. A throttled attempt is refused before its password is checked and is not counted.
const (
	LoginEmailFailures = 5
	LoginEmailWindow   = 15 * time.Minute
	LoginAddrFailures  = 20
	LoginAddrWindow    = time.Hour
)

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
	if at := strings.IndexByte(u.Email, '@'); at < 1 || at == len(u.Email)-1 || strings.ContainsAny(u.Email, " \t\r\n") {
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

// StaffStore keeps staff users and failed logins.
type StaffStore interface {
	// StaffUserByEmail returns the user with that (normalised) email, or status.ErrNotFound.
	StaffUserByEmail(ctx context.Context, email string) (StaffUser, error)
	// LoginFailures counts the failed logins of an email ("email") or a client address
	// ("addr") since a moment, and returns the oldest of them.
	LoginFailures(ctx context.Context, by, value string, since time.Time) (n int, oldest time.Time, err error)
	// AddLoginFailure records a failed login.
	AddLoginFailure(ctx context.Context, email, clientAddr string, at time.Time) error
	// ClearLoginFailures forgets the failed logins of an email after a successful login.
	ClearLoginFailures(ctx context.Context, email string) error
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
// the email or the client address has too many recent failures.
func (s *Staff) Login(ctx context.Context, email, password, clientAddr string) (StaffUser, error) {
	now := s.Now()
	email = NormalizeStaffEmail(email)
	for _, lim := range []struct {
		by, value, kind string
		max             int
		window          time.Duration
	}{
		{"email", email, RefusedLoginEmail, LoginEmailFailures, LoginEmailWindow},
		{"addr", clientAddr, RefusedLoginAddr, LoginAddrFailures, LoginAddrWindow},
	} {
		n, oldest, err := s.Store.LoginFailures(ctx, lim.by, lim.value, now.Add(-lim.window))
		if err != nil {
			return StaffUser{}, err
		}
		if n >= lim.max {
			s.Refused.refused(lim.kind)
			wait := oldest.Add(lim.window).Sub(now)
			if wait < time.Second {
				wait = time.Second
			}
			return StaffUser{}, &LoginLimitError{RetryAfter: wait}
		}
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
		if err := s.Store.AddLoginFailure(ctx, email, clientAddr, now); err != nil {
			return StaffUser{}, err
		}
		return StaffUser{}, ErrBadLogin
	}
	if err := s.Store.ClearLoginFailures(ctx, email); err != nil {
		return StaffUser{}, err
	}
	return u, nil
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID        int64
	At        string // status.TimestampLayout
	UserID    int64
	UserEmail string
	// Action is AuditLogin, AuditLogout, AuditSearch or AuditView.
	Action string
	// Query is what was typed into the search box (searches only); the only personal data
	// the log keeps.
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
)

// AuditActions lists the actions in the order the filter offers them.
var AuditActions = []string{AuditSearch, AuditView, AuditLogin, AuditLogout}

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
