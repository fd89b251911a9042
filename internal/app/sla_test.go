package app_test

import (
	"context"
	"encoding/json"
	"fmt"
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

// at parses an RFC 3339 instant for expectations.
func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// wantAt fails unless got is the instant want (RFC 3339), or nil when want is "".
func wantAt(t *testing.T, what string, got *time.Time, want string) {
	t.Helper()
	switch {
	case want == "" && got != nil:
		t.Errorf("%s = %v, want none", what, got)
	case want == "":
	case got == nil:
		t.Errorf("%s = none, want %s", what, want)
	case !got.Equal(at(t, want)):
		t.Errorf("%s = %s, want %s", what, got.UTC().Format(time.RFC3339), want)
	}
}

func (w *world) contract(t *testing.T, c desk.Contract) desk.Contract {
	t.Helper()
	if c.OrgID == 0 {
		c.OrgID = w.client.ID
	}
	c.Name, c.Active = "Gold", true
	c, err := w.a.Organisations.CreateContract(context.Background(), sys, c)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSLADeadlines follows an incident's clocks on the business calendar (Monday to Friday
// 08:30–17:30 in Amsterdam, UTC+1 in March): registered, paused overnight while waiting,
// resumed, and retargeted by a change of priority; every value is stored and reads back.
func TestSLADeadlines(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		w.contract(t, desk.Contract{SupportHours: desk.HoursBusiness})
		agent := actor(w.agent)

		// Monday 2 March, 10:00 in Amsterdam; P2 promises a reply in 60 minutes and a
		// solution in 8 hours of business time.
		inc := w.report(t, w.reporter, "Checkout fails")
		check := func(step, response, responseWarn, resolve, resolveWarn string) {
			t.Helper()
			for i, in := range []desk.Incident{inc, noErr(w.a.Incidents.Get(ctx, agent, inc.ID))(t)} {
				what := fmt.Sprintf("%s (%s)", step, []string{"returned", "read back"}[i])
				wantAt(t, what+": response due", in.SLA.ResponseDue, response)
				wantAt(t, what+": response warning", in.SLA.ResponseWarn, responseWarn)
				wantAt(t, what+": resolve due", in.SLA.ResolveDue, resolve)
				wantAt(t, what+": resolve warning", in.SLA.ResolveWarn, resolveWarn)
				if in.SLA.Calendar != "business" {
					t.Errorf("%s: calendar %q", what, in.SLA.Calendar)
				}
			}
		}
		if inc.Priority != desk.P2 {
			t.Fatalf("priority %s", inc.Priority)
		}
		check("registered", "2026-03-02T10:00:00Z", "2026-03-02T09:45:00Z", "2026-03-03T08:00:00Z", "2026-03-02T15:00:00Z")

		// Waiting from 17:00 on Monday to 09:00 on Tuesday pauses one open hour (17:00–17:30
		// and 08:30–09:00): the deadline moves from Tuesday 09:00 to 10:00.
		w.now = at(t, "2026-03-02T16:00:00Z")
		inc = noErr(w.a.Incidents.Transition(ctx, agent, inc.ID, desk.Transition{To: desk.StateWaiting, WaitingOn: desk.WaitingOnClient}))(t)
		if inc.SLA.PausedSince == nil || !inc.SLA.PausedSince.Equal(w.now) {
			t.Errorf("paused since %v", inc.SLA.PausedSince)
		}
		check("waiting", "2026-03-02T10:00:00Z", "2026-03-02T09:45:00Z", "", "")
		w.now = at(t, "2026-03-03T08:00:00Z")
		inc = noErr(w.a.Incidents.Transition(ctx, agent, inc.ID, desk.Transition{To: desk.StateInProgress}))(t)
		if inc.SLA.Paused != time.Hour || inc.SLA.PausedSince != nil {
			t.Errorf("paused %v since %v, want 1h and running", inc.SLA.Paused, inc.SLA.PausedSince)
		}
		check("resumed", "2026-03-02T10:00:00Z", "2026-03-02T09:45:00Z", "2026-03-03T09:00:00Z", "2026-03-02T16:00:00Z")

		// P3 (impact low): 4 hours to reply and 3 days (72 open hours) to solve, counted
		// from the registration as if it had been P3 from the start, the paused hour kept.
		w.now = at(t, "2026-03-03T08:30:00Z")
		low := desk.Low
		inc = noErr(w.a.Incidents.Update(ctx, agent, inc.ID, app.IncidentPatch{Impact: &low, Reason: "one user"}))(t)
		if inc.Priority != desk.P3 || inc.SLA.Paused != time.Hour {
			t.Fatalf("priority %s, paused %v", inc.Priority, inc.SLA.Paused)
		}
		check("P3", "2026-03-02T13:00:00Z", "2026-03-02T12:00:00Z", "2026-03-12T10:00:00Z", "2026-03-10T10:00:00Z")

		// A solution pauses the clock until the client answers; a rejection resumes it, with
		// the business time the solution waited added.
		w.now = at(t, "2026-03-03T09:00:00Z")
		inc = noErr(w.a.Incidents.Transition(ctx, agent, inc.ID, desk.Transition{To: desk.StateResolved, Solution: "Restarted.", SolutionKind: "temporary"}))(t)
		check("resolved", "2026-03-02T13:00:00Z", "2026-03-02T12:00:00Z", "", "")
		w.now = at(t, "2026-03-03T11:00:00Z")
		inc = noErr(w.a.Incidents.Transition(ctx, actor(w.reporter), inc.ID, desk.Transition{To: desk.StateInProgress, Reason: "Still fails."}))(t)
		if inc.SLA.Paused != 3*time.Hour {
			t.Errorf("paused %v, want 3h", inc.SLA.Paused)
		}
		check("rejected", "2026-03-02T13:00:00Z", "2026-03-02T12:00:00Z", "2026-03-12T12:00:00Z", "2026-03-10T12:00:00Z")

		// Closed: the clock stays stopped.
		w.now = at(t, "2026-03-03T12:00:00Z")
		noErr(w.a.Incidents.Transition(ctx, agent, inc.ID, desk.Transition{To: desk.StateResolved, Solution: "Fixed.", SolutionKind: "temporary"}))(t)
		inc = noErr(w.a.Incidents.Transition(ctx, actor(w.reporter), inc.ID, desk.Transition{To: desk.StateClosed}))(t)
		if inc.SLA.ResolveDue != nil || inc.SLA.PausedSince == nil || !inc.SLA.PausedSince.Equal(w.now) {
			t.Errorf("closed: %+v", inc.SLA)
		}
	})
}

