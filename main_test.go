package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestRunDemo runs the whole program as `go run .` would, on a free port, and uses what it
// prints: a shopper link, a widget URL and the API token.
func TestRunDemo(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := filepath.Join(t.TempDir(), "demo.db")
	env := map[string]string{"ORDERSTATUS_ADDR": "127.0.0.1:0", "ORDERSTATUS_DB": db}
	var out, errb syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, nil, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(errb.String(), "msg=serving") {
		if time.Now().After(deadline) {
			t.Fatalf("server did not start:\n%s", errb.String())
		}
		select {
		case err := <-done:
			t.Fatalf("run returned: %v\n%s", err, errb.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	printed := out.String()
	var page, widget, token string
	for _, f := range strings.Fields(printed) {
		switch {
		case page == "" && strings.Contains(f, "/track?"):
			page = f
		case widget == "" && strings.Contains(f, "/info-widget/?"):
			widget = f
		case token == "" && strings.HasPrefix(f, "os_"):
			token = f
		}
	}
	if page == "" || widget == "" || token == "" {
		t.Fatalf("demo output lacks a link, a widget URL or a token:\n%s", printed)
	}
	base := page[:strings.Index(page, "/track?")]
	check := func(u, want string, hdr ...string) {
		t.Helper()
		req, _ := http.NewRequest("GET", u, nil)
		if len(hdr) == 2 {
			req.Header.Set(hdr[0], hdr[1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("%s: %d, want %q in %.200s", u, resp.StatusCode, want, body)
		}
	}
	check(base+"/healthz", `"ok"`)
	check(page, `data-testid="parcel"`)
	check(widget, "PNG")
	check(base+"/v4/track/orders/?page_size=2", `"results"`, "Authorization", "Bearer "+token)
	check(base+"/", `name="order_number"`)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("shutdown: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no graceful shutdown")
	}
}
