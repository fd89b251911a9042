package console

import (
	"net/http"
	"strconv"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// The admin's page of message templates for status-page updates (issue 11, point 5):
// /admin/status-templates lists them, with a form per template and one for a new one.

// templateStatusGroups are the statuses a template may carry, grouped by kind for the
// form's select.
var templateStatusGroups = []struct {
	Key      string
	Statuses []desk.PublicStatus
}{
	{"templates.group_incident", []desk.PublicStatus{desk.PublicInvestigating, desk.PublicIdentified, desk.PublicMonitoring, desk.PublicResolved}},
	{"templates.group_maintenance", desk.MaintenanceStatuses},
}

// templateFormData is one template's form, with the input kept after an error.
type templateFormData struct {
	ID, Action, Title, DeleteAction string
	New, Open                       bool
	Name, Status, BodyNL, BodyEN    string
	NameErr, StatusErr              string
	BodyNLErr, BodyENErr            string
}

// templatesData is the page: the templates and their forms.
type templatesData struct {
	Templates []desk.StatusTemplate
	Forms     []templateFormData
	Groups    any
}

func templateFormFor(v *view, form string, t desk.StatusTemplate) templateFormData {
	d := templateFormData{ID: form, New: t.ID == 0, Open: v.Form == form,
		Name: t.Name, Status: string(t.Status), BodyNL: t.Body.NL, BodyEN: t.Body.EN}
	if d.New {
		d.Action, d.Title = "/admin/status-templates", v.T("templates.new")
	} else {
		id := strconv.FormatInt(t.ID, 10)
		d.Action, d.DeleteAction, d.Title = "/admin/status-templates/"+id, "/admin/status-templates/"+id+"/delete", v.T("templates.edit", t.Name)
	}
	if d.Open {
		d.Name, d.Status, d.BodyNL, d.BodyEN = v.Val(form, "name"), v.Val(form, "status"), v.Val(form, "body_nl"), v.Val(form, "body_en")
	}
	d.NameErr, d.StatusErr = v.Err(form, "name"), v.Err(form, "status")
	d.BodyNLErr, d.BodyENErr = v.Err(form, "body.nl"), v.Err(form, "body.en")
	if e := v.Err(form, "body"); e != "" && d.BodyNLErr == "" {
		d.BodyNLErr = e
	}
	return d
}

// statusTemplates shows the templates; admins only.
func (h *handler) statusTemplates(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return h.showTemplates(w, r, a, newView(r, h.rd, "templates.title"), http.StatusOK)
}

func (h *handler) showTemplates(w http.ResponseWriter, r *http.Request, a desk.Actor, v *view, status int) error {
	ts, err := h.svc.statusTemplates.List(r.Context(), a)
	if err != nil {
		return err
	}
	v.Nav = "status-templates"
	d := templatesData{Templates: ts, Groups: templateStatusGroups}
	for _, t := range ts {
		d.Forms = append(d.Forms, templateFormFor(v, "template-"+strconv.FormatInt(t.ID, 10), t))
	}
	d.Forms = append(d.Forms, templateFormFor(v, "template-new", desk.StatusTemplate{}))
	v.Data = d
	h.rd.render(w, r, h.log, status, "status_templates", v)
	return nil
}

// templateSubmission is the form of a template: invalid input shows the page again with
// the messages next to that form's fields.
func (h *handler) templateSubmission(w http.ResponseWriter, r *http.Request, a desk.Actor, form string) submission {
	return submission{form: form, title: "templates.title", conflict: "templates.conflict",
		fields: []fieldRef{
			fld("name", form+"-name", "templates.name"),
			fld("status", form+"-status", "templates.status"),
			fld("body", form+"-body_nl", "templates.body_nl"),
			fld("body.nl", form+"-body_nl", "templates.body_nl"),
			fld("body.en", form+"-body_en", "templates.body_en"),
		},
		show: func(v *view, status int) error { return h.showTemplates(w, r, a, v, status) }}
}

func templateInput(r *http.Request) app.StatusTemplateInput {
	return app.StatusTemplateInput{Name: r.PostFormValue("name"), Status: desk.PublicStatus(r.PostFormValue("status")),
		Body: desk.Texts{NL: r.PostFormValue("body_nl"), EN: r.PostFormValue("body_en")}}
}

func templateID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, desk.NotFound("status template")
	}
	return id, nil
}

// createTemplate adds a template.
func (h *handler) createTemplate(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return h.submit(w, r, h.templateSubmission(w, r, a, "template-new"), func() (outcome, error) {
		t, err := h.svc.statusTemplates.Create(r.Context(), a, templateInput(r))
		return outcome{to: "/admin/status-templates", flash: flash{code: "template_saved", arg: flashName(t.Name)}}, err
	})
}

// updateTemplate replaces a template.
func (h *handler) updateTemplate(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	id, err := templateID(r)
	if err != nil {
		return err
	}
	return h.submit(w, r, h.templateSubmission(w, r, a, "template-"+strconv.FormatInt(id, 10)), func() (outcome, error) {
		t, err := h.svc.statusTemplates.Update(r.Context(), a, id, templateInput(r))
		return outcome{to: "/admin/status-templates", flash: flash{code: "template_saved", arg: flashName(t.Name)}}, err
	})
}

// deleteTemplate deletes a template.
func (h *handler) deleteTemplate(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	id, err := templateID(r)
	if err != nil {
		return err
	}
	return h.submit(w, r, h.templateSubmission(w, r, a, "template-"+strconv.FormatInt(id, 10)), func() (outcome, error) {
		t, err := h.svc.statusTemplates.Get(r.Context(), a, id)
		if err != nil {
			return outcome{}, err
		}
		if err := h.svc.statusTemplates.Delete(r.Context(), a, id); err != nil {
			return outcome{}, err
		}
		return outcome{to: "/admin/status-templates", flash: flash{code: "template_deleted", arg: flashName(t.Name)}}, nil
	})
}
