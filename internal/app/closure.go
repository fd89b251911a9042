package app

import (
	"context"
	"strconv"
	"time"

	"meldpunt/internal/desk"
)

// The closure loop (docs/closure.md): a resolved incident waits for the client. Confirm
// closes it, Reject (with a reason) or a reply reopens it, and without a reaction it closes
// by itself at auto_close_at: the resolved time plus the contract's AutoCloseHours, exactly.

// autoCloseBatch is how many due incidents RunAutoClose reads at a time.
const autoCloseBatch = 100

// autoCloseHours returns the delay of the incident's organisation's newest active contract,
// desk.DefaultAutoCloseHours without one (or when it names none).
func autoCloseHours(ctx context.Context, tx OrganisationStore, inc desk.Incident) (int, error) {
	c, err := tx.ActiveContract(ctx, inc.OrgID)
	if err != nil && !desk.IsNotFound(err) {
		return 0, err
	}
	if err == nil && c.AutoCloseHours > 0 {
		return c.AutoCloseHours, nil
	}
	return desk.DefaultAutoCloseHours, nil
}

// autoCloseAt returns when an incident resolved at now closes by itself: wall-clock hours,
// not business hours.
func autoCloseAt(ctx context.Context, tx OrganisationStore, inc desk.Incident, now time.Time) (time.Time, error) {
	h, err := autoCloseHours(ctx, tx, inc)
	if err != nil {
		return time.Time{}, err
	}
	return now.Add(time.Duration(h) * time.Hour), nil
}

// notifyOwnerRejected tells the owner (when there is one and it is not the actor) that the
// solution was rejected or the incident reopened, with the reason.
func notifyOwnerRejected(ctx context.Context, tx OutboxStore, actor desk.Actor, inc desk.Incident, reason string, now time.Time) error {
	if inc.OwnerID == nil || *inc.OwnerID == actor.UserID {
		return nil
	}
	return notify(ctx, tx, *inc.OwnerID, inc, desk.NotifySolutionRejected, now, map[string]any{
		"number": inc.Number, "title": inc.Title, "reason": reason, "by": actor.Name})
}

// reopenReason is what the timeline, the audit log and the owner's notification say when a
// client's reply reopens a resolved incident.
const reopenReason = "The client replied to the solution; the incident is reopened."

// reopenOnReply moves a resolved incident back to in_progress because the client replied:
// the reply is a reaction, so the automatic close is cancelled and the SLA clock resumes.
func (a *core) reopenOnReply(ctx context.Context, tx transitionTx, actor desk.Actor, inc *desk.Incident, now time.Time) error {
	before := *inc
	inc.Reopen(now)
	if err := a.resumeSLA(ctx, tx, inc, now); err != nil {
		return err
	}
	if err := tx.UpdateIncident(ctx, inc); err != nil {
		return err
	}
	e := desk.TimelineEntry{
		IncidentID: inc.ID, Kind: desk.EntryState, Visibility: desk.Public, AuthorName: actor.Name,
		FromState: desk.StateResolved, ToState: desk.StateInProgress, Body: reopenReason,
		Event: desk.EventReopened, CreatedAt: now,
	}
	if actor.UserID != 0 {
		e.AuthorID = ptr(actor.UserID)
	}
	if err := tx.AddTimelineEntry(ctx, &e); err != nil {
		return err
	}
	if err := notifyOwnerRejected(ctx, tx, actor, *inc, reopenReason, now); err != nil {
		return err
	}
	if err := a.publishTransition(ctx, tx, actor, desk.StateResolved, *inc, now, false); err != nil {
		return err
	}
	return audit(ctx, tx, actor, now, "incident", inc.ID, &inc.OrgID, "reopen",
		before, map[string]any{"state": inc.State, "auto_close_at": nil, "resolved_at": nil, "reason": reopenReason})
}

// closeActor is who closes incidents automatically.
var closeActor = desk.SystemActor("Meldpunt")

// RunAutoClose closes every resolved incident whose auto_close_at has come, and returns how
// many this call closed. Any number of instances may run it at once: each incident is
// claimed with a conditional update (state still resolved, deadline passed), and only the
// transaction that changed the row writes the timeline, the audit record and the
// notification.
func (a *Incidents) RunAutoClose(ctx context.Context) (int, error) {
	return a.drain(ctx, "auto-close incident", autoCloseBatch,
		dueIn(a.db, func(ctx context.Context, tx incidentTx, now time.Time, limit int) ([]int64, error) {
			return tx.DueAutoCloses(ctx, now, limit)
		}),
		claimIn(a.db, func(ctx context.Context, tx incidentTx, id int64, now time.Time) (bool, error) {
			return a.autoClose(ctx, tx, id, now)
		}))
}

// autoCloseTx is what autoClose reads and writes.
type autoCloseTx interface {
	eventTx
	AuditStore
	OutboxStore
}

// autoClose closes one incident if it is still due, and when this transaction closed it
// writes the public timeline entry, the audit record and the reporter's notification.
func (a *core) autoClose(ctx context.Context, tx autoCloseTx, id int64, now time.Time) (bool, error) {
	before, err := tx.Incident(ctx, id)
	if err != nil || !before.AutoCloseDue(now) {
		return false, err
	}
	inc := before
	inc.Close(now)
	// The update holds only while the incident is the version read above: of several
	// instances closing it at once, the others find a newer version (ECONFLICT) and leave it.
	if err := tx.UpdateIncident(ctx, &inc); desk.ErrorCode(err) == desk.ECONFLICT {
		return false, nil
	} else if err != nil {
		return false, err
	}
	hours := desk.DefaultAutoCloseHours
	if before.ResolvedAt != nil && before.AutoCloseAt != nil {
		hours = int(before.AutoCloseAt.Sub(*before.ResolvedAt).Round(time.Hour) / time.Hour)
	}
	reason := "no reaction within " + strconv.Itoa(hours) + " hours"
	e := desk.TimelineEntry{
		IncidentID: inc.ID, Kind: desk.EntryState, Visibility: desk.Public, AuthorName: closeActor.Name,
		FromState: desk.StateResolved, ToState: desk.StateClosed,
		Body:  "Closed automatically: " + reason + ".",
		Event: desk.EventAutoClosed, Args: []string{"hours:" + strconv.Itoa(hours)}, CreatedAt: now,
	}
	if err := tx.AddTimelineEntry(ctx, &e); err != nil {
		return false, err
	}
	if inc.ReporterID != nil {
		if err := notify(ctx, tx, *inc.ReporterID, inc, desk.NotifyAutoClosed, now, map[string]any{
			"number": inc.Number, "title": inc.Title, "hours": hours, "reason": reason}); err != nil {
			return false, err
		}
	}
	if err := a.publishTransition(ctx, tx, closeActor, desk.StateResolved, inc, now, true); err != nil {
		return false, err
	}
	return true, audit(ctx, tx, closeActor, now, "incident", inc.ID, &inc.OrgID, "auto_close",
		map[string]any{"state": before.State, "auto_close_at": before.AutoCloseAt},
		map[string]any{"state": inc.State, "closed_at": inc.ClosedAt, "auto_close_at": nil, "reason": reason})
}
