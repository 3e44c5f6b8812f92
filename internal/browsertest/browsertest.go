// Package browsertest drives a real headless Chromium from Go tests, through chromedp, and
// audits pages with axe-core.
//
// A test starts one browser with New, points it at an httptest server, and uses the
// methods of Browser, which fail the test with the selector and the page's URL when an
// action fails or times out:
//
//	b := browsertest.New(t)
//	b.Navigate(srv.URL + "/support/login")
//	b.SetValue("#login-email", "admin@example.com")
//	b.ClickNavigate("[data-testid=login-submit]")
//	if got := b.Text("h1"); got != "Find an order" { … }
//	b.Axe() // fails the test on any accessibility violation
//
// New skips the test when Chromium is not installed, unless the environment variable CI is
// "true", where a missing browser fails it. Axe needs node_modules/axe-core/axe.min.js in
// the repository root (npm install --no-save axe-core@4) and skips or fails likewise.
//
// Chromium runs with a fresh profile in t.TempDir() and without background networking, so
// tests reach nothing but the servers they start.
package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Timeout bounds every single action (a navigation, a click, a query that waits for its
// element).
const Timeout = 15 * time.Second

// chromiumPaths are tried in order when CHROMIUM_PATH is not set.
var chromiumPaths = []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"}

// Browser is one headless Chromium tab, closed when the test ends. It is not safe for
// concurrent use; start one per test.
type Browser struct {
	t   testing.TB
	ctx context.Context
}

// inCI reports whether missing browser test dependencies must fail rather than skip.
func inCI() bool { return os.Getenv("CI") == "true" }

func missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if inCI() {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// findChromium returns the Chromium binary: $CHROMIUM_PATH, else the first of chromiumPaths
// found.
func findChromium() (string, error) {
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		return exec.LookPath(p)
	}
	for _, p := range chromiumPaths {
		if path, err := exec.LookPath(p); err == nil {
			return path, nil
		}
	}
	return "", errors.New("no chromium found (apt-get install chromium, or set CHROMIUM_PATH)")
}

// New starts a headless Chromium with a fresh profile and opens a 1280×900 tab. The browser
// is closed at the end of the test.
func New(t testing.TB) *Browser {
	t.Helper()
	path, err := findChromium()
	if err != nil {
		missing(t, "browser test: %v", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// The first action must run on the tab's own context, not on a child with a timeout:
	// it starts the browser, which lives as long as that context.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("browser test: start %s: %v", path, err)
	}
	b := &Browser{t: t, ctx: ctx}
	return b
}

// Context returns the tab's chromedp context, for actions this package does not wrap. Use
// chromedp.Run or chromedp.Do with it.
func (b *Browser) Context() context.Context { return b.ctx }

// run runs steps with the per-action timeout and fails the test with what on error.
func (b *Browser) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, Timeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("browser: %s on %s: %v", what, b.url(), err)
	}
}

// get runs one action that returns a value, with the per-action timeout.
func get[T any](b *Browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, Timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("browser: %s on %s: %v", what, b.url(), err)
	}
	return v
}

// url is the current location for error messages; "" when it cannot be read.
func (b *Browser) url() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	u, _ := chromedp.Run(ctx, chromedp.Location())
	return u
}

// Navigate opens url and waits for the page to load. It fails the test when the response
// status is 400 or more; use NavigateStatus to check other statuses.
func (b *Browser) Navigate(url string) {
	b.t.Helper()
	if code := b.NavigateStatus(url); code >= 400 {
		b.t.Fatalf("browser: navigate %s: HTTP %d", url, code)
	}
}

// NavigateStatus opens url, waits for the page to load, and returns the HTTP status of the
// document.
func (b *Browser) NavigateStatus(url string) int {
	b.t.Helper()
	resp := get(b, "navigate "+url, chromedp.NavigateResponse(url))
	if resp == nil {
		return 0
	}
	return int(resp.Status)
}

// Location returns the URL of the page.
func (b *Browser) Location() string {
	b.t.Helper()
	return get(b, "location", chromedp.Location())
}

// Title returns the document title.
func (b *Browser) Title() string {
	b.t.Helper()
	return get(b, "title", chromedp.Title())
}

