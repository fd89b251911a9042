package api

import (
	"net/http"
	"strconv"

	"meldpunt/internal/app"
)

// The desk's message templates for status-page updates (issue 11, point 5).

func (a *api) listStatusTemplates(w http.ResponseWriter, r *http.Request) error {
	ts, err := a.svc.statusTemplates.List(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(ts))
}

func (a *api) createStatusTemplate(w http.ResponseWriter, r *http.Request) error {
	var in app.StatusTemplateInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	t, err := a.svc.statusTemplates.Create(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	return a.created(w, Prefix+"/status-templates/"+strconv.FormatInt(t.ID, 10), t)
}

func (a *api) getStatusTemplate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "status template")
	if err != nil {
		return err
	}
	t, err := a.svc.statusTemplates.Get(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}

func (a *api) updateStatusTemplate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "status template")
	if err != nil {
		return err
	}
	var in app.StatusTemplateInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	t, err := a.svc.statusTemplates.Update(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}

func (a *api) deleteStatusTemplate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "status template")
	if err != nil {
		return err
	}
	if err := a.svc.statusTemplates.Delete(r.Context(), actor(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
