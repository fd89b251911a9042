package console

import (
	"net/http"

	"meldpunt/internal/desk"
)

// The signed-in status view (docs/status-page.md "Your own status, signed in"):
// GET /service-status. A client sees the public components and the clients-only ones linked
// to its organisation, grouped like /status under the same banner logic, and the open
// incidents it may see with the next step in words, each linked to its page. Staff see the
// public view (app.Components.StatusView decides), and no incident list: the queue is theirs.

// serviceStatusData is the view's own data.
type serviceStatusData struct {
	statusData
	Client bool
	// Incidents are the open incidents, newest first; More tells that the list was cut.
	Incidents []serviceIncident
	More      bool
}

type serviceIncident struct {
	desk.Incident
	Next desk.NextStep
}

// groupStatus sorts components into the page's groups (and those outside any group), each
// shown as item makes it, a group with the worst status of its members; it also returns
// every component's status, for the banner. /status and the signed-in view both use it.
func groupStatus(groups []desk.ComponentGroup, cs []desk.Component, item func(desk.Component) statusComponent) (statusData, []desk.ComponentStatus) {
	var d statusData
	statuses := make([]desk.ComponentStatus, 0, len(cs))
	members := map[int64][]statusComponent{}
	for _, c := range cs {
		statuses = append(statuses, c.Status)
		sc := item(c)
		if c.GroupID == nil {
			d.Loose = append(d.Loose, sc)
			continue
		}
		members[*c.GroupID] = append(members[*c.GroupID], sc)
	}
	for _, g := range groups {
		ms := members[g.ID]
		gs := make([]desk.ComponentStatus, 0, len(ms))
		for _, c := range ms {
			gs = append(gs, c.Status.Status)
		}
		d.Groups = append(d.Groups, statusGroup{Name: g.Name, Status: markOf(desk.WorstStatus(gs)), Components: ms})
	}
	return d, statuses
}

// serviceStatus shows the signed-in status view.
func (h *handler) serviceStatus(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	sv, err := h.svc.components.StatusView(r.Context(), a)
	if err != nil {
		return err
	}
	groups, statuses := groupStatus(sv.Groups, sv.Components, func(c desk.Component) statusComponent {
		return statusComponent{Name: c.Name, Description: c.Description, Status: markOf(c.Status), Own: sv.Own[c.ID]}
	})
	groups.Indicator = desk.PageIndicator(statuses)
	d := serviceStatusData{statusData: groups, Client: a.Role.IsClient()}
	brand, err := h.svc.branding.Page(r.Context())
	if err != nil {
		return err
	}
	d.Name = brand.Settings.Title
	if d.Client {
		var is []desk.Incident
		if is, d.More, err = h.svc.incidents.OpenIncidents(r.Context(), a); err != nil {
			return err
		}
		for _, in := range is {
			d.Incidents = append(d.Incidents, serviceIncident{in, desk.NextStepOf(in)})
		}
	}
	v := newView(r, h.rd, "service_status.title")
	v.Nav, v.Data = "service_status", d
	h.rd.render(w, r, h.log, http.StatusOK, "service_status", v)
	return nil
}
