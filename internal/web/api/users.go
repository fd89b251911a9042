package api

import (
	"net/http"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// meAnswer is the answer of GET /me: who the credentials belong to.
type meAnswer struct {
	User         desk.User         `json:"user"`
	Role         desk.Role         `json:"role"`
	Organisation desk.Organisation `json:"organisation"`
}

func (a *api) me(w http.ResponseWriter, r *http.Request) error {
	act := actor(r)
	u, err := a.svc.identity.User(r.Context(), act, act.UserID)
	if err != nil {
		return err
	}
	o, err := a.svc.organisations.Get(r.Context(), act, u.OrgID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, meAnswer{User: u, Role: u.Role, Organisation: o})
}

func (a *api) listUsers(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := app.UserFilter{OrgID: q.id("organisation_id"), Role: desk.Role(q.oneOf("role", desk.RoleNames()))}
	if err := q.Err(); err != nil {
		return err
	}
	us, err := a.svc.identity.Users(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(us))
}

func (a *api) createUser(w http.ResponseWriter, r *http.Request) error {
	var in app.UserInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	u, err := a.svc.identity.CreateUser(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	return a.created(w, Prefix+"/users/"+desk.FormatInt(u.ID), u)
}

func (a *api) getUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "user")
	if err != nil {
		return err
	}
	u, err := a.svc.identity.User(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, u)
}

func (a *api) updateUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "user")
	if err != nil {
		return err
	}
	var p app.UserPatch
	if err := decode(w, r, &p); err != nil {
		return err
	}
	u, err := a.svc.identity.UpdateUser(r.Context(), actor(r), id, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, u)
}
