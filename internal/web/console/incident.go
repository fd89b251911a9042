package console

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// detailData is the incident page's own data: the incident, its timeline, and which forms
// the actor gets.
type detailData struct {
	Inc                                   desk.Incident
	OrgName                               string
	ReporterName, OwnerName, AssigneeName string
	Timeline                              []desk.TimelineEntry
	Components                            []string
	Staff                                 bool
	CanReply, CanNote, CanAssign          bool
	// Transitions are the staff's state changes; Decide is the client's confirm or reject.
	Transitions []transitionForm
	Decide      bool
	// Owners and Assignees are the people the assignment form offers.
	Owners, Assignees   []desk.User
	OwnerID, AssigneeID int64
	// Staff only: the external party and the follow-up date (never shown to clients);
	// Suppliers are those the form offers, FollowUpInput the date as the form shows it.
	SupplierName  string
	Suppliers     []desk.Supplier
	SupplierID    int64
	FollowUpInput string
	// FollowUpWas is the date the form showed when it was opened: the form sends a date
	// only when it differs.
	FollowUpWas string
	// Report is what was answered in the questionnaire; nil for an incident registered
	// without it. Confirm is the confirmation shown right after submitting.
	Report  *reportView
	Confirm *confirmView
	// Attachments are the incident's files; CanAttach offers the form to add more.
	Attachments []desk.Attachment
	CanAttach   bool
	// CanAssess offers the desk's judgement of a pending urgent report; CanClassify the
	// change of urgency and impact, with Levels to choose from.
	CanAssess, CanClassify bool
	Levels                 []desk.Level
	// Changes are the linked change requests (a client gets title and state only);
	// CanCreateChange offers the desk the form for a new one.
	Changes         []desk.ChangeSummary
	CanCreateChange bool
	// SLA is how the incident's deadlines stand (queue.go).
	SLA slaView
	// Link is the ticket's public incident and the desk's forms for it (ticketlink.go).
	Link *ticketLinkView

	// The workspace (workspace.go). Next is the one next step, shown first. Seen is the
	// last timeline entry shown: with Inc.Version the basis every form carries. Since are
	// the entries others wrote after the basis of a form that was refused for them (409),
	// New their ids. Presence is who else has the page open (staff only).
	Next     nextStep
	Seen     int64
	Since    []desk.TimelineEntry
	New      map[int64]bool
	Presence *presenceView
	// Me is the signed-in person, whom "take it" assigns; MeOwner when the desk's
	// owner is to be set too (nobody owns it yet). FollowUpFormat is the date's format
	// as the page writes it (dd-mm-jjjj uu:mm).
	Me             int64
	MeOwner        bool
	FollowUpFormat string
}

// reportView is an incident's questionnaire record as the page shows it.
type reportView struct {
	Version int
	Answers []answerView
	// Panel is the verdict the answers gave when they were submitted.
	Panel           panel
	AcceptedBy      string
	AcceptedAt      time.Time
	AcceptedFrom    string
	ProcedureLocale desk.Locale
	ProcedureHash   string

	q    desk.Questionnaire
	eval desk.Evaluation
}

// answerView is one question with the answers given, in the page's language.
type answerView struct {
	Question string
	Answers  []string
}

// confirmView is the confirmation after submitting: the verdict, what happens next, and
// what the contract promises.
type confirmView struct {
	Panel panel
	Next  string
}

// transitionForm is one state change the actor may make, with the fields it needs.
type transitionForm struct {
	To                                       desk.State
	Form                                     string
	NeedsSolution, NeedsWaiting, NeedsReason bool
}

// incidentURL is the page of an incident.
func incidentURL(inc desk.Incident) string { return "/incidents/" + inc.Number }

// incidentID reads {id}: 123 or INC-000123.
func incidentID(r *http.Request) (int64, error) {
	id, ok := desk.ParseNumber(r.PathValue("id"))
	if !ok {
		return 0, desk.NotFound("incident")
	}
	return id, nil
}

