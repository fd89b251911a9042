package desk_test

// Fuzz targets for the domain's parsers of outside input: opening hours, calendars (their
// closing days and zones, and the clock over them), incident and change numbers,
// priorities and months (docs/testing.md). Their seeds run with every test run;
// scripts/fuzz fuzzes them.

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
)

// checkInvalid fails unless err is a *desk.Error EINVALID; with fields, every field error
// names its field and rule.
func checkInvalid(t *testing.T, err error, fields bool) *desk.Error {
	t.Helper()
	var e *desk.Error
	if !errors.As(err, &e) || e.Code != desk.EINVALID {
		t.Fatalf("error %T %v, want a *desk.Error %s", err, err, desk.EINVALID)
	}
	if fields && len(e.Fields) == 0 {
		t.Fatalf("the error names no field: %v", e)
	}
	for _, fe := range e.Fields {
		if fe.Field == "" || fe.Rule == "" || fe.Message == "" {
			t.Fatalf("a field error lacks its field, rule or message: %+v", fe)
		}
	}
	return e
}

// FuzzParseSpan: opening hours that are read lie within one day, start before they end, and
// write back as text that reads as the same span; whatever is refused is EINVALID.
func FuzzParseSpan(f *testing.F) {
	for _, s := range []string{"08:30-17:30", "00:00-24:00", " 9:00 – 12:00 ", "17:00-08:00", "24:00-24:00",
		"08:60-09:00", "-1:00-02:00", "+8:00-09:00", "08:30", "8:3-9:00", "٠٨:٣٠-١٧:٣٠", "08:30-17:30-18:00", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sp, err := desk.ParseSpan(s)
		if err != nil {
			checkInvalid(t, err, false)
			return
		}
		if sp.Start < 0 || sp.Start >= sp.End || sp.End > 24*60 {
			t.Fatalf("ParseSpan(%q) = %+v, out of range", s, sp)
		}
		back, err := desk.ParseSpan(sp.String())
		if err != nil || back != sp {
			t.Fatalf("ParseSpan(%q) = %+v, written %q, read back %+v, %v", s, sp, sp.String(), back, err)
		}
	})
}

// FuzzCalendar: a calendar sent as JSON is valid or refused naming each field; a valid one
// makes a clock, and over that clock Between undoes Add: Between(from, Add(from, d)) == d.
func FuzzCalendar(f *testing.F) {
	week := `[[],[{"start":510,"end":1050}],[{"start":510,"end":1050}],[],[],[],[{"start":0,"end":1440}]]`
	for _, s := range []string{
		`{"name":"Office","zone":"Europe/Amsterdam","week":` + week + `,"holidays":["koningsdag","eerste_kerstdag"],"closed_days":["2026-12-24","2027-01-02"]}`,
		`{"name":"Always","always_open":true}`,
		`{"name":"Night","zone":"America/St_Johns","week":[[{"start":0,"end":60},{"start":60,"end":120}],[],[],[],[],[],[]]}`,
		`{"name":"DST","zone":"Europe/London","week":[[{"start":60,"end":180}],[{"start":60,"end":180}],[],[],[],[],[]]}`,
		`{"name":"Closed","week":[[],[],[],[],[],[],[]]}`,
		`{"name":"Bad","zone":"Local","week":[[{"start":900,"end":600}],[],[],[],[],[],[]],"holidays":["x","x"],"closed_days":["2026-02-30","1899-12-31","2026-12-24","2026-12-24"]}`,
		`{"name":"Zone","zone":"../../etc/passwd"}`,
		`{"name":"Overlap","week":[[{"start":60,"end":600},{"start":300,"end":900}],[],[],[],[],[],[]]}`,
	} {
		f.Add([]byte(s), int64(1767225600), int64(90))
	}
	f.Add([]byte(`{"name":"Leap","zone":"Pacific/Apia","week":`+week+`}`), int64(1325152800), int64(60*24*3))
	f.Add([]byte(`{"name":"Far","zone":"UTC","week":`+week+`}`), int64(-62135596800), int64(1))
	h := holidays.NL()
	f.Fuzz(func(t *testing.T, data []byte, fromUnix int64, minutes int64) {
		var c desk.Calendar
		if json.Unmarshal(data, &c) != nil {
			return
		}
		if err := c.Validate(h); err != nil {
			checkInvalid(t, err, true)
			return
		}
		k, err := desk.NewClock(c, h)
		if err != nil {
			t.Fatalf("a valid calendar %+v makes no clock: %v", c, err)
		}
		// From the year 1900 to 2200, and up to a year of open time.
		from := time.Unix(-2208988800+(fromUnix%(300*365*86400)+300*365*86400)%(300*365*86400), 0)
		d := time.Duration((minutes%(366*24*60)+366*24*60)%(366*24*60)) * time.Minute
		due := k.Add(from, d)
		if due.Equal(desk.Never) {
			return // the clock gave up: closed too long
		}
		if due.Before(from) {
			t.Fatalf("Add(%v, %v) = %v, before it", from, d, due)
		}
		if got := k.Between(from, due); got != d {
			t.Fatalf("calendar %s: Between(%v, Add(%v, %v) = %v) = %v", data, from, from, d, due, got)
		}
	})
}

