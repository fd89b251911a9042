package desk_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
)

// Calendars the clock tests count in, besides business() and always().
func nights() desk.Calendar { // every night 22:00–06:00, no holidays: a calendar with night hours
	return desk.Calendar{Slug: "nights", Name: "Nights", Week: every(desk.Span{0, hm(6, 0)}, desk.Span{hm(22, 0), hm(24, 0)})}
}

func fullDays() desk.Calendar { // 00:00–24:00 every day, but counted by the spans, not as 24x7
	return desk.Calendar{Slug: "full", Name: "Full days", Week: every(desk.Span{0, 24 * 60})}
}

func gapHours() desk.Calendar { // Sundays 02:30–04:00 only, inside the skipped or repeated hour
	return desk.Calendar{Slug: "gap", Name: "Gap", Week: [7][]desk.Span{time.Sunday: {{hm(2, 30), hm(4, 0)}}}}
}

func retail() desk.Calendar { // Monday to Saturday 09:00–18:00, Dutch holidays
	c := business()
	c.Slug, c.Week = "retail", every(desk.Span{hm(9, 0), hm(18, 0)})
	c.Week[time.Sunday] = nil
	return c
}

func withoutGoodFriday() desk.Calendar {
	c := business()
	c.Slug = "no-good-friday"
	c.Holidays = slices.DeleteFunc(c.Holidays, func(s string) bool { return s == "goede_vrijdag" })
	return c
}

func withClosingDay() desk.Calendar {
	c := business()
	c.Slug, c.ClosedDays = "closing", []string{"2026-12-24"}
	return c
}

