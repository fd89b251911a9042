package api

import (
	"net/http"
	"slices"
	"time"

	"meldpunt/internal/desk"
	"meldpunt/internal/statuspage"
)

// The Statuspage-compatible read API (issue 11): /api/v2/components.json, status.json,
// summary.json, incidents.json (and /unresolved) and scheduled-maintenances.json (and
// /upcoming, /active), with Atlassian Statuspage's field names, nesting and value sets, so tools
// that follow a Statuspage page follow a Meldpunt page unchanged. No sign-in; CORS is open.
// Only public components appear. Ids are strings, as Statuspage's are: "c<id>" for a
// component and "g<id>" for a group, since Statuspage keeps both in one id space.

// spPageID is the page's id in every document: one Meldpunt serves one status page.
const spPageID = statuspage.PageID

type spPage struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	URL       string `json:"url"`
	TimeZone  string `json:"time_zone"`
	UpdatedAt string `json:"updated_at"`
}

// spComponent is a component or a group in Statuspage's shape.
type spComponent = statuspage.Component

type spStatus struct {
	Indicator   string `json:"indicator"`
	Description string `json:"description"`
}

// spDoc is a Statuspage document; each route fills the parts it serves.
type spDoc struct {
	Page                  spPage                 `json:"page"`
	Components            *[]spComponent         `json:"components,omitempty"`
	Incidents             *[]statuspage.Incident `json:"incidents,omitempty"`
	ScheduledMaintenances *[]statuspage.Incident `json:"scheduled_maintenances,omitempty"`
	Status                *spStatus              `json:"status,omitempty"`
}

// spParts are what every v2 document is made of: the page, the components (groups first),
// the indicator, and the open incidents and maintenances in their public view.
type spParts struct {
	page   spPage
	comps  []spComponent
	status spStatus
	open   []desk.PublicIncident
	byID   map[int64]desk.Component
	w      statuspage.Writer
}

// statusPageDoc reads the public components (with their displayed status) and the open
// public incidents, in one read transaction.
func (a *api) statusPageDoc(r *http.Request) (spParts, error) {
	p, err := a.svc.components.Public(r.Context())
	if err != nil {
		return spParts{}, err
	}
	// The page's name and time zone are the status page settings' (app.Branding).
	brand, err := a.svc.branding.Page(r.Context())
	if err != nil {
		return spParts{}, err
	}
	sw := statuspage.NewWriter(a.base)
	sw.Loc = brand.Settings.Zone()
	var updated time.Time
	statuses := make([]desk.ComponentStatus, 0, len(p.Components))
	members := map[int64][]desk.Component{}
	byID := make(map[int64]desk.Component, len(p.Components))
	for _, c := range p.Components {
		statuses = append(statuses, c.Status)
		byID[c.ID] = c
		if c.UpdatedAt.After(updated) {
			updated = c.UpdatedAt
		}
		if c.GroupID != nil {
			members[*c.GroupID] = append(members[*c.GroupID], c)
		}
	}
	for _, o := range p.Open {
		if o.UpdatedAt.After(updated) {
			updated = o.UpdatedAt
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
			ids = append(ids, statuspage.ComponentID(c.ID))
			gs = append(gs, c.Status)
			if c.CreatedAt.Before(created) {
				created = c.CreatedAt
			}
			if c.UpdatedAt.After(changed) {
				changed = c.UpdatedAt
			}
		}
		out = append(out, spComponent{ID: statuspage.GroupID(g.ID), Name: g.Name,
			Status: string(desk.WorstStatus(gs)), CreatedAt: sw.Stamp(created), UpdatedAt: sw.Stamp(changed),
			Position: g.Position, PageID: spPageID, Group: true, Components: &ids})
	}
	for _, c := range p.Components {
		out = append(out, sw.Component(c))
	}
	ind := desk.PageIndicatorWith(statuses, p.Open)
	page := spPage{ID: spPageID, Name: brand.Settings.Title, URL: a.base + "/status", TimeZone: sw.Loc.String(), UpdatedAt: sw.Stamp(updated)}
	return spParts{page: page, comps: out, status: spStatus{Indicator: string(ind), Description: desk.IndicatorDescription(ind)},
		open: p.Open, byID: byID, w: sw}, nil
}

// incidents converts those of ps that keep says to Statuspage's shape.
func (s spParts) incidents(ps []desk.PublicIncident, keep func(p desk.PublicIncident) bool) []statuspage.Incident {
	out := []statuspage.Incident{}
	for _, p := range ps {
		if keep(p) {
			out = append(out, s.w.Incident(p, s.byID))
		}
	}
	return out
}

