package desk

import (
	"slices"
	"strings"
	"time"
)

// A public incident is what the status page says about an outage or a planned maintenance
// (issue 11), in Atlassian Statuspage's model: a name in Dutch and English, a status, an
// impact, the components it affects (each with its own status), and a timeline of updates.
// It never names a client: tickets link to it, not the other way round.

// PublicKind says whether a public incident is an outage or a scheduled maintenance.
type PublicKind string

// The kinds.
const (
	KindIncident    PublicKind = "incident"
	KindMaintenance PublicKind = "maintenance"
)

// PublicStatus is a public incident's status, in Statuspage's words.
type PublicStatus string

// The statuses of an incident and of a maintenance.
const (
	PublicInvestigating PublicStatus = "investigating"
	PublicIdentified    PublicStatus = "identified"
	PublicMonitoring    PublicStatus = "monitoring"
	PublicResolved      PublicStatus = "resolved"
	PublicPostmortem    PublicStatus = "postmortem"

	MaintenanceScheduled  PublicStatus = "scheduled"
	MaintenanceInProgress PublicStatus = "in_progress"
	MaintenanceVerifying  PublicStatus = "verifying"
	MaintenanceCompleted  PublicStatus = "completed"
)

// IncidentStatuses and MaintenanceStatuses list the statuses of each kind, in their usual order.
var (
	IncidentStatuses    = []PublicStatus{PublicInvestigating, PublicIdentified, PublicMonitoring, PublicResolved, PublicPostmortem}
	MaintenanceStatuses = []PublicStatus{MaintenanceScheduled, MaintenanceInProgress, MaintenanceVerifying, MaintenanceCompleted}
)

// Statuses lists the statuses of the kind.
func (k PublicKind) Statuses() []PublicStatus {
	if k == KindMaintenance {
		return MaintenanceStatuses
	}
	return IncidentStatuses
}

// Closed tells whether the status ends the incident or maintenance: resolved, postmortem
// or completed.
func (s PublicStatus) Closed() bool {
	return s == PublicResolved || s == PublicPostmortem || s == MaintenanceCompleted
}

// PublicImpact is how bad a public incident is, in Statuspage's words.
type PublicImpact string

// The impacts, from least to worst.
const (
	ImpactNone     PublicImpact = "none"
	ImpactMinor    PublicImpact = "minor"
	ImpactMajor    PublicImpact = "major"
	ImpactCritical PublicImpact = "critical"
)

// PublicImpacts lists the impacts, least first.
var PublicImpacts = []PublicImpact{ImpactNone, ImpactMinor, ImpactMajor, ImpactCritical}

// Limits of a public incident.
const (
	MaxPublicName       = 200
	MaxPublicBody       = 10000
	MaxPublicComponents = 50
)

// AffectedComponent is a component a public incident affects, with the status the incident
// gives it (for a maintenance: what it is while the work is on, under_maintenance by default).
type AffectedComponent struct {
	ComponentID int64           `json:"component_id"`
	Status      ComponentStatus `json:"status"`
}

// ComponentChange is a component's status before and after an update.
type ComponentChange struct {
	ComponentID int64           `json:"component_id"`
	OldStatus   ComponentStatus `json:"old_status"`
	NewStatus   ComponentStatus `json:"new_status"`
}

// PublicUpdate is one message on a public incident's timeline. AuthorID is for staff only.
type PublicUpdate struct {
	ID         int64             `json:"id"`
	IncidentID int64             `json:"incident_id"`
	Status     PublicStatus      `json:"status"`
	Body       Texts             `json:"body"`
	Components []ComponentChange `json:"affected_components"`
	AuthorID   *int64            `json:"author_id,omitempty"`
	CreatedAt  time.Time         `json:"created_at"`
}

// Postmortem is what the provider writes after an incident: what happened and what changes.
type Postmortem struct {
	Body Texts     `json:"body"`
	At   time.Time `json:"published_at"`
}

