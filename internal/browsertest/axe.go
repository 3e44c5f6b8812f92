package browsertest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// AxeScript is where axe-core is looked for, relative to the repository root (the first
// directory above the test's working directory that holds go.mod).
const AxeScript = "node_modules/axe-core/axe.min.js"

// Violation is one axe-core rule that the page breaks, with the elements that break it.
type Violation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target         []any  `json:"target"`
		HTML           string `json:"html"`
		FailureSummary string `json:"failureSummary"`
	} `json:"nodes"`
}

var axeSource = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return os.ReadFile(filepath.Join(dir, AxeScript))
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
})

// AxeViolations runs axe-core on the current page (injecting it first when the page does
// not have it) and returns the violations of the rules that are not disabled.
func (b *Browser) AxeViolations(disableRules ...string) []Violation {
	b.t.Helper()
	src, err := axeSource()
	if err != nil {
		missing(b.t, "axe-core not available (run: npm install --no-save axe-core@4 in the repository root): %v", err)
	}
	if !Eval[bool](b, "typeof window.axe === 'object'") {
		Eval[bool](b, string(src)+"\n;true")
	}
	rules := map[string]map[string]bool{}
	for _, r := range disableRules {
		rules[r] = map[string]bool{"enabled": false}
	}
	opts, _ := json.Marshal(map[string]any{"resultTypes": []string{"violations"}, "rules": rules})
	out := Eval[string](b, "axe.run(document, "+string(opts)+").then(r => JSON.stringify(r.violations))")
	var vs []Violation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		b.t.Fatalf("axe: decode results: %v", err)
	}
	return vs
}

// Axe runs axe-core on the current page and fails the test with a readable list of every
// violation: rule, impact, help link, and each offending element with axe's advice.
// disableRules names rules to leave out, for example "color-contrast" on a page that is
// checked elsewhere; prefer fixing over disabling.
func (b *Browser) Axe(disableRules ...string) {
	b.t.Helper()
	vs := b.AxeViolations(disableRules...)
	if len(vs) == 0 {
		return
	}
	b.t.Errorf("axe: %d accessibility violations on %s:\n%s", len(vs), b.url(), FormatViolations(vs))
}

// FormatViolations renders violations one rule per paragraph.
func FormatViolations(vs []Violation) string {
	var sb strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&sb, "- [%s] %s: %s (%s)\n", v.Impact, v.ID, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&sb, "    at %v: %s\n", n.Target, abbrevHTML(n.HTML))
			for _, line := range strings.Split(strings.TrimSpace(n.FailureSummary), "\n") {
				fmt.Fprintf(&sb, "      %s\n", strings.TrimSpace(line))
			}
		}
	}
	return sb.String()
}

func abbrevHTML(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 160 {
		return s[:157] + "..."
	}
	return s
}
