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
func (h *handler) setupForm(w http.ResponseWriter, r *http.Request) error {
	pending, err := h.svc.identity.SetupPending(r.Context())
	if err != nil {
		return err
	}
	if !pending {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	tok := r.URL.Query().Get("token")
	v := newView(r, h.rd, "setup.title")
	return h.showSetup(w, r, v, http.StatusOK, setupData{Token: tok, AskToken: tok == "", MinLength: desk.MinPassword})
}

func (h *handler) showSetup(w http.ResponseWriter, r *http.Request, v *view, status int, d setupData) error {
	v.FormCSRF = h.formToken(w, r)
	v.Data = d
	h.rd.render(w, r, h.log, status, "setup", v)
	return nil
}

// setupFields are the first-start form's fields.
var setupFields = []fieldRef{fld("token", "token", "setup.token"), fld("provider_name", "provider_name", "setup.provider_name"),
	fld("name", "name", "setup.name"), fld("email", "email", "setup.email"), fld("password", "password", "setup.password")}

// setup names the provider, creates the first admin and signs them in.
func (h *handler) setup(w http.ResponseWriter, r *http.Request) error {
	in := app.SetupInput{
		ProviderName: r.PostFormValue("provider_name"), Name: r.PostFormValue("name"),
		Email: r.PostFormValue("email"), Password: r.PostFormValue("password"),
	}
	tok := r.PostFormValue("token")
	addr := web.ClientAddress(r)
	s := submission{form: "setup", fields: setupFields, title: "setup.title",
		show: func(v *view, status int) error {
			_, badToken := v.Errors["token"]
			if badToken {
				v.Errors["token"] = v.T("setup.invalid_token")
			}
			return h.showSetup(w, r, v, status, setupData{Token: tok, AskToken: tok == "" || badToken, MinLength: desk.MinPassword})
		}}
	return h.submit(w, r, s, func() (outcome, error) {
		_, err := h.svc.identity.CompleteSetup(r.Context(), tok, in, addr)
		if desk.ErrorCode(err) == desk.ECONFLICT { // set up meanwhile: sign in instead
			return outcome{to: "/login"}, nil
		}
		if err != nil {
			return outcome{}, err
		}
		secret, s, _, err := h.svc.identity.SignIn(r.Context(), in.Email, in.Password, addr)
		if err != nil {
			return outcome{}, err
		}
		web.SetSessionCookie(w, r, h.secure, secret, s.ExpiresAt)
		return outcome{to: "/incidents", flash: flash{code: "setup"}}, nil
	})
}
