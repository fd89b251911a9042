package api

import (
	"net/http"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// Public incidents and scheduled maintenance for the desk (docs/status-page.md). One
// resource holds both, told apart by kind: they share the model, the timeline and the
// routes, as in Statuspage, where a maintenance is an incident with a window. Agents and
// admins only: clients and experts are refused before the body is read.

// postmortemInput is the body of PUT /public-incidents/{id}/postmortem.
type postmortemInput struct {
	Body desk.Texts `json:"body"`
}

func (a *api) listPublicIncidents(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := app.PublicIncidentFilter{
		Kind:  desk.PublicKind(q.oneOf("kind", []string{string(desk.KindIncident), string(desk.KindMaintenance)})),
		State: app.PublicState(q.oneOf("state", []string{string(app.PublicOpen), string(app.PublicClosed)})),
		Limit: q.limit(),
	}
	if err := q.Err(); err != nil {
		return err
	}
	ps, err := a.svc.publicIncidents.List(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(ps))
}

func (a *api) createPublicIncident(w http.ResponseWriter, r *http.Request) error {
	var in app.NewPublicIncident
	if err := decode(w, r, &in); err != nil {
		return err
	}
	p, err := a.svc.publicIncidents.Create(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	return a.created(w, Prefix+"/public-incidents/"+desk.FormatInt(p.ID), p)
}

func (a *api) getPublicIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "public incident")
	if err != nil {
		return err
	}
	p, err := a.svc.publicIncidents.Get(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (a *api) editPublicIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "public incident")
	if err != nil {
		return err
	}
	var in app.PublicIncidentPatch
	if err := decode(w, r, &in); err != nil {
		return err
	}
	p, err := a.svc.publicIncidents.Edit(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (a *api) postPublicUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "public incident")
	if err != nil {
		return err
	}
	var in desk.UpdateInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	p, err := a.svc.publicIncidents.PostUpdate(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	return a.created(w, Prefix+"/public-incidents/"+desk.FormatInt(p.ID), p)
}

func (a *api) putPostmortem(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "public incident")
	if err != nil {
		return err
	}
	var in postmortemInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	p, err := a.svc.publicIncidents.SetPostmortem(r.Context(), actor(r), id, in.Body)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}
