package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Staff session lifetimes: a session ends after StaffIdleTimeout without a request and in any
// case StaffSessionLifetime after login.
const (
	StaffIdleTimeout     = 8 * time.Hour
	StaffSessionLifetime = 12 * time.Hour
	// staffTouchEvery limits how often a session's last-seen time is written.
	staffTouchEvery = time.Minute
)

// StaffSession is a signed-in console session, kept in the database. The browser holds the
// session id; the store keeps only its hash, so a copy of the database cannot be replayed.
type StaffSession struct {
	Hash       []byte
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ClientAddr string
	UserAgent  string
}

// NewStaffSession returns a session for user started at now and the id to put in the
// cookie.
func NewStaffSession(user int64, now time.Time, clientAddr, userAgent string) (StaffSession, string) {
	id := HexKey(32)
	if len(userAgent) > 255 {
		userAgent = userAgent[:255]
	}
	return StaffSession{Hash: StaffSessionHash(id), UserID: user, CreatedAt: now, LastSeenAt: now, ClientAddr: clientAddr, UserAgent: userAgent}, id
}

// StaffSessionHash is how a session id is stored.
func StaffSessionHash(id string) []byte {
	h := sha256.Sum256([]byte("staff-session:" + id))
	return h[:]
}

// Label names a session in listings without revealing its id.
func (s StaffSession) Label() string { return hex.EncodeToString(s.Hash[:6]) }

// ExpiresAt is when the session ends without further requests.
func (s StaffSession) ExpiresAt() time.Time {
	idle, abs := s.LastSeenAt.Add(StaffIdleTimeout), s.CreatedAt.Add(StaffSessionLifetime)
	if idle.Before(abs) {
		return idle
	}
	return abs
}

// Expired reports whether the session has ended at now, by idleness or by age.
func (s StaffSession) Expired(now time.Time) bool { return !now.Before(s.ExpiresAt()) }

// NeedsTouch reports whether a request at now should record itself as the last-seen time.
func (s StaffSession) NeedsTouch(now time.Time) bool { return now.Sub(s.LastSeenAt) >= staffTouchEvery }
