// Package console serves Meldpunt's pages: sign-in, password reset, first-start setup and
// the incident pages.
package console

import (
	"log/slog"
	"net/http"

	"meldpunt/internal/app"
	"meldpunt/internal/web"
)

// Deps is what the pages need.
type Deps struct {
	App     *app.App
	Log     *slog.Logger
	BaseURL string
	// SecureCookies marks cookies Secure even on plain HTTP (set when the base URL is https).
	SecureCookies bool
}

// Register adds the pages' routes to mux.
func Register(mux *web.Mux, d Deps) {
}

// WriteError answers with an error page for err (placeholder until the pages exist).
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	http.Error(w, err.Error(), http.StatusInternalServerError)
}
