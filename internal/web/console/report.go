package console

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/i18n"
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
	// Pending are the files received with earlier posts of this form and kept
	// (reportfiles.go): the page lists them, each with a box to leave it out.
	Pending []pendingFile
	// FilesLeft names the files sent with this post that could not be kept.
	FilesLeft string
	// PendingMinutes is how long received files are kept.
	PendingMinutes int
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
func (h *handler) reportForm(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if a.Role.IsDesk() {
		http.Redirect(w, r, "/intake", http.StatusSeeOther)
		return nil
	}
	if !a.Role.IsClient() {
		return errForbidden
	}
	v := newView(r, h.rd, "report.title")
	return h.showReport(w, r, a, v, http.StatusOK, &reportData{Action: "/report"}, nil)
}

// report checks (step=check) or submits (step=submit) a client's report.
func (h *handler) report(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if !a.Role.IsClient() {
		return errForbidden
	}
	return h.postReport(w, r, a, &reportData{Action: "/report"})
}

// postReport runs the check or the submission of the questionnaire form in d.Action. Every
// answer and value is kept when the page is shown again; so are the files, on the server
// (reportfiles.go): a browser does not let a page fill in a file field.
func (h *handler) postReport(w http.ResponseWriter, r *http.Request, a desk.Actor, d *reportData) error {
	ctx := r.Context()
	title := "report.title"
	if d.Intake {
		title = "intake.title"
		if err := h.intakeOrg(r, a, d, r.PostFormValue("organisation_id")); err != nil {
			return err
		}
		d.ReporterID, _ = strconv.ParseInt(r.PostFormValue("reporter_id"), 10, 64)
	}
	v := newView(r, h.rd, title)
	v.Form, v.Values = "report", r.PostForm
	d.ComponentID, _ = strconv.ParseInt(r.PostFormValue("component_id"), 10, 64)
	answers := answersFrom(r.PostForm)
	// The files: those kept from earlier posts that the form still sends (a box left
	// checked), then the ones chosen now.
	key := pendingKey(r)
	kept, gone := h.pending.take(key, r.PostForm["pending"])
	h.pending.forget(key, slices.DeleteFunc(slices.Clone(r.PostForm["pending_shown"]), func(id string) bool {
		return slices.Contains(r.PostForm["pending"], id)
	}))
	chosen := formFiles(r, "files")
	files := append(pendingAppFiles(kept), chosen...)
	// again shows the form again with the files kept, but for those the app refused (by
	// their index in files).
	again := func(status int, refused []int) error {
		var still []pendingFile
		for i, f := range kept {
			if slices.Contains(refused, i) {
				h.pending.forget(key, []string{f.ID})
			} else {
				still = append(still, f)
			}
		}
		var fresh []app.File
		for i, f := range chosen {
			if !slices.Contains(refused, len(kept)+i) {
				fresh = append(fresh, f)
			}
		}
		added, left := h.pending.keep(key, fresh)
		d.Pending = append(still, added...)
		d.FilesLeft = strings.Join(left, ", ")
		return h.showReport(w, r, a, v, status, d, answers)
	}
	if err := formCut(r); err != nil {
		q, qerr := h.svc.reports.Questionnaire(ctx, a)
		if qerr != nil {
			return qerr
		}
		v.Errors, v.Alert = reportErrors(v, err.(*desk.Error), q, files)
		// As the message says, none of the files chosen now was received.
		var cut []int
		for i := range chosen {
			cut = append(cut, len(kept)+i)
		}
		return again(http.StatusRequestEntityTooLarge, cut)
	}
	if r.PostFormValue("step") != "submit" {
		// The check: the verdict for these answers, and every answer and file kept.
		return again(http.StatusOK, nil)
	}
	if gone > 0 {
		// A file received before is no longer kept: say so, rather than report without it.
		q, err := h.svc.reports.Questionnaire(ctx, a)
		if err != nil {
			return err
		}
		e := &desk.Error{Code: desk.EINVALID, Fields: []desk.FieldError{{Field: "files", Rule: "pending_gone"}}}
		v.Errors, v.Alert = reportErrors(v, e, q, files)
		v.Errors["files"] = v.N("report.pending_gone", gone, gone, int(PendingLifetime/time.Minute))
		return again(http.StatusUnprocessableEntity, nil)
	}
	inc, _, err := h.svc.reports.Submit(ctx, a, reportInputFrom(r.PostForm, answers, files, d, v.Locale))
	if err == nil {
		h.pending.forget(key, pendingIDs(kept))
		// The incident's page confirms the report (confirmView): that is its flash.
		http.Redirect(w, r, incidentURL(inc)+"?submitted=1", http.StatusSeeOther)
		return nil
	}
	var e *desk.Error
	if !errors.As(err, &e) || e.Code != desk.EINVALID {
		return err
	}
	q, err := h.svc.reports.Questionnaire(ctx, a)
	if err != nil {
		return err
	}
	v.Errors, v.Alert = reportErrors(v, e, q, files)
	return again(http.StatusUnprocessableEntity, refusedFiles(e))
}

