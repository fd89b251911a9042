package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"meldpunt/internal/desk"
)

// WriterForTest exposes the writer pool, so tests can check its pragmas and plant rows
// that no Tx method writes.
func (db *DB) WriterForTest() *sql.DB { return db.write }

// MigrateToForTest applies the pending migrations up to and including version target, so
// tests can build a database as an older release left it.
func (db *DB) MigrateToForTest(ctx context.Context, target int) (int, error) {
	return db.migrate(ctx, target)
}

// QueuePlanForTest returns SQLite's query plan of the incident list with filter f, one step
// a line, so a test can check that the queue reads its index instead of sorting.
func QueuePlanForTest(ctx context.Context, db *DB, f desk.IncidentFilter) string {
	q, args := incidentsQuery(f)
	return planForTest(ctx, db, q, args...)
}

// DueSLAMarksPlanForTest returns SQLite's query plan of DueSLAMarks for mark m.
func DueSLAMarksPlanForTest(ctx context.Context, db *DB, m desk.SLAMark) string {
	q := markSQL[m]
	return planForTest(ctx, db, "SELECT id FROM incidents WHERE "+fmt.Sprintf(q.cond, "$1")+
		" ORDER BY "+q.at+", id LIMIT $2", int64(0), 10)
}

func planForTest(ctx context.Context, db *DB, q string, args ...any) string {
	rows, err := db.write.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		return "error: " + err.Error()
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "error: " + err.Error()
		}
		b.WriteString(detail + "\n")
	}
	return b.String()
}

// QueueSQLForTest returns the query of the incident list with filter f and its arguments.
func QueueSQLForTest(f desk.IncidentFilter) (string, []any) { return incidentsQuery(f) }
