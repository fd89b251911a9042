package store

import (
	"context"
	"database/sql"
)

// WriterForTest exposes the writer pool, so tests can check its pragmas and plant rows
// that no Tx method writes.
func (db *DB) WriterForTest() *sql.DB { return db.write }

// MigrateToForTest applies the pending migrations up to and including version target, so
// tests can build a database as an older release left it.
func (db *DB) MigrateToForTest(ctx context.Context, target int) (int, error) {
	return db.migrate(ctx, target)
}
