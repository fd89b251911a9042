package app

import (
	"context"
	"slices"
	"time"

	"meldpunt/internal/desk"
)

// Change requests (step 4 of the incident process) follow these rules of who sees what:
//
//   - The desk (agents, admins) creates change requests, edits them, decides on them and
//     links and unlinks incidents.
//   - Staff (the desk and experts) read every change request, in full.
//   - A client never reads a change request as such: the routes of change requests answer
//     "not found" to a client, whatever the id, so guessing tells nothing. A client sees
//     a change request only through an incident of theirs that it is linked to, and then
//     only its title and state (desk.ChangeSummary), never its number, description, the
//     reasons of its decisions or the other incidents it is linked to.
//   - The timelines of the linked incidents record, publicly, that a structural fix was
//     requested, linked, unlinked, approved, rejected or implemented, with its title; what
//     else there is to know stays on the change request and in the audit log.

// ChangeInput is a new change request: the structural fix for the incidents it names (at
// least one; the incident it is made from).
type ChangeInput struct {
	Title       string  `json:"title"`
	Description string  `json:"description"`
	IncidentIDs []int64 `json:"incident_ids"`
}

// CreateChange records a change request for the structural fix of the incidents; the desk
// may. Each incident's timeline says that a structural fix was requested, and the audit log
// records the change request, in the same transaction.
func (a *Changes) Create(ctx context.Context, actor desk.Actor, in ChangeInput) (c desk.ChangeRequest, err error) {
	if err := requireDesk(actor, "create change requests"); err != nil {
		return c, err
	}
	now := a.clock()
	c = desk.ChangeRequest{Title: in.Title, Description: in.Description, State: desk.ChangeRequested,
		IncidentIDs: append([]int64{}, in.IncidentIDs...), Decisions: []desk.ChangeDecision{},
		CreatedAt: now, UpdatedAt: now}
	if actor.UserID != 0 {
		c.CreatedByID = ptr(actor.UserID)
	}
	verr := c.Validate()
	err = a.db.write(ctx, func(tx changeTx) error {
		var v desk.Validator
		if e, ok := verr.(*desk.Error); ok {
			v.Fields = e.Fields
		}
		incs, err := changeIncidents(ctx, tx, in.IncidentIDs, &v)
		if err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.CreateChange(ctx, &c); err != nil {
			return err
		}
		for _, inc := range incs {
			if err := changeEntry(ctx, tx, actor, inc, c, desk.EventChangeRequested, now); err != nil {
				return err
			}
		}
		if err := a.publishChange(ctx, tx, desk.EventChangeCreated, actor, c, now, "", ""); err != nil {
			return err
		}
		return audit(ctx, tx, actor, now, "change_request", c.ID, nil, "create", nil, c)
	})
	return c, err
}

// changeIncidents reads the incidents a change request names, once each, adding a field
// error (by the position given) for each that does not exist.
func changeIncidents(ctx context.Context, tx IncidentStore, ids []int64, v *desk.Validator) ([]desk.Incident, error) {
	var out []desk.Incident
	seen := map[int64]bool{}
	for i, id := range ids {
		if id <= 0 || seen[id] {
			continue // Validate named it, or it was read already
		}
		seen[id] = true
		inc, err := tx.Incident(ctx, id)
		if desk.IsNotFound(err) {
			v.Add("incident_ids["+itoa(i)+"]", "exists", "no incident has this id")
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, inc)
	}
	return out, nil
}

// changeEntry writes the public timeline entry of a change request's event on an incident:
// its title and, for a later link, its state after it. Body is the English rendering for the API.
func changeEntry(ctx context.Context, tx IncidentStore, actor desk.Actor, inc desk.Incident, c desk.ChangeRequest, event string, now time.Time) error {
	args := []string{"text:" + c.Title}
	var body string
	switch event {
	case desk.EventChangeRequested:
		body = "A structural fix was requested: " + c.Title + "."
	case desk.EventChangeLinked:
		args = append(args, "change_state:"+string(c.State))
		body = "Linked to the structural fix ‘" + c.Title + "’ (" + string(c.State) + ")."
	case desk.EventChangeUnlinked:
		body = "The structural fix ‘" + c.Title + "’ no longer applies to this incident."
	case desk.EventChangeApproved:
		body = "The structural fix ‘" + c.Title + "’ was approved."
	case desk.EventChangeRejected:
		body = "The structural fix ‘" + c.Title + "’ will not be carried out."
	case desk.EventChangeImplemented:
		body = "The structural fix ‘" + c.Title + "’ was implemented."
	}
	return entry(ctx, tx, actor, inc, desk.Public, body, now, event, args...)
}

