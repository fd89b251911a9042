package i18n

import (
	_ "embed" // the texts
	"errors"
	"fmt"
	"slices"
	"strings"

	"meldpunt/internal/desk"
)

// The texts, one file per language, compiled into the binary as strings: the catalog's
// texts are substrings of these, so loading copies none (parse.go).
var (
	//go:embed texts/nl.yaml
	nlTexts string
	//go:embed texts/en.yaml
	enTexts string
)

// Catalog holds every text of every language Meldpunt speaks: the pages' and the emails'.
// It is built once at start (Load) and handed to whatever shows text; it never changes
// afterwards, so any number of goroutines may read it.
//
// A text is found by its key ("nav.signed_in_as"). Most texts are one string; a text that
// counts something has plural forms, chosen by N. Page texts take fmt verbs (%s, %d); the
// emails' texts (keys "mail.…") are text/template snippets that internal/mail executes.
type Catalog struct {
	texts map[desk.Locale]map[string]message
}

// message is one text in one language. A text without plural forms has only other.
type message struct {
	one, other string
}

func (m message) plural() bool { return m.one != "" }

// form returns the form of a plural text that fits the count n. Dutch and English both
// use "one" for exactly 1 and "other" for every other count, 0 included (CLDR); a
// language with other rules would choose here.
func (m message) form(n int) string {
	if n == 1 && m.plural() {
		return m.one
	}
	return m.other
}

// Load builds the catalog from the files compiled into the binary. It fails when a file
// is not in the catalog's YAML (parse.go), defines a key twice, lacks a key another
// language has, or when the languages' placeholders or plural forms of a text differ.
func Load() (*Catalog, error) {
	return load(map[desk.Locale]string{desk.LocaleNL: nlTexts, desk.LocaleEN: enTexts})
}

// load builds a catalog from the source of each language's file.
func load(sources map[desk.Locale]string) (*Catalog, error) {
	c := &Catalog{texts: map[desk.Locale]map[string]message{}}
	leftOut := map[desk.Locale]map[string][]string{}
	var problems []error
	for _, l := range Locales() {
		src, ok := sources[l]
		if !ok {
			problems = append(problems, fmt.Errorf("%s.yaml: there is no file for %s", l, l))
			continue
		}
		texts, omitted, errs := parse(string(l)+".yaml", src)
		problems = append(problems, errs...)
		c.texts[l], leftOut[l] = texts, omitted
	}
	if len(problems) == 0 {
		problems = c.compare(leftOut)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("i18n: the text catalog is broken:\n%w", errors.Join(problems...))
	}
	return c, nil
}

// validKey tells whether s is a key: parts of letters, digits, _ and -, joined by dots.
func validKey(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.')
	})
}

