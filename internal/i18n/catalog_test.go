package i18n

import (
	"os"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"go.yaml.in/yaml/v3"

	"meldpunt/internal/desk"
)

func mustLoad(t *testing.T) *Catalog {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestLoad: the catalog compiled into the binary loads, and every language has every key.
func TestLoad(t *testing.T) {
	t.Parallel()
	c := mustLoad(t)
	nl, en := c.Keys(desk.LocaleNL), c.Keys(desk.LocaleEN)
	if len(nl) < 600 {
		t.Fatalf("only %d texts", len(nl))
	}
	if !slices.Equal(nl, en) {
		t.Error("the languages have different keys")
	}
}

// TestTextsAreTheLanguages: texts/ holds one file per language Meldpunt speaks and
// nothing else, so a file for a new language cannot sit there unread.
func TestTextsAreTheLanguages(t *testing.T) {
	t.Parallel()
	entries, err := os.ReadDir("texts")
	if err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	for _, l := range Locales() {
		want = append(want, string(l)+".yaml")
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("texts/ holds %v, want %v", got, want)
	}
}

// TestFilesMeanWhatYAMLSays: a YAML decoder reads every file to the same texts as the
// catalog's own reader, so the files are YAML in every editor and tool, and none of
// YAML's rules (quoting, types, duplicate keys) is lost on the way.
func TestFilesMeanWhatYAMLSays(t *testing.T) {
	t.Parallel()
	c := mustLoad(t)
	for _, l := range Locales() {
		src, err := os.ReadFile("texts/" + string(l) + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		var plain map[string]any // decoding into a map refuses a key defined twice
		if err := yaml.Unmarshal(src, &plain); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(src, &doc); err != nil {
			t.Fatal(err)
		}
		root := doc.Content[0]
		if len(root.Content)/2 != len(c.Keys(l)) {
			t.Errorf("%s: YAML reads %d keys, the catalog %d", l, len(root.Content)/2, len(c.Keys(l)))
		}
		str := func(n *yaml.Node, what string) string {
			if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
				t.Errorf("%s %s: YAML reads a %s", l, what, n.ShortTag())
			}
			return n.Value
		}
		for i := 0; i+1 < len(root.Content); i += 2 {
			key, v := root.Content[i].Value, root.Content[i+1]
			if v.Kind == yaml.MappingNode {
				forms := map[string]string{}
				for j := 0; j+1 < len(v.Content); j += 2 {
					forms[v.Content[j].Value] = str(v.Content[j+1], key)
				}
				one, other, ok := c.Forms(l, key)
				if !ok || len(forms) != 2 || forms["one"] != one || forms["other"] != other {
					t.Errorf("%s %s: YAML reads %q, the catalog %q/%q", l, key, forms, one, other)
				}
				continue
			}
			if got, ok := c.Text(l, key); !ok || got != str(v, key) {
				t.Errorf("%s %s: YAML reads %q, the catalog %q", l, key, v.Value, got)
			}
		}
	}
}

// TestLoadCopiesNoText: the texts are substrings of the files compiled into the binary,
// not copies on the heap (the reason for parse.go).
func TestLoadCopiesNoText(t *testing.T) {
	t.Parallel()
	c := mustLoad(t)
	for l, src := range map[desk.Locale]string{desk.LocaleNL: nlTexts, desk.LocaleEN: enTexts} {
		start := uintptr(unsafe.Pointer(unsafe.StringData(src)))
		end := start + uintptr(len(src))
		for _, key := range c.Keys(l) {
			s, ok := c.Text(l, key)
			if !ok {
				_, s, _ = c.Forms(l, key)
			}
			if p := uintptr(unsafe.Pointer(unsafe.StringData(s))); p < start || p >= end {
				t.Fatalf("%s %s was copied", l, key)
			}
		}
	}
}

// TestLoadRefuses: every kind of mistake in a file stops Load, naming the file and the key.
func TestLoadRefuses(t *testing.T) {
	t.Parallel()
	const good = "a: A %s\nb:\n  one: \"%d thing\"\n  other: \"%d things\"\n"
	for _, c := range []struct {
		name   string
		nl, en string
		want   string // in the error
	}{
		{"a key defined twice", good + "a: again\n", good, "nl.yaml:5: a is defined twice"},
		{"a plural defined twice", good, good + "b:\n  one: x %d\n  other: y %d\n", "en.yaml:5: b is defined twice"},
		{"a key missing in a language", good + "c: C\n", good, "en lacks the key c that nl has"},
		{"a key only English has", good, good + "c: C\n", "nl lacks the key c that en has"},
		{"plural in one language only", good, "a: A %s\nb: \"%d things\"\n", "b has plural forms in one language and not in another"},
		{"a verb of another kind", good, "a: A %d\n" + good[8:], `en.yaml: a has the placeholders ["%d"] where nl's a has ["%s"]`},
		{"a verb missing", good, "a: A\n" + good[8:], "a has the placeholders []"},
		{"a plural form without the count", good, "a: A %s\nb:\n  one: one thing\n  other: \"%d things\"\n", "b has the placeholders []"},
		{"a template field spelled otherwise", "t: \"{{.Name}}\"\n", "t: \"{{.Nmae}}\"\n", `t has the placeholders ["{{.Nmae}}"]`},
		{"a template field missing", "t: \"{{.Name}} x\"\n", "t: x\n", "t has the placeholders []"},
		{"a field left out without saying so", "t: \"{{.A}} {{.B}}\"\n", "t: \"{{.A}}\"\n", `t has the placeholders ["{{.A}}"]`},
		{"a field said to be left out that is not", "t: \"{{.A}}\"\n", "t: \"{{.A}}\" # leaves out {{.C}}\n", "t has the placeholders"},
		{"a plural without other", good, "a: A %s\nb:\n  one: \"%d thing\"\n", "en.yaml:2: b: a text with plural forms needs both one: and other:"},
		{"a plural form Dutch lacks", good, good + "c:\n  one: x\n  few: some\n  other: z\n", `"few" is no plural form`},
		{"a plural form twice", good, "a: A %s\nb:\n  one: \"%d thing\"\n  one: \"%d thing\"\n  other: \"%d things\"\n", "the form one is given twice"},
		{"an indented line out of place", good, "a: A %s\n  one: x\n" + good[8:], "only the forms of a text with plural forms"},
		{"an empty text", good + "c: \"\"\n", good + "c: C\n", "nl.yaml:5: c is empty"},
		{"a colon that YAML reads as a mapping", good + "c: Note: this\n", good + "c: C\n", "a text with a colon followed by a space"},
		{"a percent sign first", good + "c: %s left\n", good + "c: \"%s left\"\n", `a text starting with '%' must be in double quotes`},
		{"a template first", good + "c: {{.A}}\n", good + "c: \"{{.A}}\"\n", `a text starting with '{'`},
		{"a boolean", good + "c: yes\n", good + "c: \"yes\"\n", `YAML reads "yes" as no text`},
		{"a number", good + "c: 24\n", good + "c: \"24\"\n", `YAML reads "24" as no text`},
		{"an unclosed quote", good + "c: \"open\n", good + "c: C\n", "the quoted text does not end on its line"},
		{"text after a quote", good + "c: \"x\" y\n", good + "c: C\n", "text after the closing quote"},
		{"an unknown escape", good + "c: \"\\q\"\n", good + "c: C\n", `the escape \q`},
		{"a tab", good + "\tc: C\n", good + "c: C\n", "indent with spaces, not tabs"},
		{"no key", good + "just text\n", good, `want "key: text"`},
		{"a bad key", good + "c d: C\n", good + "c d: C\n", `"c d" is no key`},
		{"a file missing", good, "", "en.yaml: there is no file for en"},
	} {
		t.Run(c.name, func(t *testing.T) {
			sources := map[desk.Locale]string{desk.LocaleNL: c.nl, desk.LocaleEN: c.en}
			if c.en == "" {
				delete(sources, desk.LocaleEN)
			}
			_, err := load(sources)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error with %q", err, c.want)
			}
		})
	}
}