// TestSLAKindAndContract: no contract, no deadlines; an urgent report under a contract that
// covers urgent reports counts in the urgent calendar (24/7), and moving it to regular
// support recomputes its deadlines in the business calendar.
func TestSLAKindAndContract(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		inc := w.report(t, w.reporter, "No contract yet")
		if inc.SLA != (desk.SLA{}) {
			t.Errorf("without a contract: %+v", inc.SLA)
		}
		inc = noErr(w.a.Incidents.Transition(ctx, actor(w.agent), inc.ID, desk.Transition{To: desk.StateWaiting, WaitingOn: desk.WaitingOnClient}))(t)
		if inc.SLA != (desk.SLA{}) {
			t.Errorf("without a contract, waiting: %+v", inc.SLA)
		}

		w.contract(t, desk.Contract{SupportHours: desk.HoursBusiness, UrgentHours: desk.Hours24x7, CoversUrgent: true})
		// Saturday 7 March, 12:00 UTC: the business calendar is closed, the 24/7 one open.
		w.now = at(t, "2026-03-07T12:00:00Z")
		rep, _, err := w.a.Reports.Submit(ctx, actor(w.reporter), app.ReportInput{Answers: urgentAnswers(), Title: "Shop down", Accept: true})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Kind != desk.KindUrgent || rep.Priority != desk.P1 || rep.SLA.Calendar != "24x7" {
			t.Fatalf("urgent report: %s %s %+v", rep.Kind, rep.Priority, rep.SLA)
		}
		wantAt(t, "urgent response", rep.SLA.ResponseDue, "2026-03-07T12:30:00Z")
		wantAt(t, "urgent resolve", rep.SLA.ResolveDue, "2026-03-07T16:00:00Z")
		wantAt(t, "urgent resolve warning", rep.SLA.ResolveWarn, "2026-03-07T15:00:00Z")

		rep = noErr(w.a.Reports.Assess(ctx, actor(w.agent), rep.ID, false, "Only the test shop"))(t)
		if rep.Kind != desk.KindRegular || rep.SLA.Calendar != "business" {
			t.Fatalf("reclassified: %s %+v", rep.Kind, rep.SLA)
		}
		// P1 on business hours from Saturday noon: 30 minutes and 4 hours from Monday 08:30.
		wantAt(t, "regular response", rep.SLA.ResponseDue, "2026-03-09T08:00:00Z")
		wantAt(t, "regular resolve", rep.SLA.ResolveDue, "2026-03-09T11:30:00Z")

		// The other client has no contract: its incidents have no deadlines.
		u := noErr(w.a.Identity.CreateUser(ctx, sys, app.UserInput{OrgID: w.other.ID, Email: "o@other.example", Name: "O", Role: desk.RoleClientUser, Password: "long enough password"}))(t)
		if other := w.report(t, u, "Elsewhere"); other.SLA.Calendar != "" || other.SLA.ResolveDue != nil {
			t.Errorf("other client: %+v", other.SLA)
		}
	})
}

