package callback

import (
	"errors"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/status"
)

func cp(code string) status.Checkpoint {
	return status.Checkpoint{StatusCode: code, EventTimestamp: "2026-01-10T08:00:00.000Z"}
}

func order(trackings ...status.Tracking) *status.Order {
	return &status.Order{ID: "o_1", Trackings: trackings}
}

func tracking(id string, codes ...string) status.Tracking {
	t := status.Tracking{ID: id, Courier: "dhl", TrackingNumber: id}
	for _, c := range codes {
		t.Checkpoints = append(t.Checkpoints, cp(c))
	}
	return t
}

func TestChanges(t *testing.T) {
	cancelled := order(tracking("t1", "InTransit"))
	cancelled.CancelledDate = "2026-01-11T00:00:00.000Z"
	cancelledEmpty := order(tracking("t1"))
	cancelledEmpty.CancelledDate = "2026-01-11T00:00:00.000Z"
	for _, c := range []struct {
		name       string
		prev, next *status.Order
		want       []Change
	}{
		{"new order without trackings", nil, order(), nil},
		{"new order with a tracking is accepted", nil, order(tracking("t1", "InTransit")), []Change{{Event: OrderAccepted}}},
		{"first tracking added", order(), order(tracking("t1")), []Change{{Event: OrderAccepted}}},
		{"nothing changed", order(tracking("t1", "InTransit")), order(tracking("t1", "InTransit")), nil},
		{"new event, same lifecycle", order(tracking("t1", "InTransit")), order(tracking("t1", "Hub-Arrived", "InTransit")), nil},
		{"lifecycle changed", order(tracking("t1", "InTransit")), order(tracking("t1", "Delivered", "InTransit")),
			[]Change{{Event: TrackingStatusChanged, TrackingID: "t1"}}},
		{"hidden event does not count", order(tracking("t1", "InTransit")),
			func() *status.Order {
				o := order(tracking("t1", "Delivered", "InTransit"))
				o.Trackings[0].Checkpoints[0].IsHidden = true
				return o
			}(), nil},
		{"second tracking added with events", order(tracking("t1", "InTransit")), order(tracking("t1", "InTransit"), tracking("t2", "PickedUp")),
			[]Change{{Event: TrackingStatusChanged, TrackingID: "t2"}}},
		{"second tracking added without events", order(tracking("t1", "InTransit")), order(tracking("t1", "InTransit"), tracking("t2")), nil},
		{"cancelled with an active tracking", order(tracking("t1", "InTransit")), cancelled, []Change{{Event: OrderCancelled}}},
		{"cancelled before any event: the tracking turns Cancelled with it", order(tracking("t1")), cancelledEmpty, []Change{{Event: OrderCancelled}}},
		{"still cancelled", cancelled, cancelled, nil},
		{"every tracking cancelled by the carrier", order(tracking("t1", "InTransit")), order(tracking("t1", "Cancelled", "InTransit")),
			[]Change{{Event: OrderCancelled}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Changes(c.prev, c.next); !slices.Equal(got, c.want) {
				t.Errorf("Changes = %v, want %v", got, c.want)
			}
		})
	}
}

func TestTargetURL(t *testing.T) {
	a := status.Account{CallbackURL: "https://shop.example/a"}
	if got := TargetURL(&status.Order{}, a); got != a.CallbackURL {
		t.Errorf("without an order URL: %q, want the account's", got)
	}
	if got := TargetURL(&status.Order{CallbackURL: "https://shop.example/o"}, a); got != "https://shop.example/o" {
		t.Errorf("with an order URL: %q, want the order's", got)
	}
}

func TestSignAndVerify(t *testing.T) {
	body := []byte(`{"id":"o_1"}`)
	at := time.Unix(1767225600, 0)
	// Computed independently: printf '1767225600.{"id":"o_1"}' | openssl dgst -sha256 -hmac whsec_test
	const want = "t=1767225600,v1=f1ee469e3f83ec82b217d3c9db4ca955ef9676bd43c8a8b15f32cbfa9eb72ee8"
	got := Sign("whsec_test", at, body)
	if got != want {
		t.Fatalf("Sign = %q, want %q", got, want)
	}
	for _, c := range []struct {
		name   string
		secret string
		header string
		body   []byte
		now    time.Time
		want   error
	}{
		{"valid", "whsec_test", got, body, at.Add(time.Minute), nil},
		{"other secret", "whsec_other", got, body, at, ErrBadSignature},
		{"changed body", "whsec_test", got, []byte(`{"id":"o_2"}`), at, ErrBadSignature},
		{"replayed late", "whsec_test", got, body, at.Add(10 * time.Minute), ErrStale},
		{"garbage", "whsec_test", "v1=abc", body, at, ErrBadSignature},
		{"one of several v1 matches", "whsec_test", got + ",v1=00", body, at, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := Verify(c.secret, c.header, c.body, c.now, 5*time.Minute); !errors.Is(err, c.want) {
				t.Errorf("Verify = %v, want %v", err, c.want)
			}
		})
	}
}

