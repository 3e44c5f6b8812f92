package server

import (
	"strings"

	"github.com/orderstatus/orderstatus/internal/i18n"
	"github.com/orderstatus/orderstatus/internal/status"
	"github.com/orderstatus/orderstatus/web/templates"
)

// deliveryFacts maps the 003_… fields of an info document onto the shopper page: nil below
// shopper level (the document carries none of them there) or when the order has none.
func deliveryFacts(lang string, info *status.Info) *templates.DeliveryFacts {
	if !info.Access.AtLeast(status.AccessShopper) {
		return nil
	}
	var d templates.DeliveryFacts
	if info.PaymentState != nil {
		if paid, ok := status.ShopperPaid(*info.PaymentState); ok {
			d.Payment = i18n.T(lang, "payment.unpaid")
			if paid {
				d.Payment = i18n.T(lang, "payment.paid")
			}
		}
	}
	if info.Notes != nil && !notesShown(info) {
		d.Notes = *info.Notes
	}
	if l := info.CustomerLocation; l != nil {
		d.Directions = strings.TrimSpace(l.Directions)
		if a := l.Area; a != nil {
			var parts []string
			for _, s := range []string{a.NameEn, a.District} {
				if s = strings.TrimSpace(s); s != "" {
					parts = append(parts, s)
				}
			}
			d.Area = strings.Join(parts, ", ")
		}
	}
	if info.MapsLink != nil {
		d.MapURL = *info.MapsLink
	}
	for _, t := range info.Trackings {
		if b := t.ActionBox; b != nil && b.MapsLink != "" {
			d.Pickups = append(d.Pickups, templates.PlaceLink{Name: b.Name, URL: b.MapsLink})
		}
	}
	if d.Payment == "" && d.Notes == "" && d.Area == "" && d.Directions == "" && d.MapURL == "" && len(d.Pickups) == 0 {
		return nil
	}
	return &d
}

// notesShown reports whether the summary already says the shop's notes (a return's or a
// cancellation's next step carries them), so that the page says them once.
func notesShown(info *status.Info) bool {
	sm := info.Story()
	if c := sm.Cancellation; c != nil && c.Next != nil && c.Next.Note != "" {
		return true
	}
	for _, p := range sm.Parcels {
		if p.Next != nil && p.Next.Note != "" {
			return true
		}
	}
	return false
}