// TestCalendars: admins store calendars (their own, or a version of a built-in one);
// contracts may name any calendar that exists; deadlines use the stored version.
func TestCalendars(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		admin := desk.SystemActor("admin")
		cs := noErr(w.a.SLA.Calendars(ctx, actor(w.reporter)))(t)
		if len(cs) != 2 || cs[0].Slug != "24x7" || !cs[0].BuiltIn || cs[1].Slug != "business" || cs[1].UpdatedAt != nil {
			t.Fatalf("built-in calendars: %+v", cs)
		}

		// Errors name their fields; only admins may store.
		bad := desk.Calendar{Slug: "Night Shift", Name: "", Zone: "Mars/Olympus", Holidays: []string{"sinterklaas"}}
		_, err := w.a.SLA.PutCalendar(ctx, admin, bad)
		for _, f := range []string{"name", "slug", "zone", "holidays[0]", "week"} {
			if e, _ := err.(*desk.Error); e == nil || !slices.ContainsFunc(e.Fields, func(fe desk.FieldError) bool { return fe.Field == f }) {
				t.Errorf("bad calendar: no error for %s in %v", f, err)
			}
		}
		night := desk.Calendar{Slug: "night", Name: "Night shift", Holidays: []string{}}
		for d := range 7 {
			night.Week[d] = []desk.Span{{Start: 0, End: 6 * 60}}
		}
		if _, err := w.a.SLA.PutCalendar(ctx, actor(w.agent), night); desk.ErrorCode(err) != desk.EFORBIDDEN {
			t.Fatalf("agent stores a calendar: %v", err)
		}
		if _, err := w.a.SLA.PutCalendar(ctx, admin, night); err != nil {
			t.Fatal(err)
		}

		// A contract may name it, but not a calendar that does not exist.
		_, err = w.a.Organisations.CreateContract(ctx, sys, desk.Contract{OrgID: w.client.ID, Name: "X", SupportHours: "weekends", Active: true})
		if e, _ := err.(*desk.Error); e == nil || len(e.Fields) != 1 || e.Fields[0].Field != "support_hours" || e.Fields[0].Rule != "one_of" {
			t.Errorf("unknown calendar: %v", err)
		}
		w.contract(t, desk.Contract{SupportHours: "night"})
		// Monday 09:00 UTC is 10:00 in Amsterdam: the night shift opens at midnight, so a
		// P2's hour to reply ends Tuesday 01:00 local, 00:00 UTC.
		inc := w.report(t, w.reporter, "At night")
		if inc.SLA.Calendar != "night" {
			t.Fatalf("calendar %q", inc.SLA.Calendar)
		}
		wantAt(t, "night response", inc.SLA.ResponseDue, "2026-03-03T00:00:00Z")

		// A new version applies at once (the clock cache follows it): open until 07:00.
		night.Name = "Night shift, longer"
		for d := range 7 {
			night.Week[d] = []desk.Span{{Start: 0, End: 7 * 60}}
		}
		if _, err := w.a.SLA.PutCalendar(ctx, admin, night); err != nil {
			t.Fatal(err)
		}
		// A P2's 8 hours to solve: 7 on the first night, 1 on the second, until Wednesday
		// 01:00 in Amsterdam (with the old shift of 6 hours it would have been 02:00).
		inc = w.report(t, w.reporter, "At night again")
		wantAt(t, "longer night resolve", inc.SLA.ResolveDue, "2026-03-04T00:00:00Z")

		// An admin's version of a built-in calendar replaces it.
		b := desk.DefaultCalendars()[1]
		b.Holidays = []string{"koningsdag"}
		if _, err := w.a.SLA.PutCalendar(ctx, admin, b); err != nil {
			t.Fatal(err)
		}
		cs = noErr(w.a.SLA.Calendars(ctx, actor(w.reporter)))(t)
		if len(cs) != 3 || cs[1].Slug != "business" || cs[1].BuiltIn || cs[1].UpdatedAt == nil || !slices.Equal(cs[1].Holidays, []string{"koningsdag"}) ||
			cs[2].Slug != "night" || cs[2].Name != "Night shift, longer" {
			t.Errorf("calendars: %+v", cs)
		}
	})
}

