package api

import (
	"net/http"

	"meldpunt/internal/desk"
)

// GET /api/v1/status: the signed-in status view's twin (docs/status-page.md "Your own
// status, signed in"). A client gets the public components and the clients-only ones linked
// to its organisation, the indicator over all of them, and the open incidents it may see
// with their next step; staff get the public view and no incidents (the queue is theirs).

type myStatus struct {
	Status        spStatus        `json:"status"`
	Groups        []myStatusGroup `json:"groups"`
	Components    []myStatusComp  `json:"components"`
	Incidents     []myStatusInc   `json:"incidents"`
	MoreIncidents bool            `json:"more_incidents"`
}

type myStatusGroup struct {
	ID         int64                `json:"id"`
	Name       string               `json:"name"`
	Status     desk.ComponentStatus `json:"status"`
	Components []int64              `json:"components"`
}

type myStatusComp struct {
	ID          int64                `json:"id"`
	Name        string               `json:"name"`
	Description string               `json:"description"`
	Status      desk.ComponentStatus `json:"status"`
	GroupID     *int64               `json:"group_id"`
	// Own is true for a clients-only component shown because it is linked to the caller's
	// organisation.
	Own bool `json:"own"`
}

type myStatusInc struct {
	ID       int64         `json:"id"`
	Number   string        `json:"number"`
	Title    string        `json:"title"`
	State    desk.State    `json:"state"`
	NextStep desk.NextStep `json:"next_step"`
}

// myStatus answers GET /api/v1/status.
func (a *api) myStatus(w http.ResponseWriter, r *http.Request) error {
	act := actor(r)
	sv, err := a.svc.components.StatusView(r.Context(), act)
	if err != nil {
		return err
	}
	out := myStatus{Groups: []myStatusGroup{}, Components: []myStatusComp{}, Incidents: []myStatusInc{}}
	statuses := make([]desk.ComponentStatus, 0, len(sv.Components))
	members := map[int64][]desk.Component{}
	for _, c := range sv.Components {
		statuses = append(statuses, c.Status)
		out.Components = append(out.Components, myStatusComp{ID: c.ID, Name: c.Name, Description: c.Description,
			Status: c.Status, GroupID: c.GroupID, Own: sv.Own[c.ID]})
		if c.GroupID != nil {
			members[*c.GroupID] = append(members[*c.GroupID], c)
		}
	}
	ind := desk.PageIndicator(statuses)
	out.Status = spStatus{Indicator: string(ind), Description: desk.IndicatorDescription(ind)}
	for _, g := range sv.Groups {
		ids, gs := []int64{}, []desk.ComponentStatus{}
		for _, c := range members[g.ID] {
			ids, gs = append(ids, c.ID), append(gs, c.Status)
		}
		out.Groups = append(out.Groups, myStatusGroup{ID: g.ID, Name: g.Name, Status: desk.WorstStatus(gs), Components: ids})
	}
	if act.Role.IsClient() {
		is, more, err := a.svc.incidents.OpenIncidents(r.Context(), act)
		if err != nil {
			return err
		}
		for _, in := range is {
			out.Incidents = append(out.Incidents, myStatusInc{ID: in.ID, Number: in.Number, Title: in.Title, State: in.State, NextStep: desk.NextStepOf(in)})
		}
		out.MoreIncidents = more
	}
	return writeJSON(w, http.StatusOK, out)
}