func clockOf(t testing.TB, c desk.Calendar) *desk.Clock {
	t.Helper()
	k, err := desk.NewClock(c, holidays.NL())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestAdd(t *testing.T) {
	t.Parallel()
	h := time.Hour
	cases := []struct {
		name string
		cal  desk.Calendar
		from time.Time
		d    time.Duration
		want time.Time
	}{
		{"within a day", business(), at("2026-03-10 09:00"), 2 * h, at("2026-03-10 11:00")},
		{"over the night", business(), at("2026-03-10 17:00"), h, at("2026-03-11 09:00")},
		{"from a closed evening", business(), at("2026-03-10 20:00"), 30 * time.Minute, at("2026-03-11 09:00")},
		{"from before opening", business(), at("2026-03-11 07:00"), 30 * time.Minute, at("2026-03-11 09:00")},
		{"from the weekend", business(), at("2026-03-14 12:00"), h, at("2026-03-16 09:30")},
		{"friday afternoon into monday", business(), at("2026-03-13 15:00"), 4 * h, at("2026-03-16 10:00")},
		{"using up a day ends at closing, not at the next opening", business(), at("2026-03-13 13:30"), 4 * h, at("2026-03-13 17:30")},
		{"from the closing instant", business(), at("2026-03-13 17:30"), 30 * time.Minute, at("2026-03-16 09:00")},
		{"zero from a closed instant is the next opening", business(), at("2026-03-14 12:00"), 0, at("2026-03-16 08:30")},
		{"zero from an open instant is that instant", business(), at("2026-03-10 10:00"), 0, at("2026-03-10 10:00")},
		{"negative counts as zero", business(), at("2026-03-10 10:00"), -h, at("2026-03-10 10:00")},
		{"sub-second start", business(), at("2026-03-10 17:29:59.75"), time.Second, at("2026-03-11 08:30:00.75")},
		{"P3: three days of open time are eight working days", business(), at("2026-03-09 08:30"), 72 * h, at("2026-03-18 17:30")},
		{"24x7 P1 from friday 16:00", always(), at("2026-03-13 16:00"), 4 * h, at("2026-03-13 20:00")},
		{"business P1 from friday 16:00", business(), at("2026-03-13 16:00"), 4 * h, at("2026-03-16 11:00")},
		{"new year across the year's end", business(), at("2025-12-31 17:00"), h, at("2026-01-02 09:00")},
		{"christmas and the weekend", business(), at("2026-12-24 16:30"), 2 * h, at("2026-12-28 09:30")},
		{"provider's closing day on christmas eve", withClosingDay(), at("2026-12-23 17:00"), h, at("2026-12-28 09:00")},
		{"good friday and easter monday", business(), at("2026-04-02 17:00"), h, at("2026-04-07 09:00")},
		{"good friday switched off", withoutGoodFriday(), at("2026-04-02 17:00"), h, at("2026-04-03 09:00")},
		{"koningsdag on a monday", business(), at("2026-04-24 17:00"), h, at("2026-04-28 09:00")},
		{"koningsdag on a sunday closes saturday 26 april", retail(), at("2025-04-25 17:30"), h, at("2025-04-28 09:30")},
		{"an ordinary saturday is open in retail", retail(), at("2025-05-02 17:30"), h, at("2025-05-03 09:30")},
		{"ascension day", business(), at("2026-05-13 17:00"), h, at("2026-05-15 09:00")},
		{"a weekend across the spring change", business(), at("2026-03-27 16:30"), 2 * h, at("2026-03-30 09:30")},

		// Daylight saving: 29 March 2026 02:00 CET → 03:00 CEST; 25 October 2026 03:00 CEST → 02:00 CET.
		{"spring, 24x7: 4 real hours", always(), at("2026-03-29 00:00"), 4 * h, at("2026-03-29 05:00")},
		{"spring, full days: the same as 24x7", fullDays(), at("2026-03-29 00:00"), 4 * h, at("2026-03-29 05:00")},
		{"spring, nights: 22:00 + 4h is 03:00 summer time", nights(), at("2026-03-28 22:00"), 4 * h, utc("2026-03-29 01:00")},
		{"spring, nights: the short night holds 6 hours after 23:00", nights(), at("2026-03-28 23:00"), 8 * h, at("2026-03-30 00:00")},
		{"autumn, 24x7: 4 real hours", always(), at("2026-10-25 00:00"), 4 * h, utc("2026-10-25 02:00")},
		{"autumn, full days: the same as 24x7", fullDays(), at("2026-10-25 00:00"), 4 * h, utc("2026-10-25 02:00")},
		{"autumn, nights: 22:00 + 4h is the first 02:00", nights(), at("2026-10-24 22:00"), 4 * h, utc("2026-10-25 00:00")},
		{"autumn, nights: the long night holds 8 hours after 23:00", nights(), at("2026-10-24 23:00"), 8 * h, at("2026-10-25 06:00")},
		{"spring, span in the skipped hour opens at 03:00", gapHours(), at("2026-03-28 12:00"), 30 * time.Minute, utc("2026-03-29 01:30")},
		{"autumn, span in the repeated hour counts both passes", gapHours(), at("2026-10-24 12:00"), h, utc("2026-10-25 02:00")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := clockOf(t, c.cal)
			got := k.Add(c.from, c.d)
			if !got.Equal(c.want) {
				t.Errorf("Add(%v, %v) = %v, want %v", c.from, c.d, got.In(ams), c.want.In(ams))
			}
			if got.Location() != c.from.Location() {
				t.Errorf("result in %v, want from's %v", got.Location(), c.from.Location())
			}
			if d := max(c.d, 0); d > 0 {
				if b := k.Between(c.from, got); b != d {
					t.Errorf("Between(from, Add(from, %v)) = %v", d, b)
				}
			}
		})
	}
}

