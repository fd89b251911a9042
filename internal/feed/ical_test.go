package feed

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestEscapeText(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, in, want string }{
		{"plain", "Onderhoud DNS", "Onderhoud DNS"},
		{"backslash first", `C:\temp`, `C:\\temp`},
		{"semicolon and comma", "a;b,c", `a\;b\,c`},
		{"line breaks", "one\ntwo\r\nthree\rfour", `one\ntwo\nthree\nfour`},
		{"control characters dropped", "a\x00b\x1bc\x7fd\te", "abcd\te"},
		{"an escape sequence is not read twice", `\n`, `\\n`},
		{"unicode kept", "Storing e-mail — ü ✓", "Storing e-mail — ü ✓"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := EscapeText(c.in); got != c.want {
				t.Errorf("EscapeText(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

// unfold undoes Fold as RFC 5545 3.1 says: a CRLF followed by one space goes.
func unfold(s string) string { return strings.ReplaceAll(s, "\r\n ", "") }

func TestFold(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		in    string
		lines int
	}{
		{"short", "SUMMARY:Onderhoud", 1},
		{"exactly 75", "X:" + strings.Repeat("a", 73), 1},
		{"76", "X:" + strings.Repeat("a", 74), 2},
		{"long ASCII", "DESCRIPTION:" + strings.Repeat("abcdefghij", 30), 5},
		{"two-octet letters", "SUMMARY:" + strings.Repeat("ë", 100), 3},
		{"three-octet signs", "SUMMARY:" + strings.Repeat("✓", 60), 3},
		{"four-octet signs across the edge", "SUMMARY:x" + strings.Repeat("😀", 40), 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := Fold(c.in)
			if !strings.HasSuffix(got, "\r\n") {
				t.Fatalf("Fold(%q) does not end with CRLF: %q", c.in, got)
			}
			lines := strings.Split(strings.TrimSuffix(got, "\r\n"), "\r\n")
			if len(lines) != c.lines {
				t.Errorf("%d lines, want %d: %q", len(lines), c.lines, lines)
			}
			for i, l := range lines {
				if len(l) > 75 {
					t.Errorf("line %d has %d octets: %q", i, len(l), l)
				}
				if !utf8.ValidString(l) {
					t.Errorf("line %d splits a UTF-8 sequence: %q", i, l)
				}
				if i > 0 && !strings.HasPrefix(l, " ") {
					t.Errorf("continuation line %d does not start with a space: %q", i, l)
				}
				if strings.Contains(l, "\n") || strings.Contains(l, "\r") {
					t.Errorf("line %d holds a bare line break: %q", i, l)
				}
			}
			if u := unfold(strings.TrimSuffix(got, "\r\n")); u != c.in {
				t.Errorf("unfolded %q, want %q", u, c.in)
			}
		})
	}
}

func TestICS(t *testing.T) {
	t.Parallel()
	amsterdam, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 5, 22, 0, 0, 0, amsterdam)
	ics := string(ICS(Calendar{ProdID: "-//Meldpunt//Status page//NL", Name: "Acme, onderhoud", Description: "d",
		Events: []Event{{UID: "maintenance-7@desk.example.nl", Sequence: 3, Stamp: start.Add(-time.Hour), Start: start,
			End: start.Add(3 * time.Hour), Summary: "DNS; alles", Description: strings.Repeat("lang verhaal, ", 20) + "\nklaar",
			URL: "https://desk.example.nl/status/incidents/7", Cancelled: true}}}))
	for _, want := range []string{
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Meldpunt//Status page//NL\r\n",
		"METHOD:PUBLISH\r\n", "X-WR-CALNAME:Acme\\, onderhoud\r\n",
		"UID:maintenance-7@desk.example.nl\r\n", "DTSTAMP:20261205T200000Z\r\n",
		"DTSTART:20261205T210000Z\r\n", "DTEND:20261206T000000Z\r\n", "SEQUENCE:3\r\n",
		"SUMMARY:DNS\\; alles\r\n", "STATUS:CANCELLED\r\n", "END:VEVENT\r\nEND:VCALENDAR\r\n",
	} {
		if !strings.Contains(ics, want) {
			t.Errorf("the calendar lacks %q:\n%s", want, ics)
		}
	}
	if strings.Contains(strings.ReplaceAll(ics, "\r\n", ""), "\n") {
		t.Error("a line ends in a bare LF")
	}
	for _, l := range strings.Split(ics, "\r\n") {
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
	}
	if !strings.Contains(unfold(ics), `DESCRIPTION:lang verhaal\, lang`) || !strings.Contains(unfold(ics), `\nklaar`) {
		t.Errorf("the description is not escaped and folded:\n%s", ics)
	}
}
