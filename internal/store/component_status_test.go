package store_test

import (
	"context"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// A component from before migration 10 becomes operational and clients-only (nothing is
// published by the migration), with its history starting at its creation.
func TestMigrateComponentStatus(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := storetest.OpenEmpty(t, dialect)
			if _, err := db.MigrateToForTest(ctx, 9); err != nil {
				t.Fatalf("migrate to 9: %v", err)
			}
			var id int64
			if err := db.WriterForTest().QueryRowContext(ctx, `INSERT INTO components (group_id, name, description, position, created_at, updated_at)
				VALUES (NULL, 'Mail', '', 0, $1, $1) RETURNING id`, t0.UnixMilli()).Scan(&id); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatalf("migrate: %v", err)
			}
			read(t, db, func(ctx context.Context, tx app.Tx) error {
				c, err := tx.Component(ctx, id)
				if err != nil {
					return err
				}
				if c.Status != desk.StatusOperational || c.Visibility != desk.VisibilityClients {
					t.Errorf("migrated component: status %q, visibility %q", c.Status, c.Visibility)
				}
				hs, err := tx.ComponentStatusHistory(ctx, id)
				if err != nil {
					return err
				}
				if len(hs) != 1 || hs[0].Status != desk.StatusOperational || !hs[0].At.Equal(t0.Truncate(time.Millisecond)) {
					t.Errorf("history %+v, want operational from %v", hs, t0)
				}
				return nil
			})
		})
	}
}

// Creating a component starts its history; RecordComponentStatus adds rows in time order;
// deleting the component deletes its history.
func TestComponentStatusHistory(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := desk.Component{Name: "Portal", Status: desk.StatusPartialOutage, Visibility: desk.VisibilityPublic, CreatedAt: t0, UpdatedAt: t0}
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			if err := tx.CreateComponent(ctx, &c); err != nil {
				return err
			}
			if err := tx.RecordComponentStatus(ctx, c.ID, desk.StatusOperational, t0.Add(2*time.Hour)); err != nil {
				return err
			}
			return tx.RecordComponentStatus(ctx, c.ID, desk.StatusMajorOutage, t0.Add(time.Hour))
		})
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.Component(ctx, c.ID)
			if err != nil {
				return err
			}
			if got.Status != desk.StatusPartialOutage || got.Visibility != desk.VisibilityPublic {
				t.Errorf("Component = %+v", got)
			}
			hs, err := tx.ComponentStatusHistory(ctx, c.ID)
			if err != nil {
				return err
			}
			want := []desk.ComponentStatusChange{
				{ComponentID: c.ID, Status: desk.StatusPartialOutage, At: t0},
				{ComponentID: c.ID, Status: desk.StatusMajorOutage, At: t0.Add(time.Hour)},
				{ComponentID: c.ID, Status: desk.StatusOperational, At: t0.Add(2 * time.Hour)},
			}
			if len(hs) != len(want) {
				t.Fatalf("history %+v, want %+v", hs, want)
			}
			for i := range want {
				if hs[i].ComponentID != want[i].ComponentID || hs[i].Status != want[i].Status || !hs[i].At.Equal(want[i].At.Truncate(time.Millisecond)) {
					t.Errorf("history[%d] = %+v, want %+v", i, hs[i], want[i])
				}
			}
			return nil
		})
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.DeleteComponent(ctx, c.ID) })
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			hs, err := tx.ComponentStatusHistory(ctx, c.ID)
			if err != nil || len(hs) != 0 {
				t.Errorf("history after delete: %+v, %v", hs, err)
			}
			return nil
		})
	})
}
