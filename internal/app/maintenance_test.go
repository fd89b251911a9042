package app_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// A scheduled maintenance is reminded of an hour before its start, starts at its start and
// completes at its end, each exactly once, however many instances run the job at once; the
// component shows under_maintenance in between; each step writes its update and one event.
func TestMaintenanceRunsItself(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, _, dns, _ := publicWorld(t, db)
		ctx := context.Background()
		events := []string{"status.maintenance.scheduled", "status.maintenance.reminder", "status.maintenance.started", "status.maintenance.completed", "status.incident.updated"}
		if _, err := w.a.Webhooks.Create(ctx, admin, app.WebhookInput{URL: ptrTo("https://hooks.example.com/x"), Events: &events}); err != nil {
			t.Fatal(err)
		}
		from, until := w.now.Add(3*time.Hour), w.now.Add(5*time.Hour)
		m, err := w.a.PublicIncidents.Create(ctx, actor(w.agent), app.NewPublicIncident{Kind: desk.KindMaintenance,
			Name: desk.Texts{NL: "DNS-onderhoud"}, ScheduledFor: rfc(from), ScheduledUntil: rfc(until),
			Components: []desk.AffectedComponent{{ComponentID: dns.ID, Status: desk.StatusUnderMaintenance}}, Body: desk.Texts{NL: "Gepland."}})
		if err != nil {
			t.Fatal(err)
		}
		// Four instances share the database and the clock.
		var mu sync.Mutex
		now := w.now
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		set := func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }
		var instances []*app.Services
		for range 4 {
			instances = append(instances, app.New(db, clock, slog.New(slog.NewTextHandler(io.Discard, nil)),
				app.Config{Holidays: holidays.NL(), BaseURL: "http://desk.test"}))
		}
		run := func() int {
			t.Helper()
			var wg sync.WaitGroup
			var total int
			var tmu sync.Mutex
			for _, a := range instances {
				wg.Go(func() {
					n, err := a.PublicIncidents.RunMaintenance(ctx)
					if err != nil {
						t.Error(err)
					}
					tmu.Lock()
					total += n
					tmu.Unlock()
				})
			}
			wg.Wait()
			return total
		}
		status := func() desk.PublicStatus {
			p, err := w.a.PublicIncidents.Get(ctx, actor(w.agent), m.ID)
			if err != nil {
				t.Fatal(err)
			}
			return p.Status
		}
		for _, step := range []struct {
			at     time.Time
			steps  int
			status desk.PublicStatus
			dns    desk.ComponentStatus
		}{
			{from.Add(-time.Hour - time.Second), 0, desk.MaintenanceScheduled, desk.StatusOperational},
			{from.Add(-time.Hour), 1, desk.MaintenanceScheduled, desk.StatusOperational}, // the reminder
			{from.Add(-time.Millisecond), 0, desk.MaintenanceScheduled, desk.StatusOperational},
			{from, 1, desk.MaintenanceInProgress, desk.StatusUnderMaintenance},
			{from.Add(time.Minute), 0, desk.MaintenanceInProgress, desk.StatusUnderMaintenance},
			{until, 1, desk.MaintenanceCompleted, desk.StatusOperational},
			{until.Add(time.Hour), 0, desk.MaintenanceCompleted, desk.StatusOperational},
		} {
			set(step.at)
			if n := run(); n != step.steps {
				t.Errorf("at %s: %d steps, want %d", step.at, n, step.steps)
			}
			if s := status(); s != step.status {
				t.Errorf("at %s: %s, want %s", step.at, s, step.status)
			}
			if got := displayed(t, w)["DNS"]; got != step.dns {
				t.Errorf("at %s: DNS shows %s, want %s", step.at, got, step.dns)
			}
		}
		p, _ := w.a.PublicIncidents.Get(ctx, actor(w.agent), m.ID)
		if len(p.Updates) != 3 || p.Updates[0].AuthorID != nil || p.Updates[0].Body.EN == "" || !p.StartedAt.Equal(from) || p.ResolvedAt == nil || !p.ResolvedAt.Equal(until) {
			t.Errorf("maintenance after the job: %+v", p)
		}
		out, err := w.a.Outbox.List(ctx, admin, desk.OutboxFilter{Via: desk.ViaWebhook, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for i := len(out.Items) - 1; i >= 0; i-- {
			kinds = append(kinds, out.Items[i].Kind)
		}
		if want := []string{"status.maintenance.scheduled", "status.maintenance.reminder", "status.maintenance.started", "status.maintenance.completed"}; !slices.Equal(kinds, want) {
			t.Errorf("events %v, want %v", kinds, want)
		}
	})
}

// A maintenance whose start passed while no instance ran gets no late reminder: it starts.
func TestMaintenanceLateStartSkipsReminder(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, hosting, _, _ := publicWorld(t, db)
		ctx := context.Background()
		from, until := w.now.Add(time.Hour), w.now.Add(2*time.Hour)
		m, err := w.a.PublicIncidents.Create(ctx, actor(w.agent), app.NewPublicIncident{Kind: desk.KindMaintenance,
			Name: desk.Texts{EN: "Work"}, ScheduledFor: rfc(from), ScheduledUntil: rfc(until),
			Components: []desk.AffectedComponent{{ComponentID: hosting.ID, Status: desk.StatusUnderMaintenance}}, Body: desk.Texts{EN: "Planned."}})
		if err != nil {
			t.Fatal(err)
		}
		w.now = from.Add(10 * time.Minute)
		if n, err := w.a.PublicIncidents.RunMaintenance(ctx); err != nil || n != 1 {
			t.Errorf("%d steps, %v; want 1 (the start)", n, err)
		}
		p, _ := w.a.PublicIncidents.Get(ctx, actor(w.agent), m.ID)
		if p.Status != desk.MaintenanceInProgress || !p.StartedAt.Equal(w.now) {
			t.Errorf("late start %+v", p)
		}
	})
}
