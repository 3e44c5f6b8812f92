// Package demo loads the demo dataset (data/demo) into an empty database so that
// `go run .` shows a working product, and prints where to look.
package demo

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/carrier"
	"github.com/orderstatus/orderstatus/internal/status"
)

// Info is what Load set up, for printing.
type Info struct {
	Loaded   bool // false when the database already held data
	Accounts []status.Account
	// Tokens are fresh API tokens minted at this start, by account.
	Tokens map[int64]string
	Orders []*status.Order
	// Staff is the support console admin created at this start; nil when one existed.
	Staff *StaffLogin
}

type accountFile struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	DisplayName  string `json:"display_name"`
	ShopURL      string `json:"shop_url"`
	ReturnsURL   string `json:"returns_url"`
	Language     string `json:"language"`
	AccentColor  string `json:"accent_color"`
	LogoURL      string `json:"logo_url"`
	SupportEmail string `json:"support_email"`
	SupportPhone string `json:"support_phone"`
	SupportURL   string `json:"support_url"`
	PublicView   string `json:"public_view"`
}

// dateKeys are the JSON keys whose values move with the demo's reference date.
var dateKeys = map[string]bool{"order_date": true, "cancelled_date": true, "announced_delivery_date": true,
	"announced_delivery_date_min": true, "announced_delivery_date_max": true, "pod_date": true, "hold_until": true,
	"event_timestamp": true, "start_date": true, "end_date": true}

// ErrNotDemo: the database holds data the demo did not put there; the demo leaves it alone.
var ErrNotDemo = errors.New("this database was not created by the demo, so the demo will not touch it " +
	"(it would mint API tokens and print signed links for its accounts): serve it with `orderstatus serve`, " +
	"or give the demo a database of its own with --db")

// markerKey is the setting that marks a database the demo created.
const markerKey = "demo_database"

// Store is what loading the demo needs of a database (internal/sqlite or internal/postgres).
type Store interface {
	status.Store
	CountStaffUsers(ctx context.Context) (int, error)
	CreateStaffUser(ctx context.Context, u auth.StaffUser) (auth.StaffUser, error)
	CreateToken(ctx context.Context, t auth.APIToken) error
	Setting(ctx context.Context, key string) ([]byte, error)
	SettingOrInit(ctx context.Context, key string, init func() []byte) ([]byte, error)
}

// Load loads the demo into db when the database is empty (no accounts, no staff users) and
// marks it as a demo database. On a marked database it only mints fresh API tokens; on any
// other it returns ErrNotDemo and changes nothing. Dates in the dataset are relative to its
// reference date and are moved so that the reference date is today. Every start mints a
// fresh API token per demo account (tokens are stored only as hashes, so old ones cannot be
// shown again).
func Load(ctx context.Context, db Store, fsys fs.FS, now time.Time) (*Info, error) {
	info := &Info{Tokens: map[int64]string{}}
	existing, err := db.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	staff, err := db.CountStaffUsers(ctx)
	if err != nil {
		return nil, err
	}
	marker, err := db.Setting(ctx, markerKey)
	if err != nil {
		return nil, err
	}
	if marker == nil && (len(existing) > 0 || staff > 0) {
		return nil, ErrNotDemo
	}
	if marker == nil {
		if _, err := db.SettingOrInit(ctx, markerKey, func() []byte { return []byte(now.UTC().Format(time.RFC3339)) }); err != nil {
			return nil, err
		}
	}
	var files []accountFile
	if err := readJSON(fsys, "accounts.json", &files); err != nil {
		return nil, err
	}
	if len(existing) == 0 {
		var meta struct {
			ReferenceDate string `json:"reference_date"`
		}
		if err := readJSON(fsys, "meta.json", &meta); err != nil {
			return nil, err
		}
		ref, err := time.Parse(status.DateLayout, meta.ReferenceDate)
		if err != nil {
			return nil, fmt.Errorf("meta.json reference_date: %w", err)
		}
		today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
		shift := int(today.Sub(ref).Hours() / 24)
		for _, f := range files {
			a := status.Account{ID: f.ID, Name: f.Name, Language: f.Language, AccentColor: f.AccentColor, LogoURL: f.LogoURL,
				SupportEmail: f.SupportEmail, SupportPhone: f.SupportPhone, SupportURL: f.SupportURL, PublicView: f.PublicView,
				DisplayName: f.DisplayName, ShopURL: f.ShopURL, ReturnsURL: f.ReturnsURL,
				SigningKey: auth.NewSecret("sk_"), CallbackSecret: auth.NewSecret("whsec_")}
			if err := db.CreateAccount(ctx, a, nil); err != nil {
				return nil, err
			}
		}
		if err := loadOrders(ctx, db, fsys, shift, now); err != nil {
			return nil, err
		}
		info.Loaded = true
	}
	for _, f := range files {
		a, err := db.Account(ctx, f.ID)
		if err != nil {
			continue // not a demo database
		}
		t, tok := auth.NewAPIToken(a.ID, 0, now)
		if err := db.CreateToken(ctx, t); err != nil {
			return nil, err
		}
		info.Tokens[a.ID] = tok
		info.Accounts = append(info.Accounts, a)
		p := status.PageRequest{Ordering: "order_date", Limit: 200}
		orders, err := db.ListOrders(ctx, a.ID, p)
		if err != nil {
			return nil, err
		}
		info.Orders = append(info.Orders, orders...)
	}
	sort.Slice(info.Orders, func(i, j int) bool { return info.Orders[i].OrderNumber < info.Orders[j].OrderNumber })
	if len(info.Accounts) > 0 {
		if info.Staff, err = ensureAdmin(ctx, db); err != nil {
			return nil, err
		}
	}
	return info, nil
}

