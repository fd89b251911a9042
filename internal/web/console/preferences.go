package console

import (
	"net/http"
	"slices"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
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
func (h *handler) preferences(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	v := newView(r, h.rd, "prefs.title")
	ps, err := h.svc.outbox.Preferences(r.Context(), a)
	if err != nil {
		return err
	}
	return h.showPreferences(w, r, a, v, http.StatusOK, ps)
}

// showPreferences renders the settings ps; after a failed form, the boxes as they were sent.
func (h *handler) showPreferences(w http.ResponseWriter, r *http.Request, a desk.Actor, v *view, status int, ps []desk.Preference) error {
	d := preferencesData{Optional: ps, Always: app.MandatoryKinds(a.Role)}
	if v.Form == "preferences" {
		d.Optional = nil
		for _, p := range ps {
			d.Optional = append(d.Optional, desk.Preference{Kind: p.Kind, Enabled: slices.Contains(v.Values["kind"], p.Kind)})
		}
	}
	if v.User != nil {
		d.Email = v.User.Email
	}
	v.Nav, v.Data = "notifications", d
	h.rd.render(w, r, h.log, status, "preferences", v)
	return nil
}

// savePreferences switches the optional kinds of the person's role on and off: a checked
// box is on, every other kind the page offers is off.
func (h *handler) savePreferences(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	s := submission{form: "preferences", fields: []fieldRef{fld("kind", "", "prefs.optional")}, title: "prefs.title",
		show: func(v *view, status int) error {
			ps, err := h.svc.outbox.Preferences(r.Context(), a)
			if err != nil {
				return err
			}
			return h.showPreferences(w, r, a, v, status, ps)
		}}
	return h.submit(w, r, s, func() (outcome, error) {
		on := map[string]bool{}
		for _, k := range r.PostForm["kind"] {
			on[k] = true
		}
		var ps []desk.Preference
		for _, k := range desk.KindsFor(a.Role) {
			ps = append(ps, desk.Preference{Kind: k, Enabled: on[k]})
		}
		if _, err := h.svc.outbox.SetPreferences(r.Context(), a, ps); err != nil {
			return outcome{}, err
		}
		return outcome{to: "/account/notifications", flash: flash{code: "prefs"}}, nil
	})
}
