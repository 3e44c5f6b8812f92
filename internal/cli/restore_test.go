package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/sqlite"
)

// drillOrder is an order payload with one tracking and three checkpoints.
func drillOrder(account int64, number string) map[string]any {
	return map[string]any{"account": account, "order_number": number, "recipient_email": "drill@example.com",
		"order_date": "2026-01-14T10:00:00Z", "trackings": []any{map[string]any{
			"courier": "royal-mail", "tracking_number": "TN-" + number, "recipient_postal_code": "SW1A 1AA",
			"checkpoints": []any{
				map[string]any{"status_code": "OrderProcessed", "event_timestamp": "2026-01-14T11:00:00Z"},
				map[string]any{"status_code": "InTransit", "event_timestamp": "2026-01-15T08:00:00Z", "location": "London"},
				map[string]any{"status_code": "OutForDelivery", "event_timestamp": "2026-01-16T07:10:00Z"},
			}}}}
}

// TestRestoreDrill backs up a live database while orders are being written, opens the copy
// with serve, and checks that every order acknowledged before the backup began answers from
// it, whole.
func TestRestoreDrill(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "live.db")
	out, _, err := runCmd(t, db, "", "account", "add", "--name", "Drill Shop", "--id", "3001")
	if err != nil {
		t.Fatal(err)
	}
	var acct struct {
		Token string `json:"api_token"`
	}
	if err := json.Unmarshal([]byte(out), &acct); err != nil {
		t.Fatal(err)
	}

	// A database with some history first, so that the copy takes a moment.
	var lines bytes.Buffer
	var acked sync.Map // order number -> true, for every order acknowledged so far
	for i := range 2000 {
		n := fmt.Sprintf("IMP-%05d", i)
		b, _ := json.Marshal(drillOrder(3001, n))
		lines.Write(b)
		lines.WriteByte('\n')
		acked.Store(n, true)
	}
	jsonl := filepath.Join(dir, "orders.jsonl")
	os.WriteFile(jsonl, lines.Bytes(), 0o600)
	if out, _, err := runCmd(t, db, "", "import", jsonl); err != nil {
		t.Fatalf("import: %v %s", err, out)
	}

	addr, _ := startServe(t, map[string]string{"ORDERSTATUS_DB": db})
	put := func(c *http.Client, base, number string) (int, error) {
		b, _ := json.Marshal(drillOrder(3001, number))
		req, _ := http.NewRequest("PUT", base+"/v4/track/orders/", bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+acct.Token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}

	// Write load: shops keep putting orders during the backup.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var during atomic.Int64
	var snapshot []string
	var backupStarted atomic.Bool
	for w := range 4 {
		wg.Go(func() {
			c := &http.Client{Timeout: 30 * time.Second}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				n := fmt.Sprintf("LIVE-%d-%05d", w, i)
				code, err := put(c, "http://"+addr, n)
				if err != nil || code != http.StatusCreated {
					t.Errorf("PUT %s: %d %v", n, code, err)
					return
				}
				if backupStarted.Load() {
					during.Add(1)
				} else {
					acked.Store(n, true)
				}
			}
		})
	}
	time.Sleep(300 * time.Millisecond) // let the writers get going
	// Every order acknowledged up to here must be in the copy. (A write acknowledged while
	// the flag flips counts as "during": it may or may not be in the copy.)
	backupStarted.Store(true)
	acked.Range(func(k, _ any) bool { snapshot = append(snapshot, k.(string)); return true })
	copyPath := filepath.Join(dir, "restored.db")
	bout, _, err := runCmd(t, db, "", "backup", copyPath)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	if !strings.Contains(bout, "backup written") {
		t.Errorf("backup printed %q", bout)
	}
	if during.Load() == 0 {
		t.Error("no write was acknowledged during the backup: not a backup under load")
	}
	t.Logf("%d orders acknowledged before the backup, %d during it", len(snapshot), during.Load())

	// Restore: serve the copy and ask it for every acknowledged order.
	// The copy is opened with the master key of the database it was taken from: a backup
	// holds no usable secret without it.
	raddr, _ := startServe(t, map[string]string{"ORDERSTATUS_DB": copyPath, "ORDERSTATUS_MASTER_KEY_FILE": sqlite.KeyFileFor(db)})
	base := "http://" + raddr
	c := &http.Client{Timeout: 30 * time.Second}
	if resp, err := c.Get(base + "/readyz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("restored /readyz: %v %v", resp, err)
	}
	found := map[string]bool{}
	next := base + "/v4/track/orders/?page_size=200"
	for next != "" {
		req, _ := http.NewRequest("GET", next, nil)
		req.Header.Set("Authorization", "Bearer "+acct.Token)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Next    *string `json:"next"`
			Results []struct {
				OrderNumber string `json:"order_number"`
				Trackings   []struct {
					Checkpoints []any `json:"checkpoints"`
				} `json:"trackings"`
			} `json:"results"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("list on the copy: %d %v", resp.StatusCode, err)
		}
		for _, o := range page.Results {
			if len(o.Trackings) != 1 || len(o.Trackings[0].Checkpoints) != 3 {
				t.Errorf("order %s restored partly: %d trackings", o.OrderNumber, len(o.Trackings))
			}
			found[o.OrderNumber] = true
		}
		next = ""
		if page.Next != nil {
			// Links are built under the base URL of the copy's server.
			next = *page.Next
		}
	}
	var missing []string
	for _, n := range snapshot {
		if !found[n] {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d of %d acknowledged orders missing from the restored copy, e.g. %v", len(missing), len(snapshot), missing[:min(5, len(missing))])
	}
	// One order answers by its lookup too, as a shop would check.
	req, _ := http.NewRequest("GET", base+"/v4/track/orders/info/?account=3001&order_number="+snapshot[len(snapshot)-1], nil)
	req.Header.Set("Authorization", "Bearer "+acct.Token)
	if resp, err := c.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("info on the copy: %v %v", resp, err)
	}
}