// slaWorld is a world on a database shared by two app instances with one clock, and a
// contract on the 24/7 calendar: a P2 warns of its reply after 45 minutes and is late after
// 60; it warns of its solution after 6 hours and is late after 8.
type slaWorld struct {
	*world
	b *app.Services // the second instance
}

func newSLAWorld(t *testing.T, dialect string) *slaWorld {
	db1, db2 := storetest.OpenTwice(t, dialect)
	w := newWorld(t, db1)
	b := app.New(db2, func() time.Time { return w.now }, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Config{Holidays: holidays.NL()})
	w.contract(t, desk.Contract{SupportHours: desk.Hours24x7})
	return &slaWorld{w, b}
}

// runEverywhere runs the SLA checks on both instances at once, from several goroutines each,
// several times, and returns how many warnings and breaches they sent together.
func (w *slaWorld) runEverywhere(t *testing.T) int {
	t.Helper()
	var mu sync.Mutex
	var wg sync.WaitGroup
	total := 0
	for i := range 8 {
		a := []*app.Services{w.a, w.b}[i%2]
		wg.Go(func() {
			for range 3 {
				n, err := a.SLA.RunChecks(context.Background())
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

// notified counts a user's SLA notifications by incident and mark.
func (w *slaWorld) notified(t *testing.T, u desk.User) map[string]int {
	t.Helper()
	ns := noErr(w.a.Outbox.Notifications(context.Background(), actor(u)))(t)
	got := map[string]int{}
	for _, n := range ns {
		if n.Kind != desk.NotifySLAWarning && n.Kind != desk.NotifySLABreach {
			continue
		}
		var p struct{ Mark string }
		if err := json.Unmarshal([]byte(n.Payload), &p); err != nil {
			t.Fatal(err)
		}
		got[fmt.Sprintf("%d %s", *n.IncidentID, p.Mark)]++
	}
	return got
}

// TestSLAChecksExactlyOnce: two instances on one database run the checks concurrently many
// times; every warning and breach is sent exactly once, to the right people, and a paused,
// answered or closed clock sends nothing of its own.
func TestSLAChecksExactlyOnce(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newSLAWorld(t, dialect)
			agent, t0 := actor(w.agent), w.now
			var assigned, unassigned []desk.Incident
			for i := range 12 {
				inc := w.report(t, w.reporter, fmt.Sprint("Incident ", i))
				if i%2 == 0 {
					inc = noErr(w.a.Incidents.Assign(ctx, agent, inc.ID, app.Assignment{OwnerID: &w.agent.ID, AssigneeID: &w.expert.ID}))(t)
					assigned = append(assigned, inc)
				} else {
					unassigned = append(unassigned, inc)
				}
			}
			// Answered: no response marks. Waiting after the answer: nothing at all. Closed:
			// nothing.
			answered := w.report(t, w.reporter, "Answered")
			noErr(w.a.Incidents.AddEntry(ctx, agent, answered.ID, app.EntryInput{Body: "On it."}))(t)
			waiting := w.report(t, w.reporter, "Waiting")
			noErr(w.a.Incidents.AddEntry(ctx, agent, waiting.ID, app.EntryInput{Body: "Which browser?"}))(t)
			noErr(w.a.Incidents.Transition(ctx, agent, waiting.ID, desk.Transition{To: desk.StateWaiting, WaitingOn: desk.WaitingOnClient}))(t)
			closed := w.report(t, w.reporter, "Closed")
			noErr(w.a.Incidents.Transition(ctx, agent, closed.ID, desk.Transition{To: desk.StateTriaged}))(t)
			noErr(w.a.Incidents.Transition(ctx, agent, closed.ID, desk.Transition{To: desk.StateResolved, Solution: "Done.", SolutionKind: "temporary"}))(t)
			noErr(w.a.Incidents.Transition(ctx, actor(w.reporter), closed.ID, desk.Transition{To: desk.StateClosed}))(t)
			all := append(append([]desk.Incident{}, assigned...), unassigned...)

			// Nothing is due yet.
			if n := w.runEverywhere(t); n != 0 {
				t.Fatalf("at the start: %d sent", n)
			}
			// 50 minutes in: the 12 unanswered incidents warn of their reply.
			w.now = t0.Add(50 * time.Minute)
			if n := w.runEverywhere(t); n != 12 {
				t.Errorf("after 50 minutes: %d sent, want 12", n)
			}
			// 8 hours and a minute in: the replies are late (12), the solutions warned of
			// (13, the answered one too) and late (13).
			w.now = t0.Add(8*time.Hour + time.Minute)
			if n := w.runEverywhere(t); n != 38 {
				t.Errorf("after 8 hours: %d sent, want 38", n)
			}
			if n, err := w.b.SLA.RunChecks(ctx); n != 0 || err != nil {
				t.Errorf("once more: %d sent (%v)", n, err)
			}

			// Who heard what: owner and assignee of a warning, the coordinators (here the one
			// agent) when nobody owns it; a breach goes to all of them.
			agentGot, expertGot := w.notified(t, w.agent), w.notified(t, w.expert)
			want := func(got map[string]int, who string, inc desk.Incident, marks ...desk.SLAMark) {
				t.Helper()
				for _, m := range marks {
					if k := fmt.Sprintf("%d %s", inc.ID, m); got[k] != 1 {
						t.Errorf("%s got %d × %s of %s, want 1", who, got[k], m, inc.Title)
					}
				}
			}
			for _, inc := range all {
				want(agentGot, "the agent", inc, desk.SLAMarks...)
			}
			for _, inc := range assigned {
				want(expertGot, "the expert", inc, desk.SLAMarks...)
			}
			want(agentGot, "the agent", answered, desk.MarkResolveWarning, desk.MarkResolveBreach)
			if len(agentGot) != 12*4+2 || len(expertGot) != 6*4 {
				t.Errorf("the agent got %d kinds, the expert %d; want %d and %d", len(agentGot), len(expertGot), 12*4+2, 6*4)
			}
			for k, n := range agentGot {
				if n != 1 {
					t.Errorf("the agent got %s %d times", k, n)
				}
			}

			// The flags are set; a breach is on the timeline (for staff) and in the audit log.
			inc := noErr(w.a.Incidents.Get(ctx, agent, all[0].ID))(t)
			if !inc.ResponseWarned || !inc.ResponseBreached || !inc.ResolveWarned || !inc.ResolveBreached {
				t.Errorf("flags: %+v", inc)
			}
			for _, id := range []int64{waiting.ID, closed.ID} {
				if inc := noErr(w.a.Incidents.Get(ctx, agent, id))(t); inc.ResponseWarned || inc.ResolveWarned || inc.ResolveBreached {
					t.Errorf("%s was marked: %+v", inc.Title, inc)
				}
			}
			var events []string
			for _, e := range noErr(w.a.Incidents.Timeline(ctx, agent, inc.ID))(t) {
				if e.Kind == desk.EntrySystem && e.Visibility == desk.Internal {
					events = append(events, e.Event)
				}
			}
			if !slices.Equal(events, []string{desk.EventAssigned, desk.EventResponseBreached, desk.EventResolveBreached}) {
				t.Errorf("internal events: %v", events)
			}
			if tl := noErr(w.a.Incidents.Timeline(ctx, actor(w.reporter), inc.ID))(t); len(tl) != 1 {
				t.Errorf("the client sees %d entries, want the registration only", len(tl))
			}
			var actions []string
			for _, e := range noErr(w.a.Incidents.Audit(ctx, agent, inc.ID))(t) {
				actions = append(actions, e.Action)
			}
			if slices.Index(actions, "sla_response") < 0 || slices.Index(actions, "sla_resolve") < 0 || len(actions) != 6 {
				t.Errorf("audit: %v", actions)
			}

			// A new deadline is handled again: P2 → P5 (5 days to reply, 20 to solve) moves
			// both deadlines ahead of now, so their marks are cleared; 91 hours in, the
			// reply's warning (at 90 hours) is sent again, and only that.
			low := desk.Low
			inc = noErr(w.a.Incidents.Update(ctx, agent, inc.ID, app.IncidentPatch{Urgency: &low, Impact: &low, Reason: "can wait"}))(t)
			if inc.Priority != desk.P5 || inc.ResponseWarned || inc.ResponseBreached || inc.ResolveWarned || inc.ResolveBreached {
				t.Fatalf("retargeted: %s %+v", inc.Priority, inc)
			}
			w.now = t0.Add(91 * time.Hour)
			before := w.notified(t, w.expert)
			if n := w.runEverywhere(t); n < 1 {
				t.Errorf("after retargeting: %d sent", n)
			}
			after := w.notified(t, w.expert)
			if k := fmt.Sprintf("%d %s", inc.ID, desk.MarkResponseWarning); before[k] != 1 || after[k] != 2 || len(after) != len(before) {
				t.Errorf("after retargeting the expert got %v, had %v", after, before)
			}
		})
	}
}

// TestQueue lists open incidents by time to breach, paused ones and those without a
// deadline last; filters narrow it; the cursor pages through it without repeats.
func TestQueue(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		w.contract(t, desk.Contract{SupportHours: desk.Hours24x7})
		agent := actor(w.agent)
		// Registered one minute apart; P1 solves in 4 hours, P2 in 8, P3 in 3 days.
		mk := func(title string, u, i desk.Level) desk.Incident {
			w.now = w.now.Add(time.Minute)
			inc, err := w.a.Incidents.Create(ctx, actor(w.reporter), app.IncidentInput{Title: title, Urgency: u, Impact: i})
			if err != nil {
				t.Fatal(err)
			}
			return inc
		}
		p3 := mk("P3", desk.High, desk.Low)
		p2a := mk("P2 a", desk.High, desk.Normal)
		p1 := mk("P1", desk.High, desk.High)
		p2b := mk("P2 b", desk.High, desk.Normal)
		paused := mk("paused", desk.High, desk.High)
		noErr(w.a.Incidents.Transition(ctx, agent, paused.ID, desk.Transition{To: desk.StateWaiting, WaitingOn: desk.WaitingOnThirdParty}))(t)
		closed := mk("closed", desk.High, desk.High)
		noErr(w.a.Incidents.Transition(ctx, agent, closed.ID, desk.Transition{To: desk.StateInProgress}))(t)
		noErr(w.a.Incidents.Transition(ctx, agent, closed.ID, desk.Transition{To: desk.StateResolved, Solution: "x", SolutionKind: "temporary"}))(t)
		noErr(w.a.Incidents.Transition(ctx, actor(w.reporter), closed.ID, desk.Transition{To: desk.StateClosed}))(t)
		u := noErr(w.a.Identity.CreateUser(ctx, sys, app.UserInput{OrgID: w.other.ID, Email: "o@other.example", Name: "O", Role: desk.RoleClientUser, Password: "long enough password"}))(t)
		w.now = w.now.Add(time.Minute)
		none := noErr(w.a.Incidents.Create(ctx, actor(u), app.IncidentInput{Title: "no contract", Urgency: desk.High, Impact: desk.High}))(t)
		noErr(w.a.Incidents.Assign(ctx, agent, p2b.ID, app.Assignment{OwnerID: &w.agent.ID, AssigneeID: &w.expert.ID}))(t)

		titles := func(f desk.IncidentFilter) []string {
			t.Helper()
			var out []string
			for {
				p, err := w.a.Incidents.Queue(ctx, agent, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, in := range p.Items {
					out = append(out, in.Title)
				}
				if p.NextID == 0 {
					return out
				}
				f.DueAfter, f.DueAfterID = p.NextDue, p.NextID
			}
		}
		for _, c := range []struct {
			name string
			f    desk.IncidentFilter
			want []string
		}{
			{"everything, a page at a time", desk.IncidentFilter{Limit: 2}, []string{"P1", "P2 a", "P2 b", "P3", "paused", "no contract"}},
			{"in one page", desk.IncidentFilter{}, []string{"P1", "P2 a", "P2 b", "P3", "paused", "no contract"}},
			{"by client", desk.IncidentFilter{OrgID: w.other.ID}, []string{"no contract"}},
			{"by priority", desk.IncidentFilter{Priority: desk.P2, Limit: 1}, []string{"P2 a", "P2 b"}},
			{"by state", desk.IncidentFilter{States: []desk.State{desk.StateWaiting}}, []string{"paused"}},
			{"closed never", desk.IncidentFilter{States: []desk.State{desk.StateClosed}}, nil},
			{"by kind", desk.IncidentFilter{Kind: desk.KindUrgent}, nil},
			{"by owner", desk.IncidentFilter{OwnerID: w.agent.ID}, []string{"P2 b"}},
			{"by assignee", desk.IncidentFilter{AssigneeID: w.expert.ID}, []string{"P2 b"}},
		} {
			if got := titles(c.f); !slices.Equal(got, c.want) {
				t.Errorf("%s: %q, want %q", c.name, got, c.want)
			}
		}
		for _, in := range []desk.Incident{p1, p2a, p3, none} {
			if in.ID == 0 {
				t.Fatal("not created")
			}
		}
		// The expert sees the incidents assigned to them; clients have no queue.
		p, err := w.a.Incidents.Queue(ctx, actor(w.expert), desk.IncidentFilter{})
		if err != nil || len(p.Items) != 1 || p.Items[0].ID != p2b.ID {
			t.Errorf("expert's queue: %v %v", p.Items, err)
		}
		if _, err := w.a.Incidents.Queue(ctx, actor(w.clientAdmin), desk.IncidentFilter{}); desk.ErrorCode(err) != desk.EFORBIDDEN {
			t.Errorf("client's queue: %v", err)
		}
	})
}

func noErr[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
