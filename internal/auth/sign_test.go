package auth

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/status"
)

func TestSignVectors(t *testing.T) {
	// The test vectors of DESIGN §5.
	const key = "demo-signing-key-1001"
	tests := []struct {
		msg, want string
	}{
		{"v1:account=1001&exp=1767225600&order_number=A-1001", "845599088a13ac5dd28dd7f145e58efe"},
		{"v1:courier=dhl-germany&tracking_number=00340434161094015902", "f7f479ebb4deed95798b453c1abdff1f"},
	}
	for _, tt := range tests {
		if got := Sign(key, tt.msg); got != tt.want {
			t.Errorf("Sign(%q) = %s, want %s", tt.msg, got, tt.want)
		}
	}
	msg := SignatureMessage(status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: "A-1001"}.SignedParams(), "1767225600")
	if msg != tests[0].msg {
		t.Errorf("message = %q, want %q", msg, tests[0].msg)
	}
	msg = SignatureMessage(status.Lookup{Kind: status.ByTrackingNumber, Courier: "dhl-germany", Value: "00340434161094015902"}.SignedParams(), "")
	if msg != tests[1].msg {
		t.Errorf("message = %q, want %q", msg, tests[1].msg)
	}
}

func TestVerifyLink(t *testing.T) {
	now := time.Unix(1767000000, 0)
	acct := status.Account{ID: 1001, SigningKey: "new-key", PreviousSigningKey: "old-key"}
	l := status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: "A-1001"}
	good := SignedQuery(acct, l, 24*time.Hour, now)
	prev := SignedQuery(status.Account{SigningKey: "old-key"}, l, 0, now)
	other := SignedQuery(status.Account{SigningKey: "other-account-key"}, l, 0, now)
	tests := []struct {
		name   string
		s, exp string
		now    time.Time
		want   error
	}{
		{"current key", good.Get("s"), good.Get("exp"), now, nil},
		{"previous key after rotation", prev.Get("s"), "", now, nil},
		{"expired", good.Get("s"), good.Get("exp"), now.Add(48 * time.Hour), ErrExpired},
		{"exp changed", good.Get("s"), "9999999999", now, ErrBadSignature},
		{"tampered", "0" + good.Get("s")[1:], good.Get("exp"), now, ErrBadSignature},
		{"truncated", good.Get("s")[:20], good.Get("exp"), now, ErrBadSignature},
		{"other account's key", other.Get("s"), "", now, ErrBadSignature},
		{"empty", "", "", now, ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := VerifyLink(acct, l, tt.s, tt.exp, tt.now); got != tt.want {
				t.Errorf("VerifyLink = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBearerTokenSchemes(t *testing.T) {
	tests := []struct{ header, want string }{
		{"Bearer os_live_abc", "os_live_abc"},
		{"bearer  os_live_abc ", "os_live_abc"},
		{"Parcellab-API-Token os_live_abc", "os_live_abc"},
		{"parcellab-api-token " + base64.StdEncoding.EncodeToString([]byte("1001:os_live_abc")), "os_live_abc"},
		{"Basic dXNlcjpwYXNz", ""},
		{"Bearer", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := BearerToken(tt.header); got != tt.want {
			t.Errorf("BearerToken(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}
