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
