package locale

import (
	"fmt"
	"strconv"
	"time"

	"github.com/orderstatus/orderstatus/internal/i18n"
)

// EventTime writes when an event happened for a shopper whose zone is home (the zone the
// order is delivered in). x/text has no time zone names, and an abbreviation such as "CET"
// is English ("MEZ" in German), so zones are not named: an event in a zone that keeps the
// shopper's time at that instant is written in local time without a label ("Di., 14. Okt.,
// 14:05"); an event elsewhere is written in its own local time with its UTC offset
// ("Di., 14. Okt., 08:05 UTC-4"), the one form every language reads alike.
func EventTime(lang string, t time.Time, event, home *time.Location) string {
	at := t.In(home)
	_, homeOff := at.Zone()
	ev := t.In(event)
	if _, off := ev.Zone(); off != homeOff {
		return i18n.FormatDateTime(lang, ev) + " " + OffsetLabel(ev)
	}
	return i18n.FormatDateTime(lang, at)
}

// OffsetLabel writes t's zone as its offset from UTC: "UTC", "UTC+1", "UTC-4", "UTC+5:30".
func OffsetLabel(t time.Time) string {
	_, off := t.Zone()
	if off == 0 {
		return "UTC"
	}
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	s := "UTC" + sign + strconv.Itoa(off/3600)
	if m := off % 3600 / 60; m != 0 {
		s += fmt.Sprintf(":%02d", m)
	}
	return s
}
