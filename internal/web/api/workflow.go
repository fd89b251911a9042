package api

import (
	"net/http"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

func (a *api) transitionIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	var t desk.Transition
	if err := decode(w, r, &t); err != nil {
		return err
	}
	inc, err := a.svc.incidents.Transition(r.Context(), actor(r), id, t)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, inc)
}

func (a *api) listEntries(w http.ResponseWriter, r *http.Request) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	es, err := a.svc.incidents.Timeline(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(es))
}

func (a *api) addEntry(w http.ResponseWriter, r *http.Request) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	var in app.EntryInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	e, err := a.svc.incidents.AddEntry(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	// Entries have no address of their own; the timeline holds them.
	return a.created(w, incidentPath(id)+"/entries", e)
}

func (a *api) assignIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := incidentID(r)
	if err != nil {
		return err
	}
	var as app.Assignment
	if err := decode(w, r, &as); err != nil {
		return err
	}
	inc, err := a.svc.incidents.Assign(r.Context(), actor(r), id, as)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, inc)
}
