package store

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps prepared statements per query text, so SQLite parses each statement once
// per connection instead of on every call: parsing was a fifth of the CPU time of creating
// an incident. pgx has its own statement cache, so PostgreSQL does not use this one.
//
// A statement is never prepared inside a transaction: the writer pool has one connection,
// which the transaction holds, so preparing there would wait for itself. A miss runs the
// query unprepared and is prepared after the transaction ends (prepareMissed).
type stmtCache struct {
	db     *sql.DB
	mu     sync.Mutex
	stmts  map[string]*sql.Stmt
	missed map[string]bool
}

// maxCached bounds the cache: queries built from filters vary, and each variant is kept.
const maxCached = 256

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}, missed: map[string]bool{}}
}

// get returns the prepared statement for query, or nil (noting the miss) when it has none.
func (c *stmtCache) get(query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stmts[query]
	if s == nil && len(c.stmts)+len(c.missed) < maxCached {
		c.missed[query] = true
	}
	return s
}

// prepareMissed prepares the queries that missed; call it outside any transaction. A query
// that fails to prepare is left to run unprepared, where its error is reported.
func (c *stmtCache) prepareMissed(ctx context.Context) {
	if c == nil {
		return
	}
	c.mu.Lock()
	var todo []string
	for q := range c.missed {
		todo = append(todo, q)
	}
	clear(c.missed)
	c.mu.Unlock()
	for _, q := range todo {
		s, err := c.db.PrepareContext(ctx, q)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if c.stmts == nil || c.stmts[q] != nil {
			_ = s.Close() // closed meanwhile, or prepared by another caller
		} else {
			c.stmts[q] = s
		}
		c.mu.Unlock()
	}
}

// close closes every cached statement.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.stmts {
		_ = s.Close()
	}
	c.stmts = nil
}

func (t *tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = t.statementContext(ctx)
	if s := t.stmts.get(query); s != nil {
		return t.tx.StmtContext(ctx, s).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

func (t *tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = t.statementContext(ctx)
	if s := t.stmts.get(query); s != nil {
		return t.tx.StmtContext(ctx, s).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

func (t *tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = t.statementContext(ctx)
	if s := t.stmts.get(query); s != nil {
		return t.tx.StmtContext(ctx, s).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

// insert runs an INSERT of one row, written without RETURNING, and returns the row's id:
// on SQLite from the statement's result, on PostgreSQL with RETURNING id. On SQLite,
// RETURNING made the insert a query, and the result set's bookkeeping in database/sql and
// the driver (a goroutine watching the transaction among it) cost more than the insert.
// The rows every change writes (incident, timeline entry, audit record, notification) go
// through here.
func (t *tx) insert(ctx context.Context, query string, args ...any) (int64, error) {
	if t.dialect == DialectSQLite {
		res, err := t.exec(ctx, query, args...)
		if err != nil {
			return 0, err
		}
		return res.LastInsertId()
	}
	var id int64
	err := t.queryRow(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, err
}

// statementContext is the context a statement runs with. In a group commit (detach) a
// caller's cancellation is checked before each statement, and a cancelled caller's next
// statement fails, so its savepoint is rolled back; a statement that has started runs to
// its end. Handing the drivers a context that cannot be cancelled spares two goroutines
// per statement (database/sql and modernc.org/sqlite each start one to watch a context
// that can), which on the single writer cost a sixth of the time of creating an incident.
func (t *tx) statementContext(ctx context.Context) context.Context {
	if t.detach && ctx.Err() == nil {
		return context.WithoutCancel(ctx)
	}
	return ctx
}
