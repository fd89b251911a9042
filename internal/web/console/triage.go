package console

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// triageData is the queue of reports waiting for the desk's assessment.
type triageData struct {
	Items    []desk.Incident
	OrgNames map[int64]string
	// More tells that the queue holds more than the page shows.
	More bool
}

// maxTriage caps the queue the page shows; it is meant to stay short.
const maxTriage = 1000

// triage lists the urgent reports that wait for assessment, oldest first: the one that has
// waited longest is handled first.
func (h *handler) triage(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if !a.Role.IsDesk() {
		return errForbidden
	}
	ctx := r.Context()
	d := triageData{OrgNames: map[int64]string{}}
	f := desk.IncidentFilter{Assessment: desk.AssessmentPending, Limit: 200}
	for {
		page, err := h.svc.incidents.List(ctx, a, f)
		if err != nil {
			return err
		}
		d.Items = append(d.Items, page.Items...)
		if page.Next == 0 {
			break
		}
		if len(d.Items) >= maxTriage {
			d.More = true
			break
		}
		f.After = page.Next
	}
	slices.Reverse(d.Items)
	orgs, err := h.svc.organisations.List(ctx, a, desk.OrgClient)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		d.OrgNames[o.ID] = o.Name
	}
	v := newView(r, h.rd, "triage.title")
	v.Nav, v.Data = "triage", d
	h.rd.render(w, r, h.log, http.StatusOK, "triage", v)
	return nil
}

// assess approves an urgent report (priority handling) or moves it to regular support,
// which needs a reason.
func (h *handler) assess(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	decision := r.PostFormValue("decision")
	form := "assess-" + decision
	if decision != "approve" && decision != "reclassify" {
		form = "assess-reclassify"
	}
	return h.postIncident(w, r, a, form, flash{code: strings.TrimPrefix(form, "assess-")}, func(ctx context.Context, id int64) error {
		if err := h.deskOnIncident(ctx, a, id); err != nil {
			return err
		}
		if decision != "approve" && decision != "reclassify" {
			return &desk.Error{Code: desk.EINVALID, Message: "the input is not valid",
				Fields: []desk.FieldError{{Field: "decision", Rule: "one_of", Message: "must be approve or reclassify"}}}
		}
		_, err := h.svc.reports.Assess(ctx, a, id, decision == "approve", r.PostFormValue("reason"))
		return err
	})
}

// classify changes the urgency and impact of an incident, with the reason the client reads.
func (h *handler) classify(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	u, i := desk.Level(r.PostFormValue("urgency")), desk.Level(r.PostFormValue("impact"))
	return h.postIncident(w, r, a, "classify", flash{code: "classify"}, func(ctx context.Context, id int64) error {
		if err := h.deskOnIncident(ctx, a, id); err != nil {
			return err
		}
		_, err := h.svc.incidents.Update(ctx, a, id, app.IncidentPatch{Urgency: &u, Impact: &i, Reason: strings.TrimSpace(r.PostFormValue("reason"))})
		return err
	})
}