// Which open ones each list holds.
func unresolved(p desk.PublicIncident) bool  { return p.Kind == desk.KindIncident }
func maintenance(p desk.PublicIncident) bool { return p.Kind == desk.KindMaintenance }
func upcoming(p desk.PublicIncident) bool {
	return p.Kind == desk.KindMaintenance && p.Status == desk.MaintenanceScheduled
}
func active(p desk.PublicIncident) bool { return p.Kind == desk.KindMaintenance && p.Active() }

// soonestFirst orders maintenances by their start, as Statuspage lists them.
func soonestFirst(ps []desk.PublicIncident) []desk.PublicIncident {
	ps = slices.Clone(ps)
	slices.SortStableFunc(ps, func(a, b desk.PublicIncident) int { return a.StartedAt.Compare(b.StartedAt) })
	return ps
}

// writeStatusPage answers a v2 document, open to every origin.
func writeStatusPage(w http.ResponseWriter, doc spDoc) error {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	return writeJSON(w, http.StatusOK, doc)
}

func (a *api) v2Components(w http.ResponseWriter, r *http.Request) error {
	s, err := a.statusPageDoc(r)
	if err != nil {
		return err
	}
	return writeStatusPage(w, spDoc{Page: s.page, Components: &s.comps})
}

func (a *api) v2Status(w http.ResponseWriter, r *http.Request) error {
	s, err := a.statusPageDoc(r)
	if err != nil {
		return err
	}
	return writeStatusPage(w, spDoc{Page: s.page, Status: &s.status})
}

// v2Summary holds the unresolved incidents (newest first) and the active and upcoming
// maintenances (soonest first).
func (a *api) v2Summary(w http.ResponseWriter, r *http.Request) error {
	s, err := a.statusPageDoc(r)
	if err != nil {
		return err
	}
	inc := s.incidents(s.open, unresolved)
	mnt := s.incidents(soonestFirst(s.open), maintenance)
	return writeStatusPage(w, spDoc{Page: s.page, Components: &s.comps, Incidents: &inc, ScheduledMaintenances: &mnt, Status: &s.status})
}

// v2Incidents lists the 50 latest incidents (resolved ones too), newest first.
func (a *api) v2Incidents(w http.ResponseWriter, r *http.Request) error {
	return a.v2Latest(w, r, desk.KindIncident)
}

// v2Maintenances lists the 50 latest maintenances (by start), newest first.
func (a *api) v2Maintenances(w http.ResponseWriter, r *http.Request) error {
	return a.v2Latest(w, r, desk.KindMaintenance)
}

func (a *api) v2Latest(w http.ResponseWriter, r *http.Request, kind desk.PublicKind) error {
	s, err := a.statusPageDoc(r)
	if err != nil {
		return err
	}
	ps, _, err := a.svc.publicIncidents.Latest(r.Context(), kind, 50)
	if err != nil {
		return err
	}
	list := s.incidents(ps, func(desk.PublicIncident) bool { return true })
	if kind == desk.KindMaintenance {
		return writeStatusPage(w, spDoc{Page: s.page, ScheduledMaintenances: &list})
	}
	return writeStatusPage(w, spDoc{Page: s.page, Incidents: &list})
}

// v2Unresolved lists the unresolved incidents, newest first.
func (a *api) v2Unresolved(w http.ResponseWriter, r *http.Request) error {
	s, err := a.statusPageDoc(r)
	if err != nil {
		return err
	}
	list := s.incidents(s.open, unresolved)
	return writeStatusPage(w, spDoc{Page: s.page, Incidents: &list})
}

// v2Upcoming lists the scheduled maintenances not yet started, soonest first.
func (a *api) v2Upcoming(w http.ResponseWriter, r *http.Request) error {
	s, err := a.statusPageDoc(r)
	if err != nil {
		return err
	}
	list := s.incidents(soonestFirst(s.open), upcoming)
	return writeStatusPage(w, spDoc{Page: s.page, ScheduledMaintenances: &list})
}

// v2Active lists the maintenances in progress or being verified, soonest first.
func (a *api) v2Active(w http.ResponseWriter, r *http.Request) error {
	s, err := a.statusPageDoc(r)
	if err != nil {
		return err
	}
	list := s.incidents(soonestFirst(s.open), active)
	return writeStatusPage(w, spDoc{Page: s.page, ScheduledMaintenances: &list})
}
