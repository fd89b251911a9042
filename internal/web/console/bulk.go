package console

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// Bulk actions on the queue (issue 13, point 2): the desk ticks incidents and assigns them,
// moves them to another state, or links them to a public incident, in one form that works
// without JavaScript (the tick boxes belong to it by their form attribute). Each incident
// is changed by the same use case as on its own page, in a transaction of its own: an
// incident is changed completely or not at all, and the page that answers lists every
// incident with what was done or why it was refused.

// maxBulk is how many incidents one bulk action names at most: a page of the queue, and
// some room.
const maxBulk = 200

// bulkState is a state the bulk form offers: a state, and on whom a waiting one waits.
type bulkState struct {
	Value, Label string
	To           desk.State
	WaitingOn    desk.WaitingOn
}

// bulkStates are the moves the bulk form offers. Resolving needs a solution written for
// each incident, and closing is the client's (or the clock's) to do, so neither is offered.
func bulkStates(v *view) []bulkState {
	return []bulkState{
		{Value: "triaged", Label: v.Label("state", desk.StateTriaged), To: desk.StateTriaged},
		{Value: "in_progress", Label: v.Label("state", desk.StateInProgress), To: desk.StateInProgress},
		{Value: "waiting:client", Label: v.T("queue.bulk_waiting_client"), To: desk.StateWaiting, WaitingOn: desk.WaitingOnClient},
		{Value: "waiting:third_party", Label: v.T("queue.bulk_waiting_third_party"), To: desk.StateWaiting, WaitingOn: desk.WaitingOnThirdParty},
	}
}

// bulkResult is what a bulk action did to one incident.
type bulkResult struct {
	Number string
	Title  string
	// Outcome is done, unchanged or refused; Text says what, or why not.
	Outcome string
	Text    string
}

// bulkResults is the outcome of one bulk action: a line per incident, and the tallies.
type bulkResults struct {
	Action                   string
	Items                    []bulkResult
	Done, Unchanged, Refused int
}

// bulkFields are the bulk form's fields, in page order.
func bulkFields() []fieldRef {
	return []fieldRef{fld("incidents", "bulk-incidents", "queue.bulk_incidents"), fld("assignee", "bulk-assignee", "queue.bulk_assignee"),
		fld("to", "bulk-to", "queue.bulk_to"), fld("public_incident_id", "bulk-public-incident-id", "ticketlink.choose")}
}

// bulkInvalid is the error of a field of the bulk form.
func bulkInvalid(field, rule, msg string) error {
	return &desk.Error{Code: desk.EINVALID, Message: "the input is not valid", Fields: []desk.FieldError{{Field: field, Rule: rule, Message: msg}}}
}

// bulk runs the bulk form's action on each ticked incident and shows the queue with the
// outcome of each. A form that names no incidents, or no assignee, state or public
// incident for its action, changes nothing and comes back with the message at its field.
func (h *handler) bulk(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	s := submission{form: "bulk", fields: bulkFields(), title: "queue.title", conflict: "ticketlink.conflict",
		show: func(v *view, status int) error { return h.showQueue(w, r, a, v, status) }}
	var res bulkResults
	err := formCut(r)
	if err == nil {
		res, err = h.runBulk(r, a)
	}
	if err != nil {
		return h.refill(r, newView(r, h.rd, s.title), s, err)
	}
	v := newView(r, h.rd, "queue.title")
	d, err := h.queuePage(r, a, v)
	if err != nil {
		return err
	}
	d.Results = &res
	h.renderQueue(w, r, v, d, http.StatusOK)
	return nil
}

