package status

import (
	"strings"
	"time"
)

// Pickup is what a shopper is told about the pickup point a parcel waits at.
type Pickup struct {
	Name string
	// Week is this week's opening hours from Monday.
	Week []PickupDay
	// OpenNow says whether the point is open at the summary's now, when it closes or opens
	// today, or that it is closed today; "" without opening hours. It is for a reader whose
	// time is known (the page), never stored or sent.
	OpenNow string
}

// PickupDay is one weekday of a pickup point's opening hours.
type PickupDay struct {
	Day   string // localised weekday name
	Hours string // "09:00–18:00, 19:00–20:00", or the localised "Closed"
	Today bool
}

var weekdayKeys = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// pickupOf lays out a pickup point's week and whether it is open at now (in its zone).
func pickupOf(pl *PickupLocation, now time.Time, tr func(string, ...string) string) *Pickup {
	p := &Pickup{Name: pl.Name}
	if len(pl.OpeningHours) == 0 {
		return p
	}
	byDay := map[string][]OpeningHours{}
	for _, h := range pl.OpeningHours {
		byDay[h.Day] = append(byDay[h.Day], h)
	}
	today := weekdayKeys[now.Weekday()]
	clock := now.Format(TimeLayout)
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		row := PickupDay{Day: tr("weekday." + d), Today: d == today, Hours: tr("pickup.closed")}
		var spans []string
		for _, h := range byDay[d] {
			spans = append(spans, hhmm(h.Open)+"–"+hhmm(h.Close))
		}
		if len(spans) > 0 {
			row.Hours = strings.Join(spans, ", ")
		}
		p.Week = append(p.Week, row)
		if d != today {
			continue
		}
		p.OpenNow = tr("pickup.closed_today")
		if len(byDay[d]) > 0 {
			p.OpenNow = tr("pickup.closed_now")
		}
		for _, h := range byDay[d] {
			if clock >= h.Open && clock < h.Close {
				p.OpenNow = tr("pickup.open_now", "time", hhmm(h.Close))
				break
			}
			if clock < h.Open {
				p.OpenNow = tr("pickup.opens_at", "time", hhmm(h.Open))
				break
			}
		}
	}
	return p
}

// hhmm shortens "15:04:05" to "15:04".
func hhmm(t string) string {
	if len(t) >= 5 {
		return t[:5]
	}
	return t
}

// OpeningWeek lays out opening hours from Monday, one line per day that has any: the day's
// name (dayName of its key: "mon" … "sun") and its spans, "Mon 09:00–13:00, 14:00–18:00".
func OpeningWeek(hours []OpeningHours, dayName func(key string) string) []string {
	var out []string
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		var spans []string
		for _, h := range hours {
			if h.Day == d {
				spans = append(spans, hhmm(h.Open)+"–"+hhmm(h.Close))
			}
		}
		if len(spans) > 0 {
			out = append(out, dayName(d)+" "+strings.Join(spans, ", "))
		}
	}
	return out
}
