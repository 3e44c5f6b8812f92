package sqlite

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// Group commit. A commit costs about as much as writing an order (the WAL frames are written
// and, at checkpoints, synced), so order writes that arrive together share one transaction.
// Each write runs inside its own savepoint: a write that fails is rolled back alone and its
// caller gets its error; the others commit. A caller returns only after the commit that holds
// its write, so a write that succeeded is durable like any other committed transaction.

const maxBatch = 64

type writeJob struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx querier) error
	done chan error
}

// write runs fn in a transaction shared with other concurrent writes.
func (s *DB) write(ctx context.Context, fn func(ctx context.Context, tx querier) error) error {
	job := &writeJob{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case s.jobs <- job:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.closed:
		return errors.New("database closed")
	}
	return <-job.done
}

// writer runs batches of writes until the database is closed.
func (s *DB) writer() {
	defer close(s.writerDone)
	for {
		var job *writeJob
		select {
		case job = <-s.jobs:
		case <-s.closed:
			return
		}
		batch := []*writeJob{job}
	drain:
		for len(batch) < maxBatch {
			select {
			case j := <-s.jobs:
				batch = append(batch, j)
			default:
				break drain
			}
		}
		s.runBatch(batch)
	}
}

// BatchSizeBounds are the upper bounds of the batch size buckets that BatchSizes counts.
var BatchSizeBounds = []float64{1, 2, 4, 8, 16, 32, maxBatch}

func batchBucket(n int) int {
	for i, b := range BatchSizeBounds {
		if float64(n) <= b {
			return i
		}
	}
	return len(BatchSizeBounds) - 1
}

// writerStats count the writer's work since the database was opened.
type writerStats struct {
	batches, writes, busy atomic.Int64
	// sizes counts batches per BatchSizeBounds bucket (not cumulative).
	sizes [7]atomic.Int64
}

// BatchSizes returns how many batches held at most BatchSizeBounds[i] writes and more than
// the bound before it, one count per bound.
func (s *DB) BatchSizes() []uint64 {
	out := make([]uint64, len(BatchSizeBounds))
	for i := range out {
		out[i] = uint64(s.stats.sizes[i].Load())
	}
	return out
}

// WriterStats reports the group commit: transactions committed, writes they held, and the
// time the writer spent running them. busy/writes is the writer's cost per write; when it
// approaches the time between writes, the writer is the bottleneck.
func (s *DB) WriterStats() (batches, writes int64, busy time.Duration) {
	return s.stats.batches.Load(), s.stats.writes.Load(), time.Duration(s.stats.busy.Load())
}

func (s *DB) runBatch(batch []*writeJob) {
	start := time.Now()
	errs := make([]error, len(batch))
	// finish answers every job; err, when not nil, is the answer of each job that has none
	// yet (the shared transaction failed, so none of them is stored). The batch is counted
	// before any job is answered, so that a caller reading the stats after its write sees it.
	finish := func(err error) {
		s.stats.busy.Add(int64(time.Since(start)))
		s.stats.batches.Add(1)
		s.stats.writes.Add(int64(len(batch)))
		s.stats.sizes[batchBucket(len(batch))].Add(1)
		for i, j := range batch {
			if errs[i] == nil {
				errs[i] = err
			}
			j.done <- errs[i]
		}
	}
	tx, err := s.db.BeginTx(context.Background(), nil)
	if err != nil {
		finish(err)
		return
	}
	q := cachedTx{tx, s}
	bg := context.Background()
	ok := 0
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		// A cancelled request must not interrupt SQLite inside the shared transaction (an
		// interrupted write rolls back the whole transaction), so the write runs to its end.
		ctx := context.WithoutCancel(j.ctx)
		if _, err := q.ExecContext(bg, `SAVEPOINT w`); err != nil {
			errs[i] = err
			continue
		}
		if err := j.fn(ctx, q); err != nil {
			errs[i] = err
			if _, err := q.ExecContext(bg, `ROLLBACK TO w`); err != nil {
				tx.Rollback()
				finish(err)
				return
			}
		} else {
			ok++
		}
		if _, err := q.ExecContext(bg, `RELEASE w`); err != nil {
			tx.Rollback()
			finish(err)
			return
		}
	}
	if ok == 0 {
		tx.Rollback()
		finish(nil)
		return
	}
	finish(tx.Commit())
}
