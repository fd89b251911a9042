package feed

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// CalendarType is the iCalendar media type.
const CalendarType = "text/calendar; charset=utf-8"

// Calendar is the page's maintenance calendar: one event per maintenance.
type Calendar struct {
	// ProdID names the product that wrote it (PRODID); Name is the calendar's name as
	// calendar apps show it (X-WR-CALNAME); Description says what it holds.
	ProdID      string
	Name        string
	Description string
	Events      []Event
}

// Event is one maintenance window.
type Event struct {
	// UID is permanent: "<kind>-<id>@<host>". Sequence grows with every change, so a
	// calendar app that has the event replaces it.
	UID      string
	Sequence int64
	// Stamp is DTSTAMP: when the event's information last changed.
	Stamp       time.Time
	Start, End  time.Time
	Summary     string
	Description string // plain text
	URL         string
	// Cancelled marks an event that will not happen (STATUS:CANCELLED); otherwise CONFIRMED.
	Cancelled bool
}

// utc is an iCalendar DATE-TIME in UTC ("FORM #2").
func utc(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// ICS writes c as an iCalendar object (RFC 5545) with METHOD:PUBLISH: CRLF line ends, every
// line folded at 75 octets, TEXT values escaped.
func ICS(c Calendar) []byte {
	var b strings.Builder
	line := func(name, value string) { b.WriteString(Fold(name + ":" + value)) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", EscapeText(c.ProdID))
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	line("X-WR-CALNAME", EscapeText(c.Name))
	line("X-WR-CALDESC", EscapeText(c.Description))
	// How often a calendar app should fetch the feed again (RFC 7986, and the older
	// X-PUBLISHED-TTL that Outlook reads).
	line("REFRESH-INTERVAL;VALUE=DURATION", "PT1H")
	line("X-PUBLISHED-TTL", "PT1H")
	for _, e := range c.Events {
		line("BEGIN", "VEVENT")
		line("UID", EscapeText(e.UID))
		line("DTSTAMP", utc(e.Stamp))
		line("DTSTART", utc(e.Start))
		line("DTEND", utc(e.End))
		line("SEQUENCE", strconv.FormatInt(e.Sequence, 10))
		line("SUMMARY", EscapeText(e.Summary))
		line("DESCRIPTION", EscapeText(e.Description))
		line("URL", e.URL)
		status := "CONFIRMED"
		if e.Cancelled {
			status = "CANCELLED"
		}
		line("STATUS", status)
		line("TRANSP", "TRANSPARENT") // a window of the provider's work, not the reader's busy time
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return []byte(b.String())
}

// EscapeText escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma get a
// backslash, a line break becomes \n; other control characters (which a TEXT value may not
// hold) are dropped.
func EscapeText(s string) string {
	var b strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r < 0x20 && r != '\t' || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// maxLine is the longest a content line may be, in octets, without its CRLF.
const maxLine = 75

// Fold ends a content line with CRLF, folding it first (RFC 5545 3.1) so that no line is
// longer than 75 octets: each continuation starts with a space, which counts in its 75.
// It never splits a UTF-8 sequence.
func Fold(s string) string {
	var b strings.Builder
	limit := maxLine
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = maxLine - 1
	}
	b.WriteString(s)
	b.WriteString("\r\n")
	return b.String()
}
