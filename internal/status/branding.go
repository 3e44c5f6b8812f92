package status

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/image/webp"
)

// Branding is what a shop sets about how its shopper pages look and whom shoppers contact:
// the body of PUT /v4/track/account/ and the flags of `orderstatus account set`. The logo is
// not part of it: it is uploaded on its own (SetLogo) and shows here as LogoURL.
type Branding struct {
	DisplayName  string `json:"display_name"`
	ShopURL      string `json:"shop_url"`
	ReturnsURL   string `json:"returns_url"`
	AccentColor  string `json:"accent_color"`
	SupportEmail string `json:"support_email"`
	SupportPhone string `json:"support_phone"`
	SupportURL   string `json:"support_url"`
	Language     string `json:"language"`
}

// BrandingOf returns an account's branding settings.
func BrandingOf(a Account) Branding {
	return Branding{a.DisplayName, a.ShopURL, a.ReturnsURL, a.AccentColor, a.SupportEmail, a.SupportPhone, a.SupportURL, a.Language}
}

// Apply replaces a's branding settings with b (which CheckBranding returned).
func (b Branding) Apply(a *Account) {
	a.DisplayName, a.ShopURL, a.ReturnsURL, a.AccentColor = b.DisplayName, b.ShopURL, b.ReturnsURL, b.AccentColor
	a.SupportEmail, a.SupportPhone, a.SupportURL, a.Language = b.SupportEmail, b.SupportPhone, b.SupportURL, b.Language
}

// Limits of branding values.
const (
	maxDisplayName = 100
	maxBrandURL    = 500
	maxPhone       = 30
)

// CheckBranding returns b trimmed and normalised, or a ValidationError naming every bad
// field (by its JSON name): display name up to 100 characters; shop, returns and support URLs
// absolute https URLs (they become links on the shopper page); a support email address; a
// phone number of digits, spaces and + - ( ) / .; the accent colour must pass CheckAccent;
// the language is an ISO 639-1 code. Empty values unset a setting.
func CheckBranding(b Branding) (Branding, error) {
	e := &ValidationError{}
	b.DisplayName = strings.TrimSpace(b.DisplayName)
	if utf8.RuneCountInString(b.DisplayName) > maxDisplayName || strings.ContainsFunc(b.DisplayName, isControl) {
		e.Add("invalid", "display_name", "Use at most %d characters, without control characters.", maxDisplayName)
	}
	for _, f := range []struct {
		v    *string
		attr string
	}{{&b.ShopURL, "shop_url"}, {&b.ReturnsURL, "returns_url"}, {&b.SupportURL, "support_url"}} {
		*f.v = strings.TrimSpace(*f.v)
		if *f.v != "" && !validLinkURL(*f.v) {
			e.Add("invalid", f.attr, "Enter an absolute https:// URL (at most %d characters).", maxBrandURL)
		}
	}
	b.SupportEmail = strings.TrimSpace(b.SupportEmail)
	if b.SupportEmail != "" && !ValidEmail(b.SupportEmail) {
		e.Add("invalid", "support_email", "Enter a valid email address.")
	}
	b.SupportPhone = strings.TrimSpace(b.SupportPhone)
	if b.SupportPhone != "" && !validPhone(b.SupportPhone) {
		e.Add("invalid", "support_phone", "Enter a phone number of digits, spaces and + - ( ) / . (at most %d characters).", maxPhone)
	}
	if c := strings.TrimSpace(b.AccentColor); c != "" {
		norm, err := CheckAccent(c)
		if err != nil {
			e.Add("invalid", "accent_color", "%s", capitalise(err.Error())+".")
		}
		b.AccentColor = norm
	} else {
		b.AccentColor = ""
	}
	if l := strings.TrimSpace(b.Language); l != "" {
		norm, ok := ValidLanguage(l)
		if !ok {
			e.Add("invalid", "language", "Enter a two-letter ISO 639-1 language code such as de.")
		}
		b.Language = norm
	} else {
		b.Language = ""
	}
	return b, e.Err()
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// validLinkURL: an absolute https URL with a host, no user info, no backslashes or control
// characters, at most maxBrandURL long.
func validLinkURL(v string) bool {
	if len(v) > maxBrandURL || strings.ContainsAny(v, "\\") || strings.ContainsFunc(v, isControl) {
		return false
	}
	u, err := url.Parse(v)
	return err == nil && u.Scheme == "https" && u.User == nil && u.Hostname() != "" && u.Opaque == ""
}

func validPhone(v string) bool {
	digits := 0
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" +-()/.", r):
		default:
			return false
		}
	}
	return digits >= 3 && len(v) <= maxPhone
}

