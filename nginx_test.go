package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
)

// TestBehindNginx runs the product as docs/operations.md deploys it: a real nginx with the
// site from that page and a throwaway certificate, in front of the server on loopback with
// nginx as its trusted proxy. Shoppers connect from different loopback addresses.
func TestBehindNginx(t *testing.T) {
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/nginx"); serr == nil {
			nginx = "/usr/sbin/nginx"
		} else if os.Getenv("CI") == "true" {
			t.Fatal("nginx is not installed; .ci/run installs it (apt-get install -y nginx)")
		} else {
			t.Skip("nginx is not installed: apt-get install -y nginx (.ci/run installs it, so CI never skips)")
		}
	}
	dir := t.TempDir()
	httpsPort, httpPort := freePort(t), freePort(t)
	base := "https://localhost:" + strconv.Itoa(httpsPort)

	// The server, started as `orderstatus serve --demo` would be in production.
	ctx, cancel := context.WithCancel(context.Background())
	env := map[string]string{"ORDERSTATUS_ADDR": "127.0.0.1:0", "ORDERSTATUS_DB": filepath.Join(dir, "os.db"),
		"ORDERSTATUS_BASE_URL": base, "ORDERSTATUS_TRUSTED_PROXIES": "127.0.0.1,::1"}
	var out, errb syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--demo"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("server did not shut down")
		}
	})
	appAddr := waitFor(t, &errb, done, regexp.MustCompile(`msg=serving addr=(\S+)`))

	// nginx with the documented site.
	site := docBlock(t, "docs/operations.md", "nginx-orderstatus.conf")
	certFile, keyFile := selfSignedCert(t, dir)
	for _, r := range [][2]string{
		{"/var/cache/nginx/orderstatus", filepath.Join(dir, "cache")},
		{"server 127.0.0.1:8080;", "server " + appAddr + ";"},
		{"listen 80;", "listen 127.0.0.1:" + strconv.Itoa(httpPort) + ";"},
		{"listen 443 ssl http2;", "listen 127.0.0.1:" + strconv.Itoa(httpsPort) + " ssl http2;"},
		{"server_name status.example.com;", "server_name localhost;"},
		{"/etc/letsencrypt/live/status.example.com/fullchain.pem", certFile},
		{"/etc/letsencrypt/live/status.example.com/privkey.pem", keyFile},
	} {
		if !strings.Contains(site, r[0]) {
			t.Fatalf("the nginx site in docs/operations.md no longer contains %q; update this test with it", r[0])
		}
		site = strings.ReplaceAll(site, r[0], r[1])
	}
	site = regexp.MustCompile(`(?m)^\s*listen \[::\].*$`).ReplaceAllString(site, "") // no IPv6 on every test machine
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;" // workers write the temp and cache directories under the test's own
	}
	conf := fmt.Sprintf(`%s
worker_processes 1;
error_log %[2]s/error.log warn;
pid %[2]s/nginx.pid;
events { worker_connections 128; }
http {
    access_log %[2]s/access.log;
    client_body_temp_path %[2]s/tmp-body;
    proxy_temp_path %[2]s/tmp-proxy;
    fastcgi_temp_path %[2]s/tmp-fastcgi;
    uwsgi_temp_path %[2]s/tmp-uwsgi;
    scgi_temp_path %[2]s/tmp-scgi;
%[3]s
}
`, user, dir, site)
	confFile := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	var nginxErr bytes.Buffer
	cmd := exec.Command(nginx, "-p", dir, "-c", confFile, "-g", "daemon off;")
	cmd.Stderr = &nginxErr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGQUIT)
		cmd.Wait()
	})
	waitListening(t, "127.0.0.1:"+strconv.Itoa(httpsPort), &nginxErr, dir)

	pool := x509.NewCertPool()
	certPEM, _ := os.ReadFile(certFile)
	pool.AppendCertsFromPEM(certPEM)
	// shopper returns a client that connects to nginx from its own loopback address.
	shopper := func(from string) *http.Client {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
		return &http.Client{
			Transport: &http.Transport{
				TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "localhost"},
				DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
					_, port, _ := net.SplitHostPort(addr)
					return d.DialContext(ctx, "tcp4", "127.0.0.1:"+port)
				},
			},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			Timeout:       20 * time.Second,
		}
	}
	alice, bob := shopper("127.0.0.2"), shopper("127.0.0.3")
	get := func(c *http.Client, u string, header ...string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", u, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, b
	}

	printed := out.String()
	var page, widget string
	for _, f := range strings.Fields(printed) {
		switch {
		case page == "" && strings.HasPrefix(f, base+"/track?") && strings.Contains(f, "order_number=A-1001"):
			page = f
		case widget == "" && strings.HasPrefix(f, base+"/v4/track/orders/info-widget/?"):
			widget = f
		}
	}
	if page == "" || widget == "" {
		t.Fatalf("the demo printed no https link for A-1001 or no widget URL under %s:\n%s", base, printed)
	}

	t.Run("shopper page over HTTPS with HSTS", func(t *testing.T) {
		resp, body := get(alice, page)
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "A-1001") {
			t.Fatalf("page: %d %.300s", resp.StatusCode, body)
		}
		if resp.TLS == nil {
			t.Error("the page did not come over TLS")
		}
		if got := resp.Header.Get("Strict-Transport-Security"); got != "max-age=31536000" {
			t.Errorf("Strict-Transport-Security %q, want max-age=31536000 (once)", got)
		}
		if n := len(resp.Header.Values("Strict-Transport-Security")); n != 1 {
			t.Errorf("%d Strict-Transport-Security headers, want 1", n)
		}
		// The page's one stylesheet (the shop's, content-hashed) and the static files are
		// cached by nginx.
		css := regexp.MustCompile(`<link rel="stylesheet" href="(/brand/[^"]+\.css)"`).FindStringSubmatch(string(body))
		js := regexp.MustCompile(`/static/[^"]+\.js`).FindString(string(body))
		if css == nil || js == "" {
			t.Fatalf("no shop stylesheet (%v) or script (%q) in the page", css, js)
		}
		for _, u := range []string{css[1], js} {
			get(alice, base+u)
			if resp, _ := get(alice, base+u); resp.StatusCode != http.StatusOK || resp.Header.Get("X-Cache-Status") != "HIT" {
				t.Errorf("%s again: %d X-Cache-Status %q, want a cache HIT", u, resp.StatusCode, resp.Header.Get("X-Cache-Status"))
			}
		}
		// An outdated hash gets the current colours, which nginx must not keep.
		stale := regexp.MustCompile(`\.[0-9a-f]+\.css$`).ReplaceAllString(css[1], ".000000000000.css")
		get(alice, base+stale)
		if resp, _ := get(alice, base+stale); resp.StatusCode != http.StatusOK || resp.Header.Get("X-Cache-Status") == "HIT" {
			t.Errorf("%s again: %d X-Cache-Status %q, want no cache HIT", stale, resp.StatusCode, resp.Header.Get("X-Cache-Status"))
		}
	})

	t.Run("widget over HTTPS", func(t *testing.T) {
		resp, body := get(alice, widget)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(body, []byte("\x89PNG\r\n\x1a\n")) {
			t.Fatalf("widget: %d %s, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
		}
		if resp.Header.Get("X-Orderstatus-Widget") != "" {
			t.Errorf("the signed widget URL got the fallback image: %s", resp.Header.Get("X-Orderstatus-Widget"))
		}
	})

	t.Run("session cookie is Secure", func(t *testing.T) {
		u, _ := url.Parse(page)
		q := u.Query()
		form := url.Values{"account": {q.Get("account")}, "order_number": {q.Get("order_number")}, "recipient_postal_code": {"BS3 4QE"}}
		req, _ := http.NewRequest("POST", base+"/track/verify", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", base)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := alice.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("verify: %d, want 303", resp.StatusCode)
		}
		cookies := resp.Cookies()
		if len(cookies) == 0 {
			t.Fatal("verify set no cookie")
		}
		for _, c := range cookies {
			if !c.Secure || !c.HttpOnly {
				t.Errorf("cookie %s: Secure %v HttpOnly %v, want both", c.Name, c.Secure, c.HttpOnly)
			}
		}
	})

	t.Run("rate limits count the shopper, not the proxy", func(t *testing.T) {
		guess := func(c *http.Client, i int, header ...string) int {
			resp, _ := get(c, fmt.Sprintf("%s/v4/track/orders/info/?account=1001&order_number=GUESS-%d&recipient_postal_code=AB1", base, i), header...)
			return resp.StatusCode
		}
		for i := 0; i < auth.AddrAttempts; i++ {
			if code := guess(alice, i); code != http.StatusNotFound {
				t.Fatalf("guess %d: %d, want 404", i, code)
			}
		}
		if code := guess(alice, 100); code != http.StatusTooManyRequests {
			t.Fatalf("after %d guesses: %d, want 429", auth.AddrAttempts, code)
		}
		if code := guess(alice, 101, "X-Forwarded-For", "127.0.0.3"); code != http.StatusTooManyRequests {
			t.Errorf("spoofed X-Forwarded-For through nginx: %d, want 429", code)
		}
		if code := guess(bob, 102); code != http.StatusNotFound {
			t.Errorf("another shopper behind the same proxy: %d, want 404 (own bucket)", code)
		}
	})

	t.Run("HTTP redirects to HTTPS; metrics stay private", func(t *testing.T) {
		resp, _ := get(alice, "http://localhost:"+strconv.Itoa(httpPort)+"/track?x=1")
		if resp.StatusCode != http.StatusMovedPermanently || !strings.HasPrefix(resp.Header.Get("Location"), "https://localhost") {
			t.Errorf("plain HTTP: %d Location %q, want 301 to https", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := get(alice, base+"/metrics"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("/metrics through nginx: %d, want 404", resp.StatusCode)
		}
		if resp, _ := get(alice, base+"/readyz"); resp.StatusCode != http.StatusOK {
			t.Errorf("/readyz through nginx: %d", resp.StatusCode)
		}
	})
}

// docBlock returns the fenced code block that follows "<!-- file: NAME -->" in a Markdown file.
func docBlock(t *testing.T, path, name string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "<!-- file: "+name+" -->")
	if !ok {
		t.Fatalf("%s has no block %s", path, name)
	}
	_, rest, _ = strings.Cut(rest, "```")
	_, rest, _ = strings.Cut(rest, "\n")
	block, _, ok := strings.Cut(rest, "\n```")
	if !ok {
		t.Fatalf("%s: block %s is not closed", path, name)
	}
	return block
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// waitFor waits until the server's log matches re and returns the first group.
func waitFor(t *testing.T, log *syncBuffer, done <-chan error, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if m := re.FindStringSubmatch(log.String()); m != nil {
			return m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not start:\n%s", log.String())
		}
		select {
		case err := <-done:
			t.Fatalf("run returned: %v\n%s", err, log.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func waitListening(t *testing.T, addr string, stderr *bytes.Buffer, dir string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not listen on %s: %v\n%s\n%s", addr, err, stderr.String(), log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// selfSignedCert writes a throwaway certificate for localhost and 127.0.0.1.
func selfSignedCert(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}
