package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/sqlite"
	"github.com/orderstatus/orderstatus/internal/status"
)

// runEnv runs one command with extra environment variables.
func runEnv(t *testing.T, vars map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{Getenv: func(k string) string { return vars[k] }, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}
	err := Run(context.Background(), args, env)
	return out.String(), err
}

func TestAccountSet(t *testing.T) {
	vars := map[string]string{"ORDERSTATUS_DB": filepath.Join(t.TempDir(), "a.db")}
	if _, err := runEnv(t, vars, "account", "add", "--name", "Shop", "--id", "3001"); err != nil {
		t.Fatal(err)
	}
	out, err := runEnv(t, vars, "account", "set", "--account", "3001", "--callback-url", "https://shop.example/hook", "--public-view", "none")
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil || got["callback_url"] != "https://shop.example/hook" || got["public_view"] != "none" {
		t.Errorf("account set printed %q", out)
	}

	for _, c := range []struct {
		name string
		args []string
	}{
		{"loopback", []string{"--callback-url", "http://127.0.0.1:8000/hook"}},
		{"not http", []string{"--callback-url", "gopher://shop.example/"}},
		{"bad public view", []string{"--public-view", "everything"}},
		{"nothing to set", nil},
		{"unknown account", []string{"--callback-url", "https://shop.example/x", "--account", "9999"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := runEnv(t, vars, append([]string{"account", "set", "--account", "3001"}, c.args...)...); err == nil {
				t.Error("accepted")
			}
		})
	}

	vars[callback.AllowPrivateEnv] = "true"
	if _, err := runEnv(t, vars, "account", "set", "--account", "3001", "--callback-url", "http://127.0.0.1:8000/hook"); err != nil {
		t.Errorf("loopback with %s=true: %v", callback.AllowPrivateEnv, err)
	}
	// An empty URL removes it; the public view stays.
	if _, err := runEnv(t, vars, "account", "set", "--account", "3001", "--callback-url", ""); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(context.Background(), vars["ORDERSTATUS_DB"])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, err := db.Account(context.Background(), 3001)
	if err != nil {
		t.Fatal(err)
	}
	if a.CallbackURL != "" || a.PublicView != "none" {
		t.Errorf("account %+v: want no callback URL, public view none", a)
	}
}

func TestCallbacksRetry(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := db.CreateAccount(ctx, status.Account{ID: 1001, Name: "S", SigningKey: "k", CallbackSecret: "c", CallbackURL: "https://shop.example/hook"}, nil); err != nil {
		t.Fatal(err)
	}
	in := &status.Ingest{Store: db, Now: time.Now}
	o, _, err := in.Save(ctx, status.Account{ID: 1001}, []byte(`{"order_number":"R-1","recipient_email":"e@example.com","trackings":[{"courier":"dhl","tracking_number":"1"}]}`), false)
	if err != nil {
		t.Fatal(err)
	}
	jobs, err := db.ClaimCallbacks(ctx, time.Now(), time.Minute, 1)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("claim: %v %v", jobs, err)
	}
	if err := db.FinishCallback(ctx, jobs[0], callback.Outcome{State: callback.Failed, Attempt: callback.Attempt{No: 1, At: status.FormatTimestamp(time.Now()), Error: "gave up"}}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	vars := map[string]string{"ORDERSTATUS_DB": path}
	out, err := runEnv(t, vars, "callbacks", "retry", "--delivery", jobs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(out), &got); err != nil || got["state"] != callback.Pending || got["order"] != o.ID || got["next_attempt_at"] == "" {
		t.Errorf("callbacks retry printed %q: want the delivery pending again", out)
	}
	if _, err := runEnv(t, vars, "callbacks", "retry", "--delivery", "dlv_nope"); err == nil || !strings.Contains(err.Error(), "no delivery") {
		t.Errorf("unknown delivery: %v", err)
	}
	if _, err := runEnv(t, vars, "callbacks", "retry"); err == nil {
		t.Error("retry without --delivery accepted")
	}
}

func TestIntegrationsFromEnv(t *testing.T) {
	in, err := integrationsFromEnv(func(k string) string {
		return map[string]string{callback.AllowPrivateEnv: "true", "ORDERSTATUS_CALLBACK_TIMEOUT": "3s",
			"ORDERSTATUS_CALLBACK_BACKOFF": "1s", "ORDERSTATUS_DHL_API_KEY": "key"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	if !in.Callbacks.AllowPrivate || in.Callbacks.Timeout != 3*time.Second || in.Callbacks.MinBackoff != time.Second {
		t.Errorf("callbacks config %+v", in.Callbacks)
	}
	if !in.Carriers.Supports("dhl-germany") || in.Carriers.Supports("ups") {
		t.Errorf("carriers %v: want the DHL couriers only", in.Carriers.Couriers())
	}
	none, err := integrationsFromEnv(func(string) string { return "" })
	if err != nil || none.Carriers.Supports("dhl") || none.Callbacks.AllowPrivate {
		t.Errorf("empty environment: %+v, %v; want no adapters, private refused", none, err)
	}
	for _, bad := range []map[string]string{{callback.AllowPrivateEnv: "yes please"}, {"ORDERSTATUS_CALLBACK_TIMEOUT": "ten"}, {"ORDERSTATUS_CALLBACK_POLL": "-1s"}} {
		if _, err := integrationsFromEnv(func(k string) string { return bad[k] }); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}
