package store

import (
	"context"
	"time"
)

// DueAutoCloses lists the ids of at most limit resolved incidents whose auto_close_at is at
// or before now, the longest overdue first.
func (t *tx) DueAutoCloses(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	return t.ids(ctx, "due auto-closes", `SELECT id FROM incidents WHERE state = 'resolved' AND auto_close_at IS NOT NULL
		AND auto_close_at <= $1 ORDER BY auto_close_at, id LIMIT $2`, millis(now), max(limit, 1))
}
