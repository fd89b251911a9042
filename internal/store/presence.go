package store

import (
	"context"
	"fmt"
	"time"

	"meldpunt/internal/desk"
)

// Who has an incident's page open (issue 13; 0020_incident_presence.sql).

// MarkPresent records that the user has the incident's page open at at, in the page view
// named view: one upsert. A
// row that went stale before (seen before fresh) starts again, so "since" is when this
// visit began.
func (t *tx) MarkPresent(ctx context.Context, incidentID, userID int64, view string, at, fresh time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO incident_presence (incident_id, user_id, since, seen_at, page_view) VALUES ($1, $2, $3, $3, $5)
		ON CONFLICT (incident_id, user_id) DO UPDATE SET seen_at = excluded.seen_at, page_view = excluded.page_view,
		since = CASE WHEN incident_presence.seen_at < $4 THEN excluded.since ELSE incident_presence.since END`,
		incidentID, userID, millis(at), millis(fresh), view)
	if err != nil {
		return fmt.Errorf("mark present: %w", err)
	}
	return nil
}

// DropPresence removes the user's presence on the incident (the page view was left), unless
// another view of theirs renewed it since.
func (t *tx) DropPresence(ctx context.Context, incidentID, userID int64, view string) error {
	if _, err := t.exec(ctx, "DELETE FROM incident_presence WHERE incident_id = $1 AND user_id = $2 AND page_view = $3", incidentID, userID, view); err != nil {
		return fmt.Errorf("drop presence: %w", err)
	}
	return nil
}

// PruneStale deletes the incident's presences last seen before fresh.
func (t *tx) PruneStale(ctx context.Context, incidentID int64, fresh time.Time) error {
	if _, err := t.exec(ctx, "DELETE FROM incident_presence WHERE incident_id = $1 AND seen_at < $2", incidentID, millis(fresh)); err != nil {
		return fmt.Errorf("prune presence: %w", err)
	}
	return nil
}

// Present lists who else has the incident's page open (seen at fresh or later), except
// the user, by the time they opened it.
func (t *tx) Present(ctx context.Context, incidentID, except int64, fresh time.Time) ([]desk.Presence, error) {
	return list(ctx, t, "list presence", func(r row) (desk.Presence, error) {
		var p desk.Presence
		var since, seen int64
		err := r.Scan(&p.UserID, &p.Name, &p.Role, &since, &seen)
		p.Since, p.SeenAt = fromMillis(since), fromMillis(seen)
		return p, err
	}, `SELECT p.user_id, u.name, u.role, p.since, p.seen_at FROM incident_presence p JOIN users u ON u.id = p.user_id
		WHERE p.incident_id = $1 AND p.user_id <> $2 AND p.seen_at >= $3 ORDER BY p.since, p.user_id LIMIT 50`,
		incidentID, except, millis(fresh))
}
