package storetest

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/orderstatus/orderstatus/internal/status"
)

// testLabels: a tracking has at most one label, a new upload replaces it byte for byte
// (binary data round-trips), and a tracking without one is not found.
func testLabels(t *testing.T, open Open) {
	ctx := context.Background()
	s := open(t)
	if _, err := s.Label(ctx, "t_1"); !errors.Is(err, status.ErrNotFound) {
		t.Fatalf("label before upload: %v, want ErrNotFound", err)
	}
	pdf := status.Label{OrderID: "o_1", TrackingID: "t_1", ContentType: status.LabelPDF, Data: []byte("%PDF-1.4 \x00\xff"), CreatedAt: "2026-03-01T12:00:00.000Z"}
	png := status.Label{OrderID: "o_1", TrackingID: "t_1", ContentType: status.LabelPNG, Data: []byte("\x89PNG\r\n\x1a\n\x00\x01"), CreatedAt: "2026-03-01T12:05:00.000Z"}
	for _, l := range []status.Label{pdf, png} {
		if err := s.PutLabel(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Label(ctx, "t_1")
	if err != nil {
		t.Fatal(err)
	}
	if got.ContentType != png.ContentType || !bytes.Equal(got.Data, png.Data) || got.CreatedAt != png.CreatedAt || got.OrderID != "o_1" {
		t.Errorf("label %+v, want the second upload %+v", got, png)
	}
	if err := s.PutLabel(ctx, status.Label{OrderID: "o_1", TrackingID: "t_2", ContentType: "text/html", Data: []byte("x"), CreatedAt: pdf.CreatedAt}); err == nil {
		t.Error("a label that is neither PDF nor PNG was stored")
	}
}