// visibleChange returns a change request staff may read; to anyone else it does not exist.
func visibleChange(ctx context.Context, tx ChangeStore, actor desk.Actor, id int64) (desk.ChangeRequest, error) {
	if !actor.Role.IsStaff() {
		return desk.ChangeRequest{}, desk.NotFound("change request")
	}
	return tx.Change(ctx, id)
}

// Change returns a change request; staff may read it, to clients it does not exist.
func (a *Changes) Get(ctx context.Context, actor desk.Actor, id int64) (c desk.ChangeRequest, err error) {
	err = a.db.read(ctx, func(tx changeTx) error {
		c, err = visibleChange(ctx, tx, actor, id)
		return err
	})
	return c, err
}

// Changes lists change requests, newest first, narrowed by the filter; staff may.
func (a *Changes) List(ctx context.Context, actor desk.Actor, f desk.ChangeFilter) (p Page[desk.ChangeRequest], err error) {
	if !actor.Role.IsStaff() {
		return p, forbidden("list change requests; see those of your incidents on their pages")
	}
	return paged(&f.Limit, defaultPage, maxPage, func() (cs []desk.ChangeRequest, err error) {
		err = a.db.read(ctx, func(tx changeTx) error {
			cs, err = tx.Changes(ctx, f)
			return err
		})
		return cs, err
	}, func(c desk.ChangeRequest) int64 { return c.ID })
}

// CountChanges counts the change requests that match the filter; staff may.
func (a *Changes) Count(ctx context.Context, actor desk.Actor, f desk.ChangeFilter) (n int, err error) {
	if !actor.Role.IsStaff() {
		return 0, forbidden("list change requests")
	}
	err = a.db.read(ctx, func(tx changeTx) error {
		n, err = tx.CountChanges(ctx, f)
		return err
	})
	return n, err
}

// IncidentChanges lists the change requests linked to an incident the actor may see,
// newest first: in full for staff (summaries with number), and for a client only the
// title and state of each.
func (a *Changes) ForIncident(ctx context.Context, actor desk.Actor, incidentID int64) (out []desk.ChangeSummary, err error) {
	err = a.db.read(ctx, func(tx changeTx) error {
		if _, err := visibleIncident(ctx, tx, actor, incidentID); err != nil {
			return err
		}
		cs, err := tx.Changes(ctx, desk.ChangeFilter{IncidentID: incidentID, Limit: 500})
		if err != nil {
			return err
		}
		out = make([]desk.ChangeSummary, len(cs))
		for i := range cs {
			out[i] = cs[i].Summary(!actor.Role.IsStaff())
		}
		return nil
	})
	return out, err
}

// ChangePatch holds the fields the desk changes; nil leaves a field as it is. Version,
// when set, must be the version the change was based on.
type ChangePatch struct {
	Title       *string `json:"title"`
	Description *string `json:"description"`
	Version     *int    `json:"version"`
}

// UpdateChange changes the title or description of a change request that is not final;
// the desk may. It is audited; the timelines are not touched.
func (a *Changes) Update(ctx context.Context, actor desk.Actor, id int64, p ChangePatch) (c desk.ChangeRequest, err error) {
	now := a.clock()
	err = a.db.write(ctx, func(tx changeTx) error {
		if c, err = visibleChange(ctx, tx, actor, id); err != nil {
			return err
		}
		if err := requireDesk(actor, "change change requests"); err != nil {
			return err
		}
		if err := checkChangeVersion(c, p.Version); err != nil {
			return err
		}
		if c.State.Final() {
			return desk.Errorf(desk.ECONFLICT, "a change request that is %s cannot be changed", c.State)
		}
		before := c
		set(&c.Title, p.Title)
		set(&c.Description, p.Description)
		if err := c.Validate(); err != nil {
			return err
		}
		c.UpdatedAt = now
		if err := tx.UpdateChange(ctx, &c); err != nil {
			return err
		}
		return audit(ctx, tx, actor, now, "change_request", c.ID, nil, "update", before, c)
	})
	return c, err
}

func checkChangeVersion(c desk.ChangeRequest, v *int) error {
	if v != nil && *v != c.Version {
		return desk.Errorf(desk.ECONFLICT, "the change request was changed by someone else (version %d, you have %d); reload and try again", c.Version, *v)
	}
	return nil
}

