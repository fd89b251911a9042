package console

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// The last parts of the desk's forms for public incidents (docs/status-page.md "Publishing
// incidents and maintenance"): a message template fills the new-incident and update forms
// (a "Use template" button without JavaScript, pubtemplate.js at once with it); the resolve
// form says whether the linked tickets are resolved too; a small form corrects a name, the
// impact or a maintenance's window.

func init() {
	flashes["pub_edited"] = flashText{key: "pubfinish.edited"}
	pageGates["POST /public-incidents/{id}/edit"] = roleGate(desk.Role.IsDesk)
}

// registerPubFinish adds the routes of this file.
func (h *handler) registerPubFinish(private func(string, actorFunc)) {
	private("POST /public-incidents/{id}/edit", h.editPublicIncident)
}

// pubTemplateField is the template chooser of a form: a select whose options carry the
// template's status and message for pubtemplate.js.
type pubTemplateField struct {
	ID, Name, Label, Hint, Err string
	// Button is the "Use template" button's text, Filled what a screen reader hears once
	// the script filled the form.
	Button, Filled string
	Options        []pubTemplateOption
}

// pubTemplateOption is one template the chooser offers.
type pubTemplateOption struct {
	Value, Text, Status, NL, EN string
	Selected                    bool
}

// maxTemplateChoice is the most templates a chooser offers (desk.MaxTemplates keeps the
// whole set small already).
const maxTemplateChoice = 200

// templateFits says whether a template's status may be set on kind by these forms.
func templateFits(t desk.StatusTemplate, kind desk.PublicKind) bool {
	return slices.Contains(pubStatuses(kind), t.Status)
}

// templateChooser is the chooser of form for kind: the templates whose status fits it, nil
// when there are none.
func (h *handler) templateChooser(r *http.Request, a desk.Actor, v *view, form string, kind desk.PublicKind) (*pubTemplateField, error) {
	ts, err := h.svc.statusTemplates.List(r.Context(), a)
	if err != nil {
		return nil, err
	}
	f := &pubTemplateField{ID: form + "-template", Name: "template", Label: v.T("pubfinish.template"),
		Hint: v.T("pubfinish.template_hint"), Err: v.Err(form, "template"),
		Button: v.T("pubfinish.use_template"), Filled: v.T("pubfinish.template_filled")}
	chosen := v.Val(form, "template")
	f.Options = append(f.Options, pubTemplateOption{Text: v.T("pubfinish.template_none"), Selected: chosen == ""})
	for _, t := range ts {
		if !templateFits(t, kind) || len(f.Options) > maxTemplateChoice {
			continue
		}
		id := strconv.FormatInt(t.ID, 10)
		f.Options = append(f.Options, pubTemplateOption{Value: id, Text: t.Name + " (" + v.Label("mail.subscriber_notice.status", t.Status) + ")",
			Status: string(t.Status), NL: t.Body.NL, EN: t.Body.EN, Selected: chosen == id})
	}
	if len(f.Options) == 1 {
		return nil, nil
	}
	return f, nil
}

// usesTemplate says whether the posted form is the "Use template" button's.
func usesTemplate(r *http.Request) bool {
	return r.PostFormValue("use_template") != ""
}

