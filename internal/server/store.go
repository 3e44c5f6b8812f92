package server

import (
	"context"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/sqlite"
	"github.com/orderstatus/orderstatus/internal/status"
)

// Store is everything the server needs of its database. internal/sqlite (the default) and
// internal/postgres both provide it; nothing in the server knows which engine runs.
type Store interface {
	status.Store
	status.LabelStore
	auth.LimitStore
	auth.StaffStore
	status.LogoStore
	auth.NoteStore

	// Ping answers liveness, Ready readiness (the database answers and is migrated).
	Ping(ctx context.Context) error
	Ready(ctx context.Context) error
	Setting(ctx context.Context, key string) ([]byte, error)
	SettingOrInit(ctx context.Context, key string, init func() []byte) ([]byte, error)

	CreateStaffSession(ctx context.Context, ss auth.StaffSession) error
	StaffSession(ctx context.Context, hash []byte) (auth.StaffSession, error)
	TouchStaffSession(ctx context.Context, hash []byte, at time.Time) error
	DeleteStaffSession(ctx context.Context, hash []byte) error
	StaffUser(ctx context.Context, id int64) (auth.StaffUser, error)
	StaffUsers(ctx context.Context) ([]auth.StaffUser, error)
	AuditEntries(ctx context.Context, f auth.AuditFilter) ([]auth.AuditEntry, int, error)
	SearchOrders(ctx context.Context, q status.Search) ([]string, int, error)

	ClaimRefresh(ctx context.Context, trackingID string, now time.Time, every time.Duration) (bool, error)
	CallbackDeliveries(ctx context.Context, orderID string) ([]callback.Delivery, error)
	OutboxPending(ctx context.Context) (int, time.Time, error)
	AddFeedback(ctx context.Context, orderID, trackingID, topic, vote string, at time.Time) error
	Feedback(ctx context.Context, orderID string) ([]status.Feedback, error)

	// OnChange subscribes to the store's own committed writes (the read caches' invalidation).
	OnChange(fn func(status.Change))
}

// writerStore is what only the SQLite store reports: its group-commit writer and its caches.
// The metrics include them when the store has them.
type writerStore interface {
	WriterStats() (batches, writes int64, busy time.Duration)
	BatchSizes() []uint64
	CacheStats() sqlite.CacheStats
}

var _ Store = (*sqlite.DB)(nil)
