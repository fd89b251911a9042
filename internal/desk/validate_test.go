package desk

import (
	"strings"
	"testing"
)

func TestValidatorText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, value string
		required    bool
		multiline   bool
		rule        string
	}{
		{"ok", "Checkout!", true, false, ""},
		{"missing", "  ", true, false, "required"},
		{"optional empty", "", false, false, ""},
		{"too long", strings.Repeat("é", 11), true, false, "max_length"},
		{"exactly long enough", strings.Repeat("é", 10), true, false, ""},
		{"invalid utf-8", "bad \xff byte", true, false, "utf8"},
		{"control character", "bell\a", true, false, "control_characters"},
		{"newline in a one-line field", "a\nb", true, false, "control_characters"},
		{"newline in text", "a\nb\tc", true, true, ""},
		{"html is just text", "<b>x</b>", true, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v Validator
			v.Text("f", tt.value, tt.required, 10, tt.multiline)
			got := ""
			if len(v.Fields) > 0 {
				got = v.Fields[0].Rule
			}
			if got != tt.rule {
				t.Fatalf("rule %q, want %q (%v)", got, tt.rule, v.Fields)
			}
		})
	}
}

// TestValidatorTextDisguised: text that hides or disguises itself (issue 10, findings 1
// and 11) is refused, naming the rule; text in other scripts is not.
func TestValidatorTextDisguised(t *testing.T) {
	t.Parallel()
	const one, multi = false, true
	tests := []struct {
		name, value string
		required    bool
		multiline   bool
		rule        string
	}{
		{"NUL", "a\x00b", true, one, "control_characters"},
		{"NUL in text", "a\x00b", true, multi, "control_characters"},
		{"DEL", "a\x7fb", true, one, "control_characters"},
		{"a C1 control", "a\u0085b", true, multi, "control_characters"},
		{"escape", "a\x1b[31mb", true, multi, "control_characters"},
		{"a line separator on one line", "a\u2028b", true, one, "control_characters"},
		{"a paragraph separator in text", "a\u2029b", true, multi, ""},
		{"invalid UTF-8", "a\xc3", false, multi, "utf8"},
		{"zero-width space only", "\u200b", true, one, "invisible"},
		{"zero-width joiners and spaces", " \u200c\u200d \u2060\ufeff ", true, one, "invisible"},
		{"soft hyphens", "\u00ad\u00ad", true, one, "invisible"},
		{"Hangul fillers", "\u3164\uffa0\u115f", true, one, "invisible"},
		{"braille blank", "\u2800", true, one, "invisible"},
		{"variation selectors and tags", "\ufe0f\U000e0041", true, one, "invisible"},
		{"invisible in an optional field", "\u200b", false, one, "invisible"},
		{"invisible text", "\u200b\n\u200b", true, multi, "invisible"},
		{"blank optional field", "  ", false, one, ""},
		{"a zero-width joiner in an emoji", "👩\u200d💻 down", true, one, ""},
		{"a zero-width non-joiner in Persian", "می\u200cخواهم", true, one, ""},
		{"right-to-left override", "invoice \u202egnp.exe", true, one, "bidi_control"},
		{"closed override on one line", "invoice \u202egnp\u202c.exe", true, one, "bidi_control"},
		{"isolate on one line", "\u2067abc\u2069", true, one, "bidi_control"},
		{"right-to-left mark on one line", "abc\u200f", true, one, "bidi_control"},
		{"Arabic letter mark on one line", "\u061cabc", true, one, "bidi_control"},
		{"override only", "\u202e", true, one, "bidi_control"},
		{"unclosed override in text", "invoice \u202egnp.exe", true, multi, "bidi_control"},
		{"override closed on the next line", "a\u202eb\nc\u202c", true, multi, "bidi_control"},
		{"a PDF that closes nothing", "a\u202cb", true, multi, "bidi_control"},
		{"crossed embedding and isolate", "\u202b\u2067a\u202c\u2069", true, multi, "bidi_control"},
		{"closed override in text", "quote: \u202eabc\u202c.\nnext", true, multi, ""},
		{"nested isolates in text", "\u2067\u2068a\u2069\u202ab\u202c\u2069", true, multi, ""},
		{"marks in text", "שלום\u200f, hello\u200e", true, multi, ""},
		{"Hebrew and Arabic without controls", "שלום عالم", true, one, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var v Validator
			v.Text("f", tt.value, tt.required, 100, tt.multiline)
			got := ""
			if len(v.Fields) > 0 {
				got = v.Fields[0].Rule
			}
			if got != tt.rule {
				t.Fatalf("rule %q, want %q (%v)", got, tt.rule, v.Fields)
			}
		})
	}
}

