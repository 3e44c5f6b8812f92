package status

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"
)

func TestLookupKeys(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{" A-1003 ", "a-1003"}, {"a-1003", "a-1003"}, {"ÄB-1", "Äb-1"}, {"", ""},
	} {
		if got := OrderNumberKey(c.in); got != c.want {
			t.Errorf("OrderNumberKey(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, c := range []struct{ in, want string }{
		{"JJD 0001 2345", "JJD00012345"}, {" 0034\t0434 ", "00340434"}, {"TT482133761GB", "TT482133761GB"},
	} {
		if got := TrackingNumberKey(c.in); got != c.want {
			t.Errorf("TrackingNumberKey(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCheckLogo(t *testing.T) {
	var b bytes.Buffer
	png.Encode(&b, image.NewGray(image.Rect(0, 0, 20, 30)))
	l, err := CheckLogo(1001, b.Bytes())
	if err != nil || l.ContentType != "image/png" || len(l.SHA256) != 64 || l.URL() != "/brand/1001/logo-"+l.SHA256[:16]+".png" {
		t.Fatalf("png: %+v, %v", l, err)
	}
	for name, data := range map[string][]byte{
		"svg":         []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`),
		"webp header": []byte("RIFF\x10\x00\x00\x00WEBPVP8 junk"),
		"png header":  b.Bytes()[:40],
		"empty":       nil,
		"text":        []byte("hello"),
	} {
		_, err := CheckLogo(1001, data)
		var verr *ValidationError
		if !errors.As(err, &verr) || verr.Problems[0].Attr != "logo" {
			t.Errorf("%s: %v, want a problem on logo", name, err)
		}
	}
	if _, err := CheckLogo(1001, []byte(`<svg/>`)); !errors.Is(err, ErrLogoType) || !strings.Contains(err.Error(), "SVG is not accepted") {
		t.Errorf("svg: %v", err)
	}
}

func TestCheckBranding(t *testing.T) {
	b, err := CheckBranding(Branding{DisplayName: " Shop ", AccentColor: "0B6E4F", Language: "DE", ShopURL: " https://shop.example/ "})
	if err != nil || b.DisplayName != "Shop" || b.AccentColor != "#0b6e4f" || b.Language != "de" || b.ShopURL != "https://shop.example/" {
		t.Fatalf("%+v, %v", b, err)
	}
	_, err = CheckBranding(Branding{ShopURL: "https://user:pw@shop.example/", SupportURL: "//shop.example/help", ReturnsURL: "https:///x",
		SupportPhone: "12", DisplayName: strings.Repeat("x", 101)})
	var verr *ValidationError
	if !errors.As(err, &verr) || len(verr.Problems) != 5 {
		t.Errorf("want five problems, got %v", err)
	}
}
