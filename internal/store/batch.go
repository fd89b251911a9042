package store

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"meldpunt/internal/app"
)

// SQLite has one writer, and with synchronous=FULL each commit waits for the disk. Group
// commit lets write transactions that arrive while another commits share the next commit:
// each runs in its own savepoint inside one SQLite transaction, so a failing one rolls back
// alone, and each caller is answered only after the commit that holds its work. Nothing is
// acknowledged before it is durable; under load, one fsync serves many requests.
//
// There is no background goroutine: the first caller to find the writer idle leads. It runs
// the queue in batches until its own work is answered, then hands the lead to the next
// waiting caller, so nobody waits on work that is not theirs for longer than a batch.
//
// A caller's statements run with a context the driver cannot cancel; the caller's own is
// checked before each statement (tx.statementContext), so a caller that gives up stops at
// its next statement and its savepoint is rolled back.

// maxBatch bounds how many write transactions share a commit.
const maxBatch = 64

// errLead tells a waiting caller that it now leads.
var errLead = errors.New("lead the next batch")

type writeReq struct {
	ctx  context.Context
	fn   func(app.Tx) error
	done chan error // the result, or errLead
}

type groupCommit struct {
	mu    sync.Mutex
	queue []*writeReq
	busy  bool
}

// writeGrouped runs fn as part of the next group commit.
func (db *DB) writeGrouped(ctx context.Context, fn func(app.Tx) error) error {
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	g := &db.group
	g.mu.Lock()
	g.queue = append(g.queue, req)
	lead := !g.busy
	g.busy = true
	g.mu.Unlock()
	if !lead {
		// Wait even if ctx ends: once queued, the work may run, and the caller must learn
		// whether it did. A batch is short; a cancelled request is skipped, not run.
		err := <-req.done
		if p, ok := err.(*panicked); ok {
			panic(p.value)
		}
		if err != errLead {
			return err
		}
	}
	for {
		g.mu.Lock()
		n := min(len(g.queue), maxBatch)
		batch := g.queue[:n:n]
		g.queue = g.queue[n:]
		g.mu.Unlock()
		db.runBatch(batch)
		select {
		case err := <-req.done: // our own work is answered: pass the lead on and go
			g.mu.Lock()
			if len(g.queue) == 0 {
				g.busy = false
			} else {
				g.queue[0].done <- errLead
			}
			g.mu.Unlock()
			if p, ok := err.(*panicked); ok {
				panic(p.value)
			}
			return err
		default: // our work is further down the queue
		}
	}
}

// runBatch runs the requests in one transaction, each in a savepoint, and answers each.
func (db *DB) runBatch(batch []*writeReq) {
	defer db.writeStmts.prepareMissed(context.Background())
	results := make([]error, len(batch))
	answer := func() {
		for i, r := range batch {
			r.done <- results[i]
		}
	}
	fail := func(err error) { // the whole batch failed: nobody's work is kept
		for i := range results {
			if results[i] == nil {
				results[i] = err
			}
		}
		answer()
	}
	sqlTx, err := db.write.BeginTx(context.Background(), nil)
	if err != nil {
		fail(fmt.Errorf("begin transaction: %w", err))
		return
	}
	t := &tx{tx: sqlTx, dialect: db.dialect, stmts: db.writeStmts, detach: true}
	single := len(batch) == 1
	kept := 0
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		if !single {
			if _, err := sqlTx.Exec("SAVEPOINT w"); err != nil {
				_ = sqlTx.Rollback()
				fail(fmt.Errorf("savepoint: %w", err))
				return
			}
		}
		results[i] = db.call(r.fn, t)
		switch {
		case results[i] == nil:
			kept++
			if !single {
				if _, err := sqlTx.Exec("RELEASE w"); err != nil {
					_ = sqlTx.Rollback()
					fail(fmt.Errorf("release savepoint: %w", err))
					return
				}
			}
		case !single:
			if _, err := sqlTx.Exec("ROLLBACK TO w; RELEASE w"); err != nil {
				_ = sqlTx.Rollback()
				fail(fmt.Errorf("roll back to savepoint: %w", err))
				return
			}
		}
	}
	if kept == 0 {
		_ = sqlTx.Rollback()
		answer()
		return
	}
	if err := sqlTx.Commit(); err != nil {
		fail(fmt.Errorf("commit transaction: %w", err))
		return
	}
	answer()
}

// panicked carries a panic of one caller's fn to that caller, who panics again with it.
type panicked struct{ value any }

func (p *panicked) Error() string { return fmt.Sprintf("panic in a write transaction: %v", p.value) }

// call runs fn, catching a panic so that it rolls back only that caller's work.
func (db *DB) call(fn func(app.Tx) error, t *tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &panicked{p}
		}
	}()
	return fn(t)
}
