package api

import (
	"mime"
	"net/http"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// reportBody is a report as the API takes it: app.ReportInput, with answers that may be
// a single option id as well as a list.
type reportBody struct {
	OrgID         int64        `json:"organisation_id"`
	ReporterID    *int64       `json:"reporter_id"`
	Channel       desk.Channel `json:"channel"`
	Answers       answers      `json:"answers"`
	ComponentIDs  []int64      `json:"component_ids"`
	Affected      string       `json:"affected"`
	Title         string       `json:"title"`
	Description   string       `json:"description"`
	Accept        bool         `json:"accept_procedure"`
	Locale        desk.Locale  `json:"locale"`
	ProcedureHash string       `json:"procedure_hash"`
}

// input returns the report as the app takes it.
func (b reportBody) input(files []app.File) (app.ReportInput, error) {
	ans, err := b.Answers.read()
	if err != nil {
		return app.ReportInput{}, err
	}
	return app.ReportInput{
		OrgID: b.OrgID, ReporterID: b.ReporterID, Channel: b.Channel, Answers: ans,
		ComponentIDs: b.ComponentIDs, Affected: b.Affected, Title: b.Title, Description: b.Description,
		Accept: b.Accept, Locale: b.Locale, ProcedureHash: b.ProcedureHash, Files: files,
	}, nil
}

// receipt answers a submitted report.
type receipt struct {
	Incident desk.Incident `json:"incident"`
	Verdict  app.Verdict   `json:"verdict"`
}

// submitReport files a report through the questionnaire: a JSON body, or a multipart form
// whose "report" part holds that JSON and whose "files" parts are attachments.
func (a *api) submitReport(w http.ResponseWriter, r *http.Request) error {
	var body reportBody
	var files []app.File
	if isMultipart(r) {
		up, err := readUpload(w, r, true)
		if err != nil {
			return err
		}
		keepDoc(r, up.report, true)
		if err := decodeJSON(up.report, &body, "report"); err != nil {
			return err
		}
		files = up.files
	} else if err := decode(w, r, &body); err != nil {
		if e, ok := err.(*desk.Error); ok && e.Code == desk.EMEDIATYPE {
			return desk.Errorf(desk.EMEDIATYPE, "send the report as application/json, or as multipart/form-data with a report part and files parts")
		}
		return err
	}
	in, err := body.input(files)
	if err != nil {
		return err
	}
	inc, v, err := a.svc.reports.Submit(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	return a.created(w, incidentPath(inc.ID), receipt{Incident: inc, Verdict: v})
}

// isMultipart tells whether the body is multipart/form-data.
func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// assessment is the desk's decision on an urgent report.
type assessment struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

// The decisions on an urgent report.
const (
	decisionApprove    = "approve"
	decisionReclassify = "reclassify"
)

func (a *api) assessIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	var in assessment
	if err := decode(w, r, &in); err != nil {
		return err
	}
	var v desk.Validator
	v.OneOf("decision", in.Decision, true, []string{decisionApprove, decisionReclassify})
	if err := v.Err(); err != nil {
		return err
	}
	inc, err := a.svc.reports.Assess(r.Context(), actor(r), id, in.Decision == decisionApprove, in.Reason)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, inc)
}

func (a *api) getReport(w http.ResponseWriter, r *http.Request) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	rep, err := a.svc.reports.Get(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

func (a *api) listNotifications(w http.ResponseWriter, r *http.Request) error {
	ns, err := a.svc.outbox.Notifications(r.Context(), actor(r))
	if err != nil {
		return err
	}
	out := make([]notification, len(ns))
	for i, n := range ns {
		out[i] = notificationOf(actor(r), n) // outbox.go
	}
	return writeJSON(w, http.StatusOK, listOf(out))
}
