package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"meldpunt/internal/desk"
)

// TransitionIncident moves an incident to another state. Staff who work the incident move
// it along the state machine; the client (its reporter, or a client admin) confirms or
// rejects a solution. The change, its reason and the solution go on the timeline.
func (a *Incidents) Transition(ctx context.Context, actor desk.Actor, id int64, t desk.Transition) (inc desk.Incident, err error) {
	now := a.clock()
	err = a.db.write(ctx, func(tx incidentTx) error {
		if inc, err = visibleIncident(ctx, tx, actor, id); err != nil {
			return err
		}
		return a.transition(ctx, tx, actor, &inc, t, now, "")
	})
	hideFromClient(actor, &inc)
	return inc, err
}

// transitionTx is what transition reads and writes.
type transitionTx interface {
	eventTx
	AuditStore
	OutboxStore
	SLAStore
}

// transition moves inc, which the actor may see, to another state in tx: the change, its
// timeline entry, the notifications it causes and its audit record. via, when not empty,
// says in the audit record how the request came in ("email_link").
func (a *core) transition(ctx context.Context, tx transitionTx, actor desk.Actor, incp *desk.Incident, t desk.Transition, now time.Time, via string) error {
	inc := *incp
	if !actor.System && !canWorkIncident(actor, inc) && !actor.Role.IsClient() {
		return forbidden("change the state of this incident")
	}
	from := inc.State
	if err := desk.CheckTransition(from, &t, actor.Role.IsClient()); err != nil {
		return err
	}
	before := inc
	inc.State, inc.WaitingOn, inc.UpdatedAt = t.To, t.WaitingOn, now
	switch t.To {
	case desk.StateTriaged:
		if inc.OwnerID == nil && actor.Role.IsDesk() && actor.UserID != 0 {
			inc.OwnerID = ptr(actor.UserID) // who triages owns it, until reassigned
		}
	case desk.StateWaiting:
		pauseSLA(&inc, now)
	case desk.StateResolved:
		inc.Solution, inc.SolutionKind, inc.ResolvedAt = t.Solution, t.SolutionKind, &now
		at, err := autoCloseAt(ctx, tx, inc, now)
		if err != nil {
			return err
		}
		inc.AutoCloseAt = &at
		if inc.FirstResponseAt == nil {
			inc.FirstResponseAt = &now // the solution is the first answer the client sees
		}
		pauseSLA(&inc, now) // until the client confirms (closed: stopped) or rejects it
	case desk.StateClosed:
		inc.Close(now)
	case desk.StateInProgress:
		if from == desk.StateResolved {
			inc.Reopen(now)
		}
		if from == desk.StateWaiting || from == desk.StateResolved {
			if err := a.resumeSLA(ctx, tx, &inc, now); err != nil {
				return err
			}
		}
	}
	if err := tx.UpdateIncident(ctx, &inc); err != nil {
		return err
	}
	e := desk.TimelineEntry{
		IncidentID: inc.ID, Kind: desk.EntryState, Visibility: desk.Public, AuthorName: actor.Name,
		FromState: from, ToState: t.To, Body: transitionBody(t), CreatedAt: now,
	}
	if t.WaitingOn != "" {
		e.Event, e.Args = desk.EventWaitingOn, []string{"waiting:" + string(t.WaitingOn)}
	}
	if actor.UserID != 0 {
		e.AuthorID = ptr(actor.UserID)
	}
	if err := tx.AddTimelineEntry(ctx, &e); err != nil {
		return err
	}
	if err := notifyTransition(ctx, tx, actor, from, inc, t, now); err != nil {
		return err
	}
	if err := a.publishTransition(ctx, tx, actor, from, inc, now, false); err != nil {
		return err
	}
	*incp = inc
	var after any = inc
	if via != "" {
		m := toMap(inc)
		m["via"] = via
		after = m
	}
	return audit(ctx, tx, actor, now, "incident", inc.ID, &inc.OrgID, "transition", before, after)
}

