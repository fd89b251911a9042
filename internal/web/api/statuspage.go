package api

import (
	"net/http"
	"time"
	_ "time/tzdata" // Europe/Amsterdam, even on hosts without a time zone database

	"meldpunt/internal/desk"
)

// The Statuspage-compatible read API (issue 11): /api/v2/components.json, status.json,
// summary.json, incidents.json (and /unresolved) and scheduled-maintenances.json (and
// /upcoming, /active), with Atlassian Statuspage's field names, nesting and value sets, so tools
// that follow a Statuspage page follow a Meldpunt page unchanged. No sign-in; CORS is open.
// Only public components appear. Ids are strings, as Statuspage's are: "c<id>" for a
// component and "g<id>" for a group, since Statuspage keeps both in one id space.

// spPageID is the page's id in every document: one Meldpunt serves one status page.
const spPageID = "meldpunt"

// spTime is the format of Statuspage's timestamps: milliseconds, the page's zone offset.
const spTime = "2006-01-02T15:04:05.000Z07:00"

type spPage struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	URL       string `json:"url"`
	TimeZone  string `json:"time_zone"`
	UpdatedAt string `json:"updated_at"`
}

type spComponent struct {
	ID                 string    `json:"id"`
	Name               string    `json:"name"`
	Status             string    `json:"status"`
	CreatedAt          string    `json:"created_at"`
	UpdatedAt          string    `json:"updated_at"`
	Position           int       `json:"position"`
	Description        *string   `json:"description"`
	Showcase           bool      `json:"showcase"`
	StartDate          *string   `json:"start_date"`
	GroupID            *string   `json:"group_id"`
	PageID             string    `json:"page_id"`
	Group              bool      `json:"group"`
	OnlyShowIfDegraded bool      `json:"only_show_if_degraded"`
	Components         *[]string `json:"components,omitempty"`
}

type spStatus struct {
	Indicator   string `json:"indicator"`
	Description string `json:"description"`
}

// spDoc is a Statuspage document; each route fills the parts it serves.
type spDoc struct {
	Page                  spPage         `json:"page"`
	Components            *[]spComponent `json:"components,omitempty"`
	Incidents             *[]any         `json:"incidents,omitempty"`
	ScheduledMaintenances *[]any         `json:"scheduled_maintenances,omitempty"`
	Status                *spStatus      `json:"status,omitempty"`
}

// statusPageDoc builds the parts every v2 document is made of.
func (a *api) statusPageDoc(r *http.Request) (spPage, []spComponent, spStatus, error) {
	p, err := a.svc.components.Public(r.Context())
	if err != nil {
		return spPage{}, nil, spStatus{}, err
	}
	// The page's name and time zone are the status page settings' (app.Branding).
	brand, err := a.svc.branding.Page(r.Context())
	if err != nil {
		return spPage{}, nil, spStatus{}, err
	}
	zone := brand.Settings.Zone()
	stamp := func(t time.Time) string { return t.In(zone).Format(spTime) }
	var updated time.Time
	statuses := make([]desk.ComponentStatus, 0, len(p.Components))
	members := map[int64][]desk.Component{}
	for _, c := range p.Components {
		statuses = append(statuses, c.Status)
		if c.UpdatedAt.After(updated) {
			updated = c.UpdatedAt
		}
		if c.GroupID != nil {
			members[*c.GroupID] = append(members[*c.GroupID], c)
		}
	}
	if updated.IsZero() {
		updated = time.Unix(0, 0)
	}
	out := []spComponent{}
	for _, g := range p.Groups {
		ms := members[g.ID]
		ids := []string{}
		gs := make([]desk.ComponentStatus, 0, len(ms))
		created, changed := ms[0].CreatedAt, ms[0].UpdatedAt
		for _, c := range ms {
			ids = append(ids, "c"+desk.FormatInt(c.ID))
			gs = append(gs, c.Status)
			if c.CreatedAt.Before(created) {
				created = c.CreatedAt
			}
			if c.UpdatedAt.After(changed) {
				changed = c.UpdatedAt
			}
		}
		out = append(out, spComponent{ID: "g" + desk.FormatInt(g.ID), Name: g.Name,
			Status: string(desk.WorstStatus(gs)), CreatedAt: stamp(created), UpdatedAt: stamp(changed),
			Position: g.Position, PageID: spPageID, Group: true, Components: &ids})
	}
	for _, c := range p.Components {
		sc := spComponent{ID: "c" + desk.FormatInt(c.ID), Name: c.Name, Status: string(c.Status),
			CreatedAt: stamp(c.CreatedAt), UpdatedAt: stamp(c.UpdatedAt), Position: c.Position,
			PageID: spPageID}
		if c.Description != "" {
			d := c.Description
			sc.Description = &d
		}
		if c.GroupID != nil {
			g := "g" + desk.FormatInt(*c.GroupID)
			sc.GroupID = &g
		}
		out = append(out, sc)
	}
	ind := desk.PageIndicator(statuses)
	page := spPage{ID: spPageID, Name: brand.Settings.Title, URL: a.base + "/status", TimeZone: zone.String(), UpdatedAt: stamp(updated)}
	return page, out, spStatus{Indicator: string(ind), Description: desk.IndicatorDescription(ind)}, nil
}

// writeStatusPage answers a v2 document, open to every origin.
func writeStatusPage(w http.ResponseWriter, doc spDoc) error {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	return writeJSON(w, http.StatusOK, doc)
}

func (a *api) v2Components(w http.ResponseWriter, r *http.Request) error {
	page, cs, _, err := a.statusPageDoc(r)
	if err != nil {
		return err
	}
	return writeStatusPage(w, spDoc{Page: page, Components: &cs})
}

func (a *api) v2Status(w http.ResponseWriter, r *http.Request) error {
	page, _, st, err := a.statusPageDoc(r)
	if err != nil {
		return err
	}
	return writeStatusPage(w, spDoc{Page: page, Status: &st})
}

func (a *api) v2Summary(w http.ResponseWriter, r *http.Request) error {
	page, cs, st, err := a.statusPageDoc(r)
	if err != nil {
		return err
	}
	none, nothing := []any{}, []any{}
	return writeStatusPage(w, spDoc{Page: page, Components: &cs, Incidents: &none, ScheduledMaintenances: &nothing, Status: &st})
}

// The incident and maintenance documents: the page and an empty list until public incidents
// and scheduled maintenance exist, in Statuspage's shape ({"page":…,"incidents":[]} or
// {"page":…,"scheduled_maintenances":[]}), so a client that polls them already works.

func (a *api) v2Incidents(w http.ResponseWriter, r *http.Request) error {
	page, _, _, err := a.statusPageDoc(r)
	if err != nil {
		return err
	}
	none := []any{}
	return writeStatusPage(w, spDoc{Page: page, Incidents: &none})
}

func (a *api) v2Maintenances(w http.ResponseWriter, r *http.Request) error {
	page, _, _, err := a.statusPageDoc(r)
	if err != nil {
		return err
	}
	none := []any{}
	return writeStatusPage(w, spDoc{Page: page, ScheduledMaintenances: &none})
}
