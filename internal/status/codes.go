package status

import "sort"

// Lifecycle is the coarse state of a tracking, derived from its latest visible checkpoint.
type Lifecycle string

// The lifecycle states, in DESIGN §6.
const (
	Pending        Lifecycle = "Pending"
	OrderProcessed Lifecycle = "OrderProcessed"
	InTransit      Lifecycle = "InTransit"
	OutForDelivery Lifecycle = "OutForDelivery"
	PickupReady    Lifecycle = "PickupReady"
	FailedAttempt  Lifecycle = "FailedAttempt"
	Delivered      Lifecycle = "Delivered"
	Exception      Lifecycle = "Exception"
	Returned       Lifecycle = "Returned"
	Cancelled      Lifecycle = "Cancelled"
)

// Lifecycles lists every lifecycle state.
var Lifecycles = []Lifecycle{Pending, OrderProcessed, InTransit, OutForDelivery, PickupReady,
	FailedAttempt, Delivered, Exception, Returned, Cancelled}

// The five steps of the shopper's progress bar.
const (
	StepOrdered   = 1
	StepShipped   = 2
	StepInTransit = 3
	StepLastMile  = 4 // out for delivery or ready for pickup
	StepDelivered = 5
)

// Code describes one checkpoint status code: where it puts the tracking in its lifecycle and
// on the progress bar, which icon and default next action go with it, and its English text.
// Localised texts live in the i18n catalogs under "status.<Code>" and "next_action.<id>".
type Code struct {
	Code          string
	Lifecycle     Lifecycle
	Step          int
	Icon          string
	ExceptionType string
	NextAction    string
	Text          string
}

