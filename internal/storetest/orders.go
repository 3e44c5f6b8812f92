package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

func testAccounts(t *testing.T, open Open) {
	ctx := context.Background()
	s := open(t)
	a := shopA
	a.LogoURL, a.Language = "https://shop-a.example/logo.png", "de"
	if err := s.CreateAccount(ctx, a, auth.HashToken("tok-a")); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAccount(ctx, shopB, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAccount(ctx, a, nil); !errors.Is(err, status.ErrConflict) {
		t.Errorf("second account %d: %v, want ErrConflict", a.ID, err)
	}
	got, err := s.Account(ctx, a.ID)
	if err != nil || !reflect.DeepEqual(got, a) {
		t.Errorf("account: %+v, %v; want %+v", got, err, a)
	}
	if _, err := s.Account(ctx, 9); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("unknown account: %v, want ErrNotFound", err)
	}
	byToken, err := s.AccountByToken(ctx, auth.HashToken("tok-a"))
	if err != nil || byToken.ID != a.ID {
		t.Errorf("by token: %+v, %v", byToken, err)
	}
	if _, err := s.AccountByToken(ctx, auth.HashToken("tok-x")); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("unknown token: %v, want ErrNotFound", err)
	}
	if err := s.AddToken(ctx, shopB.ID, auth.HashToken("tok-b2")); err != nil {
		t.Fatal(err)
	}
	if got, err := s.AccountByToken(ctx, auth.HashToken("tok-b2")); err != nil || got.ID != shopB.ID {
		t.Errorf("added token: %+v, %v", got, err)
	}
	a.PreviousSigningKey, a.SigningKey, a.PublicView = a.SigningKey, "key-a2", status.PublicViewNone
	if err := s.UpdateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Account(ctx, a.ID); !reflect.DeepEqual(got, a) {
		t.Errorf("updated: %+v, want %+v", got, a)
	}
	if err := s.UpdateAccount(ctx, status.Account{ID: 9, Name: "x"}); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("update unknown: %v, want ErrNotFound", err)
	}
	all, err := s.Accounts(ctx)
	if err != nil || len(all) != 2 || all[0].ID != 1001 || all[1].ID != 1002 {
		t.Errorf("accounts: %+v, %v", all, err)
	}
}

func testSettings(t *testing.T, open Open) {
	ctx := context.Background()
	s := open(t)
	if v, err := s.Setting(ctx, "session_key"); err != nil || v != nil {
		t.Fatalf("unset setting: %q, %v; want nil", v, err)
	}
	// Instances starting together agree on one value.
	const n = 8
	got := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			v, err := s.SettingOrInit(ctx, "session_key", func() []byte { return []byte(fmt.Sprint("value-", i)) })
			if err != nil {
				t.Error(err)
			}
			got[i] = v
		})
	}
	wg.Wait()
	for _, v := range got {
		if string(v) != string(got[0]) || len(v) == 0 {
			t.Fatalf("SettingOrInit answers %q: want one value for all", got)
		}
	}
	if v, err := s.Setting(ctx, "session_key"); err != nil || string(v) != string(got[0]) {
		t.Errorf("stored %q, %v; want %q", v, err, got[0])
	}
	if v, _ := s.SettingOrInit(ctx, "session_key", func() []byte { return []byte("other") }); string(v) != string(got[0]) {
		t.Errorf("second init replaced the value: %q", v)
	}
}

