package console

import (
	"encoding/json"
	"errors"
	"io"
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

// requireAdmin answers 403 and returns false for anyone but an admin.
func (h *handler) requireAdmin(w http.ResponseWriter, r *http.Request, a desk.Actor) bool {
	if a.Role != desk.RoleAdmin {
		h.rd.errorPage(w, r, h.log, http.StatusForbidden, "error.forbidden")
		return false
	}
	return true
}

// questionnaire shows the current version of the definition and the form to replace it.
func (h *handler) questionnaire(w http.ResponseWriter, r *http.Request, a desk.Actor) {
	if !h.requireAdmin(w, r, a) {
		return
	}
	v := newView(r, h.rd, "questionnaire.title")
	if n, err := strconv.Atoi(r.URL.Query().Get("saved")); err == nil && n > 0 {
		v.Notice = v.T("questionnaire.saved", n)
	}
	h.showQuestionnaire(w, r, a, v, http.StatusOK, nil)
}

func (h *handler) showQuestionnaire(w http.ResponseWriter, r *http.Request, a desk.Actor, v *view, status int, problems []problem) {
	q, err := h.svc.reports.Questionnaire(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Nav = "questionnaire"
	v.Data = questionnaireData{Q: q, Hash: q.Hash(), Problems: problems, Locales: []desk.Locale{desk.LocaleNL, desk.LocaleEN}}
	h.rd.render(w, r, h.log, status, "questionnaire", v)
}

// questionnaireJSON downloads the current definition as JSON, ready to edit and upload.
func (h *handler) questionnaireJSON(w http.ResponseWriter, r *http.Request, a desk.Actor) {
	if !h.requireAdmin(w, r, a) {
		return
	}
	q, err := h.svc.reports.Questionnaire(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	b, err := json.MarshalIndent(q, "", "  ")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="questionnaire-v`+strconv.Itoa(q.Version)+`.json"`)
	hd.Set("Cache-Control", "no-store")
	_, _ = w.Write(append(b, '\n'))
}

// replaceQuestionnaire stores a new version from an uploaded file (field "definition") or
// pasted text (field "text"), in YAML or JSON.
func (h *handler) replaceQuestionnaire(w http.ResponseWriter, r *http.Request, a desk.Actor) {
	if !h.requireAdmin(w, r, a) {
		return
	}
	done, ok := h.readUpload(w, r)
	defer done()
	if !ok {
		return
	}
	v := newView(r, h.rd, "questionnaire.title")
	v.Form, v.Values = "questionnaire", r.PostForm
	data := []byte(r.PostFormValue("text"))
	if r.MultipartForm != nil {
		if fhs := r.MultipartForm.File["definition"]; len(fhs) > 0 && fhs[0].Size > 0 {
			f, err := fhs[0].Open()
			if err != nil {
				h.fail(w, r, err)
				return
			}
			data, err = io.ReadAll(io.LimitReader(f, app.MaxDefinition+1))
			f.Close()
			if err != nil {
				h.fail(w, r, err)
				return
			}
		}
	}
	q, err := app.ParseQuestionnaire(data)
	if err == nil {
		q, err = h.svc.reports.ReplaceQuestionnaire(r.Context(), a, q)
	}
	if err == nil {
		http.Redirect(w, r, "/admin/questionnaire?saved="+strconv.Itoa(q.Version), http.StatusSeeOther)
		return
	}
	var e *desk.Error
	if !errors.As(err, &e) || e.Code != desk.EINVALID {
		h.fail(w, r, err)
		return
	}
	var ps []problem
	for _, fe := range e.Fields {
		p := problem{Field: fe.Field, Message: fieldMessage(v, fe)}
		if p.Message != fe.Message {
			p.Detail = fe.Message
		}
		ps = append(ps, p)
	}
	v.Alert = v.T("questionnaire.not_saved")
	h.showQuestionnaire(w, r, a, v, http.StatusUnprocessableEntity, ps)
}
