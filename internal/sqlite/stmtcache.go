package sqlite

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// maxCachedStmts bounds the statement cache; queries beyond it are prepared per use.
const maxCachedStmts = 256

// stmtCache holds statements prepared once per connection. Preparing (parsing) a statement
// cost more than running it on the write path, so writes reuse prepared statements.
type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func (s *DB) prepared(ctx context.Context, query string) *sql.Stmt {
	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	if st, ok := s.stmts.stmts[query]; ok {
		s.cacheStats.stmtHits.Add(1)
		return st
	}
	s.cacheStats.stmtMisses.Add(1)
	if len(s.stmts.stmts) >= maxCachedStmts {
		return nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // the caller runs the query directly and reports its error
	}
	if s.stmts.stmts == nil {
		s.stmts.stmts = map[string]*sql.Stmt{}
	}
	s.stmts.stmts[query] = st
	return st
}

// cachedTx runs a transaction's queries through the statement cache.
type cachedTx struct {
	tx *sql.Tx
	db *DB
}

func (t cachedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.db.prepared(ctx, query); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

func (t cachedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.db.prepared(ctx, query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

func (t cachedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.db.prepared(ctx, query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

// cachedDB runs queries outside transactions through the statement cache.
type cachedDB struct{ db *DB }

func (c cachedDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := c.db.prepared(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return c.db.db.ExecContext(ctx, query, args...)
}

func (c cachedDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := c.db.prepared(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.db.db.QueryContext(ctx, query, args...)
}

func (c cachedDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := c.db.prepared(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.db.db.QueryRowContext(ctx, query, args...)
}

// CacheStats counts the lookups of the store's in-memory caches since Open.
type CacheStats struct {
	// CallbackURLHits and CallbackURLMisses count reads of accounts' callback URLs by order
	// writes.
	CallbackURLHits, CallbackURLMisses uint64
	// StmtHits and StmtMisses count lookups of prepared statements; a miss prepares the
	// statement (or, past maxCachedStmts, runs it unprepared).
	StmtHits, StmtMisses uint64
}

type cacheCounters struct {
	callbackURLHits, callbackURLMisses, stmtHits, stmtMisses atomic.Uint64
}

// CacheStats returns the cache counters.
func (s *DB) CacheStats() CacheStats {
	c := &s.cacheStats
	return CacheStats{c.callbackURLHits.Load(), c.callbackURLMisses.Load(), c.stmtHits.Load(), c.stmtMisses.Load()}
}
