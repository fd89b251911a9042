package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// Public incidents read back as stored, with components and updates in order; filters select
// by kind, state and time; the status page's version moves with every table; the
// conditional moves succeed once.
func TestPublicIncidents(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var a, b desk.Component
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			a = desk.Component{Name: "Hosting", Status: desk.StatusOperational, Visibility: desk.VisibilityPublic, CreatedAt: t0, UpdatedAt: t0}
			b = desk.Component{Name: "DNS", Status: desk.StatusOperational, Visibility: desk.VisibilityPublic, CreatedAt: t0, UpdatedAt: t0}
			if err := tx.CreateComponent(ctx, &a); err != nil {
				return err
			}
			return tx.CreateComponent(ctx, &b)
		})
		version := func() (v int64) {
			read(t, db, func(ctx context.Context, tx app.Tx) (err error) { v, err = tx.StatusPageVersion(ctx); return err })
			return v
		}
		moves := func(what string, fn func(ctx context.Context, tx app.Tx) error) {
			t.Helper()
			before := version()
			write(t, db, fn)
			if version() <= before {
				t.Errorf("%s did not move the status page version", what)
			}
		}
		mon := t0.Add(time.Minute)
		inc := desk.PublicIncident{Kind: desk.KindIncident, Name: desk.Texts{NL: "Storing", EN: "Outage"}, Status: desk.PublicMonitoring,
			Impact: desk.ImpactMajor, Components: []desk.AffectedComponent{{ComponentID: b.ID, Status: desk.StatusMajorOutage}, {ComponentID: a.ID, Status: desk.StatusPartialOutage}},
			Updates: []desk.PublicUpdate{}, CreatedAt: t0, UpdatedAt: t0, StartedAt: t0, MonitoringAt: &mon}
		moves("create incident", func(ctx context.Context, tx app.Tx) error { return tx.CreatePublicIncident(ctx, &inc) })
		u1 := desk.PublicUpdate{IncidentID: inc.ID, Status: desk.PublicInvestigating, Body: desk.Texts{NL: "Kijken"},
			Components: []desk.ComponentChange{{ComponentID: b.ID, OldStatus: desk.StatusOperational, NewStatus: desk.StatusMajorOutage}}, CreatedAt: t0}
		u2 := desk.PublicUpdate{IncidentID: inc.ID, Status: desk.PublicMonitoring, Body: desk.Texts{EN: "Watching"},
			Components: []desk.ComponentChange{}, CreatedAt: mon}
		moves("add update", func(ctx context.Context, tx app.Tx) error {
			if err := tx.AddPublicUpdate(ctx, &u1); err != nil {
				return err
			}
			return tx.AddPublicUpdate(ctx, &u2)
		})
		from, until := t0.Add(time.Hour), t0.Add(2*time.Hour)
		m := desk.PublicIncident{Kind: desk.KindMaintenance, Name: desk.Texts{EN: "Upgrade"}, Status: desk.MaintenanceScheduled,
			Impact: desk.ImpactNone, Components: []desk.AffectedComponent{}, ScheduledFor: &from, ScheduledUntil: &until,
			Updates: []desk.PublicUpdate{}, CreatedAt: t0, UpdatedAt: t0, StartedAt: from}
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.CreatePublicIncident(ctx, &m) })

		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.PublicIncident(ctx, inc.ID)
			if err != nil {
				return err
			}
			want := inc
			want.CreatedAt, want.UpdatedAt, want.StartedAt = ms(t0), ms(t0), ms(t0)
			mm := ms(mon)
			want.MonitoringAt = &mm
			u1.CreatedAt, u2.CreatedAt = ms(u1.CreatedAt), ms(u2.CreatedAt)
			want.Updates = []desk.PublicUpdate{u2, u1}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("read back\n got %+v\nwant %+v", got, want)
			}
			if _, err := tx.PublicIncident(ctx, 9999); !desk.IsNotFound(err) {
				t.Errorf("missing: %v", err)
			}
			for name, c := range map[string]struct {
				f    app.PublicIncidentFilter
				want []int64
			}{
				"all, latest start first": {app.PublicIncidentFilter{}, []int64{m.ID, inc.ID}},
				"ascending":               {app.PublicIncidentFilter{Ascending: true}, []int64{inc.ID, m.ID}},
				"maintenance":             {app.PublicIncidentFilter{Kind: desk.KindMaintenance}, []int64{m.ID}},
				"open":                    {app.PublicIncidentFilter{State: app.PublicOpen}, []int64{m.ID, inc.ID}},
				"closed":                  {app.PublicIncidentFilter{State: app.PublicClosed}, nil},
				"started in window":       {app.PublicIncidentFilter{StartedFrom: t0.Add(time.Minute), StartedBefore: t0.Add(time.Hour + time.Millisecond)}, []int64{m.ID}},
				"limit":                   {app.PublicIncidentFilter{Limit: 1}, []int64{m.ID}},
			} {
				ps, err := tx.PublicIncidents(ctx, c.f)
				if err != nil {
					return err
				}
				var ids []int64
				for _, p := range ps {
					ids = append(ids, p.ID)
				}
				if !reflect.DeepEqual(ids, c.want) {
					t.Errorf("%s: %v, want %v", name, ids, c.want)
				}
			}
			due, err := tx.DueMaintenances(ctx, desk.MaintenanceScheduled, from, 10)
			if err != nil || !reflect.DeepEqual(due, []int64{m.ID}) {
				t.Errorf("due at start: %v %v", due, err)
			}
			due, _ = tx.DueMaintenances(ctx, desk.MaintenanceScheduled, from.Add(-time.Millisecond), 10)
			if len(due) != 0 {
				t.Errorf("due before start: %v", due)
			}
			rem, err := tx.DueReminders(ctx, from, 10)
			if err != nil || !reflect.DeepEqual(rem, []int64{m.ID}) {
				t.Errorf("reminders: %v %v", rem, err)
			}
			return nil
		})

		resolved := t0.Add(3 * time.Minute)
		moves("update incident", func(ctx context.Context, tx app.Tx) error {
			inc.Status, inc.ResolvedAt = desk.PublicPostmortem, &resolved
			inc.Postmortem = &desk.Postmortem{Body: desk.Texts{EN: "Disk"}, At: resolved}
			inc.Components = []desk.AffectedComponent{{ComponentID: a.ID, Status: desk.StatusOperational}}
			return tx.UpdatePublicIncident(ctx, &inc)
		})
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.PublicIncident(ctx, inc.ID)
			if err != nil {
				return err
			}
			if got.Postmortem == nil || got.Postmortem.Body.EN != "Disk" || got.ResolvedAt == nil || len(got.Components) != 1 {
				t.Errorf("after update %+v", got)
			}
			ps, _ := tx.PublicIncidents(ctx, app.PublicIncidentFilter{State: app.PublicClosed, ClosedSince: resolved})
			if len(ps) != 1 || ps[0].ID != inc.ID {
				t.Errorf("closed since: %+v", ps)
			}
			return nil
		})
		// Exactly one of two moves from scheduled succeeds; the reminder is marked once.
		var first, second, r1, r2 bool
		write(t, db, func(ctx context.Context, tx app.Tx) (err error) {
			if first, err = tx.MovePublicStatus(ctx, m.ID, desk.MaintenanceScheduled, desk.MaintenanceInProgress, from); err != nil {
				return err
			}
			if second, err = tx.MovePublicStatus(ctx, m.ID, desk.MaintenanceScheduled, desk.MaintenanceInProgress, from); err != nil {
				return err
			}
			if r1, err = tx.MarkMaintenanceReminded(ctx, m.ID, from); err != nil {
				return err
			}
			r2, err = tx.MarkMaintenanceReminded(ctx, m.ID, from)
			return err
		})
		if !first || second || !r1 || r2 {
			t.Errorf("moves %v %v, reminders %v %v", first, second, r1, r2)
		}
		// Deleting a component drops it from incidents and updates.
		moves("delete component", func(ctx context.Context, tx app.Tx) error { return tx.DeleteComponent(ctx, b.ID) })
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.PublicIncident(ctx, inc.ID)
			if err != nil {
				return err
			}
			for _, u := range got.Updates {
				if len(u.Components) != 0 {
					t.Errorf("update keeps a deleted component: %+v", u)
				}
			}
			return nil
		})
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			err := tx.UpdatePublicIncident(ctx, &desk.PublicIncident{ID: 9999, Kind: desk.KindIncident, Status: desk.PublicResolved, Impact: desk.ImpactNone})
			if !desk.IsNotFound(err) {
				t.Errorf("update of nothing: %v", err)
			}
			return nil
		})
	})
}
