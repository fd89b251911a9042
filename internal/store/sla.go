package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// markSQL holds, per SLA mark, the flag it sets, the time it waits for, and the condition
// under which it is due. The conditions repeat the predicates of the incidents_sla_* indexes
// (0004_sla.sql) word for word, so both databases read only the incidents still waiting;
// the comparison with the time implies the "IS NOT NULL" that 0009_sparse_indexes.sql added.
var markSQL = map[desk.SLAMark]struct{ flag, at, cond string }{
	desk.MarkResponseWarning: {"response_warned", "response_warn_at",
		"response_warned = FALSE AND first_response_at IS NULL AND state <> 'closed' AND response_warn_at <= %s"},
	desk.MarkResponseBreach: {"response_breached", "response_due_at",
		"response_breached = FALSE AND first_response_at IS NULL AND state <> 'closed' AND response_due_at < %s"},
	desk.MarkResolveWarning: {"resolve_warned", "resolve_warn_at",
		"resolve_warned = FALSE AND paused_since_at IS NULL AND state <> 'closed' AND resolve_warn_at <= %s"},
	desk.MarkResolveBreach: {"resolve_breached", "resolve_due_at",
		"resolve_breached = FALSE AND paused_since_at IS NULL AND state <> 'closed' AND resolve_due_at < %s"},
}

// DueSLAMarks lists the ids of at most limit open incidents whose mark m is due at now and
// not yet set, the longest overdue first (see desk.Incident.Due).
func (t *tx) DueSLAMarks(ctx context.Context, m desk.SLAMark, now time.Time, limit int) ([]int64, error) {
	q, ok := markSQL[m]
	if !ok {
		return nil, fmt.Errorf("due SLA marks: unknown mark %q", m)
	}
	return t.ids(ctx, "due SLA marks", "SELECT id FROM incidents WHERE "+fmt.Sprintf(q.cond, "$1")+
		" ORDER BY "+q.at+", id LIMIT $2", millis(now), max(limit, 1))
}

// MarkSLA sets mark m of the incident if it is still due at now and not yet set, and tells
// whether this call set it: of several transactions that try at once, exactly one changes
// the row. It increments the version, so a change based on the incident as it was before
// fails with ECONFLICT instead of clearing the flag again.
func (t *tx) MarkSLA(ctx context.Context, id int64, m desk.SLAMark, now time.Time) (bool, error) {
	q, ok := markSQL[m]
	if !ok {
		return false, fmt.Errorf("mark SLA: unknown mark %q", m)
	}
	res, err := t.exec(ctx, "UPDATE incidents SET "+q.flag+" = TRUE, version = version + 1 WHERE id = $1 AND "+
		fmt.Sprintf(q.cond, "$2"), id, millis(now))
	if err != nil {
		return false, fmt.Errorf("mark SLA: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("mark SLA: %w", err)
	}
	return n == 1, nil
}

// Calendar returns the stored calendar with that slug; ENOTFOUND when none is stored.
func (t *tx) Calendar(ctx context.Context, slug string) (app.StoredCalendar, error) {
	return scanCalendar(t.queryRow(ctx, "SELECT slug, definition, updated_at FROM calendars WHERE slug = $1", slug))
}

func scanCalendar(row row) (app.StoredCalendar, error) {
	var c app.StoredCalendar
	var slug, def string
	var updated int64
	if err := row.Scan(&slug, &def, &updated); err != nil {
		return c, readErr(err, "read calendar", "calendar")
	}
	if err := json.Unmarshal([]byte(def), &c.Calendar); err != nil {
		return c, fmt.Errorf("read calendar %s: %w", slug, err)
	}
	c.Calendar.Slug, c.UpdatedAt = slug, fromMillis(updated)
	return c, nil
}

// Calendars lists the stored calendars by slug.
func (t *tx) Calendars(ctx context.Context) ([]app.StoredCalendar, error) {
	return list(ctx, t, "list calendars", scanCalendar, "SELECT slug, definition, updated_at FROM calendars ORDER BY slug")
}

// PutCalendar stores a calendar under its slug, replacing an earlier version.
func (t *tx) PutCalendar(ctx context.Context, c app.StoredCalendar) error {
	def, err := json.Marshal(c.Calendar)
	if err != nil {
		return fmt.Errorf("put calendar %s: %w", c.Calendar.Slug, err)
	}
	_, err = t.exec(ctx, `INSERT INTO calendars (slug, definition, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (slug) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at`,
		c.Calendar.Slug, string(def), millis(c.UpdatedAt))
	if err != nil {
		return fmt.Errorf("put calendar %s: %w", c.Calendar.Slug, err)
	}
	return nil
}

// Analyze refreshes the query planner's statistics of every table. PostgreSQL's autovacuum
// does this by itself some time after many rows changed; a benchmark that has just loaded
// 100,000 incidents calls it so that it measures the plans a running installation gets.
func (db *DB) Analyze(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}