// TransitionChange moves a change request along its state machine (requested → approved
// or rejected; approved → implemented), with an optional reason; the desk may. The decision
// is kept with the change request, each linked incident's timeline tells its client, and
// the audit log records it, in one transaction.
func (a *Changes) Transition(ctx context.Context, actor desk.Actor, id int64, t desk.ChangeTransition) (c desk.ChangeRequest, err error) {
	now := a.clock()
	err = a.db.write(ctx, func(tx changeTx) error {
		if c, err = visibleChange(ctx, tx, actor, id); err != nil {
			return err
		}
		if err := requireDesk(actor, "decide on change requests"); err != nil {
			return err
		}
		from := c.State
		if err := desk.CheckChangeTransition(from, &t); err != nil {
			return err
		}
		before := c
		c.State, c.UpdatedAt = t.To, now
		switch t.To {
		case desk.ChangeApproved, desk.ChangeRejected:
			c.DecidedAt = &now
		case desk.ChangeImplemented:
			c.ImplementedAt = &now
		}
		if err := tx.UpdateChange(ctx, &c); err != nil {
			return err
		}
		d := desk.ChangeDecision{ChangeID: c.ID, From: from, To: t.To, Reason: t.Reason, ActorName: actor.Name, CreatedAt: now}
		if actor.UserID != 0 {
			d.ActorID = ptr(actor.UserID)
		}
		if err := tx.AddChangeDecision(ctx, &d); err != nil {
			return err
		}
		c.Decisions = append(c.Decisions, d)
		for _, incID := range c.IncidentIDs {
			inc, err := tx.Incident(ctx, incID)
			if err != nil {
				return err
			}
			if err := changeEntry(ctx, tx, actor, inc, c, desk.ChangeEvent(t.To), now); err != nil {
				return err
			}
		}
		if err := a.publishChange(ctx, tx, desk.EventChangeStateChanged, actor, c, now, from, t.To); err != nil {
			return err
		}
		after := map[string]any{"state": c.State, "reason": t.Reason, "decided_at": c.DecidedAt, "implemented_at": c.ImplementedAt}
		return audit(ctx, tx, actor, now, "change_request", c.ID, nil, "transition",
			map[string]any{"state": before.State, "reason": "", "decided_at": before.DecidedAt, "implemented_at": before.ImplementedAt}, after)
	})
	return c, err
}

// LinkChange links one more incident to a change request; the desk may, in any state of
// the change request (a new incident may be fixed by a change already implemented). The
// incident's timeline says so.
func (a *Changes) Link(ctx context.Context, actor desk.Actor, id, incidentID int64) (c desk.ChangeRequest, err error) {
	return a.relink(ctx, actor, id, incidentID, true)
}

// UnlinkChange removes an incident from a change request; the desk may, as long as another
// incident stays linked. The incident's timeline says so.
func (a *Changes) Unlink(ctx context.Context, actor desk.Actor, id, incidentID int64) (c desk.ChangeRequest, err error) {
	return a.relink(ctx, actor, id, incidentID, false)
}

func (a *Changes) relink(ctx context.Context, actor desk.Actor, id, incidentID int64, link bool) (c desk.ChangeRequest, err error) {
	now := a.clock()
	err = a.db.write(ctx, func(tx changeTx) error {
		if c, err = visibleChange(ctx, tx, actor, id); err != nil {
			return err
		}
		inc, err := visibleIncident(ctx, tx, actor, incidentID)
		if err != nil {
			return err
		}
		if err := requireDesk(actor, "link incidents to change requests"); err != nil {
			return err
		}
		before := c
		var event, action string
		if link {
			if slices.Contains(c.IncidentIDs, inc.ID) {
				return desk.Errorf(desk.ECONFLICT, "the incident is linked to this change request already")
			}
			if err := tx.LinkChange(ctx, c.ID, inc.ID, now); err != nil {
				return err
			}
			c.IncidentIDs = sortedIDs(append(c.IncidentIDs, inc.ID))
			event, action = desk.EventChangeLinked, "link"
		} else {
			if !slices.Contains(c.IncidentIDs, inc.ID) {
				return desk.Errorf(desk.ENOTFOUND, "the incident is not linked to this change request")
			}
			if len(c.IncidentIDs) == 1 {
				return desk.Errorf(desk.ECONFLICT, "a change request stays linked to at least one incident; link another one first")
			}
			if err := tx.UnlinkChange(ctx, c.ID, inc.ID); err != nil {
				return err
			}
			c.IncidentIDs = slices.DeleteFunc(slices.Clone(c.IncidentIDs), func(x int64) bool { return x == inc.ID })
			event, action = desk.EventChangeUnlinked, "unlink"
		}
		c.UpdatedAt = now
		if err := tx.UpdateChange(ctx, &c); err != nil {
			return err
		}
		if err := changeEntry(ctx, tx, actor, inc, c, event, now); err != nil {
			return err
		}
		return audit(ctx, tx, actor, now, "change_request", c.ID, &inc.OrgID, action,
			map[string]any{"incident_ids": before.IncidentIDs}, map[string]any{"incident_ids": c.IncidentIDs})
	})
	return c, err
}

// sortedIDs returns ids sorted, without duplicates.
func sortedIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}
