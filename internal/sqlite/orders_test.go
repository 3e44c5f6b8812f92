package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/status"
)

func trackingBody(number, courier string, cps ...map[string]any) map[string]any {
	return map[string]any{"tracking_number": number, "courier": courier, "checkpoints": cps}
}

func orderBody(number string, trackings ...map[string]any) map[string]any {
	ts := make([]any, len(trackings))
	for i, t := range trackings {
		ts[i] = t
	}
	return map[string]any{"order_number": number, "recipient_email": "a@example.com", "trackings": ts}
}

// Writes prepared from the same stored version race; the writer must notice that the
// version moved and redo the later ones, so that no update is lost.
func TestConcurrentUpdatesLoseNothing(t *testing.T) {
	db, in := openOutboxTest(t)
	ctx := context.Background()
	o := saveJSON(t, in, 1002, orderBody("C-1", trackingBody("TN-C1", "dhl")))
	const writers = 24
	var wg sync.WaitGroup
	errs := make(chan error, 2*writers)
	base := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	for i := range writers {
		wg.Add(2)
		// Half add a checkpoint through PUT, half through the events API (UpdateOrder).
		go func() {
			defer wg.Done()
			cp := checkpoint("InTransit", base.Add(time.Duration(i)*time.Minute).Format(time.RFC3339))
			b, _ := json.Marshal(orderBody("C-1", trackingBody("TN-C1", "dhl", cp)))
			_, created, err := in.Save(ctx, status.Account{ID: 1002}, b, false)
			if err == nil && created {
				err = errors.New("PUT created a second order")
			}
			errs <- err
		}()
		go func() {
			defer wg.Done()
			b, _ := json.Marshal(map[string]any{"courier": "dhl", "tracking_number": "TN-C1", "status_code": "InTransit",
				"event_timestamp": base.Add(time.Duration(i)*time.Minute + 30*time.Second).Format(time.RFC3339)})
			res, err := in.AddEvents(ctx, status.Account{ID: 1002}, b)
			if err == nil && res.Stored != 1 {
				err = fmt.Errorf("events: %+v, want 1 stored", res)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	got, err := db.Order(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(got.Trackings[0].Checkpoints); n != 2*writers {
		t.Errorf("%d checkpoints stored, want %d", n, 2*writers)
	}
	if got.Version != 1+2*writers {
		t.Errorf("version %d, want %d", got.Version, 1+2*writers)
	}
	var rows int
	db.SQL().QueryRow(`SELECT count(*) FROM checkpoints`).Scan(&rows)
	if rows != 2*writers {
		t.Errorf("%d checkpoint rows, want %d", rows, 2*writers)
	}
}

// The same new order sent many times at once is created once.
func TestConcurrentCreatesMakeOneOrder(t *testing.T) {
	db, in := openOutboxTest(t)
	ctx := context.Background()
	const n = 16
	var wg sync.WaitGroup
	var mu sync.Mutex
	created := 0
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, _ := json.Marshal(orderBody("SAME-1", trackingBody(fmt.Sprintf("TN-S%d", i), "dhl")))
			_, c, err := in.Save(ctx, status.Account{ID: 1002}, b, false)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			if c {
				created++
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if created != 1 {
		t.Errorf("%d saves reported created, want 1", created)
	}
	var orders, trackings int
	db.SQL().QueryRow(`SELECT count(*) FROM orders`).Scan(&orders)
	db.SQL().QueryRow(`SELECT count(*) FROM trackings`).Scan(&trackings)
	if orders != 1 || trackings != n {
		t.Errorf("%d orders with %d trackings, want 1 with %d", orders, trackings, n)
	}
}

// Two orders claiming one tracking at the same time: one gets it, the other a validation
// error naming the first, and nothing of the rejected order is stored.
func TestConcurrentTrackingClaim(t *testing.T) {
	db, in := openOutboxTest(t)
	ctx := context.Background()
	for round := range 20 {
		tn := fmt.Sprintf("TN-RACE-%d", round)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				b, _ := json.Marshal(orderBody(fmt.Sprintf("R%d-%d", round, i), trackingBody(tn, "dhl", checkpoint("InTransit", "2026-03-01T08:00:00Z"))))
				_, _, errs[i] = in.Save(ctx, status.Account{ID: 1002}, b, false)
			}()
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
	}
	var orders, trackings, checkpoints int
	db.SQL().QueryRow(`SELECT count(*) FROM orders`).Scan(&orders)
	db.SQL().QueryRow(`SELECT count(*) FROM trackings`).Scan(&trackings)
	db.SQL().QueryRow(`SELECT count(*) FROM checkpoints`).Scan(&checkpoints)
	if orders != 20 || trackings != 20 || checkpoints != 20 {
		t.Errorf("stored %d orders, %d trackings, %d checkpoints; want 20 of each", orders, trackings, checkpoints)
	}
}

// A database made before trackings and checkpoints became rowid tables keeps every
// tracking and checkpoint through the migration.
func TestMigrationToRowidTrackings(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	sort.Strings(names)
	if _, err := raw.Exec(`CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if name >= "migrations/0006" {
			break
		}
		body, _ := migrations.ReadFile(name)
		if _, err := raw.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		raw.Exec(`INSERT INTO migrations VALUES (?, '2026-01-01T00:00:00Z')`, name)
	}
	// Rows as the old schema stored them: checkpoints keyed by tracking id.
	for _, q := range []string{
		`INSERT INTO accounts (id, name, signing_key, callback_secret, created_at) VALUES (1001, 'A', 'k', 's', '2026-01-01T00:00:00Z')`,
		`INSERT INTO orders (seq, id, account_id, order_number, created_at, updated_at, version, doc)
			VALUES (7, 'o_old', 1001, 'OLD-1', '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', 3, '{"account":1001,"order_number":"OLD-1","recipient_email":"a@example.com"}')`,
		`INSERT INTO trackings (id, order_seq, account_id, position, courier, tracking_number, doc) VALUES
			('t_b', 7, 1001, 1, 'dhl', 'TN-B', '{"courier":"dhl","tracking_number":"TN-B"}'),
			('t_a', 7, 1001, 0, 'ups', 'TN-A', '{"courier":"ups","tracking_number":"TN-A"}')`,
		`INSERT INTO checkpoints (tracking_id, dedupe_key, event_timestamp, status_code, doc) VALUES
			('t_a', 'k1', '2026-01-01T10:00:00.000Z', 'InTransit', '{"status_code":"InTransit","event_timestamp":"2026-01-01T10:00:00.000Z"}'),
			('t_a', 'k2', '2026-01-02T10:00:00.000Z', 'Delivered', '{"status_code":"Delivered","event_timestamp":"2026-01-02T10:00:00.000Z"}'),
			('t_b', 'k1', '2026-01-01T09:00:00.000Z', 'PickedUp', '{"status_code":"PickedUp","event_timestamp":"2026-01-01T09:00:00.000Z"}')`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	o, err := db.Order(ctx, "o_old")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tr := range o.Trackings {
		for _, c := range tr.Checkpoints {
			got = append(got, tr.ID+" "+tr.TrackingNumber+" "+c.StatusCode)
		}
	}
	want := []string{"t_a TN-A Delivered", "t_a TN-A InTransit", "t_b TN-B PickedUp"}
	if strings.Join(got, ", ") != strings.Join(want, ", ") || o.Version != 3 {
		t.Errorf("after migration: version %d, %q; want 3, %q", o.Version, got, want)
	}
	// The migrated order takes new events, and the unique keys still hold.
	in := &status.Ingest{Store: db, Now: time.Now}
	b, _ := json.Marshal(map[string]any{"courier": "dhl", "tracking_number": "TN-B", "status_code": "InTransit", "event_timestamp": "2026-01-01T12:00:00Z"})
	if res, err := in.AddEvents(ctx, status.Account{ID: 1001}, b); err != nil || res.Stored != 1 {
		t.Errorf("event after migration: %+v %v", res, err)
	}
	if res, err := in.AddEvents(ctx, status.Account{ID: 1001}, b); err != nil || res.Stored != 0 {
		t.Errorf("duplicate event after migration: %+v %v", res, err)
	}
	var fk int
	db.SQL().QueryRow(`SELECT count(*) FROM pragma_foreign_key_check`).Scan(&fk)
	if fk != 0 {
		t.Errorf("%d foreign key violations", fk)
	}
}

// Stored documents leave out what their table keeps in columns (ids, version, timestamps,
// tracking numbers, couriers, checkpoint codes and times); reading sets it from the columns.
func TestDocumentsLeaveOutColumns(t *testing.T) {
	db, in := openOutboxTest(t)
	ctx := context.Background()
	saved := saveJSON(t, in, 1002, orderBody("D-1", trackingBody("TN-D1", "dhl",
		checkpoint("InTransit", "2026-03-01T08:00:00Z"), checkpoint("Delivered", "2026-03-02T09:30:00Z"))))
	for _, c := range []struct{ table, keys string }{
		{"orders", `"id" "version" "created_at" "updated_at"`},
		{"trackings", `"id" "tracking_number" "courier" "additional_attributes":null`},
		{"checkpoints", `"status_code" "event_timestamp"`},
	} {
		rows, err := db.SQL().Query(`SELECT doc FROM ` + c.table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var doc string
			rows.Scan(&doc)
			for _, k := range strings.Fields(c.keys) {
				if strings.Contains(doc, k) {
					t.Errorf("%s document %s holds %s", c.table, doc, k)
				}
			}
		}
		rows.Close()
	}
	got, err := db.Order(ctx, saved.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != saved.ID || got.Version != 1 || got.CreatedAt == "" || got.UpdatedAt == "" {
		t.Errorf("order read back as id %q version %d created %q updated %q", got.ID, got.Version, got.CreatedAt, got.UpdatedAt)
	}
	tr := got.Trackings[0]
	if tr.TrackingNumber != "TN-D1" || tr.Courier != "dhl" || tr.ID == "" || len(tr.Checkpoints) != 2 {
		t.Fatalf("tracking read back as %+v", tr)
	}
	if c := tr.Checkpoints[0]; c.StatusCode != "Delivered" || c.EventTimestamp != "2026-03-02T09:30:00.000Z" {
		t.Errorf("newest checkpoint read back as %s at %s", c.StatusCode, c.EventTimestamp)
	}
}