// TestLoadAccepts: what the files may say, read as meant.
func TestLoadAccepts(t *testing.T) {
	t.Parallel()
	src := "# a comment\n\n" +
		"plain: a text # with a comment\n" +
		"hash: C# is a language\n" +
		"quoted: \"Note: a \\\"quote\\\", a \\\\, \\u00e9 and a tab\\t\"\n" +
		"dutch: \"{{.A}} om {{.Clock}}\" # leaves out {{.Zone}}: no zone\n" +
		"english: \"{{.A}} at {{.Clock}} {{.Zone}}\"\n" +
		"count: # a comment\n  one: \"%d hour\"\n  other: \"%d hours\"\n" +
		"windows: line\r\n"
	c, err := load(map[desk.Locale]string{desk.LocaleNL: src, desk.LocaleEN: strings.Replace(src, "om {{.Clock}}\"", "om {{.Clock}} {{.Zone}}\"", 1)})
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"plain": "a text", "hash": "C# is a language", "quoted": "Note: a \"quote\", a \\, é and a tab\t",
		"dutch": "{{.A}} om {{.Clock}}", "windows": "line",
	} {
		if got, _ := c.Text(desk.LocaleNL, key); got != want {
			t.Errorf("%s: got %q, want %q", key, got, want)
		}
	}
	if one, other, _ := c.Forms(desk.LocaleNL, "count"); one != "%d hour" || other != "%d hours" {
		t.Errorf("count: %q, %q", one, other)
	}
}

