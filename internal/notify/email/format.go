package email

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Amsterdam, even on hosts without a time zone database

	"meldpunt/internal/desk"
)

// Reading the payload, and writing times and durations the way each language does.

// amsterdam is the zone every time in a message is shown in.
var amsterdam = func() *time.Location {
	z, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return z
}()

// str returns the payload's value under key as text; "" when it is missing or null.
func (r *draft) str(key string) string { return str(r.payload[key]) }

func str(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return strings.TrimSpace(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return "" // an object or a list is no text
}

// has tells whether the payload has a non-empty value under key.
func (r *draft) has(key string) bool { return r.str(key) != "" }

// flag reads a boolean: true, or the text "true".
func (r *draft) flag(key string) bool {
	switch v := r.payload[key].(type) {
	case bool:
		return v
	case string:
		b, _ := strconv.ParseBool(v)
		return b
	}
	return false
}

// int reads a whole number, written as a number or as text.
func (r *draft) int(key string) (int, bool) { return toInt(r.payload[key]) }

func toInt(v any) (int, bool) {
	switch v := v.(type) {
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return int(v), true
		}
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(v))
		return n, err == nil
	}
	return 0, false
}

// object returns the payload's object under key: present tells whether the key exists, a
// nil map with present true means null.
func (r *draft) object(key string) (m map[string]any, present bool) {
	v, present := r.payload[key]
	m, _ = v.(map[string]any)
	return m, present
}

// date reads an RFC 3339 time and writes it in Europe/Amsterdam; "" when it is missing or
// no time.
func (r *draft) date(key string) string {
	s := r.str(key)
	if s == "" {
		return ""
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return ""
	}
	return r.formatTime(t)
}

// dateFields are what the text mail.date may use.
type dateFields struct {
	Weekday, Month, Clock, Zone string
	Day, Year                   int
}

// formatTime writes "Monday 3 March 2026 at 14:05 CET" / "maandag 3 maart 2026 om 14:05",
// with the weekdays and months the pages use.
func (r *draft) formatTime(t time.Time) string {
	t = t.In(amsterdam)
	src, ok := r.m.texts.Text(r.locale, "mail.date")
	if !ok {
		r.fail(fmt.Errorf("no text %q", "mail.date"))
		return t.Format("2006-01-02 15:04 MST")
	}
	day := r.m.texts.T(r.locale, "weekday."+strconv.Itoa(int(t.Weekday())))
	month := r.m.texts.T(r.locale, "month."+strconv.Itoa(int(t.Month())))
	return r.exec("date", src, dateFields{day, month, t.Format("15:04"), t.Format("MST"), t.Day(), t.Year()})
}

// minutes writes a span of the contract's calendar the way the pages do: "4 hours", "30
// minutes", "1 hour and 1 minute" / "4 uur", "30 minuten", "1 uur en 1 minuut".
func (r *draft) minutes(n int) string {
	h, m := n/60, n%60
	texts, l := r.m.texts, r.locale
	switch {
	case h > 0 && m > 0:
		return texts.T(l, "dur.and", texts.N(l, "dur.hours", h), texts.N(l, "dur.minutes", m))
	case h > 0:
		return texts.N(l, "dur.hours", h)
	}
	return texts.N(l, "dur.minutes", m)
}

// oneLine makes a value fit in a header or a heading: line breaks become spaces, and
// bidi controls go, so no title stored before they were refused (desk.Validator.Text) can
// make a subject read as something else ("invoice \u202Egnp.exe" as "invoice exe.png").
func oneLine(s string) string {
	return strings.Join(strings.Fields(desk.StripBidi(s)), " ")
}
