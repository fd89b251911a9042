package desk

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzTextRules: Validator.Text never panics, and what NeutraliseBidi makes of any valid
// text passes the bidi rule it is made for (mail is neutralised rather than refused).
func FuzzTextRules(f *testing.F) {
	for _, s := range []string{"", "invoice \u202egnp.exe", "a\u202eb\u202c\nc\u2067d", "\u200b\u00ad\ufeff",
		"\u2069\u202c", "x\u202a\u2066y\u202c\u2069", "\x00\r\n\u2028", "שלום\u200f"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, multiline bool) {
		var v Validator
		v.Text("f", s, true, MaxText, multiline)
		if !utf8.ValidString(s) {
			return
		}
		got := NeutraliseBidi(s, multiline)
		if !multiline && strings.ContainsFunc(got, IsBidiControl) || multiline && !bidiBalanced(got) {
			t.Errorf("NeutraliseBidi(%+q, %v) = %+q", s, multiline, got)
		}
	})
}
