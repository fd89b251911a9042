// Package statuspage writes Meldpunt's status page in Atlassian Statuspage's v2 format: the
// shapes of the /api/v2 documents (components, incidents, scheduled maintenances and their
// updates) and of the webhook payloads of status notices, so tools that follow a Statuspage
// page follow a Meldpunt page unchanged. It only converts; what is public is decided before.
package statuspage

import (
	"time"
	_ "time/tzdata" // Europe/Amsterdam, even on hosts without a time zone database

	"meldpunt/internal/desk"
)

// PageID is the page's id in every document: one Meldpunt serves one status page.
const PageID = "meldpunt"

// Zone is the page's time zone until the status page settings make it configurable.
const Zone = "Europe/Amsterdam"

// TimeFormat is the format of Statuspage's timestamps: milliseconds, the page's zone offset.
const TimeFormat = "2006-01-02T15:04:05.000Z07:00"

// Component is a component or a group in Statuspage's shape.
type Component struct {
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

// AffectedComponent is a component's change in an incident update.
type AffectedComponent struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	OldStatus string `json:"old_status"`
	NewStatus string `json:"new_status"`
}

// Update is an incident update.
type Update struct {
	ID                   string              `json:"id"`
	Status               string              `json:"status"`
	Body                 string              `json:"body"`
	IncidentID           string              `json:"incident_id"`
	CreatedAt            string              `json:"created_at"`
	UpdatedAt            string              `json:"updated_at"`
	DisplayAt            string              `json:"display_at"`
	AffectedComponents   []AffectedComponent `json:"affected_components"`
	DeliverNotifications bool                `json:"deliver_notifications"`
	CustomTweet          *string             `json:"custom_tweet"`
	TweetID              *string             `json:"tweet_id"`
}

// Incident is an incident or a scheduled maintenance. Maintenance has the scheduled_*
// fields; an incident has none of them (as in Statuspage's incidents.json).
type Incident struct {
	ID              string      `json:"id"`
	Name            string      `json:"name"`
	Status          string      `json:"status"`
	CreatedAt       string      `json:"created_at"`
	UpdatedAt       string      `json:"updated_at"`
	MonitoringAt    *string     `json:"monitoring_at"`
	ResolvedAt      *string     `json:"resolved_at"`
	Impact          string      `json:"impact"`
	Shortlink       string      `json:"shortlink"`
	StartedAt       string      `json:"started_at"`
	PageID          string      `json:"page_id"`
	IncidentUpdates []Update    `json:"incident_updates"`
	Components      []Component `json:"components"`
	// Schedule is a maintenance's window; an incident has none, and no such fields.
	*Schedule
}

// Schedule is a maintenance's window.
type Schedule struct {
	ScheduledFor   *string `json:"scheduled_for"`
	ScheduledUntil *string `json:"scheduled_until"`
}

// Writer converts Meldpunt's records to Statuspage's shapes for one page.
type Writer struct {
	// Base is where the page is reached (its links start with it); Loc its time zone.
	Base string
	Loc  *time.Location
	// Locale is the language of names and bodies: Statuspage has one; the other language
	// fills in when a text is missing.
	Locale desk.Locale
}

// NewWriter returns a writer for the page at base, in Zone and Dutch (the page's default
// language), falling back to English.
func NewWriter(base string) Writer {
	loc, err := time.LoadLocation(Zone)
	if err != nil {
		loc = time.UTC
	}
	return Writer{Base: base, Loc: loc, Locale: desk.LocaleNL}
}

// Stamp formats a time as Statuspage does.
func (w Writer) Stamp(t time.Time) string { return t.In(w.Loc).Format(TimeFormat) }

func (w Writer) stampPtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := w.Stamp(*t)
	return &s
}

// ComponentID and GroupID are the string ids of a component and a group: Statuspage keeps
// both in one id space, Meldpunt numbers them separately.
func ComponentID(id int64) string { return "c" + desk.FormatInt(id) }

// GroupID is the string id of a group.
func GroupID(id int64) string { return "g" + desk.FormatInt(id) }

// IncidentID is the string id of a public incident or maintenance; UpdateID of an update.
func IncidentID(id int64) string { return "i" + desk.FormatInt(id) }

// UpdateID is the string id of an update.
func UpdateID(id int64) string { return "u" + desk.FormatInt(id) }

// Component converts a component (with the status to show).
func (w Writer) Component(c desk.Component) Component {
	sc := Component{ID: ComponentID(c.ID), Name: c.Name, Status: string(c.Status),
		CreatedAt: w.Stamp(c.CreatedAt), UpdatedAt: w.Stamp(c.UpdatedAt), Position: c.Position, PageID: PageID}
	if c.Description != "" {
		d := c.Description
		sc.Description = &d
	}
	if c.GroupID != nil {
		g := GroupID(*c.GroupID)
		sc.GroupID = &g
	}
	return sc
}

// Incident converts a public incident in its public view; comps are the public components
// by id (with their displayed status). Bodies are the Markdown source, as Statuspage's are
// plain text.
func (w Writer) Incident(p desk.PublicIncident, comps map[int64]desk.Component) Incident {
	id := IncidentID(p.ID)
	impact := string(p.Impact)
	if p.Kind == desk.KindMaintenance {
		impact = "maintenance"
	}
	out := Incident{ID: id, Name: p.Name.In(w.Locale), Status: string(p.Status), CreatedAt: w.Stamp(p.CreatedAt),
		UpdatedAt: w.Stamp(p.UpdatedAt), MonitoringAt: w.stampPtr(p.MonitoringAt), ResolvedAt: w.stampPtr(p.ResolvedAt),
		Impact: impact, Shortlink: w.Base + "/status/incidents/" + desk.FormatInt(p.ID), StartedAt: w.Stamp(p.StartedAt),
		PageID: PageID, IncidentUpdates: []Update{}, Components: []Component{}}
	for _, u := range p.Updates {
		su := Update{ID: UpdateID(u.ID), Status: string(u.Status), Body: u.Body.In(w.Locale), IncidentID: id,
			CreatedAt: w.Stamp(u.CreatedAt), UpdatedAt: w.Stamp(u.CreatedAt), DisplayAt: w.Stamp(u.CreatedAt),
			AffectedComponents: []AffectedComponent{}, DeliverNotifications: true}
		for _, c := range u.Components {
			if sc, ok := comps[c.ComponentID]; ok {
				su.AffectedComponents = append(su.AffectedComponents, AffectedComponent{Code: ComponentID(c.ComponentID),
					Name: sc.Name, OldStatus: string(c.OldStatus), NewStatus: string(c.NewStatus)})
			}
		}
		out.IncidentUpdates = append(out.IncidentUpdates, su)
	}
	for _, c := range p.Components {
		if sc, ok := comps[c.ComponentID]; ok {
			out.Components = append(out.Components, w.Component(sc))
		}
	}
	if p.Kind == desk.KindMaintenance {
		out.Schedule = &Schedule{ScheduledFor: w.stampPtr(p.ScheduledFor), ScheduledUntil: w.stampPtr(p.ScheduledUntil)}
	}
	return out
}
