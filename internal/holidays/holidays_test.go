package holidays

import (
	"slices"
	"testing"
	"time"

	"meldpunt/internal/desk"
)

func TestOn(t *testing.T) {
	t.Parallel()
	h := NL()
	cases := []struct {
		name  string
		code  string
		year  int
		month time.Month
		day   int
	}{
		{"new year", "nieuwjaarsdag", 2026, time.January, 1},
		{"good friday 2026", "goede_vrijdag", 2026, time.April, 3},
		{"easter sunday 2026", "eerste_paasdag", 2026, time.April, 5},
		{"easter monday 2026", "tweede_paasdag", 2026, time.April, 6},
		{"easter monday 2025", "tweede_paasdag", 2025, time.April, 21},
		{"koningsdag on a monday", "koningsdag", 2026, time.April, 27},
		{"koningsdag on a sunday moves to saturday 26 april", "koningsdag", 2025, time.April, 26},
		{"koningsdag 2031 moves too", "koningsdag", 2031, time.April, 26},
		{"liberation day", "bevrijdingsdag", 2026, time.May, 5},
		{"ascension 2026", "hemelvaartsdag", 2026, time.May, 14},
		{"whit sunday 2026", "eerste_pinksterdag", 2026, time.May, 24},
		{"whit monday 2026", "tweede_pinksterdag", 2026, time.May, 25},
		{"christmas", "eerste_kerstdag", 2026, time.December, 25},
		{"boxing day", "tweede_kerstdag", 2026, time.December, 26},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, d, ok := h.On(c.code, c.year)
			if !ok || m != c.month || d != c.day {
				t.Errorf("On(%q, %d) = %v %d %v, want %v %d", c.code, c.year, m, d, ok, c.month, c.day)
			}
		})
	}
	if _, _, ok := h.On("sinterklaas", 2026); ok {
		t.Error("an unknown code has a date")
	}
}

// TestKoningsdagRule checks the move over a century: 27 April, or 26 April when the 27th is
// a Sunday, and never on a Sunday.
func TestKoningsdagRule(t *testing.T) {
	t.Parallel()
	h := NL()
	moved := 0
	for y := 2000; y < 2100; y++ {
		want := 27
		if time.Date(y, time.April, 27, 0, 0, 0, 0, time.UTC).Weekday() == time.Sunday {
			want, moved = 26, moved+1
		}
		if m, d, ok := h.On("koningsdag", y); !ok || m != time.April || d != want {
			t.Errorf("koningsdag %d = %v %d %v, want April %d", y, m, d, ok, want)
		}
	}
	if moved == 0 {
		t.Error("no year moved Koningsdag; the rule went untested")
	}
}

// TestEasterRelated checks that the holidays that follow Easter keep their distance to it.
func TestEasterRelated(t *testing.T) {
	t.Parallel()
	h := NL()
	offsets := map[string]int{"goede_vrijdag": -2, "tweede_paasdag": 1, "hemelvaartsdag": 39, "eerste_pinksterdag": 49, "tweede_pinksterdag": 50}
	for y := 1990; y < 2060; y++ {
		m, d, ok := h.On("eerste_paasdag", y)
		easter := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		if !ok || easter.Weekday() != time.Sunday || m < time.March || m > time.April {
			t.Fatalf("easter %d = %v", y, easter)
		}
		for code, off := range offsets {
			m, d, ok := h.On(code, y)
			if got := time.Date(y, m, d, 0, 0, 0, 0, time.UTC); !ok || !got.Equal(easter.AddDate(0, 0, off)) {
				t.Errorf("%s %d = %v, want %v", code, y, got, easter.AddDate(0, 0, off))
			}
		}
	}
}

func TestCodes(t *testing.T) {
	t.Parallel()
	h := NL()
	if !slices.Equal(h.Codes(), desk.DutchHolidayCodes()) {
		t.Errorf("codes %v differ from desk's %v", h.Codes(), desk.DutchHolidayCodes())
	}
	if len(h.Codes()) != len(dutch) {
		t.Errorf("%d codes, %d definitions", len(h.Codes()), len(dutch))
	}
	for _, code := range h.Codes() {
		if _, _, ok := h.On(code, 2026); !ok {
			t.Errorf("%s has no date in 2026", code)
		}
	}
}

// TestValidatesDefaults checks that the default calendars name only codes that NL knows.
func TestValidatesDefaults(t *testing.T) {
	t.Parallel()
	for _, c := range desk.DefaultCalendars() {
		if err := c.Validate(NL()); err != nil {
			t.Errorf("%s: %v", c.Slug, err)
		}
	}
}
