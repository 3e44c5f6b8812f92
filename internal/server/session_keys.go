package server

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/gorilla/sessions"
)

// sessionKeysCheck is how often a running server looks whether the session keys were
// replaced (orderstatus account rotate-session-keys); within that time after a rotation
// every cookie made with the old keys is refused.
const sessionKeysCheck = 30 * time.Second

type settingsStore interface {
	SettingOrInit(ctx context.Context, key string, init func() []byte) ([]byte, error)
}

// sessionStores holds the cookie store of the current session keys and rebuilds it when
// the keys in the database change.
type sessionStores struct {
	settings settingsStore
	secure   bool
	now      func() time.Time
	logger   *slog.Logger

	mu      sync.Mutex
	store   *sessions.CookieStore
	keys    []byte
	checked time.Time
}

// load reads (or creates) the session keys and builds the store.
func (c *sessionStores) load(ctx context.Context) error {
	store, keys, err := newSessionStore(ctx, c.settings, c.secure)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !bytes.Equal(keys, c.keys) {
		c.store, c.keys = store, keys
	}
	c.checked = c.now()
	return nil
}

// current returns the cookie store, first checking the keys when the last check is older
// than sessionKeysCheck. A failed check keeps the store it has.
func (c *sessionStores) current(ctx context.Context) *sessions.CookieStore {
	c.mu.Lock()
	since := c.now().Sub(c.checked)
	due := since >= sessionKeysCheck || since < 0 // < 0: the clock was set back (tests)
	if due {
		c.checked = c.now() // one request checks; the others go on with the store they have
	}
	c.mu.Unlock()
	if due {
		if err := c.load(ctx); err != nil {
			c.logger.ErrorContext(ctx, "session keys", "err", err)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.store
}
