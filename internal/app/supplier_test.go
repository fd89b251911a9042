package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestSuppliers: admins manage suppliers, staff read them, clients never see them; an
// incident is handed to an active supplier with a follow-up date that lies ahead, on an
// internal timeline entry, and nothing of it reaches the client.
func TestSuppliers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		agent, client := actor(w.agent), actor(w.reporter)

		_, err := w.a.Suppliers.Create(ctx, agent, desk.Supplier{Name: "Hostr"})
		wantErr(t, "an agent creates", err, desk.EFORBIDDEN, "")
		_, err = w.a.Suppliers.Create(ctx, sys, desk.Supplier{Name: " ", Email: "nope", Phone: "call me"})
		wantErr(t, "bad fields", err, desk.EINVALID, "name")
		wantErr(t, "bad fields", err, desk.EINVALID, "email")
		wantErr(t, "bad fields", err, desk.EINVALID, "phone")
		s := noErr(w.a.Suppliers.Create(ctx, sys, desk.Supplier{Name: "Hostr", ContactName: "Hans", Email: "noc@hostr.example", Phone: "+31 20 123 4567", Active: true}))(t)
		_, err = w.a.Suppliers.Create(ctx, sys, desk.Supplier{Name: "HOSTR", Active: true})
		wantErr(t, "the same name", err, desk.ECONFLICT, "")
		old := noErr(w.a.Suppliers.Create(ctx, sys, desk.Supplier{Name: "Oldco", Active: true}))(t)
		noErr(w.a.Suppliers.Update(ctx, sys, old.ID, app.SupplierPatch{Active: new(false)}))(t)

		if ss := noErr(w.a.Suppliers.List(ctx, actor(w.expert), true))(t); len(ss) != 1 || ss[0].Name != "Hostr" {
			t.Errorf("active suppliers: %+v", ss)
		}
		_, err = w.a.Suppliers.List(ctx, client, false)
		wantErr(t, "a client lists", err, desk.EFORBIDDEN, "")
		_, err = w.a.Suppliers.Get(ctx, actor(w.clientAdmin), s.ID)
		wantErr(t, "a client reads", err, desk.ENOTFOUND, "")

		inc := w.report(t, w.reporter, "Site down")
		follow := w.now.Add(48 * time.Hour).Format(time.RFC3339)
		_, err = w.a.Incidents.Assign(ctx, agent, inc.ID, app.Assignment{SupplierID: &old.ID, FollowUpAt: new(w.now.Add(-time.Minute).Format(time.RFC3339))})
		wantErr(t, "an inactive supplier", err, desk.EINVALID, "supplier_id")
		wantErr(t, "a date behind", err, desk.EINVALID, "follow_up_at")
		_, err = w.a.Incidents.Assign(ctx, agent, inc.ID, app.Assignment{FollowUpAt: new("tomorrow")})
		wantErr(t, "no date", err, desk.EINVALID, "follow_up_at")
		_, err = w.a.Incidents.Assign(ctx, client, inc.ID, app.Assignment{SupplierID: &s.ID})
		wantErr(t, "a client assigns", err, desk.EFORBIDDEN, "")

		got := noErr(w.a.Incidents.Assign(ctx, agent, inc.ID, app.Assignment{OwnerID: &w.agent.ID, AssigneeID: &w.expert.ID,
			SupplierID: &s.ID, FollowUpAt: &follow}))(t)
		if got.SupplierID == nil || *got.SupplierID != s.ID || got.FollowUpAt == nil || got.FollowUpAt.Format(time.RFC3339) != follow {
			t.Fatalf("assigned: %+v", got)
		}
		es := noErr(w.a.Incidents.Timeline(ctx, agent, inc.ID))(t)
		last := es[len(es)-1]
		if last.Event != desk.EventForwarded || last.Visibility != desk.Internal || last.Args[0] != "text:Hostr" || last.Args[1] != "time:"+follow {
			t.Errorf("timeline: %+v", last)
		}
		for _, e := range noErr(w.a.Incidents.Timeline(ctx, client, inc.ID))(t) {
			if e.Event == desk.EventForwarded {
				t.Errorf("the client sees %+v", e)
			}
		}
		for _, in := range []desk.Incident{noErr(w.a.Incidents.Get(ctx, client, inc.ID))(t),
			noErr(w.a.Incidents.List(ctx, client, desk.IncidentFilter{}))(t).Items[0]} {
			b, _ := json.Marshal(in)
			if in.SupplierID != nil || in.FollowUpAt != nil || json.Valid(b) && contains(string(b), "supplier", "follow_up") {
				t.Errorf("the client sees %s", b)
			}
		}
		if p := noErr(w.a.Incidents.List(ctx, client, desk.IncidentFilter{SupplierID: old.ID}))(t); len(p.Items) != 1 {
			t.Errorf("a client's supplier filter narrows: %d", len(p.Items))
		}
		// The queue filters by supplier.
		w.report(t, w.reporter, "Another")
		for id, want := range map[int64]int{s.ID: 1, old.ID: 0, 0: 2} {
			if q := noErr(w.a.Incidents.Queue(ctx, agent, desk.IncidentFilter{SupplierID: id}))(t); len(q.Items) != want {
				t.Errorf("queue of supplier %d: %d, want %d", id, len(q.Items), want)
			}
		}
		// Clearing both.
		got = noErr(w.a.Incidents.Assign(ctx, agent, inc.ID, app.Assignment{SupplierID: new(int64(0)), FollowUpAt: new("")}))(t)
		if got.SupplierID != nil || got.FollowUpAt != nil || got.AssigneeID == nil {
			t.Errorf("cleared: %+v", got)
		}
	})
}

