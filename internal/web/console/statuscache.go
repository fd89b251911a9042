package console

import (
	"net/http"

	"meldpunt/internal/i18n"
	"meldpunt/internal/web"
	"meldpunt/internal/web/snapshot"
)

// The public pages served from the status page's snapshot (docs/status-page.md "Caching").
// A visitor's page differs only by language, so it is kept once per language. A signed-in
// person's differs (the menu, their name, the sign-out form with their CSRF token), and so
// may a query the snapshot does not know: those are rendered for the request itself.

// publicPage is the snapshot policy of an anonymous page in two languages: ?lang= (which
// serve also remembers in the language cookie), the cookie, then Accept-Language choose the
// variant, exactly as newView does for anonymous visitors.
var publicPage = snapshot.Policy{
	Key: func(r *http.Request) (string, bool) {
		if _, ok := web.Actor(r.Context()); ok {
			return "", false
		}
		if r.URL.RawQuery != "" {
			for k := range r.URL.Query() {
				if k != "lang" {
					return "", false
				}
			}
		}
		return string(i18n.Negotiate(r, "")), true
	},
	Prepare: func(r *http.Request, key string) { r.Header.Set("Accept-Language", key) },
	Vary:    "Accept-Language, Cookie",
}

// cached serves fn from the snapshot by p when the pages have one; fn's errors are answered
// with the error page as serve would (the snapshot keeps only a 200).
func (h *handler) cached(p snapshot.Policy, fn handlerFunc) handlerFunc {
	if h.snap == nil {
		return fn
	}
	wrapped := h.snap.Wrap(p, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			h.rd.writeError(w, r, h.log, err)
		}
	}))
	return func(w http.ResponseWriter, r *http.Request) error {
		wrapped.ServeHTTP(w, r)
		return nil
	}
}