// The store keeps what the merge rules of status produce: omitted keys keep their values,
// trackings merge by courier and number, checkpoints are added, the version counts writes.
func testIngestMerge(t *testing.T, open Open) {
	ctx := context.Background()
	s, in := setup(t, open)
	body := map[string]any{"order_number": "M-1", "recipient_email": "Emma@Example.com", "recipient_name": "Emma",
		"customer_number": "C-7", "order_date": "2026-02-01T10:00:00Z", "payment_details": map[string]any{"b": 1, "a": []int{2}},
		"trackings": []any{tracking("TN-M1", "DHL", checkpoint("InTransit", "2026-02-02T08:00:00Z"))}}
	o, created, err := save(t, in, 1001, body)
	if err != nil || !created {
		t.Fatalf("create: created=%v, %v", created, err)
	}
	if o.Version != 1 {
		t.Errorf("new order version %d, want 1", o.Version)
	}
	stored := mustOrder(t, s, o.ID)
	want, _ := json.Marshal(o)
	if got, _ := json.Marshal(stored); string(got) != string(want) {
		t.Errorf("stored order\n%s\nwant what SaveOrder returned\n%s", got, want)
	}
	// An update with other keys and a second tracking.
	o2, created, err := save(t, in, 1001, map[string]any{"order_number": "M-1", "notes": "ring twice",
		"trackings": []any{tracking("TN-M1", "dhl", checkpoint("Delivered", "2026-02-03T08:00:00Z")), tracking("TN-M2", "ups")}})
	if err != nil || created {
		t.Fatalf("update: created=%v, %v", created, err)
	}
	got := mustOrder(t, s, o.ID)
	if got.ID != o.ID || got.Version != 2 || o2.Version != 2 {
		t.Errorf("after update: id %s version %d (returned %d), want %s version 2", got.ID, got.Version, o2.Version, o.ID)
	}
	if got.RecipientName != "Emma" || got.Notes != "ring twice" || got.CustomerNumber != "C-7" || got.CreatedAt != o.CreatedAt {
		t.Errorf("merge lost fields: %+v", got)
	}
	if string(got.PaymentDetails) != string(stored.PaymentDetails) {
		t.Errorf("payment_details %s, want %s kept byte for byte", got.PaymentDetails, stored.PaymentDetails)
	}
	if len(got.Trackings) != 2 || got.Trackings[0].TrackingNumber != "TN-M1" || got.Trackings[1].TrackingNumber != "TN-M2" {
		t.Fatalf("trackings %+v, want TN-M1 then TN-M2", got.Trackings)
	}
	var codes []string
	for _, c := range got.Trackings[0].Checkpoints {
		codes = append(codes, c.StatusCode)
	}
	if !slices.Equal(codes, []string{"Delivered", "InTransit"}) {
		t.Errorf("checkpoints %v, want newest first [Delivered InTransit]", codes)
	}
	if got.Trackings[0].ID != o.Trackings[0].ID {
		t.Errorf("tracking id changed from %s to %s", o.Trackings[0].ID, got.Trackings[0].ID)
	}
	// A change whose apply fails stores nothing.
	if _, err := s.UpdateOrder(ctx, o.ID, func(o *status.Order) (*status.Order, error) {
		o.Notes = "never stored"
		return nil, status.Invalid("notes", "No.")
	}); err == nil {
		t.Error("a failed apply reported success")
	}
	if got := mustOrder(t, s, o.ID); got.Notes != "ring twice" || got.Version != 2 {
		t.Errorf("a failed apply changed the order: notes %q, version %d", got.Notes, got.Version)
	}
	// An order that does not exist is not found.
	if _, err := s.Order(ctx, "o_missing"); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("missing order: %v, want ErrNotFound", err)
	}
	if _, err := s.UpdateOrder(ctx, "o_missing", func(o *status.Order) (*status.Order, error) { return o, nil }); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("update of a missing order: %v, want ErrNotFound", err)
	}
}

func testIdempotentEvents(t *testing.T, open Open) {
	ctx := context.Background()
	s, in := setup(t, open)
	o := mustSave(t, in, 1002, order("E-1", tracking("TN-E1", "dhl")))
	ev, _ := json.Marshal(map[string]any{"events": []map[string]any{
		{"courier": "dhl", "tracking_number": "TN-E1", "status_code": "InTransit", "event_timestamp": "2026-03-01T08:00:00Z"},
		{"courier": "DHL", "tracking_number": "TN-E1", "status_code": "OutForDelivery", "event_timestamp": "2026-03-02T08:00:00Z"},
	}})
	res, err := in.AddEvents(ctx, shopB, ev)
	if err != nil || res.Stored != 2 || res.Duplicates != 0 {
		t.Fatalf("first batch: %+v, %v; want 2 stored", res, err)
	}
	res, err = in.AddEvents(ctx, shopB, ev)
	if err != nil || res.Stored != 0 || res.Duplicates != 2 {
		t.Fatalf("same batch again: %+v, %v; want 2 duplicates", res, err)
	}
	// The same checkpoints sent with the order again are not stored twice either.
	mustSave(t, in, 1002, order("E-1", tracking("TN-E1", "dhl", checkpoint("InTransit", "2026-03-01T08:00:00Z"))))
	got := mustOrder(t, s, o.ID)
	if n := checkpointCount(got); n != 2 {
		t.Errorf("%d checkpoints stored, want 2", n)
	}
	// Events for a tracking of another account are not found.
	if _, err := in.AddEvents(ctx, shopA, ev); err == nil {
		t.Error("events for another account's tracking were accepted")
	}
	if n := checkpointCount(mustOrder(t, s, o.ID)); n != 2 {
		t.Errorf("a refused batch changed the order: %d checkpoints", n)
	}
}