// runBulk checks the bulk form and runs its action on each incident.
func (h *handler) runBulk(r *http.Request, a desk.Actor) (bulkResults, error) {
	ctx := r.Context()
	v := newView(r, h.rd, "queue.title")
	res := bulkResults{Action: r.PostFormValue("action")}
	names := r.PostForm["incidents"]
	switch {
	case len(names) == 0:
		return res, bulkInvalid("incidents", "bulk_none", "tick at least one incident")
	case len(names) > maxBulk:
		return res, bulkInvalid("incidents", "max_items", "too many incidents")
	}
	var do func(inc desk.Incident) bulkResult
	switch res.Action {
	case "assign":
		do = h.bulkAssign(ctx, a, v, r.PostFormValue("assignee"))
	case "state":
		do = h.bulkState(ctx, a, v, r.PostFormValue("to"))
	case "link":
		if h.svc.publicIncidents == nil {
			return res, bulkInvalid("action", "one_of", "must be assign or state")
		}
		do = h.bulkLinkTo(ctx, a, v, formID(r, "public_incident_id"))
	default:
		return res, bulkInvalid("action", "one_of", "must be assign, state or link")
	}
	if do == nil {
		field := map[string]string{"assign": "assignee", "state": "to", "link": "public_incident_id"}[res.Action]
		return res, requiredChoice(field)
	}
	seen := map[int64]bool{}
	for _, name := range names {
		name = strings.TrimSpace(name)
		id, ok := desk.ParseNumber(name)
		if !ok || len(name) > 30 {
			res.add(bulkResult{Number: bulkLine(name, 30), Outcome: "refused", Text: v.T("queue.bulk_not_found")})
			continue
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		inc, err := h.svc.incidents.Get(ctx, a, id)
		if err != nil {
			res.add(bulkResult{Number: desk.FormatNumber(id), Outcome: "refused", Text: h.bulkReasonCtx(ctx, v, err, desk.Incident{State: desk.StateNew})})
			continue
		}
		out := do(inc)
		out.Number, out.Title = inc.Number, inc.Title
		res.add(out)
	}
	return res, nil
}

// bulkLine cuts s to n bytes for showing a value that is not what it should be.
func bulkLine(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return desk.StripBidi(strings.ToValidUTF8(s, ""))
}

func (res *bulkResults) add(r bulkResult) {
	switch r.Outcome {
	case "done":
		res.Done++
	case "unchanged":
		res.Unchanged++
	default:
		res.Refused++
	}
	res.Items = append(res.Items, r)
}

// asDeskError finds the *desk.Error in err.
func asDeskError(err error, e **desk.Error) bool { return errors.As(err, e) }

// bulkAssign assigns each incident to the person chosen ("me" is the actor); nil when
// nobody is chosen.
func (h *handler) bulkAssign(ctx context.Context, a desk.Actor, v *view, who string) func(desk.Incident) bulkResult {
	var id int64
	if who == "me" {
		id = a.UserID
	} else if n, ok := desk.ParseNumber(who); ok {
		id = n
	}
	if id == 0 {
		return nil
	}
	name := ""
	return func(inc desk.Incident) bulkResult {
		if inc.AssigneeID != nil && *inc.AssigneeID == id {
			return bulkResult{Outcome: "unchanged", Text: v.T("queue.bulk_assigned_already")}
		}
		got, err := h.svc.incidents.Assign(ctx, a, inc.ID, app.Assignment{AssigneeID: &id})
		if err != nil {
			if e, ok := err.(*desk.Error); ok && e.Code == desk.EINVALID {
				return bulkResult{Outcome: "refused", Text: v.T("field.staff")}
			}
			return bulkResult{Outcome: "refused", Text: h.bulkReasonCtx(ctx, v, err, inc)}
		}
		if name == "" {
			if u, err := h.svc.identity.User(ctx, a, *got.AssigneeID); err == nil {
				name = u.Name
			}
		}
		return bulkResult{Outcome: "done", Text: v.T("queue.bulk_assigned", name)}
	}
}

// bulkState moves each incident to the state chosen, when its state may move there; nil
// when no state is chosen.
func (h *handler) bulkState(ctx context.Context, a desk.Actor, v *view, value string) func(desk.Incident) bulkResult {
	var to *bulkState
	for _, s := range bulkStates(v) {
		if s.Value == value {
			to = &s
		}
	}
	if to == nil {
		return nil
	}
	return func(inc desk.Incident) bulkResult {
		switch {
		case inc.State == to.To && inc.WaitingOn == to.WaitingOn:
			return bulkResult{Outcome: "unchanged", Text: v.T("queue.bulk_state_already", v.Label("state", inc.State))}
		case !inc.State.CanMoveTo(to.To):
			return bulkResult{Outcome: "refused", Text: v.T("queue.bulk_state_refused", v.Label("state", inc.State), to.Label)}
		}
		_, err := h.svc.incidents.Transition(ctx, a, inc.ID, desk.Transition{To: to.To, WaitingOn: to.WaitingOn})
		var e *desk.Error
		switch {
		case err == nil:
			return bulkResult{Outcome: "done", Text: v.T("queue.bulk_state_done", v.Label("state", inc.State), to.Label)}
		case asDeskError(err, &e) && e.Code == desk.ECONFLICT && e.Allowed != nil:
			return bulkResult{Outcome: "refused", Text: v.T("queue.bulk_state_refused", v.Label("state", inc.State), to.Label)}
		}
		return bulkResult{Outcome: "refused", Text: h.bulkReasonCtx(ctx, v, err, inc)}
	}
}

// bulkLinkTo links each incident to the public incident chosen; an incident linked to
// another one is left as it is (moving it is for its own page). nil when none is chosen.
func (h *handler) bulkLinkTo(ctx context.Context, a desk.Actor, v *view, pid int64) func(desk.Incident) bulkResult {
	if pid == 0 {
		return nil
	}
	return func(inc desk.Incident) bulkResult {
		if l, err := h.svc.publicIncidents.TicketLinkOf(ctx, a, inc.ID); err == nil {
			if l.PublicIncidentID == pid {
				return bulkResult{Outcome: "unchanged", Text: v.T("queue.bulk_linked_already")}
			}
			return bulkResult{Outcome: "refused", Text: v.T("queue.bulk_linked_elsewhere", l.Name.In(v.Locale))}
		} else if !desk.IsNotFound(err) {
			return bulkResult{Outcome: "refused", Text: h.bulkReasonCtx(ctx, v, err, inc)}
		}
		l, err := h.svc.publicIncidents.LinkTicket(ctx, a, inc.ID, pid)
		if err != nil {
			if desk.ErrorCode(err) == desk.ECONFLICT && !inc.State.Open() {
				return bulkResult{Outcome: "refused", Text: v.T("queue.bulk_closed")}
			}
			return bulkResult{Outcome: "refused", Text: h.bulkReasonCtx(ctx, v, err, inc)}
		}
		return bulkResult{Outcome: "done", Text: v.T("queue.bulk_linked", l.Name.In(v.Locale))}
	}
}

// bulkReasonCtx is bulkReason for the closures, which have no request: an internal error
// is logged here, with the incident.
func (h *handler) bulkReasonCtx(ctx context.Context, v *view, err error, inc desk.Incident) string {
	var e *desk.Error
	if !asDeskError(err, &e) {
		h.log.ErrorContext(ctx, "bulk action", "incident", inc.Number, "request_id", v.RequestID, "err", err)
		return v.T("queue.bulk_internal", v.RequestID)
	}
	switch {
	case desk.IsNotFound(err):
		return v.T("queue.bulk_not_found")
	case e.Code == desk.EFORBIDDEN:
		return v.T("queue.bulk_forbidden")
	case e.Code == desk.EINVALID && len(e.Fields) > 0:
		parts := make([]string, 0, len(e.Fields))
		for _, f := range e.Fields {
			parts = append(parts, fieldMessage(v, f))
		}
		return strings.Join(parts, " ")
	case e.Code == desk.ECONFLICT && !inc.State.Open():
		return v.T("queue.bulk_closed")
	}
	return v.T("queue.bulk_conflict")
}
