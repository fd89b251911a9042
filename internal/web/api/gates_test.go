package api

import (
	"slices"
	"testing"

	"meldpunt/internal/web"
)

// TestGatesNameRoutes insists that every gate belongs to a registered private route: a
// renamed route would otherwise lose its gate silently.
func TestGatesNameRoutes(t *testing.T) {
	t.Parallel()
	mux := web.NewMux()
	Register(mux, Deps{})
	patterns := mux.Patterns()
	for p := range gates {
		if !slices.Contains(patterns, p) {
			t.Errorf("the gate of %q names no route", p)
		}
	}
	if gates["GET /api/v1/openapi.json"] != nil {
		t.Error("the public route has a gate")
	}
}
