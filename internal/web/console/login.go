package console

import (
	"net/http"
	"strings"

	"meldpunt/internal/desk"
	"meldpunt/internal/web"
)

// loginData is the sign-in page's own data.
type loginData struct {
	Email string
	Next  string
}

// loginForm shows the sign-in page; a signed-in person goes on to where they were heading,
// and a new installation to its first-start page.
func (h *handler) loginForm(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"), "")
	if h.redirectAway(w, r, safeNext(next, "/incidents")) {
		return
	}
	v := newView(r, h.rd, "login.title")
	switch r.URL.Query().Get("done") {
	case "reset":
		v.Notice = v.T("login.reset_done")
	case "logout":
		v.Notice = v.T("login.signed_out")
	}
	h.showLogin(w, r, v, http.StatusOK, loginData{Next: next})
}

func (h *handler) showLogin(w http.ResponseWriter, r *http.Request, v *view, status int, d loginData) {
	v.FormCSRF = h.formToken(w, r)
	v.Data = d
	h.rd.render(w, r, h.log, status, "login", v)
}

// login checks the email and password. Every failure gets the same answer (401), and an
// address that failed too often in a while is refused (429) before its password is checked.
func (h *handler) login(w http.ResponseWriter, r *http.Request) {
	if !checkFormToken(r) {
		h.rd.errorPage(w, r, h.log, http.StatusForbidden, "error.csrf")
		return
	}
	d := loginData{Email: strings.TrimSpace(r.PostFormValue("email")), Next: safeNext(r.PostFormValue("next"), "")}
	v := newView(r, h.rd, "login.title")
	addr := web.ClientAddress(r)
	if h.throttle.blocked(addr) {
		v.Alert = v.T("login.throttled")
		h.showLogin(w, r, v, http.StatusTooManyRequests, d)
		return
	}
	secret, s, _, err := h.svc.identity.SignIn(r.Context(), d.Email, r.PostFormValue("password"), addr)
	if desk.ErrorCode(err) == desk.EUNAUTHORIZED {
		h.throttle.fail(addr)
		v.Alert = v.T("login.failed")
		h.showLogin(w, r, v, http.StatusUnauthorized, d)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	web.SetSessionCookie(w, r, h.secure, secret, s.ExpiresAt)
	http.Redirect(w, r, safeNext(d.Next, "/incidents"), http.StatusSeeOther)
}

// logout ends the session and forgets its cookie.
func (h *handler) logout(w http.ResponseWriter, r *http.Request) {
	if !web.CheckCSRF(r) {
		h.rd.errorPage(w, r, h.log, http.StatusForbidden, "error.csrf")
		return
	}
	if _, ok := web.Session(r.Context()); ok {
		if c, err := r.Cookie(web.SessionCookie); err == nil {
			if err := h.svc.identity.SignOut(r.Context(), c.Value); err != nil {
				h.fail(w, r, err)
				return
			}
		}
	}
	web.ClearSessionCookie(w, r, h.secure)
	http.Redirect(w, r, "/login?done=logout", http.StatusSeeOther)
}
