package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/orderstatus/orderstatus/internal/status"
)

// Signature errors.
var (
	ErrBadSignature = errors.New("invalid signature")
	ErrExpired      = errors.New("link expired")
)

// SignatureMessage builds the signed message of DESIGN §5: "v1:" and the lookup's parameters
// (plus exp when present) as key=value pairs sorted by key, joined with "&".
func SignatureMessage(params map[string]string, exp string) string {
	keys := make([]string, 0, len(params)+1)
	for k := range params {
		keys = append(keys, k)
	}
	if exp != "" {
		keys = append(keys, "exp")
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("v1:")
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		v := params[k]
		if k == "exp" {
			v = exp
		}
		b.WriteString(k + "=" + v)
	}
	return b.String()
}

// Sign returns the first 32 hex characters of HMAC-SHA256(key, message).
func Sign(key, message string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(message))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// VerifyLink checks s for a lookup against the account's current and previous signing keys
// in constant time, and the expiry. It returns ErrExpired only for a correctly signed link
// past its exp.
func VerifyLink(a status.Account, l status.Lookup, s, exp string, now time.Time) error {
	if len(s) != 32 {
		return ErrBadSignature
	}
	msg := SignatureMessage(l.SignedParams(), exp)
	ok := false
	for _, key := range []string{a.SigningKey, a.PreviousSigningKey} {
		if key == "" {
			continue
		}
		if hmac.Equal([]byte(Sign(key, msg)), []byte(strings.ToLower(s))) {
			ok = true
		}
	}
	if !ok {
		return ErrBadSignature
	}
	if exp != "" {
		e, err := strconv.ParseInt(exp, 10, 64)
		if err != nil {
			return ErrBadSignature
		}
		if now.Unix() > e {
			return ErrExpired
		}
	}
	return nil
}

// SignedQuery returns the query string of a signed link for a lookup: the lookup's parameters,
// exp when ttl > 0, and s.
func SignedQuery(a status.Account, l status.Lookup, ttl time.Duration, now time.Time) url.Values {
	params := l.SignedParams()
	exp := ""
	if ttl > 0 {
		exp = strconv.FormatInt(now.Add(ttl).Unix(), 10)
	}
	q := url.Values{}
	for k, v := range params {
		q.Set(k, v)
	}
	if exp != "" {
		q.Set("exp", exp)
	}
	q.Set("s", Sign(a.SigningKey, SignatureMessage(params, exp)))
	return q
}
