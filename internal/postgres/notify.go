package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderstatus/orderstatus/internal/status"
)

// channelPrefix names the LISTEN/NOTIFY channel on which every instance hears what the
// others wrote (DESIGN §10: caches are invalidated across instances). Channels are global to
// a database, so the schema the store lives in completes the name: deployments in two
// schemas of one database do not hear each other.
const channelPrefix = "orderstatus_changes:"

// Change is what one committed write changed (status.Change: an order with its version and
// lookup keys, an account, or everything). Listen sends Change{All: true} after it
// (re)connects, since notifications sent while it was not listening are lost.
type Change = status.Change

// maxPayload keeps a notification under PostgreSQL's 8000-byte limit; a change whose keys do
// not fit is announced as All.
const maxPayload = 7000

func payload(c Change) string {
	b, _ := json.Marshal(c)
	if len(b) > maxPayload {
		b, _ = json.Marshal(Change{OrderID: c.OrderID, Version: c.Version, Account: c.Account, All: true})
	}
	return string(b)
}

// queueNotify adds the notification of c to a write's batch. PostgreSQL delivers it when the
// transaction commits, and not at all when it rolls back.
func queueNotify(b *pgx.Batch, channel string, c Change) {
	b.Queue(`SELECT pg_notify($1, $2)`, channel, payload(c))
}

// Listen calls fn with every change that any instance on this database commits, until ctx is
// done. It holds one connection of its own. After it connects, and again after every
// reconnect, it calls fn with Change{All: true} first, so that a cache drops what it may
// have missed. It returns ctx's error.
func (s *DB) Listen(ctx context.Context, fn func(Change)) error {
	delay := 100 * time.Millisecond
	for {
		err := s.listenOnce(ctx, fn)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		_ = err // the connection broke: listen again after a pause
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		delay = min(2*delay, 5*time.Second)
	}
}

func (s *DB) listenOnce(ctx context.Context, fn func(Change)) error {
	pc, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// The connection leaves the pool: it stays subscribed to the channel until it is closed.
	conn := pc.Hijack()
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{s.channel}.Sanitize()); err != nil {
		return err
	}
	fn(Change{All: true})
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var c Change
		if json.Unmarshal([]byte(n.Payload), &c) == nil {
			fn(c)
		}
	}
}
