package desk

import (
	"math"
	"testing"
	"time"
)

func TestDailyUptime(t *testing.T) {
	t.Parallel()
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, ams)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	ch := func(s string, st ComponentStatus) ComponentStatusChange {
		return ComponentStatusChange{ComponentID: 1, Status: st, At: at(s)}
	}
	cases := []struct {
		name    string
		history []ComponentStatusChange
		now     string
		days    int
		// want: per day from the oldest, the observed hours, the down minutes and Known.
		want []struct {
			hours, downMin float64
			known          bool
		}
	}{
		{
			name:    "an outage of an hour inside a day, today partial",
			history: []ComponentStatusChange{ch("2026-11-01 00:00", StatusOperational), ch("2026-11-29 10:00", StatusMajorOutage), ch("2026-11-29 11:00", StatusOperational)},
			now:     "2026-11-30 06:00", days: 2,
			want: []struct {
				hours, downMin float64
				known          bool
			}{{24, 60, true}, {6, 0, true}},
		},
		{
			name:    "partial outage counts at 30 %, degraded and maintenance not at all",
			history: []ComponentStatusChange{ch("2026-11-01 00:00", StatusPartialOutage), ch("2026-11-29 10:00", StatusDegradedPerformance), ch("2026-11-29 12:00", StatusUnderMaintenance)},
			now:     "2026-11-30 00:00", days: 2,
			want: []struct {
				hours, downMin float64
				known          bool
			}{{24, 10 * 60 * 0.3, true}, {0, 0, false}}, // today began just now
		},
		{
			name:    "days before the component existed have no data; its first day counts from its creation",
			history: []ComponentStatusChange{ch("2026-11-29 18:00", StatusOperational)},
			now:     "2026-11-30 12:00", days: 3,
			want: []struct {
				hours, downMin float64
				known          bool
			}{{0, 0, false}, {6, 0, true}, {12, 0, true}},
		},
		{
			name:    "the day the clocks go back has 25 hours",
			history: []ComponentStatusChange{ch("2026-10-01 00:00", StatusMajorOutage)},
			now:     "2026-10-26 00:00", days: 3,
			want: []struct {
				hours, downMin float64
				known          bool
			}{{24, 24 * 60, true}, {25, 25 * 60, true}, {0, 0, false}},
		},
		{
			name:    "the day the clocks go forward has 23 hours",
			history: []ComponentStatusChange{ch("2026-03-01 00:00", StatusOperational), ch("2026-03-29 01:00", StatusMajorOutage), ch("2026-03-29 04:00", StatusOperational)},
			now:     "2026-03-30 00:00", days: 2,
			want: []struct {
				hours, downMin float64
				known          bool
			}{{23, 120, true}, {0, 0, false}}, // 01:00–04:00 local is two hours: 02:00–03:00 does not exist
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := DailyUptime(c.history, c.days, at(c.now), ams)
			if len(got) != len(c.want) {
				t.Fatalf("%d days, want %d", len(got), len(c.want))
			}
			for i, w := range c.want {
				g := got[i]
				if g.Known != w.known || g.Observed.Hours() != w.hours || math.Abs(g.Down.Minutes()-w.downMin) > 1e-6 {
					t.Errorf("day %d (%s): known %v, %v observed, %v down; want %v, %vh, %vmin",
						i, g.Date.Format("2006-01-02"), g.Known, g.Observed, g.Down, w.known, w.hours, w.downMin)
				}
				if g.Date.Hour() != 0 || g.Date.Location() != ams {
					t.Errorf("day %d starts at %v, want local midnight", i, g.Date)
				}
			}
		})
	}
}

func TestUptimeValues(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	h := []ComponentStatusChange{
		{Status: StatusOperational, At: now.Add(-72 * time.Hour)},
		{Status: StatusMajorOutage, At: now.Add(-36 * time.Hour)},
		{Status: StatusOperational, At: now.Add(-36*time.Hour + 144*time.Minute)}, // 2.4 h
	}
	days := DailyUptime(h, UptimeDays, now, time.UTC)
	if len(days) != UptimeDays {
		t.Fatalf("%d days", len(days))
	}
	if days[0].Known || days[0].Uptime() != 1 {
		t.Errorf("the oldest day is before the component: %+v", days[0])
	}
	// The outage fell on 1 December, 00:00–02:24: 10 % of that day.
	d := days[UptimeDays-2]
	if got := d.Uptime(); math.Abs(got-0.9) > 1e-9 || d.Worst != StatusMajorOutage {
		t.Errorf("1 December: uptime %v worst %s, want 0.9 major_outage", got, d.Worst)
	}
	sum, ok := UptimeSummary(days)
	if !ok || math.Abs(sum-(1-2.4/72)) > 1e-9 {
		t.Errorf("summary %v %v, want %v", sum, ok, 1-2.4/72)
	}
	if _, ok := UptimeSummary(DailyUptime(nil, 3, now, time.UTC)); ok {
		t.Error("no history gives a summary")
	}
}