func testCreateOnly(t *testing.T, open Open) {
	_, in := setup(t, open)
	mustSave(t, in, 1001, order("CO-1"))
	b, _ := json.Marshal(order("CO-1"))
	if _, _, err := in.Save(context.Background(), shopA, b, true); !errors.Is(err, status.ErrConflict) {
		t.Errorf("create-only of an existing order: %v, want ErrConflict", err)
	}
	if _, created, err := in.Save(context.Background(), shopB, b, true); err != nil || !created {
		t.Errorf("create-only in another account: created=%v, %v", created, err)
	}
}

func testExternalOrderIDPerAccount(t *testing.T, open Open) {
	ctx := context.Background()
	s, in := setup(t, open)
	const ext = "7B0E0B57-1F0A-4C55-9E0B-2D2F2D7A6A11"
	a := mustSave(t, in, 1001, map[string]any{"order_number": "X-1", "external_order_id": ext, "recipient_email": "a@example.com"})
	b := mustSave(t, in, 1002, map[string]any{"order_number": "X-1", "external_order_id": ext, "recipient_email": "a@example.com"})
	if a.ID == b.ID {
		t.Fatal("two accounts share one order")
	}
	// The external id names the order whatever its number says now.
	a2, created, err := save(t, in, 1001, map[string]any{"order_number": "X-1-renamed", "external_order_id": strings.ToLower(ext)})
	if err != nil || created || a2.ID != a.ID {
		t.Fatalf("update by external id: %v created=%v id %s, want %s", err, created, a2.ID, a.ID)
	}
	// An order first sent without an external id is found by its number and gets the id.
	c := mustSave(t, in, 1001, map[string]any{"order_number": "X-2", "recipient_email": "a@example.com"})
	c2 := mustSave(t, in, 1001, map[string]any{"order_number": "X-2", "external_order_id": "8c1f4d7e-0000-4000-8000-000000000002"})
	if c2.ID != c.ID {
		t.Errorf("order sent first without external id: got a second order %s, want %s", c2.ID, c.ID)
	}
	ids, err := s.FindOrderIDs(ctx, status.Lookup{Kind: status.ByExternalOrderID, Account: 1001, Value: ext}, 10)
	if err != nil || !slices.Equal(ids, []string{a.ID}) {
		t.Errorf("lookup by external id: %v, %v; want [%s]", ids, err, a.ID)
	}
}

func testTrackingNumberPerAccount(t *testing.T, open Open) {
	ctx := context.Background()
	s, in := setup(t, open)
	a := mustSave(t, in, 1001, order("T-1", tracking("TN-SAME", "dhl")))
	// Another account may hold the same tracking number.
	b := mustSave(t, in, 1002, order("T-1", tracking("TN-SAME", "dhl")))
	// The same account may hold it at another courier.
	mustSave(t, in, 1001, order("T-2", tracking("TN-SAME", "ups")))
	// But not twice at one courier: the error names the order that has it.
	_, _, err := save(t, in, 1001, order("T-3", tracking("TN-SAME", "dhl")))
	var verr *status.ValidationError
	if !errors.As(err, &verr) || !strings.Contains(verr.Error(), "T-1") {
		t.Fatalf("second claim in one account: %v, want a validation error naming T-1", err)
	}
	if ids, _ := s.FindOrderIDs(ctx, status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: "T-3"}, 10); len(ids) != 0 {
		t.Errorf("refused order stored: %v", ids)
	}
	for _, c := range []struct {
		account int64
		want    string
	}{{1001, a.ID}, {1002, b.ID}} {
		oid, tid, err := s.FindTracking(ctx, c.account, "DHL", "TN-SAME")
		if err != nil || oid != c.want || tid == "" {
			t.Errorf("FindTracking in %d: %s %s %v, want order %s", c.account, oid, tid, err, c.want)
		}
	}
	if _, _, err := s.FindTracking(ctx, 1002, "ups", "TN-SAME"); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("FindTracking of another account's tracking: %v, want ErrNotFound", err)
	}
	// Without an account the lookup finds both accounts' orders (the access service then
	// treats it as ambiguous); with one, only that account's.
	ids, err := s.FindOrderIDs(ctx, status.Lookup{Kind: status.ByTrackingNumber, Value: "TN-SAME", Courier: "dhl"}, 10)
	if err != nil || len(ids) != 2 {
		t.Errorf("tracking lookup without account: %v, %v; want both orders", ids, err)
	}
	ids, _ = s.FindOrderIDs(ctx, status.Lookup{Kind: status.ByTrackingNumber, Value: "TN-SAME", Courier: "DHL", Account: 1002}, 10)
	if !slices.Equal(ids, []string{b.ID}) {
		t.Errorf("tracking lookup in 1002: %v, want [%s]", ids, b.ID)
	}
}

