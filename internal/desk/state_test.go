package desk

import (
	"slices"
	"testing"
)

func TestCheckTransition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		from      State
		tr        Transition
		client    bool
		wantCode  string
		wantField string
		allowed   []string
	}{
		{"triage a new incident", StateNew, Transition{To: StateTriaged}, false, "", "", nil},
		{"start work", StateTriaged, Transition{To: StateInProgress}, false, "", "", nil},
		{"wait on the client", StateInProgress, Transition{To: StateWaiting, WaitingOn: WaitingOnClient}, false, "", "", nil},
		{"wait needs on whom", StateInProgress, Transition{To: StateWaiting}, false, EINVALID, "waiting_on", nil},
		{"wait on nonsense", StateInProgress, Transition{To: StateWaiting, WaitingOn: "moon"}, false, EINVALID, "waiting_on", nil},
		{"resume after waiting", StateWaiting, Transition{To: StateInProgress}, false, "", "", nil},
		{"resolve with a solution", StateInProgress, Transition{To: StateResolved, Solution: "Restarted the service.", SolutionKind: SolutionTemporary}, false, "", "", nil},
		{"resolve needs a solution kind", StateInProgress, Transition{To: StateResolved, Solution: "Restarted the service."}, false, EINVALID, "solution_kind", nil},
		{"resolve with an unknown solution kind", StateInProgress, Transition{To: StateResolved, Solution: "Restarted.", SolutionKind: "forever"}, false, EINVALID, "solution_kind", nil},
		{"resolve needs a solution", StateInProgress, Transition{To: StateResolved, Solution: "  ", SolutionKind: SolutionStructural}, false, EINVALID, "solution", nil},
		{"closed is final", StateClosed, Transition{To: StateInProgress}, false, ECONFLICT, "", []string{}},
		{"new cannot jump to closed", StateNew, Transition{To: StateClosed}, false, ECONFLICT, "", []string{"triaged", "in_progress", "waiting"}},
		{"unknown state", StateNew, Transition{To: "done"}, false, EINVALID, "to", nil},
		{"client confirms", StateResolved, Transition{To: StateClosed}, true, "", "", nil},
		{"client rejects with a reason", StateResolved, Transition{To: StateInProgress, Reason: "Still broken."}, true, "", "", nil},
		{"client rejects without a reason", StateResolved, Transition{To: StateInProgress}, true, EINVALID, "reason", nil},
		{"staff reopen without a reason", StateResolved, Transition{To: StateInProgress}, false, EINVALID, "reason", nil},
		{"client cannot triage", StateNew, Transition{To: StateTriaged}, true, ECONFLICT, "", []string{}},
		{"client cannot resolve", StateInProgress, Transition{To: StateResolved, Solution: "x"}, true, ECONFLICT, "", []string{}},
		{"reason too long", StateResolved, Transition{To: StateClosed, Reason: string(make([]byte, MaxText+1))}, false, EINVALID, "reason", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := tt.tr
			err := CheckTransition(tt.from, &tr, tt.client)
			if got := ErrorCode(err); got != tt.wantCode {
				t.Fatalf("code %q, want %q (err %v)", got, tt.wantCode, err)
			}
			e, _ := err.(*Error)
			if tt.wantField != "" && (e == nil || len(e.Fields) == 0 || e.Fields[0].Field != tt.wantField) {
				t.Fatalf("error %v does not name field %q", err, tt.wantField)
			}
			if tt.allowed != nil && !slices.Equal(e.Allowed, tt.allowed) {
				t.Fatalf("allowed %v, want %v", e.Allowed, tt.allowed)
			}
		})
	}
}

func TestStateMachineIsConnected(t *testing.T) {
	t.Parallel()
	// Every state is reachable from new, and every open state can reach closed.
	reach := map[State]bool{StateNew: true}
	for changed := true; changed; {
		changed = false
		for s := range reach {
			for _, n := range s.Next() {
				if !reach[n] {
					reach[n], changed = true, true
				}
			}
		}
	}
	for _, s := range States {
		if !reach[s] {
			t.Errorf("%s is not reachable from new", s)
		}
		if s.Open() && len(s.Next()) == 0 {
			t.Errorf("open state %s is a dead end", s)
		}
	}
	if StateClosed.Open() || len(StateClosed.Next()) != 0 {
		t.Error("closed must be final")
	}
}
