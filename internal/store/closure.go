package store

import (
	"context"
	"fmt"
	"time"
)

// DueAutoCloses lists the ids of at most limit resolved incidents whose auto_close_at is at
// or before now, the longest overdue first.
func (t *tx) DueAutoCloses(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	rows, err := t.query(ctx, `SELECT id FROM incidents WHERE state = 'resolved' AND auto_close_at IS NOT NULL
		AND auto_close_at <= $1 ORDER BY auto_close_at, id LIMIT $2`, millis(now), max(limit, 1))
	if err != nil {
		return nil, fmt.Errorf("due auto-closes: %w", err)
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("due auto-closes: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("due auto-closes: %w", err)
	}
	return ids, nil
}

// AutoCloseIncident closes the incident if it is still resolved and due at now, and tells
// whether this call closed it: of several transactions that try at once, exactly one
// changes the row. It increments the version, so a change based on the incident as it was
// before fails with ECONFLICT.
func (t *tx) AutoCloseIncident(ctx context.Context, id int64, now time.Time) (bool, error) {
	return t.changed(ctx, "auto-close incident", `UPDATE incidents SET state = 'closed', closed_at = $2,
		updated_at = $2, auto_close_at = NULL, waiting_on = '', version = version + 1
		WHERE id = $1 AND state = 'resolved' AND auto_close_at IS NOT NULL AND auto_close_at <= $2`, id, millis(now))
}
