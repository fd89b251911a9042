package store_test

import (
	"context"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// The status page's change counter moves with every write to what the public page shows
// (groups, components, status_page.* settings), and not with other settings.
func TestStatusPageVersion(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		version := func() int64 {
			var v int64
			read(t, db, func(ctx context.Context, tx app.Tx) (err error) {
				v, err = tx.StatusPageVersion(ctx)
				return err
			})
			return v
		}
		moves := func(what string, fn func(ctx context.Context, tx app.Tx) error) {
			t.Helper()
			before := version()
			write(t, db, fn)
			if after := version(); after <= before {
				t.Errorf("%s: version %d → %d, want it to move", what, before, after)
			}
		}
		g := desk.ComponentGroup{Name: "Network"}
		moves("create group", func(ctx context.Context, tx app.Tx) error { return tx.CreateComponentGroup(ctx, &g) })
		c := desk.Component{Name: "DNS", GroupID: &g.ID, Status: desk.StatusOperational, Visibility: desk.VisibilityPublic, CreatedAt: t0, UpdatedAt: t0}
		moves("create component", func(ctx context.Context, tx app.Tx) error { return tx.CreateComponent(ctx, &c) })
		moves("update component", func(ctx context.Context, tx app.Tx) error {
			c.Status = desk.StatusMajorOutage
			return tx.UpdateComponent(ctx, &c)
		})
		moves("status page setting", func(ctx context.Context, tx app.Tx) error {
			return tx.PutSetting(ctx, "status_page.title", "Status")
		})
		before := version()
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.PutSetting(ctx, "status_pageXtitle", "x") })
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.PutSetting(ctx, "matrix", "{}") })
		if after := version(); after != before {
			t.Errorf("other settings moved the version %d → %d", before, after)
		}
		moves("delete component", func(ctx context.Context, tx app.Tx) error { return tx.DeleteComponent(ctx, c.ID) })
	})
}