// codeTable is the complete status model. Keep it sorted by step, then lifecycle.
var codeTable = []Code{
	{"Pending", Pending, StepOrdered, "clock", "", "", "Order received"},
	{"OrderProcessed", OrderProcessed, StepOrdered, "box", "", "", "Order processed"},
	{"Warehouse-Picking", OrderProcessed, StepOrdered, "box", "", "", "Items are being picked in the warehouse"},
	{"Warehouse-Packed", OrderProcessed, StepOrdered, "box", "", "", "Parcel packed"},
	{"InfoReceived", OrderProcessed, StepOrdered, "label", "", "", "Shipping label created, awaiting handover to the courier"},
	{"Warehouse-Dispatched", InTransit, StepShipped, "truck", "", "", "Parcel left the warehouse"},
	{"PickedUp", InTransit, StepShipped, "truck", "", "", "Parcel handed over to the courier"},
	{"InTransit", InTransit, StepInTransit, "truck", "", "", "Parcel in transit"},
	{"Hub-Arrived", InTransit, StepInTransit, "hub", "", "", "Arrived at a sorting centre"},
	{"Hub-Processed", InTransit, StepInTransit, "hub", "", "", "Processed at a sorting centre"},
	{"Hub-Departed", InTransit, StepInTransit, "hub", "", "", "Left the sorting centre"},
	{"Customs-InProgress", InTransit, StepInTransit, "customs", "", "", "Customs clearance in progress"},
	{"Customs-Cleared", InTransit, StepInTransit, "customs", "", "", "Cleared customs"},
	{"Depot-Arrived", InTransit, StepInTransit, "hub", "", "", "Arrived at the delivery depot"},
	{"Delivery-Scheduled", InTransit, StepInTransit, "calendar", "", "", "Delivery scheduled"},
	{"Delivery-Rescheduled", InTransit, StepInTransit, "calendar", "", "", "Delivery rescheduled"},
	{"OutForDelivery", OutForDelivery, StepLastMile, "van", "", "be-available", "Out for delivery"},
	{"PickupReady", PickupReady, StepLastMile, "store", "", "collect-parcel", "Ready for pickup"},
	{"FailedAttempt-NewAttemptNextDay", FailedAttempt, StepLastMile, "alert", "failed_attempt", "await-new-attempt", "Delivery attempt failed, new attempt on the next working day"},
	{"FailedAttempt-CollectAtParcelShop", FailedAttempt, StepLastMile, "alert", "failed_attempt", "collect-parcel", "Delivery attempt failed, parcel taken to a parcel shop"},
	{"FailedAttempt-ContactCourier", FailedAttempt, StepLastMile, "alert", "failed_attempt", "contact-courier", "Delivery attempt failed, please contact the courier"},
	{"FailedAttempt-Reschedule", FailedAttempt, StepLastMile, "alert", "failed_attempt", "reschedule-delivery", "Delivery attempt failed, choose a new delivery date"},
	{"Delivered", Delivered, StepDelivered, "check", "", "", "Delivered"},
	{"Delivered-Personally", Delivered, StepDelivered, "check", "", "", "Delivered to the recipient"},
	{"Delivered-Neighbour", Delivered, StepDelivered, "check", "", "", "Delivered to a neighbour"},
	{"Delivered-ParcelShop", Delivered, StepDelivered, "store", "", "collect-parcel", "Delivered to a parcel shop"},
	{"Delivered-Locker", Delivered, StepDelivered, "locker", "", "collect-parcel", "Delivered to a parcel locker"},
	{"Delivered-Mailbox", Delivered, StepDelivered, "check", "", "", "Delivered to the mailbox"},
	{"Delivered-SafePlace", Delivered, StepDelivered, "check", "", "", "Delivered to a safe place"},
	{"Delivered-Reception", Delivered, StepDelivered, "check", "", "", "Delivered to reception"},
	{"Delivered-Collected", Delivered, StepDelivered, "check", "", "", "Collected by the recipient"},
	{"Exception-AddressIssue", Exception, StepInTransit, "alert", "address_issue", "contact-courier", "Problem with the delivery address"},
	{"Exception-Damaged", Exception, StepInTransit, "alert", "damaged", "contact-merchant", "Parcel damaged"},
	{"Exception-Lost", Exception, StepInTransit, "alert", "lost", "contact-merchant", "Parcel lost"},
	{"Exception-Delayed", Exception, StepInTransit, "alert", "delayed", "wait", "Delivery delayed"},
	{"Exception-CustomsHold", Exception, StepInTransit, "customs", "customs", "contact-courier", "Held at customs"},
	{"Exception-Refused", Exception, StepLastMile, "alert", "refused", "contact-merchant", "Delivery refused"},
	{"Exception-Weather", Exception, StepInTransit, "alert", "weather", "wait", "Delayed by weather"},
	{"Exception-PaymentRequired", Exception, StepInTransit, "alert", "payment", "pay-charges", "Payment required before delivery"},
	{"Exception-Other", Exception, StepInTransit, "alert", "other", "contact-merchant", "Problem with the delivery"},
	{"ReturnToSender-NotCollected", Returned, StepInTransit, "return", "return_to_sender", "contact-merchant", "Not collected, returning to sender"},
	{"ReturnToSender-Refused", Returned, StepInTransit, "return", "return_to_sender", "contact-merchant", "Refused, returning to sender"},
	{"ReturnToSender-AddressIssue", Returned, StepInTransit, "return", "return_to_sender", "contact-merchant", "Address problem, returning to sender"},
	{"ReturnToSender-Damaged", Returned, StepInTransit, "return", "return_to_sender", "contact-merchant", "Damaged, returning to sender"},
	{"ReturnDroppedOff", InTransit, StepShipped, "return", "", "", "Return dropped off"},
	{"ReturnInProcess", InTransit, StepInTransit, "return", "", "", "Return on its way to the shop"},
	{"ReturnDelivered", Returned, StepDelivered, "return", "", "", "Return received by the shop"},
	{"ReturnRefunded", Returned, StepDelivered, "check", "", "", "Return refunded"},
	{"Cancelled", Cancelled, StepOrdered, "cancel", "", "contact-merchant", "Order cancelled"},
}

var codeIndex = func() map[string]Code {
	m := make(map[string]Code, len(codeTable))
	for _, c := range codeTable {
		m[c.Code] = c
	}
	return m
}()

// LookupCode returns the status model entry for a checkpoint status code.
func LookupCode(code string) (Code, bool) {
	c, ok := codeIndex[code]
	return c, ok
}

// Codes returns every known status code, sorted.
func Codes() []string {
	out := make([]string, 0, len(codeTable))
	for _, c := range codeTable {
		out = append(out, c.Code)
	}
	sort.Strings(out)
	return out
}

// NextActions returns every next_action id the table uses.
func NextActions() []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range codeTable {
		if c.NextAction != "" && !seen[c.NextAction] {
			seen[c.NextAction] = true
			out = append(out, c.NextAction)
		}
	}
	sort.Strings(out)
	return out
}
