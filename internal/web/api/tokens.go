package api

import (
	"net/http"

	"meldpunt/internal/desk"
)

// tokenInput is the body of POST /tokens; the name defaults to "API token".
type tokenInput struct {
	Name string `json:"name"`
}

// newToken is a token as created: with its secret, shown this once.
type newToken struct {
	desk.Token
	Secret string `json:"token"`
}

func (a *api) listTokens(w http.ResponseWriter, r *http.Request) error {
	ts, err := a.svc.identity.Tokens(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(ts))
}

func (a *api) createToken(w http.ResponseWriter, r *http.Request) error {
	var in tokenInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	act := actor(r)
	secret, t, err := a.svc.identity.CreateToken(r.Context(), act, act.UserID, in.Name)
	if err != nil {
		return err
	}
	return a.created(w, Prefix+"/tokens/"+desk.FormatInt(t.ID), newToken{Token: t, Secret: secret})
}

func (a *api) deleteToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "token")
	if err != nil {
		return err
	}
	if err := a.svc.identity.DeleteToken(r.Context(), actor(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
