package app

import (
	"context"
	"strings"
	"time"

	"meldpunt/internal/desk"
)

// The solution's links (docs/email.md): the solution email carries a Confirm and a Reject
// link that work without signing in. Opening one shows the solution; only submitting its
// form acts, as the incident's reporter, exactly as confirming or rejecting in the portal
// does. A link works while the incident is resolved with the solution it was made for.

// The answers to a link that cannot be used. Both are EUNAUTHORIZED: the person has to sign
// in instead. errors.Is tells them apart.
var (
	ErrSolutionLinkInvalid = &desk.Error{Code: desk.EUNAUTHORIZED, Message: "this link is not valid; sign in to see the incident"}
	ErrSolutionLinkExpired = &desk.Error{Code: desk.EUNAUTHORIZED, Message: "this link has expired; sign in to see the incident"}
)

// The states of a solution link.
const (
	// SolutionLinkOpen: the incident waits for the reaction the link asks for.
	SolutionLinkOpen = "open"
	// SolutionLinkDone: the solution was confirmed, rejected or replaced since (the link was
	// used, or another one was), so the link does nothing any more.
	SolutionLinkDone = "done"
)

// SolutionView is what the page of a solution link shows.
type SolutionView struct {
	IncidentID int64
	Number     string
	Title      string
	// Solution and SolutionKind are the solution the link is about; empty once done.
	Solution     string
	SolutionKind desk.SolutionKind
	// Confirm is the action the link proposes: true to confirm, false to reject.
	Confirm bool
	// AutoCloseAt is when the incident closes by itself without a reaction; nil once done.
	AutoCloseAt *time.Time
	// State is SolutionLinkOpen or SolutionLinkDone.
	State string
	// IncidentState is where the incident stands now.
	IncidentState desk.State
}

// SolutionByLink reads what a solution link shows. It changes nothing: mail scanners open
// links. A damaged or forged token is ErrSolutionLinkInvalid, an expired one
// ErrSolutionLinkExpired.
func (a *Incidents) SolutionByLink(ctx context.Context, token string) (v SolutionView, err error) {
	tok, err := a.solutionToken(ctx, token)
	if err != nil {
		return v, err
	}
	err = a.db.read(ctx, func(tx incidentTx) error {
		inc, err := tx.Incident(ctx, tok.IncidentID)
		if desk.IsNotFound(err) || err == nil && inc.ReporterID == nil { // nobody to act for
			return ErrSolutionLinkInvalid
		}
		if err != nil {
			return err
		}
		v = solutionView(inc, tok)
		return nil
	})
	return v, err
}

// ReactToSolution confirms (resolved → closed) or rejects (→ in_progress, reason required)
// the solution a link is about, as the incident's reporter, who must still be active. The
// timeline, notifications and audit record are those of the portal's Confirm and Reject;
// the audit record adds "via": "email_link". A link that is done is ECONFLICT.
func (a *Incidents) ReactToSolution(ctx context.Context, token string, confirm bool, reason, address string) (inc desk.Incident, err error) {
	tok, err := a.solutionToken(ctx, token)
	if err != nil {
		return inc, err
	}
	var actor desk.Actor
	now := a.clock()
	err = a.db.write(ctx, func(tx incidentTx) error {
		inc, err = tx.Incident(ctx, tok.IncidentID)
		if desk.IsNotFound(err) {
			return ErrSolutionLinkInvalid
		}
		if err != nil {
			return err
		}
		if solutionView(inc, tok).State != SolutionLinkOpen {
			return desk.Errorf(desk.ECONFLICT, "this link was used already, or the solution changed since: the incident is %s; sign in to see it", inc.State)
		}
		if inc.ReporterID == nil {
			return ErrSolutionLinkInvalid
		}
		u, err := tx.User(ctx, *inc.ReporterID)
		if desk.IsNotFound(err) || err == nil && !u.Active {
			return desk.Errorf(desk.EUNAUTHORIZED, "the account that reported this incident is no longer active; sign in to react")
		}
		if err != nil {
			return err
		}
		actor = actorFor(u, address)
		if !canSeeIncident(actor, inc) { // a reporter who moved to another organisation
			return ErrSolutionLinkInvalid
		}
		t := desk.Transition{To: desk.StateClosed}
		if !confirm {
			t = desk.Transition{To: desk.StateInProgress, Reason: reason}
		}
		return a.transition(ctx, tx, actor, &inc, t, now, "email_link")
	})
	hideFromClient(actor, &inc)
	return inc, err
}

// solutionToken checks a link's token at the app's clock, telling an expired token (its
// MAC is right) from a damaged or forged one.
func (a *core) solutionToken(ctx context.Context, token string) (SolutionToken, error) {
	token = strings.TrimSpace(token)
	tok, err := a.parseSolutionToken(ctx, token, a.clock())
	if err == nil {
		return tok, nil
	}
	if desk.ErrorCode(err) != desk.EUNAUTHORIZED {
		return tok, err
	}
	if _, err := a.parseSolutionToken(ctx, token, time.Time{}); err == nil {
		return tok, ErrSolutionLinkExpired
	}
	return tok, ErrSolutionLinkInvalid
}

// solutionView says what a link shows of an incident: open while the incident is resolved
// with the solution the link was made for.
func solutionView(inc desk.Incident, tok SolutionToken) SolutionView {
	v := SolutionView{IncidentID: inc.ID, Number: inc.Number, Title: inc.Title, Confirm: tok.Confirm,
		State: SolutionLinkDone, IncidentState: inc.State}
	if inc.State == desk.StateResolved && inc.ResolvedAt != nil && inc.ResolvedAt.UnixMilli() == tok.ResolvedAt.UnixMilli() {
		v.State, v.Solution, v.SolutionKind, v.AutoCloseAt = SolutionLinkOpen, inc.Solution, inc.SolutionKind, inc.AutoCloseAt
	}
	return v
}
