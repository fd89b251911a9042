package email

import (
	"strings"
	"testing"

	"meldpunt/internal/i18n"
)

// TestSnippetsExecute: every email text of the catalog, every plural form included, parses
// and runs with the fields a message has. They are parsed on first use, so a broken one
// would otherwise surface only when a message needs it.
func TestSnippetsExecute(t *testing.T) {
	t.Parallel()
	texts, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	m := NewRenderer(texts)
	n := 0
	for _, l := range i18n.Locales() {
		for _, key := range texts.Keys(l) {
			if !strings.HasPrefix(key, "mail.") {
				continue
			}
			var forms []string
			if one, other, ok := texts.Forms(l, key); ok {
				forms = []string{one, other}
			} else {
				s, _ := texts.Text(l, key)
				forms = []string{s}
			}
			for _, src := range forms {
				var data any = vars{}
				if key == "mail.date" {
					data = dateFields{}
				}
				tpl, err := m.snippet(key, src)
				if err != nil {
					t.Errorf("%s %s: %v", l, key, err)
					continue
				}
				if err := tpl.Execute(new(strings.Builder), data); err != nil {
					t.Errorf("%s %s: %v", l, key, err)
				}
				n++
			}
		}
	}
	if n < 200 {
		t.Errorf("only %d email texts", n)
	}
}
