package desk

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ChangeState is where a change request stands: step 4 of the incident process, the
// structural fix that follows a (temporary) solution.
type ChangeState string

// The states of a change request: requested → approved or rejected; approved →
// implemented. Rejected and implemented are final.
const (
	ChangeRequested   ChangeState = "requested"   // proposed by the desk, awaiting a decision
	ChangeApproved    ChangeState = "approved"    // the fix will be carried out
	ChangeRejected    ChangeState = "rejected"    // the fix will not be carried out
	ChangeImplemented ChangeState = "implemented" // the fix is in place
)

// ChangeStates lists every state of a change request in life order.
var ChangeStates = []ChangeState{ChangeRequested, ChangeApproved, ChangeRejected, ChangeImplemented}

// ChangeStateNames is ChangeStates as strings.
func ChangeStateNames() []string { return names(ChangeStates) }

// changeTransitions lists, per state, the states a change request may move to.
var changeTransitions = map[ChangeState][]ChangeState{
	ChangeRequested:   {ChangeApproved, ChangeRejected},
	ChangeApproved:    {ChangeImplemented},
	ChangeRejected:    nil,
	ChangeImplemented: nil,
}

// Next returns the states s may move to.
func (s ChangeState) Next() []ChangeState { return slices.Clone(changeTransitions[s]) }

// Final tells whether nothing more happens to a change request in state s.
func (s ChangeState) Final() bool { return s == ChangeRejected || s == ChangeImplemented }

// ChangeRequest is the proposal of a structural fix, made from an incident and linked to
// every incident it would prevent or repair. Its title and state are what clients of the
// linked incidents see; the description and the reasons of the decisions stay with staff.
type ChangeRequest struct {
	ID          int64       `json:"id"`
	Number      string      `json:"number"`
	Title       string      `json:"title"`
	Description string      `json:"description"`
	State       ChangeState `json:"state"`
	// IncidentIDs are the linked incidents, sorted; there is always at least one.
	IncidentIDs []int64 `json:"incident_ids"`
	CreatedByID *int64  `json:"created_by_id"`
	// Decisions are the state changes, oldest first, each with its optional reason.
	Decisions []ChangeDecision `json:"decisions"`
	// Version counts updates; a change names the version it read to avoid lost updates.
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// DecidedAt is when it was approved or rejected; ImplementedAt when it was implemented.
	DecidedAt     *time.Time `json:"decided_at"`
	ImplementedAt *time.Time `json:"implemented_at"`
}

// ChangeDecision is one state change of a change request: who moved it, from where to
// where, when, and why (optional).
type ChangeDecision struct {
	ID        int64       `json:"id"`
	ChangeID  int64       `json:"change_id"`
	From      ChangeState `json:"from"`
	To        ChangeState `json:"to"`
	Reason    string      `json:"reason"`
	ActorID   *int64      `json:"actor_id"`
	ActorName string      `json:"actor_name"`
	CreatedAt time.Time   `json:"created_at"`
}

// ChangeSummary is a change request as an incident's page lists it. A client of the
// incident gets the title and the state only; staff also get the id and the number.
type ChangeSummary struct {
	ID     int64       `json:"id,omitempty"`
	Number string      `json:"number,omitempty"`
	Title  string      `json:"title"`
	State  ChangeState `json:"state"`
}

// Summary returns the change request as an incident lists it; forClient leaves out what
// only staff see.
func (c *ChangeRequest) Summary(forClient bool) ChangeSummary {
	if forClient {
		return ChangeSummary{Title: c.Title, State: c.State}
	}
	return ChangeSummary{ID: c.ID, Number: c.Number, Title: c.Title, State: c.State}
}

// MaxChangeIncidents caps the incidents one change request links.
const MaxChangeIncidents = 200

// ChangeNumberPrefix starts every change request number.
const ChangeNumberPrefix = "CHG-"

// FormatChangeNumber returns the change request number for an id: CHG-000012.
func FormatChangeNumber(id int64) string { return fmt.Sprintf("%s%06d", ChangeNumberPrefix, id) }

