package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orderstatus/orderstatus/internal/sqlite"
)

func TestAccountSetBranding(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"ORDERSTATUS_DB": filepath.Join(dir, "a.db")}
	if _, err := runEnv(t, vars, "account", "add", "--name", "Shop", "--id", "3001"); err != nil {
		t.Fatal(err)
	}
	logoFile := filepath.Join(dir, "logo.png")
	logo := testPNG(t, 64, 32)
	if err := os.WriteFile(logoFile, logo, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runEnv(t, vars, "account", "set", "--account", "3001", "--display-name", " Nordwind ", "--shop-url", "https://shop.example/",
		"--returns-url", "https://shop.example/returns", "--accent-color", "0B6E4F", "--support-email", "help@shop.example",
		"--support-phone", "+49 30 1234567", "--support-url", "https://shop.example/help", "--language", "DE", "--logo", logoFile)
	if err != nil {
		t.Fatal(err)
	}
	var printed struct {
		LogoURL string `json:"logo_url"`
	}
	if err := json.Unmarshal([]byte(out), &printed); err != nil || !strings.HasPrefix(printed.LogoURL, "/brand/3001/logo-") || !strings.HasSuffix(printed.LogoURL, ".png") {
		t.Fatalf("account set printed %s (%v)", out, err)
	}
	check := func(f func(db *sqlite.DB)) {
		t.Helper()
		db, err := sqlite.Open(context.Background(), vars["ORDERSTATUS_DB"])
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		f(db)
	}
	check(func(db *sqlite.DB) {
		a, err := db.Account(context.Background(), 3001)
		if err != nil {
			t.Fatal(err)
		}
		if a.DisplayName != "Nordwind" || a.ShopURL != "https://shop.example/" || a.ReturnsURL != "https://shop.example/returns" || a.AccentColor != "#0b6e4f" ||
			a.SupportEmail != "help@shop.example" || a.SupportPhone != "+49 30 1234567" || a.SupportURL != "https://shop.example/help" || a.Language != "de" ||
			a.LogoURL != printed.LogoURL {
			t.Errorf("stored %+v", a)
		}
		l, err := db.AccountLogo(context.Background(), 3001)
		if err != nil || !bytes.Equal(l.Data, logo) {
			t.Errorf("stored logo: %d bytes, %v", len(l.Data), err)
		}
	})

	svg := filepath.Join(dir, "logo.svg")
	os.WriteFile(svg, []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), 0o600)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"light accent", []string{"--accent-color", "#ffdd00"}, "--accent-color: Accent colour #ffdd00 has a contrast of"},
		{"not a colour", []string{"--accent-color", "teal"}, "--accent-color:"},
		{"http shop", []string{"--shop-url", "http://shop.example/"}, "--shop-url: Enter an absolute https:// URL"},
		{"bad email", []string{"--support-email", "help"}, "--support-email:"},
		{"bad language", []string{"--language", "german"}, "--language:"},
		{"svg logo", []string{"--logo", svg}, "--logo: Upload a PNG, JPEG or WebP image"},
		{"missing logo file", []string{"--logo", filepath.Join(dir, "nope.png")}, "--logo:"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := runEnv(t, vars, append([]string{"account", "set", "--account", "3001"}, c.args...)...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want it to contain %q", err, c.want)
			}
		})
	}
	// A refused value changes nothing; "" removes a setting and the logo.
	if _, err := runEnv(t, vars, "account", "set", "--account", "3001", "--support-phone", "", "--logo", ""); err != nil {
		t.Fatal(err)
	}
	check(func(db *sqlite.DB) {
		a, _ := db.Account(context.Background(), 3001)
		if a.SupportPhone != "" || a.LogoURL != "" || a.AccentColor != "#0b6e4f" || a.DisplayName != "Nordwind" {
			t.Errorf("after removing phone and logo: %+v", a)
		}
		if _, err := db.AccountLogo(context.Background(), 3001); err == nil {
			t.Error("logo still stored")
		}
	})
}
