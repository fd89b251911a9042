package console

import (
	"slices"
	"testing"

	"meldpunt/internal/i18n"
	"meldpunt/internal/web"
)

// TestPageGatesNameRoutes insists that every page gate belongs to a registered route: a
// renamed route would otherwise lose its gate silently.
func TestPageGatesNameRoutes(t *testing.T) {
	t.Parallel()
	texts, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	mux := web.NewMux()
	Register(mux, Deps{Texts: texts})
	for p := range pageGates {
		if !slices.Contains(mux.Patterns(), p) {
			t.Errorf("the gate of %q names no route", p)
		}
	}
}