func testExternalReferenceUnique(t *testing.T, open Open) {
	_, in := setup(t, open)
	mustSave(t, in, 1001, map[string]any{"order_number": "R-1", "external_reference": "SO-1", "recipient_email": "a@example.com"})
	mustSave(t, in, 1002, map[string]any{"order_number": "R-1", "external_reference": "SO-1", "recipient_email": "a@example.com"})
	_, _, err := save(t, in, 1001, map[string]any{"order_number": "R-2", "external_reference": "SO-1", "recipient_email": "a@example.com"})
	var verr *status.ValidationError
	if !errors.As(err, &verr) || !strings.Contains(verr.Error(), "R-1") {
		t.Errorf("second order with one external_reference: %v, want a validation error naming R-1", err)
	}
}

func testLookups(t *testing.T, open Open) {
	ctx := context.Background()
	s, in := setup(t, open)
	old := mustSave(t, in, 1001, map[string]any{"order_number": "L-1", "recipient_email": "Emma@Example.com", "customer_number": "C-1",
		"order_date": "2026-01-10T10:00:00Z", "external_reference": "SO-1", "external_order_id": "11111111-2222-4333-8444-555555555555",
		"trackings": []any{map[string]any{"courier": "dhl", "tracking_number": "TN-L1", "external_reference": "SHP-9"}}})
	recent := mustSave(t, in, 1001, map[string]any{"order_number": "L-2", "recipient_email": "emma@example.com", "customer_number": "C-1",
		"order_date": "2026-01-12T10:00:00Z", "external_reference": "SHP-9"})
	keyed := mustSave(t, in, 1001, map[string]any{"order_number": "L-1", "client_key": "eu", "recipient_email": "x@example.com", "order_date": "2026-01-11T10:00:00Z"})
	other := mustSave(t, in, 1002, map[string]any{"order_number": "L-1", "recipient_email": "emma@example.com", "order_date": "2026-01-09T10:00:00Z"})
	spaced := mustSave(t, in, 1002, map[string]any{"order_number": "L-9", "recipient_email": "s@example.com", "trackings": []any{map[string]any{"courier": "dpd", "tracking_number": "JJD 0001 2345"}}})
	tid := old.Trackings[0].ID
	for _, c := range []struct {
		name  string
		l     status.Lookup
		limit int
		want  []string
	}{
		{"order number in an account, newest first", status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: "L-1"}, 10, []string{keyed.ID, old.ID}},
		{"order number with client key", status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: "L-1", ClientKey: "eu"}, 10, []string{keyed.ID}},
		{"order number without account: every account", status.Lookup{Kind: status.ByOrderNumber, Value: "L-1"}, 10, []string{keyed.ID, old.ID, other.ID}},
		{"limit", status.Lookup{Kind: status.ByOrderNumber, Value: "L-1"}, 1, []string{keyed.ID}},
		{"external order id any case", status.Lookup{Kind: status.ByExternalOrderID, Account: 1001, Value: "11111111-2222-4333-8444-555555555555"}, 10, []string{old.ID}},
		{"external reference of orders and trackings", status.Lookup{Kind: status.ByExternalReference, Account: 1001, Value: "SHP-9"}, 10, []string{recent.ID, old.ID}},
		{"tracking number", status.Lookup{Kind: status.ByTrackingNumber, Account: 1001, Value: "TN-L1", Courier: "DHL"}, 10, []string{old.ID}},
		{"customer number", status.Lookup{Kind: status.ByCustomerNumber, Account: 1001, Value: "C-1"}, 10, []string{recent.ID, old.ID}},
		{"recipient email any case", status.Lookup{Kind: status.ByRecipientEmail, Account: 1001, Value: " EMMA@example.com"}, 10, []string{recent.ID, old.ID}},
		{"recipient email in another account", status.Lookup{Kind: status.ByRecipientEmail, Account: 1002, Value: "emma@example.com"}, 10, []string{other.ID}},
		{"tracking id", status.Lookup{Kind: status.ByTrackingID, Value: tid}, 10, []string{old.ID}},
		{"tracking id in another account", status.Lookup{Kind: status.ByTrackingID, Account: 1002, Value: tid}, 10, nil},
		{"no match", status.Lookup{Kind: status.ByOrderNumber, Account: 1002, Value: "L-2"}, 10, nil},
		{"order number in lower case and padded", status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: " l-2 "}, 10, []string{recent.ID}},
		{"order number in lower case with client key", status.Lookup{Kind: status.ByOrderNumber, Account: 1001, Value: "l-1", ClientKey: "eu"}, 10, []string{keyed.ID}},
		{"order number in lower case in every account", status.Lookup{Kind: status.ByOrderNumber, Value: "l-1"}, 10, []string{keyed.ID, old.ID, other.ID}},
		{"tracking number typed with spaces", status.Lookup{Kind: status.ByTrackingNumber, Account: 1001, Value: "TN- L 1", Courier: "dhl"}, 10, []string{old.ID}},
		{"tracking number stored with spaces, typed without", status.Lookup{Kind: status.ByTrackingNumber, Value: "JJD00012345", Courier: "dpd"}, 10, []string{spaced.ID}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := s.FindOrderIDs(ctx, c.l, c.limit)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
	if _, err := s.FindOrderIDs(ctx, status.Lookup{Kind: "shoe_size", Account: 1001, Value: "9"}, 10); err == nil {
		t.Error("unknown lookup kind accepted")
	}
}

