package store_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// withSLA returns an incident with deadlines: due is the resolution deadline (nil: paused).
func withSLA(orgID int64, title string, due *time.Time) desk.Incident {
	in := newIncident(orgID, title)
	resp, warn := t0.Add(time.Hour), t0.Add(45*time.Minute)
	in.SLA = desk.SLA{Calendar: "business", ResponseDue: &resp, ResponseWarn: &warn}
	if due != nil {
		w := due.Add(-2 * time.Hour)
		in.SLA.ResolveDue, in.SLA.ResolveWarn = due, &w
	} else {
		since := t0.Add(10 * time.Minute)
		in.SLA.PausedSince = &since
	}
	return in
}

func TestSLAColumnsRoundTrip(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		due := t0.Add(8*time.Hour + 123456*time.Nanosecond)
		in := withSLA(f.acme.ID, "With deadlines", &due)
		in.SLA.Paused = 90*time.Minute + 7*time.Millisecond
		in.ResponseWarned, in.ResolveBreached = true, true
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.CreateIncident(ctx, &in) })
		want := func(in desk.Incident) desk.Incident {
			w := in
			w.CreatedAt, w.UpdatedAt = ms(in.CreatedAt), ms(in.UpdatedAt)
			for _, p := range []**time.Time{&w.SLA.ResponseDue, &w.SLA.ResponseWarn, &w.SLA.ResolveDue, &w.SLA.ResolveWarn, &w.SLA.PausedSince} {
				if *p != nil {
					*p = ptr(ms(**p))
				}
			}
			w.ComponentIDs = []int64{}
			return w
		}
		check := func(what string, in desk.Incident) {
			t.Helper()
			read(t, db, func(ctx context.Context, tx app.Tx) error {
				got, err := tx.Incident(ctx, in.ID)
				if err != nil {
					return err
				}
				if w := want(in); !reflect.DeepEqual(got, w) {
					t.Errorf("%s:\n got %+v\nwant %+v", what, got.SLA, w.SLA)
				}
				return nil
			})
		}
		check("created", in)

		// Paused, the resolution deadlines gone, the other flags set.
		upd := in
		since := t0.Add(3 * time.Hour)
		upd.SLA.ResolveDue, upd.SLA.ResolveWarn, upd.SLA.PausedSince = nil, nil, &since
		upd.SLA.Calendar, upd.SLA.Paused = "24x7", 0
		upd.ResponseWarned, upd.ResponseBreached, upd.ResolveWarned, upd.ResolveBreached = false, true, true, false
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.UpdateIncident(ctx, &upd) })
		check("updated", upd)

		// No SLA at all.
		none := newIncident(f.acme.ID, "No contract")
		write(t, db, func(ctx context.Context, tx app.Tx) error { return tx.CreateIncident(ctx, &none) })
		check("none", none)
	})
}

// TestQueueOrder: open incidents by resolution deadline, then id; paused and deadline-less
// ones last; the cursor pages through without repeats; filters narrow; closed never show.
func TestQueueOrder(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		d := func(h int) *time.Time { return ptr(t0.Add(time.Duration(h) * time.Hour)) }
		ins := []desk.Incident{
			withSLA(f.acme.ID, "due 5", d(5)),
			withSLA(f.acme.ID, "paused", nil),
			withSLA(f.globex.ID, "due 1", d(1)),
			withSLA(f.acme.ID, "due 5 too", d(5)),
			newIncident(f.globex.ID, "no deadline"),
			withSLA(f.acme.ID, "overdue", d(-3)),
			withSLA(f.acme.ID, "closed", d(0)),
			withSLA(f.globex.ID, "never", ptr(desk.Never)),
		}
		ins[6].State = desk.StateClosed
		ins[3].OwnerID, ins[3].AssigneeID, ins[3].Priority = &f.agent.ID, &f.agent.ID, desk.P1
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			for i := range ins {
				if err := tx.CreateIncident(ctx, &ins[i]); err != nil {
					return err
				}
			}
			return nil
		})
		list := func(flt desk.IncidentFilter) []string { t.Helper(); return dueTitles(t, db, flt) }
		all := []string{"overdue", "due 1", "due 5", "due 5 too", "paused", "no deadline", "never"}
		for _, c := range []struct {
			name string
			f    desk.IncidentFilter
			want []string
		}{
			{"one page", desk.IncidentFilter{}, all},
			{"pages of one", desk.IncidentFilter{Limit: 1}, all},
			{"pages of two", desk.IncidentFilter{Limit: 2}, all},
			{"client", desk.IncidentFilter{OrgID: f.globex.ID, Limit: 1}, []string{"due 1", "no deadline", "never"}},
			{"owner", desk.IncidentFilter{OwnerID: f.agent.ID}, []string{"due 5 too"}},
			{"assignee and priority", desk.IncidentFilter{AssigneeID: f.agent.ID, Priority: desk.P1}, []string{"due 5 too"}},
			{"state", desk.IncidentFilter{States: []desk.State{desk.StateNew}, Limit: 3}, all},
			{"closed ones never", desk.IncidentFilter{States: []desk.State{desk.StateClosed}}, nil},
			{"open is implied", desk.IncidentFilter{Open: ptr(false)}, all},
			{"the id cursor does not apply", desk.IncidentFilter{After: 1}, all},
		} {
			if got := list(c.f); !slices.Equal(got, c.want) {
				t.Errorf("%s: %q, want %q", c.name, got, c.want)
			}
		}
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			n, err := tx.CountIncidents(ctx, desk.IncidentFilter{SortDue: true})
			if err != nil || n != len(all) {
				t.Errorf("count = %d (%v), want %d", n, err, len(all))
			}
			return nil
		})
	})
}