func loadOrders(ctx context.Context, db Store, fsys fs.FS, shiftDays int, now time.Time) error {
	f, err := fsys.Open("orders.jsonl")
	if err != nil {
		return err
	}
	defer f.Close()
	in := &status.Ingest{Store: db, Now: func() time.Time { return now }, Couriers: carrier.LoadDirectory()}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var v any
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			return fmt.Errorf("orders.jsonl line %d: %w", line, err)
		}
		shiftDates(v, "", shiftDays)
		b, _ := json.Marshal(v)
		acct := int64(v.(map[string]any)["account"].(float64))
		a, err := db.Account(ctx, acct)
		if err != nil {
			return fmt.Errorf("orders.jsonl line %d: account %d: %w", line, acct, err)
		}
		if _, _, err := in.Save(ctx, a, b, false); err != nil {
			return fmt.Errorf("orders.jsonl line %d: %w", line, err)
		}
	}
	return sc.Err()
}

// shiftDates moves every date and timestamp under a date key by days.
func shiftDates(v any, key string, days int) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = shiftDates(e, k, days)
		}
	case []any:
		for i, e := range x {
			x[i] = shiftDates(e, key, days)
		}
	case string:
		if !dateKeys[key] || x == "" {
			return x
		}
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return t.AddDate(0, 0, days).Format(time.RFC3339Nano)
		}
		if t, err := time.Parse(status.DateLayout, x); err == nil {
			return t.AddDate(0, 0, days).Format(status.DateLayout)
		}
	}
	return v
}

func readJSON(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// Print writes the demo's links, token and example commands.
func Print(w io.Writer, info *Info, base string, now time.Time) {
	var b strings.Builder
	if info.Loaded {
		b.WriteString("\nDemo data loaded.\n")
	}
	b.WriteString("\n== orderstatus demo ==\n")
	fmt.Fprintf(&b, "Search page:      %s/\n", base)
	printStaff(&b, info.Staff, base)
	for _, a := range info.Accounts {
		fmt.Fprintf(&b, "\nAccount %d %s\n  API token (new at every start): %s\n", a.ID, a.Name, info.Tokens[a.ID])
		for _, o := range info.Orders {
			if o.Account != a.ID {
				continue
			}
			q := auth.SignedQuery(a, auth.OrderLookup(o), 90*24*time.Hour, now).Encode()
			fmt.Fprintf(&b, "  %-8s %-18s %s/track?%s\n", o.OrderNumber, demoState(o), base, q)
		}
	}
	if len(info.Accounts) > 0 {
		a := info.Accounts[0]
		tok := info.Tokens[a.ID]
		var first *status.Order
		for _, o := range info.Orders {
			if o.Account == a.ID {
				first = o
				break
			}
		}
		if first != nil {
			fmt.Fprintf(&b, "\nWidget PNG:       %s/v4/track/orders/info-widget/?%s\n", base, auth.SignedQuery(a, auth.OrderLookup(first), 90*24*time.Hour, now).Encode())
			fmt.Fprintf(&b, "\nTry the API:\n  curl -H 'Authorization: Bearer %s' '%s/v4/track/orders/info/?account=%d&order_number=%s'\n", tok, base, a.ID, first.OrderNumber)
			fmt.Fprintf(&b, "  curl -H 'Authorization: Bearer %s' '%s/v4/track/orders/?page_size=5'\n", tok, base)
			fmt.Fprintf(&b, "  curl -X PUT -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' \\\n    -d '{\"order_number\":\"NEW-1\",\"recipient_email\":\"new@example.com\",\"trackings\":[{\"courier\":\"dhl-germany\",\"tracking_number\":\"NEW-TN-1\"}]}' %s/v4/track/orders/\n", tok, base)
			fmt.Fprintf(&b, "  curl -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' \\\n    -d '{\"courier\":\"dhl-germany\",\"tracking_number\":\"NEW-TN-1\",\"status_code\":\"InTransit\",\"event_timestamp\":\"%s\"}' %s/v4/track/events/\n", tok, now.UTC().Format(time.RFC3339), base)
		}
	}
	b.WriteString("\n")
	io.WriteString(w, b.String())
}

func demoState(o *status.Order) string {
	var parts []string
	for _, t := range o.Trackings {
		code := "Pending"
		if len(t.Checkpoints) > 0 {
			code = t.Checkpoints[0].StatusCode
		}
		parts = append(parts, code)
	}
	if len(parts) == 0 {
		return "no parcel yet"
	}
	return strings.Join(parts, ",")
}
