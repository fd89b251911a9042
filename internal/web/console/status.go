package console

import (
	"net/http"

	"meldpunt/internal/desk"
)

// The public status page (issue 11, docs/status-page.md "The page"): /status, no sign-in,
// in Dutch and English. It shows the provider's name, one banner from the page indicator
// the /api/v2 documents carry, and the public component groups and components with their
// status in words and a sign that is not a colour. It reads what it shows in one read of
// the public components (app.Components.Public): no query per component. A clients-only
// component never reaches it.

// statusData is the status page's own data.
type statusData struct {
	Name string
	// Heading is the page's title as an admin set it, or "<provider> status" by default.
	Heading string
	// Brand is the page's branding and settings (statusbrand.go).
	Brand     statusBrand
	Indicator desk.Indicator
	// Loose are the public components outside any group; Groups the groups that hold any.
	Loose  []statusComponent
	Groups []statusGroup
	// Incidents are the public incidents, maintenance and last days (statuspublic.go).
	Incidents statusIncidents
}

type statusGroup struct {
	Name       string
	Status     statusMark
	Components []statusComponent
}

type statusComponent struct {
	Name        string
	Description string
	Status      statusMark
	// Own marks a clients-only component on a client's signed-in view (servicestatus.go).
	Own bool
	// Uptime is the component's bar of the last 90 days (statusbrand.go).
	Uptime uptimeBar
}

// statusMark is a status as the page shows it: its words (the catalog's
// status.component.<status>), a sign that is not a colour, and the badge's colour class.
type statusMark struct {
	Status desk.ComponentStatus
	Icon   string
	Class  string
}

func markOf(s desk.ComponentStatus) statusMark {
	switch s {
	case desk.StatusOperational:
		return statusMark{s, "✓", "closed"}
	case desk.StatusDegradedPerformance:
		return statusMark{s, "!", "P2"}
	case desk.StatusPartialOutage:
		return statusMark{s, "✕", "P2"}
	case desk.StatusMajorOutage:
		return statusMark{s, "✕", "urgent"}
	}
	return statusMark{s, "⚙", ""} // under maintenance
}

// status shows the public status page.
func (h *handler) status(w http.ResponseWriter, r *http.Request) error {
	p, err := h.svc.components.Public(r.Context())
	if err != nil {
		return err
	}
	brand, err := h.svc.branding.Page(r.Context())
	if err != nil {
		return err
	}
	ids := make([]int64, len(p.Components))
	for i, c := range p.Components {
		ids[i] = c.ID
	}
	uptime, err := h.svc.components.Uptime(r.Context(), ids, brand.Settings.Zone())
	if err != nil {
		return err
	}
	v := newView(r, h.rd, "status.title")
	d := statusData{Name: brand.Settings.Title, Heading: brand.Settings.Title, Brand: brandFor(v, brand)}
	if brand.Stored.Title == "" {
		d.Heading = v.T("status.heading", d.Name)
	}
	groups, statuses := groupStatus(p.Groups, p.Components, func(c desk.Component) statusComponent {
		return statusComponent{Name: c.Name, Description: c.Description, Status: markOf(c.Status),
			Uptime: uptimeBarFor(v, c.Name, uptime[c.ID])}
	})
	d.Loose, d.Groups = groups.Loose, groups.Groups
	// The banner counts the open incidents' impact and active maintenance, as /api/v2 does.
	d.Indicator = desk.PageIndicatorWith(statuses, p.Open)
	pg, err := h.svc.publicIncidents.Page(r.Context(), brand.Settings.HistoryDays)
	if err != nil {
		return err
	}
	d.Incidents = h.statusIncidentsFor(v, pg, brand.Settings.HistoryDays, d.Brand.Zone)
	v.Data = d
	// The language follows the browser's Accept-Language and the lang cookie.
	w.Header().Add("Vary", "Accept-Language, Cookie")
	h.rd.render(w, r, h.log, http.StatusOK, "status", v)
	return nil
}
