package auth_test

import (
	"errors"
	"maps"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

var fuzzNow = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

// FuzzParseInfoRequest: lookup parsing never panics, and any lookup it accepts survives a
// signed link: the link parses back to the same signed parameters and its s verifies.
func FuzzParseInfoRequest(f *testing.F) {
	for _, s := range []string{
		"account=1001&order_number=A-1001", "courier=dhl-germany&tracking_number=00340434161094015902",
		"account=1001&recipient_email=%20Jane@Example.COM", "tracking_id=t_1&s=abc&exp=1767225600",
		"account=1001&order_number=A&client=k", "account=-1&order_number=x", "order_number=%00&account=1",
		"account=1001&external_reference=a%26b%3Dc", "account=1001&order_number=A&tracking_number=T&courier=c",
	} {
		f.Add(s)
	}
	acct := status.Account{ID: 1001, SigningKey: "demo-signing-key-1001"}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		req, err := status.ParseInfoRequest(q)
		if err != nil {
			var verr *status.ValidationError
			if !errors.As(err, &verr) || len(verr.Problems) == 0 {
				t.Fatalf("ParseInfoRequest(%q): %v, want a validation error", raw, err)
			}
			return
		}
		signed := auth.SignedQuery(acct, req.Lookup, time.Hour, fuzzNow)
		again, err := status.ParseInfoRequest(signed)
		if err != nil {
			t.Fatalf("signed link %q of %q does not parse: %v", signed.Encode(), raw, err)
		}
		if !maps.Equal(again.Lookup.SignedParams(), req.Lookup.SignedParams()) {
			t.Fatalf("signed params %v, want %v", again.Lookup.SignedParams(), req.Lookup.SignedParams())
		}
		if err := auth.VerifyLink(acct, again.Lookup, again.Signature, again.Expires, fuzzNow); err != nil {
			t.Fatalf("link %q: %v", signed.Encode(), err)
		}
	})
}

// FuzzVerifyLink: the right signature verifies, upper-cased too; any other string of any
// length does not; a signed exp in the past is ErrExpired; nothing panics.
func FuzzVerifyLink(f *testing.F) {
	f.Add("demo-signing-key-1001", "A-1001", "845599088a13ac5dd28dd7f145e58efe", "1767225600")
	f.Add("k", "x", "", "")
	f.Add("", "x", "00000000000000000000000000000000", "abc")
	f.Fuzz(func(t *testing.T, key, value, s, exp string) {
		a := status.Account{ID: 1001, SigningKey: key}
		l := status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: value}
		err := auth.VerifyLink(a, l, s, exp, fuzzNow)
		right := ""
		if key != "" {
			right = auth.Sign(key, auth.SignatureMessage(l.SignedParams(), exp))
		}
		if right == "" || !strings.EqualFold(s, right) {
			if !errors.Is(err, auth.ErrBadSignature) {
				t.Fatalf("VerifyLink(key %q, s %q, exp %q) = %v, want ErrBadSignature", key, s, exp, err)
			}
		}
		if right == "" {
			return
		}
		for _, sig := range []string{right, strings.ToUpper(right)} {
			err := auth.VerifyLink(a, l, sig, exp, fuzzNow)
			switch {
			case exp == "":
				if err != nil {
					t.Fatalf("right signature without exp: %v", err)
				}
			case err != nil && !errors.Is(err, auth.ErrExpired) && !errors.Is(err, auth.ErrBadSignature):
				t.Fatalf("right signature, exp %q: %v", exp, err)
			}
		}
	})
}
