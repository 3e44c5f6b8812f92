package carrier

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/status"
)

const testKey = "dhl-test-key"

// dhlReplay is a fake DHL Unified API: it checks the request like the real one and answers
// from testdata (recorded shapes of the documented responses) by tracking number.
func dhlReplay(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/track/shipments" || r.Method != http.MethodGet {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("DHL-API-Key") != testKey {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"title":"Unauthorized","status":401,"detail":"Invalid API key."}`))
			return
		}
		file, code := "", http.StatusOK
		switch r.URL.Query().Get("trackingNumber") {
		case "00340434161094015902":
			file = "dhl_delivered.json"
		case "7777777770":
			file = "dhl_transit.json"
		case "JJD000390007882361":
			file = "dhl_failure.json"
		case "RATELIMITED":
			file, code = "dhl_too_many.json", http.StatusTooManyRequests
			w.Header().Set("Retry-After", "30")
		case "HANG":
			<-r.Context().Done()
			return
		case "BROKEN":
			w.WriteHeader(http.StatusBadGateway)
			w.Write([]byte(`{"title":"Bad Gateway","status":502,"detail":"Upstream tracking system unavailable."}`))
			return
		default:
			file, code = "dhl_not_found.json", http.StatusNotFound
		}
		b, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Error(err)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func codes(cps []status.Checkpoint) []string {
	sort.SliceStable(cps, func(i, j int) bool { return cps[i].EventTimestamp > cps[j].EventTimestamp })
	var out []string
	for _, c := range cps {
		out = append(out, c.StatusCode)
	}
	return out
}

func TestDHLFetch(t *testing.T) {
	srv := dhlReplay(t)
	d := NewDHL(srv.URL, testKey)
	for _, c := range []struct {
		name, number string
		want         []string
		first        status.Checkpoint
	}{
		{"delivered", "00340434161094015902",
			[]string{"Delivered-Neighbour", "OutForDelivery", "Hub-Processed", "InfoReceived"},
			status.Checkpoint{StatusCode: "Delivered-Neighbour", EventTimestamp: "2026-01-12T12:47:00.000Z", StatusText: "DELIVERED",
				StatusDetails: "The shipment has been delivered to a neighbour.", Location: "Berlin, DE"}},
		{"in transit, local times without offset read as UTC", "7777777770",
			[]string{"Hub-Arrived", "Customs-InProgress", "PickedUp"},
			status.Checkpoint{StatusCode: "Hub-Arrived", EventTimestamp: "2026-01-11T06:31:00.000Z",
				StatusDetails: "Arrived at DHL Sort Facility CINCINNATI HUB - USA", Location: "CINCINNATI HUB - USA"}},
		{"failed attempt, event without time skipped", "JJD000390007882361",
			[]string{"FailedAttempt-CollectAtParcelShop", "OutForDelivery"},
			status.Checkpoint{StatusCode: "FailedAttempt-CollectAtParcelShop", EventTimestamp: "2026-01-12T10:20:00.000Z", StatusText: "DELIVERY ATTEMPT FAILED",
				StatusDetails: "The recipient was not at home. The shipment will be taken to a retail outlet for pickup.", Location: "Hamburg, DE"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cps, err := d.Fetch(context.Background(), c.number)
			if err != nil {
				t.Fatal(err)
			}
			got := codes(cps)
			if len(got) != len(c.want) {
				t.Fatalf("codes %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("codes %v, want %v", got, c.want)
				}
			}
			if cps[0] != c.first {
				t.Errorf("latest checkpoint\n%+v\nwant\n%+v", cps[0], c.first)
			}
			for _, cp := range cps {
				e := &status.ValidationError{}
				status.ValidateCheckpoint(&cp, "", e)
				if err := e.Err(); err != nil {
					t.Errorf("checkpoint %+v is not valid: %v", cp, err)
				}
			}
		})
	}
}

