// Package auth holds the proofs of the right to see an order: API tokens, link signatures
// (`s`), verification by email or postal code with its rate limits, and staff users and
// sessions.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
)

// NewSecret returns a random URL-safe secret with the given prefix ("os_live_" for API
// tokens, "sk_" for signing keys).
func NewSecret(prefix string) string {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// HashToken is how API tokens are stored: SHA-256 of the token.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// BearerToken returns the token of an "Authorization: Bearer <token>" header, or "".
func BearerToken(header string) string {
	const p = "bearer "
	if len(header) > len(p) && strings.EqualFold(header[:len(p)], p) {
		return strings.TrimSpace(header[len(p):])
	}
	return ""
}

// HexKey returns n random bytes, hex-encoded.
func HexKey(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// APIToken describes a stored API token; the token itself is never stored.
type APIToken struct {
	// ID names the token in listings and for revocation ("tok_" and 12 hex digits of its
	// hash); it cannot be used to authenticate.
	ID      string
	Account int64
	Hash    []byte
	// ExpiresAt is zero for a token that does not expire.
	ExpiresAt  time.Time
	CreatedAt  time.Time
	LastUsedAt time.Time // zero when never used
}

// NewAPIToken returns a token for account valid for ttl from now (0: no expiry) and the
// secret to hand out once.
func NewAPIToken(account int64, ttl time.Duration, now time.Time) (APIToken, string) {
	secret := NewSecret("os_")
	t := APIToken{Account: account, Hash: HashToken(secret), CreatedAt: now}
	t.ID = TokenID(t.Hash)
	if ttl > 0 {
		t.ExpiresAt = now.Add(ttl)
	}
	return t, secret
}

// TokenID is the public id of the token with this hash.
func TokenID(hash []byte) string { return "tok_" + hex.EncodeToString(hash[:6]) }

// Expired reports whether the token no longer authenticates at now.
func (t APIToken) Expired(now time.Time) bool {
	return !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt)
}