// notifyTransition queues what a state change tells: the reporter hears of the solution,
// of the close (also when they confirmed it themselves: the message is the receipt), that
// the desk waits for them, or else of the update, and the owner of a rejected solution.
// Nobody hears of their own other changes, and a client's change (a client admin rejecting
// for the reporter) is no update from the desk.
func notifyTransition(ctx context.Context, tx OutboxStore, actor desk.Actor, from desk.State, inc desk.Incident, t desk.Transition, now time.Time) error {
	if from == desk.StateResolved && t.To == desk.StateInProgress {
		if err := notifyOwnerRejected(ctx, tx, actor, inc, t.Reason, now); err != nil {
			return err
		}
	}
	if inc.ReporterID == nil || *inc.ReporterID == actor.UserID && t.To != desk.StateClosed {
		return nil
	}
	kind, p := desk.NotifyUpdate, map[string]any{"number": inc.Number, "title": inc.Title, "by": actor.Name}
	switch {
	case t.To == desk.StateResolved:
		kind, p = desk.NotifySolution, map[string]any{"number": inc.Number, "title": inc.Title,
			"solution": inc.Solution, "solution_kind": inc.SolutionKind}
		if inc.AutoCloseAt != nil && inc.ResolvedAt != nil {
			p["auto_close_at"] = inc.AutoCloseAt.UTC().Format(time.RFC3339)
			p["hours"] = int(inc.AutoCloseAt.Sub(*inc.ResolvedAt).Round(time.Hour) / time.Hour)
		}
	case t.To == desk.StateClosed:
		kind = desk.NotifyClosed
		// "You confirmed" only to the one who did; a colleague's confirmation reads "X closed".
		p["confirmed"], p["reason"] = *inc.ReporterID == actor.UserID, t.Reason
	case actor.Role.IsClient():
		return nil
	case t.To == desk.StateWaiting && t.WaitingOn == desk.WaitingOnClient:
		kind = desk.NotifyWaiting
		p["body"] = t.Reason
	default:
		p["from"], p["to"], p["body"] = from, t.To, t.Reason
	}
	return notify(ctx, tx, *inc.ReporterID, inc, kind, now, p)
}

// notifyReply queues what a public reply tells: a reply from staff goes to the reporter as
// an update, a client's reply to the owner and the assignee; nobody hears of their own.
func notifyReply(ctx context.Context, tx OutboxStore, actor desk.Actor, inc desk.Incident, body string, now time.Time) error {
	p := map[string]any{"number": inc.Number, "title": inc.Title, "by": actor.Name, "body": body}
	if !actor.Role.IsClient() {
		if inc.ReporterID == nil || *inc.ReporterID == actor.UserID {
			return nil
		}
		return notify(ctx, tx, *inc.ReporterID, inc, desk.NotifyUpdate, now, p)
	}
	var to []int64
	for _, id := range []*int64{inc.OwnerID, inc.AssigneeID} {
		if id != nil && *id != actor.UserID && !slices.Contains(to, *id) {
			to = append(to, *id)
		}
	}
	return notifyAll(ctx, tx, to, inc, desk.NotifyClientReply, now, p)
}

// argText renders an event argument in English, for an entry's body.
func argText(arg string) string {
	kind, value, _ := strings.Cut(arg, ":")
	switch kind {
	case "same":
		return "unchanged"
	case "none":
		return "nobody"
	case "nodate":
		return "no date"
	}
	return value
}

// transitionBody is what the person wrote with a state change: the solution, the reason.
func transitionBody(t desk.Transition) string {
	var parts []string
	if t.Solution != "" {
		parts = append(parts, t.Solution)
	}
	if t.Reason != "" {
		parts = append(parts, t.Reason)
	}
	return strings.Join(parts, "\n\n")
}

// EntryInput is a reply (the client sees it) or an internal note (staff only).
type EntryInput struct {
	Kind desk.EntryKind `json:"kind"`
	Body string         `json:"body"`
}

// AddEntry adds a reply or a note to an incident's timeline. Clients reply; staff who work
// the incident reply and write notes. The desk's first reply stops the first-response clock.
func (a *Incidents) AddEntry(ctx context.Context, actor desk.Actor, id int64, in EntryInput) (desk.TimelineEntry, error) {
	return a.addEntry(ctx, actor, id, in, nil)
}