// A write prepared from a version that another write overtook is redone: its apply runs
// again on the newer order, and nothing of either write is lost.
func testRedoOvertakenWrite(t *testing.T, open Open) {
	ctx := context.Background()
	s, in := setup(t, open)
	o := mustSave(t, in, 1002, order("V-1", tracking("TN-V1", "dhl")))
	tid := o.Trackings[0].ID
	calls := 0
	got, err := s.UpdateOrder(ctx, o.ID, func(cur *status.Order) (*status.Order, error) {
		calls++
		if calls == 1 {
			// Another writer gets in between the read and the write.
			if _, err := s.UpdateOrder(ctx, o.ID, func(o *status.Order) (*status.Order, error) {
				status.AddCheckpoints(o, tid, []status.Checkpoint{{StatusCode: "InTransit", EventTimestamp: "2026-03-01T08:00:00.000Z"}})
				return o, nil
			}); err != nil {
				return nil, err
			}
		}
		status.AddCheckpoints(cur, tid, []status.Checkpoint{{StatusCode: "OutForDelivery", EventTimestamp: "2026-03-02T08:00:00.000Z"}})
		return cur, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls < 2 {
		t.Errorf("apply ran %d times, want it redone after the concurrent write", calls)
	}
	stored := mustOrder(t, s, o.ID)
	if stored.Version != 3 || got.Version != 3 || checkpointCount(stored) != 2 {
		t.Errorf("version %d (returned %d) with %d checkpoints, want version 3 with both", stored.Version, got.Version, checkpointCount(stored))
	}
	// SaveOrder redoes its apply the same way.
	calls = 0
	_, created, err := s.SaveOrder(ctx, 1002, status.Identity{OrderNumber: "V-1"}, false, func(cur *status.Order) (*status.Order, error) {
		calls++
		if cur == nil {
			return nil, errors.New("existing order not found")
		}
		if calls == 1 {
			if _, err := s.UpdateOrder(ctx, o.ID, func(o *status.Order) (*status.Order, error) { o.Notes = "first"; return o, nil }); err != nil {
				return nil, err
			}
		}
		c := cur.Clone()
		c.InvoiceNumber = "INV-1"
		return &c, nil
	})
	if err != nil || created {
		t.Fatalf("SaveOrder: created=%v %v", created, err)
	}
	stored = mustOrder(t, s, o.ID)
	if calls < 2 || stored.Notes != "first" || stored.InvoiceNumber != "INV-1" || stored.Version != 5 {
		t.Errorf("after SaveOrder: %d calls, notes %q, invoice %q, version %d; want ≥2, first, INV-1, 5", calls, stored.Notes, stored.InvoiceNumber, stored.Version)
	}
}

// Writes prepared from the same stored version race; no update is lost.
func testConcurrentUpdates(t *testing.T, open Open) {
	ctx := context.Background()
	s, in := setup(t, open)
	o := mustSave(t, in, 1002, order("C-1", tracking("TN-C1", "dhl")))
	const writers = 16
	var wg sync.WaitGroup
	errs := make(chan error, 2*writers)
	base := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	for i := range writers {
		// Half add a checkpoint through PUT (SaveOrder), half through events (UpdateOrder).
		wg.Go(func() {
			cp := checkpoint("InTransit", base.Add(time.Duration(i)*time.Minute).Format(time.RFC3339))
			_, created, err := save(t, in, 1002, order("C-1", tracking("TN-C1", "dhl", cp)))
			if err == nil && created {
				err = errors.New("PUT created a second order")
			}
			errs <- err
		})
		wg.Go(func() {
			b, _ := json.Marshal(map[string]any{"courier": "dhl", "tracking_number": "TN-C1", "status_code": "InTransit",
				"event_timestamp": base.Add(time.Duration(i)*time.Minute + 30*time.Second).Format(time.RFC3339)})
			res, err := in.AddEvents(ctx, shopB, b)
			if err == nil && res.Stored != 1 {
				err = fmt.Errorf("events: %+v, want 1 stored", res)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	got := mustOrder(t, s, o.ID)
	if n := checkpointCount(got); n != 2*writers {
		t.Errorf("%d checkpoints stored, want %d", n, 2*writers)
	}
	if got.Version != 1+2*writers {
		t.Errorf("version %d, want %d", got.Version, 1+2*writers)
	}
}

// The same new order sent many times at once is created once.
func testConcurrentCreates(t *testing.T, open Open) {
	ctx := context.Background()
	s, in := setup(t, open)
	const n = 12
	var wg sync.WaitGroup
	var mu sync.Mutex
	created := 0
	for i := range n {
		wg.Go(func() {
			body := order("SAME-1", tracking(fmt.Sprintf("TN-S%d", i), "dhl"))
			if i%2 == 1 {
				body["external_order_id"] = "0f0f0f0f-1111-4222-8333-444444444444"
			}
			_, c, err := save(t, in, 1002, body)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			if c {
				created++
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	if created != 1 {
		t.Errorf("%d saves reported created, want 1", created)
	}
	ids, err := s.FindOrderIDs(ctx, status.Lookup{Kind: status.ByOrderNumber, Account: 1002, Value: "SAME-1"}, 10)
	if err != nil || len(ids) != 1 {
		t.Fatalf("orders SAME-1: %v, %v; want one", ids, err)
	}
	if got := mustOrder(t, s, ids[0]); len(got.Trackings) != n {
		t.Errorf("%d trackings, want %d", len(got.Trackings), n)
	}
}

// Two orders claiming one tracking at the same time: one gets it, the other a validation
// error naming the first, and nothing of the rejected order is stored.
func testConcurrentTrackingClaim(t *testing.T, open Open) {
	ctx := context.Background()
	s, in := setup(t, open)
	const rounds = 10
	for round := range rounds {
		tn := fmt.Sprintf("TN-RACE-%d", round)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range 2 {
			wg.Go(func() {
				_, _, errs[i] = save(t, in, 1002, order(fmt.Sprintf("R%d-%d", round, i), tracking(tn, "dhl", checkpoint("InTransit", "2026-03-01T08:00:00Z"))))
			})
		}
		wg.Wait()
		ok, rejected := 0, 0
		for i, err := range errs {
			var verr *status.ValidationError
			switch {
			case err == nil:
				ok++
			case errors.As(err, &verr) && strings.Contains(verr.Error(), fmt.Sprintf("R%d-%d", round, 1-i)):
				rejected++
			default:
				t.Errorf("round %d: %v", round, err)
			}
		}
		if ok != 1 || rejected != 1 {
			t.Fatalf("round %d: %d saved, %d rejected (%v)", round, ok, rejected, errs)
		}
		ids, err := s.FindOrderIDs(ctx, status.Lookup{Kind: status.ByTrackingNumber, Account: 1002, Value: tn, Courier: "dhl"}, 10)
		if err != nil || len(ids) != 1 {
			t.Fatalf("round %d: tracking in %v, %v; want one order", round, ids, err)
		}
	}
	// The losers' orders were not stored.
	total := 0
	for round := range rounds {
		for i := range 2 {
			ids, _ := s.FindOrderIDs(ctx, status.Lookup{Kind: status.ByOrderNumber, Account: 1002, Value: fmt.Sprintf("R%d-%d", round, i)}, 10)
			total += len(ids)
		}
	}
	if total != rounds {
		t.Errorf("%d orders stored, want %d", total, rounds)
	}
}
