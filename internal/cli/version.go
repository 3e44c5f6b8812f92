package cli

import (
	"fmt"
	"runtime/debug"
)

// Build describes the running binary from its embedded build information.
type Build struct {
	Version  string // module version: a tag, a pseudo-version, or "(devel)"
	Commit   string // VCS revision, "" when the build did not record one
	Modified bool   // the working tree had uncommitted changes
	Go       string // Go toolchain version
}

// ReadBuild returns the build information the Go toolchain embedded in the binary.
func ReadBuild() Build {
	b := Build{Version: "(devel)"}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	b.Go = info.GoVersion
	if v := info.Main.Version; v != "" {
		b.Version = v
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Commit = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

func (b Build) String() string {
	commit := b.Commit
	if commit == "" {
		commit = "unknown"
	}
	if b.Modified {
		commit += "+modified"
	}
	return fmt.Sprintf("orderstatus %s (commit %s, %s)", b.Version, commit, b.Go)
}

func cmdVersion(args []string, env Env) error {
	if len(args) != 0 {
		return fmt.Errorf("usage: orderstatus version")
	}
	fmt.Fprintln(env.Stdout, ReadBuild())
	return nil
}
