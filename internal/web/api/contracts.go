package api

import (
	"net/http"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// targetInput is one priority's target as clients send it. The priority is read here, not
// by desk.Priority's text decoding, so a wrong value is reported by desk validation with
// its field (targets[2].priority) instead of as an anonymous decoding error.
type targetInput struct {
	Priority         string `json:"priority"`
	FirstResponseMin int    `json:"first_response_minutes"`
	ResolutionMin    int    `json:"resolution_minutes"`
}

// contractInput is the body of POST /contracts. Active defaults to true.
type contractInput struct {
	OrgID          int64             `json:"organisation_id"`
	Name           string            `json:"name"`
	SupportHours   desk.SupportHours `json:"support_hours"`
	UrgentHours    desk.SupportHours `json:"urgent_support_hours"`
	CoversUrgent   bool              `json:"covers_urgent"`
	AutoCloseHours int               `json:"auto_close_hours"`
	Targets        []targetInput     `json:"targets"`
	Active         *bool             `json:"active"`
}

// contractPatch is app.ContractPatch with targets as clients send them.
type contractPatch struct {
	Name           *string            `json:"name"`
	SupportHours   *desk.SupportHours `json:"support_hours"`
	UrgentHours    *desk.SupportHours `json:"urgent_support_hours"`
	CoversUrgent   *bool              `json:"covers_urgent"`
	AutoCloseHours *int               `json:"auto_close_hours"`
	Targets        *[]targetInput     `json:"targets"`
	Active         *bool              `json:"active"`
}

// targets converts targets; an unknown priority becomes 0, which desk validation names.
func targets(in []targetInput) []desk.Target {
	if in == nil {
		return nil
	}
	out := make([]desk.Target, len(in))
	for i, t := range in {
		var p desk.Priority
		if p.UnmarshalText([]byte(t.Priority)) != nil {
			p = 0
		}
		out[i] = desk.Target{Priority: p, FirstResponseMin: t.FirstResponseMin, ResolutionMin: t.ResolutionMin}
	}
	return out
}

func (a *api) listContracts(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	org := q.id("organisation_id")
	if err := q.Err(); err != nil {
		return err
	}
	cs, err := a.svc.organisations.Contracts(r.Context(), actor(r), org)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(cs))
}

func (a *api) createContract(w http.ResponseWriter, r *http.Request) error {
	var in contractInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c := desk.Contract{
		OrgID: in.OrgID, Name: in.Name, SupportHours: in.SupportHours, UrgentHours: in.UrgentHours,
		CoversUrgent: in.CoversUrgent, AutoCloseHours: in.AutoCloseHours, Targets: targets(in.Targets),
		Active: in.Active == nil || *in.Active,
	}
	c, err := a.svc.organisations.CreateContract(r.Context(), actor(r), c)
	if err != nil {
		return err
	}
	return a.created(w, Prefix+"/contracts/"+desk.FormatInt(c.ID), c)
}

func (a *api) getContract(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "contract")
	if err != nil {
		return err
	}
	c, err := a.svc.organisations.Contract(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

func (a *api) updateContract(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "contract")
	if err != nil {
		return err
	}
	var in contractPatch
	if err := decode(w, r, &in); err != nil {
		return err
	}
	p := app.ContractPatch{
		Name: in.Name, SupportHours: in.SupportHours, UrgentHours: in.UrgentHours, CoversUrgent: in.CoversUrgent,
		AutoCloseHours: in.AutoCloseHours, Active: in.Active,
	}
	if in.Targets != nil {
		ts := targets(*in.Targets)
		if ts == nil {
			ts = []desk.Target{}
		}
		p.Targets = &ts
	}
	c, err := a.svc.organisations.UpdateContract(r.Context(), actor(r), id, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}