func TestNeutraliseBidi(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in  string
		multiline bool
		want      string
	}{
		{"one line", "invoice \u202egnp.exe\u200f", false, "invoice gnp.exe"},
		{"balanced text is kept", "a\u202eb\u202c\nc\u200f", true, "a\u202eb\u202c\nc\u200f"},
		{"only the unbalanced line loses its controls", "a\u202eb\r\nc\u2067d\u2069\u200f", true, "ab\r\nc\u2067d\u2069\u200f"},
		{"a mark stays on an unbalanced line", "\u200fa\u202cb", true, "\u200fab"},
	}
	for _, tt := range tests {
		got := NeutraliseBidi(tt.in, tt.multiline)
		if got != tt.want {
			t.Errorf("%s: %+q, want %+q", tt.name, got, tt.want)
		}
		var v Validator
		v.Text("f", got, true, 100, tt.multiline)
		if len(v.Fields) > 0 {
			t.Errorf("%s: neutralised text refused: %v", tt.name, v.Fields)
		}
	}
	if got := StripBidi("a\u202eb\u2066c\u061c"); got != "abc" {
		t.Errorf("StripBidi: %+q", got)
	}
	if Visible("\u200b\u00ad \u202e") || !Visible("\u200bx") {
		t.Error("Visible")
	}
}

func TestValidatorEmailAndSlug(t *testing.T) {
	t.Parallel()
	for email, ok := range map[string]bool{
		"anna@example.com": true, "admin@localhost": true, "Anna <anna@example.com>": false,
		"anna": false, "anna@example": false, "": false,
	} {
		var v Validator
		v.Email("email", email)
		if (len(v.Fields) == 0) != ok {
			t.Errorf("email %q: %v", email, v.Fields)
		}
	}
	for slug, ok := range map[string]bool{"acme": true, "acme-2": true, "-acme": false, "Acme": false, "ac me": false} {
		var v Validator
		v.Slug("slug", slug)
		if (len(v.Fields) == 0) != ok {
			t.Errorf("slug %q: %v", slug, v.Fields)
		}
	}
	if got := Slugify("  Bakkerij de Vries B.V.!"); got != "bakkerij-de-vries-b-v" {
		t.Errorf("Slugify: %q", got)
	}
}

func TestIncidentNumbers(t *testing.T) {
	t.Parallel()
	if got := FormatNumber(123); got != "INC-000123" {
		t.Errorf("FormatNumber: %q", got)
	}
	for s, want := range map[string]int64{"INC-000123": 123, "inc-7": 7, "42": 42, "INC-": 0, "INC-x": 0, "-5": 0} {
		id, ok := ParseNumber(s)
		if ok != (want > 0) || id != want && ok {
			t.Errorf("ParseNumber(%q) = %d, %v", s, id, ok)
		}
	}
}

func TestContractValidate(t *testing.T) {
	t.Parallel()
	c := Contract{Name: "Gold"}
	c.Normalize()
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	c.Targets = c.Targets[:4]
	if e, ok := c.Validate().(*Error); !ok || e.Fields[0].Rule != "complete" {
		t.Fatalf("missing P5: %v", e)
	}
	c.Targets = DefaultTargets()
	c.Targets[0].ResolutionMin = 10
	if e, ok := c.Validate().(*Error); !ok || e.Fields[0].Field != "targets[0].resolution_minutes" {
		t.Fatalf("resolution before response: %v", e)
	}
}

func TestUserValidateRoleFitsOrganisation(t *testing.T) {
	t.Parallel()
	u := User{Email: "a@example.com", Name: "A", Role: RoleAgent}
	u.Normalize()
	if err := u.Validate(Organisation{Kind: OrgClient}); ErrorCode(err) != EINVALID {
		t.Errorf("agent in a client organisation accepted")
	}
	if err := u.Validate(Organisation{Kind: OrgProvider}); err != nil {
		t.Errorf("agent at the provider: %v", err)
	}
}
