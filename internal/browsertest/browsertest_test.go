package browsertest_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/orderstatus/orderstatus/internal/browsertest"
)

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Form</title></head>
<body><main>
<h1>Search</h1>
<form method="get" action="/result">
<label for="q">Query</label><input id="q" name="q" type="text">
<button type="submit" id="go">Go</button>
</form>
<button type="button" id="count" onclick="this.textContent = 'clicked'">click me</button>
%s
</main></body></html>`

func server(t *testing.T, extra string) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, page, extra)
	})
	mux.HandleFunc("/result", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><title>Result</title></head><body><main><h1 id="out">%s</h1></main></body></html>`, r.URL.Query().Get("q"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestBrowser(t *testing.T) {
	srv := server(t, "")
	b := browsertest.New(t)
	b.Navigate(srv.URL + "/")
	if got := b.Title(); got != "Form" {
		t.Errorf("title %q", got)
	}
	b.Click("#count")
	if got := b.Text("#count"); got != "clicked" {
		t.Errorf("after click: %q", got)
	}
	b.Type("#q", "ab")
	b.SetValue("#q", b.Value("#q")+"c")
	if got := browsertest.Eval[string](b, `document.querySelector("#q").value`); got != "abc" {
		t.Errorf("value %q", got)
	}
	if got := browsertest.Eval[int](b, `Promise.resolve(41).then(x => x + 1)`); got != 42 {
		t.Errorf("awaited promise: %d", got)
	}
	if code := b.ClickNavigate("#go"); code != http.StatusAccepted {
		t.Errorf("status after submit: %d", code)
	}
	if got := b.Text("#out"); got != "abc" {
		t.Errorf("result page: %q", got)
	}
	if v, ok := b.Attr("#out", "id"); !ok || v != "out" {
		t.Errorf("attr: %q %v", v, ok)
	}
	if b.Count("h1") != 1 || b.Exists("#q") {
		t.Error("Count/Exists wrong on the result page")
	}
	if code := b.NavigateStatus(srv.URL + "/result?q=x"); code != http.StatusAccepted {
		t.Errorf("NavigateStatus: %d", code)
	}
	b.SetViewport(375, 700)
	if w := browsertest.Eval[int](b, "window.innerWidth"); w != 375 {
		t.Errorf("viewport width %d", w)
	}
	shot := filepath.Join(t.TempDir(), "shots", "page.png")
	b.Screenshot(shot)
	if png, err := os.ReadFile(shot); err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("screenshot: %v", err)
	}
}

func TestAxe(t *testing.T) {
	b := browsertest.New(t)
	b.Navigate(server(t, "").URL + "/")
	b.Axe()

	b.Navigate(server(t, `<img src="/x.png"><a href="/y"></a>`).URL + "/")
	vs := b.AxeViolations()
	ids := map[string]bool{}
	for _, v := range vs {
		ids[v.ID] = true
	}
	if !ids["image-alt"] || !ids["link-name"] {
		t.Fatalf("violations %v, want image-alt and link-name:\n%s", ids, browsertest.FormatViolations(vs))
	}
	if vs := b.AxeViolations("image-alt", "link-name"); len(vs) != 0 {
		t.Fatalf("disabled rules still reported:\n%s", browsertest.FormatViolations(vs))
	}
}
