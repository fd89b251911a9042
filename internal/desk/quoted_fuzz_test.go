package desk

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzStripQuoted: what is left of a reply is some of its lines, in their order, none of
// them quoted (">"), without blank lines at either end; valid UTF-8 when the reply was.
// Issue 10; the seeds are in testdata/fuzz/FuzzStripQuoted/.
func FuzzStripQuoted(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		out := StripQuoted(s)
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Errorf("not UTF-8: %q", out)
		}
		if len(out) > len(s) {
			t.Errorf("%d bytes from %d", len(out), len(s))
		}
		if out == "" {
			return
		}
		lines := strings.Split(out, "\n")
		if strings.TrimSpace(lines[0]) == "" || strings.TrimSpace(lines[len(lines)-1]) == "" {
			t.Errorf("blank line at an end: %q", out)
		}
		in := strings.Split(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"), "\n")
		i := 0
		for _, l := range lines {
			if strings.HasPrefix(strings.TrimSpace(l), ">") {
				t.Errorf("quoted line kept: %q", l)
			}
			for i < len(in) && strings.TrimRight(in[i], " \t") != l {
				i++
			}
			if i == len(in) {
				t.Fatalf("line %q is not one of the reply's, in order:\n%q", l, s)
			}
			i++
		}
	})
}
