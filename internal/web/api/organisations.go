package api

import (
	"net/http"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// organisationInput is the body of POST /organisations.
type organisationInput struct {
	Name string       `json:"name"`
	Slug string       `json:"slug"`
	Kind desk.OrgKind `json:"kind"`
}

func (a *api) listOrganisations(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	kind := q.oneOf("kind", []string{string(desk.OrgProvider), string(desk.OrgClient)})
	if err := q.Err(); err != nil {
		return err
	}
	os, err := a.svc.organisations.List(r.Context(), actor(r), desk.OrgKind(kind))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(os))
}

func (a *api) createOrganisation(w http.ResponseWriter, r *http.Request) error {
	var in organisationInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	o, err := a.svc.organisations.Create(r.Context(), actor(r), desk.Organisation{Name: in.Name, Slug: in.Slug, Kind: in.Kind})
	if err != nil {
		return err
	}
	return a.created(w, Prefix+"/organisations/"+desk.FormatInt(o.ID), o)
}

func (a *api) getOrganisation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "organisation")
	if err != nil {
		return err
	}
	o, err := a.svc.organisations.Get(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, o)
}

func (a *api) updateOrganisation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "organisation")
	if err != nil {
		return err
	}
	var p app.OrganisationPatch
	if err := decode(w, r, &p); err != nil {
		return err
	}
	o, err := a.svc.organisations.Update(r.Context(), actor(r), id, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, o)
}