// Click clicks the first element matching the CSS selector, once it is visible.
func (b *Browser) Click(sel string) {
	b.t.Helper()
	b.run("click "+sel, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// ClickNavigate clicks the element matching the CSS selector (a link or a submit button),
// waits for the page it leads to, and returns that page's HTTP status. Redirects are
// followed; the status is the final document's.
func (b *Browser) ClickNavigate(sel string) int {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, Timeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("browser: click %s and wait for a page, on %s: %v", sel, b.url(), err)
	}
	if resp == nil {
		return 0
	}
	return int(resp.Status)
}

// SetValue sets the value of the input, textarea or select matching the CSS selector, as a
// script would (no key events).
func (b *Browser) SetValue(sel, value string) {
	b.t.Helper()
	b.run("set value of "+sel, chromedp.SetValue(chromedp.CSS(sel), value, chromedp.NodeVisible))
}

// Type focuses the element matching the CSS selector and types text key by key.
func (b *Browser) Type(sel, text string) {
	b.t.Helper()
	b.run("type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text, chromedp.NodeVisible))
}

// Text returns the visible text of the first element matching the CSS selector, trimmed.
// It waits for the element to exist.
func (b *Browser) Text(sel string) string {
	b.t.Helper()
	return strings.TrimSpace(get(b, "text of "+sel, chromedp.Text(chromedp.CSS(sel), chromedp.NodeReady)))
}

// Value returns the value of the form field matching the CSS selector.
func (b *Browser) Value(sel string) string {
	b.t.Helper()
	return get(b, "value of "+sel, chromedp.Value(chromedp.CSS(sel), chromedp.NodeReady))
}

// Attr returns an attribute of the first element matching the CSS selector, and whether the
// element has it.
func (b *Browser) Attr(sel, name string) (string, bool) {
	b.t.Helper()
	r := get(b, "attribute "+name+" of "+sel, chromedp.AttributeValue(chromedp.CSS(sel), name, chromedp.NodeReady))
	return r.Value, r.Exists
}

// Count returns how many elements match the CSS selector now, without waiting.
func (b *Browser) Count(sel string) int {
	b.t.Helper()
	js, _ := json.Marshal(sel)
	return Eval[int](b, "document.querySelectorAll("+string(js)+").length")
}

// Exists reports whether an element matches the CSS selector now, without waiting.
func (b *Browser) Exists(sel string) bool { b.t.Helper(); return b.Count(sel) > 0 }

// Eval evaluates a JavaScript expression in the page and returns its value decoded as T.
// A promise is awaited. A JavaScript null needs a pointer T.
func Eval[T any](b *Browser, js string) T {
	b.t.Helper()
	return get(b, "evaluate "+abbrev(js), chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
}

func abbrev(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

// SetViewport resizes the page's viewport to width×height CSS pixels.
func (b *Browser) SetViewport(width, height int) {
	b.t.Helper()
	b.run(fmt.Sprintf("viewport %dx%d", width, height), chromedp.EmulateViewport(int64(width), int64(height)))
}

// EvalNavigate evaluates the expression js, which makes the page navigate (a form that submits itself),
// waits for the page it leads to, and returns that page's HTTP status.
func (b *Browser) EvalNavigate(js string) int {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, Timeout)
	defer cancel()
	eval := chromedp.Evaluate[bool]("void (" + js + ") || true")
	resp, err := chromedp.RunResponse(ctx, func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := eval(ctx, t)
		return chromedp.Void{}, err
	})
	if err != nil {
		b.t.Fatalf("browser: evaluate %s and wait for a page, on %s: %v", abbrev(js), b.url(), err)
	}
	if resp == nil {
		return 0
	}
	return int(resp.Status)
}

// SetColorScheme emulates the prefers-color-scheme media feature ("light" or "dark") for
// this and later pages; "" removes the override.
func (b *Browser) SetColorScheme(scheme string) {
	b.t.Helper()
	p := emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}
	b.run("color scheme "+scheme, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, p)
		return err
	}))
}

// DisableScripts turns the page's own JavaScript off (on) for this and later pages, as a
// browser with JavaScript disabled; Eval and Axe still run, through the DevTools protocol.
func (b *Browser) DisableScripts(off bool) {
	b.t.Helper()
	b.run("scripts off", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: off})
		return err
	}))
}

// Screenshot writes a PNG of the whole page to path (directories are created), for
// looking at a failure or for a review.
func (b *Browser) Screenshot(path string) {
	b.t.Helper()
	png := get(b, "screenshot", chromedp.FullScreenshot(100))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}
