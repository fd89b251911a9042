package desk

import "testing"

func TestNextStepOf(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		in   Incident
		want NextStep
	}{
		{"urgent report before assessment", Incident{State: StateNew, Assessment: AssessmentPending}, NextAssessment},
		{"new regular incident", Incident{State: StateNew}, NextTriage},
		{"approved report still new", Incident{State: StateNew, Assessment: AssessmentApproved}, NextTriage},
		{"triaged", Incident{State: StateTriaged}, NextDesk},
		{"in progress", Incident{State: StateInProgress}, NextDesk},
		{"waiting on the client", Incident{State: StateWaiting, WaitingOn: WaitingOnClient}, NextReply},
		{"waiting on a third party", Incident{State: StateWaiting, WaitingOn: WaitingOnThirdParty}, NextThirdParty},
		{"resolved", Incident{State: StateResolved}, NextConfirm},
		{"closed", Incident{State: StateClosed}, NextNone},
	} {
		if got := NextStepOf(c.in); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