func TestBetween(t *testing.T) {
	t.Parallel()
	h := time.Hour
	cases := []struct {
		name     string
		cal      desk.Calendar
		from, to time.Time
		want     time.Duration
	}{
		{"paused friday 17:00 to monday 10:00", business(), at("2026-03-13 17:00"), at("2026-03-16 10:00"), 2 * h},
		{"paused friday 17:30 to monday 10:00: only monday 08:30–10:00", business(), at("2026-03-13 17:30"), at("2026-03-16 10:00"), 90 * time.Minute},
		{"a whole weekend", business(), at("2026-03-13 17:30"), at("2026-03-16 08:30"), 0},
		{"to before from", business(), at("2026-03-10 12:00"), at("2026-03-10 10:00"), 0},
		{"to equals from", business(), at("2026-03-10 12:00"), at("2026-03-10 12:00"), 0},
		{"a working week", business(), at("2026-03-09 00:00"), at("2026-03-16 00:00"), 45 * h},
		{"christmas week", business(), at("2026-12-21 00:00"), at("2026-12-28 00:00"), 36 * h},
		{"christmas week with a closing day", withClosingDay(), at("2026-12-21 00:00"), at("2026-12-28 00:00"), 27 * h},
		{"easter week 2026", business(), at("2026-03-30 00:00"), at("2026-04-07 00:00"), 36 * h},
		{"sub-second, both open", business(), at("2026-03-10 10:00:00.5"), at("2026-03-10 10:00:01.25"), 750 * time.Millisecond},
		{"sub-second, from closed", business(), at("2026-03-10 17:30:00.5"), at("2026-03-11 08:30:00.25"), 250 * time.Millisecond},
		{"sub-second, to closed", business(), at("2026-03-10 17:29:59.5"), at("2026-03-10 17:30:00.25"), 500 * time.Millisecond},
		{"24x7 is plain subtraction", always(), at("2026-03-13 17:00"), at("2026-03-16 10:00"), 65 * h},
		{"an ordinary full day is 24 hours", fullDays(), at("2026-03-28 00:00"), at("2026-03-29 00:00"), 24 * h},
		{"the spring full day is 23 hours", fullDays(), at("2026-03-29 00:00"), at("2026-03-30 00:00"), 23 * h},
		{"the autumn full day is 25 hours", fullDays(), at("2026-10-25 00:00"), at("2026-10-26 00:00"), 25 * h},
		{"24x7 across the spring day", always(), at("2026-03-29 00:00"), at("2026-03-30 00:00"), 23 * h},
		{"an ordinary night is 8 hours", nights(), at("2026-03-21 12:00"), at("2026-03-22 12:00"), 8 * h},
		{"the spring night is 7 hours", nights(), at("2026-03-28 12:00"), at("2026-03-29 12:00"), 7 * h},
		{"the autumn night is 9 hours", nights(), at("2026-10-24 12:00"), at("2026-10-25 12:00"), 9 * h},
		{"a span in the skipped hour is 1 hour", gapHours(), at("2026-03-29 00:00"), at("2026-03-30 00:00"), h},
		{"a span in the repeated hour is 2 hours", gapHours(), at("2026-10-25 00:00"), at("2026-10-26 00:00"), 2 * h},
		{"a span in an ordinary night is 1.5 hours", gapHours(), at("2026-03-22 00:00"), at("2026-03-23 00:00"), 90 * time.Minute},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := clockOf(t, c.cal).Between(c.from, c.to); got != c.want {
				t.Errorf("Between(%v, %v) = %v, want %v", c.from, c.to, got, c.want)
			}
		})
	}
}

// randomInstant returns an instant in 2025–2027 with nanoseconds, half of them within a few
// days of a daylight-saving change, where the arithmetic is most likely to go wrong.
func randomInstant(r *rand.Rand) time.Time {
	if r.IntN(2) == 0 {
		changes := []time.Time{at("2025-03-30 02:00"), at("2025-10-26 02:00"), at("2026-03-29 02:00"), at("2026-10-25 02:00")}
		c := changes[r.IntN(len(changes))]
		return c.Add(time.Duration(r.Int64N(int64(4*24*time.Hour))) - 3*24*time.Hour)
	}
	start := at("2025-01-01 00:00")
	return start.Add(time.Duration(r.Int64N(int64(3 * 365 * 24 * time.Hour))))
}

func propertyCalendars() []desk.Calendar {
	return []desk.Calendar{business(), always(), nights(), fullDays(), gapHours(), retail(), withClosingDay(), withoutGoodFriday()}
}

