package status

import (
	"strings"
	"testing"
	"time"
)

func TestEveryCodeMapsToLifecycleAndStep(t *testing.T) {
	valid := map[Lifecycle]bool{}
	for _, l := range Lifecycles {
		valid[l] = true
	}
	for _, code := range Codes() {
		c, _ := LookupCode(code)
		if !valid[c.Lifecycle] {
			t.Errorf("%s: lifecycle %q", code, c.Lifecycle)
		}
		if c.Step < StepOrdered || c.Step > StepDelivered {
			t.Errorf("%s: step %d", code, c.Step)
		}
		if c.Icon == "" || c.Text == "" {
			t.Errorf("%s: icon %q text %q", code, c.Icon, c.Text)
		}
		if (c.Lifecycle == Exception || c.Lifecycle == FailedAttempt) && (c.ExceptionType == "" || c.NextAction == "") {
			t.Errorf("%s: exceptions need exception_type and next_action", code)
		}
	}
	count := func(prefix string) int {
		n := 0
		for _, c := range Codes() {
			if strings.HasPrefix(c, prefix) {
				n++
			}
		}
		return n
	}
	for prefix, want := range map[string]int{"Exception-": 9, "Delivered-": 8, "ReturnToSender-": 4, "FailedAttempt-": 4} {
		if got := count(prefix); got != want {
			t.Errorf("%d %s codes, want %d", got, prefix, want)
		}
	}
	for _, code := range []string{"OrderProcessed", "InTransit", "OutForDelivery", "PickupReady", "Cancelled",
		"ReturnDroppedOff", "ReturnInProcess", "ReturnDelivered", "ReturnRefunded", "Delivery-Scheduled", "Hub-Arrived", "Warehouse-Dispatched"} {
		if _, ok := LookupCode(code); !ok {
			t.Errorf("missing code %s", code)
		}
	}
	// Every lifecycle state is reachable from some code (Pending included).
	seen := map[Lifecycle]bool{}
	for _, c := range codeTable {
		seen[c.Lifecycle] = true
	}
	for _, l := range Lifecycles {
		if !seen[l] {
			t.Errorf("no code for lifecycle %s", l)
		}
	}
}

func TestTrendingLate(t *testing.T) {
	now := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	inTransit, _ := LookupCode("InTransit")
	out, _ := LookupCode("OutForDelivery")
	end := time.Date(2026, 1, 16, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		cur      Code
		finished bool
		late     bool
		hasDl    bool
		end      time.Time
		last     time.Time
		min, max float64
	}{
		{"no announced date", inTransit, false, false, false, time.Time{}, now, 0, 0},
		{"delivered on time", inTransit, true, false, true, end, now, 0, 0},
		{"delivered late", inTransit, true, true, true, end, now, 1, 1},
		{"past deadline", inTransit, false, false, true, now.Add(-time.Hour), now, 1, 1},
		{"out for delivery, hours left", out, false, false, true, end, now, 0, 0.4},
		{"in transit, 12 h left", inTransit, false, false, true, end, now, 0.85, 0.9},
		{"in transit, 3 days left", inTransit, false, false, true, end.Add(72 * time.Hour), now, 0, 0.05},
		{"silent for 4 days", inTransit, false, false, true, end.Add(72 * time.Hour), now.Add(-96 * time.Hour), 0.3, 0.35},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := trendingLate(tt.cur, tt.finished, tt.late, tt.hasDl, tt.end, tt.last, now)
			if p < tt.min || p > tt.max {
				t.Errorf("p = %v, want in [%v, %v]", p, tt.min, tt.max)
			}
		})
	}
}
