package server

import (
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSupportPagesAreValidHTML runs html-validate (npm) over every console page: login, search
// states, the detail of every demo order, the audit log and the error pages. Under CI=true
// the validator must be installed.
func TestSupportPagesAreValidHTML(t *testing.T) {
	t.Parallel()
	root, _ := filepath.Abs("../..")
	bin := filepath.Join(root, "node_modules", ".bin", "html-validate")
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("html-validate is not installed (npm install html-validate): %v", err)
		}
		t.Skip("html-validate not installed; run: npm install --no-save html-validate")
	}
	e := newSupportServer(t, "")
	dir := t.TempDir()
	var files []string
	save := func(name, body string) {
		p := filepath.Join(dir, name+".html")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	anon := e.browser(t)
	_, body := anon.get("/support/login")
	save("login", body)
	_, body = anon.post("/support/login", url.Values{"email": {"boss@example.com"}, "password": {"wrong password!"}})
	save("login-error", body)

	admin := e.browser(t)
	admin.login("boss@example.com")
	for name, path := range map[string]string{
		"search-empty": "/support/", "search-results": "/support/?q=emma.clarke%40example.com",
		"search-nomatch": "/support/?q=NOPE", "audit": "/support/audit", "not-found": "/support/orders/o_nope",
	} {
		_, body := admin.get(path)
		save(name, body)
	}
	rows, err := e.raw.Query(`SELECT id, order_number FROM orders`)
	if err != nil {
		t.Fatal(err)
	}
	var ids, numbers []string
	for rows.Next() {
		var id, n string
		rows.Scan(&id, &n)
		ids, numbers = append(ids, id), append(numbers, n)
	}
	rows.Close()
	for i, id := range ids {
		_, body := admin.get("/support/orders/" + id)
		save("order-"+numbers[i], body)
	}
	agent := e.browser(t)
	agent.login("agent@example.com")
	_, body = agent.get("/support/audit")
	save("forbidden", body)

	cmd := exec.Command(bin, append([]string{"--config", filepath.Join(root, ".htmlvalidate.json")}, files...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("html-validate found problems:\n%s", strings.ReplaceAll(string(out), dir+"/", ""))
	}
}
