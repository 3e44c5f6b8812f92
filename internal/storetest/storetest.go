// Package storetest is the conformance suite of the orderstatus stores: every behaviour of
// the store that the product relies on, run against each engine (internal/sqlite always,
// internal/postgres when ORDERSTATUS_TEST_POSTGRES names a server). An engine passes when
// Run passes on a fresh, empty store per test.
package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/housekeeping"
	"github.com/orderstatus/orderstatus/internal/status"
)

// Store is everything the product calls on a store, as both engines offer it: the interface
// the server and the command line can depend on instead of *sqlite.DB. Left out are what only
// SQLite has (Backup, WriterStats, BatchSizes, CacheStats, SQL; PostgreSQL has Ping and
// Listen instead) and Feedback, whose row type each engine declares (Votes adapts it).
type Store interface {
	status.Store
	auth.LimitStore
	auth.StaffStore
	callback.Store
	housekeeping.Store
	status.LogoStore
	auth.NoteStore
	status.LabelStore

	SetClock(now func() time.Time)
	Ready(ctx context.Context) error
	AddToken(ctx context.Context, account int64, tokenHash []byte) error
	CreateToken(ctx context.Context, t auth.APIToken) error
	Tokens(ctx context.Context, account int64) ([]auth.APIToken, error)
	RevokeToken(ctx context.Context, account int64, id string) error
	Setting(ctx context.Context, key string) ([]byte, error)
	SettingOrInit(ctx context.Context, key string, init func() []byte) ([]byte, error)
	RotateSessionKeys(ctx context.Context) (staffSessions int, err error)

	CreateStaffSession(ctx context.Context, ss auth.StaffSession) error
	StaffSession(ctx context.Context, hash []byte) (auth.StaffSession, error)
	TouchStaffSession(ctx context.Context, hash []byte, at time.Time) error
	DeleteStaffSession(ctx context.Context, hash []byte) error
	StaffSessions(ctx context.Context, user int64) ([]auth.StaffSession, error)
	RevokeStaffSessions(ctx context.Context, user int64) (int, error)
	LoginAttempts(ctx context.Context, email, clientAddr string) (int, error)
	OutboxPending(ctx context.Context) (int, time.Time, error)

	CreateStaffUser(ctx context.Context, u auth.StaffUser) (auth.StaffUser, error)
	StaffUser(ctx context.Context, id int64) (auth.StaffUser, error)
	StaffUsers(ctx context.Context) ([]auth.StaffUser, error)
	CountStaffUsers(ctx context.Context) (int, error)
	SetStaffPassword(ctx context.Context, email string, hash []byte) error
	DisableStaffUser(ctx context.Context, email string) error
	AddAudit(ctx context.Context, e auth.AuditEntry) error
	AuditEntries(ctx context.Context, f auth.AuditFilter) ([]auth.AuditEntry, int, error)
	SearchOrders(ctx context.Context, q status.Search) ([]string, int, error)

	ClaimRefresh(ctx context.Context, trackingID string, now time.Time, every time.Duration) (bool, error)
	CallbackDeliveries(ctx context.Context, orderID string) ([]callback.Delivery, error)
	CallbackDelivery(ctx context.Context, id string) (callback.Delivery, error)
	RetryCallback(ctx context.Context, id string) (callback.Delivery, error)

	AddFeedback(ctx context.Context, orderID, trackingID, topic, vote string, at time.Time) error
	// Votes returns the feedback on an order, newest first. Each engine has its own
	// Feedback type; the test that runs the suite adapts it.
	Votes(ctx context.Context, orderID string) ([]Vote, error)
	// RawValues runs a query without parameters, in SQL both engines accept, and returns
	// every column of every row as stored (text or bytes), to check what is at rest.
	RawValues(ctx context.Context, query string) ([]string, error)
}

// Vote is one shopper vote as the suite compares it.
type Vote struct {
	TrackingID, Topic, Vote, CreatedAt string
}

// Open returns a fresh, empty store for one test and closes it when the test ends.
type Open func(t *testing.T) Store

