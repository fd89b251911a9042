package api

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// Change requests: the desk creates, edits and decides them and links incidents; staff read
// them; a client reads only the title and state of those linked to its own incidents,
// through GET /api/v1/incidents/{id}/changes, and every other route answers it 404.

func changePath(id int64) string { return Prefix + "/changes/" + desk.FormatInt(id) }

// changeID reads a change request's {id}: 12 or its number, CHG-000012.
func changeID(r *http.Request) (int64, error) {
	id, ok := parseRef(r.PathValue("id"), desk.ChangeNumberPrefix)
	if !ok {
		return 0, desk.NotFound("change request")
	}
	return id, nil
}

// linkedIncidentID reads the {incident} of a link route: 123 or INC-000123.
func linkedIncidentID(r *http.Request) (int64, error) {
	id, ok := parseRef(r.PathValue("incident"), desk.NumberPrefix)
	if !ok {
		return 0, desk.NotFound("incident")
	}
	return id, nil
}

// changeStates reads change request states, repeated (state=a&state=b) or comma-separated.
func (q *query) changeStates(name string) []desk.ChangeState {
	var out []desk.ChangeState
	for _, v := range q.v[name] {
		for s := range strings.SplitSeq(v, ",") {
			s = strings.TrimSpace(s)
			if !slices.Contains(desk.ChangeStateNames(), s) {
				q.Add(name, "one_of", "must be one or more of: %s", strings.Join(desk.ChangeStateNames(), ", "))
				return nil
			}
			out = append(out, desk.ChangeState(s))
		}
	}
	return out
}

func (a *api) listChanges(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := desk.ChangeFilter{
		States:     q.changeStates("state"),
		IncidentID: q.id("incident_id"),
		Limit:      q.limit(),
		After:      q.cursor(),
	}
	if err := q.Err(); err != nil {
		return err
	}
	ctx, act := r.Context(), actor(r)
	p, err := a.svc.changes.List(ctx, act, f)
	if err != nil {
		return err
	}
	f.After, f.Limit = 0, 0 // the total counts every page
	total, err := a.svc.changes.Count(ctx, act, f)
	if err != nil {
		return err
	}
	out := pageOf(p.Items, p.Next)
	out.Total = &total
	return writeJSON(w, http.StatusOK, out)
}

func (a *api) createChange(w http.ResponseWriter, r *http.Request) error {
	var in app.ChangeInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := a.svc.changes.Create(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	return a.created(w, changePath(c.ID), c)
}

func (a *api) getChange(w http.ResponseWriter, r *http.Request) error {
	id, err := changeID(r)
	if err != nil {
		return err
	}
	c, err := a.svc.changes.Get(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

func (a *api) updateChange(w http.ResponseWriter, r *http.Request) error {
	id, err := changeID(r)
	if err != nil {
		return err
	}
	var p app.ChangePatch
	if err := decode(w, r, &p); err != nil {
		return err
	}
	c, err := a.svc.changes.Update(r.Context(), actor(r), id, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

func (a *api) transitionChange(w http.ResponseWriter, r *http.Request) error {
	id, err := changeID(r)
	if err != nil {
		return err
	}
	var t desk.ChangeTransition
	if err := decode(w, r, &t); err != nil {
		return err
	}
	c, err := a.svc.changes.Transition(r.Context(), actor(r), id, t)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

func (a *api) linkChange(w http.ResponseWriter, r *http.Request) error {
	return a.relinkChange(w, r, a.svc.changes.Link)
}

func (a *api) unlinkChange(w http.ResponseWriter, r *http.Request) error {
	return a.relinkChange(w, r, a.svc.changes.Unlink)
}

// relinkChange links or unlinks the {incident} of the path and answers the change request.
func (a *api) relinkChange(w http.ResponseWriter, r *http.Request,
	do func(ctx context.Context, actor desk.Actor, id, incidentID int64) (desk.ChangeRequest, error)) error {
	id, err := changeID(r)
	if err != nil {
		return err
	}
	inc, err := linkedIncidentID(r)
	if err != nil {
		return err
	}
	c, err := do(r.Context(), actor(r), id, inc)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

func (a *api) listIncidentChanges(w http.ResponseWriter, r *http.Request) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	cs, err := a.svc.changes.ForIncident(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(cs))
}
