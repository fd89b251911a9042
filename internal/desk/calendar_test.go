package desk_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
)

var ams = mustZone("Europe/Amsterdam")

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// at reads "2006-01-02 15:04" (or with seconds) on the wall clock of Amsterdam.
func at(s string) time.Time {
	layout := "2006-01-02 15:04"
	if strings.Count(s, ":") == 2 {
		layout = "2006-01-02 15:04:05.999999999"
	}
	t, err := time.ParseInLocation(layout, s, ams)
	if err != nil {
		panic(err)
	}
	return t
}

// utc reads "2006-01-02 15:04" in UTC, for instants the wall clock of Amsterdam names twice
// or not at all.
func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func business() desk.Calendar { return desk.DefaultCalendars()[1] }
func always() desk.Calendar   { return desk.DefaultCalendars()[0] }

// every returns a week with the same spans on every day.
func every(spans ...desk.Span) (w [7][]desk.Span) {
	for d := range w {
		w[d] = slices.Clone(spans)
	}
	return w
}

func hm(h, m int) int { return h*60 + m }

func TestDefaultCalendars(t *testing.T) {
	t.Parallel()
	cs := desk.DefaultCalendars()
	if len(cs) != 2 || cs[0].Slug != "24x7" || !cs[0].AlwaysOpen || cs[1].Slug != "business" || cs[1].AlwaysOpen {
		t.Fatalf("default calendars %+v", cs)
	}
	b := cs[1]
	if b.ZoneName() != "Europe/Amsterdam" || !slices.Equal(b.Holidays, holidays.NL().Codes()) {
		t.Errorf("business: zone %s, holidays %v", b.ZoneName(), b.Holidays)
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		want := []desk.Span{{hm(8, 30), hm(17, 30)}}
		if d == time.Saturday || d == time.Sunday {
			want = nil
		}
		if !slices.Equal(b.Week[d], want) {
			t.Errorf("business %s: %v, want %v", d, b.Week[d], want)
		}
	}
	// Each call returns fresh slices, so one caller's edit cannot change another's defaults.
	cs[1].Week[time.Monday][0].Start = 0
	cs[1].Holidays[0] = "x"
	if again := business(); again.Week[time.Monday][0].Start != hm(8, 30) || again.Holidays[0] != "nieuwjaarsdag" {
		t.Error("defaults share their slices")
	}
}

