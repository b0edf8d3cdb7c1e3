// Package cst is China Standard Time, the one civil time Stockpile's users
// live in: lots expire on China's date, and every time shown to a person
// is China's.
//
// China has kept UTC+8 without daylight saving since 1991, so a fixed zone
// is exact and the binary needs no time-zone database.
package cst

import "time"

// Zone is China Standard Time, UTC+8.
var Zone = time.FixedZone("CST", 8*3600)

// DateLayout is how calendar dates are written: 2026-06-01.
const DateLayout = "2006-01-02"

// Date is t's calendar date in China, as YYYY-MM-DD.
func Date(t time.Time) string { return t.In(Zone).Format(DateLayout) }

// Minute formats unix seconds to the minute in China time, as people read
// times on screens and in workbooks ("2026-06-01 10:00"); "–" for zero.
func Minute(unix int64) string {
	if unix == 0 {
		return "–"
	}
	return time.Unix(unix, 0).In(Zone).Format("2006-01-02 15:04")
}

// DayStart is the unix time at which China's day date (YYYY-MM-DD) begins,
// shifted by days (1: the next day's start, the end of a range that takes
// the whole day in); 0 for "", and ok false for a malformed date.
func DayStart(date string, days int) (unix int64, ok bool) {
	if date == "" {
		return 0, true
	}
	t, err := time.ParseInLocation(DateLayout, date, Zone)
	if err != nil {
		return 0, false
	}
	return t.AddDate(0, 0, days).Unix(), true
}
