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

// ComponentStatusHistories reads the rows from a start time on for the components asked,
// each with the row in force at the start first, and nothing of other components.
func TestComponentStatusHistories(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		since := t0.Add(10 * time.Hour)
		mk := func(name string, at time.Time) desk.Component {
			c := desk.Component{Name: name, Status: desk.StatusOperational, Visibility: desk.VisibilityPublic, CreatedAt: at, UpdatedAt: at}
			write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.CreateComponent(ctx, &c) })
			return c
		}
		old, late, other := mk("Old", t0), mk("Late", since.Add(time.Hour)), mk("Other", t0)
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			for _, r := range []struct {
				id int64
				s  desk.ComponentStatus
				at time.Time
			}{
				{old.ID, desk.StatusMajorOutage, t0.Add(time.Hour)},
				{old.ID, desk.StatusPartialOutage, t0.Add(2 * time.Hour)}, // in force at since
				{old.ID, desk.StatusOperational, since.Add(3 * time.Hour)},
				{other.ID, desk.StatusMajorOutage, since.Add(time.Hour)},
			} {
				if err := tx.RecordComponentStatus(ctx, r.id, r.s, r.at); err != nil {
					return err
				}
			}
			return nil
		})
		var got []desk.ComponentStatusChange
		read(t, db, func(ctx context.Context, tx app.Tx) (err error) {
			got, err = tx.ComponentStatusHistories(ctx, []int64{late.ID, old.ID}, since)
			return err
		})
		type r struct {
			id int64
			s  desk.ComponentStatus
			at time.Time
		}
		want := []r{
			{old.ID, desk.StatusPartialOutage, t0.Add(2 * time.Hour)},
			{old.ID, desk.StatusOperational, since.Add(3 * time.Hour)},
			{late.ID, desk.StatusOperational, since.Add(time.Hour)},
		}
		if old.ID > late.ID {
			t.Fatal("ids out of order")
		}
		if len(got) != len(want) {
			t.Fatalf("got %+v, want %+v", got, want)
		}
		for i, w := range want {
			g := got[i]
			if g.ComponentID != w.id || g.Status != w.s || !g.At.Equal(w.at.Truncate(time.Millisecond)) {
				t.Errorf("row %d: %+v, want %+v", i, g, w)
			}
		}
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			none, err := tx.ComponentStatusHistories(ctx, nil, since)
			if err == nil && len(none) != 0 {
				t.Errorf("no ids: %+v", none)
			}
			return err
		})
	})
}

// The logo is stored, replaced and deleted whole, and every write moves the page's counter.
func TestPageLogo(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		version := func() (v int64) {
			read(t, db, func(ctx context.Context, tx app.Tx) (err error) { v, err = tx.StatusPageVersion(ctx); return err })
			return v
		}
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			if _, err := tx.PageLogo(ctx); !desk.IsNotFound(err) {
				t.Errorf("no logo yet: err %v, want not found", err)
			}
			return nil
		})
		data := []byte{0x89, 'P', 'N', 'G', 0, 1, 2, 0xff}
		for i, ct := range []string{"image/png", "image/webp"} {
			before := version()
			l := desk.Logo{ContentType: ct, Width: 100 + i, Height: 40, ETag: "e" + ct, Data: data, UpdatedAt: t0}
			write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.PutPageLogo(ctx, l) })
			if version() <= before {
				t.Errorf("put %d did not move the version", i)
			}
			read(t, db, func(ctx context.Context, tx app.Tx) error {
				got, err := tx.PageLogo(ctx)
				if err == nil && (got.ContentType != ct || got.Width != 100+i || string(got.Data) != string(data) || got.Size != len(data) || got.ETag != "e"+ct) {
					t.Errorf("logo %+v", got)
				}
				return err
			})
		}
		before := version()
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.DeletePageLogo(ctx) })
		if version() <= before {
			t.Error("delete did not move the version")
		}
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			if err := tx.DeletePageLogo(ctx); !desk.IsNotFound(err) {
				t.Errorf("second delete: %v, want not found", err)
			}
			return nil
		})
	})
}
