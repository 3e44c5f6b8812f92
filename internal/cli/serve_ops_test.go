package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for the server goroutine and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// startServe runs serve on a free loopback port until the test ends and returns its address
// and its stderr.
func startServe(t *testing.T, env map[string]string, args ...string) (string, *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	if env["ORDERSTATUS_DB"] == "" {
		env["ORDERSTATUS_DB"] = filepath.Join(t.TempDir(), "serve.db")
	}
	var stderr, stdout lockedBuffer
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), Env{
			Getenv: func(k string) string { return env[k] }, Stdin: strings.NewReader(""),
			Stdout: &stdout, Stderr: &stderr, Ready: func(a string) { ready <- a }})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	select {
	case a := <-ready:
		return a, &stderr
	case err := <-done:
		done <- nil // the cleanup waits for serve's end, which has come
		t.Fatalf("serve returned %v before listening:\n%s", err, stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start:\n%s", stderr.String())
	}
	return "", nil
}

func TestLogFormat(t *testing.T) {
	t.Run("json writes one object per line", func(t *testing.T) {
		_, stderr := startServe(t, map[string]string{}, "--log-format", "json")
		line, _, _ := strings.Cut(stderr.String(), "\n")
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("first log line is not JSON: %q", line)
		}
		if rec["msg"] != "serving" || rec["level"] != "INFO" {
			t.Errorf("got %v, want msg serving at INFO", rec)
		}
	})
	t.Run("environment twin", func(t *testing.T) {
		_, stderr := startServe(t, map[string]string{"ORDERSTATUS_LOG_FORMAT": "json"})
		if !strings.HasPrefix(stderr.String(), "{") {
			t.Errorf("ORDERSTATUS_LOG_FORMAT=json logged %q", stderr.String())
		}
	})
	t.Run("text is the default", func(t *testing.T) {
		_, stderr := startServe(t, map[string]string{})
		if !strings.Contains(stderr.String(), "msg=serving") {
			t.Errorf("default format logged %q, want logfmt", stderr.String())
		}
	})
	t.Run("unknown format refused", func(t *testing.T) {
		_, _, err := runCmd(t, filepath.Join(t.TempDir(), "x.db"), "", "serve", "--addr", "127.0.0.1:0", "--log-format", "xml")
		if err == nil || !strings.Contains(err.Error(), "text or json") {
			t.Errorf("got %v, want an error naming text or json", err)
		}
	})
}

func TestServeOperatorSettings(t *testing.T) {
	get := func(t *testing.T, u string, header ...string) int {
		t.Helper()
		req, _ := http.NewRequest("GET", u, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	t.Run("metrics on their own listener", func(t *testing.T) {
		addr, stderr := startServe(t, map[string]string{}, "--metrics-addr", "127.0.0.1:0")
		m := regexp.MustCompile(`metrics_addr=(\S+)`).FindStringSubmatch(stderr.String())
		if m == nil || m[1] == "" {
			t.Fatalf("no metrics_addr logged: %s", stderr.String())
		}
		if code := get(t, "http://"+m[1]+"/metrics"); code != http.StatusOK {
			t.Errorf("metrics listener: %d, want 200", code)
		}
		if code := get(t, "http://"+addr+"/metrics"); code != http.StatusNotFound {
			t.Errorf("main listener: %d, want 404", code)
		}
	})
	t.Run("metrics token from the environment", func(t *testing.T) {
		addr, _ := startServe(t, map[string]string{"ORDERSTATUS_METRICS_TOKEN": "tok-123"})
		if code := get(t, "http://"+addr+"/metrics"); code != http.StatusUnauthorized {
			t.Errorf("without the token: %d, want 401", code)
		}
		if code := get(t, "http://"+addr+"/metrics", "Authorization", "Bearer tok-123"); code != http.StatusOK {
			t.Errorf("with the token: %d, want 200", code)
		}
	})
	t.Run("bad trusted proxy refused at start", func(t *testing.T) {
		_, _, err := runCmd(t, filepath.Join(t.TempDir(), "x.db"), "", "serve", "--addr", "127.0.0.1:0", "--trusted-proxies", "10.0.0.0/8,proxy.local")
		if err == nil || !strings.Contains(err.Error(), "proxy.local") {
			t.Errorf("got %v, want an error naming proxy.local", err)
		}
	})
}