// incident shows one incident.
func (h *handler) incident(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	v := newView(r, h.rd, "incident.title")
	return h.showIncident(w, r, a, id, v, http.StatusOK)
}

// showIncident renders the incident page; after a failed form, v holds its errors and input.
func (h *handler) showIncident(w http.ResponseWriter, r *http.Request, a desk.Actor, id int64, v *view, status int) error {
	ctx := r.Context()
	inc, err := h.svc.incidents.Get(ctx, a, id)
	if err != nil {
		return err
	}
	tl, err := h.svc.incidents.Timeline(ctx, a, id)
	if err != nil {
		return err
	}
	open := inc.State.Open()
	d := detailData{
		Inc: inc, Timeline: tl, Staff: a.Role.IsStaff(),
		CanReply: open, CanNote: open && a.Role.IsStaff(), CanAssign: open && a.Role.IsDesk(),
		Decide:    a.Role.IsClient() && inc.State == desk.StateResolved,
		CanAttach: open, CanAssess: a.Role.IsDesk() && inc.Assessment == desk.AssessmentPending,
		CanClassify: open && a.Role.IsDesk(), Levels: desk.Levels,
	}
	if d.Attachments, err = h.svc.incidents.Attachments(ctx, a, id); err != nil {
		return err
	}
	if d.Changes, err = h.svc.changes.ForIncident(ctx, a, id); err != nil {
		return err
	}
	d.CanCreateChange = a.Role.IsDesk()
	if d.Link, err = h.ticketLink(ctx, a, v, inc); err != nil {
		return err
	}
	d.SLA = v.slaOf(inc, h.svc.sla.Now())
	if err := h.reportRecord(ctx, a, v, &d); err != nil {
		return err
	}
	if r.Method == http.MethodGet && r.URL.Query().Get("submitted") == "1" {
		d.Confirm = &confirmView{Next: v.T("confirm.next_regular")}
		if inc.Assessment == desk.AssessmentPending {
			d.Confirm.Next = v.T("confirm.next_urgent")
		}
		if rv := d.Report; rv != nil {
			d.Confirm.Panel = v.verdictPanel(rv.q, rv.eval, true, h.promiseFor(ctx, a, inc))
		}
	}
	if o, err := h.svc.organisations.Get(ctx, a, inc.OrgID); err == nil {
		d.OrgName = o.Name
	}
	d.ReporterName = h.userName(ctx, a, inc.ReporterID)
	d.OwnerName = h.userName(ctx, a, inc.OwnerID)
	d.AssigneeName = h.userName(ctx, a, inc.AssigneeID)
	if a.Role.IsStaff() && inc.SupplierID != nil {
		if s, err := h.svc.suppliers.Get(ctx, a, *inc.SupplierID); err == nil {
			d.SupplierName = s.Name
		}
	}
	for _, cid := range inc.ComponentIDs {
		if c, err := h.svc.components.Get(ctx, a, cid); err == nil {
			d.Components = append(d.Components, c.Name)
		}
	}
	if a.Role.IsStaff() {
		for _, to := range inc.State.Next() {
			d.Transitions = append(d.Transitions, transitionForm{
				To: to, Form: "transition-" + string(to),
				NeedsSolution: to == desk.StateResolved, NeedsWaiting: to == desk.StateWaiting,
				NeedsReason: inc.State == desk.StateResolved && to == desk.StateInProgress,
			})
		}
	}
	if d.CanAssign {
		if err := h.assignees(ctx, a, &d, v.Locale); err != nil {
			return err
		}
		d.keepAssignment(v)
		d.Me, d.MeOwner = a.UserID, a.Role.IsDesk() && inc.OwnerID == nil
	}
	d.FollowUpFormat = v.T("ws.follow_up_format")
	d.Seen = lastSeen(tl)
	d.changedSince(a, v, status)
	d.Next = nextStepFor(a, &d)
	if a.Role.IsStaff() && h.svc.presence != nil {
		view := newPageView()
		ps, err := h.svc.presence.Open(ctx, a, id, view)
		if err != nil {
			h.log.WarnContext(ctx, "record presence", "incident", id, "err", err) // the page works without it
		}
		d.Presence = presenceOf(v, inc.Number, ps)
		d.Presence.View = view
	}
	v.Title = inc.Number + " " + desk.StripBidi(inc.Title)
	v.Nav, v.Here, v.Data = "incidents", incidentURL(inc), d
	h.rd.render(w, r, h.log, status, "incident", v)
	return nil
}