// dueTitles reads the incidents flt selects in the queue's order (by time to breach), page
// by page with the queue's cursor, and returns their titles.
func dueTitles(t *testing.T, db *store.DB, flt desk.IncidentFilter) []string {
	t.Helper()
	flt.SortDue = true
	var out []string
	read(t, db, func(ctx context.Context, tx app.Tx) error {
		for range 20 {
			page, err := tx.Incidents(ctx, flt)
			if err != nil {
				return err
			}
			for _, in := range page {
				out = append(out, in.Title)
			}
			if len(page) < limitOf(flt) {
				return nil
			}
			last := page[len(page)-1]
			flt.DueAfter, flt.DueAfterID = last.QueueDue(), last.ID
		}
		t.Fatal("the cursor does not advance")
		return nil
	})
	return out
}

func limitOf(f desk.IncidentFilter) int {
	if f.Limit <= 0 {
		return 50
	}
	return f.Limit
}

// TestSLAMarks: each mark is due only while its clock runs and its time has passed, and
// setting it succeeds once.
func TestSLAMarks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		due := t0.Add(8 * time.Hour)
		running := withSLA(f.acme.ID, "running", &due)
		answered := withSLA(f.acme.ID, "answered", &due)
		answered.FirstResponseAt = ptr(t0.Add(time.Minute))
		paused := withSLA(f.acme.ID, "paused", nil)
		closed := withSLA(f.acme.ID, "closed", &due)
		closed.State = desk.StateClosed
		none := newIncident(f.acme.ID, "none")
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			for _, in := range []*desk.Incident{&running, &answered, &paused, &closed, &none} {
				if err := tx.CreateIncident(ctx, in); err != nil {
					return err
				}
			}
			return nil
		})
		dueAt := func(m desk.SLAMark, now time.Time) []int64 {
			t.Helper()
			var ids []int64
			read(t, db, func(ctx context.Context, tx app.Tx) (err error) {
				ids, err = tx.DueSLAMarks(ctx, m, now, 10)
				return err
			})
			return ids
		}
		// A warning is due at its instant; a breach only after it.
		for _, c := range []struct {
			m    desk.SLAMark
			now  time.Time
			want []int64
		}{
			{desk.MarkResponseWarning, t0.Add(45*time.Minute - time.Millisecond), []int64{}},
			{desk.MarkResponseWarning, t0.Add(45 * time.Minute), []int64{running.ID, paused.ID}},
			{desk.MarkResponseBreach, t0.Add(time.Hour), []int64{}},
			{desk.MarkResponseBreach, t0.Add(time.Hour + time.Millisecond), []int64{running.ID, paused.ID}},
			{desk.MarkResolveWarning, due.Add(-2 * time.Hour), []int64{running.ID, answered.ID}},
			{desk.MarkResolveBreach, due, []int64{}},
			{desk.MarkResolveBreach, due.Add(time.Millisecond), []int64{running.ID, answered.ID}},
		} {
			if got := dueAt(c.m, c.now); !slices.Equal(got, c.want) {
				t.Errorf("%s at %v: %v, want %v", c.m, c.now.Sub(t0), got, c.want)
			}
			// What the store finds is what the domain says.
			for _, in := range []desk.Incident{running, answered, paused, closed, none} {
				if in.Due(c.m, c.now) != slices.Contains(c.want, in.ID) {
					t.Errorf("%s of %s at %v: the domain says %v", c.m, in.Title, c.now.Sub(t0), in.Due(c.m, c.now))
				}
			}
		}

		later := due.Add(time.Hour)
		mark := func(id int64, m desk.SLAMark) bool {
			t.Helper()
			var ok bool
			write(t, db, func(ctx context.Context, tx app.Tx) (err error) {
				ok, err = tx.MarkSLA(ctx, id, m, later)
				return err
			})
			return ok
		}
		if !mark(running.ID, desk.MarkResolveBreach) || mark(running.ID, desk.MarkResolveBreach) {
			t.Error("a breach was set other than once")
		}
		if mark(paused.ID, desk.MarkResolveWarning) || mark(closed.ID, desk.MarkResponseWarning) || mark(answered.ID, desk.MarkResponseBreach) {
			t.Error("a stopped clock was marked")
		}
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.Incident(ctx, running.ID)
			if err != nil || !got.ResolveBreached || got.ResolveWarned || got.Version != 2 {
				t.Errorf("after the mark: %+v (%v)", got, err)
			}
			return nil
		})
		if ids := dueAt(desk.MarkResolveBreach, later); !slices.Equal(ids, []int64{answered.ID}) {
			t.Errorf("still due: %v", ids)
		}
		// A change based on the incident before the mark fails instead of clearing it.
		stale := running
		stale.Title = "stale"
		err := tryWrite(t, db, func(ctx context.Context, tx app.Tx) error { return tx.UpdateIncident(ctx, &stale) })
		wantCode(t, err, desk.ECONFLICT)
	})
}

