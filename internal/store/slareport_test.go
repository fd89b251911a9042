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

// TestIncidentsRegistered: an organisation's incidents registered in [from, to), by id;
// not those of another organisation, nor those just outside the bounds.
func TestIncidentsRegistered(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		from, to := t0.Add(-time.Hour), t0.Add(time.Hour)
		var want []int64
		for _, c := range []struct {
			org    int64
			at     time.Time
			inside bool
		}{
			{f.acme.ID, from, true}, {f.acme.ID, from.Add(-time.Millisecond), false}, {f.acme.ID, to.Add(-time.Millisecond), true},
			{f.acme.ID, to, false}, {f.globex.ID, t0, false}, {f.acme.ID, t0, true},
		} {
			in := withSLA(c.org, "Registered", nil)
			in.CreatedAt, in.UpdatedAt = c.at, c.at
			write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.CreateIncident(ctx, &in) })
			if c.inside {
				want = append(want, in.ID)
			}
		}
		var got []desk.Incident
		read(t, db, func(ctx context.Context, tx app.Tx) (err error) {
			got, err = tx.IncidentsRegistered(ctx, f.acme.ID, from, to)
			return err
		})
		if len(got) != len(want) {
			t.Fatalf("%d incidents, want %d", len(got), len(want))
		}
		for i, in := range got {
			if in.ID != want[i] || in.SLA.Calendar != "business" || in.SLA.PausedSince == nil {
				t.Errorf("incident %d: %+v, want id %d with its SLA", i, in, want[i])
			}
		}
	})
}
