package storetest

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/orderstatus/orderstatus/internal/auth"
	"github.com/orderstatus/orderstatus/internal/status"
)

// pngLogo is a real PNG of w×h pixels in one colour.
func pngLogo(t *testing.T, w, h int, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A logo is stored with its account, read back byte for byte, replaced by the next upload,
// and points the account's LogoURL at its content-hashed URL without touching the other
// settings; deleting it clears the URL.
func testLogos(t *testing.T, open Open) {
	ctx := context.Background()
	s, _ := setup(t, open)
	if _, err := s.AccountLogo(ctx, 1001); !errors.Is(err, status.ErrNotFound) {
		t.Fatalf("logo of an account without one: %v", err)
	}
	a, err := s.Account(ctx, 1001)
	if err != nil {
		t.Fatal(err)
	}
	a.SupportEmail, a.AccentColor = "help@shop-a.example", "#0b6e4f"
	if err := s.UpdateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, c := range []color.Color{color.RGBA{200, 0, 0, 255}, color.RGBA{0, 0, 200, 255}} {
		l, err := status.CheckLogo(1001, pngLogo(t, 32, 32, c))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetLogo(ctx, l); err != nil {
			t.Fatal(err)
		}
		got, err := s.AccountLogo(ctx, 1001)
		if err != nil || !bytes.Equal(got.Data, l.Data) || got.SHA256 != l.SHA256 || got.ContentType != "image/png" || got.CreatedAt == "" {
			t.Fatalf("stored logo: %v, %s %s, %d bytes", err, got.ContentType, got.SHA256, len(got.Data))
		}
		a, err := s.Account(ctx, 1001)
		if err != nil || a.LogoURL != l.URL() || a.SupportEmail != "help@shop-a.example" || a.AccentColor != "#0b6e4f" {
			t.Errorf("account after upload: %+v, %v", a, err)
		}
		urls = append(urls, a.LogoURL)
	}
	if urls[0] == urls[1] {
		t.Errorf("two different logos got one URL %s", urls[0])
	}
	if _, err := s.AccountLogo(ctx, 1002); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("another account's logo: %v", err)
	}
	l, _ := status.CheckLogo(4040, pngLogo(t, 32, 32, color.Black))
	if err := s.SetLogo(ctx, l); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("logo of a missing account: %v", err)
	}
	if err := s.DeleteLogo(ctx, 1001); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AccountLogo(ctx, 1001); !errors.Is(err, status.ErrNotFound) {
		t.Errorf("logo after delete: %v", err)
	}
	if a, _ := s.Account(ctx, 1001); a.LogoURL != "" || a.SupportEmail != "help@shop-a.example" {
		t.Errorf("account after delete: %+v", a)
	}
}

// Agent notes are kept per order, oldest first, each written with its audit entry.
func testOrderNotes(t *testing.T, open Open) {
	ctx := context.Background()
	s, in := setup(t, open)
	o := mustSave(t, in, 1001, order("N-1"))
	other := mustSave(t, in, 1001, order("N-2"))
	if got, err := s.OrderNotes(ctx, o.ID); err != nil || len(got) != 0 {
		t.Fatalf("notes of a new order: %v, %v", got, err)
	}
	var added []auth.OrderNote
	for _, body := range []string{"Shopper called: parcel not at the door.", "Asked DHL to investigate.\nTicket 4711."} {
		n, err := s.AddOrderNote(ctx, auth.OrderNote{OrderID: o.ID, AccountID: 1001, UserID: 7, UserEmail: "agent@example.com", Body: body})
		if err != nil {
			t.Fatal(err)
		}
		if n.ID == 0 || n.CreatedAt == "" {
			t.Errorf("added note %+v", n)
		}
		added = append(added, n)
	}
	got, err := s.OrderNotes(ctx, o.ID)
	if err != nil || len(got) != 2 || got[0] != added[0] || got[1] != added[1] {
		t.Errorf("notes %+v, %v; want %+v", got, err, added)
	}
	if got, _ := s.OrderNotes(ctx, other.ID); len(got) != 0 {
		t.Errorf("another order's notes: %+v", got)
	}
	entries, _, err := s.AuditEntries(ctx, auth.AuditFilter{Action: auth.AuditNote})
	if err != nil || len(entries) != 2 || entries[0].OrderID != o.ID || entries[0].AccountID != 1001 || entries[0].UserEmail != "agent@example.com" {
		t.Errorf("audit of notes: %+v, %v", entries, err)
	}
	// A note is not part of the order.
	reread, err := s.Order(ctx, o.ID)
	if err != nil || strings.Contains(reread.Notes, "Shopper called") {
		t.Errorf("the order carries the agent's note: %q, %v", reread.Notes, err)
	}
}
