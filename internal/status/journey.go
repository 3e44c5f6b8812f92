package status

import "strings"

// Cancelled is the one rule for a cancelled order, used by the info document (is_cancelled),
// the page, the widget, the console and callbacks: the order status says so (in any case,
// "cancelled" or "canceled"), it has a cancelled_date, or it has trackings and the latest
// visible event of every one of them is Cancelled.
func (o *Order) Cancelled() bool {
	if o.CancelledDate != "" || strings.EqualFold(o.OrderStatus, "cancelled") || strings.EqualFold(o.OrderStatus, "canceled") {
		return true
	}
	if len(o.Trackings) == 0 {
		return false
	}
	for i := range o.Trackings {
		c, ok := latestCode(&o.Trackings[i])
		if !ok || c.Lifecycle != Cancelled {
			return false
		}
	}
	return true
}

// latestCode is the code of a tracking's latest visible known event.
func latestCode(t *Tracking) (Code, bool) {
	for _, c := range t.Checkpoints {
		if !c.IsHidden {
			if code, ok := LookupCode(c.StatusCode); ok {
				return code, true
			}
		}
	}
	return Code{}, false
}

// Journey is the kind of trip a parcel is on; each has its own steps.
type Journey string

// The journeys.
const (
	// JourneyDelivery: ordered, shipped, in transit, out for delivery, delivered.
	JourneyDelivery Journey = "delivery"
	// JourneyPickup: ordered, shipped, in transit, ready to collect, collected. A parcel
	// delivered to a parcel shop or locker is ready to collect until it is collected.
	JourneyPickup Journey = "pickup"
	// JourneyReturn: a return the shopper sends (registered, dropped off, on the way back,
	// back at the shop, refunded) or a delivery going back to the shop (shipped, sent back,
	// on the way back, back at the shop, refunded).
	JourneyReturn Journey = "return"
	// JourneyCancelled: the order was cancelled; no steps and no courier.
	JourneyCancelled Journey = "cancelled"
)

// StepState is where a step stands.
type StepState string

// The step states. The current step is Current, Problem (an exception or failed attempt
// held the parcel there) or Done (the journey is complete).
const (
	StepDone    StepState = "done"
	StepCurrent StepState = "current"
	StepProblem StepState = "problem"
	StepTodo    StepState = "todo"
)

// Step is one step of a journey's progress bar.
type Step struct {
	// Key is the message key of the step's label, e.g. "step.4" or "return_step.refunded".
	Key   string    `json:"key"`
	Label string    `json:"label"`
	State StepState `json:"state"`
}

var (
	deliverySteps = []string{"step.1", "step.2", "step.3", "step.4", "step.5"}
	pickupSteps   = []string{"step.1", "step.2", "step.3", "pickup_step.ready", "pickup_step.collected"}
	returnSteps   = []string{"return_step.registered", "return_step.dropped_off", "return_step.on_the_way", "return_step.received", "return_step.refunded"}
	sentBackSteps = []string{"step.2", "return_step.sent_back", "return_step.on_the_way", "return_step.received", "return_step.refunded"}
)

// isPickupCode reports whether a code puts a parcel at a pickup point (ready to collect).
func isPickupCode(code string) bool {
	return code == "PickupReady" || code == "Delivered-ParcelShop" || code == "Delivered-Locker" || code == "FailedAttempt-CollectAtParcelShop"
}

// journeyOf decides a parcel's journey and where it stands: the step it reached (1-based),
// whether that step is held by a problem, and whether the journey is complete.
func journeyOf(o *Order, t *Tracking, vis []Checkpoint, cur Code, cancelled bool) (j Journey, keys []string, step int, problem, complete bool) {
	switch {
	case cancelled && cur.Lifecycle != Delivered && cur.Lifecycle != Returned:
		return JourneyCancelled, nil, 0, false, false
	case t.IsReturn || o.Workflow == "RETURN":
		switch {
		case cur.Code == "ReturnRefunded":
			return JourneyReturn, returnSteps, 5, false, true
		case cur.Code == "ReturnDelivered":
			return JourneyReturn, returnSteps, 4, false, false
		case cur.Lifecycle == Exception || cur.Lifecycle == FailedAttempt:
			return JourneyReturn, returnSteps, max(reachedStep(vis), 1), true, false
		case cur.Step >= StepInTransit:
			return JourneyReturn, returnSteps, 3, false, false
		case cur.Step == StepShipped:
			return JourneyReturn, returnSteps, 2, false, false
		}
		return JourneyReturn, returnSteps, 1, false, false
	case cur.Lifecycle == Returned:
		switch cur.Code {
		case "ReturnRefunded":
			return JourneyReturn, sentBackSteps, 5, false, true
		case "ReturnDelivered":
			return JourneyReturn, sentBackSteps, 4, false, false
		}
		return JourneyReturn, sentBackSteps, 3, false, false
	}
	keys, j = deliverySteps, JourneyDelivery
	if isPickupCode(cur.Code) || (t.PickupLocation != nil && cur.Lifecycle != Delivered) {
		keys, j = pickupSteps, JourneyPickup
	}
	switch {
	case cur.Code == "Delivered-ParcelShop" || cur.Code == "Delivered-Locker":
		return JourneyPickup, pickupSteps, StepLastMile, false, false
	case cur.Lifecycle == Delivered:
		return j, keys, StepDelivered, false, true
	case cur.Lifecycle == Exception || cur.Lifecycle == FailedAttempt:
		// The parcel keeps the step it reached; the problem is marked there.
		return j, keys, max(reachedStep(vis), cur.Step), true, false
	}
	return j, keys, max(cur.Step, 1), false, false
}

// reachedStep is the furthest step a parcel's visible events got it to, problems left out.
func reachedStep(vis []Checkpoint) int {
	step := 0
	for _, c := range vis {
		code, ok := LookupCode(c.StatusCode)
		if !ok || code.Lifecycle == Exception || code.Lifecycle == Returned || code.Lifecycle == Cancelled {
			continue
		}
		step = max(step, code.Step)
	}
	return step
}

// steps lays out a journey's steps with their states.
func steps(keys []string, step int, problem, complete bool, tr func(string, ...string) string) []Step {
	if len(keys) == 0 {
		return nil
	}
	out := make([]Step, len(keys))
	for i, k := range keys {
		s := Step{Key: k, Label: tr(k), State: StepTodo}
		switch n := i + 1; {
		case n < step, n == step && complete:
			s.State = StepDone
		case n == step && problem:
			s.State = StepProblem
		case n == step:
			s.State = StepCurrent
		}
		out[i] = s
	}
	return out
}
