package console

import (
	"net/http"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/web"
)

// setupData is the first-start page's own data.
type setupData struct {
	// Token is the setup secret from the link Meldpunt printed; when the link had none,
	// the page asks for it.
	Token     string
	AskToken  bool
	MinLength int
}

// setupForm shows the first-start page, until the first admin exists.
func (h *handler) setupForm(w http.ResponseWriter, r *http.Request) {
	pending, err := h.svc.identity.SetupPending(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !pending {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	tok := r.URL.Query().Get("token")
	v := newView(r, h.rd, "setup.title")
	v.FormCSRF = h.formToken(w, r)
	v.Data = setupData{Token: tok, AskToken: tok == "", MinLength: desk.MinPassword}
	h.rd.render(w, r, h.log, http.StatusOK, "setup", v)
}

// setup names the provider, creates the first admin and signs them in.
func (h *handler) setup(w http.ResponseWriter, r *http.Request) {
	if !checkFormToken(r) {
		h.rd.errorPage(w, r, h.log, http.StatusForbidden, "error.csrf")
		return
	}
	in := app.SetupInput{
		ProviderName: r.PostFormValue("provider_name"), Name: r.PostFormValue("name"),
		Email: r.PostFormValue("email"), Password: r.PostFormValue("password"),
	}
	tok := r.PostFormValue("token")
	addr := web.ClientAddress(r)
	_, err := h.svc.identity.CompleteSetup(r.Context(), tok, in, addr)
	if desk.ErrorCode(err) == desk.ECONFLICT {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	if err != nil {
		v := newView(r, h.rd, "setup.title")
		v.FormCSRF = h.formToken(w, r)
		errs, alert, ok := formErrors(v, err, "token", "provider_name", "name", "email", "password")
		if !ok {
			h.fail(w, r, err)
			return
		}
		if _, bad := errs["token"]; bad {
			errs["token"] = v.T("setup.invalid_token")
		}
		v.Form, v.Errors, v.Alert, v.Values = "setup", errs, alert, r.PostForm
		_, badToken := errs["token"]
		v.Data = setupData{Token: tok, AskToken: tok == "" || badToken, MinLength: desk.MinPassword}
		h.rd.render(w, r, h.log, http.StatusUnprocessableEntity, "setup", v)
		return
	}
	secret, s, _, err := h.svc.identity.SignIn(r.Context(), in.Email, in.Password, addr)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	web.SetSessionCookie(w, r, h.secure, secret, s.ExpiresAt)
	http.Redirect(w, r, "/incidents", http.StatusSeeOther)
}
