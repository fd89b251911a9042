package console

import (
	"errors"
	"net/http"
	"net/url"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/web"
)

// The page a solution email's Confirm and Reject links open (docs/email.md). It works
// without signing in: the signed token in the URL is the credential. Opening it changes
// nothing, since mail scanners open links; only its form acts, as the incident's reporter.
// The form is protected like the sign-in form: the cross-origin check of every page, and
// the double-submit token of the forms used before signing in.

// solutionData is the data of a solution link's page.
type solutionData struct {
	Token string
	View  app.SolutionView
	// Problem is "invalid" or "expired" when the link cannot be used.
	Problem string
	// Outcome is "closed" or "reopened" once the form did its work.
	Outcome string
	// SignIn leads to the incident's page through the sign-in page.
	SignIn string
}

// solution shows the solution with the Confirm and Reject forms, or why the link does not
// work (any more).
func (h *handler) solution(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	sv, err := h.svc.incidents.SolutionByLink(r.Context(), token)
	if err != nil {
		return h.solutionProblem(w, r, token, err)
	}
	return h.showSolution(w, r, nil, http.StatusOK, solutionData{Token: token, View: sv})
}

// reactToSolution confirms or rejects the solution, and answers with what became of the
// incident (the link is used then, so there is no form to go back to). A link that is done
// shows what became of the incident (409); a rejection without a reason shows the form
// again with the error next to the field and the text kept.
func (h *handler) reactToSolution(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	token := r.PathValue("token")
	sv, err := h.svc.incidents.SolutionByLink(ctx, token)
	if err != nil {
		return h.solutionProblem(w, r, token, err)
	}
	d := solutionData{Token: token, View: sv}
	if sv.State != app.SolutionLinkOpen {
		return h.showSolution(w, r, nil, http.StatusConflict, d)
	}
	s := submission{form: "reject", fields: []fieldRef{fld("reason", "reason", "decide.reason")}, title: "solution_link.title",
		show: func(v *view, status int) error { return h.showSolution(w, r, v, status, d) }}
	v := newView(r, h.rd, s.title)
	if err := formCut(r); err != nil {
		return h.refill(r, v, s, err)
	}
	action := r.PostFormValue("action")
	if action != "confirm" && action != "reject" {
		v.Alert = v.T("form.check")
		return h.showSolution(w, r, v, http.StatusUnprocessableEntity, d)
	}
	inc, err := h.svc.incidents.ReactToSolution(ctx, token, action == "confirm", r.PostFormValue("reason"), web.ClientAddress(r))
	switch desk.ErrorCode(err) {
	case "":
		d.Outcome = "closed"
		if inc.State != desk.StateClosed {
			d.Outcome = "reopened"
		}
		return h.showSolution(w, r, nil, http.StatusOK, d)
	case desk.EINVALID:
		return h.refill(r, v, s, err)
	case desk.ECONFLICT: // used in the meantime
		if d.View, err = h.svc.incidents.SolutionByLink(ctx, token); err != nil {
			return h.solutionProblem(w, r, token, err)
		}
		return h.showSolution(w, r, nil, http.StatusConflict, d)
	case desk.EUNAUTHORIZED:
		return h.solutionProblem(w, r, token, err)
	}
	return err
}

// solutionProblem answers a link that cannot be used: a damaged or forged one as not found
// (404), an expired one as gone (410), both with the way to sign in instead.
func (h *handler) solutionProblem(w http.ResponseWriter, r *http.Request, token string, err error) error {
	d := solutionData{Token: token, Problem: "invalid", SignIn: "/login"}
	status := http.StatusNotFound
	switch {
	case errors.Is(err, app.ErrSolutionLinkExpired):
		d.Problem, status = "expired", http.StatusGone
	case desk.ErrorCode(err) != desk.EUNAUTHORIZED:
		return err
	}
	return h.showSolution(w, r, nil, status, d)
}

// showSolution renders the page of d in v (a new view when nil), titled for what it says.
func (h *handler) showSolution(w http.ResponseWriter, r *http.Request, v *view, status int, d solutionData) error {
	title := "solution_link.title"
	switch {
	case d.Problem != "":
		title = "solution_link." + d.Problem + "_title"
	case d.Outcome != "":
		title = "solution_link." + d.Outcome + "_title"
	case d.View.State == app.SolutionLinkDone:
		title = "solution_link.done_title"
	}
	if v == nil {
		v = newView(r, h.rd, title)
	}
	v.Title = v.T(title)
	if d.SignIn == "" {
		d.SignIn = "/login?next=" + url.QueryEscape("/incidents/"+d.View.Number)
	}
	if d.Problem == "" && d.Outcome == "" && d.View.State == app.SolutionLinkOpen {
		v.FormCSRF = h.formToken(w, r)
	}
	// The language switch returns to this page, also after a POST.
	v.Here = "/solution/" + url.PathEscape(d.Token)
	for i := range v.Languages {
		v.Languages[i].URL = withLang(v.Here, v.Languages[i].Locale)
	}
	v.Data = d
	h.rd.render(w, r, h.log, status, "solution", v)
	return nil
}
