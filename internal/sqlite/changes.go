package sqlite

import (
	"sync/atomic"

	"github.com/orderstatus/orderstatus/internal/status"
)

// Change announcements. Caches above the store (internal/cache) learn what each committed
// write changed through OnChange, before the write returns to its caller, so the next read
// of any goroutine sees the write. Writes by other processes on the same file (orderstatus
// import, account or token commands) are counted in a small shared-memory file beside the
// database (writesFile); ForeignWrites reports them, and a cache drops everything when the
// count moves. It answers the question PRAGMA data_version answers, without a statement per
// request, and tells this process's own writes (already announced precisely) from others.

type changeFeed struct {
	status.ChangeFeed
	// own counts this process's announced writes; writes (shared) counts every process's.
	own    atomic.Uint64
	shared *sharedCounter
	// base is the shared count when this handle opened the database.
	base uint64
}

// OnChange implements the server's subscription to this store's own writes (status.ChangeFeed).
func (s *DB) OnChange(fn func(status.Change)) { s.changes.OnChange(fn) }

// announce tells the subscribers of c and counts the write for other processes.
func (s *DB) announce(c status.Change) {
	s.changes.Announce(c)
	// The shared count moves first: a reader that loads own before shared never sees fewer
	// foreign writes than there were (at worst one more, for a moment: a needless purge).
	s.changes.shared.add()
	s.changes.own.Add(1)
}

// ForeignWrites counts the writes that other processes (or other DB handles on the same file)
// committed since this one opened the database; 0 when the count cannot be shared (a
// platform without shared memory files).
func (s *DB) ForeignWrites() uint64 {
	own := s.changes.own.Load()
	return s.changes.shared.load() - own - s.changes.base
}
