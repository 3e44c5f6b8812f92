package status

// CourierDirectory completes the courier fields of a tracking that a shop left empty: the
// courier's display name, its tracking and reroute pages and the last-mile courier
// (internal/carrier implements it). Values the shop sent win.
type CourierDirectory interface {
	Complete(t *Tracking, destinationISO3 string)
}

// completeCouriers fills every tracking of o from the directory, when there is one.
func (in *Ingest) completeCouriers(o *Order) {
	if in.Couriers == nil || o == nil {
		return
	}
	for i := range o.Trackings {
		in.Couriers.Complete(&o.Trackings[i], o.DestinationCountryISO3)
	}
}