func TestCalendarStore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			_, err := tx.Calendar(ctx, "business")
			wantCode(t, err, desk.ENOTFOUND)
			cs, err := tx.Calendars(ctx)
			if err != nil || len(cs) != 0 {
				t.Errorf("calendars: %v %v", cs, err)
			}
			return nil
		})
		c := desk.DefaultCalendars()[1]
		c.ClosedDays = []string{"2026-12-24"}
		night := desk.Calendar{Slug: "night", Name: "Night", Zone: "Europe/London", Holidays: []string{}, ClosedDays: []string{}}
		night.Week[1] = []desk.Span{{Start: 0, End: 360}}
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			if err := tx.PutCalendar(ctx, app.StoredCalendar{Calendar: night, UpdatedAt: t0}); err != nil {
				return err
			}
			return tx.PutCalendar(ctx, app.StoredCalendar{Calendar: c, UpdatedAt: t0})
		})
		c.Name = "Office hours"
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			return tx.PutCalendar(ctx, app.StoredCalendar{Calendar: c, UpdatedAt: t0.Add(time.Hour)})
		})
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, err := tx.Calendar(ctx, "business")
			if err != nil || !reflect.DeepEqual(got.Calendar, c) || !got.UpdatedAt.Equal(ms(t0.Add(time.Hour))) {
				t.Errorf("business = %+v (%v)", got, err)
			}
			cs, err := tx.Calendars(ctx)
			if err != nil || len(cs) != 2 || cs[0].Calendar.Slug != "business" || !reflect.DeepEqual(cs[1].Calendar, night) {
				t.Errorf("calendars = %+v (%v)", cs, err)
			}
			return nil
		})
	})
}

// TestQueueUsesItsIndex: on SQLite the queue's first page, a later page and a page per
// client read an index in order instead of sorting the open incidents.
func TestQueueUsesItsIndex(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.DialectSQLite)
	for _, c := range []struct {
		f     desk.IncidentFilter
		index string
	}{
		{desk.IncidentFilter{SortDue: true, Limit: 50}, "incidents_queue"},
		{desk.IncidentFilter{SortDue: true, Limit: 50, DueAfter: t0, DueAfterID: 7}, "incidents_queue"},
		{desk.IncidentFilter{SortDue: true, Limit: 50, Priority: desk.P2, Kind: desk.KindUrgent}, "incidents_queue"},
		{desk.IncidentFilter{SortDue: true, Limit: 50, Priority: desk.P2, States: []desk.State{desk.StateInProgress}}, "incidents_queue_state"},
		{desk.IncidentFilter{SortDue: true, Limit: 50, OrgID: 3}, "incidents_queue_org"},
		{desk.IncidentFilter{SortDue: true, Limit: 50, OwnerID: 3}, "incidents_queue_owner"},
		{desk.IncidentFilter{SortDue: true, Limit: 50, AssigneeID: 3, DueAfter: t0, DueAfterID: 7}, "incidents_queue_assignee"},
		{desk.IncidentFilter{SortDue: true, Limit: 50, SupplierID: 3}, "incidents_queue_supplier"},
	} {
		plan := store.QueuePlanForTest(t.Context(), db, c.f)
		uses := strings.Contains(plan, "INDEX "+c.index+" ") || strings.Contains(plan, "INDEX "+c.index+"\n")
		if !uses || strings.Contains(plan, "TEMP B-TREE") || c.f.DueAfterID != 0 && !strings.Contains(plan, "SEARCH") {
			t.Errorf("%+v: plan\n%s\nwant %s without sorting", c.f, plan, c.index)
		}
	}
}

// TestSLAJobUsesItsIndexes: on SQLite the SLA job finds each mark's due incidents through
// that mark's partial index, in order, whose predicate the query implies.
func TestSLAJobUsesItsIndexes(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.DialectSQLite)
	for m, index := range map[desk.SLAMark]string{
		desk.MarkResponseWarning: "incidents_sla_response_warn",
		desk.MarkResponseBreach:  "incidents_sla_response_due",
		desk.MarkResolveWarning:  "incidents_sla_resolve_warn",
		desk.MarkResolveBreach:   "incidents_sla_resolve_due",
	} {
		plan := store.DueSLAMarksPlanForTest(t.Context(), db, m)
		if !strings.Contains(plan, "INDEX "+index+" ") || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("%s: plan\n%s\nwant %s without sorting", m, plan, index)
		}
	}
}
