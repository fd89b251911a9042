package console

import (
	"net/http"
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
func (h *handler) forgotForm(w http.ResponseWriter, r *http.Request) error {
	v := newView(r, h.rd, "forgot.title")
	return h.showForgot(w, r, v, http.StatusOK, forgotData{})
}

func (h *handler) showForgot(w http.ResponseWriter, r *http.Request, v *view, status int, d forgotData) error {
	if !d.Sent {
		v.FormCSRF = h.formToken(w, r)
	}
	v.Data = d
	h.rd.render(w, r, h.log, status, "forgot", v)
	return nil
}

// The answers to too many reset requests: for one email address (whether or not it has
// an account, so the answer tells nothing), and from one client address.
var (
	errResetsThrottled        = &formAlert{status: http.StatusTooManyRequests, key: "forgot.throttled"}
	errResetsThrottledAddress = &formAlert{status: http.StatusTooManyRequests, key: "forgot.throttled_address"}
)

// forgot makes a reset link, which goes by email. The answer is the same whether or not
// the address has an account. Requests are throttled per client address and per email
// address; every request counts, found or not, and input that cannot be an address is
// refused (422) only after it was counted.
func (h *handler) forgot(w http.ResponseWriter, r *http.Request) error {
	email := strings.TrimSpace(r.PostFormValue("email"))
	s := submission{form: "forgot", fields: []fieldRef{fld("email", "email", "forgot.email")}, title: "forgot.title",
		show: func(v *view, status int) error { return h.showForgot(w, r, v, status, forgotData{}) }}
	if err := formCut(r); err != nil {
		return h.refill(r, newView(r, h.rd, s.title), s, err)
	}
	if email == "" {
		return h.refill(r, newView(r, h.rd, s.title), s, &desk.Error{Code: desk.EINVALID,
			Fields: []desk.FieldError{{Field: "email", Rule: "required", Message: "is required"}}})
	}
	addr := web.ClientAddress(r)
	acct, from := accountKey(email), addressKey(addr)
	ok, last := h.resets.addresses.acquire(from)
	if last {
		h.log.WarnContext(r.Context(), "password resets throttled: too many requests from one address",
			"remote", from, "request_id", web.RequestID(r.Context()))
	}
	if !ok {
		w.Header().Set("Retry-After", retryAfter)
		return h.refill(r, newView(r, h.rd, s.title), s, errResetsThrottledAddress)
	}
	if ok, _ := h.resets.accounts.acquire(acct); !ok {
		w.Header().Set("Retry-After", retryAfter)
		return h.refill(r, newView(r, h.rd, s.title), s, errResetsThrottled)
	}
	var v desk.Validator
	if v.Text("email", email, true, desk.MaxEmail, false); v.Err() != nil {
		return h.refill(r, newView(r, h.rd, s.title), s, v.Err())
	}
	link, err := h.svc.identity.RequestPasswordReset(r.Context(), email, addr)
	if err != nil {
		return err
	}
	if link != "" { // the link itself goes by email only: a secret is never logged
		h.log.InfoContext(r.Context(), "password reset requested", "email", strings.ToLower(email),
			"request_id", web.RequestID(r.Context()))
	}
	// The page itself says the link is on its way: there is no page to go back to.
	return h.showForgot(w, r, newView(r, h.rd, s.title), http.StatusOK, forgotData{Email: email, Sent: true})
}

// resetData is the data of the page that sets a new password.
type resetData struct {
	Token string
	// Invalid is set when the link is not valid, used or expired.
	Invalid   bool
	MinLength int
	// RevokeTokens is ticked to delete the user's API tokens too.
	RevokeTokens bool
}

// resetFields are the fields of the new-password form.
var resetFields = []fieldRef{fld("password", "password", "reset.password"), fld("password2", "password2", "reset.password2"), fld("token", "", "")}

// resetForm asks for a new password, twice. The link's token is checked on submit, since
// looking at it must not use it up.
func (h *handler) resetForm(w http.ResponseWriter, r *http.Request) error {
	v := newView(r, h.rd, "reset.title")
	tok := r.URL.Query().Get("token")
	return h.showReset(w, r, v, http.StatusOK, resetData{Token: tok, Invalid: tok == "", MinLength: desk.MinPassword})
}

func (h *handler) showReset(w http.ResponseWriter, r *http.Request, v *view, status int, d resetData) error {
	v.FormCSRF = h.formToken(w, r)
	v.Data = d
	h.rd.render(w, r, h.log, status, "reset", v)
	return nil
}

// reset sets the new password and sends the person to sign in with it: every session of
// theirs ends, and when they tick the box their API tokens are revoked. The passwords are
// never shown again; a link that does not work says so instead of the form.
func (h *handler) reset(w http.ResponseWriter, r *http.Request) error {
	d := resetData{Token: r.PostFormValue("token"), MinLength: desk.MinPassword, RevokeTokens: r.PostFormValue("revoke_tokens") == "1"}
	s := submission{form: "reset", fields: resetFields, title: "reset.title",
		show: func(v *view, status int) error {
			if _, bad := v.Errors["token"]; bad {
				d.Invalid, v.Alert, v.Errors = true, "", nil
			}
			v.Values = nil // passwords are not sent back
			return h.showReset(w, r, v, status, d)
		}}
	return h.submit(w, r, s, func() (outcome, error) {
		pw, pw2 := r.PostFormValue("password"), r.PostFormValue("password2")
		if err := desk.ValidatePassword("password", pw); err != nil {
			return outcome{}, err
		}
		if pw != pw2 {
			return outcome{}, &desk.Error{Code: desk.EINVALID, Fields: []desk.FieldError{{Field: "password2", Rule: "same"}}}
		}
		if _, err := h.svc.identity.ResetPasswordRevoking(r.Context(), d.Token, pw, web.ClientAddress(r), d.RevokeTokens); err != nil {
			return outcome{}, err
		}
		return outcome{to: "/login", flash: flash{code: "reset"}}, nil
	})
}