// PublicIncident is an outage or a scheduled maintenance as the status page shows it.
// Updates are newest first. CreatedByID and the updates' authors are for staff only
// (Public clears them).
type PublicIncident struct {
	ID         int64               `json:"id"`
	Kind       PublicKind          `json:"kind"`
	Name       Texts               `json:"name"`
	Status     PublicStatus        `json:"status"`
	Impact     PublicImpact        `json:"impact"`
	Components []AffectedComponent `json:"components"`
	// ScheduledFor and ScheduledUntil are a maintenance's window (nil for an incident).
	ScheduledFor   *time.Time     `json:"scheduled_for"`
	ScheduledUntil *time.Time     `json:"scheduled_until"`
	Updates        []PublicUpdate `json:"updates"`
	Postmortem     *Postmortem    `json:"postmortem"`
	CreatedByID    *int64         `json:"created_by_id,omitempty"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
	// StartedAt is when the outage began (its creation) or the maintenance started (its
	// scheduled start until it actually starts); MonitoringAt and ResolvedAt are when it
	// was last set to monitoring (verifying) and when it closed.
	StartedAt    time.Time  `json:"started_at"`
	MonitoringAt *time.Time `json:"monitoring_at"`
	ResolvedAt   *time.Time `json:"resolved_at"`
	// RemindedAt is when the reminder before a maintenance's start was sent (internal).
	RemindedAt *time.Time `json:"-"`
}

// Open tells whether the incident or maintenance is not closed yet.
func (p *PublicIncident) Open() bool { return !p.Status.Closed() }

// Active tells whether it moves its components' displayed status now: an open incident, or
// a maintenance in progress or being verified.
func (p *PublicIncident) Active() bool {
	if p.Kind == KindMaintenance {
		return p.Status == MaintenanceInProgress || p.Status == MaintenanceVerifying
	}
	return p.Open()
}

// ComponentIDs lists the ids of the affected components.
func (p *PublicIncident) ComponentIDs() []int64 {
	ids := make([]int64, 0, len(p.Components))
	for _, c := range p.Components {
		ids = append(ids, c.ComponentID)
	}
	return ids
}

// Defaults fills in what a new public incident may leave out: the kind (incident), the
// impact (none) and the status (investigating, or scheduled for a maintenance). Each
// affected component's status must be given.
func (p *PublicIncident) Defaults() {
	if p.Kind == "" {
		p.Kind = KindIncident
	}
	if p.Impact == "" {
		p.Impact = ImpactNone
	}
	if p.Status == "" {
		p.Status = p.Kind.Statuses()[0]
	}
	if p.Components == nil {
		p.Components = []AffectedComponent{}
	}
}

func (p *PublicIncident) defaultComponentStatus() ComponentStatus {
	if p.Kind == KindMaintenance {
		return StatusUnderMaintenance
	}
	return StatusMajorOutage
}

// Validate checks the fields: a known kind; a name in at least one language; a status of
// the kind; a known impact; at most MaxPublicComponents components, each once, with a
// component status; and for a maintenance a window whose end comes after its start (an
// incident has none).
func (p *PublicIncident) Validate() error {
	var v Validator
	v.OneOf("kind", string(p.Kind), true, []string{string(KindIncident), string(KindMaintenance)})
	p.Name.NL, p.Name.EN = strings.TrimSpace(p.Name.NL), strings.TrimSpace(p.Name.EN)
	v.Texts("name", p.Name, true, MaxPublicName, false)
	if !v.Has("kind") {
		v.OneOf("status", string(p.Status), true, names(p.Kind.Statuses()))
	}
	v.OneOf("impact", string(p.Impact), true, names(PublicImpacts))
	v.affected("components", p.Components)
	switch p.Kind {
	case KindMaintenance:
		if p.ScheduledFor == nil {
			v.Add("scheduled_for", "required", "is required for a maintenance")
		}
		if p.ScheduledUntil == nil {
			v.Add("scheduled_until", "required", "is required for a maintenance")
		}
		if p.ScheduledFor != nil && p.ScheduledUntil != nil && !p.ScheduledUntil.After(*p.ScheduledFor) {
			v.Add("scheduled_until", "after", "must come after scheduled_for")
		}
	case KindIncident:
		if p.ScheduledFor != nil {
			v.Add("scheduled_for", "absent", "only a maintenance has a window")
		}
		if p.ScheduledUntil != nil {
			v.Add("scheduled_until", "absent", "only a maintenance has a window")
		}
	}
	return v.Err()
}

// Texts checks a text in two languages: each one as Text checks it, and (when required) at
// least one of them given; a missing text is reported on field itself, rule "required".
func (v *Validator) Texts(field string, t Texts, required bool, max int, multiline bool) {
	if required && strings.TrimSpace(t.NL) == "" && strings.TrimSpace(t.EN) == "" {
		v.Add(field, "required", "is required in Dutch (nl), English (en) or both")
		return
	}
	v.Text(field+".nl", t.NL, false, max, multiline)
	v.Text(field+".en", t.EN, false, max, multiline)
}

// affected checks a list of affected components: at most MaxPublicComponents, each once,
// each with a known status.
func (v *Validator) affected(field string, cs []AffectedComponent) {
	if len(cs) > MaxPublicComponents {
		v.Add(field, "max_items", "must list at most %d components", MaxPublicComponents)
		return
	}
	seen := map[int64]bool{}
	for i, c := range cs {
		f := field + "[" + itoa(i) + "]"
		if c.ComponentID <= 0 {
			v.Add(f+".component_id", "required", "is required")
		} else if seen[c.ComponentID] {
			v.Add(f+".component_id", "unique", "is listed twice")
		}
		seen[c.ComponentID] = true
		v.OneOf(f+".status", string(c.Status), true, ComponentStatusNames())
	}
}

// UpdateInput is an update the desk posts: the new status (empty keeps it), a message, and
// the components' new statuses (nil keeps the affected components as they are; a listed
// component not yet affected joins).
type UpdateInput struct {
	Status     PublicStatus        `json:"status"`
	Body       Texts               `json:"body"`
	Components []AffectedComponent `json:"components"`
	// ResolveTickets, on an update that resolves the incident, resolves its linked tickets
	// with the update's message as their solution; nil means true.
	ResolveTickets *bool `json:"resolve_tickets,omitempty"`
}

// Validate checks the update against the incident's kind. The message is required, in at
// least one language; the postmortem status is reached only by publishing a postmortem.
func (u *UpdateInput) Validate(kind PublicKind) error {
	var v Validator
	statuses := names(kind.Statuses())
	statuses = slices.DeleteFunc(statuses, func(s string) bool { return s == string(PublicPostmortem) })
	v.OneOf("status", string(u.Status), false, statuses)
	v.Texts("body", u.Body, true, MaxPublicBody, true)
	v.affected("components", u.Components)
	return v.Err()
}

// Apply posts the update on p at now: it sets the status and its timestamps, changes the
// components' statuses, and returns the update to store (without ID). An update that
// closes the incident (resolved, completed) returns its components to operational unless
// the update says otherwise; its components then no longer count for the displayed status.
func (p *PublicIncident) Apply(u UpdateInput, author *int64, now time.Time) PublicUpdate {
	if u.Status == "" {
		u.Status = p.Status
	}
	wanted := map[int64]ComponentStatus{}
	before := map[int64]ComponentStatus{}
	for _, c := range p.Components {
		before[c.ComponentID] = c.Status
	}
	for _, c := range u.Components {
		if c.Status == "" {
			c.Status = p.defaultComponentStatus()
		}
		wanted[c.ComponentID] = c.Status
		if _, ok := before[c.ComponentID]; !ok {
			before[c.ComponentID] = StatusOperational // a component that joins was not affected
			p.Components = append(p.Components, AffectedComponent{ComponentID: c.ComponentID})
		}
	}
	closing := u.Status.Closed() && !p.Status.Closed()
	changes := make([]ComponentChange, 0, len(p.Components))
	for i, c := range p.Components {
		next, ok := wanted[c.ComponentID]
		if !ok && closing {
			next, ok = StatusOperational, true
		}
		if ok {
			p.Components[i].Status = next
		}
		changes = append(changes, ComponentChange{ComponentID: c.ComponentID, OldStatus: before[c.ComponentID], NewStatus: p.Components[i].Status})
	}
	p.setStatus(u.Status, now)
	return PublicUpdate{IncidentID: p.ID, Status: u.Status, Body: u.Body, Components: changes, AuthorID: author, CreatedAt: now}
}

// setStatus sets the status and the timestamps that follow from it.
func (p *PublicIncident) setStatus(s PublicStatus, now time.Time) {
	p.UpdatedAt = now
	if s == p.Status {
		return
	}
	switch s {
	case PublicMonitoring, MaintenanceVerifying:
		p.MonitoringAt = &now
	case MaintenanceInProgress:
		if p.Status == MaintenanceScheduled {
			p.StartedAt = now
		}
	}
	switch {
	case s.Closed() && !p.Status.Closed():
		p.ResolvedAt = &now
	case !s.Closed():
		p.ResolvedAt = nil
	}
	p.Status = s
}

// Public returns what a visitor may see: no authors, and only the components in visible
// (the public ones); a clients-only component is left out of the affected components and
// of every update.
func (p PublicIncident) Public(visible func(id int64) bool) PublicIncident {
	p.CreatedByID = nil
	cs := []AffectedComponent{}
	for _, c := range p.Components {
		if visible(c.ComponentID) {
			cs = append(cs, c)
		}
	}
	p.Components = cs
	us := make([]PublicUpdate, len(p.Updates))
	for i, u := range p.Updates {
		u.AuthorID = nil
		ch := []ComponentChange{}
		for _, c := range u.Components {
			if visible(c.ComponentID) {
				ch = append(ch, c)
			}
		}
		u.Components = ch
		us[i] = u
	}
	p.Updates = us
	return p
}

// DisplayedStatuses returns the status the page shows for each component: the worst of its
// own status, under_maintenance while a maintenance affecting it is in progress or being
// verified, the status each open incident gives it, and (when the component lets its
// monitors set its public status, MonitorAuto) what its monitors observe — except during
// its active maintenance, when a monitor's outage is the work being done. incidents may hold
// closed ones and scheduled maintenances; they do not count.
func DisplayedStatuses(components []Component, incidents []PublicIncident) map[int64]ComponentStatus {
	out := make(map[int64]ComponentStatus, len(components))
	extra := map[int64][]ComponentStatus{}
	maintained := map[int64]bool{}
	for i := range incidents {
		p := &incidents[i]
		if !p.Active() {
			continue
		}
		for _, c := range p.Components {
			s := c.Status
			if p.Kind == KindMaintenance {
				s = StatusUnderMaintenance
				maintained[c.ComponentID] = true
			}
			extra[c.ComponentID] = append(extra[c.ComponentID], s)
		}
	}
	for _, c := range components {
		all := append([]ComponentStatus{c.Status}, extra[c.ID]...)
		if m := c.Monitoring; m.Mode == MonitorAuto && m.Observed != "" && !maintained[c.ID] {
			all = append(all, m.Observed)
		}
		out[c.ID] = WorstStatus(all)
	}
	return out
}

// PageIndicatorWith is the page's indicator by Statuspage's rule: the worst of what the
// components' (displayed) statuses give and the impact of every open incident (minor,
// major, critical); an active maintenance gives maintenance when nothing is worse.
func PageIndicatorWith(statuses []ComponentStatus, incidents []PublicIncident) Indicator {
	rank := map[Indicator]int{IndicatorNone: 0, IndicatorMaintenance: 1, IndicatorMinor: 2, IndicatorMajor: 3, IndicatorCritical: 4}
	worst := PageIndicator(statuses)
	for i := range incidents {
		p := &incidents[i]
		if !p.Active() {
			continue
		}
		ind := IndicatorMaintenance
		if p.Kind == KindIncident {
			ind = IndicatorNone
			switch p.Impact {
			case ImpactMinor:
				ind = IndicatorMinor
			case ImpactMajor:
				ind = IndicatorMajor
			case ImpactCritical:
				ind = IndicatorCritical
			}
		}
		if rank[ind] > rank[worst] {
			worst = ind
		}
	}
	return worst
}

// Begin prepares a new public incident at now: its defaults and timestamps, and its first
// update (the opening message with the components' statuses, each from operational). p is
// validated by the caller before.
func (p *PublicIncident) Begin(body Texts, author *int64, now time.Time) PublicUpdate {
	comps := p.Components
	p.Components = []AffectedComponent{}
	p.CreatedAt, p.UpdatedAt, p.StartedAt = now, now, now
	if p.Kind == KindMaintenance && p.ScheduledFor != nil {
		p.StartedAt = *p.ScheduledFor
	}
	p.CreatedByID = author
	u := p.Apply(UpdateInput{Status: p.Status, Body: body, Components: comps}, author, now)
	if p.Status == PublicMonitoring || p.Status == MaintenanceVerifying {
		p.MonitoringAt = &now
	}
	if p.Status.Closed() {
		p.ResolvedAt = &now
	}
	return u
}