// refusedFiles returns the indexes of the files an error names ("files[2]", "files[2].name").
func refusedFiles(e *desk.Error) []int {
	var out []int
	for _, fe := range e.Fields {
		rest, ok := strings.CutPrefix(fe.Field, "files[")
		if !ok {
			continue
		}
		if i, _, ok := strings.Cut(rest, "]"); ok {
			if n, err := strconv.Atoi(i); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

// reportInputFrom reads a submitted report from its form: the answers, the other fields
// and the files; an intake is by phone, for the organisation and reporter d names.
func reportInputFrom(form url.Values, answers desk.Answers, files []app.File, d *reportData, pageLocale desk.Locale) app.ReportInput {
	locale, ok := i18n.Parse(form.Get("procedure_locale"))
	if !ok {
		locale = pageLocale
	}
	in := app.ReportInput{
		Answers: answers, Affected: form.Get("affected"),
		Title: form.Get("title"), Description: form.Get("description"),
		Accept: form.Get("accept_procedure") != "", Locale: locale,
		ProcedureHash: form.Get("procedure_hash"), Files: files,
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
	return in
}

// reportErrors turns the error of a report (EINVALID from the app, or ETOOLARGE from the
// form) into the messages next to the fields of the questionnaire page, and the alert.
// The files' messages name each file.
func reportErrors(v *view, e *desk.Error, q desk.Questionnaire, files []app.File) (map[string]string, string) {
	fields := append([]string{"files"}, reportFields...)
	for _, qu := range q.Questions {
		fields = append(fields, "answers."+qu.ID)
	}
	var rest []desk.FieldError
	for _, fe := range e.Fields {
		switch {
		case fe.Field == "files" && fe.Rule == "too_large":
			rest = append(rest, fe)
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
	errs, alert, _ := formErrors(v, &desk.Error{Code: e.Code, Fields: rest}, fields...)
	for f, fe := range fieldsByName(rest) {
		switch {
		case fe.Rule == "too_large":
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
	if msgs := fileErrors(v, e.Fields, files); len(msgs) > 0 && errs["files"] == "" {
		errs["files"] = strings.Join(msgs, " ")
	}
	return errs, alert
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

// reportIn is what the questionnaire page is built from, besides the view: the
// questionnaire, the answers given (nil: none yet), the organisation's components, the
// provider's name for the procedure, and whether this is the check step (which names
// the required questions still open).
type reportIn struct {
	Q          desk.Questionnaire
	Answers    desk.Answers
	Components []desk.Component
	Provider   string
	Check      bool
}

// buildReport fills the questionnaire page's data d from in: the questions in the page's
// language with the answers kept, the procedure to accept, and the panel of a report not
// yet complete. It returns how many required questions are still open; when none is, the
// caller adds the verdict (withVerdict). After a failed form, v holds its messages; the
// check step adds its own.
func buildReport(v *view, d *reportData, in reportIn) (missing int) {
	d.Components = in.Components
	d.ProcedureLocale = v.Locale
	d.Procedure, d.ProcedureHash = desk.Procedure(v.Locale, in.Provider)
	d.Questions = nil
	var required []string
	for _, qu := range in.Q.Questions {
		qv := questionView{ID: qu.ID, Text: qu.Text.In(v.Locale), Help: qu.Help.In(v.Locale), Kind: qu.Kind, Required: qu.Required}
		opts := qu.Options
		if qu.Kind == desk.QuestionYesNo {
			opts = []desk.Option{{ID: "yes", Text: desk.Text{v.Locale: v.T("report.yes")}}, {ID: "no", Text: desk.Text{v.Locale: v.T("report.no")}}}
		}
		for _, o := range opts {
			qv.Options = append(qv.Options, optionView{ID: o.ID, Text: o.Text.In(v.Locale), Checked: slices.Contains(in.Answers[qu.ID], o.ID)})
		}
		if qu.Required {
			required = append(required, qu.ID)
			if len(in.Answers[qu.ID]) == 0 {
				missing++
				if in.Check && in.Answers != nil {
					v.setError("answers."+qu.ID, v.T("report.answer_required"))
				}
			}
		}
		d.Questions = append(d.Questions, qv)
	}
	for i := range d.Questions {
		d.Questions[i].Error = v.Err("report", "answers."+d.Questions[i].ID)
	}
	d.Required = strings.Join(required, " ")
	d.PanelTexts = v.panelTexts(in.Q)
	d.Panel = v.pendingPanel(-1)
	if in.Answers != nil {
		d.Panel = v.pendingPanel(missing)
	}
	return missing
}

// withVerdict adds the verdict of complete answers to the page: the panel, or, when the
// answers name options that do not exist (EINVALID), the messages at those questions.
func (d *reportData) withVerdict(v *view, q desk.Questionnaire, vd app.Verdict, err error, promise bool) error {
	switch {
	case err == nil:
		d.Panel = v.verdictPanel(q, vd.Evaluation, promise, vd.Promise)
	case desk.ErrorCode(err) == desk.EINVALID:
		var e *desk.Error
		errors.As(err, &e)
		for _, fe := range e.Fields {
			if v.Err("report", fe.Field) == "" {
				v.setError(fe.Field, v.T("field.one_of"))
			}
		}
		for i := range d.Questions {
			d.Questions[i].Error = v.Err("report", "answers."+d.Questions[i].ID)
		}
	default:
		return err
	}
	return nil
}

// reportFieldRefs lists the questionnaire form's fields in page order, for the summary.
func reportFieldRefs(d *reportData) []fieldRef {
	var fs []fieldRef
	if d.Intake {
		fs = append(fs, fld("reporter_id", "reporter_id", "intake.person"))
	}
	for _, q := range d.Questions {
		fs = append(fs, fieldRef{Name: "answers." + q.ID, ID: "q-" + q.ID + "-0", Text: q.Text})
	}
	return append(fs, fld("component_ids", "component_id", "report.component"), fld("affected", "affected", "report.affected"),
		fld("title", "title", "report.subject"), fld("description", "description", "report.description"),
		fld("accept_procedure", "accept_procedure", "report.procedure"), fld("files", "files", "report.files"))
}

// showReport renders the questionnaire with the answers given (nil: none yet), the
// verdict they give, the components, and the procedure to accept.
func (h *handler) showReport(w http.ResponseWriter, r *http.Request, a desk.Actor, v *view, status int, d *reportData, answers desk.Answers) error {
	ctx := r.Context()
	q, err := h.svc.reports.Questionnaire(ctx, a)
	if err != nil {
		return err
	}
	orgID := a.OrgID
	if d.Intake {
		orgID = d.Org.ID
	}
	comps, err := h.svc.components.List(ctx, a, orgID)
	if err != nil {
		return err
	}
	provider, err := h.svc.organisations.ProviderName(ctx)
	if err != nil {
		return err
	}
	check := r.Method == http.MethodPost && r.PostFormValue("step") != "submit"
	missing := buildReport(v, d, reportIn{Q: q, Answers: answers, Components: comps, Provider: provider, Check: check})
	if answers != nil && missing == 0 {
		vd, err := h.svc.reports.Evaluate(ctx, a, orgID, answers)
		if err := d.withVerdict(v, q, vd, err, orgID != 0); err != nil {
			return err
		}
	}
	v.fields = reportFieldRefs(d)
	d.PendingMinutes = int(PendingLifetime / time.Minute)
	// The language switch returns to a fresh questionnaire: answers are not carried over.
	v.Nav, v.Data, v.Here = "report", d, "/report"
	if d.Intake {
		v.Nav, v.Here = "intake", "/intake?org="+strconv.FormatInt(d.Org.ID, 10)
	}
	h.rd.render(w, r, h.log, status, "report", v)
	return nil
}

// intakeForm shows the phone intake: first the client organisation (?org=), then the
// person who called and the questionnaire.
func (h *handler) intakeForm(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if !a.Role.IsDesk() {
		return errForbidden
	}
	v := newView(r, h.rd, "intake.title")
	d := &reportData{Action: "/intake", Intake: true}
	org := r.URL.Query().Get("org")
	if org == "" {
		orgs, err := h.svc.organisations.List(r.Context(), a, desk.OrgClient)
		if err != nil {
			return err
		}
		d.Orgs = orgs
		v.Nav, v.Data = "intake", d
		status := http.StatusOK
		if r.URL.Query().Has("org") { // the form was sent without a choice
			status, v.Form, v.Alert = http.StatusUnprocessableEntity, "intake", v.T("form.check")
			v.fields = []fieldRef{fld("org", "org", "intake.org")}
			v.setError("org", v.T("field.required"))
		}
		h.rd.render(w, r, h.log, status, "intake", v)
		return nil
	}
	if err := h.intakeOrg(r, a, d, org); err != nil {
		return err
	}
	return h.showReport(w, r, a, v, http.StatusOK, d, nil)
}

// intake checks or registers a report taken by phone.
func (h *handler) intake(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if !a.Role.IsDesk() {
		return errForbidden
	}
	return h.postReport(w, r, a, &reportData{Action: "/intake", Intake: true})
}

// intakeOrg sets the client organisation of an intake and its people; an organisation that
// is not a client is not found.
func (h *handler) intakeOrg(r *http.Request, a desk.Actor, d *reportData, org string) error {
	ctx := r.Context()
	id, err := strconv.ParseInt(org, 10, 64)
	if err != nil || id <= 0 {
		return desk.NotFound("organisation")
	}
	o, err := h.svc.organisations.Get(ctx, a, id)
	if err == nil && o.Kind != desk.OrgClient {
		err = desk.NotFound("organisation")
	}
	if err != nil {
		return err
	}
	us, err := h.svc.identity.Users(ctx, a, app.UserFilter{OrgID: id})
	if err != nil {
		return err
	}
	d.Org = o
	for _, u := range us {
		if u.Active && u.Role.IsClient() {
			d.People = append(d.People, u)
		}
	}
	return nil
}
