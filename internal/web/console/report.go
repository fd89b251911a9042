package console

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/i18n"
	"meldpunt/internal/web"
)

// reportData is the questionnaire page's own data: a client's report, or an agent's phone
// intake for a caller.
type reportData struct {
	Intake bool
	Action string
	// Intake: the organisations to choose from (step 1), then the chosen one and its people.
	Orgs       []desk.Organisation
	Org        desk.Organisation
	People     []desk.User
	ReporterID int64

	Questions       []questionView
	Required        string // the required questions' ids, for report.js
	Components      []desk.Component
	ComponentID     int64
	Procedure       string
	ProcedureHash   string
	ProcedureLocale desk.Locale
	Panel           panel
	PanelTexts      string
	// FileErrors are the messages about the files sent; files are not kept on a re-render.
	FileErrors []string
	// FilesSent tells that files came with a request that is shown again without them.
	FilesSent bool
}

// questionView is one question in the page's language, with the answers kept.
type questionView struct {
	ID, Text, Help string
	Kind           desk.QuestionKind
	Required       bool
	Options        []optionView
	Error          string
}

type optionView struct {
	ID, Text string
	Checked  bool
}

// reportFields are the fields whose messages show next to them; answers.<id> are added.
var reportFields = []string{"title", "description", "affected", "component_ids", "accept_procedure", "reporter_id", "organisation_id"}

// maxFormMemory is how much of a multipart form is kept in memory; the rest is spooled to
// temporary files until the request ends.
const maxFormMemory = 8 << 20

// parseUpload reads a form that may carry files (multipart) or not (urlencoded). The
// temporary files are removed by the returned function.
func parseUpload(r *http.Request) (func(), error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		return func() {}, r.ParseForm()
	}
	err := r.ParseMultipartForm(maxFormMemory)
	done := func() {
		if r.MultipartForm != nil {
			_ = r.MultipartForm.RemoveAll()
		}
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return done, desk.Errorf(desk.ETOOLARGE, "the request is larger than %d bytes", tooLarge.Limit)
	}
	if err != nil {
		return done, desk.Errorf(desk.EMALFORMED, "the form cannot be read")
	}
	return done, nil
}

// readUpload reads a form that may carry files and checks its CSRF token. When either
// fails it answers the request itself and returns false. done removes temporary files.
func (h *handler) readUpload(w http.ResponseWriter, r *http.Request) (done func(), ok bool) {
	done, err := parseUpload(r)
	if err != nil {
		h.fail(w, r, err)
		return done, false
	}
	if !web.CheckCSRF(r) {
		h.rd.errorPage(w, r, h.log, http.StatusForbidden, "error.csrf")
		return done, false
	}
	return done, true
}

