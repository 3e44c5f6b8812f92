package server

import (
	"net/http"
	"testing"
)

func TestReadyz(t *testing.T) {
	e := newTestEnv(t)
	if code, body := e.do(t, "GET", "/readyz", "", nil); code != http.StatusOK {
		t.Fatalf("fresh database: %d %s, want 200", code, body)
	}
	// A migration this binary carries but the database lacks: not ready, while /healthz
	// still says the process is alive.
	if _, err := e.raw.Exec(`DELETE FROM migrations WHERE name = (SELECT max(name) FROM migrations)`); err != nil {
		t.Fatal(err)
	}
	if code, body := e.do(t, "GET", "/readyz", "", nil); code != http.StatusServiceUnavailable {
		t.Errorf("migration missing: %d %s, want 503", code, body)
	}
	if code, _ := e.do(t, "GET", "/healthz", "", nil); code != http.StatusOK {
		t.Errorf("healthz: %d, want 200", code)
	}
	e.admin.Close()
	if code, body := e.do(t, "GET", "/readyz", "", nil); code != http.StatusServiceUnavailable {
		t.Errorf("database closed: %d %s, want 503", code, body)
	}
}
