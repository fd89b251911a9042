package desk

// NextStep says in one word who acts next on an incident, for the client's status view
// (docs/status-page.md "Your own status, signed in"): the page and GET /api/v1/status put
// it in words. It follows from the state, whom a waiting incident waits on, and the desk's
// assessment of an urgent report.
type NextStep string

// The next steps.
const (
	NextAssessment NextStep = "assessment"  // an urgent report waits for the desk's assessment
	NextTriage     NextStep = "triage"      // registered; the desk has not looked at it yet
	NextDesk       NextStep = "desk"        // the desk is working on it
	NextReply      NextStep = "reply"       // the desk waits for the client's reply
	NextThirdParty NextStep = "third_party" // the desk waits for a third party
	NextConfirm    NextStep = "confirm"     // a solution is proposed: confirm or reject it
	NextNone       NextStep = "none"        // closed: nothing left to do
)

// NextStepOf tells who acts next on the incident.
func NextStepOf(in Incident) NextStep {
	switch in.State {
	case StateNew:
		if in.Assessment == AssessmentPending {
			return NextAssessment
		}
		return NextTriage
	case StateWaiting:
		if in.WaitingOn == WaitingOnClient {
			return NextReply
		}
		return NextThirdParty
	case StateResolved:
		return NextConfirm
	case StateClosed:
		return NextNone
	}
	return NextDesk
}
