package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestQueueViewsUseIndexes: on SQLite the "waiting on supplier" view reads its partial
// index in the queue's order, "breaching within the hour" and "unassigned" read the queue's
// index in order, and "mine" reads the owner's and the assignee's indexes in order, instead
// of sorting the open incidents (0021_saved_views.sql).
func TestQueueViewsUseIndexes(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.DialectSQLite)
	for _, c := range []struct {
		f     desk.IncidentFilter
		index string
	}{
		{desk.IncidentFilter{SortDue: true, Limit: 50, External: true}, "incidents_queue_external"},
		{desk.IncidentFilter{SortDue: true, Limit: 50, External: true, DueAfter: time.UnixMilli(1), DueAfterID: 7}, "incidents_queue_external"},
		{desk.IncidentFilter{SortDue: true, Limit: 50, DueBefore: time.Now().Add(time.Hour)}, "incidents_queue"},
		{desk.IncidentFilter{SortDue: true, Limit: 50, NoAssignee: true}, "incidents_queue"},
	} {
		plan := store.QueuePlanForTest(t.Context(), db, c.f)
		uses := strings.Contains(plan, "INDEX "+c.index+" ") || strings.Contains(plan, "INDEX "+c.index+"\n")
		if !uses || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("%+v: plan\n%s\nwant %s without sorting", c.f, plan, c.index)
		}
	}
	// Mine: each half searches its index, in order; what is sorted is at most a page of
	// each (the merge of the two).
	for _, f := range []desk.IncidentFilter{{SortDue: true, Limit: 50, Involves: 3},
		{SortDue: true, Limit: 50, Involves: 3, DueAfter: time.UnixMilli(1), DueAfterID: 7}} {
		plan := store.QueuePlanForTest(t.Context(), db, f)
		if !strings.Contains(plan, "SEARCH incidents USING INDEX incidents_queue_owner") || !strings.Contains(plan, "SEARCH incidents USING INDEX incidents_queue_assignee") {
			t.Errorf("%+v: plan\n%s\nwant both halves on their index", f, plan)
		}
	}
}

// TestQueueViewFilters: the views' filters select what they say and page in the queue's
// order on both databases: "mine" (owned or assigned, each once), "unassigned",
// "breaching" (a running clock due before the time, breached ones included) and "external"
// (a supplier, or waiting on a third party); the menu counts stop at the cap.
func TestQueueViewFilters(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		d := func(h int) *time.Time { return ptr(t0.Add(time.Duration(h) * time.Hour)) }
		other := newUser(f.provider.ID, "other@studio.test", "Other", desk.RoleAgent)
		ins := []desk.Incident{
			withSLA(f.acme.ID, "owned, due 5", d(5)),
			withSLA(f.acme.ID, "assigned, due 1", d(1)),
			withSLA(f.globex.ID, "both, overdue", d(-3)),
			withSLA(f.acme.ID, "another's, due 2", d(2)),
			withSLA(f.acme.ID, "paused, at a supplier", nil),
			withSLA(f.globex.ID, "waits on a third party, due 9", d(9)),
			withSLA(f.acme.ID, "owned but closed", d(0)),
		}
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			if err := tx.CreateUser(ctx, &other); err != nil {
				return err
			}
			sup := desk.Supplier{Name: "Hostio", Active: true, CreatedAt: t0, UpdatedAt: t0}
			if err := tx.CreateSupplier(ctx, &sup); err != nil {
				return err
			}
			ins[0].OwnerID = &f.agent.ID
			ins[1].AssigneeID, ins[1].OwnerID = &f.agent.ID, &other.ID
			ins[2].OwnerID, ins[2].AssigneeID = &f.agent.ID, &f.agent.ID
			ins[3].OwnerID, ins[3].AssigneeID = &other.ID, &other.ID
			ins[4].SupplierID, ins[4].FirstResponseAt = &sup.ID, &t0
			ins[5].State, ins[5].WaitingOn, ins[5].FirstResponseAt = desk.StateWaiting, desk.WaitingOnThirdParty, &t0
			ins[6].OwnerID, ins[6].State = &f.agent.ID, desk.StateClosed
			for i := range ins {
				if err := tx.CreateIncident(ctx, &ins[i]); err != nil {
					return err
				}
			}
			return nil
		})
		list := func(flt desk.IncidentFilter) []string { t.Helper(); return dueTitles(t, db, flt) }
		mine := []string{"both, overdue", "assigned, due 1", "owned, due 5"}
		for _, c := range []struct {
			name string
			f    desk.IncidentFilter
			want []string
		}{
			{"mine", desk.IncidentFilter{Involves: f.agent.ID}, mine},
			{"mine, pages of one", desk.IncidentFilter{Involves: f.agent.ID, Limit: 1}, mine},
			{"mine, pages of two", desk.IncidentFilter{Involves: f.agent.ID, Limit: 2}, mine},
			{"mine at Acme", desk.IncidentFilter{Involves: f.agent.ID, OrgID: f.acme.ID}, []string{"assigned, due 1", "owned, due 5"}},
			{"another's", desk.IncidentFilter{Involves: other.ID, Limit: 1}, []string{"assigned, due 1", "another's, due 2"}},
			{"unassigned", desk.IncidentFilter{NoAssignee: true}, []string{"owned, due 5", "waits on a third party, due 9", "paused, at a supplier"}},
			// The response clocks of the others are due at t0+1h and not answered.
			{"breaching before t0+30m", desk.IncidentFilter{DueBefore: t0.Add(30 * time.Minute)}, []string{"both, overdue"}},
			{"breaching before t0+90m", desk.IncidentFilter{DueBefore: t0.Add(90 * time.Minute)},
				[]string{"both, overdue", "assigned, due 1", "another's, due 2", "owned, due 5"}},
			{"external", desk.IncidentFilter{External: true, Limit: 1}, []string{"waits on a third party, due 9", "paused, at a supplier"}},
		} {
			if got := list(c.f); !slices.Equal(got, c.want) {
				t.Errorf("%s: %q, want %q", c.name, got, c.want)
			}
		}
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			c, err := tx.MenuCounts(ctx, f.agent.ID)
			if err != nil || c.Mine != 3 || c.ToAssess != 0 {
				t.Errorf("menu counts %+v (%v)", c, err)
			}
			return nil
		})
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			for i := range app.MenuCountCap + 5 {
				in := newIncident(f.acme.ID, "pending")
				in.Kind, in.Assessment = desk.KindUrgent, desk.AssessmentPending
				in.Title = in.Title + string(rune('a'+i%26))
				if err := tx.CreateIncident(ctx, &in); err != nil {
					return err
				}
			}
			return nil
		})
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			if c, err := tx.MenuCounts(ctx, f.agent.ID); err != nil || c.ToAssess != app.MenuCountCap || c.Mine != 3 {
				t.Errorf("menu counts past the cap %+v (%v)", c, err)
			}
			return nil
		})
	})
}
