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
