package api

import (
	"net/http"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// MaxQuery caps the q filter of the incident list, in characters.
const MaxQuery = desk.MaxQuery

func (a *api) listIncidents(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := desk.IncidentFilter{
		OrgID:      q.id("organisation_id"),
		ReporterID: q.id("reporter_id"),
		OwnerID:    q.id("owner_id"),
		AssigneeID: q.id("assignee_id"),
		SupplierID: q.id("supplier_id"),
		States:     q.states("state"),
		Open:       q.bool("open"),
		Kind:       desk.Kind(q.oneOf("kind", []string{string(desk.KindUrgent), string(desk.KindRegular)})),
		Channel:    desk.Channel(q.oneOf("channel", channelNames())),
		Priority:   q.priority("priority"),
		Query:      q.text("q", MaxQuery),
		Limit:      q.limit(),
		After:      q.cursor(),
	}
	if err := q.Err(); err != nil {
		return err
	}
	ctx, act := r.Context(), actor(r)
	p, err := a.svc.incidents.List(ctx, act, f)
	if err != nil {
		return err
	}
	f.After, f.Limit = 0, 0 // the total counts every page
	total, err := a.svc.incidents.Count(ctx, act, f)
	if err != nil {
		return err
	}
	out := pageOf(p.Items, p.Next)
	out.Total = &total
	return writeJSON(w, http.StatusOK, out)
}

func channelNames() []string {
	out := make([]string, len(desk.Channels))
	for i, c := range desk.Channels {
		out[i] = string(c)
	}
	return out
}

func (a *api) createIncident(w http.ResponseWriter, r *http.Request) error {
	var in app.IncidentInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	inc, err := a.svc.incidents.Create(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	return a.created(w, incidentPath(inc.ID), inc)
}

func incidentPath(id int64) string { return Prefix + "/incidents/" + desk.FormatInt(id) }

func (a *api) getIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	inc, err := a.svc.incidents.Get(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, inc)
}

func (a *api) updateIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	var p app.IncidentPatch
	if err := decode(w, r, &p); err != nil {
		return err
	}
	inc, err := a.svc.incidents.Update(r.Context(), actor(r), id, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, inc)
}
