package webhook

import (
	"strings"
	"testing"
)

// TestRenderSlackWithoutBidiControls: a title or name stored before bidi controls were
// refused (issue 10, finding 11) cannot make a chat message's first line read as
// something else.
func TestRenderSlackWithoutBidiControls(t *testing.T) {
	t.Parallel()
	event := strings.NewReplacer("Checkout down", `invoice \u202egnp.exe`, `"Acme"`, `"Acme\u2067"`).
		Replace(ev("incident.created", incident("new", "urgent", "P1", "", ""), anna))
	text, err := RenderSlack([]byte(event), "en", testTexts, nil)
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(text, "\n")
	if strings.ContainsAny(first, "\u202e\u2067") || !strings.Contains(first, "invoice gnp.exe") {
		t.Errorf("first line %+q", first)
	}
}
