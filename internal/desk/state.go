package desk

import (
	"slices"
	"strings"
)

// State is where an incident stands in its life.
type State string

// The states of DESIGN.md.
const (
	StateNew        State = "new"         // registered, not yet looked at
	StateTriaged    State = "triaged"     // classified by the desk
	StateInProgress State = "in_progress" // being worked on
	StateWaiting    State = "waiting"     // waiting on the client or a third party
	StateResolved   State = "resolved"    // solution sent, awaiting the client's confirmation
	StateClosed     State = "closed"      // confirmed, or closed automatically
)

// States lists every state in life order.
var States = []State{StateNew, StateTriaged, StateInProgress, StateWaiting, StateResolved, StateClosed}

// StateNames is States as strings.
func StateNames() []string { return names(States) }

// Open tells whether the incident still needs work or confirmation.
func (s State) Open() bool { return s != StateClosed }

// transitions lists, per state, the states it may move to.
var transitions = map[State][]State{
	StateNew:        {StateTriaged, StateInProgress, StateWaiting},
	StateTriaged:    {StateInProgress, StateWaiting, StateResolved},
	StateInProgress: {StateWaiting, StateResolved},
	StateWaiting:    {StateInProgress, StateResolved},
	StateResolved:   {StateInProgress, StateClosed},
	StateClosed:     nil,
}

// Next returns the states s may move to.
func (s State) Next() []State { return slices.Clone(transitions[s]) }

// CanMoveTo tells whether the state machine allows s → to.
func (s State) CanMoveTo(to State) bool { return slices.Contains(transitions[s], to) }

// WaitingOn says on whom a waiting incident waits.
type WaitingOn string

// The two reasons to wait.
const (
	WaitingOnClient     WaitingOn = "client"
	WaitingOnThirdParty WaitingOn = "third_party"
)

// Transition is a request to move an incident to another state.
type Transition struct {
	To State `json:"to"`
	// Reason explains the move; required when a solution is rejected.
	Reason string `json:"reason"`
	// Solution is the text sent to the client; required to resolve.
	Solution string `json:"solution"`
	// WaitingOn is required when moving to waiting.
	WaitingOn WaitingOn `json:"waiting_on"`
	// SolutionKind says whether the solution is temporary or structural; required to
	// resolve.
	SolutionKind SolutionKind `json:"solution_kind"`
}

// SolutionKind tells a workaround from a fix of the cause.
type SolutionKind string

// The two kinds of solution.
const (
	SolutionTemporary  SolutionKind = "temporary"
	SolutionStructural SolutionKind = "structural"
)

// SolutionKindNames lists the kinds of solution as strings.
func SolutionKindNames() []string {
	return []string{string(SolutionTemporary), string(SolutionStructural)}
}

// DefaultAutoCloseHours is how long a resolved incident waits for the client's reaction
// when no contract says otherwise.
const DefaultAutoCloseHours = 24

// CheckTransition validates a transition of an incident in state from, made by a client
// (clientSide) or by staff. Clients may only confirm (resolved → closed) or reject
// (resolved → in_progress, with a reason) a solution. It returns ECONFLICT, listing the
// allowed states, when the machine forbids the move.
func CheckTransition(from State, t *Transition, clientSide bool) error {
	var v Validator
	v.OneOf("to", string(t.To), true, StateNames())
	t.Reason = strings.TrimSpace(t.Reason)
	t.Solution = strings.TrimSpace(t.Solution)
	v.Text("reason", t.Reason, false, MaxText, true)
	v.Text("solution", t.Solution, false, MaxText, true)
	if err := v.Err(); err != nil {
		return err
	}
	allowed := from.Next()
	if clientSide {
		allowed = slices.DeleteFunc(allowed, func(s State) bool {
			return !(from == StateResolved && (s == StateClosed || s == StateInProgress))
		})
	}
	if !slices.Contains(allowed, t.To) {
		e := Errorf(ECONFLICT, "an incident that is %s cannot move to %s", from, t.To)
		e.Allowed = names(allowed)
		if e.Allowed == nil {
			e.Allowed = []string{}
		}
		return e
	}
	switch {
	case t.To == StateResolved && t.Solution == "":
		v.Add("solution", "required", "is required to resolve an incident: the client receives it")
	case t.To == StateWaiting:
		v.OneOf("waiting_on", string(t.WaitingOn), true, []string{string(WaitingOnClient), string(WaitingOnThirdParty)})
	case from == StateResolved && t.To == StateInProgress && t.Reason == "":
		v.Add("reason", "required", "is required to reject a solution")
	}
	if t.To != StateWaiting {
		t.WaitingOn = ""
	}
	if t.To == StateResolved {
		v.OneOf("solution_kind", string(t.SolutionKind), true, SolutionKindNames())
	} else {
		t.SolutionKind = ""
	}
	return v.Err()
}
