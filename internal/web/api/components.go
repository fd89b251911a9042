package api

import (
	"net/http"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// groupInput is the body of POST /component-groups.
type groupInput struct {
	Name     string `json:"name"`
	Position int    `json:"position"`
}

// componentInput is the body of POST /components.
type componentInput struct {
	GroupID     *int64                   `json:"group_id"`
	Name        string                   `json:"name"`
	Description string                   `json:"description"`
	Position    int                      `json:"position"`
	ClientIDs   []int64                  `json:"client_ids"`
	Status      desk.ComponentStatus     `json:"status"`
	Visibility  desk.ComponentVisibility `json:"visibility"`
}

func (a *api) listComponentGroups(w http.ResponseWriter, r *http.Request) error {
	gs, err := a.svc.components.Groups(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(gs))
}

func (a *api) createComponentGroup(w http.ResponseWriter, r *http.Request) error {
	var in groupInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	g, err := a.svc.components.CreateGroup(r.Context(), actor(r), desk.ComponentGroup{Name: in.Name, Position: in.Position})
	if err != nil {
		return err
	}
	// Groups have no address of their own; the list holds them.
	return a.created(w, Prefix+"/component-groups", g)
}

func (a *api) listComponents(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	client := q.id("client_id")
	if err := q.Err(); err != nil {
		return err
	}
	cs, err := a.svc.components.List(r.Context(), actor(r), client)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(cs))
}

func (a *api) createComponent(w http.ResponseWriter, r *http.Request) error {
	var in componentInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c := desk.Component{GroupID: in.GroupID, Name: in.Name, Description: in.Description, Position: in.Position, ClientIDs: in.ClientIDs, Status: in.Status, Visibility: in.Visibility}
	c, err := a.svc.components.Create(r.Context(), actor(r), c)
	if err != nil {
		return err
	}
	return a.created(w, Prefix+"/components/"+desk.FormatInt(c.ID), c)
}

func (a *api) getComponent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "component")
	if err != nil {
		return err
	}
	c, err := a.svc.components.Get(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

// componentStatusHistory lists a component's status changes, oldest first: what its uptime
// is computed from. Staff only; anyone else learns nothing (404).
func (a *api) componentStatusHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "component")
	if err != nil {
		return err
	}
	hs, err := a.svc.components.StatusHistory(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(hs))
}

func (a *api) updateComponent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "component")
	if err != nil {
		return err
	}
	var p app.ComponentPatch
	if err := decode(w, r, &p); err != nil {
		return err
	}
	c, err := a.svc.components.Update(r.Context(), actor(r), id, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

// statusInput is the body of PUT /components/{id}/status.
type statusInput struct {
	Status desk.ComponentStatus `json:"status"`
}

// setComponentStatus lets the desk (agents and admins) set a component's status.
func (a *api) setComponentStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "component")
	if err != nil {
		return err
	}
	var in statusInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := a.svc.components.SetStatus(r.Context(), actor(r), id, in.Status)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

func (a *api) deleteComponent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "component")
	if err != nil {
		return err
	}
	if err := a.svc.components.Delete(r.Context(), actor(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
