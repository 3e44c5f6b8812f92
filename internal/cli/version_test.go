package cli

import (
	"runtime"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	out, _, err := runCmd(t, "unused.db", "", "version")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "orderstatus ") || !strings.Contains(out, runtime.Version()) {
		t.Errorf("version printed %q, want the program name and %s", out, runtime.Version())
	}
	if _, _, err := runCmd(t, "unused.db", "", "version", "extra"); err == nil {
		t.Error("version with an argument: no error")
	}
}

func TestBuildString(t *testing.T) {
	tests := []struct {
		name string
		b    Build
		want string
	}{
		{"tagged", Build{Version: "v1.2.0", Commit: "abc123", Go: "go1.26.0"}, "orderstatus v1.2.0 (commit abc123, go1.26.0)"},
		{"dirty tree", Build{Version: "(devel)", Commit: "abc123", Modified: true, Go: "go1.26.0"}, "orderstatus (devel) (commit abc123+modified, go1.26.0)"},
		{"no vcs", Build{Version: "(devel)", Go: "go1.26.0"}, "orderstatus (devel) (commit unknown, go1.26.0)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.b.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
