//go:build !unix

package sqlite

// sharedCounter is not available on this platform: writes of other processes are not seen
// by caches (run other commands while the server is stopped, or restart it after them).
type sharedCounter struct{}

func writesFile(dbPath string) string { return dbPath + "-writes" }

func openSharedCounter(string) (*sharedCounter, error) { return nil, nil }
func (c *sharedCounter) add()                          {}
func (c *sharedCounter) load() uint64                  { return 0 }
