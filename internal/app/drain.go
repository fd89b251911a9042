package app

import (
	"context"
	"fmt"
	"time"
)

// Due work: SLA marks, follow-up and staleness reminders, automatic closes and the outbox's
// deliveries are done by every instance at once. Each kind is a pair of functions: due lists
// the ids of at most limit items whose time has come, and do claims one item and does it,
// telling whether this call did it. The claim is a conditional write (a lease, or a flag set
// only while still due), so of several instances that try one item at once exactly one
// does it, and drain needs no lock of its own.

// drain does every due item of one kind and returns how many this call did. It lists at
// most batch ids at a time, at the clock's time of that round, and lists again until a
// round comes back short. An item that fails ends the run with its error, named by what
// and the item's id; the item is due again at the next run.
func (c *core) drain(ctx context.Context, what string, batch int,
	due func(ctx context.Context, now time.Time, limit int) ([]int64, error),
	do func(ctx context.Context, id int64, now time.Time) (bool, error),
) (int, error) {
	done := 0
	for round := 0; round < 1000; round++ { // a bound, not a limit one reaches
		now := c.clock()
		ids, err := due(ctx, now, batch)
		if err != nil {
			return done, err
		}
		for _, id := range ids {
			if err := ctx.Err(); err != nil {
				return done, err
			}
			ok, err := do(ctx, id, now)
			if err != nil {
				return done, fmt.Errorf("%s %d: %w", what, id, err)
			}
			if ok {
				done++
			}
		}
		if len(ids) < batch {
			break
		}
	}
	return done, nil
}

// dueIn is a due function that lists in a read-only transaction of db.
func dueIn[P any](db txn[P], list func(ctx context.Context, tx P, now time.Time, limit int) ([]int64, error)) func(context.Context, time.Time, int) ([]int64, error) {
	return func(ctx context.Context, now time.Time, limit int) (ids []int64, err error) {
		err = db.read(ctx, func(tx P) error {
			ids, err = list(ctx, tx, now, limit)
			return err
		})
		return ids, err
	}
}

// claimIn is a do function that claims and does one item in one transaction of db: the
// claim, and what the item brings (timeline, audit, notifications), commit together.
func claimIn[P any](db txn[P], claim func(ctx context.Context, tx P, id int64, now time.Time) (bool, error)) func(context.Context, int64, time.Time) (bool, error) {
	return func(ctx context.Context, id int64, now time.Time) (ok bool, err error) {
		err = db.write(ctx, func(tx P) error {
			ok, err = claim(ctx, tx, id, now)
			return err
		})
		return ok, err
	}
}
