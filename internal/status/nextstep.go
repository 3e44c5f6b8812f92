package status

// Contact is whom a shopper turns to: the courier or the shop.
type Contact struct {
	Kind  string `json:"kind"` // courier or shop
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone"`
	URL   string `json:"url"`
}

// ShopContact is the support contact of an account, as the shop publishes it.
func ShopContact(a Account) *Contact {
	return &Contact{Kind: "shop", Name: a.ShownName(), Email: a.SupportEmail, Phone: a.SupportPhone, URL: a.SupportURL}
}

// NextStep is what happens next for a parcel or an order, and whom to contact.
type NextStep struct {
	// Key is the message key of Text, e.g. "next_action.contact-courier".
	Key     string   `json:"key"`
	Text    string   `json:"text"`
	Contact *Contact `json:"contact"`
	// LinkURL is a link that does the next step (the courier's reroute or live tracking
	// page); LinkText says what it does.
	LinkURL  string `json:"link_url"`
	LinkText string `json:"link_text"`
	// Note is the shop's own note on a return or cancellation (shopper level and above).
	Note string `json:"note"`
}

// nextStepOf derives what happens next for a parcel on journey j.
func nextStepOf(o *Order, t *Tracking, cur Code, j Journey, shop *Contact, shopper bool, tr func(string, ...string) string) *NextStep {
	courier := &Contact{Kind: "courier", Name: t.CourierLabel(), URL: t.CourierTrackingURL}
	say := func(key string) *NextStep { return &NextStep{Key: key, Text: tr(key)} }
	note := ""
	if shopper {
		note = o.Notes
	}
	switch j {
	case JourneyCancelled:
		return nil // the order's cancellation says it once
	case JourneyReturn:
		var n *NextStep
		switch {
		case cur.Code == "ReturnRefunded":
			n = say("next.refunded")
		case cur.Code == "ReturnDelivered":
			n = say("next.refund_processing")
		case cur.Lifecycle == Returned:
			n = say("next.sent_back")
			n.Contact = shop
		default:
			n = say("next.refund_after_receipt")
		}
		n.Note = note
		return n
	}
	switch cur.Lifecycle {
	case Exception, FailedAttempt:
		n := say("next_action." + cur.NextAction)
		switch cur.NextAction {
		case "contact-courier", "pay-charges", "reschedule-delivery":
			n.Contact = courier
		case "contact-merchant":
			n.Contact = shop
		}
		if t.CourierRerouteURL != "" && cur.NextAction != "contact-merchant" && cur.NextAction != "collect-parcel" {
			n.LinkURL, n.LinkText = t.CourierRerouteURL, tr("page.courier_reroute_link")
			if cur.ExceptionType == "address_issue" {
				n.LinkText = tr("next.fix_address")
			}
		}
		return n
	case OutForDelivery:
		n := say("next_action.be-available")
		if t.CourierTrackingURL != "" {
			n.LinkURL, n.LinkText = t.CourierTrackingURL, tr("live_tracking.link")
		}
		return n
	case PickupReady:
		if t.PickupLocation == nil {
			// The carrier did not say where: its notice (card, app, message) does.
			n := say("next.collect_see_notice")
			n.Contact = courier
			return n
		}
		return say("next_action.collect-parcel")
	case Pending, OrderProcessed:
		return say("order_processed.text")
	}
	if j == JourneyPickup && isPickupCode(cur.Code) {
		return say("next_action.collect-parcel")
	}
	return nil
}

// waitStep is the next step of a parcel on its way with nothing for the shopper to do.
func waitStep(t Translator, lang string) *NextStep {
	return &NextStep{Key: "next_action.wait", Text: t(lang, "next_action.wait")}
}
