package status

import (
	"net/url"
	"testing"
)

func TestClientIsTheAliasOfClientKey(t *testing.T) {
	r, err := ParseInfoRequest(url.Values{"account": {"1001"}, "order_number": {"CK-1"}, "client": {"shop-a"}})
	if err != nil || r.Lookup.ClientKey != "shop-a" {
		t.Fatalf("client: %+v %v", r.Lookup, err)
	}
	if got := r.Lookup.SignedParams()["client_key"]; got != "shop-a" {
		t.Errorf("the signature covers client as client_key: %q", got)
	}
	if _, err := ParseInfoRequest(url.Values{"account": {"1001"}, "order_number": {"CK-1"}, "client": {"a"}, "client_key": {"b"}}); err == nil {
		t.Errorf("conflicting client and client_key accepted")
	}
	if _, err := ParseInfoRequest(url.Values{"account": {"1001"}, "order_number": {"CK-1"}, "client": {"a"}, "client_key": {"a"}}); err != nil {
		t.Errorf("the same client twice: %v", err)
	}
}
