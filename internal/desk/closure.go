package desk

import "time"

// The closure loop (docs/closure.md): a resolved incident waits for the client, who
// confirms the solution (the incident closes) or rejects it (it is worked again); without a
// reaction it closes by itself at AutoCloseAt, the resolved time plus the contract's delay.

// Close closes the incident at now, by a person's confirmation or by itself: it records
// when, and a closed incident waits for nothing and closes by itself no more.
func (in *Incident) Close(now time.Time) {
	in.State, in.ClosedAt, in.UpdatedAt = StateClosed, &now, now
	in.AutoCloseAt, in.WaitingOn = nil, ""
}

// AutoCloseDue tells whether the incident closes by itself at now: it is resolved and its
// automatic close has come.
func (in *Incident) AutoCloseDue(now time.Time) bool {
	return in.State == StateResolved && in.AutoCloseAt != nil && !in.AutoCloseAt.After(now)
}

// Reopen puts a resolved incident back to work at now (the client rejected the solution,
// or replied to it): the solution no longer stands, so it closes by itself no more.
func (in *Incident) Reopen(now time.Time) {
	in.State, in.WaitingOn, in.UpdatedAt = StateInProgress, "", now
	in.ResolvedAt, in.AutoCloseAt = nil, nil
}
