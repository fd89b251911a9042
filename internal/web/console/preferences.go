package console

import (
	"net/http"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/web"
)

// The email settings of the signed-in person: which optional messages they receive, and
// which messages always go out.

// preferencesData is the email settings page's own data.
type preferencesData struct {
	Email    string
	Optional []desk.Preference
	Always   []string
}

// preferences shows the person's email settings.
func (h *handler) preferences(w http.ResponseWriter, r *http.Request, a desk.Actor) {
	v := newView(r, h.rd, "prefs.title")
	if r.URL.Query().Get("saved") != "" {
		v.Notice = v.T("prefs.saved")
	}
	ps, err := h.svc.outbox.Preferences(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.showPreferences(w, r, a, v, http.StatusOK, ps)
}

func (h *handler) showPreferences(w http.ResponseWriter, r *http.Request, a desk.Actor, v *view, status int, ps []desk.Preference) {
	d := preferencesData{Optional: ps, Always: app.MandatoryKinds(a.Role)}
	if v.User != nil {
		d.Email = v.User.Email
	}
	v.Nav, v.Data = "notifications", d
	h.rd.render(w, r, h.log, status, "preferences", v)
}

// savePreferences switches the optional kinds of the person's role on and off: a checked
// box is on, every other kind the page offers is off.
func (h *handler) savePreferences(w http.ResponseWriter, r *http.Request, a desk.Actor) {
	if !web.CheckCSRF(r) {
		h.rd.errorPage(w, r, h.log, http.StatusForbidden, "error.csrf")
		return
	}
	_ = r.ParseForm() // CheckCSRF may have read the token from a header instead
	on := map[string]bool{}
	for _, k := range r.PostForm["kind"] {
		on[k] = true
	}
	var ps []desk.Preference
	for _, k := range desk.KindsFor(a.Role) {
		ps = append(ps, desk.Preference{Kind: k, Enabled: on[k]})
	}
	if _, err := h.svc.outbox.SetPreferences(r.Context(), a, ps); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account/notifications?saved=1", http.StatusSeeOther)
}