// FuzzNumbers: incident and change numbers are read as positive ids, and every id's number
// reads back as that id.
func FuzzNumbers(f *testing.F) {
	for _, s := range []string{"INC-000123", "inc-7", "123", "0", "INC-", "INC--1", "CHG-000012", "chg-12", " 12 ",
		"INC-9223372036854775807", "INC-9223372036854775808", "١٢"} {
		f.Add(s, int64(len(s)))
	}
	f.Fuzz(func(t *testing.T, s string, id int64) {
		if n, ok := desk.ParseNumber(s); ok && n <= 0 {
			t.Fatalf("ParseNumber(%q) = %d, accepted", s, n)
		}
		if n, ok := desk.ParseChangeNumber(s); ok && n <= 0 {
			t.Fatalf("ParseChangeNumber(%q) = %d, accepted", s, n)
		}
		if id <= 0 {
			return
		}
		if n, ok := desk.ParseNumber(desk.FormatNumber(id)); !ok || n != id {
			t.Fatalf("ParseNumber(%q) = %d, %v", desk.FormatNumber(id), n, ok)
		}
		if n, ok := desk.ParseChangeNumber(desk.FormatChangeNumber(id)); !ok || n != id {
			t.Fatalf("ParseChangeNumber(%q) = %d, %v", desk.FormatChangeNumber(id), n, ok)
		}
	})
}

// FuzzPriorityAndMonth: a priority is read only as P1…P5 and writes back as itself; a month
// is read only as YYYY-MM (else a 422 naming "month") and writes back as itself.
func FuzzPriorityAndMonth(f *testing.F) {
	for _, s := range []string{"P1", "p5", "3", "P0", "P6", "P+1", "+1", "P01", "2026-11", "2026-13", "1999-12", "9999-01", "2026-1", "+2026-11", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var p desk.Priority
		if err := p.UnmarshalText([]byte(s)); err == nil {
			if !p.Valid() {
				t.Fatalf("priority %q read as %d", s, p)
			}
			b, _ := p.MarshalText()
			var back desk.Priority
			if back.UnmarshalText(b) != nil || back != p {
				t.Fatalf("priority %q: %s reads back as %d", s, b, back)
			}
		}
		m, err := desk.ParseMonth(s)
		if err != nil {
			e := checkInvalid(t, err, true)
			if !slices.ContainsFunc(e.Fields, func(fe desk.FieldError) bool { return fe.Field == "month" }) {
				t.Fatalf("ParseMonth(%q): %v does not name month", s, err)
			}
			return
		}
		if back, err := desk.ParseMonth(m.String()); err != nil || back != m {
			t.Fatalf("ParseMonth(%q) = %v, written %q, read back %v, %v", s, m, m.String(), back, err)
		}
	})
}
