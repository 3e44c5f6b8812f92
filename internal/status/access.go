package status

// Access is the level of detail a caller has proved the right to see (DESIGN §5).
type Access string

// The access levels, from least to most.
const (
	AccessPublic  Access = "public"
	AccessShopper Access = "shopper"
	AccessFull    Access = "full"
)

// AtLeast reports whether a grants at least b.
func (a Access) AtLeast(b Access) bool { return accessRank[a] >= accessRank[b] }

var accessRank = map[Access]int{AccessPublic: 0, AccessShopper: 1, AccessFull: 2}

// redactInfo fills the order-level fields of info that the caller's access level allows:
// recipient name, email, cash on delivery, the payment state, notes, the customer location
// and the tracking link from shopper level on.
func redactInfo(info *Info, o *Order, opt InfoOptions) {
	if !opt.Access.AtLeast(AccessShopper) {
		return
	}
	info.PaymentState, info.Notes, info.TrackingLink = strp(o.PaymentState), strp(o.Notes), strp(opt.TrackingLink)
	info.CustomerLocation, info.MapsLink = o.CustomerLocation, strp(o.CustomerLocation.MapsLink())
	email := o.RecipientEmail
	if email == UnsetEmail {
		email = ""
	}
	info.RecipientName, info.RecipientEmail = strp(o.RecipientName), strp(email)
	if o.COD != nil {
		info.COD = o.COD
	}
}

// redactTracking fills the tracking fields of it that the caller's access level allows:
// personal data, articles and proof of delivery from shopper level on, additional attributes
// at full level only, the pickup point's address from shopper level on.
func redactTracking(it *InfoTracking, o *Order, t *Tracking, a Access) {
	shopper := a.AtLeast(AccessShopper)
	if shopper {
		email := o.RecipientEmail
		if email == UnsetEmail {
			email = ""
		}
		it.RecipientName, it.RecipientEmail = strp(o.RecipientName), strp(email)
		it.RecipientPostalCode = strp(t.RecipientPostalCode)
		it.IdentifiersConsignment = strp(t.IdentifiersConsignment)
		it.ShippingAddress = t.ShippingAddress
		for _, a := range t.Articles {
			it.Articles = append(it.Articles, a.withLists())
		}
		it.PODIdentifier, it.PODSignature = strp(t.PODIdentifier), strp(t.PODSignature)
	} else {
		it.PODDate = nil
	}
	if a == AccessFull && t.AdditionalAttributes != nil {
		it.AdditionalAttributes = t.AdditionalAttributes
	}
	if pl := t.PickupLocation; pl != nil {
		p := PickupLocation{Name: pl.Name, OpeningHours: orEmpty(pl.OpeningHours), HoldUntil: pl.HoldUntil}
		if shopper {
			p.Address = pl.Address
		}
		it.PickupLocation = &p
	}
}

// shownCheckpoints are the checkpoints the caller sees, newest first: all of them, hidden ones
// marked, at full level; the visible ones otherwise.
func shownCheckpoints(t *Tracking, vis []Checkpoint, a Access) []Checkpoint {
	if a == AccessFull {
		return t.Checkpoints
	}
	return vis
}
