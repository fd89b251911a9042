package console

import (
	"net/http"
	"net/url"
	"strings"

	"meldpunt/internal/desk"
	"meldpunt/internal/web"
)

// forgotData is the data of the page that asks for a reset link.
type forgotData struct {
	Email string
	Sent  bool
}

// forgotForm asks for the email address to send a reset link to.
func (h *handler) forgotForm(w http.ResponseWriter, r *http.Request) {
	v := newView(r, h.rd, "forgot.title")
	v.FormCSRF = h.formToken(w, r)
	v.Data = forgotData{}
	h.rd.render(w, r, h.log, http.StatusOK, "forgot", v)
}

// forgot makes a reset link. Until Meldpunt sends email, the link goes to the log for an
// operator to pass on. The answer is the same whether or not the address has an account.
func (h *handler) forgot(w http.ResponseWriter, r *http.Request) {
	if !checkFormToken(r) {
		h.rd.errorPage(w, r, h.log, http.StatusForbidden, "error.csrf")
		return
	}
	v := newView(r, h.rd, "forgot.title")
	v.FormCSRF = h.formToken(w, r)
	email := strings.TrimSpace(r.PostFormValue("email"))
	if email == "" {
		v.Form, v.Values = "forgot", r.PostForm
		v.Errors = map[string]string{"email": v.T("field.required")}
		v.Alert = v.T("form.check")
		v.Data = forgotData{}
		h.rd.render(w, r, h.log, http.StatusUnprocessableEntity, "forgot", v)
		return
	}
	addr := web.ClientAddress(r)
	if h.resets.blocked(addr) {
		v.Form, v.Values = "forgot", r.PostForm
		v.Alert = v.T("forgot.throttled")
		v.Data = forgotData{}
		h.rd.render(w, r, h.log, http.StatusTooManyRequests, "forgot", v)
		return
	}
	h.resets.fail(addr) // every request counts, found or not
	link, err := h.svc.identity.RequestPasswordReset(r.Context(), email, addr)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if link != "" { // the link itself goes by email only: a secret is never logged
		h.log.InfoContext(r.Context(), "password reset requested", "email", strings.ToLower(email),
			"request_id", web.RequestID(r.Context()))
	}
	v.Data = forgotData{Email: email, Sent: true}
	h.rd.render(w, r, h.log, http.StatusOK, "forgot", v)
}

// resetData is the data of the page that sets a new password.
type resetData struct {
	Token string
	// Invalid is set when the link is not valid, used or expired.
	Invalid   bool
	MinLength int
}

// resetForm asks for a new password, twice. The link's token is checked on submit, since
// looking at it must not use it up.
func (h *handler) resetForm(w http.ResponseWriter, r *http.Request) {
	v := newView(r, h.rd, "reset.title")
	v.FormCSRF = h.formToken(w, r)
	tok := r.URL.Query().Get("token")
	v.Data = resetData{Token: tok, Invalid: tok == "", MinLength: desk.MinPassword}
	h.rd.render(w, r, h.log, http.StatusOK, "reset", v)
}

// reset sets the new password and sends the person to sign in with it.
func (h *handler) reset(w http.ResponseWriter, r *http.Request) {
	if !checkFormToken(r) {
		h.rd.errorPage(w, r, h.log, http.StatusForbidden, "error.csrf")
		return
	}
	v := newView(r, h.rd, "reset.title")
	v.FormCSRF = h.formToken(w, r)
	d := resetData{Token: r.PostFormValue("token"), MinLength: desk.MinPassword}
	pw, pw2 := r.PostFormValue("password"), r.PostFormValue("password2")
	var err error
	if perr := desk.ValidatePassword("password", pw); perr != nil {
		err = perr
	} else if pw != pw2 {
		err = &desk.Error{Code: desk.EINVALID, Fields: []desk.FieldError{{Field: "password2", Rule: "same"}}}
	} else {
		_, err = h.svc.identity.ResetPassword(r.Context(), d.Token, pw, web.ClientAddress(r))
	}
	if err == nil {
		http.Redirect(w, r, "/login?done=reset", http.StatusSeeOther)
		return
	}
	errs, alert, ok := formErrors(v, err, "password", "password2", "token")
	if !ok {
		h.fail(w, r, err)
		return
	}
	if _, bad := errs["token"]; bad {
		d.Invalid = true
		alert = ""
	}
	v.Form, v.Errors, v.Alert, v.Values, v.Data = "reset", errs, alert, url.Values{}, d
	h.rd.render(w, r, h.log, http.StatusUnprocessableEntity, "reset", v)
}
