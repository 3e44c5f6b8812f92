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

// BearerToken returns the API token of an Authorization header, or "". It takes our
// "Bearer <token>" and, so that parcelLab v4 integrations work unchanged,
// "Parcellab-API-Token <token>", where some clients send base64("<account>:<token>").
func BearerToken(header string) string {
	if tok, ok := cutScheme(header, "bearer "); ok {
		return tok
	}
	tok, ok := cutScheme(header, "parcellab-api-token ")
	if !ok {
		return ""
	}
	if b, err := base64.StdEncoding.DecodeString(tok); err == nil {
		if acct, secret, found := strings.Cut(string(b), ":"); found && acct != "" && strings.Trim(acct, "0123456789") == "" && secret != "" {
			return secret
		}
	}
	return tok
}

// cutScheme returns the credentials of an Authorization header with the given scheme
// (lower case, with its trailing space), compared case-insensitively.
func cutScheme(header, scheme string) (string, bool) {
	if len(header) > len(scheme) && strings.EqualFold(header[:len(scheme)], scheme) {
		tok := strings.TrimSpace(header[len(scheme):])
		return tok, tok != ""
	}
	return "", false
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

// TokenTouchEvery is how often a token's last use is recorded: a busy client costs one write
// a minute, not one per request.
const TokenTouchEvery = time.Minute

// TokenUse decides for a stored token, at now: whether it still works (not expired; a zero
// expires never expires), whether its last use is due to be recorded, and until when the
// answer holds (its expiry or the next recording, whichever comes first), for caches.
func TokenUse(now, expires, lastUsed time.Time) (valid, touch bool, until time.Time) {
	if !expires.IsZero() && !now.Before(expires) {
		return false, false, time.Time{}
	}
	touch = now.Sub(lastUsed) >= TokenTouchEvery
	until = now.Add(TokenTouchEvery)
	if !touch {
		until = lastUsed.Add(TokenTouchEvery)
	}
	if !expires.IsZero() && expires.Before(until) {
		until = expires
	}
	return true, touch, until
}
