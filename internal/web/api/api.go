// Package api serves Meldpunt's JSON API under /api/v1.
package api

import (
	"log/slog"

	"meldpunt/internal/app"
	"meldpunt/internal/web"
)

// Deps is what the API needs.
type Deps struct {
	App     *app.App
	Log     *slog.Logger
	BaseURL string
}

// Register adds the API's routes to mux.
func Register(mux *web.Mux, d Deps) {
}