// ParseChangeNumber accepts "CHG-000012", "chg-12" or "12" and returns the id.
func ParseChangeNumber(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if len(s) > len(ChangeNumberPrefix) && strings.EqualFold(s[:len(ChangeNumberPrefix)], ChangeNumberPrefix) {
		s = s[len(ChangeNumberPrefix):]
	}
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, false // no sign, no space
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// Validate checks the fields the desk writes and the list of linked incidents (naming a bad
// id by its position as given), which it leaves sorted and without duplicates.
func (c *ChangeRequest) Validate() error {
	var v Validator
	c.Title = strings.TrimSpace(c.Title)
	v.Text("title", c.Title, true, MaxTitle, false)
	v.Text("description", c.Description, false, MaxText, true)
	v.OneOf("state", string(c.State), true, ChangeStateNames())
	for i, id := range c.IncidentIDs {
		if id <= 0 {
			v.Add("incident_ids["+strconv.Itoa(i)+"]", "exists", "no incident has this id")
		}
	}
	slices.Sort(c.IncidentIDs)
	c.IncidentIDs = slices.Compact(c.IncidentIDs)
	switch {
	case len(c.IncidentIDs) == 0:
		v.Add("incident_ids", "required", "link at least one incident")
	case len(c.IncidentIDs) > MaxChangeIncidents:
		v.Add("incident_ids", "max_items", "must list at most %d incidents", MaxChangeIncidents)
	}
	return v.Err()
}

// ChangeTransition is a request to move a change request to another state, with an
// optional reason or note: why it was approved or rejected, how it was implemented.
type ChangeTransition struct {
	To     ChangeState `json:"to"`
	Reason string      `json:"reason"`
}

// CheckChangeTransition validates a move of a change request in state from. It returns
// EINVALID naming the field for bad input, and ECONFLICT listing the allowed states when
// the state machine forbids the move.
func CheckChangeTransition(from ChangeState, t *ChangeTransition) error {
	var v Validator
	v.OneOf("to", string(t.To), true, ChangeStateNames())
	t.Reason = strings.TrimSpace(t.Reason)
	v.Text("reason", t.Reason, false, MaxText, true)
	if err := v.Err(); err != nil {
		return err
	}
	allowed := from.Next()
	if !slices.Contains(allowed, t.To) {
		e := Errorf(ECONFLICT, "a change request that is %s cannot move to %s", from, t.To)
		e.Allowed = names(allowed)
		if e.Allowed == nil {
			e.Allowed = []string{}
		}
		return e
	}
	return nil
}

// ChangeFilter selects change requests in lists. Zero values select everything.
type ChangeFilter struct {
	States []ChangeState
	// IncidentID selects the change requests linked to that incident.
	IncidentID int64
	// After is the cursor: list change requests with an id below it (newest first).
	After int64
	Limit int
}

// Timeline events of change requests, written on every linked incident. They are public:
// the client reads that a structural fix was requested, decided or carried out, with its
// title. The number, the description, the reasons and the other linked incidents stay
// internal. Each has the argument "text:<title>"; change_linked has "change_state:<state>"
// after it.
const (
	EventChangeRequested   = "change_requested"   // created from or for this incident
	EventChangeLinked      = "change_linked"      // an existing change request was linked later
	EventChangeUnlinked    = "change_unlinked"    // no longer linked
	EventChangeApproved    = "change_approved"    // the structural fix will be carried out
	EventChangeRejected    = "change_rejected"    // the structural fix will not be carried out
	EventChangeImplemented = "change_implemented" // the structural fix is in place
)

// ChangeEvent returns the timeline event of a move to state to.
func ChangeEvent(to ChangeState) string {
	switch to {
	case ChangeApproved:
		return EventChangeApproved
	case ChangeRejected:
		return EventChangeRejected
	case ChangeImplemented:
		return EventChangeImplemented
	}
	return EventChangeRequested
}