// useTemplate answers the "Use template" button of a form for kind: the same page, its
// status and message taken from the chosen template, everything else as it was typed.
// Nothing is published. A missing or unfitting template is an error next to the chooser.
func (h *handler) useTemplate(r *http.Request, a desk.Actor, s submission, kind desk.PublicKind) error {
	v := newView(r, h.rd, s.title)
	if err := formCut(r); err != nil {
		return h.refill(r, v, s, err)
	}
	fail := func(rule, key string) error {
		return h.refill(r, v, s, &desk.Error{Code: desk.EINVALID, Message: "invalid template",
			Fields: []desk.FieldError{{Field: "template", Rule: rule, Message: v.T(key)}}})
	}
	id, err := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("template")), 10, 64)
	if err != nil || id <= 0 {
		return fail("pub_template_required", "pubfinish.template_required")
	}
	t, err := h.svc.statusTemplates.Get(r.Context(), a, id)
	switch {
	case desk.ErrorCode(err) == desk.ENOTFOUND:
		return fail("pub_template_unknown", "pubfinish.template_unknown")
	case err != nil:
		return err
	case !templateFits(t, kind):
		return fail("pub_template_kind", "pubfinish.template_kind")
	}
	vals := url.Values{}
	for k, vs := range r.PostForm {
		vals[k] = slices.Clone(vs)
	}
	vals.Set("status", string(t.Status))
	vals.Set("body.nl", t.Body.NL)
	vals.Set("body.en", t.Body.EN)
	v.Form, v.Values, v.fields = s.form, vals, s.fields
	v.Alert = ""
	return s.show(v, http.StatusOK)
}

// resolveTicketsChecked is the resolve form's checkbox: checked unless the form came back
// with it cleared.
func resolveTicketsChecked(v *view) bool {
	if v.Form != "resolve" {
		return true
	}
	return v.Val("resolve", "resolve_tickets") != ""
}

// editFields are the edit form's fields for p: the names, an incident's impact, a
// scheduled maintenance's window (in loc).
func editFields(v *view, p desk.PublicIncident, zone string, when func(*desk.PublicIncident) (string, string)) []pubField {
	fs := []pubField{pubFieldFor(v, "edit", "name.nl", p.Name.NL), pubFieldFor(v, "edit", "name.en", p.Name.EN)}
	fs[1].Hint = v.T("pubdesk.translate_hint")
	if p.Kind == desk.KindIncident {
		fs = append(fs, pubFieldFor(v, "edit", "impact", string(p.Impact)).withOptions(v, "pages.impact", "", names(desk.PublicImpacts)))
	} else if p.Status == desk.MaintenanceScheduled {
		from, until := when(&p)
		for i, n := range []string{"scheduled_for", "scheduled_until"} {
			f := pubFieldFor(v, "edit", n, []string{from, until}[i])
			f.Type, f.Hint = "datetime-local", v.T("pubdesk.window_hint", zone)
			fs = append(fs, f)
		}
	}
	return fs
}

// editPublicIncident corrects a public incident: its name, an incident's impact, a
// maintenance's window before it starts (app.PublicIncidents.Edit). It posts no update and
// tells no subscriber.
func (h *handler) editPublicIncident(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireDesk(a); err != nil {
		return err
	}
	id, err := publicIncidentID(r)
	if err != nil {
		return err
	}
	p, err := h.svc.publicIncidents.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	s := h.pubDetailSubmission(w, r, a, id, "edit", []string{"name.nl", "name.en", "impact", "scheduled_for", "scheduled_until"}, nil)
	return h.submit(w, r, s, func() (outcome, error) {
		brand, err := h.svc.branding.Page(r.Context())
		if err != nil {
			return outcome{}, err
		}
		var val desk.Validator
		name := desk.Texts{NL: strings.TrimSpace(r.PostFormValue("name.nl")), EN: strings.TrimSpace(r.PostFormValue("name.en"))}
		patch := app.PublicIncidentPatch{Name: &name}
		if p.Kind == desk.KindIncident {
			impact := desk.PublicImpact(r.PostFormValue("impact"))
			patch.Impact = &impact
		} else if p.Status == desk.MaintenanceScheduled {
			patch.ScheduledFor = readWindow(r, &val, "scheduled_for", brand.Settings.Zone())
			patch.ScheduledUntil = readWindow(r, &val, "scheduled_until", brand.Settings.Zone())
		}
		if err := val.Err(); err != nil {
			return outcome{}, err
		}
		_, err = h.svc.publicIncidents.Edit(r.Context(), a, id, patch)
		return outcome{to: "/public-incidents/" + strconv.FormatInt(id, 10), flash: flash{code: "pub_edited"}},
			renamed(newView(r, h.rd, "pubdesk.title"), err, nil)
	})
}