// TestAddBetweenInverse checks on many seeded random instants that Between undoes Add, that
// the last nanosecond counted is open, and that Add undoes Between up to closed time.
func TestAddBetweenInverse(t *testing.T) {
	t.Parallel()
	for _, cal := range propertyCalendars() {
		t.Run(cal.Slug, func(t *testing.T) {
			k := clockOf(t, cal)
			r := rand.New(rand.NewPCG(1, 2))
			for range 3000 {
				from := randomInstant(r)
				d := time.Duration(r.Int64N(int64(10 * 24 * time.Hour)))
				got := k.Add(from, d)
				if got.Before(from) || got.Equal(desk.Never) {
					t.Fatalf("Add(%v, %v) = %v", from, d, got)
				}
				if b := k.Between(from, got); b != d {
					t.Fatalf("Between(%v, Add(…, %v) = %v) = %v", from, d, got, b)
				}
				if d > 0 && !k.Open(got.Add(-time.Nanosecond)) {
					t.Fatalf("Add(%v, %v) = %v, but the last nanosecond counted is closed", from, d, got)
				}
				// With some open time between them, Add(from, Between(from, to)) is to itself, or
				// the end of the last open stretch before a closed to.
				to := from.Add(time.Duration(r.Int64N(int64(10 * 24 * time.Hour))))
				b := k.Between(from, to)
				back := k.Add(from, b)
				if b > 0 && (back.After(to) || k.Between(back, to) != 0 || k.Open(to) && !back.Equal(to)) {
					t.Fatalf("Add(%v, Between(…, %v) = %v) = %v", from, to, b, back)
				}
				mid := from.Add(to.Sub(from) / 3)
				if k.Between(from, mid)+k.Between(mid, to) != b {
					t.Fatalf("Between is not additive over %v, %v, %v", from, mid, to)
				}
			}
		})
	}
}

// TestBetweenCountsOpenMinutes compares Between with a count of open minutes by Open, which
// reads each instant's wall clock directly: two independent computations of the same thing.
func TestBetweenCountsOpenMinutes(t *testing.T) {
	t.Parallel()
	for _, cal := range propertyCalendars() {
		t.Run(cal.Slug, func(t *testing.T) {
			k := clockOf(t, cal)
			r := rand.New(rand.NewPCG(3, 4))
			for range 150 {
				from := randomInstant(r).Truncate(time.Minute)
				n := r.IntN(3 * 24 * 60)
				open := 0
				for i := range n {
					if k.Open(from.Add(time.Duration(i) * time.Minute)) {
						open++
					}
				}
				to := from.Add(time.Duration(n) * time.Minute)
				if got := k.Between(from, to); got != time.Duration(open)*time.Minute {
					t.Fatalf("Between(%v, %v) = %v, but %d minutes are open", from.In(ams), to.In(ams), got, open)
				}
			}
		})
	}
}

func TestGuards(t *testing.T) {
	t.Parallel()
	from := at("2026-01-01 00:00")

	t.Run("never open: validation refuses, the clock still stops", func(t *testing.T) {
		never := business()
		never.Week = [7][]desk.Span{}
		if err := never.Validate(holidays.NL()); err == nil {
			t.Fatal("validation accepts a calendar that is never open")
		}
		k := clockOf(t, never)
		if got := k.Add(from, time.Hour); !got.Equal(desk.Never) {
			t.Errorf("Add = %v, want Never", got)
		}
		if got := k.Between(from, from.AddDate(50, 0, 0)); got != 0 {
			t.Errorf("Between = %v", got)
		}
		if k.Open(from) {
			t.Error("open")
		}
	})

	// Open on Mondays 09:00–10:00 only, and closed on every Monday of 2026–2032: a valid
	// calendar with seven years without open time.
	stretch := desk.Calendar{Slug: "stretch", Name: "Stretch", Week: [7][]desk.Span{time.Monday: {{hm(9, 0), hm(10, 0)}}}}
	for d := at("2026-01-05 12:00"); d.Year() < 2033; d = d.AddDate(0, 0, 7) {
		stretch.ClosedDays = append(stretch.ClosedDays, d.Format(time.DateOnly))
	}
	t.Run("five closed years: Add gives up", func(t *testing.T) {
		if err := stretch.Validate(nil); err != nil {
			t.Fatal(err)
		}
		k := clockOf(t, stretch)
		if got := k.Add(from, time.Hour); !got.Equal(desk.Never) {
			t.Errorf("Add = %v, want Never", got)
		}
		if got := k.Add(at("2025-12-29 09:30"), 30*time.Minute); !got.Equal(at("2025-12-29 10:00")) {
			t.Errorf("Add before the stretch = %v", got)
		}
		if got := k.Add(at("2032-12-31 00:00"), 30*time.Minute); !got.Equal(at("2033-01-03 09:30")) {
			t.Errorf("Add after the stretch = %v", got)
		}
	})

	t.Run("a target beyond the horizon", func(t *testing.T) {
		minute := desk.Calendar{Slug: "minute", Name: "Minute", Week: [7][]desk.Span{time.Monday: {{hm(9, 0), hm(9, 1)}}}}
		k := clockOf(t, minute)
		if got := k.Add(from, 60*time.Minute); !got.Equal(at("2027-02-22 09:01")) {
			t.Errorf("60 weekly minutes end at %v", got)
		}
		// A minute a week: 6000 minutes take 115 years, past MaxHorizon.
		if got := k.Add(from, 6000*time.Minute); !got.Equal(desk.Never) {
			t.Errorf("Add = %v, want Never", got)
		}
		for _, d := range []time.Duration{desk.MaxHorizon + time.Hour, math.MaxInt64} {
			if got := k.Add(at("2026-01-05 09:00:00.5"), d); !got.Equal(desk.Never) {
				t.Errorf("Add(%v) = %v, want Never", d, got)
			}
		}
		// Between stops at MaxHorizon too: about 5228 Mondays, not the 364,000 until year 9000.
		if got := k.Between(from, at("9000-01-01 00:00")); got < 5228*time.Minute || got > 5229*time.Minute {
			t.Errorf("Between over millennia = %v minutes", got.Minutes())
		}
	})
}