// Logo is an account's uploaded logo as stored: the image bytes, their type and hash.
type Logo struct {
	Account     int64
	ContentType string // image/png, image/jpeg or image/webp
	SHA256      string // hex of the bytes
	Data        []byte
	CreatedAt   string
}

// Logo limits: big enough for any header logo, small enough to keep in the database and
// send on every first page view.
const (
	MaxLogoBytes = 512 << 10
	MaxLogoSide  = 2048
	MinLogoSide  = 16
)

// ErrLogoType: an upload that is not a PNG, JPEG or WebP image.
var ErrLogoType = errors.New("unsupported logo type")

var logoFormats = map[string]struct {
	contentType string
	decode      func([]byte) (image.Image, error)
}{
	"png":  {"image/png", func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }},
	"jpeg": {"image/jpeg", func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) }},
	"webp": {"image/webp", func(b []byte) (image.Image, error) { return webp.Decode(bytes.NewReader(b)) }},
}

// CheckLogo accepts an uploaded logo when its bytes decode completely as a PNG, JPEG or WebP
// image of MinLogoSide to MaxLogoSide pixels a side, in at most MaxLogoBytes. The type is
// what the bytes are, never what the upload claims. SVG is refused: it is a document that
// can carry script and links, not a picture. The error is a ValidationError on "logo".
func CheckLogo(account int64, data []byte) (Logo, error) {
	if len(data) == 0 {
		return Logo{}, Invalid("logo", "Send the image as the request body.")
	}
	if len(data) > MaxLogoBytes {
		return Logo{}, Invalid("logo", "The image has %d bytes; at most %d are accepted.", len(data), MaxLogoBytes)
	}
	cfg, format, err := decodeLogoConfig(data)
	f, known := logoFormats[format]
	if err != nil || !known {
		return Logo{}, fmt.Errorf("%w: %w", ErrLogoType, Invalid("logo", "Upload a PNG, JPEG or WebP image (SVG is not accepted)."))
	}
	if cfg.Width < MinLogoSide || cfg.Height < MinLogoSide || cfg.Width > MaxLogoSide || cfg.Height > MaxLogoSide {
		return Logo{}, Invalid("logo", "The image is %d×%d pixels; each side must be %d to %d.", cfg.Width, cfg.Height, MinLogoSide, MaxLogoSide)
	}
	// The whole image must decode: a valid header over truncated or corrupt data would
	// otherwise be served as a broken picture.
	if _, err := f.decode(data); err != nil {
		return Logo{}, Invalid("logo", "The image could not be read (%s).", format)
	}
	sum := sha256.Sum256(data)
	return Logo{Account: account, ContentType: f.contentType, SHA256: hex.EncodeToString(sum[:]), Data: data}, nil
}

func decodeLogoConfig(data []byte) (image.Config, string, error) {
	// image.DecodeConfig knows only the registered formats; WebP is asked directly so that
	// nothing depends on which packages registered themselves.
	if len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP" {
		cfg, err := webp.DecodeConfig(bytes.NewReader(data))
		return cfg, "webp", err
	}
	return image.DecodeConfig(bytes.NewReader(data))
}

// Ext is the file extension of the logo's type.
func (l Logo) Ext() string {
	switch l.ContentType {
	case "image/jpeg":
		return "jpg"
	case "image/webp":
		return "webp"
	}
	return "png"
}

// URL is where the logo is served: named by its content hash, so it can be cached for good
// and a new upload gets a new URL.
func (l Logo) URL() string {
	return fmt.Sprintf("/brand/%d/logo-%s.%s", l.Account, l.SHA256[:16], l.Ext())
}

// LogoStore keeps every account's current logo (both stores implement it).
type LogoStore interface {
	// SetLogo stores l as its account's logo and points the account's LogoURL at l.URL(),
	// in one transaction; ErrNotFound when the account does not exist.
	SetLogo(ctx context.Context, l Logo) error
	// DeleteLogo removes an account's logo and clears its LogoURL.
	DeleteLogo(ctx context.Context, account int64) error
	// AccountLogo returns an account's logo, or ErrNotFound.
	AccountLogo(ctx context.Context, account int64) (Logo, error)
}
