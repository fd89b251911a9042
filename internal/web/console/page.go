package console

import (
	"crypto/subtle"
	"net/http"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/i18n"
	"meldpunt/internal/web"
)

// handlerFunc is what every page implements: it answers the request, or returns an error
// for serve to answer with the error page (PocketBase style, like the API's handlerFunc).
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// actorFunc is a handlerFunc of a page that needs a signed-in person.
type actorFunc func(w http.ResponseWriter, r *http.Request, a desk.Actor) error

// csrfPolicy says which token an unsafe request to a route must carry.
type csrfPolicy int

const (
	// sessionToken: the session's token in the csrf field (or the X-CSRF-Token header), when
	// the request comes with a session (web.CheckCSRF). Without a session there is nothing a
	// forged request could act as: private routes send it to sign in, and the sign-out and
	// the language switch of an expired page do what they do for anyone.
	sessionToken csrfPolicy = iota
	// formCookieToken: the double-submit token of the form cookie, for the forms used
	// before signing in (sign-in, password reset, setup, a solution link's page).
	formCookieToken
)

// check tells whether r carries the token the policy asks for; formCookie names the form
// cookie (handler.formCookie).
func (p csrfPolicy) check(r *http.Request, formCookie string) bool {
	if p == formCookieToken {
		return checkFormToken(r, formCookie)
	}
	return web.CheckCSRF(r)
}

// pageError is an error with an error page of its own: a refused token, or a request from
// another site.
type pageError struct {
	status int
	key    string // i18n key of the page's title and text (key+".title", key+".text")
}

func (e *pageError) Error() string { return e.key }

var (
	errCSRF        = &pageError{status: http.StatusForbidden, key: "error.csrf"}
	errCrossOrigin = &pageError{status: http.StatusForbidden, key: "error.cross_origin"}
	errForbidden   = desk.Errorf(desk.EFORBIDDEN, "your account may not do this")
)

// unsafe tells whether a method may change something.
func unsafe(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return false
	}
	return true
}

// serve is the one adapter between the pages and net/http. It remembers a language chosen
// with ?lang=, refuses an unsafe request a browser made from another site, sends anonymous
// people to sign in and refuses a signed-in person the gate of a private route refuses
// (authorize.go) before reading anything, reads the form of an unsafe request (readForm: a
// body over its limit still yields the fields before the cut) and checks its CSRF token,
// runs fn, and answers any error fn returns with the error page. g is nil for the routes
// that need no sign-in.
func (h *handler) serve(policy csrfPolicy, fn handlerFunc, g pageGate) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if l, ok := i18n.Parse(r.URL.Query().Get("lang")); ok {
			http.SetCookie(w, i18n.Cookie(l, h.secureFor(r)))
		}
		err := func() error {
			if err := h.cop.Check(r); err != nil {
				return errCrossOrigin
			}
			if g != nil { // a private route: nobody's form is read only to be refused
				a, ok := web.Actor(r.Context())
				if !ok {
					redirectToLogin(w, r)
					return nil
				}
				if err := g(h, r, a); err != nil {
					return err
				}
			}
			if unsafe(r.Method) {
				var err error
				if r, err = readForm(r); err != nil {
					return err
				}
				if !policy.check(r, h.formCookie()) {
					return errCSRF
				}
			}
			return fn(w, r)
		}()
		if err != nil {
			h.rd.writeError(w, r, h.log, err)
		}
	}
}

// signedIn passes the actor to fn, and sends anonymous people to the sign-in page.
func signedIn(fn actorFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		a, ok := web.Actor(r.Context())
		if !ok {
			redirectToLogin(w, r)
			return nil
		}
		return fn(w, r, a)
	}
}

// formCookie holds the double-submit token of the forms used before signing in (sign-in,
// password reset, setup), when there is no session whose token could protect them.
const formCookie = "meldpunt_csrf"

// formCookie returns the form cookie's name: __Host-meldpunt_csrf when the base URL is
// https, so no sibling subdomain can plant a token of its choosing.
func (h *handler) formCookie() string { return web.CookieName(formCookie, h.secure) }

// formToken returns the browser's double-submit token, setting a new one when it has none.
func (h *handler) formToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(h.formCookie()); err == nil && len(c.Value) >= 32 && len(c.Value) <= 64 {
		return c.Value
	}
	tok := app.NewSecretString()
	http.SetCookie(w, &http.Cookie{
		Name: h.formCookie(), Value: tok, Path: "/", HttpOnly: true,
		Secure: h.secureFor(r), SameSite: http.SameSiteStrictMode,
	})
	// A page rendered after a failed POST shows this token, so let the request carry it.
	r.AddCookie(&http.Cookie{Name: h.formCookie(), Value: tok})
	return tok
}

// checkFormToken tells whether a form posted before signing in carries the token of the
// browser's cookie in its csrf field.
func checkFormToken(r *http.Request, formCookie string) bool {
	c, err := r.Cookie(formCookie)
	if err != nil || c.Value == "" {
		return false
	}
	got := r.PostFormValue("csrf")
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(c.Value)) == 1
}
