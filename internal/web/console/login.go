package console

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"meldpunt/internal/desk"
	"meldpunt/internal/web"
)

// loginData is the sign-in page's own data.
type loginData struct {
	Email string
	Next  string
}

// loginFields are the sign-in form's fields.
var loginFields = []fieldRef{fld("email", "email", "login.email"), fld("password", "password", "login.password")}

// loginForm shows the sign-in page; a signed-in person goes on to where they were heading,
// and a new installation to its first-start page.
func (h *handler) loginForm(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"), "")
	if done, err := h.redirectAway(w, r, safeNext(next, "/incidents")); done || err != nil {
		return err
	}
	v := newView(r, h.rd, "login.title")
	return h.showLogin(w, r, v, http.StatusOK, loginData{Next: next})
}

func (h *handler) showLogin(w http.ResponseWriter, r *http.Request, v *view, status int, d loginData) error {
	v.FormCSRF = h.formToken(w, r)
	v.Data = d
	h.rd.render(w, r, h.log, status, "login", v)
	return nil
}

// login checks the email and password. Every failure gets the same answer (401), but for
// an email no account can have, which is invalid input (422, and a failure too). An
// account that failed too often in a while is refused (429) before its password is
// checked, whoever tries it. A client address that failed too often gets 429 for its
// failures too, but a right password for an account that is not throttled always signs
// in: behind one proxy, one person's failures never lock out the others.
func (h *handler) login(w http.ResponseWriter, r *http.Request) error {
	d := loginData{Email: strings.TrimSpace(r.PostFormValue("email")), Next: safeNext(r.PostFormValue("next"), "")}
	s := submission{form: "login", fields: loginFields, title: "login.title",
		show: func(v *view, status int) error { return h.showLogin(w, r, v, status, d) }}
	addr := web.ClientAddress(r)
	acct, from := accountKey(d.Email), addressKey(addr)
	return h.submit(w, r, s, func() (outcome, error) {
		// The attempt counts as a failure of the account until it succeeds: attempts made
		// in parallel cannot all be checked before the first one fails.
		ok, last := h.throttle.accounts.acquire(acct)
		if !ok {
			h.addressFailed(r, from)
			w.Header().Set("Retry-After", retryAfter)
			return outcome{}, errThrottled
		}
		// An address no account can have (a NUL, text that is not UTF-8, over the length) is
		// invalid input, named next to its field as on every form; it counts as a failure
		// all the same, and reaches no database.
		var v desk.Validator
		if v.Text("email", d.Email, true, desk.MaxEmail, false); v.Err() != nil {
			h.addressFailed(r, from)
			return outcome{}, v.Err()
		}
		secret, ss, _, err := h.svc.identity.SignIn(r.Context(), d.Email, r.PostFormValue("password"), addr)
		if err != nil {
			if desk.ErrorCode(err) == desk.EUNAUTHORIZED {
				if last {
					h.log.WarnContext(r.Context(), "sign-in throttled: too many failures for one account",
						"account", logAccount(d.Email), "remote", addr, "request_id", web.RequestID(r.Context()))
				}
				h.addressFailed(r, from)
				if h.throttle.addresses.blocked(from) {
					w.Header().Set("Retry-After", retryAfter)
					return outcome{}, errThrottledAddress
				}
				return outcome{}, errSignInFailed
			}
			h.throttle.accounts.release(acct)
			return outcome{}, err
		}
		h.throttle.accounts.release(acct)
		web.SetSessionCookie(w, r, h.secure, secret, ss.ExpiresAt)
		return outcome{to: safeNext(d.Next, "/incidents")}, nil
	})
}

// addressFailed counts a failed sign-in from a client address, and logs the one that
// reaches the address's limit.
func (h *handler) addressFailed(r *http.Request, from string) {
	if h.throttle.addresses.fail(from) {
		h.log.WarnContext(r.Context(), "sign-in throttled: too many failures from one address",
			"remote", from, "request_id", web.RequestID(r.Context()))
	}
}

// Sign-in failures the form shows as an alert of its own: one answer for every wrong
// address or password (401), one for an account that failed too often (429), and one for
// a failure from a client address that failed too often (429).
var (
	errSignInFailed     = &formAlert{status: http.StatusUnauthorized, key: "login.failed"}
	errThrottled        = &formAlert{status: http.StatusTooManyRequests, key: "login.throttled"}
	errThrottledAddress = &formAlert{status: http.StatusTooManyRequests, key: "login.throttled_address"}
)

// retryAfter is the Retry-After of a throttled answer, in seconds: the whole window.
var retryAfter = strconv.Itoa(int(ThrottleWindow / time.Second))

// logAccount is the email address tried, as the log shows it: lower case, and only when
// it could be an address at all.
func logAccount(email string) string {
	var v desk.Validator
	if v.Email("email", strings.ToLower(strings.TrimSpace(email))); v.Err() != nil {
		return "(not an email address)"
	}
	return strings.ToLower(strings.TrimSpace(email))
}

// logout ends the session and forgets its cookie.
func (h *handler) logout(w http.ResponseWriter, r *http.Request) error {
	if err := formCut(r); err != nil {
		return err
	}
	if _, ok := web.Session(r.Context()); ok {
		if c, err := r.Cookie(web.SessionCookieName(h.secure)); err == nil {
			if err := h.svc.identity.SignOut(r.Context(), c.Value); err != nil {
				return err
			}
		}
	}
	web.ClearSessionCookie(w, r, h.secure)
	h.redirect(w, r, outcome{to: "/login", flash: flash{code: "logout"}})
	return nil
}
