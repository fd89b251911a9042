package desk

import (
	"strings"
	"unicode"
)

// Text that disguises itself (issue 10, finding 11). A title of zero-width characters only
// is an invisible, unclickable incident; a right-to-left override makes
// "invoice \u202Egnp.exe" read as "invoice exe.png" in a list or an email subject.
// Validator.Text refuses both; the helpers below say which characters are meant, and
// neutralise text that comes from outside (mail) or was stored before these rules.

// bidiControls are the Unicode bidirectional formatting characters: the marks (ALM, LRM,
// RLM), which only nudge the characters around them, and the embeddings, overrides and
// isolates, which reorder everything up to their end.
var bidiControls = &unicode.RangeTable{R16: []unicode.Range16{
	{Lo: 0x061C, Hi: 0x061C, Stride: 1}, // ARABIC LETTER MARK
	{Lo: 0x200E, Hi: 0x200F, Stride: 1}, // LRM, RLM
	{Lo: 0x202A, Hi: 0x202E, Stride: 1}, // LRE, RLE, PDF, LRO, RLO
	{Lo: 0x2066, Hi: 0x2069, Stride: 1}, // LRI, RLI, FSI, PDI
}}

// IsBidiControl tells whether r is a bidirectional formatting character.
func IsBidiControl(r rune) bool { return unicode.Is(bidiControls, r) }

// defaultIgnorable are the Default_Ignorable_Code_Point characters of Unicode
// (DerivedCoreProperties.txt) that are not format characters (Cf), plus the blank Braille
// pattern and the Hangul fillers' look-alikes: characters that take no ink.
var defaultIgnorable = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x034F, Hi: 0x034F, Stride: 1}, // COMBINING GRAPHEME JOINER
		{Lo: 0x115F, Hi: 0x1160, Stride: 1}, // HANGUL CHOSEONG/JUNGSEONG FILLER
		{Lo: 0x17B4, Hi: 0x17B5, Stride: 1}, // KHMER VOWEL INHERENT AQ, AA
		{Lo: 0x180B, Hi: 0x180F, Stride: 1}, // MONGOLIAN FREE VARIATION SELECTORS, VOWEL SEPARATOR
		{Lo: 0x2060, Hi: 0x206F, Stride: 1}, // WORD JOINER … NOMINAL DIGIT SHAPES
		{Lo: 0x2800, Hi: 0x2800, Stride: 1}, // BRAILLE PATTERN BLANK
		{Lo: 0x3164, Hi: 0x3164, Stride: 1}, // HANGUL FILLER
		{Lo: 0xFE00, Hi: 0xFE0F, Stride: 1}, // VARIATION SELECTORS
		{Lo: 0xFFA0, Hi: 0xFFA0, Stride: 1}, // HALFWIDTH HANGUL FILLER
		{Lo: 0xFFF0, Hi: 0xFFF8, Stride: 1}, // unassigned specials
	},
	R32: []unicode.Range32{
		{Lo: 0x1BCA0, Hi: 0x1BCA3, Stride: 1}, // SHORTHAND FORMAT CONTROLS
		{Lo: 0x1D173, Hi: 0x1D17A, Stride: 1}, // MUSICAL SYMBOL BEGIN/END …
		{Lo: 0xE0000, Hi: 0xE0FFF, Stride: 1}, // TAGS, VARIATION SELECTORS SUPPLEMENT
	},
}

// IsInvisible tells whether r takes no ink: white space, a control or format character
// (zero-width space and joiners, soft hyphen, byte order mark, bidi controls…) or another
// default-ignorable character.
func IsInvisible(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.Is(defaultIgnorable, r)
}

// Visible tells whether s has at least one character a reader sees.
func Visible(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return !IsInvisible(r) }) >= 0
}

// bidiBalanced tells whether every embedding and override in s is closed by a PDF, and
// every isolate by a PDI, in order, on the line it starts on: then none reorders anything
// outside its own span of the line.
func bidiBalanced(s string) bool {
	var open []rune // the openers not yet closed: 'e' for an embedding or override, 'i' for an isolate
	for _, r := range s {
		switch r {
		case '\n', '\r', '\u2029', '\u2028', '\u0085':
			if len(open) > 0 {
				return false
			}
		case '\u202A', '\u202B', '\u202D', '\u202E':
			open = append(open, 'e')
		case '\u2066', '\u2067', '\u2068':
			open = append(open, 'i')
		case '\u202C', '\u2069':
			want := 'e'
			if r == '\u2069' {
				want = 'i'
			}
			if len(open) == 0 || open[len(open)-1] != want {
				return false
			}
			open = open[:len(open)-1]
		}
	}
	return len(open) == 0
}

// StripBidi removes every bidirectional formatting character from s: for text put on one
// line from stored data (an email subject), which may predate the rule that refuses them.
func StripBidi(s string) string {
	if strings.IndexFunc(s, IsBidiControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if IsBidiControl(r) {
			return -1
		}
		return r
	}, s)
}

// NeutraliseBidi makes text from outside (mail) pass the bidi rule of Validator.Text: on
// one line it removes every bidi control; in multi-line text it removes the embeddings,
// overrides and isolates of each line where they are not balanced, and keeps the rest.
func NeutraliseBidi(s string, multiline bool) string {
	if !multiline {
		return StripBidi(s)
	}
	if bidiBalanced(s) {
		return s
	}
	lines := strings.SplitAfter(s, "\n")
	for i, line := range lines {
		if !bidiBalanced(strings.TrimRight(line, "\r\n")) {
			lines[i] = strings.Map(func(r rune) rune {
				if IsBidiControl(r) && r != '\u061C' && r != '\u200E' && r != '\u200F' {
					return -1
				}
				return r
			}, line)
		}
	}
	return strings.Join(lines, "")
}