func TestDHLFetchErrors(t *testing.T) {
	srv := dhlReplay(t)
	d := NewDHL(srv.URL, testKey)
	ctx := context.Background()

	if _, err := d.Fetch(ctx, "UNKNOWN123"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown shipment: %v, want ErrNotFound", err)
	}
	var rl *RateLimitError
	if _, err := d.Fetch(ctx, "RATELIMITED"); !errors.As(err, &rl) || rl.RetryAfter != 30*time.Second {
		t.Errorf("429: %v, want a RateLimitError with Retry-After 30s", err)
	}
	if _, err := d.Fetch(ctx, "BROKEN"); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("502: %v, want an error", err)
	}
	if _, err := NewDHL(srv.URL, "wrong-key").Fetch(ctx, "7777777770"); err == nil {
		t.Error("refused API key: no error")
	}

	tctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err := d.Fetch(tctx, "HANG")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("hanging API: %v, want context.DeadlineExceeded", err)
	}
}

func TestDHLCode(t *testing.T) {
	for _, c := range []struct{ statusCode, text, want string }{
		{"pre-transit", "Shipment information received", "InfoReceived"},
		{"transit", "The shipment is out for delivery", "OutForDelivery"},
		{"transit", "With delivery courier", "OutForDelivery"},
		{"transit", "The shipment is ready for pickup at the retail outlet", "PickupReady"},
		{"transit", "Clearance processing complete; customs cleared", "Customs-Cleared"},
		{"transit", "Shipment is on hold at customs", "Customs-InProgress"},
		{"transit", "Shipment picked up", "PickedUp"},
		{"transit", "Departed Facility in LEIPZIG", "Hub-Departed"},
		{"transit", "Arrived at the delivery depot", "Depot-Arrived"},
		{"transit", "The shipment has been processed in the parcel center", "Hub-Processed"},
		{"transit", "The shipment is on its way", "InTransit"},
		{"delivered", "Delivered", "Delivered"},
		{"delivered", "Delivered to a neighbour", "Delivered-Neighbour"},
		{"delivered", "The shipment has been delivered to the Packstation", "Delivered-Locker"},
		{"delivered", "Delivered to the retail outlet", "Delivered-ParcelShop"},
		{"delivered", "The recipient has picked up the shipment from the retail outlet; picked up by the recipient", "Delivered-Collected"},
		{"delivered", "Delivered into the mailbox", "Delivered-Mailbox"},
		{"failure", "Delivery attempt failed; a new attempt will be made on the next working day", "FailedAttempt-NewAttemptNextDay"},
		{"failure", "The recipient was not at home. The shipment will be taken to a retail outlet", "FailedAttempt-CollectAtParcelShop"},
		{"failure", "Delivery attempt failed", "FailedAttempt-ContactCourier"},
		{"failure", "The address is incomplete", "Exception-AddressIssue"},
		{"failure", "The recipient refused to accept the shipment", "Exception-Refused"},
		{"failure", "The shipment was refused and is being returned to the sender", "ReturnToSender-Refused"},
		{"failure", "Not collected within the storage period; being returned to sender", "ReturnToSender-NotCollected"},
		{"failure", "Shipment damaged", "Exception-Damaged"},
		{"failure", "Duties and taxes unpaid", "Exception-PaymentRequired"},
		{"failure", "Something went wrong", "Exception-Other"},
		{"unknown", "Delivered", "Delivered"},
		{"unknown", "The shipment could not be delivered", "FailedAttempt-ContactCourier"},
		{"unknown", "Out for delivery", "OutForDelivery"},
		{"unknown", "", "InTransit"},
	} {
		got := DHLCode(c.statusCode, c.text)
		if got != c.want {
			t.Errorf("DHLCode(%q, %q) = %s, want %s", c.statusCode, c.text, got, c.want)
		}
		if _, ok := status.LookupCode(got); !ok {
			t.Errorf("DHLCode(%q, %q) = %s, not in the status table", c.statusCode, c.text, got)
		}
	}
}

func TestRegistry(t *testing.T) {
	r := NewRegistry(NewDHL("", "k"))
	for _, c := range []string{"dhl", "DHL-Germany ", "dhl-express"} {
		if !r.Supports(c) {
			t.Errorf("Supports(%q) = false", c)
		}
	}
	if r.Supports("ups") {
		t.Error("Supports(ups) = true without an adapter")
	}
	var none *Registry
	if none.Supports("dhl") {
		t.Error("a nil registry supports dhl")
	}
}
