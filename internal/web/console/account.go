package console

import (
	"errors"
	"net/http"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/web"
)

// accountPasswordData is the data of the page where a signed-in person changes their
// password.
type accountPasswordData struct {
	MinLength    int
	RevokeTokens bool
}

// accountPasswordFields are the fields of the password form, in page order.
var accountPasswordFields = []fieldRef{fld("current", "current", "account_password.current"),
	fld("password", "password", "reset.password"), fld("password2", "password2", "reset.password2")}

// accountPassword shows the form to change one's password.
func (h *handler) accountPassword(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	return h.showAccountPassword(w, r, newView(r, h.rd, "account_password.title"), http.StatusOK, accountPasswordData{MinLength: desk.MinPassword})
}

func (h *handler) showAccountPassword(w http.ResponseWriter, r *http.Request, v *view, status int, d accountPasswordData) error {
	v.Nav, v.Data = "password", d
	h.rd.render(w, r, h.log, status, "account_password", v)
	return nil
}

// changePassword sets a new password after checking the current one. The other browsers
// of the person are signed out, this one stays; the box revokes their API tokens. A wrong
// current password counts as a failed sign-in of the account, so a browser left signed in
// cannot be used to guess it.
func (h *handler) changePassword(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	d := accountPasswordData{MinLength: desk.MinPassword, RevokeTokens: r.PostFormValue("revoke_tokens") == "1"}
	s := submission{form: "account_password", fields: accountPasswordFields, title: "account_password.title",
		show: func(v *view, status int) error {
			v.Values = nil // passwords are not sent back
			return h.showAccountPassword(w, r, v, status, d)
		}}
	return h.submit(w, r, s, func() (outcome, error) {
		pw, pw2 := r.PostFormValue("password"), r.PostFormValue("password2")
		if err := desk.ValidatePassword("password", pw); err != nil {
			return outcome{}, err
		}
		if pw != pw2 {
			return outcome{}, &desk.Error{Code: desk.EINVALID, Fields: []desk.FieldError{{Field: "password2", Rule: "same"}}}
		}
		u, ok := web.User(r.Context())
		if !ok {
			return outcome{}, desk.Errorf(desk.EUNAUTHORIZED, "please sign in")
		}
		acct := accountKey(u.Email)
		if ok, _ := h.throttle.accounts.acquire(acct); !ok {
			w.Header().Set("Retry-After", retryAfter)
			return outcome{}, errThrottled
		}
		err := h.svc.identity.ChangePassword(r.Context(), a, r.PostFormValue("current"), pw, d.RevokeTokens)
		if !errors.Is(err, app.ErrWrongPassword) {
			h.throttle.accounts.release(acct)
		}
		if err != nil {
			return outcome{}, err
		}
		return outcome{to: "/account/password", flash: flash{code: "password"}}, nil
	})
}