// TestConcurrentUse runs one clock from many goroutines over many years, so the year cache
// is filled concurrently (run with -race to check it).
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	k := clockOf(t, business())
	ref := clockOf(t, business())
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for g := range 16 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 9))
			for range 200 {
				from := at("2020-01-01 00:00").Add(time.Duration(r.Int64N(int64(20 * 365 * 24 * time.Hour))))
				if got, want := k.Add(from, 72*time.Hour), ref.Add(from, 72*time.Hour); !got.Equal(want) {
					errs <- from.String()
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("concurrent Add differs from %s", e)
	}
}

// p3 is the default P3 target: 4 hours to respond, 3 days of open time to resolve.
var p3 = desk.Target{Priority: desk.P3, FirstResponseMin: 4 * 60, ResolutionMin: 3 * 24 * 60}
var p2 = desk.Target{Priority: desk.P2, FirstResponseMin: 60, ResolutionMin: 8 * 60}

func ptr(t time.Time) *time.Time { return &t }

func TestSLA(t *testing.T) {
	t.Parallel()
	reg := at("2026-03-09 08:30") // a Monday morning
	biz := clockOf(t, business())
	cases := []struct {
		name string
		run  func() desk.SLA
		want desk.SLA
	}{
		{"start, business P3", func() desk.SLA { return desk.StartSLA(biz, reg, p3, 0.75) }, desk.SLA{
			Calendar:    "business",
			ResponseDue: ptr(at("2026-03-09 12:30")), ResponseWarn: ptr(at("2026-03-09 11:30")),
			ResolveDue: ptr(at("2026-03-18 17:30")), ResolveWarn: ptr(at("2026-03-16 17:30")),
		}},
		{"start, 24x7 P1 with its warning at 22.5 minutes", func() desk.SLA {
			return desk.StartSLA(clockOf(t, always()), at("2026-03-13 16:00"), desk.DefaultTargets()[0], 0.75)
		}, desk.SLA{
			Calendar:    "24x7",
			ResponseDue: ptr(at("2026-03-13 16:30")), ResponseWarn: ptr(at("2026-03-13 16:22:30")),
			ResolveDue: ptr(at("2026-03-13 20:00")), ResolveWarn: ptr(at("2026-03-13 19:00")),
		}},
		{"start, business P1 on friday afternoon", func() desk.SLA {
			return desk.StartSLA(biz, at("2026-03-13 16:00"), desk.DefaultTargets()[0], 0.75)
		}, desk.SLA{
			Calendar:    "business",
			ResponseDue: ptr(at("2026-03-13 16:30")), ResponseWarn: ptr(at("2026-03-13 16:22:30")),
			ResolveDue: ptr(at("2026-03-16 11:00")), ResolveWarn: ptr(at("2026-03-16 10:00")),
		}},
		{"warning share of one half", func() desk.SLA { return desk.StartSLA(biz, reg, p3, 0.5) }, desk.SLA{
			Calendar:    "business",
			ResponseDue: ptr(at("2026-03-09 12:30")), ResponseWarn: ptr(at("2026-03-09 10:30")),
			ResolveDue: ptr(at("2026-03-18 17:30")), ResolveWarn: ptr(at("2026-03-12 17:30")),
		}},
		{"no targets, no deadlines", func() desk.SLA { return desk.StartSLA(biz, reg, desk.Target{Priority: desk.P5}, 0.75) },
			desk.SLA{Calendar: "business"}},
		{"pause: the resolution deadlines go, the response stays", func() desk.SLA {
			return desk.StartSLA(biz, reg, p3, 0.75).Pause(at("2026-03-13 17:30"))
		}, desk.SLA{
			Calendar:    "business",
			ResponseDue: ptr(at("2026-03-09 12:30")), ResponseWarn: ptr(at("2026-03-09 11:30")),
			PausedSince: ptr(at("2026-03-13 17:30")),
		}},
		{"pausing twice keeps the first start", func() desk.SLA {
			return desk.StartSLA(biz, reg, p3, 0.75).Pause(at("2026-03-13 17:30")).Pause(at("2026-03-16 09:00"))
		}, desk.SLA{
			Calendar:    "business",
			ResponseDue: ptr(at("2026-03-09 12:30")), ResponseWarn: ptr(at("2026-03-09 11:30")),
			PausedSince: ptr(at("2026-03-13 17:30")),
		}},
		{"paused friday 17:30, resumed monday 10:00: 1.5 hours paused", func() desk.SLA {
			return desk.StartSLA(biz, reg, p3, 0.75).Pause(at("2026-03-13 17:30")).Resume(biz, reg, p3, 0.75, at("2026-03-16 10:00"))
		}, desk.SLA{
			Calendar:    "business",
			ResponseDue: ptr(at("2026-03-09 12:30")), ResponseWarn: ptr(at("2026-03-09 11:30")),
			ResolveDue: ptr(at("2026-03-19 10:00")), ResolveWarn: ptr(at("2026-03-17 10:00")),
			Paused: 90 * time.Minute,
		}},
		{"paused friday 17:00, resumed monday 10:00: 2 hours paused", func() desk.SLA {
			return desk.StartSLA(biz, reg, p3, 0.75).Pause(at("2026-03-13 17:00")).Resume(biz, reg, p3, 0.75, at("2026-03-16 10:00"))
		}, desk.SLA{
			Calendar:    "business",
			ResponseDue: ptr(at("2026-03-09 12:30")), ResponseWarn: ptr(at("2026-03-09 11:30")),
			ResolveDue: ptr(at("2026-03-19 10:30")), ResolveWarn: ptr(at("2026-03-17 10:30")),
			Paused: 2 * time.Hour,
		}},
		{"a rejected solution resumes the clock", func() desk.SLA {
			// resolved wednesday 10:00, rejected thursday 11:00: 7.5 + 2.5 hours awaiting confirmation
			return desk.StartSLA(biz, reg, p3, 0.75).Pause(at("2026-03-18 10:00")).Resume(biz, reg, p3, 0.75, at("2026-03-19 11:00"))
		}, desk.SLA{
			Calendar:    "business",
			ResponseDue: ptr(at("2026-03-09 12:30")), ResponseWarn: ptr(at("2026-03-09 11:30")),
			ResolveDue: ptr(at("2026-03-20 09:30")), ResolveWarn: ptr(at("2026-03-18 09:30")),
			Paused: 10 * time.Hour,
		}},
		{"a priority change recomputes from registration and keeps the paused time", func() desk.SLA {
			return desk.StartSLA(biz, reg, p3, 0.75).Pause(at("2026-03-09 10:00")).Resume(biz, reg, p3, 0.75, at("2026-03-09 11:30")).
				Retarget(biz, reg, p2, 0.75)
		}, desk.SLA{
			Calendar:    "business",
			ResponseDue: ptr(at("2026-03-09 09:30")), ResponseWarn: ptr(at("2026-03-09 09:15")),
			ResolveDue: ptr(at("2026-03-10 09:00")), ResolveWarn: ptr(at("2026-03-09 16:00")),
			Paused: 90 * time.Minute,
		}},
		{"a priority change while paused stays paused", func() desk.SLA {
			return desk.StartSLA(biz, reg, p3, 0.75).Pause(at("2026-03-09 10:00")).Retarget(biz, reg, p2, 0.75)
		}, desk.SLA{
			Calendar:    "business",
			ResponseDue: ptr(at("2026-03-09 09:30")), ResponseWarn: ptr(at("2026-03-09 09:15")),
			PausedSince: ptr(at("2026-03-09 10:00")),
		}},
		{"resuming after a priority change uses the new target", func() desk.SLA {
			return desk.StartSLA(biz, reg, p3, 0.75).Pause(at("2026-03-09 10:00")).Retarget(biz, reg, p2, 0.75).
				Resume(biz, reg, p2, 0.75, at("2026-03-09 11:30"))
		}, desk.SLA{
			Calendar:    "business",
			ResponseDue: ptr(at("2026-03-09 09:30")), ResponseWarn: ptr(at("2026-03-09 09:15")),
			ResolveDue: ptr(at("2026-03-10 09:00")), ResolveWarn: ptr(at("2026-03-09 16:00")),
			Paused: 90 * time.Minute,
		}},
		{"waiting after the breach does not undo it", func() desk.SLA {
			// P2 is due monday 16:30; the incident waits from tuesday 12:00 to wednesday 12:00.
			return desk.StartSLA(biz, reg, p2, 0.75).Pause(at("2026-03-10 12:00")).Resume(biz, reg, p2, 0.75, at("2026-03-11 12:00"))
		}, desk.SLA{
			Calendar:    "business",
			ResponseDue: ptr(at("2026-03-09 09:30")), ResponseWarn: ptr(at("2026-03-09 09:15")),
			ResolveDue: ptr(at("2026-03-09 16:30")), ResolveWarn: ptr(at("2026-03-09 14:30")),
		}},
		{"resuming a running clock changes nothing", func() desk.SLA {
			return desk.StartSLA(biz, reg, p3, 0.75).Resume(biz, reg, p3, 0.75, at("2026-03-12 10:00"))
		}, desk.SLA{
			Calendar:    "business",
			ResponseDue: ptr(at("2026-03-09 12:30")), ResponseWarn: ptr(at("2026-03-09 11:30")),
			ResolveDue: ptr(at("2026-03-18 17:30")), ResolveWarn: ptr(at("2026-03-16 17:30")),
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.run()
			if !sameSLA(got, c.want) {
				t.Errorf("got  %s\nwant %s", show(got), show(c.want))
			}
		})
	}
}