// keepAssignment shows the assignment form as it was sent, after it failed: the people,
// the supplier and the date chosen, not the stored ones.
func (d *detailData) keepAssignment(v *view) {
	if v.Form != "assign" || v.Val("assign", "take") == "1" {
		return
	}
	for _, f := range []struct {
		name string
		dst  *int64
	}{{"owner_id", &d.OwnerID}, {"assignee_id", &d.AssigneeID}, {"supplier_id", &d.SupplierID}} {
		if n, err := strconv.ParseInt(strings.TrimSpace(v.Val("assign", f.name)), 10, 64); err == nil {
			*f.dst = n
		}
	}
	d.FollowUpInput = v.Val("assign", "follow_up_at")
	d.FollowUpWas = v.Val("assign", "follow_up_was")
}

// reportRecord fills the questionnaire's record of the incident, when it has one.
func (h *handler) reportRecord(ctx context.Context, a desk.Actor, v *view, d *detailData) error {
	rep, err := h.svc.reports.Get(ctx, a, d.Inc.ID)
	if desk.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	q, err := h.answeredWith(ctx, a, rep.QuestionnaireVersion)
	if err != nil {
		return err
	}
	rv := &reportView{
		Version: rep.QuestionnaireVersion, Panel: v.verdictPanel(q, rep.Evaluation, false, nil),
		AcceptedBy: h.userName(ctx, a, &rep.AcceptedByID), AcceptedAt: rep.AcceptedAt,
		ProcedureLocale: rep.ProcedureLocale, ProcedureHash: rep.ProcedureHash, q: q, eval: rep.Evaluation,
	}
	if a.Role.IsStaff() {
		rv.AcceptedFrom = rep.AcceptedFrom
	}
	for _, qu := range q.Questions {
		given := rep.Answers[qu.ID]
		if len(given) == 0 {
			continue
		}
		av := answerView{Question: qu.Text.In(v.Locale)}
		for _, id := range given {
			text := id
			switch {
			case qu.Kind == desk.QuestionYesNo && (id == "yes" || id == "no"):
				text = v.T("report." + id)
			default:
				for _, o := range qu.Options {
					if o.ID == id {
						text = o.Text.In(v.Locale)
					}
				}
			}
			av.Answers = append(av.Answers, text)
		}
		rv.Answers = append(rv.Answers, av)
	}
	d.Report = rv
	return nil
}

// answeredWith returns the version of the questionnaire a report was answered with, for
// its question texts.
func (h *handler) answeredWith(ctx context.Context, a desk.Actor, version int) (desk.Questionnaire, error) {
	return h.svc.reports.QuestionnaireVersion(ctx, a, version)
}

// userName returns the name of a user the actor may see, "" otherwise.
func (h *handler) userName(ctx context.Context, a desk.Actor, id *int64) string {
	if id == nil {
		return ""
	}
	u, err := h.svc.identity.User(ctx, a, *id)
	if err != nil {
		return ""
	}
	return u.Name
}