// compare checks the languages against each other: the same keys, the same texts with
// plural forms, and the same placeholders in every text and every form. A template field
// a language's text leaves out on purpose counts as used when its line comment says so
// (leftOut); a fmt verb may never be left out, since the arguments are positional.
func (c *Catalog) compare(leftOut map[desk.Locale]map[string][]string) []error {
	var problems []error
	ref := Default
	for _, l := range Locales() {
		for _, other := range Locales() {
			for key := range c.texts[l] {
				if _, ok := c.texts[other][key]; !ok {
					problems = append(problems, fmt.Errorf("%s.yaml: %s lacks the key %s that %s has", other, other, key, l))
				}
			}
		}
	}
	for key, want := range c.texts[ref] {
		wantP := placeholders(want.other, leftOut[ref][key]...)
		for _, l := range Locales() {
			m, ok := c.texts[l][key]
			if !ok {
				continue // reported above
			}
			if m.plural() != want.plural() {
				problems = append(problems, fmt.Errorf("%s.yaml: %s has plural forms in one language and not in another", l, key))
				continue
			}
			for _, s := range []string{m.one, m.other} {
				if s == "" {
					continue
				}
				if got := placeholders(s, leftOut[l][key]...); !slices.Equal(got, wantP) {
					problems = append(problems, fmt.Errorf("%s.yaml: %s has the placeholders %q where %s's %s has %q",
						l, key, got, ref, key, wantP))
				}
			}
		}
	}
	slices.SortFunc(problems, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return problems
}

// placeholders lists what a text takes from outside: its fmt verbs in order ("%s",
// "%[2]d"; "%%" is a percent sign) and its template actions and the left-out ones, sorted
// and each once ("{{.Name}}").
func placeholders(s string, leftOut ...string) []string {
	var verbs []string
	actions := slices.Clone(leftOut)
	for {
		i := strings.IndexAny(s, "%{")
		if i < 0 {
			break
		}
		s = s[i:]
		switch {
		case s[0] == '%':
			j := 1
			for j < len(s) && strings.IndexByte("+-# 0123456789.*[]", s[j]) >= 0 {
				j++
			}
			if j < len(s) {
				j++ // the verb
			}
			if v := s[:j]; v != "%%" {
				verbs = append(verbs, v)
			}
			s = s[j:]
		case strings.HasPrefix(s, "{{"):
			end := strings.Index(s, "}}")
			if end < 0 {
				actions = append(actions, s)
				s = ""
				continue
			}
			actions = append(actions, "{{"+strings.TrimSpace(strings.Trim(s[2:end], "-"))+"}}")
			s = s[end+2:]
		default:
			s = s[1:]
		}
	}
	slices.Sort(actions)
	return append(verbs, slices.Compact(actions)...)
}

// actions lists the template actions in s.
func actions(s string) []string {
	var out []string
	for _, p := range placeholders(s) {
		if strings.HasPrefix(p, "{{") {
			out = append(out, p)
		}
	}
	return out
}

// lookup finds key in the language; a language Meldpunt does not speak reads the default.
func (c *Catalog) lookup(l desk.Locale, key string) (message, bool) {
	texts, ok := c.texts[l]
	if !ok {
		texts = c.texts[Default]
	}
	m, ok := texts[key]
	return m, ok
}

// T returns the text of key in the language, formatted with args (fmt verbs) when there
// are any. A key the catalog lacks, or one whose text has plural forms (use N), is
// returned as it is, so a gap shows on the page instead of breaking it. A language
// Meldpunt does not speak gets Dutch.
func (c *Catalog) T(l desk.Locale, key string, args ...any) string {
	m, ok := c.lookup(l, key)
	if !ok || m.plural() {
		return key
	}
	if len(args) == 0 {
		return m.other
	}
	return fmt.Sprintf(m.other, args...)
}

// N returns the form of key's text that fits the count n ("1 uur", "3 minuten"),
// formatted with args, or with n alone when there are no args. A key the catalog lacks,
// or one whose text has no plural forms (use T), is returned as it is.
func (c *Catalog) N(l desk.Locale, key string, n int, args ...any) string {
	m, ok := c.lookup(l, key)
	if !ok || !m.plural() {
		return key
	}
	if len(args) == 0 {
		args = []any{n}
	}
	return fmt.Sprintf(m.form(n), args...)
}

// Has tells whether the language has a text for key, with plural forms or without.
func (c *Catalog) Has(l desk.Locale, key string) bool {
	_, ok := c.texts[l][key]
	return ok
}

// Text returns the unformatted text of key, for a caller that fills it in itself (the
// emails' templates); ok is false when the catalog lacks key or its text has plural forms.
func (c *Catalog) Text(l desk.Locale, key string) (s string, ok bool) {
	m, ok := c.lookup(l, key)
	if !ok || m.plural() {
		return "", false
	}
	return m.other, true
}

// Form returns the unformatted form of key's text that fits the count n; ok is false
// when the catalog lacks key or its text has no plural forms.
func (c *Catalog) Form(l desk.Locale, key string, n int) (s string, ok bool) {
	m, ok := c.lookup(l, key)
	if !ok || !m.plural() {
		return "", false
	}
	return m.form(n), true
}

// Forms returns both unformatted plural forms of key's text, for code that chooses
// elsewhere (report.js, with the browser's Intl.PluralRules); ok is false when the
// catalog lacks key or its text has no plural forms.
func (c *Catalog) Forms(l desk.Locale, key string) (one, other string, ok bool) {
	m, ok := c.lookup(l, key)
	if !ok || !m.plural() {
		return "", "", false
	}
	return m.one, m.other, true
}

// Plural tells whether key's text has plural forms.
func (c *Catalog) Plural(key string) bool {
	m, _ := c.lookup(Default, key)
	return m.plural()
}

// Keys lists the keys of a language, sorted.
func (c *Catalog) Keys(l desk.Locale) []string {
	keys := make([]string, 0, len(c.texts[l]))
	for k := range c.texts[l] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
