package status

import (
	"bytes"
	"context"
)

// Label is an uploaded shipping label of a tracking (000_…): a PDF or PNG file, served to the
// account's API token and the console only.
type Label struct {
	OrderID     string
	TrackingID  string
	ContentType string
	Data        []byte
	CreatedAt   string
}

// LabelStore keeps uploaded labels, one per tracking.
type LabelStore interface {
	// PutLabel stores l, replacing the tracking's earlier label.
	PutLabel(ctx context.Context, l Label) error
	// Label returns the label of a tracking; ErrNotFound when none was uploaded.
	Label(ctx context.Context, trackingID string) (Label, error)
}

// Label types and the largest label accepted.
const (
	LabelPDF     = "application/pdf"
	LabelPNG     = "image/png"
	MaxLabelSize = 1 << 20
)

// CheckLabel validates an upload: a PDF or PNG (by its declared type and its first bytes) of
// at most MaxLabelSize bytes.
func CheckLabel(contentType string, data []byte) error {
	switch {
	case len(data) == 0:
		return Invalid("label", "Send the label file as the request body.")
	case len(data) > MaxLabelSize:
		return Invalid("label", "The label is larger than 1 MiB.")
	case contentType == LabelPDF && bytes.HasPrefix(data, []byte("%PDF-")):
	case contentType == LabelPNG && bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
	case contentType != LabelPDF && contentType != LabelPNG:
		return Invalid("label", "Send the label as application/pdf or image/png.")
	default:
		return Invalid("label", "The file is not a %s.", contentType)
	}
	return nil
}

// AttachLabel stores an uploaded label of the tracking trackingID of order orderID in labels
// and points the tracking's shipping_label at url, where the account's token fetches it.
// ErrNotFound when the order has no such tracking.
func (in *Ingest) AttachLabel(ctx context.Context, labels LabelStore, orderID, trackingID, contentType string, data []byte, url string) (*Order, error) {
	if err := CheckLabel(contentType, data); err != nil {
		return nil, err
	}
	o, err := in.Store.Order(ctx, orderID)
	if err != nil {
		return nil, err
	}
	if o.Tracking(trackingID) == nil {
		return nil, ErrNotFound
	}
	now := in.Now()
	if err := labels.PutLabel(ctx, Label{OrderID: orderID, TrackingID: trackingID, ContentType: contentType, Data: data, CreatedAt: FormatTimestamp(now)}); err != nil {
		return nil, err
	}
	// The label is stored first: a failure here leaves it unreferenced, and the upload is
	// repeated, never a reference to a label that is not there.
	return in.Store.UpdateOrder(ctx, orderID, func(o *Order) (*Order, error) {
		t := o.Tracking(trackingID)
		if t == nil {
			return nil, ErrNotFound
		}
		t.ShippingLabel = &ShippingLabel{URL: url}
		o.UpdatedAt = FormatTimestamp(now)
		return o, nil
	})
}