// assignees fills the people the assignment form offers: the provider's active staff.
func (h *handler) assignees(ctx context.Context, a desk.Actor, d *detailData, l desk.Locale) error {
	ps, err := h.svc.organisations.List(ctx, a, desk.OrgProvider)
	if err != nil || len(ps) == 0 {
		return err
	}
	us, err := h.svc.identity.Users(ctx, a, app.UserFilter{OrgID: ps[0].ID})
	if err != nil {
		return err
	}
	for _, u := range us {
		if !u.Active || !u.Role.IsStaff() {
			continue
		}
		d.Assignees = append(d.Assignees, u)
		if u.Role.IsDesk() {
			d.Owners = append(d.Owners, u)
		}
	}
	if d.Inc.OwnerID != nil {
		d.OwnerID = *d.Inc.OwnerID
	}
	if d.Inc.AssigneeID != nil {
		d.AssigneeID = *d.Inc.AssigneeID
	}
	ss, err := h.svc.suppliers.List(ctx, a, false)
	if err != nil {
		return err
	}
	for _, s := range ss {
		if s.Active || d.Inc.SupplierID != nil && *d.Inc.SupplierID == s.ID {
			d.Suppliers = append(d.Suppliers, s)
		}
	}
	if d.Inc.SupplierID != nil {
		d.SupplierID = *d.Inc.SupplierID
	}
	if d.Inc.FollowUpAt != nil {
		d.FollowUpInput = d.Inc.FollowUpAt.In(h.rd.zone).Format(followUpInputLayout(l))
	}
	d.FollowUpWas = d.FollowUpInput
	return nil
}

// incidentFields lists the fields of a form of the incident page, in page order: their
// names, the ids of their elements and their labels. The client's rejection of a solution
// is the form transition-in_progress with a field of its own.
func incidentFields(form string, client bool) []fieldRef {
	switch form {
	case "reply":
		return []fieldRef{fld("body", "reply-body", "write.reply_label")}
	case "note":
		return []fieldRef{fld("body", "note-body", "write.note_label")}
	case "assign":
		return []fieldRef{fld("owner_id", "owner_id", "incident.owner"), fld("assignee_id", "assignee_id", "incident.assignee"),
			fld("supplier_id", "supplier_id", "incident.supplier"), fld("follow_up_at", "follow_up_at", "incident.follow_up")}
	case "assess-approve", "assess-reclassify":
		d := strings.TrimPrefix(form, "assess-")
		return []fieldRef{fld("reason", "reason-"+d, "assess."+d+"_reason"), fld("decision", "", "assess.label")}
	case "classify":
		return []fieldRef{fld("urgency", "classify-urgency", "incident.urgency"), fld("impact", "classify-impact", "incident.impact"),
			fld("reason", "classify-reason", "classify.reason")}
	case "attach":
		return []fieldRef{fld("files", "attach-files", "files.add")}
	case "change":
		return []fieldRef{fld("title", "change-title", "col.title"), fld("description", "change-description", "changes.description")}
	}
	if to, ok := strings.CutPrefix(form, "transition-"); ok {
		if client && to == string(desk.StateInProgress) {
			return []fieldRef{fld("reason", "reason-reject", "decide.reason")}
		}
		return []fieldRef{fld("solution", "solution-"+to, "transition.solution"),
			fld("solution_kind", "solution-kind-"+to+"-"+desk.SolutionKindNames()[0], "transition.solution_kind"),
			fld("waiting_on", "waiting-"+to, "transition.waiting_on"), fld("reason", "reason-"+to, "transition.reason")}
	}
	return nil
}

// postIncident runs a form's change of an incident (see postForm).
func (h *handler) postIncident(w http.ResponseWriter, r *http.Request, a desk.Actor, form string, fl flash,
	do func(ctx context.Context, id int64) error) error {
	return h.postForm(w, r, a, pageOf{id: incidentID, path: func(id int64) string { return "/incidents/" + desk.FormatNumber(id) },
		title: "incident.title", conflict: "incident.conflict", show: h.showIncident}, form, incidentFields(form, a.Role.IsClient()), fl, do)
}

// pageOf is the page of one object that forms change: how its id is read from the URL,
// where it lives, and how it is shown again with a form's messages.
type pageOf struct {
	id              func(*http.Request) (int64, error)
	path            func(int64) string
	title, conflict string // i18n keys
	show            func(w http.ResponseWriter, r *http.Request, a desk.Actor, id int64, v *view, status int) error
}

