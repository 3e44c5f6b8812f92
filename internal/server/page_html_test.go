package server

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPagesAreValidHTML runs html-validate (npm) over every demo page at both access levels,
// the search page and the error pages. Under CI=true the validator must be installed.
func TestPagesAreValidHTML(t *testing.T) {
	root, _ := filepath.Abs("../..")
	bin := filepath.Join(root, "node_modules", ".bin", "html-validate")
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("html-validate is not installed (npm install html-validate): %v", err)
		}
		t.Skip("html-validate not installed; run: npm install --no-save html-validate")
	}
	d := newDemoEnv(t)
	dir := t.TempDir()
	var files []string
	save := func(name, u string) {
		_, body, _ := get(t, nil, u)
		p := filepath.Join(dir, name+".html")
		os.WriteFile(p, []byte(body), 0o644)
		files = append(files, p)
	}
	for _, o := range d.info.Orders {
		save(o.OrderNumber+"-public", publicPage(d.http.URL, o))
		save(o.OrderNumber+"-shopper", d.signedPage(o))
	}
	save("search", d.http.URL+"/")
	save("not-found", d.http.URL+"/track?account=1001&order_number=NOPE")
	save("bad-request", d.http.URL+"/track?order_number=x")
	cmd := exec.Command(bin, append([]string{"--config", filepath.Join(root, ".htmlvalidate.json")}, files...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("html-validate found problems:\n%s", strings.ReplaceAll(string(out), dir+"/", ""))
	}
}
