package desk

import (
	"math"
	"time"
)

// UptimeDays is how many days the status page's uptime bars show.
const UptimeDays = 90

// DayUptime is one day of a component's uptime, a day of the page's time zone (23 or 25
// hours long when the clocks change).
type DayUptime struct {
	// Date is the day's midnight in the page's zone.
	Date time.Time
	// Known is false for a day wholly before the component existed (no data) or in the
	// future; the other fields are then zero.
	Known bool
	// Observed is the part of the day the component existed and that has passed: the
	// whole day, or less for the day it was created and for today.
	Observed time.Duration
	// Down is the weighted downtime: a major outage counts fully, a partial outage at
	// 30 %, degraded performance and maintenance not at all (Atlassian Statuspage's rule).
	Down time.Duration
	// Worst is the worst status the component had during the day.
	Worst ComponentStatus
}

// Uptime is the day's uptime as a fraction, 0 to 1; 1 for a day not Known.
func (d DayUptime) Uptime() float64 {
	if !d.Known || d.Observed <= 0 {
		return 1
	}
	return 1 - float64(d.Down)/float64(d.Observed)
}

// downWeight is how much of a span in a status counts as downtime.
func downWeight(s ComponentStatus) float64 {
	switch s {
	case StatusMajorOutage:
		return 1
	case StatusPartialOutage:
		return 0.3
	}
	return 0
}

// DailyUptime computes a component's uptime for each of the last days days up to and
// including today (the day holding now), oldest first, in zone. history is the component's
// status changes in time order: each row holds from its time until the next row; the first
// row is when the component came to exist (or, when the history was read from a start
// time, its status at that time). Rows of other components must not be in it.
func DailyUptime(history []ComponentStatusChange, days int, now time.Time, zone *time.Location) []DayUptime {
	out := make([]DayUptime, days)
	y, m, d := now.In(zone).Date()
	for i := range out {
		start := time.Date(y, m, d-(days-1-i), 0, 0, 0, 0, zone)
		end := time.Date(y, m, d-(days-1-i)+1, 0, 0, 0, 0, zone)
		out[i] = dayUptime(history, start, end, now)
	}
	return out
}

// dayUptime sums the history over [start, min(end, now)).
func dayUptime(history []ComponentStatusChange, start, end, now time.Time) DayUptime {
	day := DayUptime{Date: start}
	if now.Before(end) {
		end = now
	}
	var down float64
	var worst []ComponentStatus
	for i, h := range history {
		from, to := h.At, end
		if i+1 < len(history) {
			to = history[i+1].At
		}
		if from.Before(start) {
			from = start
		}
		if to.After(end) {
			to = end
		}
		if !to.After(from) {
			// A status that held for no time within the day does not count, unless it is
			// the one in force at an instant of the day: zero-length spans are skipped.
			continue
		}
		day.Known = true
		day.Observed += to.Sub(from)
		down += downWeight(h.Status) * float64(to.Sub(from))
		worst = append(worst, h.Status)
	}
	if day.Known {
		day.Down = time.Duration(math.Round(down))
		day.Worst = WorstStatus(worst)
	}
	return day
}

// UptimeSummary is the uptime over all the Known days together, weighted by their observed
// length; ok is false when no day is Known.
func UptimeSummary(days []DayUptime) (uptime float64, ok bool) {
	var observed, down time.Duration
	for _, d := range days {
		if d.Known {
			observed += d.Observed
			down += d.Down
		}
	}
	if observed <= 0 {
		return 0, false
	}
	return 1 - float64(down)/float64(observed), true
}