// postForm runs a form's change of an object (see submit): success goes back to the
// object's page (303) with the flash fl, invalid input shows the page again with the
// messages next to the fields (422), and a conflict (someone changed it meanwhile) shows
// it with an alert (409).
func (h *handler) postForm(w http.ResponseWriter, r *http.Request, a desk.Actor, p pageOf, form string, fields []fieldRef, fl flash,
	do func(ctx context.Context, id int64) error) error {
	id, err := p.id(r)
	if err != nil {
		return err
	}
	s := submission{form: form, fields: fields, title: p.title, conflict: p.conflict,
		show: func(v *view, status int) error { return p.show(w, r, a, id, v, status) }}
	return h.submit(w, r, s, func() (outcome, error) {
		if err := do(withBasis(r.Context(), r), id); err != nil {
			return outcome{}, err
		}
		return outcome{to: p.path(id), flash: fl}, nil
	})
}

// addEntry posts a reply or an internal note.
func (h *handler) addEntry(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	kind := desk.EntryKind(r.PostFormValue("kind"))
	form := "reply"
	if kind == desk.EntryNote {
		form = "note"
	}
	return h.postIncident(w, r, a, form, flash{code: form}, func(ctx context.Context, id int64) error {
		_, err := h.svc.incidents.AddEntry(ctx, a, id, app.EntryInput{Kind: kind, Body: r.PostFormValue("body")})
		return err
	})
}

// transition moves the incident to the state in the form's "to".
func (h *handler) transition(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	t := desk.Transition{
		To: desk.State(r.PostFormValue("to")), Solution: r.PostFormValue("solution"),
		Reason: r.PostFormValue("reason"), WaitingOn: desk.WaitingOn(r.PostFormValue("waiting_on")),
		SolutionKind: desk.SolutionKind(r.PostFormValue("solution_kind")),
	}
	return h.postIncident(w, r, a, "transition-"+string(t.To), flash{code: "transition", arg: string(t.To)},
		func(ctx context.Context, id int64) error {
			_, err := h.svc.incidents.Transition(ctx, a, id, t)
			return err
		})
}

// assign sets the owner and the assignee ("0" clears the assignee; "" leaves either).
func (h *handler) assign(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	as, bad := assignmentFrom(r.PostForm, h.rd.zone)
	return h.postIncident(w, r, a, "assign", flash{code: "assign"}, func(ctx context.Context, id int64) error {
		if err := h.deskOnIncident(ctx, a, id); err != nil {
			return err
		}
		if len(bad) > 0 {
			return &desk.Error{Code: desk.EINVALID, Message: "the input is not valid", Fields: bad}
		}
		_, err := h.svc.incidents.Assign(ctx, a, id, as)
		return err
	})
}

// assignmentFrom reads the assignment form: the people and the supplier by id, and the
// follow-up date on the wall clock of zone, sent only when it differs from the one the
// form showed (follow_up_was); empty clears it.
func assignmentFrom(form url.Values, zone *time.Location) (app.Assignment, []desk.FieldError) {
	var as app.Assignment
	var bad []desk.FieldError
	for _, f := range []struct {
		name string
		dst  **int64
	}{{"owner_id", &as.OwnerID}, {"assignee_id", &as.AssigneeID}, {"supplier_id", &as.SupplierID}} {
		s := strings.TrimSpace(form.Get(f.name))
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			bad = append(bad, desk.FieldError{Field: f.name, Rule: "number"})
			continue
		}
		*f.dst = &n
	}
	if _, ok := form["follow_up_at"]; ok {
		s, was := strings.TrimSpace(form.Get("follow_up_at")), strings.TrimSpace(form.Get("follow_up_was"))
		t, ok := parseFollowUp(s, zone)
		w, wok := parseFollowUp(was, zone)
		switch {
		case s == was || ok && wok && t.Equal(w):
		case s == "":
			as.FollowUpAt = new("")
		case !ok:
			bad = append(bad, desk.FieldError{Field: "follow_up_at", Rule: "date_time_format"})
		default:
			as.FollowUpAt = new(t.Format(time.RFC3339))
		}
	}
	return as, bad
}