func TestWarnShareDefault(t *testing.T) {
	t.Parallel()
	k := clockOf(t, always())
	reg := at("2026-03-09 08:00")
	want := desk.StartSLA(k, reg, p3, desk.DefaultWarnShare)
	for _, share := range []float64{0, -0.5, 1.5, math.NaN(), math.Inf(1)} {
		if got := desk.StartSLA(k, reg, p3, share); !sameSLA(got, want) {
			t.Errorf("share %v: %s, want the default %s", share, show(got), show(want))
		}
	}
	if got := desk.StartSLA(k, reg, p3, 1); !got.ResolveWarn.Equal(*got.ResolveDue) {
		t.Errorf("share 1 warns at %v, not at the deadline", got.ResolveWarn)
	}
}

func TestSLAPureAndUTC(t *testing.T) {
	t.Parallel()
	k := clockOf(t, business())
	reg := at("2026-03-09 08:30")
	s := desk.StartSLA(k, reg, p3, 0.75)
	due := *s.ResolveDue
	paused := s.Pause(at("2026-03-10 10:00"))
	if s.ResolveDue == nil || !s.ResolveDue.Equal(due) || s.PausedSince != nil {
		t.Error("Pause changed its receiver")
	}
	paused.Resume(k, reg, p3, 0.75, at("2026-03-11 10:00"))
	if paused.PausedSince == nil || paused.Paused != 0 {
		t.Error("Resume changed its receiver")
	}
	for _, p := range []*time.Time{s.ResponseDue, s.ResponseWarn, s.ResolveDue, s.ResolveWarn, paused.PausedSince} {
		if p.Location() != time.UTC {
			t.Errorf("%v is stored in %v, want UTC", p, p.Location())
		}
	}
}

