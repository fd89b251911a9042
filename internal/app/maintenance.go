package app

import (
	"context"
	"time"

	"meldpunt/internal/desk"
)

// Scheduled maintenance starts and ends by itself (issue 11): at ScheduledFor a scheduled
// maintenance moves to in_progress, at ScheduledUntil one in progress or being verified
// moves to completed, and MaintenanceReminder before its start its followers are reminded.
// Every instance runs this; each step is claimed with a conditional update in the same
// transaction as its update, audit record and notice, so it happens exactly once.

// DefaultMaintenanceReminder is how long before a maintenance starts its followers are
// reminded, when Config.MaintenanceReminder is zero.
const DefaultMaintenanceReminder = time.Hour

// maintenanceBatch is how many due maintenances one round of the job lists.
const maintenanceBatch = 50

// The messages of the updates Meldpunt posts itself.
var (
	maintenanceStartedText   = desk.Texts{NL: "Het geplande onderhoud is begonnen.", EN: "The scheduled maintenance has started."}
	maintenanceCompletedText = desk.Texts{NL: "Het geplande onderhoud is afgerond.", EN: "The scheduled maintenance has been completed."}
)

// maintenanceActor is who starts and ends maintenances in the audit log.
var maintenanceActor = desk.SystemActor("maintenance schedule")

// RunMaintenance sends the due reminders, starts the due maintenances and completes the
// ended ones; it returns how many steps this call took.
func (s *PublicIncidents) RunMaintenance(ctx context.Context) (int, error) {
	total := 0
	lead := s.cfg.MaintenanceReminder
	if lead <= 0 {
		lead = DefaultMaintenanceReminder
	}
	n, err := s.drain(ctx, "remind of maintenance", maintenanceBatch,
		dueIn(s.db, func(ctx context.Context, tx publicIncidentTx, now time.Time, limit int) ([]int64, error) {
			return tx.DueReminders(ctx, now.Add(lead), limit)
		}),
		claimIn(s.db, s.remind))
	total += n
	if err != nil {
		return total, err
	}
	for _, step := range []struct {
		from, to desk.PublicStatus
		text     desk.Texts
	}{
		{desk.MaintenanceScheduled, desk.MaintenanceInProgress, maintenanceStartedText},
		{desk.MaintenanceInProgress, desk.MaintenanceCompleted, maintenanceCompletedText},
		{desk.MaintenanceVerifying, desk.MaintenanceCompleted, maintenanceCompletedText},
	} {
		n, err := s.drain(ctx, "move maintenance to "+string(step.to), maintenanceBatch,
			dueIn(s.db, func(ctx context.Context, tx publicIncidentTx, now time.Time, limit int) ([]int64, error) {
				return tx.DueMaintenances(ctx, step.from, now, limit)
			}),
			claimIn(s.db, func(ctx context.Context, tx publicIncidentTx, id int64, now time.Time) (bool, error) {
				return s.move(ctx, tx, id, step.from, step.to, step.text)
			}))
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// remind queues the reminder of one maintenance, if no one did yet.
func (s *PublicIncidents) remind(ctx context.Context, tx publicIncidentTx, id int64, now time.Time) (bool, error) {
	ok, err := tx.MarkMaintenanceReminded(ctx, id, now)
	if err != nil || !ok {
		return false, err
	}
	p, err := tx.PublicIncident(ctx, id)
	if err != nil {
		return false, err
	}
	if p.ScheduledFor == nil || !p.ScheduledFor.After(now) {
		return false, nil // it starts now: the start's own notice tells it
	}
	n := noticeOf(desk.NoticeMaintenanceReminder, p, desk.PublicUpdate{})
	n.At = now
	if len(p.Updates) > 0 {
		n.Body = p.Updates[len(p.Updates)-1].Body // the announcement
	}
	return true, s.queueStatusNotice(ctx, tx, n)
}

// move moves one maintenance from one status to the next, if it still has the first: the
// conditional update claims it, then the update, audit record and notice follow.
func (s *PublicIncidents) move(ctx context.Context, tx publicIncidentTx, id int64, from, to desk.PublicStatus, text desk.Texts) (bool, error) {
	p, err := tx.PublicIncident(ctx, id)
	if err != nil || p.Status != from {
		return false, err
	}
	ok, err := tx.MovePublicStatus(ctx, id, from, to, s.clock())
	if err != nil || !ok {
		return false, err
	}
	return true, s.post(ctx, tx, maintenanceActor, &p, desk.UpdateInput{Status: to, Body: text}, nil)
}