func TestCalendarValidate(t *testing.T) {
	t.Parallel()
	nl := holidays.NL()
	cases := []struct {
		name   string
		edit   func(c *desk.Calendar)
		noH    bool   // validate without a holiday source
		field  string // "" when valid
		rule   string
		expect func(t *testing.T, c desk.Calendar)
	}{
		{name: "business is valid", edit: func(c *desk.Calendar) {}},
		{name: "24x7 is valid without hours", edit: func(c *desk.Calendar) { *c = always() }},
		{name: "always open keeps hours it ignores", edit: func(c *desk.Calendar) { c.AlwaysOpen = true }},
		{name: "slug derived from the name", edit: func(c *desk.Calendar) { c.Slug, c.Name = "", "  Nachtdienst Zuid " },
			expect: func(t *testing.T, c desk.Calendar) {
				if c.Slug != "nachtdienst-zuid" || c.Name != "Nachtdienst Zuid" {
					t.Errorf("slug %q, name %q", c.Slug, c.Name)
				}
			}},
		{name: "bad slug", edit: func(c *desk.Calendar) { c.Slug = "Kantoor Uren" }, field: "slug", rule: "slug"},
		{name: "name required", edit: func(c *desk.Calendar) { c.Name = " " }, field: "name", rule: "required"},
		{name: "empty zone means amsterdam", edit: func(c *desk.Calendar) { c.Zone = "" },
			expect: func(t *testing.T, c desk.Calendar) {
				if c.ZoneName() != desk.DefaultZone {
					t.Errorf("zone %q", c.ZoneName())
				}
			}},
		{name: "other zone", edit: func(c *desk.Calendar) { c.Zone = "America/Curacao" }},
		{name: "unknown zone", edit: func(c *desk.Calendar) { c.Zone = "Europe/Utrecht" }, field: "zone", rule: "zone"},
		{name: "machine-local zone", edit: func(c *desk.Calendar) { c.Zone = "Local" }, field: "zone", rule: "zone"},
		{name: "span past midnight", edit: func(c *desk.Calendar) { c.Week[1] = []desk.Span{{hm(22, 0), hm(24, 1)}} }, field: "week[1][0]", rule: "range"},
		{name: "negative start", edit: func(c *desk.Calendar) { c.Week[2] = []desk.Span{{-1, 60}} }, field: "week[2][0]", rule: "range"},
		{name: "empty span", edit: func(c *desk.Calendar) { c.Week[3] = []desk.Span{{600, 600}} }, field: "week[3][0]", rule: "order"},
		{name: "reversed span", edit: func(c *desk.Calendar) { c.Week[3] = []desk.Span{{hm(17, 0), hm(9, 0)}} }, field: "week[3][0]", rule: "order"},
		{name: "overlapping spans", edit: func(c *desk.Calendar) {
			c.Week[4] = []desk.Span{{hm(8, 0), hm(12, 0)}, {hm(11, 0), hm(17, 0)}}
		}, field: "week[4][1]", rule: "overlap"},
		{name: "unsorted spans", edit: func(c *desk.Calendar) {
			c.Week[4] = []desk.Span{{hm(13, 0), hm(17, 0)}, {hm(8, 0), hm(12, 0)}}
		}, field: "week[4][1]", rule: "overlap"},
		{name: "touching spans are fine", edit: func(c *desk.Calendar) {
			c.Week[4] = []desk.Span{{hm(8, 0), hm(12, 0)}, {hm(12, 0), hm(17, 0)}, {hm(22, 0), hm(24, 0)}}
		}},
		{name: "too many spans", edit: func(c *desk.Calendar) {
			c.Week[5] = nil
			for i := range desk.MaxSpansPerDay + 1 {
				c.Week[5] = append(c.Week[5], desk.Span{i * 60, i*60 + 30})
			}
		}, field: "week[5]", rule: "max_items"},
		{name: "never open", edit: func(c *desk.Calendar) { c.Week = [7][]desk.Span{} }, field: "week", rule: "open"},
		{name: "unknown holiday", edit: func(c *desk.Calendar) { c.Holidays = append(c.Holidays, "sinterklaas") }, field: "holidays[11]", rule: "one_of"},
		{name: "holiday twice", edit: func(c *desk.Calendar) { c.Holidays = []string{"koningsdag", "koningsdag"} }, field: "holidays[1]", rule: "unique"},
		{name: "holidays without a source", edit: func(c *desk.Calendar) {}, noH: true, field: "holidays[0]", rule: "one_of"},
		{name: "no holidays needs no source", edit: func(c *desk.Calendar) { c.Holidays = nil }, noH: true},
		{name: "closing days", edit: func(c *desk.Calendar) { c.ClosedDays = []string{"2026-12-24", "2026-12-31"} }},
		{name: "closing day not a date", edit: func(c *desk.Calendar) { c.ClosedDays = []string{"2026-02-30"} }, field: "closed_days[0]", rule: "date"},
		{name: "closing day badly written", edit: func(c *desk.Calendar) { c.ClosedDays = []string{"24-12-2026"} }, field: "closed_days[0]", rule: "date"},
		{name: "closing day twice", edit: func(c *desk.Calendar) { c.ClosedDays = []string{"2026-12-24", "2026-12-24"} }, field: "closed_days[1]", rule: "unique"},
		{name: "too many closing days", edit: func(c *desk.Calendar) {
			for i := range desk.MaxClosedDays + 1 {
				c.ClosedDays = append(c.ClosedDays, time.Date(2026, 1, 1+i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly))
			}
		}, field: "closed_days", rule: "max_items"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cal := business()
			c.edit(&cal)
			var h desk.Holidays = nl
			if c.noH {
				h = nil
			}
			err := cal.Validate(h)
			if c.field == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				if c.expect != nil {
					c.expect(t, cal)
				}
				return
			}
			var e *desk.Error
			if !asError(err, &e) || e.Code != desk.EINVALID {
				t.Fatalf("error %v, want invalid", err)
			}
			for _, f := range e.Fields {
				if f.Field == c.field && f.Rule == c.rule {
					return
				}
			}
			t.Errorf("fields %+v, want %s/%s", e.Fields, c.field, c.rule)
		})
	}
}

func asError(err error, e **desk.Error) bool {
	x, ok := err.(*desk.Error)
	*e = x
	return ok
}

func TestParseSpan(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want desk.Span
		ok   bool
	}{
		{"08:30-17:30", desk.Span{510, 1050}, true},
		{" 8:30 – 17:30 ", desk.Span{510, 1050}, true},
		{"22:00-24:00", desk.Span{1320, 1440}, true},
		{"00:00-24:00", desk.Span{0, 1440}, true},
		{"00:00-00:01", desk.Span{0, 1}, true},
		{"17:30-08:30", desk.Span{}, false},
		{"09:00-09:00", desk.Span{}, false},
		{"24:00-24:30", desk.Span{}, false},
		{"08:60-09:00", desk.Span{}, false},
		{"0830-1730", desk.Span{}, false},
		{"08:30", desk.Span{}, false},
	}
	for _, c := range cases {
		got, err := desk.ParseSpan(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseSpan(%q) = %v, %v; want %v ok=%v", c.in, got, err, c.want, c.ok)
		}
		if back, err := desk.ParseSpan(got.String()); c.ok && (err != nil || back != got) {
			t.Errorf("ParseSpan(%q) = %v, %v; String does not round-trip", got.String(), back, err)
		}
	}
	if s := (desk.Span{510, 1050}).String(); s != "08:30-17:30" {
		t.Errorf("String() = %q", s)
	}
}

func TestNewClockRefuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		edit  func(c *desk.Calendar)
		field string
	}{
		{"zone", func(c *desk.Calendar) { c.Zone = "Mars/Olympus" }, "zone"},
		{"span", func(c *desk.Calendar) { c.Week[1] = []desk.Span{{600, 500}} }, "week[1][0]"},
		{"holiday", func(c *desk.Calendar) { c.Holidays = []string{"sinterklaas"} }, "holidays[0]"},
		{"closing day", func(c *desk.Calendar) { c.ClosedDays = []string{"morgen"} }, "closed_days[0]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cal := business()
			c.edit(&cal)
			k, err := desk.NewClock(cal, holidays.NL())
			var e *desk.Error
			if k != nil || !asError(err, &e) || len(e.Fields) == 0 || e.Fields[0].Field != c.field {
				t.Errorf("NewClock = %v, %v; want an error on %s", k, err, c.field)
			}
		})
	}
	if _, err := desk.NewClock(business(), nil); err == nil {
		t.Error("a calendar with holidays needs a holiday source")
	}
	never := business()
	never.Week = [7][]desk.Span{}
	if _, err := desk.NewClock(never, holidays.NL()); err != nil {
		t.Errorf("NewClock refuses a calendar without open time (the guard's job): %v", err)
	}
}

func TestOpen(t *testing.T) {
	t.Parallel()
	retail := business() // Monday to Saturday 09:00–18:00
	retail.Slug, retail.Week = "retail", every(desk.Span{hm(9, 0), hm(18, 0)})
	retail.Week[time.Sunday] = nil
	noGoodFriday := business()
	noGoodFriday.Holidays = slices.DeleteFunc(slices.Clone(noGoodFriday.Holidays), func(s string) bool { return s == "goede_vrijdag" })
	closing := business()
	closing.ClosedDays = []string{"2026-12-24"}
	gap := business() // only on Sundays, 02:30–04:00: inside the hour that daylight saving skips or repeats
	gap.Week, gap.Holidays = [7][]desk.Span{time.Sunday: {{hm(2, 30), hm(4, 0)}}}, nil
	cases := []struct {
		name string
		cal  desk.Calendar
		t    time.Time
		want bool
	}{
		{"business at opening", business(), at("2026-03-10 08:30"), true},
		{"business before opening", business(), at("2026-03-10 08:29:59.999"), false},
		{"business last second", business(), at("2026-03-10 17:29:59.999"), true},
		{"business at closing", business(), at("2026-03-10 17:30"), false},
		{"business at night", business(), at("2026-03-10 23:00"), false},
		{"business on saturday", business(), at("2026-03-14 10:00"), false},
		{"business on sunday", business(), at("2026-03-15 10:00"), false},
		{"the same instant in another zone", business(), at("2026-03-10 08:30").UTC(), true},
		{"christmas", business(), at("2026-12-25 10:00"), false},
		{"christmas eve is a working day", business(), at("2026-12-24 10:00"), true},
		{"provider's closing day", closing, at("2026-12-24 10:00"), false},
		{"easter monday", business(), at("2026-04-06 10:00"), false},
		{"good friday", business(), at("2026-04-03 10:00"), false},
		{"good friday switched off", noGoodFriday, at("2026-04-03 10:00"), true},
		{"koningsdag 2026 on its monday", business(), at("2026-04-27 10:00"), false},
		{"koningsdag 2025 moves to saturday 26 april", retail, at("2025-04-26 10:00"), false},
		{"an ordinary saturday is open", retail, at("2025-05-03 10:00"), true},
		{"whit sunday in a sunday calendar", gap, at("2026-05-24 03:00"), true},
		{"24x7 on christmas night", always(), at("2026-12-25 03:00"), true},
		{"skipped hour: 02:30 never shows, 03:00 summer time is in the span", gap, utc("2026-03-29 01:00"), true},
		{"skipped hour: just before the jump is 01:59 winter time", gap, utc("2026-03-29 00:59"), false},
		{"repeated hour: 02:30 summer time", gap, utc("2026-10-25 00:30"), true},
		{"repeated hour: 02:00 winter time", gap, utc("2026-10-25 01:00"), false},
		{"repeated hour: 02:30 winter time", gap, utc("2026-10-25 01:30"), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k, err := desk.NewClock(c.cal, holidays.NL())
			if err != nil {
				t.Fatal(err)
			}
			if got := k.Open(c.t); got != c.want {
				t.Errorf("Open(%v) = %v, want %v", c.t.In(ams), got, c.want)
			}
		})
	}
}
