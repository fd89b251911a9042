package web

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"meldpunt/internal/desk"
)

// SessionCookie names the cookie that holds a browser's session secret on plain HTTP (local
// development); SessionCookieName gives the name in use.
const SessionCookie = "meldpunt_session"

// HostPrefix starts the name of every cookie that holds a secret when Meldpunt is reached
// over HTTPS: a browser keeps such a cookie only if it is Secure, has Path=/ and no Domain,
// so neither a plain-HTTP page nor a sibling subdomain can set or replace it.
const HostPrefix = "__Host-"

// CookieName returns the name of a secret-holding cookie: with the __Host- prefix when the
// base URL is https, as it is.
func CookieName(name string, https bool) string {
	if https {
		return HostPrefix + name
	}
	return name
}

// SessionCookieName returns the name of the session cookie: __Host-meldpunt_session when
// the base URL is https, meldpunt_session otherwise.
func SessionCookieName(https bool) string { return CookieName(SessionCookie, https) }

// CSRFHeader carries the session's CSRF token on API calls made with a session cookie.
const CSRFHeader = "X-CSRF-Token"

// Authenticator resolves credentials into actors; *app.App is one.
type Authenticator interface {
	TokenActor(ctx context.Context, secret, address string) (desk.Actor, error)
	SessionActor(ctx context.Context, secret, address string) (desk.Session, desk.Actor, desk.User, error)
}

// Authenticate puts the actor of the request's API token (Authorization: Bearer …) or
// session cookie into the context. A request without credentials goes on anonymously; an
// invalid token is refused at once. Routes decide themselves whether they need an actor.
// https says whether the base URL is https: then only the __Host- session cookie counts.
func Authenticate(auth Authenticator, https bool, onErr func(http.ResponseWriter, *http.Request, error)) func(http.Handler) http.Handler {
	cookie := SessionCookieName(https)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			addr := ClientAddress(r)
			if h := r.Header.Get("Authorization"); h != "" {
				secret, ok := strings.CutPrefix(h, "Bearer ")
				if !ok {
					onErr(w, r, desk.Errorf(desk.EUNAUTHORIZED, "the Authorization header must be \"Bearer <token>\""))
					return
				}
				a, err := auth.TokenActor(ctx, strings.TrimSpace(secret), addr)
				if err != nil {
					onErr(w, r, err)
					return
				}
				next.ServeHTTP(w, r.WithContext(WithActor(ctx, a)))
				return
			}
			if c, err := r.Cookie(cookie); err == nil && c.Value != "" {
				s, a, u, err := auth.SessionActor(ctx, c.Value, addr)
				if err == nil {
					ctx = context.WithValue(WithActor(ctx, a), keySession, s)
					ctx = context.WithValue(ctx, keyUser, u)
				} else if desk.ErrorCode(err) != desk.EUNAUTHORIZED {
					onErr(w, r, err)
					return
				}
			}
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// CheckCSRF tells whether an unsafe request made with a session carries the session's
// CSRF token, in the form field "csrf" or the X-CSRF-Token header. Requests with an API
// token (no session) need none: a browser never adds that header by itself.
func CheckCSRF(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	s, ok := Session(r.Context())
	if !ok {
		return true
	}
	got := r.Header.Get(CSRFHeader)
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.CSRF)) == 1
}

// SetSessionCookie gives the browser its session. The cookie is HttpOnly, SameSite=Lax and,
// when Meldpunt is reached over HTTPS, Secure; secure (the base URL is https) also gives it
// the __Host- prefix.
func SetSessionCookie(w http.ResponseWriter, r *http.Request, secure bool, secret string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookieName(secure), Value: secret, Path: "/", Expires: expires,
		HttpOnly: true, Secure: secure || r.TLS != nil, SameSite: http.SameSiteLaxMode,
	})
}

// ClearSessionCookie removes the session cookie.
func ClearSessionCookie(w http.ResponseWriter, r *http.Request, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookieName(secure), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: secure || r.TLS != nil, SameSite: http.SameSiteLaxMode})
}
