package store

import (
	"context"
	"database/sql"
	"fmt"

	"meldpunt/internal/desk"
)

// Notify queues a notification and sets n.ID. It is written in the transaction of the
// change that causes it, so a message is queued exactly when the change is stored.
func (t *tx) Notify(ctx context.Context, n *desk.Notification) error {
	err := t.queryRow(ctx, `INSERT INTO notifications (kind, user_id, incident_id, payload, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		n.Kind, n.UserID, nullID(n.IncidentID), n.Payload, millis(n.CreatedAt)).Scan(&n.ID)
	if err != nil {
		return writeErr(err, "queue notification", "", "the notification refers to a user or incident that does not exist")
	}
	return nil
}

// Notifications lists the queued notifications of a user, oldest first.
func (t *tx) Notifications(ctx context.Context, userID int64) ([]desk.Notification, error) {
	rows, err := t.query(ctx, `SELECT id, kind, user_id, incident_id, payload, created_at
		FROM notifications WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list notifications: %w", err)
	}
	defer rows.Close()
	list := []desk.Notification{}
	for rows.Next() {
		var n desk.Notification
		var incident sql.NullInt64
		var created int64
		if err := rows.Scan(&n.ID, &n.Kind, &n.UserID, &incident, &n.Payload, &created); err != nil {
			return nil, fmt.Errorf("list notifications: %w", err)
		}
		n.IncidentID, n.CreatedAt = fromNullID(incident), fromMillis(created)
		list = append(list, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list notifications: %w", err)
	}
	return list, nil
}