// Run runs the whole suite against the stores open returns.
func Run(t *testing.T, open Open) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, open Open)
	}{
		{"Accounts", testAccounts},
		{"Settings", testSettings},
		{"IngestMerge", testIngestMerge},
		{"IdempotentEvents", testIdempotentEvents},
		{"CreateOnly", testCreateOnly},
		{"ExternalOrderIDPerAccount", testExternalOrderIDPerAccount},
		{"TrackingNumberPerAccount", testTrackingNumberPerAccount},
		{"ExternalReferenceUnique", testExternalReferenceUnique},
		{"Lookups", testLookups},
		{"RedoOverTakenWrite", testRedoOvertakenWrite},
		{"ConcurrentUpdatesLoseNothing", testConcurrentUpdates},
		{"ConcurrentCreatesMakeOneOrder", testConcurrentCreates},
		{"ConcurrentTrackingClaim", testConcurrentTrackingClaim},
		{"Pagination", testPagination},
		{"PaginationWhileInserting", testPaginationWhileInserting},
		{"RateLimits", testRateLimits},
		{"RateLimitAtomicity", testRateLimitAtomicity},
		{"OutboxEventsFollowTheOrder", testOutboxEvents},
		{"OutboxPayloadIsTheStoredOrder", testOutboxPayload},
		{"OutboxTargets", testOutboxTargets},
		{"OutboxNothingForARejectedChange", testOutboxRejected},
		{"OutboxClaimLeaseAndReclaim", testClaimLease},
		{"OutboxReclaimLogsInterruptedAttempt", testReclaimInterrupted},
		{"OutboxRetry", testRetryCallback},
		{"OutboxParallelClaimsOnce", testParallelClaims},
		{"CallbackModes", testCallbackModes},
		{"ClaimRefresh", testClaimRefresh},
		{"StaffUsers", testStaffUsers},
		{"LoginFailures", testLoginFailures},
		{"ReserveLoginConcurrent", testReserveLoginConcurrent},
		{"StaffSessions", testStaffSessions},
		{"Tokens", testTokens},
		{"ListOrdersByCustomer", testListOrdersByCustomer},
		{"SealedSecrets", testSealedSecrets},
		{"Housekeeping", testHousekeeping},
		{"AuditEntries", testAuditEntries},
		{"SearchOrders", testSearchOrders},
		{"Feedback", testFeedback},
		{"Logos", testLogos},
		{"OrderNotes", testOrderNotes},
		{"Labels", testLabels},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open)
		})
	}
}

// Accounts of every test: 1001 has a callback URL, 1002 none.
var (
	shopA = status.Account{ID: 1001, Name: "Shop A", SigningKey: "key-a", CallbackSecret: "whsec_a", PublicView: "status", CallbackURL: "https://shop-a.example/hook"}
	shopB = status.Account{ID: 1002, Name: "Shop B", SigningKey: "key-b", CallbackSecret: "whsec_b", PublicView: "status"}
)

// setup opens a store with shopA and shopB and an Ingest on it.
func setup(t *testing.T, open Open) (Store, *status.Ingest) {
	t.Helper()
	s := open(t)
	for _, a := range []status.Account{shopA, shopB} {
		if err := s.CreateAccount(context.Background(), a, nil); err != nil {
			t.Fatal(err)
		}
	}
	return s, &status.Ingest{Store: s, Now: time.Now}
}

func tracking(number, courier string, cps ...map[string]any) map[string]any {
	return map[string]any{"tracking_number": number, "courier": courier, "checkpoints": cps}
}

func order(number string, trackings ...map[string]any) map[string]any {
	ts := make([]any, len(trackings))
	for i, t := range trackings {
		ts[i] = t
	}
	return map[string]any{"order_number": number, "recipient_email": "a@example.com", "trackings": ts}
}

func checkpoint(code, ts string) map[string]any {
	return map[string]any{"status_code": code, "event_timestamp": ts}
}

func save(t testing.TB, in *status.Ingest, account int64, body map[string]any) (*status.Order, bool, error) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return in.Save(context.Background(), status.Account{ID: account}, b, false)
}

func mustSave(t testing.TB, in *status.Ingest, account int64, body map[string]any) *status.Order {
	t.Helper()
	o, _, err := save(t, in, account, body)
	if err != nil {
		t.Fatalf("save: %v", err)
	}
	return o
}

func mustOrder(t testing.TB, s Store, id string) *status.Order {
	t.Helper()
	o, err := s.Order(context.Background(), id)
	if err != nil {
		t.Fatalf("order %s: %v", id, err)
	}
	return o
}

func checkpointCount(o *status.Order) int {
	n := 0
	for _, t := range o.Trackings {
		n += len(t.Checkpoints)
	}
	return n
}