func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		for i := 0; i+len(sub) <= len(s); i++ {
			if s[i:i+len(sub)] == sub {
				return true
			}
		}
	}
	return false
}

// remindEverywhere runs the reminders on both instances at once, from several goroutines
// each, several times, and returns how many they sent together.
func (w *slaWorld) remindEverywhere(t *testing.T) int {
	t.Helper()
	var mu sync.Mutex
	var wg sync.WaitGroup
	total := 0
	for i := range 8 {
		a := []*app.Services{w.a, w.b}[i%2]
		wg.Go(func() {
			for range 3 {
				n, err := a.Suppliers.RunReminders(context.Background())
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return total
}

// TestRemindersExactlyOnce: two instances run the reminders concurrently; a passed
// follow-up date reminds the owner once per date, an incident without update once per stale
// period, and an update or a new date starts over.
func TestRemindersExactlyOnce(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newSLAWorld(t, dialect)
			agent, t0 := actor(w.agent), w.now
			minutes := map[string]int{}
			for _, p := range desk.Priorities {
				minutes[p.String()] = 120
			}
			_, err := w.a.Suppliers.SetStaleAfter(ctx, agent, app.StaleAfterSetting{Minutes: minutes})
			wantErr(t, "an agent sets", err, desk.EFORBIDDEN, "")
			_, err = w.a.Suppliers.SetStaleAfter(ctx, sys, app.StaleAfterSetting{Minutes: map[string]int{"P1": 0, "P9": 5}})
			wantErr(t, "bad stale times", err, desk.EINVALID, "minutes.P1")
			noErr(w.a.Suppliers.SetStaleAfter(ctx, sys, app.StaleAfterSetting{Minutes: minutes}))(t)

			s := noErr(w.a.Suppliers.Create(ctx, sys, desk.Supplier{Name: "Hostr", Active: true}))(t)
			at := func(d time.Duration) *string { return new(t0.Add(d).Format(time.RFC3339)) }
			a := w.report(t, w.reporter, "A")
			noErr(w.a.Incidents.Assign(ctx, agent, a.ID, app.Assignment{OwnerID: &w.agent.ID, SupplierID: &s.ID, FollowUpAt: at(time.Hour)}))(t)
			b := w.report(t, w.reporter, "B")
			noErr(w.a.Incidents.Assign(ctx, agent, b.ID, app.Assignment{OwnerID: &w.agent.ID, AssigneeID: &w.expert.ID, FollowUpAt: at(3 * time.Hour)}))(t)
			c := w.report(t, w.reporter, "C") // nobody owns it: the coordinators hear
			d := w.report(t, w.reporter, "D") // resolved: not watched
			noErr(w.a.Incidents.Transition(ctx, agent, d.ID, desk.Transition{To: desk.StateTriaged}))(t)
			noErr(w.a.Incidents.Transition(ctx, agent, d.ID, desk.Transition{To: desk.StateResolved, Solution: "Done.", SolutionKind: "temporary"}))(t)

			step := func(d time.Duration, want int) {
				t.Helper()
				w.now = t0.Add(d)
				if n := w.remindEverywhere(t); n != want {
					t.Errorf("at %s: %d sent, want %d", d, n, want)
				}
			}
			step(30*time.Minute, 0)
			step(61*time.Minute, 1)  // A's follow-up
			step(121*time.Minute, 3) // A, B, C stale
			step(122*time.Minute, 0)
			step(181*time.Minute, 1) // B's follow-up
			noErr(w.a.Incidents.AddEntry(ctx, agent, c.ID, app.EntryInput{Kind: desk.EntryNote, Body: "Still looking."}))(t)
			step(242*time.Minute, 2) // A and B stale again; C had a note
			noErr(w.a.Incidents.Assign(ctx, agent, a.ID, app.Assignment{FollowUpAt: at(5 * time.Hour)}))(t)
			step(302*time.Minute, 2) // A's new follow-up; C stale again (note at 181)

			got := map[string]int{}
			for _, n := range noErr(w.a.Outbox.Notifications(ctx, agent))(t) {
				if n.Kind == desk.NotifyFollowUp || n.Kind == desk.NotifyStale {
					got[fmt.Sprintf("%d %s", *n.IncidentID, n.Kind)]++
				}
			}
			want := map[string]int{
				fmt.Sprintf("%d %s", a.ID, desk.NotifyFollowUp): 2, fmt.Sprintf("%d %s", a.ID, desk.NotifyStale): 2,
				fmt.Sprintf("%d %s", b.ID, desk.NotifyFollowUp): 1, fmt.Sprintf("%d %s", b.ID, desk.NotifyStale): 2,
				fmt.Sprintf("%d %s", c.ID, desk.NotifyStale): 2,
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("the agent got %v, want %v", got, want)
			}
			for _, n := range noErr(w.a.Outbox.Notifications(ctx, actor(w.expert)))(t) {
				if n.Kind == desk.NotifyFollowUp || n.Kind == desk.NotifyStale {
					t.Errorf("the expert got %+v", n)
				}
			}
			// The queue's marks: A was updated at 242 minutes, so it is fresh; its new date passed.
			inc := noErr(w.a.Incidents.Get(ctx, agent, a.ID))(t)
			sa := noErr(w.a.Suppliers.StaleAfter(ctx, agent))(t)
			bi := noErr(w.a.Incidents.Get(ctx, agent, b.ID))(t)
			if inc.Stale(sa, w.now) || !inc.FollowUpPassed(w.now) || !bi.Stale(sa, w.now.Add(2*time.Hour)) {
				t.Errorf("stale or follow-up marks wrong: %+v", inc)
			}
		})
	}
}
