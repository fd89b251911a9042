package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// notifications lists a user's notifications of one kind.
func (w *world) notifications(t *testing.T, u desk.User, kind string) []desk.Notification {
	t.Helper()
	var out []desk.Notification
	for _, n := range noErr(w.a.Outbox.Notifications(context.Background(), actor(u)))(t) {
		if n.Kind == kind {
			out = append(out, n)
		}
	}
	return out
}

// resolved reports an incident, lets the agent triage it (the agent owns it) and resolves
// it at w.now.
func (w *world) resolved(t *testing.T, title string) desk.Incident {
	t.Helper()
	ctx := context.Background()
	inc := w.report(t, w.reporter, title)
	noErr(w.a.Incidents.Transition(ctx, actor(w.agent), inc.ID, desk.Transition{To: desk.StateTriaged}))(t)
	return noErr(w.a.Incidents.Transition(ctx, actor(w.agent), inc.ID,
		desk.Transition{To: desk.StateResolved, Solution: "Restarted the service.", SolutionKind: desk.SolutionTemporary}))(t)
}

// TestClosureLoop: a resolved incident closes by itself exactly 24 hours (no contract)
// after its solution, unless the client confirms, rejects or replies first.
func TestClosureLoop(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		agent := actor(w.agent)
		w.now = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

		// Resolving needs a kind of solution.
		inc := w.report(t, w.reporter, "Checkout fails")
		noErr(w.a.Incidents.Transition(ctx, agent, inc.ID, desk.Transition{To: desk.StateTriaged}))(t)
		_, err := w.a.Incidents.Transition(ctx, agent, inc.ID, desk.Transition{To: desk.StateResolved, Solution: "Restarted."})
		if e, ok := err.(*desk.Error); !ok || e.Code != desk.EINVALID || e.Fields[0].Field != "solution_kind" {
			t.Fatalf("resolve without a kind: %v", err)
		}
		inc = noErr(w.a.Incidents.Transition(ctx, agent, inc.ID,
			desk.Transition{To: desk.StateResolved, Solution: "Replaced the certificate.", SolutionKind: desk.SolutionStructural}))(t)
		for i, in := range []desk.Incident{inc, noErr(w.a.Incidents.Get(ctx, actor(w.reporter), inc.ID))(t)} {
			if in.SolutionKind != desk.SolutionStructural {
				t.Errorf("%d: solution kind %q", i, in.SolutionKind)
			}
			wantAt(t, fmt.Sprint(i, ": auto-close"), in.AutoCloseAt, "2026-03-03T10:00:00Z")
		}

		// One second early nothing happens; on the second it closes, once.
		w.now = time.Date(2026, 3, 3, 9, 59, 59, 0, time.UTC)
		if n := noErr(w.a.Incidents.RunAutoClose(ctx))(t); n != 0 {
			t.Fatalf("closed %d at 09:59:59", n)
		}
		if in := noErr(w.a.Incidents.Get(ctx, agent, inc.ID))(t); in.State != desk.StateResolved {
			t.Fatalf("state %s at 09:59:59", in.State)
		}
		w.now = time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
		if n := noErr(w.a.Incidents.RunAutoClose(ctx))(t); n != 1 {
			t.Fatalf("closed %d at 10:00:00", n)
		}
		if n := noErr(w.a.Incidents.RunAutoClose(ctx))(t); n != 0 {
			t.Fatalf("closed %d more", n)
		}
		in := noErr(w.a.Incidents.Get(ctx, agent, inc.ID))(t)
		if in.State != desk.StateClosed || in.AutoCloseAt != nil {
			t.Fatalf("after the deadline: %s, auto-close %v", in.State, in.AutoCloseAt)
		}
		wantAt(t, "closed", in.ClosedAt, "2026-03-03T10:00:00Z")
		tl := noErr(w.a.Incidents.Timeline(ctx, actor(w.reporter), inc.ID))(t)
		last := tl[len(tl)-1]
		if last.Event != desk.EventAutoClosed || last.Visibility != desk.Public || last.ToState != desk.StateClosed ||
			!strings.Contains(last.Body, "no reaction within 24 hours") {
			t.Errorf("last entry: %+v", last)
		}
		var audited int
		for _, e := range noErr(w.a.Incidents.Audit(ctx, agent, inc.ID))(t) {
			if e.Action == "auto_close" {
				audited++
				if e.ActorID != nil || !strings.Contains(e.After, "no reaction within 24 hours") || !strings.Contains(e.After, `"closed"`) {
					t.Errorf("audit: %+v", e)
				}
			}
		}
		if audited != 1 {
			t.Errorf("%d auto_close audit records", audited)
		}
		if ns := w.notifications(t, w.reporter, desk.NotifyAutoClosed); len(ns) != 1 || *ns[0].IncidentID != inc.ID {
			t.Errorf("reporter's notifications: %+v", ns)
		}

		// Confirm: closed now, nothing left for the job.
		w.now = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
		confirmed := w.resolved(t, "Confirmed")
		in = noErr(w.a.Incidents.Transition(ctx, actor(w.reporter), confirmed.ID, desk.Transition{To: desk.StateClosed}))(t)
		if in.State != desk.StateClosed || in.AutoCloseAt != nil {
			t.Errorf("confirmed: %s, auto-close %v", in.State, in.AutoCloseAt)
		}

		// Reject: a reason is required; the owner hears of it.
		rejected := w.resolved(t, "Rejected")
		if _, err := w.a.Incidents.Transition(ctx, actor(w.reporter), rejected.ID, desk.Transition{To: desk.StateInProgress}); desk.ErrorCode(err) != desk.EINVALID {
			t.Errorf("reject without a reason: %v", err)
		}
		in = noErr(w.a.Incidents.Transition(ctx, actor(w.reporter), rejected.ID, desk.Transition{To: desk.StateInProgress, Reason: "Still broken on mobile."}))(t)
		if in.State != desk.StateInProgress || in.AutoCloseAt != nil || in.ResolvedAt != nil {
			t.Errorf("rejected: %s, auto-close %v", in.State, in.AutoCloseAt)
		}
		ns := w.notifications(t, w.agent, desk.NotifySolutionRejected)
		if len(ns) != 1 || *ns[0].IncidentID != rejected.ID || !strings.Contains(ns[0].Payload, "Still broken on mobile.") {
			t.Errorf("owner's notifications after the rejection: %+v", ns)
		}

		// A reply from the client reopens; a reply from the desk does not.
		replied := w.resolved(t, "Replied")
		noErr(w.a.Incidents.AddEntry(ctx, agent, replied.ID, app.EntryInput{Body: "Let us know if it works."}))(t)
		if in := noErr(w.a.Incidents.Get(ctx, agent, replied.ID))(t); in.State != desk.StateResolved || in.AutoCloseAt == nil {
			t.Fatalf("the desk's reply changed the incident: %s %v", in.State, in.AutoCloseAt)
		}
		noErr(w.a.Incidents.AddEntry(ctx, actor(w.reporter), replied.ID, app.EntryInput{Body: "It fails again since this morning."}))(t)
		in = noErr(w.a.Incidents.Get(ctx, agent, replied.ID))(t)
		if in.State != desk.StateInProgress || in.AutoCloseAt != nil || in.ResolvedAt != nil {
			t.Errorf("after the client's reply: %s, auto-close %v", in.State, in.AutoCloseAt)
		}
		var reopened bool
		for _, e := range noErr(w.a.Incidents.Timeline(ctx, actor(w.reporter), replied.ID))(t) {
			reopened = reopened || e.Event == desk.EventReopened && e.FromState == desk.StateResolved && e.ToState == desk.StateInProgress
		}
		if !reopened {
			t.Error("no reopened entry on the timeline")
		}
		var why bool
		for _, e := range noErr(w.a.Incidents.Audit(ctx, agent, replied.ID))(t) {
			why = why || e.Action == "reopen" && strings.Contains(e.After, "client replied")
		}
		if !why {
			t.Error("no reopen audit record with the reason")
		}
		if ns := w.notifications(t, w.agent, desk.NotifySolutionRejected); len(ns) != 2 {
			t.Errorf("owner's notifications after the reply: %d", len(ns))
		}

		// Nothing of these three closes later.
		w.now = w.now.Add(72 * time.Hour)
		if n := noErr(w.a.Incidents.RunAutoClose(ctx))(t); n != 0 {
			t.Errorf("closed %d that had a reaction", n)
		}
	})
}

