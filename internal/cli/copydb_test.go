package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/callback"
	"github.com/orderstatus/orderstatus/internal/demo"
	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/postgres"
	"github.com/orderstatus/orderstatus/internal/postgres/pgtest"
	"github.com/orderstatus/orderstatus/internal/sqlite"
	"github.com/orderstatus/orderstatus/internal/status"
)

// copy-db of the demo database, with outbox, staff, audit, feedback and limits in use,
// gives the same orders, info documents, deliveries and staff on PostgreSQL, and the copy
// takes new writes.
func TestCopyDB(t *testing.T) {
	pg := pgtest.Schema(t, pgtest.DSN(t))
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "demo.db")
	src, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	now := time.Now()
	if _, err := demo.Load(ctx, src, os.DirFS("../../data/demo"), now); err != nil {
		t.Fatal(err)
	}
	accts, err := src.Accounts(ctx)
	if err != nil || len(accts) == 0 {
		t.Fatalf("demo accounts: %v, %v", accts, err)
	}
	// Outbox state: an event delivered, one failed, one pending.
	a := accts[0]
	a.CallbackURL = "https://shop.example/hook"
	if err := src.UpdateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	in := &status.Ingest{Store: src, Now: time.Now}
	var outboxOrders []string
	for _, n := range []string{"CP-1", "CP-2", "CP-3"} {
		b, _ := json.Marshal(map[string]any{"order_number": n, "recipient_email": "e@example.com",
			"trackings": []any{map[string]any{"courier": "dhl", "tracking_number": "TN-" + n}}})
		o, _, err := in.Save(ctx, a, b, false)
		if err != nil {
			t.Fatal(err)
		}
		outboxOrders = append(outboxOrders, o.ID)
	}
	jobs, err := src.ClaimCallbacks(ctx, time.Now(), time.Minute, 2)
	if err != nil || len(jobs) != 2 {
		t.Fatalf("claim: %d, %v", len(jobs), err)
	}
	for i, state := range []string{callback.Delivered, callback.Failed} {
		if err := src.FinishCallback(ctx, jobs[i], callback.Outcome{State: state,
			Attempt: callback.Attempt{No: 1, At: status.FormatTimestamp(now), StatusCode: 204, DurationMS: 12}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := src.AddAudit(ctx, auth.AuditEntry{UserID: 1, UserEmail: demo.AdminEmail, Action: auth.AuditSearch, Query: "CP-1"}); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := src.ReserveLogin(ctx, "x@example.com", "10.0.0.9", now, now.Add(-auth.LoginLookback), func(auth.LoginCounts) time.Duration { return 0 }); err != nil {
		t.Fatal(err)
	}
	// A console session and an expiring API token.
	user, err := src.StaffUserByEmail(ctx, demo.AdminEmail)
	if err != nil {
		t.Fatal(err)
	}
	session, _ := auth.NewStaffSession(user.ID, now, "10.0.0.9", "copy test")
	if err := src.CreateStaffSession(ctx, session); err != nil {
		t.Fatal(err)
	}
	tokenHash := []byte("0123456789abcdef0123456789abcdef")
	if err := src.CreateToken(ctx, auth.APIToken{ID: auth.TokenID(tokenHash), Account: a.ID, Hash: tokenHash, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := src.AddFeedback(ctx, outboxOrders[0], "t_1", "delivery", "up", now); err != nil {
		t.Fatal(err)
	}
	label := status.Label{OrderID: outboxOrders[0], TrackingID: "t_1", ContentType: status.LabelPDF, Data: []byte("%PDF-1.4\x00\xff"), CreatedAt: status.FormatTimestamp(now)}
	if err := src.PutLabel(ctx, label); err != nil {
		t.Fatal(err)
	}
	if _, _, err := src.TakeAttempts(ctx, []auth.Limit{{Key: "addr:10.0.0.9", Max: 3, Window: time.Hour}}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := src.SettingOrInit(ctx, "session_key", func() []byte { return []byte{0, 1, 2, 255} }); err != nil {
		t.Fatal(err)
	}
	if _, err := src.ClaimRefresh(ctx, "t_1", now, time.Minute); err != nil {
		t.Fatal(err)
	}
	logo, err := status.CheckLogo(a.ID, testPNG(t, 24, 24))
	if err != nil {
		t.Fatal(err)
	}
	if err := src.SetLogo(ctx, logo); err != nil {
		t.Fatal(err)
	}
	note, err := src.AddOrderNote(ctx, auth.OrderNote{OrderID: outboxOrders[0], AccountID: a.ID, UserID: 1, UserEmail: demo.AdminEmail, Body: "Called the shopper."})
	if err != nil {
		t.Fatal(err)
	}

	stdout, stderr, err := runCmd(t, "", "", "copy-db", "--from", path, "--to", pg)
	if err != nil {
		t.Fatalf("copy-db: %v\n%s", err, stderr)
	}
	var out struct{ Copied map[string]int64 }
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || out.Copied["orders"] == 0 || out.Copied["callbacks"] != 3 || out.Copied["labels"] != 1 {
		t.Fatalf("copy-db printed %s (%v)", stdout, err)
	}

	key, err := auth.ReadKeyFile(sqlite.KeyFileFor(path))
	if err != nil {
		t.Fatal(err)
	}
	dst, err := postgres.Open(ctx, pg, postgres.Options{MasterKey: key})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	same := func(what string, a, b any) {
		t.Helper()
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Errorf("%s differs:\nsqlite   %s\npostgres %s", what, ja, jb)
		}
	}
	srcAccts, _ := src.Accounts(ctx)
	pgAccts, _ := dst.Accounts(ctx)
	same("accounts", srcAccts, pgAccts)
	orders := 0
	for _, acct := range accts {
		list, err := src.ListOrders(ctx, acct.ID, status.PageRequest{Ordering: "created_at", Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		pgList, err := dst.ListOrders(ctx, acct.ID, status.PageRequest{Ordering: "created_at", Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != len(pgList) {
			t.Fatalf("account %d: %d orders in SQLite, %d in PostgreSQL", acct.ID, len(list), len(pgList))
		}
		for i, o := range list {
			orders++
			same("order "+o.OrderNumber, o, pgList[i])
			opt := status.InfoOptions{Access: status.AccessFull, Lang: "en", Now: now, T: i18n.T, FormatDate: i18n.FormatDateShort}
			same("info document of "+o.OrderNumber, status.BuildInfo(o, opt), status.BuildInfo(pgList[i], opt))
			for _, tr := range o.Trackings {
				l := status.Lookup{Kind: status.ByTrackingNumber, Account: acct.ID, Value: tr.TrackingNumber, Courier: tr.Courier}
				ids, _ := dst.FindOrderIDs(ctx, l, 10)
				if !slices.Contains(ids, o.ID) {
					t.Errorf("tracking %s not found on PostgreSQL: %v", tr.TrackingNumber, ids)
				}
			}
		}
	}
	if orders == 0 {
		t.Fatal("the demo has no orders")
	}
	for _, id := range outboxOrders {
		want, _ := src.CallbackDeliveries(ctx, id)
		got, _ := dst.CallbackDeliveries(ctx, id)
		same("deliveries of "+id, want, got)
	}
	wantUser, _ := src.StaffUserByEmail(ctx, demo.AdminEmail)
	gotUser, err := dst.StaffUserByEmail(ctx, demo.AdminEmail)
	if err != nil {
		t.Fatal(err)
	}
	same("staff user", wantUser, gotUser)
	wantAudit, _, _ := src.AuditEntries(ctx, auth.AuditFilter{})
	gotAudit, _, _ := dst.AuditEntries(ctx, auth.AuditFilter{})
	same("audit log", wantAudit, gotAudit)
	wantFb, _ := src.Feedback(ctx, outboxOrders[0])
	gotFb, _ := dst.Feedback(ctx, outboxOrders[0])
	same("feedback", wantFb, gotFb)
	if got, err := dst.AccountLogo(ctx, a.ID); err != nil || !bytes.Equal(got.Data, logo.Data) || got.SHA256 != logo.SHA256 {
		t.Errorf("logo copied as %d bytes %s, %v", len(got.Data), got.SHA256, err)
	}
	if got, err := dst.OrderNotes(ctx, outboxOrders[0]); err != nil || len(got) != 1 || got[0] != note {
		t.Errorf("notes copied as %+v, %v; want %+v", got, err, note)
	}
	if n, err := dst.AddOrderNote(ctx, auth.OrderNote{OrderID: outboxOrders[0], AccountID: a.ID, UserID: 1, UserEmail: demo.AdminEmail, Body: "After the copy."}); err != nil || n.ID <= note.ID {
		t.Errorf("note after the copy: %+v, %v", n, err)
	}
	if out.Copied["account_logos"] != 1 {
		t.Errorf("copy-db copied %d logos, want 1", out.Copied["account_logos"])
	}
	if got, err := dst.Label(ctx, "t_1"); err != nil || string(got.Data) != string(label.Data) || got.ContentType != label.ContentType {
		t.Errorf("label copied as %+v, %v", got, err)
	}
	if v, _ := dst.Setting(ctx, "session_key"); string(v) != string([]byte{0, 1, 2, 255}) {
		t.Errorf("setting copied as %v", v)
	}
	if n, _ := dst.LoginAttempts(ctx, "x@example.com", "10.0.0.9"); n != 1 {
		t.Errorf("%d login attempts copied, want 1", n)
	}
	if got, err := dst.StaffSession(ctx, session.Hash); err != nil || got.UserID != user.ID || !got.CreatedAt.Equal(session.CreatedAt.Truncate(time.Millisecond)) {
		t.Errorf("staff session copied as %+v, %v", got, err)
	}
	wantTokens, _ := src.Tokens(ctx, a.ID)
	gotTokens, _ := dst.Tokens(ctx, a.ID)
	same("api tokens", wantTokens, gotTokens)
	if got, err := dst.AccountByToken(ctx, tokenHash); err != nil || got.SigningKey != a.SigningKey || got.CallbackSecret != a.CallbackSecret {
		t.Errorf("account by copied token: %+v, %v; want its secrets opened with the copied key", got, err)
	}
	lim := []auth.Limit{{Key: "addr:10.0.0.9", Max: 3, Window: time.Hour}}
	for range 2 {
		dst.TakeAttempts(ctx, lim, now)
	}
	if wait, _, _ := dst.TakeAttempts(ctx, lim, now); wait == 0 {
		t.Error("the copied rate limit lost its attempt")
	}
	if ok, _ := dst.ClaimRefresh(ctx, "t_1", now, time.Minute); ok {
		t.Error("the copied refresh claim was lost")
	}
	// The event never claimed is still due on PostgreSQL; the delivered and failed ones are not.
	due, err := dst.ClaimCallbacks(ctx, time.Now().Add(2*time.Minute), time.Minute, 10)
	if err != nil || len(due) != 1 || due[0].Attempt != 1 || due[0].ID == jobs[0].ID || due[0].ID == jobs[1].ID {
		t.Errorf("due after the copy: %d events (%v); want the one never claimed, attempt 1", len(due), err)
	}
	// New writes continue after the copied rows.
	b, _ := json.Marshal(map[string]any{"order_number": "CP-NEW", "recipient_email": "e@example.com",
		"trackings": []any{map[string]any{"courier": "dhl", "tracking_number": "TN-CP-NEW"}}})
	if _, _, err := (&status.Ingest{Store: dst, Now: time.Now}).Save(ctx, a, b, false); err != nil {
		t.Fatalf("write after the copy: %v", err)
	}
	if u, err := dst.CreateStaffUser(ctx, auth.StaffUser{Email: "new@example.com", Role: auth.RoleAdmin, PasswordHash: []byte("h")}); err != nil || u.ID <= wantUser.ID {
		t.Errorf("staff user after the copy: %+v, %v", u, err)
	}
	// A second copy into the same database is refused.
	if _, _, err := runCmd(t, "", "", "copy-db", "--from", path, "--to", pg); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("second copy: %v, want refused", err)
	}
}

// copy-db reads the source's master key and never makes one: without it, or with another
// key, it stops before it touches PostgreSQL.
func TestCopyDBMasterKey(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "src.db")
	src, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	src.Close()
	missing := filepath.Join(dir, "missing.key")
	if _, _, err := runCmd(t, "", "", "copy-db", "--from", path, "--to", "postgres://unused.invalid/db", "--master-key-file", missing); err == nil ||
		!strings.Contains(err.Error(), "needs the master key") {
		t.Errorf("without the key: %v, want a request for the master key", err)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("copy-db wrote a key file")
	}
	other := filepath.Join(dir, "other.key")
	if err := auth.WriteKeyFile(other, auth.NewMasterKeyMaterial()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, "", "", "copy-db", "--from", path, "--to", "postgres://unused.invalid/db", "--master-key-file", other); !errors.Is(err, auth.ErrWrongMasterKey) {
		t.Errorf("with another key: %v, want ErrWrongMasterKey", err)
	}
}

// testPNG is a real w×h PNG.
func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
