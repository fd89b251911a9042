package email_test

import (
	"strings"
	"testing"

	"meldpunt/internal/desk"
)

// TestRenderSubjectWithoutBidiControls: a title stored before bidi controls were refused
// (issue 10, finding 11) cannot make a subject read as something else: "invoice
// \u202Egnp.exe" would show as "invoice exe.png". No subject or heading carries one.
func TestRenderSubjectWithoutBidiControls(t *testing.T) {
	t.Parallel()
	rd := newRenderer(t)
	for kind, d := range samples() {
		for _, lang := range []string{"nl", "en"} {
			d.Locale = lang
			d.Title = "invoice \u202egnp.exe\u2066"
			d.Product = "Acme\u202e IT"
			d.To.Name = "Jan\u200f de Vries"
			d.Payload["by"] = "Piet\u202d Agent"
			subject, text, html := render(t, rd, d)
			if strings.ContainsFunc(subject, desk.IsBidiControl) {
				t.Errorf("%s/%s: subject %+q", kind, lang, subject)
			}
			if !strings.Contains(subject, "invoice gnp.exe") {
				t.Errorf("%s/%s: subject %q lacks the title", kind, lang, subject)
			}
			first, _, _ := strings.Cut(text, "\n\n")
			if strings.ContainsFunc(first, desk.IsBidiControl) || strings.Contains(html, "\u202e") {
				t.Errorf("%s/%s: a heading or the page keeps a bidi control:\n%+q", kind, lang, first)
			}
		}
	}
}
