package desk

import (
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on text fields, in characters. They keep every row and page a sane size.
const (
	MaxName        = 200
	MaxTitle       = 200
	MaxText        = 20000
	MaxEmail       = 254
	MaxSlug        = 64
	MinPassword    = 10
	MaxPassword    = 256
	MaxDescription = 2000
)

// MaxFieldErrors caps the violations an error lists; the rest are only counted (Error.More).
const MaxFieldErrors = 50

// Validator collects the rule violations of one input, so a user sees every problem at once
// (up to MaxFieldErrors of them; the rest are counted).
type Validator struct {
	Fields []FieldError
	more   int
}

// Add records a violation.
func (v *Validator) Add(field, rule, format string, args ...any) {
	if len(v.Fields) >= MaxFieldErrors {
		v.more++
		return
	}
	v.Fields = append(v.Fields, FieldError{Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

// Include records the violations of e, an error of another check, within the same cap.
func (v *Validator) Include(e *Error) {
	for _, f := range e.Fields {
		if len(v.Fields) >= MaxFieldErrors {
			v.more++
			continue
		}
		v.Fields = append(v.Fields, f)
	}
	v.more += e.More
}

// Has tells whether field has a violation already.
func (v *Validator) Has(field string) bool {
	for _, f := range v.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Err returns an EINVALID *Error listing the violations, or nil when there are none.
func (v *Validator) Err() error {
	if len(v.Fields) == 0 && v.more == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "the input is not valid", Fields: v.Fields, More: v.more}
}

// Text checks a text field: valid UTF-8; no control characters other than newlines and
// tabs (when multiline; a single line refuses the line and paragraph separators too); no
// bidirectional controls on a single line, and in multi-line text only embeddings,
// overrides and isolates closed on the line they start on (bidiBalanced); not only
// invisible characters (rule "invisible"); at most max characters; and present when
// required.
func (v *Validator) Text(field, value string, required bool, max int, multiline bool) {
	if !utf8.ValidString(value) {
		v.Add(field, "utf8", "must be valid UTF-8 text")
		return
	}
	if required && strings.TrimSpace(value) == "" {
		v.Add(field, "required", "is required")
		return
	}
	if n := utf8.RuneCountInString(value); n > max {
		v.Add(field, "max_length", "must be at most %d characters (it has %d)", max, n)
		return
	}
	for _, r := range value {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) ||
			!multiline && (r == '\u2028' || r == '\u2029') {
			v.Add(field, "control_characters", "must not contain control characters")
			return
		}
	}
	switch {
	case !multiline && strings.IndexFunc(value, IsBidiControl) >= 0:
		v.Add(field, "bidi_control", "must not contain bidirectional control characters (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C)")
	case multiline && !bidiBalanced(value):
		v.Add(field, "bidi_control", "must close every bidirectional embedding, override or isolate on the line it starts on")
	case strings.TrimSpace(value) != "" && !Visible(value):
		v.Add(field, "invisible", "must contain visible characters, not only invisible ones such as zero-width spaces")
	}
}

// Email checks an email address.
func (v *Validator) Email(field, value string) {
	v.Text(field, value, true, MaxEmail, false)
	if v.Has(field) {
		return
	}
	a, err := mail.ParseAddress(value)
	if err != nil || a.Address != value || !strings.Contains(value[strings.LastIndexByte(value, '@')+1:], ".") && !strings.HasSuffix(value, "@localhost") {
		v.Add(field, "email", "must be an email address such as name@example.com")
	}
}

var slugRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$`)

// Slug checks a short identifier used in URLs and on the command line.
func (v *Validator) Slug(field, value string) {
	v.Text(field, value, true, MaxSlug, false)
	if !v.Has(field) && !slugRE.MatchString(value) {
		v.Add(field, "slug", "must be lower-case letters, digits and dashes, starting and ending with a letter or digit")
	}
}

// OneOf checks that value is one of allowed.
func (v *Validator) OneOf(field, value string, required bool, allowed []string) {
	if value == "" {
		if required {
			v.Add(field, "required", "is required; one of: %s", strings.Join(allowed, ", "))
		}
		return
	}
	if !slices.Contains(allowed, value) {
		v.Add(field, "one_of", "must be one of: %s", strings.Join(allowed, ", "))
	}
}

// Range checks that n lies within [min, max].
func (v *Validator) Range(field string, n, min, max int64) {
	if n < min || n > max {
		v.Add(field, "range", "must be between %d and %d", min, max)
	}
}

// Slugify derives a slug from a name: lower case, ASCII letters and digits, dashes between.
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= MaxSlug {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

// FormatInt formats n in base 10.
func FormatInt(n int64) string { return strconv.FormatInt(n, 10) }