// TestAutoCloseHoursOfTheContract: the contract's delay applies, in wall-clock hours even on
// a business-hours calendar.
func TestAutoCloseHoursOfTheContract(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.contract(t, desk.Contract{SupportHours: desk.HoursBusiness, AutoCloseHours: 48})
		w.now = time.Date(2026, 3, 6, 16, 30, 15, 0, time.UTC) // a Friday afternoon
		inc := w.resolved(t, "Slow reports")
		wantAt(t, "auto-close", inc.AutoCloseAt, "2026-03-08T16:30:15Z")
	})
}

// TestAutoCloseExactlyOnce: two instances on one database run the job concurrently many
// times; each due incident is closed, audited and announced exactly once.
func TestAutoCloseExactlyOnce(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newSLAWorld(t, dialect)
			var incs []desk.Incident
			for i := range 10 {
				incs = append(incs, w.resolved(t, fmt.Sprint("Incident ", i)))
			}
			w.now = w.now.Add(24*time.Hour - time.Second)
			early := w.resolved(t, "Resolved later")
			w.now = w.now.Add(time.Second)

			var mu sync.Mutex
			var wg sync.WaitGroup
			total := 0
			for i := range 8 {
				a := []*app.Services{w.a, w.b}[i%2]
				wg.Go(func() {
					for range 3 {
						n, err := a.Incidents.RunAutoClose(ctx)
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
			if total != len(incs) {
				t.Errorf("closed %d, want %d", total, len(incs))
			}
			for _, inc := range incs {
				if in := noErr(w.a.Incidents.Get(ctx, actor(w.agent), inc.ID))(t); in.State != desk.StateClosed {
					t.Errorf("%s: %s", inc.Number, in.State)
				}
				n := 0
				for _, e := range noErr(w.a.Incidents.Audit(ctx, actor(w.agent), inc.ID))(t) {
					if e.Action == "auto_close" {
						n++
					}
				}
				for _, e := range noErr(w.a.Incidents.Timeline(ctx, actor(w.agent), inc.ID))(t) {
					if e.Event == desk.EventAutoClosed {
						n++
					}
				}
				if n != 2 {
					t.Errorf("%s: %d audit records and timeline entries, want one each", inc.Number, n)
				}
			}
			if in := noErr(w.a.Incidents.Get(ctx, actor(w.agent), early.ID))(t); in.State != desk.StateResolved {
				t.Errorf("the incident resolved a second before: %s", in.State)
			}
			got := map[int64]int{}
			for _, n := range w.notifications(t, w.reporter, desk.NotifyAutoClosed) {
				var p struct{ Hours int }
				if err := json.Unmarshal([]byte(n.Payload), &p); err != nil || p.Hours != 24 {
					t.Errorf("payload %s", n.Payload)
				}
				got[*n.IncidentID]++
			}
			if len(got) != len(incs) {
				t.Errorf("reporter notified of %d incidents, want %d", len(got), len(incs))
			}
			for id, n := range got {
				if n != 1 {
					t.Errorf("incident %d: notified %d times", id, n)
				}
			}
		})
	}
}
