//go:build unix

package sqlite

import (
	"os"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// sharedCounter is a 64-bit counter in a memory-mapped file that every process opening the
// database maps (the way SQLite shares its WAL index in the -shm file).
type sharedCounter struct {
	mem []byte
}

// writesFile is the counter's file beside the database.
func writesFile(dbPath string) string { return dbPath + "-writes" }

func openSharedCounter(path string) (*sharedCounter, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return nil, err
	} else if st.Size() < 64 {
		if err := f.Truncate(64); err != nil {
			return nil, err
		}
	}
	mem, err := syscall.Mmap(int(f.Fd()), 0, 64, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		return nil, err
	}
	return &sharedCounter{mem: mem}, nil
}

func (c *sharedCounter) word() *uint64 { return (*uint64)(unsafe.Pointer(&c.mem[0])) }

func (c *sharedCounter) add() {
	if c != nil {
		atomic.AddUint64(c.word(), 1)
	}
}

func (c *sharedCounter) load() uint64 {
	if c == nil {
		return 0
	}
	return atomic.LoadUint64(c.word())
}