func TestT(t *testing.T) {
	t.Parallel()
	c := mustLoad(t)
	for _, tc := range []struct {
		l    desk.Locale
		key  string
		args []any
		want string
	}{
		{desk.LocaleEN, "nav.signed_in_as", []any{"Ada"}, "Signed in as Ada"},
		{desk.LocaleNL, "nav.signed_in_as", []any{"Ada"}, "Ingelogd als Ada"},
		{desk.LocaleEN, "login.title", nil, "Sign in"},
		{"fr", "login.title", nil, "Inloggen"},                   // a language Meldpunt does not speak reads Dutch
		{desk.LocaleEN, "no.such.key", nil, "no.such.key"},       // a gap shows
		{desk.LocaleEN, "login.failed %", nil, "login.failed %"}, // so does a malformed key
		{desk.LocaleEN, "mail.greeting", nil, "Dear {{.Name}},"}, // an email's text, unexecuted
		{desk.LocaleNL, "lang.name", []any{}, "Nederlands"},      // no args: no formatting
		{desk.LocaleEN, "incident.state_change", []any{"A", "B"}, "State: A → B"},
	} {
		if got := c.T(tc.l, tc.key, tc.args...); got != tc.want {
			t.Errorf("T(%s, %s, %v) = %q, want %q", tc.l, tc.key, tc.args, got, tc.want)
		}
	}
}

// TestN: a text with plural forms takes the form of its count, in both languages.
func TestN(t *testing.T) {
	t.Parallel()
	c, err := load(map[desk.Locale]string{
		desk.LocaleNL: "n:\n  one: \"%d uur\"\n  other: \"%d uur\"\nof:\n  one: \"%d van %d melding\"\n  other: \"%d van %d meldingen\"\nplain: x\n",
		desk.LocaleEN: "n:\n  one: \"%d hour\"\n  other: \"%d hours\"\nof:\n  one: \"%d of %d report\"\n  other: \"%d of %d reports\"\nplain: x\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		l    desk.Locale
		key  string
		n    int
		args []any
		want string
	}{
		{desk.LocaleEN, "n", 1, nil, "1 hour"},
		{desk.LocaleEN, "n", 2, nil, "2 hours"},
		{desk.LocaleEN, "n", 0, nil, "0 hours"},
		{desk.LocaleEN, "n", -1, nil, "-1 hours"},
		{desk.LocaleNL, "n", 1, nil, "1 uur"},
		{desk.LocaleEN, "of", 1, []any{0, 1}, "0 of 1 report"}, // the count chooses, the args fill in
		{desk.LocaleEN, "of", 3, []any{1, 3}, "1 of 3 reports"},
		{desk.LocaleEN, "plain", 1, nil, "plain"}, // no plural forms: use T
		{desk.LocaleEN, "none", 1, nil, "none"},
	} {
		if got := c.N(tc.l, tc.key, tc.n, tc.args...); got != tc.want {
			t.Errorf("N(%s, %s, %d, %v) = %q, want %q", tc.l, tc.key, tc.n, tc.args, got, tc.want)
		}
	}
	if got := c.T(desk.LocaleEN, "n"); got != "n" {
		t.Errorf("T of a text with plural forms gives %q, want the key", got)
	}
	if s, ok := c.Form(desk.LocaleEN, "n", 1); !ok || s != "%d hour" {
		t.Errorf("Form: %q %v", s, ok)
	}
	if _, ok := c.Form(desk.LocaleEN, "plain", 1); ok {
		t.Error("Form of a text without plural forms")
	}
	if _, ok := c.Text(desk.LocaleEN, "n"); ok {
		t.Error("Text of a text with plural forms")
	}
	if !c.Plural("n") || c.Plural("plain") || !c.Has(desk.LocaleEN, "n") || c.Has(desk.LocaleEN, "none") {
		t.Error("Plural or Has")
	}
}

// BenchmarkLoad: what building the catalog costs at start (docs/benchmarks.md).
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestHolidayNames: every public holiday a calendar can close on has its name in every
// language, and the names differ between the languages (a name left untranslated).
func TestHolidayNames(t *testing.T) {
	t.Parallel()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range desk.DutchHolidayCodes() {
		nl, en := c.T(desk.LocaleNL, "holiday."+code), c.T(desk.LocaleEN, "holiday."+code)
		if !c.Has(desk.LocaleNL, "holiday."+code) || !c.Has(desk.LocaleEN, "holiday."+code) || nl == en {
			t.Errorf("%s: names %q, %q", code, nl, en)
		}
	}
	if c.T(desk.LocaleEN, "holiday.koningsdag") != "King's Day" || c.T(desk.LocaleNL, "holiday.tweede_paasdag") != "Tweede Paasdag" {
		t.Error("wrong names")
	}
}
