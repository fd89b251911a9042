package app

import (
	"context"
	"time"

	"meldpunt/internal/desk"
)

// Presence tells staff who else has an incident's page open (issue 13): the page records
// the viewer when it is shown, renews it every desk.PresenceEvery while it stays open, and
// drops it when it is left. A presence not renewed for desk.PresenceTTL no longer counts.
// It lives in the database, so every instance sees the same. Clients are never recorded
// and never see it: for them every method does nothing.
type Presence struct {
	*core
	db txn[presenceTx]
}

// presenceTx is what Presence reads and writes.
type presenceTx interface {
	IncidentStore
	PresenceStore
}

// PresenceStore keeps who has an incident's page open.
type PresenceStore interface {
	// MarkPresent records the user on the incident at at (one upsert); a row last seen
	// before fresh starts a new visit.
	MarkPresent(ctx context.Context, incidentID, userID int64, view string, at, fresh time.Time) error
	// DropPresence removes the user's presence on the incident, if the page view named
	// view wrote it last.
	DropPresence(ctx context.Context, incidentID, userID int64, view string) error
	// PruneStale deletes the incident's presences last seen before fresh.
	PruneStale(ctx context.Context, incidentID int64, fresh time.Time) error
	// Present lists who else (not except) was seen on the incident at fresh or later.
	Present(ctx context.Context, incidentID, except int64, fresh time.Time) ([]desk.Presence, error)
}

// recorded tells whether the actor's views are recorded: staff with an account.
func recorded(actor desk.Actor) bool { return actor.Role.IsStaff() && actor.UserID != 0 }

// Open records that the actor opened the incident's page (the page view named view: a
// random token of the page), forgets the presences that went stale, and returns who else
// has it open.
func (p *Presence) Open(ctx context.Context, actor desk.Actor, incidentID int64, view string) ([]desk.Presence, error) {
	return p.mark(ctx, actor, incidentID, view, true)
}

// Renew records that the actor still has the page view open and returns who else has.
func (p *Presence) Renew(ctx context.Context, actor desk.Actor, incidentID int64, view string) ([]desk.Presence, error) {
	return p.mark(ctx, actor, incidentID, view, false)
}

// maxView is the longest page view token kept.
const maxView = 64

func (p *Presence) mark(ctx context.Context, actor desk.Actor, incidentID int64, view string, prune bool) (ps []desk.Presence, err error) {
	if !recorded(actor) {
		return nil, nil
	}
	if len(view) > maxView {
		return nil, invalid("view", "max_length", "must be at most 64 characters")
	}
	now := p.clock()
	fresh := now.Add(-desk.PresenceTTL)
	err = p.db.write(ctx, func(tx presenceTx) error {
		if _, err := visibleIncident(ctx, tx, actor, incidentID); err != nil {
			return err
		}
		if prune {
			if err := tx.PruneStale(ctx, incidentID, fresh); err != nil {
				return err
			}
		}
		if err := tx.MarkPresent(ctx, incidentID, actor.UserID, view, now, fresh); err != nil {
			return err
		}
		ps, err = tx.Present(ctx, incidentID, actor.UserID, fresh)
		return err
	})
	return ps, err
}

// Leave drops the actor's presence on the incident: the page view was closed or left. A
// newer view of the same person (the page shown again after a form) keeps it.
func (p *Presence) Leave(ctx context.Context, actor desk.Actor, incidentID int64, view string) error {
	if !recorded(actor) {
		return nil
	}
	return p.db.write(ctx, func(tx presenceTx) error {
		return tx.DropPresence(ctx, incidentID, actor.UserID, view)
	})
}