func TestBreachedAndRemaining(t *testing.T) {
	t.Parallel()
	k := clockOf(t, business())
	reg := at("2026-03-09 08:30")
	s := desk.StartSLA(k, reg, p2, 0.75) // response due 09:30, resolution due 16:30
	cases := []struct {
		name              string
		s                 desk.SLA
		now               time.Time
		response, resolve bool
		responseLeft      time.Duration
		resolveLeft       time.Duration
		resolveOK         bool
	}{
		{"fresh", s, at("2026-03-09 09:00"), false, false, 30 * time.Minute, 450 * time.Minute, true},
		{"at the response deadline it is still met", s, at("2026-03-09 09:30"), false, false, 0, 7 * time.Hour, true},
		{"just after the response deadline", s, at("2026-03-09 09:30:00.001"), true, false, -time.Millisecond, 7*time.Hour - time.Millisecond, true},
		{"both passed", s, at("2026-03-10 09:00"), true, true, -23*time.Hour - 30*time.Minute, -16*time.Hour - 30*time.Minute, true},
		{"paused never breaches", s.Pause(at("2026-03-09 12:00")), at("2026-03-10 09:00"), true, false, -23*time.Hour - 30*time.Minute, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.s.ResponseBreached(c.now); got != c.response {
				t.Errorf("ResponseBreached = %v", got)
			}
			if got := c.s.ResolveBreached(c.now); got != c.resolve {
				t.Errorf("ResolveBreached = %v", got)
			}
			if left, ok := c.s.ResponseRemaining(c.now); !ok || left != c.responseLeft {
				t.Errorf("ResponseRemaining = %v, %v; want %v", left, ok, c.responseLeft)
			}
			if left, ok := c.s.ResolveRemaining(c.now); ok != c.resolveOK || left != c.resolveLeft {
				t.Errorf("ResolveRemaining = %v, %v; want %v, %v", left, ok, c.resolveLeft, c.resolveOK)
			}
		})
	}
	none := desk.StartSLA(k, reg, desk.Target{}, 0.75)
	if none.ResponseBreached(at("2030-01-01 00:00")) || none.ResolveBreached(at("2030-01-01 00:00")) {
		t.Error("no deadline breaches")
	}
	if _, ok := none.ResponseRemaining(reg); ok {
		t.Error("no deadline has time left")
	}
}

func sameTime(a, b *time.Time) bool {
	return a == nil && b == nil || a != nil && b != nil && a.Equal(*b)
}

func sameSLA(a, b desk.SLA) bool {
	return a.Calendar == b.Calendar && a.Paused == b.Paused &&
		sameTime(a.ResponseDue, b.ResponseDue) && sameTime(a.ResponseWarn, b.ResponseWarn) &&
		sameTime(a.ResolveDue, b.ResolveDue) && sameTime(a.ResolveWarn, b.ResolveWarn) &&
		sameTime(a.PausedSince, b.PausedSince)
}

func show(s desk.SLA) string {
	f := func(t *time.Time) string {
		if t == nil {
			return "nil"
		}
		return t.In(ams).Format("Mon 2006-01-02 15:04:05.999")
	}
	return "{" + s.Calendar + " response " + f(s.ResponseDue) + " (warn " + f(s.ResponseWarn) + ") resolve " +
		f(s.ResolveDue) + " (warn " + f(s.ResolveWarn) + ") paused " + s.Paused.String() + " since " + f(s.PausedSince) + "}"
}
