package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestConcurrentWritesAreIsolated runs many write transactions at once. On SQLite they
// share commits (group commit); whatever one of them does — fail, break a constraint,
// panic, arrive cancelled — must touch none of the others, and every success must be kept.
func TestConcurrentWritesAreIsolated(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const n = 300
		errFail := errors.New("the use case failed")
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			return tx.CreateOrganisation(ctx, &desk.Organisation{Slug: "taken", Name: "Taken", Kind: desk.OrgClient})
		})
		cancelled, cancel := context.WithCancel(t.Context())
		cancel()
		type outcome struct {
			err      error
			panicked any
		}
		out := make([]outcome, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				defer func() { out[i].panicked = recover() }()
				ctx := t.Context()
				if i%13 == 0 {
					ctx = cancelled
				}
				out[i].err = db.Write(ctx, func(tx app.Tx) error {
					slug := fmt.Sprintf("org-%d", i)
					if i%7 == 0 {
						slug = "taken" // a unique violation halfway through the batch
					}
					if err := tx.CreateOrganisation(ctx, &desk.Organisation{Slug: slug, Name: slug, Kind: desk.OrgClient}); err != nil {
						return err
					}
					switch {
					case i%5 == 0:
						return errFail // after writing: the write must be undone
					case i%11 == 0:
						panic("boom")
					}
					return nil
				})
			})
		}
		wg.Wait()
		want := map[string]bool{}
		for i, o := range out {
			switch {
			case i%13 == 0 && db.Dialect() == store.DialectSQLite:
				if !errors.Is(o.err, context.Canceled) {
					t.Errorf("%d: cancelled before it ran: err %v", i, o.err)
				}
			case i%13 == 0: // PostgreSQL refuses to begin; any error will do
				if o.err == nil {
					t.Errorf("%d: cancelled write succeeded", i)
				}
			case i%7 == 0:
				wantCode(t, o.err, desk.ECONFLICT)
			case i%5 == 0:
				if !errors.Is(o.err, errFail) {
					t.Errorf("%d: err %v, want the use case's own error", i, o.err)
				}
			case i%11 == 0:
				if o.panicked != "boom" {
					t.Errorf("%d: the panic did not reach its caller: %v (err %v)", i, o.panicked, o.err)
				}
			default:
				if o.err != nil || o.panicked != nil {
					t.Errorf("%d: err %v, panic %v", i, o.err, o.panicked)
				}
				want[fmt.Sprintf("org-%d", i)] = true
			}
		}
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			orgs, err := tx.Organisations(ctx, "")
			if err != nil {
				return err
			}
			got := map[string]bool{}
			for _, o := range orgs {
				got[o.Slug] = true
			}
			for slug := range want {
				if !got[slug] {
					t.Errorf("%s was acknowledged but is not stored", slug)
				}
			}
			if len(got) != len(want)+1 {
				t.Errorf("%d organisations stored, want %d (the successes and \"taken\")", len(got), len(want)+1)
			}
			return nil
		})
	})
}

// TestWriteCancelledMidway cancels a caller between two statements of its transaction
// while other callers share its commit. SQLite's group commit hands the driver a context
// it cannot cancel and checks the caller's before each statement: the next statement
// fails with the context's error, the first is undone, and the others are kept.
func TestWriteCancelledMidway(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.DialectSQLite)
	const n = 40
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			errs[i] = db.Write(ctx, func(tx app.Tx) error {
				slug := fmt.Sprintf("org-%d", i)
				if err := tx.CreateOrganisation(ctx, &desk.Organisation{Slug: slug, Name: slug, Kind: desk.OrgClient}); err != nil {
					return err
				}
				if i%3 == 0 {
					cancel() // the caller gives up halfway
				}
				return tx.CreateOrganisation(ctx, &desk.Organisation{Slug: slug + "-b", Name: slug + " b", Kind: desk.OrgClient})
			})
		})
	}
	wg.Wait()
	read(t, db, func(ctx context.Context, tx app.Tx) error {
		orgs, err := tx.Organisations(ctx, "")
		if err != nil {
			return err
		}
		got := map[string]bool{}
		for _, o := range orgs {
			got[o.Slug] = true
		}
		for i, err := range errs {
			slug := fmt.Sprintf("org-%d", i)
			if i%3 == 0 {
				if !errors.Is(err, context.Canceled) {
					t.Errorf("%d: cancelled halfway: err %v, want context.Canceled", i, err)
				}
				if got[slug] || got[slug+"-b"] {
					t.Errorf("%d: cancelled halfway, yet its work was kept", i)
				}
				continue
			}
			if err != nil || !got[slug] || !got[slug+"-b"] {
				t.Errorf("%d: err %v, stored %v and %v", i, err, got[slug], got[slug+"-b"])
			}
		}
		return nil
	})
}