// formFiles returns the files sent in field; the empty part a browser sends when no file
// was chosen is skipped. Each file is read up to one byte over the limit, so the app can
// say it is too large without reading all of it.
func formFiles(r *http.Request, field string) ([]app.File, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var files []app.File
	for _, fh := range r.MultipartForm.File[field] {
		if fh.Filename == "" && fh.Size == 0 {
			continue
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, desk.MaxAttachment+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		files = append(files, app.File{Name: fh.Filename, Data: data})
	}
	return files, nil
}

// fileErrors turns the field errors about files into messages that name the file.
func fileErrors(v *view, fields []desk.FieldError, files []app.File) []string {
	var out []string
	for _, fe := range fields {
		if fe.Field != "files" && !strings.HasPrefix(fe.Field, "files[") {
			continue
		}
		name := ""
		if i := strings.IndexByte(fe.Field, '['); i >= 0 {
			if j := strings.IndexByte(fe.Field, ']'); j > i {
				if n, err := strconv.Atoi(fe.Field[i+1 : j]); err == nil && n < len(files) {
					name = files[n].Name
				}
			}
		}
		key := "files." + fe.Rule
		_, indexed := strings.CutSuffix(strings.TrimPrefix(fe.Field, "files["), "]")
		switch {
		case fe.Field == "files" && fe.Rule == "max_items":
			out = append(out, v.N(key, desk.MaxAttachments))
		case fe.Field == "files" && fe.Rule == "required":
			out = append(out, v.T(key))
		case indexed && fe.Rule == "max_size":
			out = append(out, v.T(key, name, desk.MaxAttachment>>20))
		case indexed && (fe.Rule == "empty" || fe.Rule == "type"):
			out = append(out, v.T(key, name))
		default:
			out = append(out, name+": "+fieldMessage(v, fe))
		}
	}
	return out
}

// answersFrom reads the answers of a form: every field answers.<question>, blank values
// left out. Unknown questions are passed on, so the app names them.
func answersFrom(form url.Values) desk.Answers {
	a := desk.Answers{}
	for k, vs := range form {
		id, ok := strings.CutPrefix(k, "answers.")
		if !ok {
			continue
		}
		for _, s := range vs {
			if s = strings.TrimSpace(s); s != "" {
				a[id] = append(a[id], s)
			}
		}
	}
	return a
}

// reportForm shows the questionnaire to a client; the desk registers reports at /intake.
func (h *handler) reportForm(w http.ResponseWriter, r *http.Request, a desk.Actor) {
	if a.Role.IsDesk() {
		http.Redirect(w, r, "/intake", http.StatusSeeOther)
		return
	}
	if !a.Role.IsClient() {
		h.rd.errorPage(w, r, h.log, http.StatusForbidden, "error.forbidden")
		return
	}
	v := newView(r, h.rd, "report.title")
	d := reportData{Action: "/report"}
	h.showReport(w, r, a, v, http.StatusOK, &d, nil)
}

// report checks (step=check) or submits (step=submit) a client's report.
func (h *handler) report(w http.ResponseWriter, r *http.Request, a desk.Actor) {
	if !a.Role.IsClient() {
		h.rd.errorPage(w, r, h.log, http.StatusForbidden, "error.forbidden")
		return
	}
	h.postReport(w, r, a, &reportData{Action: "/report"})
}

// postReport runs the check or the submission of the questionnaire form in d.Action.
func (h *handler) postReport(w http.ResponseWriter, r *http.Request, a desk.Actor, d *reportData) {
	done, ok := h.readUpload(w, r)
	defer done()
	if !ok {
		return
	}
	ctx := r.Context()
	title := "report.title"
	if d.Intake {
		title = "intake.title"
	}
	v := newView(r, h.rd, title)
	v.Form, v.Values = "report", r.PostForm
	if d.Intake {
		if !h.intakeOrg(w, r, a, d, r.PostFormValue("organisation_id")) {
			return
		}
		d.ReporterID, _ = strconv.ParseInt(r.PostFormValue("reporter_id"), 10, 64)
	}
	d.ComponentID, _ = strconv.ParseInt(r.PostFormValue("component_id"), 10, 64)
	answers := answersFrom(r.PostForm)
	files, err := formFiles(r, "files")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.FilesSent = len(files) > 0
	if r.PostFormValue("step") != "submit" {
		// The check: the verdict for these answers, and every answer kept.
		h.showReport(w, r, a, v, http.StatusOK, d, answers)
		return
	}
	locale, ok := i18n.Parse(r.PostFormValue("procedure_locale"))
	if !ok {
		locale = v.Locale
	}
	in := app.ReportInput{
		Answers: answers, Affected: r.PostFormValue("affected"),
		Title: r.PostFormValue("title"), Description: r.PostFormValue("description"),
		Accept: r.PostFormValue("accept_procedure") != "", Locale: locale,
		ProcedureHash: r.PostFormValue("procedure_hash"), Files: files,
	}
	if d.ComponentID > 0 {
		in.ComponentIDs = []int64{d.ComponentID}
	}
	if d.Intake {
		in.OrgID, in.Channel = d.Org.ID, desk.ChannelPhone
		if d.ReporterID > 0 {
			in.ReporterID = &d.ReporterID
		}
	}
	inc, _, err := h.svc.reports.Submit(ctx, a, in)
	if err == nil {
		http.Redirect(w, r, incidentURL(inc)+"?submitted=1", http.StatusSeeOther)
		return
	}
	var e *desk.Error
	if !errors.As(err, &e) || e.Code != desk.EINVALID {
		h.fail(w, r, err)
		return
	}
	fields := append([]string{}, reportFields...)
	for id := range answers {
		fields = append(fields, "answers."+id)
	}
	q, qerr := h.svc.reports.Questionnaire(ctx, a)
	if qerr != nil {
		h.fail(w, r, qerr)
		return
	}
	for _, qu := range q.Questions {
		fields = append(fields, "answers."+qu.ID)
	}
	var rest []desk.FieldError
	for _, fe := range e.Fields {
		switch {
		case fe.Field == "files" || strings.HasPrefix(fe.Field, "files["):
		case strings.HasPrefix(fe.Field, "component_ids["):
			fe.Field = "component_ids"
			rest = append(rest, fe)
		case fe.Field == "procedure_hash":
			fe.Field = "accept_procedure" // the text changed: accept it again, next to the box
			rest = append(rest, fe)
		default:
			rest = append(rest, fe)
		}
	}
	errs, alert, _ := formErrors(v, &desk.Error{Code: desk.EINVALID, Fields: rest}, fields...)
	for f, fe := range fieldsByName(rest) {
		switch {
		case fe.Field == "accept_procedure" && fe.Rule == "current":
			errs[f] = v.T("report.procedure_changed")
		case fe.Field == "accept_procedure":
			errs[f] = v.T("report.accept_required")
		case strings.HasPrefix(f, "answers.") && fe.Rule == "required":
			errs[f] = v.T("report.answer_required")
		case strings.HasPrefix(f, "answers.") && (fe.Rule == "single" || fe.Rule == "unknown_option"):
			errs[f] = v.T("field.one_of")
		case f == "component_ids":
			errs[f] = v.T("report.component_unknown")
		}
	}
	d.FileErrors = fileErrors(v, e.Fields, files)
	v.Errors, v.Alert = errs, alert
	h.showReport(w, r, a, v, http.StatusUnprocessableEntity, d, answers)
}

// fieldsByName returns the first error of each field.
func fieldsByName(fs []desk.FieldError) map[string]desk.FieldError {
	m := map[string]desk.FieldError{}
	for _, fe := range fs {
		if _, ok := m[fe.Field]; !ok {
			m[fe.Field] = fe
		}
	}
	return m
}

// showReport renders the questionnaire with the answers given (nil: none yet), the
// verdict they give, the components, and the procedure to accept.
func (h *handler) showReport(w http.ResponseWriter, r *http.Request, a desk.Actor, v *view, status int, d *reportData, answers desk.Answers) {
	ctx := r.Context()
	q, err := h.svc.reports.Questionnaire(ctx, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	orgID := a.OrgID
	if d.Intake {
		orgID = d.Org.ID
	}
	if d.Components, err = h.svc.components.List(ctx, a, orgID); err != nil {
		h.fail(w, r, err)
		return
	}
	provider, err := h.svc.organisations.ProviderName(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.ProcedureLocale = v.Locale
	d.Procedure, d.ProcedureHash = desk.Procedure(v.Locale, provider)
	var required []string
	missing := 0
	for _, qu := range q.Questions {
		qv := questionView{ID: qu.ID, Text: qu.Text.In(v.Locale), Help: qu.Help.In(v.Locale), Kind: qu.Kind,
			Required: qu.Required, Error: v.Err("report", "answers."+qu.ID)}
		opts := qu.Options
		if qu.Kind == desk.QuestionYesNo {
			opts = []desk.Option{{ID: "yes", Text: desk.Text{v.Locale: v.T("report.yes")}}, {ID: "no", Text: desk.Text{v.Locale: v.T("report.no")}}}
		}
		for _, o := range opts {
			checked := false
			for _, s := range answers[qu.ID] {
				checked = checked || s == o.ID
			}
			qv.Options = append(qv.Options, optionView{ID: o.ID, Text: o.Text.In(v.Locale), Checked: checked})
		}
		if qu.Required {
			required = append(required, qu.ID)
			if len(answers[qu.ID]) == 0 {
				missing++
			}
		}
		d.Questions = append(d.Questions, qv)
	}
	d.Required = strings.Join(required, " ")
	d.PanelTexts = v.panelTexts(q)
	d.Panel = v.pendingPanel(-1)
	if answers != nil {
		d.Panel = v.pendingPanel(missing)
		if missing == 0 {
			vd, err := h.svc.reports.Evaluate(ctx, a, orgID, answers)
			switch {
			case err == nil:
				d.Panel = v.verdictPanel(q, vd.Evaluation, orgID != 0, vd.Promise)
			case desk.ErrorCode(err) == desk.EINVALID:
				// Unknown options: the messages show next to the questions.
				var e *desk.Error
				errors.As(err, &e)
				if v.Errors == nil {
					v.Errors = map[string]string{}
				}
				for _, fe := range e.Fields {
					if _, ok := v.Errors[fe.Field]; !ok {
						v.Errors[fe.Field] = v.T("field.one_of")
					}
				}
				for i := range d.Questions {
					d.Questions[i].Error = v.Err("report", "answers."+d.Questions[i].ID)
				}
			default:
				h.fail(w, r, err)
				return
			}
		} else if r.PostFormValue("step") != "submit" {
			// The check names the questions still to answer.
			if v.Errors == nil {
				v.Errors = map[string]string{}
			}
			for i, qu := range d.Questions {
				if qu.Required && len(answers[qu.ID]) == 0 {
					v.Errors["answers."+qu.ID] = v.T("report.answer_required")
					d.Questions[i].Error = v.Errors["answers."+qu.ID]
				}
			}
		}
	}
	// The language switch returns to a fresh questionnaire: answers are not carried over.
	v.Nav, v.Data, v.Here = "report", d, "/report"
	if d.Intake {
		v.Nav, v.Here = "intake", "/intake?org="+strconv.FormatInt(d.Org.ID, 10)
	}
	h.rd.render(w, r, h.log, status, "report", v)
}

// intakeForm shows the phone intake: first the client organisation (?org=), then the
// person who called and the questionnaire.
func (h *handler) intakeForm(w http.ResponseWriter, r *http.Request, a desk.Actor) {
	if !a.Role.IsDesk() {
		h.rd.errorPage(w, r, h.log, http.StatusForbidden, "error.forbidden")
		return
	}
	v := newView(r, h.rd, "intake.title")
	d := &reportData{Action: "/intake", Intake: true}
	org := r.URL.Query().Get("org")
	if org == "" {
		orgs, err := h.svc.organisations.List(r.Context(), a, desk.OrgClient)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d.Orgs = orgs
		v.Nav, v.Data = "intake", d
		h.rd.render(w, r, h.log, http.StatusOK, "intake", v)
		return
	}
	if !h.intakeOrg(w, r, a, d, org) {
		return
	}
	h.showReport(w, r, a, v, http.StatusOK, d, nil)
}

// intake checks or registers a report taken by phone.
func (h *handler) intake(w http.ResponseWriter, r *http.Request, a desk.Actor) {
	if !a.Role.IsDesk() {
		h.rd.errorPage(w, r, h.log, http.StatusForbidden, "error.forbidden")
		return
	}
	h.postReport(w, r, a, &reportData{Action: "/intake", Intake: true})
}

// intakeOrg sets the client organisation of an intake and its people; it answers the
// request itself (and returns false) when the organisation is not a client.
func (h *handler) intakeOrg(w http.ResponseWriter, r *http.Request, a desk.Actor, d *reportData, org string) bool {
	ctx := r.Context()
	id, err := strconv.ParseInt(org, 10, 64)
	if err != nil || id <= 0 {
		h.fail(w, r, desk.NotFound("organisation"))
		return false
	}
	o, err := h.svc.organisations.Get(ctx, a, id)
	if err == nil && o.Kind != desk.OrgClient {
		err = desk.NotFound("organisation")
	}
	if err != nil {
		h.fail(w, r, err)
		return false
	}
	us, err := h.svc.identity.Users(ctx, a, app.UserFilter{OrgID: id})
	if err != nil {
		h.fail(w, r, err)
		return false
	}
	d.Org = o
	for _, u := range us {
		if u.Active && u.Role.IsClient() {
			d.People = append(d.People, u)
		}
	}
	return true
}
