package store

import "database/sql"

// WriterForTest exposes the writer pool, so tests can check its pragmas and plant rows
// that no Tx method writes.
func (db *DB) WriterForTest() *sql.DB { return db.write }
