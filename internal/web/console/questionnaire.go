package console

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// questionnaireData is the admin's view of the current questionnaire definition.
type questionnaireData struct {
	Q    desk.Questionnaire
	Hash string
	// Problems lists what is wrong with a definition that was not saved.
	Problems []problem
	Locales  []desk.Locale
}

// problem is one field error of a definition: its path and what is wrong there.
type problem struct {
	Field, Message, Detail string
}

// questionnaire shows the current version of the definition and the form to replace it.
func (h *handler) questionnaire(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return h.showQuestionnaire(w, r, a, newView(r, h.rd, "questionnaire.title"), http.StatusOK, nil)
}

func (h *handler) showQuestionnaire(w http.ResponseWriter, r *http.Request, a desk.Actor, v *view, status int, problems []problem) error {
	q, err := h.svc.reports.Questionnaire(r.Context(), a)
	if err != nil {
		return err
	}
	v.Nav = "questionnaire"
	v.Data = questionnaireData{Q: q, Hash: q.Hash(), Problems: problems, Locales: []desk.Locale{desk.LocaleNL, desk.LocaleEN}}
	h.rd.render(w, r, h.log, status, "questionnaire", v)
	return nil
}

// questionnaireJSON downloads the current definition as JSON, ready to edit and upload.
func (h *handler) questionnaireJSON(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	q, err := h.svc.reports.Questionnaire(r.Context(), a)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(q, "", "  ")
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="questionnaire-v`+strconv.Itoa(q.Version)+`.json"`)
	hd.Set("Cache-Control", "no-store")
	_, _ = w.Write(append(b, '\n'))
	return nil
}

// questionnaireFields are the replace form's fields.
var questionnaireFields = []fieldRef{fld("definition", "definition", "questionnaire.file"), fld("text", "text", "questionnaire.text")}

// replaceQuestionnaire stores a new version from an uploaded file (field "definition") or
// pasted text (field "text"), in YAML or JSON. What is wrong with a definition is listed
// above the form, by its path in the definition.
func (h *handler) replaceQuestionnaire(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	v := newView(r, h.rd, "questionnaire.title")
	s := submission{form: "questionnaire", fields: questionnaireFields, title: "questionnaire.title",
		show: func(v *view, status int) error { return h.showQuestionnaire(w, r, a, v, status, nil) }}
	if err := formCut(r); err != nil {
		return h.refill(r, v, s, err)
	}
	data := []byte(r.PostFormValue("text"))
	if fs := formFiles(r, "definition"); len(fs) > 0 && len(fs[0].Data) > 0 {
		data = fs[0].Data
	}
	q, err := app.ParseQuestionnaire(data)
	if err == nil {
		q, err = h.svc.reports.ReplaceQuestionnaire(r.Context(), a, q)
	}
	if err == nil {
		h.redirect(w, r, outcome{to: "/admin/questionnaire", flash: flash{code: "questionnaire", arg: strconv.Itoa(q.Version)}})
		return nil
	}
	var e *desk.Error
	if !errors.As(err, &e) || e.Code != desk.EINVALID {
		return err
	}
	var ps []problem
	for _, fe := range e.Fields {
		p := problem{Field: fe.Field, Message: fieldMessage(v, fe)}
		if p.Message != fe.Message {
			p.Detail = fe.Message
		}
		ps = append(ps, p)
	}
	if e.More > 0 {
		ps = append(ps, problem{Field: "…", Message: v.N("questionnaire.more_problems", e.More)})
	}
	v.Form, v.Values, v.Alert = "questionnaire", r.PostForm, v.T("questionnaire.not_saved")
	return h.showQuestionnaire(w, r, a, v, http.StatusUnprocessableEntity, ps)
}