func TestCheckURL(t *testing.T) {
	for _, c := range []struct {
		url          string
		allowPrivate bool
		ok           bool
	}{
		{"https://shop.example/hook", false, true},
		{"http://shop.example:8080/hook?x=1", false, true},
		{"ftp://shop.example/hook", false, false},
		{"https:///nohost", false, false},
		{"https://user:pw@shop.example/hook", false, false},
		{"http://127.0.0.1:9000/hook", false, false},
		{"http://127.0.0.1:9000/hook", true, true},
		{"http://localhost/hook", false, false},
		{"http://api.localhost/hook", false, false},
		{"http://10.1.2.3/hook", false, false},
		{"http://192.168.1.1/hook", false, false},
		{"http://169.254.169.254/latest/meta-data", false, false},
		{"http://[::1]/hook", false, false},
		{"http://[fd00::1]/hook", false, false},
		{"http://[::ffff:127.0.0.1]/hook", false, false},
		{"http://0.0.0.0/hook", false, false},
		{"http://100.64.0.1/hook", false, false},
		{"http://93.184.215.14/hook", false, true},
	} {
		err := CheckURL(c.url, c.allowPrivate)
		if (err == nil) != c.ok {
			t.Errorf("CheckURL(%q, allowPrivate=%v) = %v, want ok=%v", c.url, c.allowPrivate, err, c.ok)
		}
	}
}

func TestCheckAddr(t *testing.T) {
	for _, c := range []struct {
		addr   string
		public bool
	}{
		{"8.8.8.8", true}, {"2606:4700::1111", true},
		{"127.0.0.1", false}, {"127.8.8.8", false}, {"::1", false}, {"10.0.0.1", false}, {"172.16.5.4", false},
		{"192.168.0.1", false}, {"169.254.1.1", false}, {"fe80::1", false}, {"fc00::1", false}, {"0.0.0.0", false},
		{"::", false}, {"224.0.0.1", false}, {"ff02::1", false}, {"::ffff:10.0.0.1", false}, {"64:ff9b::a00:1", false},
		{"255.255.255.255", false},
	} {
		err := checkAddr(netip.MustParseAddr(c.addr))
		if (err == nil) != c.public {
			t.Errorf("checkAddr(%s) = %v, want public=%v", c.addr, err, c.public)
		}
		if err != nil && !errors.Is(err, ErrNotPublic) {
			t.Errorf("checkAddr(%s) = %v, want ErrNotPublic", c.addr, err)
		}
	}
}

func TestBackoffGrowsWithJitterAndCap(t *testing.T) {
	w := &Worker{cfg: Config{MinBackoff: 10 * time.Second, MaxBackoff: time.Hour}.withDefaults()}
	for _, c := range []struct {
		attempt int
		base    time.Duration
	}{{1, 10 * time.Second}, {2, 20 * time.Second}, {3, 40 * time.Second}, {9, 2560 * time.Second}, {10, time.Hour}, {40, time.Hour}} {
		for range 50 {
			d := w.backoff(c.attempt)
			if d < c.base/2 || d > c.base {
				t.Fatalf("backoff(%d) = %s, want within [%s, %s]", c.attempt, d, c.base/2, c.base)
			}
		}
	}
}

func TestConfigDefaults(t *testing.T) {
	c := Config{}.withDefaults()
	if c.Timeout != 10*time.Second || c.Lease != 20*time.Second || c.MinBackoff != 10*time.Second || c.MaxBackoff != time.Hour {
		t.Errorf("defaults %+v", c)
	}
	if c := (Config{Timeout: time.Second, Lease: time.Second / 2}).withDefaults(); c.Lease <= c.Timeout {
		t.Errorf("lease %s must exceed the timeout %s", c.Lease, c.Timeout)
	}
}
