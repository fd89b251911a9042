package desk

import (
	"strings"
	"time"
)

// ComponentGroup groups the provider's components, as the status page shows them.
type ComponentGroup struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Position int    `json:"position"`
}

// Validate checks the group's fields.
func (g *ComponentGroup) Validate() error {
	var v Validator
	g.Name = strings.TrimSpace(g.Name)
	v.Text("name", g.Name, true, MaxName, false)
	v.Range("position", int64(g.Position), 0, 10000)
	return v.Err()
}

// Component is one of the provider's services or systems. It is linked to the clients that
// use it: they may pick it when they report, and (later) see it on the status page.
type Component struct {
	ID          int64   `json:"id"`
	GroupID     *int64  `json:"group_id"`
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Position    int     `json:"position"`
	ClientIDs   []int64 `json:"client_ids"`
	// Status is the component's public status, in Statuspage's words; Visibility says who
	// sees it on the status page.
	Status     ComponentStatus     `json:"status"`
	Visibility ComponentVisibility `json:"visibility"`
	// Monitoring is what the component's monitors observe and may do (monitor.go); its own
	// store methods write it, so the component's form and API leave it as it is.
	Monitoring ComponentMonitoring `json:"-"`
	CreatedAt  time.Time           `json:"created_at"`
	UpdatedAt  time.Time           `json:"updated_at"`
}

// Validate checks the component's fields.
func (c *Component) Validate() error {
	var v Validator
	c.Name = strings.TrimSpace(c.Name)
	v.Text("name", c.Name, true, MaxName, false)
	v.Text("description", c.Description, false, MaxDescription, true)
	v.Range("position", int64(c.Position), 0, 10000)
	v.OneOf("status", string(c.Status), true, ComponentStatusNames())
	v.OneOf("visibility", string(c.Visibility), true, []string{string(VisibilityPublic), string(VisibilityClients)})
	if len(c.ClientIDs) > 10000 {
		v.Add("client_ids", "max_items", "must list at most 10000 clients")
	}
	return v.Err()
}

// Defaults fills in a new component's status (operational) and visibility (clients).
func (c *Component) Defaults() {
	if c.Status == "" {
		c.Status = StatusOperational
	}
	if c.Visibility == "" {
		c.Visibility = VisibilityClients
	}
}

// UsedBy tells whether the client organisation uses the component.
func (c *Component) UsedBy(orgID int64) bool {
	for _, id := range c.ClientIDs {
		if id == orgID {
			return true
		}
	}
	return false
}

// ComponentStatus is a component's public status; the values are Atlassian Statuspage's, so
// tools that read Statuspage pages understand them.
type ComponentStatus string

// The component statuses, from best to worst; under_maintenance stands apart.
const (
	StatusOperational         ComponentStatus = "operational"
	StatusDegradedPerformance ComponentStatus = "degraded_performance"
	StatusPartialOutage       ComponentStatus = "partial_outage"
	StatusMajorOutage         ComponentStatus = "major_outage"
	StatusUnderMaintenance    ComponentStatus = "under_maintenance"
)

// ComponentStatuses lists the statuses in the order the status page explains them.
var ComponentStatuses = []ComponentStatus{StatusOperational, StatusDegradedPerformance,
	StatusPartialOutage, StatusMajorOutage, StatusUnderMaintenance}

// ComponentStatusNames lists the statuses as strings.
func ComponentStatusNames() []string { return names(ComponentStatuses) }

// ComponentVisibility says who sees a component on the status page: everyone (public), or only the
// signed-in users of the clients it is linked to (clients). A new component is clients-only
// until the provider makes it public: publishing is a decision, so nothing (a dedicated
// system's name, say) reaches the world by default.
type ComponentVisibility string

// The visibilities.
const (
	VisibilityPublic  ComponentVisibility = "public"
	VisibilityClients ComponentVisibility = "clients"
)

// Indicator is the status page's overall indicator, in Statuspage's words.
type Indicator string

// The indicators.
const (
	IndicatorNone        Indicator = "none"
	IndicatorMinor       Indicator = "minor"
	IndicatorMajor       Indicator = "major"
	IndicatorCritical    Indicator = "critical"
	IndicatorMaintenance Indicator = "maintenance"
)

// PageIndicator derives the overall indicator from the components' statuses: the worst
// outage wins (degraded_performance → minor, partial_outage → major, major_outage →
// critical); with no outage, any component under maintenance gives maintenance; otherwise
// (all operational, or no components) none. An outage outranks maintenance, because a
// visitor must learn first that something is broken.
func PageIndicator(statuses []ComponentStatus) Indicator {
	worst := IndicatorNone
	rank := map[Indicator]int{IndicatorNone: 0, IndicatorMaintenance: 1, IndicatorMinor: 2, IndicatorMajor: 3, IndicatorCritical: 4}
	for _, s := range statuses {
		i := IndicatorNone
		switch s {
		case StatusDegradedPerformance:
			i = IndicatorMinor
		case StatusPartialOutage:
			i = IndicatorMajor
		case StatusMajorOutage:
			i = IndicatorCritical
		case StatusUnderMaintenance:
			i = IndicatorMaintenance
		}
		if rank[i] > rank[worst] {
			worst = i
		}
	}
	return worst
}

// IndicatorDescription is the English sentence Statuspage puts next to an indicator in
// status.json (the API's description is English, as Statuspage's is; the page translates).
func IndicatorDescription(i Indicator) string {
	switch i {
	case IndicatorMinor:
		return "Minor Service Outage"
	case IndicatorMajor:
		return "Partial System Outage"
	case IndicatorCritical:
		return "Major System Outage"
	case IndicatorMaintenance:
		return "Service Under Maintenance"
	}
	return "All Systems Operational"
}

// ComponentStatusChange is one row of a component's status history: from At on, the
// component had Status (until the next row). Uptime for any past day follows from it.
type ComponentStatusChange struct {
	ComponentID int64           `json:"component_id"`
	Status      ComponentStatus `json:"status"`
	At          time.Time       `json:"from"`
}

// WorstStatus is the status of a group of components: the worst of theirs, ranked as
// PageIndicator ranks them (an outage outranks maintenance); operational for none.
func WorstStatus(statuses []ComponentStatus) ComponentStatus {
	switch PageIndicator(statuses) {
	case IndicatorCritical:
		return StatusMajorOutage
	case IndicatorMajor:
		return StatusPartialOutage
	case IndicatorMinor:
		return StatusDegradedPerformance
	case IndicatorMaintenance:
		return StatusUnderMaintenance
	}
	return StatusOperational
}