// addEntry is AddEntry; then, when not nil, runs last in its transaction with the incident
// (a reply by email records its Message-ID and adds its attachments there, inbound.go).
func (a *core) addEntry(ctx context.Context, actor desk.Actor, id int64, in EntryInput, then func(Tx, desk.Incident, time.Time) error) (e desk.TimelineEntry, err error) {
	var v desk.Validator
	if in.Kind == "" {
		in.Kind = desk.EntryReply
	}
	v.OneOf("kind", string(in.Kind), true, []string{string(desk.EntryReply), string(desk.EntryNote)})
	v.Text("body", in.Body, true, desk.MaxText, true)
	if err := v.Err(); err != nil {
		return e, err
	}
	now := a.clock()
	err = a.store.Write(ctx, func(tx Tx) error {
		inc, err := visibleIncident(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if actor.Role.IsClient() && in.Kind == desk.EntryNote {
			return forbidden("write internal notes")
		}
		if actor.Role.IsStaff() && !canWorkIncident(actor, inc) {
			return forbidden("write on this incident")
		}
		if !inc.State.Open() {
			return desk.Errorf(desk.ECONFLICT, "the incident is closed; report a new one")
		}
		e = desk.TimelineEntry{IncidentID: inc.ID, Kind: in.Kind, Visibility: desk.Public, AuthorName: actor.Name, Body: in.Body, CreatedAt: now}
		if in.Kind == desk.EntryNote {
			e.Visibility = desk.Internal
		}
		if actor.UserID != 0 {
			e.AuthorID = ptr(actor.UserID)
		}
		if err := tx.AddTimelineEntry(ctx, &e); err != nil {
			return err
		}
		if in.Kind == desk.EntryReply && actor.Role.IsClient() && inc.State == desk.StateResolved {
			// The client's reply is a reaction to the solution: the incident is reopened.
			if err := a.reopenOnReply(ctx, tx, actor, &inc, now); err != nil {
				return err
			}
		} else if err := tx.TouchIncident(ctx, inc.ID, now); err != nil { // a reply or note is an update
			return err
		}
		if in.Kind == desk.EntryReply {
			if err := notifyReply(ctx, tx, actor, inc, in.Body, now); err != nil {
				return err
			}
		}
		if in.Kind == desk.EntryReply && actor.Role.IsStaff() && inc.FirstResponseAt == nil {
			before := inc
			inc.FirstResponseAt, inc.UpdatedAt = &now, now
			if err := tx.UpdateIncident(ctx, &inc); err != nil {
				return err
			}
			if err := audit(ctx, tx, actor, now, "incident", inc.ID, &inc.OrgID, "first_response", before, inc); err != nil {
				return err
			}
		}
		if err := audit(ctx, tx, actor, now, "timeline_entry", e.ID, &inc.OrgID, "create", nil, e); err != nil {
			return err
		}
		if err := a.publishIncident(ctx, tx, desk.EventIncidentReplied, actor, inc, now, func(d *eventData) {
			d.Entry = &eventEntry{Visibility: string(e.Visibility), Body: e.Body}
		}); err != nil {
			return err
		}
		if then != nil {
			return then(tx, inc, now)
		}
		return nil
	})
	return e, err
}

// Timeline lists an incident's entries; clients see only the public ones.
func (a *Incidents) Timeline(ctx context.Context, actor desk.Actor, id int64) (es []desk.TimelineEntry, err error) {
	err = a.db.read(ctx, func(tx incidentTx) error {
		if _, err := visibleIncident(ctx, tx, actor, id); err != nil {
			return err
		}
		es, err = tx.Timeline(ctx, id, actor.Role.IsStaff())
		return err
	})
	return es, err
}

// Assignment names the owner on the desk, the assignee (an expert or agent), the external
// party (a supplier) and the follow-up date. A nil field leaves it as it is; a zero id
// clears the assignee or the supplier, an empty follow-up date clears it.
type Assignment struct {
	OwnerID    *int64 `json:"owner_id"`
	AssigneeID *int64 `json:"assignee_id"`
	SupplierID *int64 `json:"supplier_id"`
	// FollowUpAt is an RFC 3339 time that lies ahead, or "" to clear it.
	FollowUpAt *string `json:"follow_up_at"`
}

// maxFollowUp is how far ahead a follow-up date may lie.
const maxFollowUp = 366 * 24 * time.Hour

// AssignIncident sets the owner, assignee, supplier and follow-up date; the desk may. The
// owner must be an agent or admin (the desk keeps ownership); the assignee any staff
// member; the supplier an active one; the follow-up date must lie ahead (a new date is
// reminded of once more). An expert, a supplier or both may be assigned.
func (a *Incidents) Assign(ctx context.Context, actor desk.Actor, id int64, as Assignment) (inc desk.Incident, err error) {
	now := a.clock()
	err = a.db.write(ctx, func(tx incidentTx) error {
		if inc, err = visibleIncident(ctx, tx, actor, id); err != nil {
			return err
		}
		if err := requireDesk(actor, "assign incidents"); err != nil {
			return err
		}
		if !inc.State.Open() {
			return desk.Errorf(desk.ECONFLICT, "a closed incident cannot be assigned")
		}
		before := inc
		var v desk.Validator
		// The event's arguments: the new owner and assignee, "same:" when unchanged.
		owner, assignee := "same:", "same:"
		if as.OwnerID != nil {
			u, err := tx.User(ctx, *as.OwnerID)
			if desk.IsNotFound(err) || err == nil && (!u.Role.IsDesk() || !u.Active) {
				v.Add("owner_id", "desk", "must be an active agent or admin")
			} else if err != nil {
				return err
			}
			inc.OwnerID, owner = ptr(u.ID), "text:"+u.Name
		}
		if as.AssigneeID != nil {
			if *as.AssigneeID == 0 {
				inc.AssigneeID, assignee = nil, "none:"
			} else {
				u, err := tx.User(ctx, *as.AssigneeID)
				if desk.IsNotFound(err) || err == nil && (!u.Role.IsStaff() || !u.Active) {
					v.Add("assignee_id", "staff", "must be an active agent, expert or admin")
				} else if err != nil {
					return err
				}
				inc.AssigneeID, assignee = ptr(u.ID), "text:"+u.Name
			}
		}
		forwarded, err := assignSupplier(ctx, tx, &v, &inc, as, now)
		if err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		inc.UpdatedAt = now
		if err := tx.UpdateIncident(ctx, &inc); err != nil {
			return err
		}
		if owner != "same:" || assignee != "same:" {
			body := "Assigned: owner " + argText(owner) + ", assignee " + argText(assignee) + "."
			if err := entry(ctx, tx, actor, inc, desk.Internal, body, now, desk.EventAssigned, owner, assignee); err != nil {
				return err
			}
		}
		if err := notifyAssigned(ctx, tx, actor, before, inc, now); err != nil {
			return err
		}
		for role, changed := range map[string]bool{
			"owner":    !sameRef(before.OwnerID, inc.OwnerID),
			"assignee": !sameRef(before.AssigneeID, inc.AssigneeID),
		} {
			if !changed {
				continue
			}
			if err := a.publishIncident(ctx, tx, desk.EventIncidentAssigned, actor, inc, now, func(d *eventData) { d.Role = role }); err != nil {
				return err
			}
		}
		if forwarded != nil {
			body := "Forwarded to the external party " + argText(forwarded[0]) + "; follow up on " + argText(forwarded[1]) + "."
			if err := entry(ctx, tx, actor, inc, desk.Internal, body, now, desk.EventForwarded, forwarded...); err != nil {
				return err
			}
		}
		return audit(ctx, tx, actor, now, "incident", inc.ID, &inc.OrgID, "assign", before, inc)
	})
	return inc, err
}

// notifyAssigned tells a new owner and a new assignee, unless they assigned themselves.
func notifyAssigned(ctx context.Context, tx OutboxStore, actor desk.Actor, before, inc desk.Incident, now time.Time) error {
	var ns []*desk.Notification
	for _, r := range []struct {
		role    string
		was, is *int64
	}{{"owner", before.OwnerID, inc.OwnerID}, {"assignee", before.AssigneeID, inc.AssigneeID}} {
		if r.is == nil || *r.is == actor.UserID || r.was != nil && *r.was == *r.is {
			continue
		}
		n, err := notification(*r.is, inc, desk.NotifyAssigned, now, map[string]any{
			"number": inc.Number, "title": inc.Title, "role": r.role, "by": actor.Name})
		if err != nil {
			return err
		}
		ns = append(ns, n)
	}
	return queue(ctx, tx, ns)
}

// assignSupplier applies the supplier and follow-up date of an assignment, adding what is
// wrong to v. When either changed it returns the arguments of the timeline entry: the
// supplier ("text:" its name, or "none:") and the follow-up date ("time:" RFC 3339, or
// "nodate:").
func assignSupplier(ctx context.Context, tx SupplierStore, v *desk.Validator, inc *desk.Incident, as Assignment, now time.Time) ([]string, error) {
	changed := false
	if as.SupplierID != nil && !sameID(inc.SupplierID, *as.SupplierID) {
		if *as.SupplierID == 0 {
			inc.SupplierID = nil
		} else {
			s, err := tx.Supplier(ctx, *as.SupplierID)
			if desk.IsNotFound(err) || err == nil && !s.Active {
				v.Add("supplier_id", "supplier", "must be an active supplier")
			} else if err != nil {
				return nil, err
			}
			inc.SupplierID = ptr(*as.SupplierID)
		}
		changed = true
	}
	if as.FollowUpAt != nil {
		var at *time.Time
		if *as.FollowUpAt != "" {
			t, err := time.Parse(time.RFC3339, *as.FollowUpAt)
			switch {
			case err != nil:
				v.Add("follow_up_at", "date_time", "must be a date and time such as 2026-03-02T09:00:00+01:00")
			case sameTime(inc.FollowUpAt, ptr(t.UTC().Truncate(time.Millisecond))):
				// unchanged, even when it has passed
			case !t.After(now):
				v.Add("follow_up_at", "future", "must lie ahead")
			case t.Sub(now) > maxFollowUp:
				v.Add("follow_up_at", "max", "must lie at most a year ahead")
			}
			t = t.UTC().Truncate(time.Millisecond)
			at = &t
		}
		if !sameTime(inc.FollowUpAt, at) {
			inc.FollowUpAt, inc.FollowUpReminded, changed = at, false, true
		}
	}
	if !changed {
		return nil, nil
	}
	args := []string{"none:", "nodate:"}
	if inc.SupplierID != nil {
		s, err := tx.Supplier(ctx, *inc.SupplierID)
		if err != nil && !desk.IsNotFound(err) {
			return nil, err
		}
		args[0] = "text:" + s.Name
	}
	if inc.FollowUpAt != nil {
		args[1] = "time:" + inc.FollowUpAt.Format(time.RFC3339)
	}
	return args, nil
}

// sameRef tells whether two optional references name the same thing (or both nothing).
func sameRef(a, b *int64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

func sameID(a *int64, b int64) bool { return a == nil && b == 0 || a != nil && *a == b }

func sameTime(a, b *time.Time) bool {
	return a == nil && b == nil || a != nil && b != nil && a.Equal(*b)
}

// IncidentAudit lists the audit records of an incident; staff who may see it may read them.
func (a *Incidents) Audit(ctx context.Context, actor desk.Actor, id int64) (es []desk.AuditEntry, err error) {
	err = a.db.read(ctx, func(tx incidentTx) error {
		if _, err := visibleIncident(ctx, tx, actor, id); err != nil {
			return err
		}
		if !actor.Role.IsStaff() {
			return forbidden("read the audit log")
		}
		es, err = tx.Audit(ctx, desk.AuditFilter{Entity: "incident", EntityID: id, Limit: 500})
		return err
	})
	return es, err
}

// Audit lists the whole audit log, newest first; only admins may.
func (a *Audit) List(ctx context.Context, actor desk.Actor, f desk.AuditFilter) (p Page[desk.AuditEntry], err error) {
	if err := requireAdmin(actor, "read the audit log"); err != nil {
		return p, err
	}
	if err := f.Validate(); err != nil {
		return p, err
	}
	return paged(&f.Limit, 100, 500, func() (es []desk.AuditEntry, err error) {
		err = a.db.read(ctx, func(tx auditTx) error {
			es, err = tx.Audit(ctx, f)
			return err
		})
		return es, err
	}, func(e desk.AuditEntry) int64 { return e.ID })
}
