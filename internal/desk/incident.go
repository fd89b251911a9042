package desk

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Channel is how an incident reached the desk.
type Channel string

// The channels of an incident.
const (
	ChannelPortal  Channel = "portal"
	ChannelPhone   Channel = "phone"
	ChannelEmail   Channel = "email"
	ChannelAPI     Channel = "api"
	ChannelMonitor Channel = "monitor"
)

// Channels lists every channel.
var Channels = []Channel{ChannelPortal, ChannelPhone, ChannelEmail, ChannelAPI, ChannelMonitor}

// Kind tells an urgent report ("spoedmelding") from regular support.
type Kind string

// The two kinds.
const (
	KindUrgent  Kind = "urgent"
	KindRegular Kind = "regular"
)

// Incident is one reported or detected disruption.
type Incident struct {
	ID           int64     `json:"id"`
	Number       string    `json:"number"`
	OrgID        int64     `json:"organisation_id"`
	ReporterID   *int64    `json:"reporter_id"`
	Channel      Channel   `json:"channel"`
	Kind         Kind      `json:"kind"`
	Title        string    `json:"title"`
	Description  string    `json:"description"`
	Urgency      Level     `json:"urgency"`
	Impact       Level     `json:"impact"`
	Priority     Priority  `json:"priority"`
	State        State     `json:"state"`
	WaitingOn    WaitingOn `json:"waiting_on,omitempty"`
	OwnerID      *int64    `json:"owner_id"`
	AssigneeID   *int64    `json:"assignee_id"`
	ComponentIDs []int64   `json:"component_ids"`
	Solution     string    `json:"solution,omitempty"`
	// SolutionKind says whether the solution is temporary or structural ("" before the
	// incident was first resolved).
	SolutionKind SolutionKind `json:"solution_kind,omitempty"`
	// AutoCloseAt is when a resolved incident closes by itself unless the client reacts
	// first; nil in every other state (see docs/closure.md).
	AutoCloseAt *time.Time `json:"auto_close_at"`
	// Affected says in the reporter's words what is affected, besides the components.
	Affected string `json:"affected,omitempty"`
	// Assessment is the desk's judgement of a report that claims urgency, with its reason.
	Assessment       Assessment `json:"assessment,omitempty"`
	AssessmentReason string     `json:"assessment_reason,omitempty"`
	// QuestionnaireVersion is the version of the questionnaire the report was answered
	// with; 0 when it was registered without one.
	QuestionnaireVersion int `json:"questionnaire_version,omitempty"`
	// Version counts updates; a change names the version it read to avoid lost updates.
	Version         int        `json:"version"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	FirstResponseAt *time.Time `json:"first_response_at"`
	ResolvedAt      *time.Time `json:"resolved_at"`
	ClosedAt        *time.Time `json:"closed_at"`
	// SLA holds the stored deadlines of the contract's targets (see sla.go); its Calendar
	// is "" when no contract applied. The flags record which warnings and breaches the SLA
	// job has handled, each once (see SLAMark).
	SLA              SLA  `json:"sla"`
	ResponseWarned   bool `json:"response_warned"`
	ResponseBreached bool `json:"response_breached"`
	ResolveWarned    bool `json:"resolve_warned"`
	ResolveBreached  bool `json:"resolve_breached"`
	// SupplierID is the external party the incident is handed to, FollowUpAt when the desk
	// follows it up (both nil when none); staff only, never shown to clients (see
	// supplier.go). FollowUpReminded and StaleRemindedAt record the reminders the owner got.
	SupplierID       *int64     `json:"supplier_id,omitempty"`
	FollowUpAt       *time.Time `json:"follow_up_at,omitempty"`
	FollowUpReminded bool       `json:"follow_up_reminded,omitempty"`
	StaleRemindedAt  *time.Time `json:"stale_reminded_at,omitempty"`
}

// NumberPrefix starts every incident number.
const NumberPrefix = "INC-"

// FormatNumber returns the incident number for an id: INC-000123.
func FormatNumber(id int64) string { return fmt.Sprintf("%s%06d", NumberPrefix, id) }

// ParseNumber accepts "INC-000123", "inc-123" or "123" and returns the id.
func ParseNumber(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if len(s) > len(NumberPrefix) && strings.EqualFold(s[:len(NumberPrefix)], NumberPrefix) {
		s = s[len(NumberPrefix):]
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// Validate checks the fields a reporter or agent sets.
func (in *Incident) Validate() error {
	var v Validator
	in.Title = strings.TrimSpace(in.Title)
	v.Text("title", in.Title, true, MaxTitle, false)
	v.Text("description", in.Description, false, MaxText, true)
	v.Text("affected", in.Affected, false, MaxTitle, false)
	v.OneOf("channel", string(in.Channel), true, names(Channels))
	v.OneOf("kind", string(in.Kind), true, []string{string(KindUrgent), string(KindRegular)})
	v.OneOf("urgency", string(in.Urgency), true, LevelNames())
	v.OneOf("impact", string(in.Impact), true, LevelNames())
	if len(in.ComponentIDs) > 50 {
		v.Add("component_ids", "max_items", "must list at most 50 components")
	}
	return v.Err()
}

// IncidentFilter selects incidents in lists. Zero values select everything.
type IncidentFilter struct {
	OrgID      int64
	ReporterID int64
	OwnerID    int64
	AssigneeID int64
	SupplierID int64 // the external party the incidents are handed to
	States     []State
	Open       *bool
	Kind       Kind
	Channel    Channel
	Priority   Priority
	Query      string // words in the title
	Assessment Assessment
	// After is the cursor: list incidents with an id below it (the list runs newest first).
	After int64
	Limit int
	// SortDue lists open incidents only (Open is then ignored), by time to breach: the
	// resolution deadline, soonest first, with paused incidents and those without a
	// deadline last (as if due at Never), then by id. The cursor is then DueAfter and
	// DueAfterID (After is ignored): list the incidents after that pair; a zero DueAfterID
	// starts at the beginning.
	SortDue    bool
	DueAfter   time.Time
	DueAfterID int64
	// The queue's views (issue 13): Involves selects the incidents a person owns or is
	// assigned; NoAssignee those nobody is assigned; DueBefore those whose running clock
	// (resolution, or a first response not yet given) is due before it, breached ones
	// included; External those handed to an external party or waiting on a third party.
	Involves   int64
	NoAssignee bool
	DueBefore  time.Time
	External   bool
}

// Visibility says who sees a timeline entry.
type Visibility string

// Public entries are shown to the client; internal ones only to staff.
const (
	Public   Visibility = "public"
	Internal Visibility = "internal"
)

// EntryKind is what a timeline entry records.
type EntryKind string

// The timeline entry kinds.
const (
	EntryReply  EntryKind = "reply"  // a message the client sees
	EntryNote   EntryKind = "note"   // an internal note
	EntryState  EntryKind = "state"  // a state change
	EntrySystem EntryKind = "system" // something Meldpunt did or recorded
)

// TimelineEntry is one line in an incident's history.
type TimelineEntry struct {
	ID         int64      `json:"id"`
	IncidentID int64      `json:"incident_id"`
	Kind       EntryKind  `json:"kind"`
	Visibility Visibility `json:"visibility"`
	AuthorID   *int64     `json:"author_id"`
	AuthorName string     `json:"author_name"`
	Body       string     `json:"body"`
	FromState  State      `json:"from_state,omitempty"`
	ToState    State      `json:"to_state,omitempty"`
	// Event names what a system or state entry records, so pages and emails can say it in
	// the reader's language; Args are its values, each "kind:value" (e.g. "channel:phone",
	// "level:high", "priority:P2", "text:…"). Body keeps an English rendering for the API.
	Event     string    `json:"event,omitempty"`
	Args      []string  `json:"args,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Timeline events.
const (
	EventRegistered   = "registered"   // channel, priority
	EventReclassified = "reclassified" // kind, urgency, impact, priority before and after; reason
	EventAssigned     = "assigned"     // owner name, assignee name ("" when none, "-" when unchanged)
	EventWaitingOn    = "waiting_on"   // on whom
	EventReported     = "reported"     // the verdict, then each criterion and exclusion that applied
	EventApproved     = "approved"     // the desk approved an urgent report
	EventToRegular    = "to_regular"   // the desk moved an urgent report to regular support; the reason
	EventAttached     = "attached"     // a file's name
	EventAutoClosed   = "auto_closed"  // closed: no reaction from the client in time; the hours
	EventReopened     = "reopened"     // the client replied to a resolved incident
	// EventMonitorDown and EventMonitorUp record a monitor's outage and its recovery on the
	// incident it opened: the monitor's name and the error; the name and the time down.
	EventMonitorWentDown = "monitor_down"
	EventMonitorCameUp   = "monitor_up"
)

// AuditEntry records one change: who, what, before → after, when, from which address.
type AuditEntry struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	ActorID   *int64    `json:"actor_id"`
	ActorName string    `json:"actor_name"`
	Address   string    `json:"address"`
	Entity    string    `json:"entity"` // "incident", "user", …
	EntityID  int64     `json:"entity_id"`
	OrgID     *int64    `json:"organisation_id"` // the client the change concerns, if any
	Action    string    `json:"action"`          // "create", "update", "transition", …
	Before    string    `json:"before"`          // JSON of the changed fields before, "" on create
	After     string    `json:"after"`           // JSON of the changed fields after
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	Entity   string
	EntityID int64
	After    int64
	Limit    int
}
