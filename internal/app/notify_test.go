package app_test

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// inbox tells what each person received: it remembers how far it read, so each check sees
// only what the last step queued.
type inbox struct {
	w    *world
	seen map[int64]int
}

func (w *world) inbox() *inbox { return &inbox{w: w, seen: map[int64]int{}} }

// news returns the notifications queued for u since the last call, and marks them read.
func (b *inbox) news(t *testing.T, u desk.User) []desk.Notification {
	t.Helper()
	all := noErr(b.w.a.Outbox.Notifications(context.Background(), actor(u)))(t)
	out := all[b.seen[u.ID]:]
	b.seen[u.ID] = len(all)
	return out
}

// expect checks that u received exactly one notification since the last look, of kind,
// about inc, whose payload holds want (and "number" and "title"); it returns the payload.
func (b *inbox) expect(t *testing.T, u desk.User, kind string, inc desk.Incident, want map[string]any) map[string]any {
	t.Helper()
	ns := b.news(t, u)
	if len(ns) != 1 || ns[0].Kind != kind {
		t.Fatalf("%s received %s, want one %s", u.Name, kinds(ns), kind)
	}
	n := ns[0]
	if n.IncidentID == nil || *n.IncidentID != inc.ID {
		t.Errorf("%s's %s is about incident %v, want %d", u.Name, kind, n.IncidentID, inc.ID)
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(n.Payload), &p); err != nil {
		t.Fatalf("%s's %s payload %q: %v", u.Name, kind, n.Payload, err)
	}
	want = maps.Clone(want)
	want["number"], want["title"] = inc.Number, inc.Title
	for k, v := range want {
		got, ok := p[k]
		if !ok {
			t.Errorf("%s's %s payload %s lacks %q", u.Name, kind, n.Payload, k)
			continue
		}
		wb, _ := json.Marshal(v)
		gb, _ := json.Marshal(got)
		if string(wb) != string(gb) {
			t.Errorf("%s's %s payload: %s = %s, want %s", u.Name, kind, k, gb, wb)
		}
	}
	return p
}

// none checks that none of the people received anything since the last look.
func (b *inbox) none(t *testing.T, us ...desk.User) {
	t.Helper()
	for _, u := range us {
		if ns := b.news(t, u); len(ns) > 0 {
			t.Errorf("%s received %s, want nothing", u.Name, kinds(ns))
		}
	}
}

func kinds(ns []desk.Notification) []string {
	out := []string{}
	for _, n := range ns {
		out = append(out, n.Kind)
	}
	return out
}

// deskUsers adds an admin and an agent who no longer works here to the world.
func (w *world) deskUsers(t *testing.T) (admin, gone desk.User) {
	t.Helper()
	ctx := context.Background()
	admin = noErr(w.a.Identity.CreateUser(ctx, sys, app.UserInput{Email: "adam@desk.example", Name: "adam", Role: desk.RoleAdmin}))(t)
	gone = noErr(w.a.Identity.CreateUser(ctx, sys, app.UserInput{Email: "gone@desk.example", Name: "gone", Role: desk.RoleAgent}))(t)
	noErr(w.a.Identity.UpdateUser(ctx, sys, gone.ID, app.UserPatch{Active: ptr(false)}))(t)
	return admin, gone
}

// TestNotifyNewReport: every report, from any channel, tells every active agent and admin
// but the one who registered it; the reporter gets the receipt.
func TestNotifyNewReport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		admin, gone := w.deskUsers(t)
		b := w.inbox()

		// The client's urgent report through the questionnaire.
		inc, _ := noErr2(w.a.Reports.Submit(ctx, actor(w.reporter), app.ReportInput{Answers: urgentAnswers(), Title: "Webshop down", Accept: true}))(t)
		b.expect(t, w.reporter, desk.NotifyReportReceived, inc, map[string]any{"verdict": "urgent", "priority": "P1"})
		want := map[string]any{"organisation": "Acme", "verdict": "urgent", "priority": "P1", "needs_assessment": true}
		b.expect(t, w.agent, desk.NotifyNewReport, inc, want)
		b.expect(t, admin, desk.NotifyNewReport, inc, want)
		b.none(t, gone, w.expert, w.colleague, w.clientAdmin)

		// A call taken by the agent: the others hear of it, the agent does not.
		phone, _ := noErr2(w.a.Reports.Submit(ctx, actor(w.agent), app.ReportInput{OrgID: w.client.ID, ReporterID: &w.colleague.ID,
			Answers: desk.Answers{"availability": {"up"}, "request_type": {"design"}, "financial_damage": {"no"}, "security": {"no"},
				"essential_function": {"no"}, "end_users": {"no"}, "workaround": {"no"}, "business_process": {"none"}, "users": {"one"}},
			Title: "A bigger logo", Accept: true}))(t)
		if phone.Channel != desk.ChannelPhone {
			t.Fatalf("channel %s", phone.Channel)
		}
		b.expect(t, admin, desk.NotifyNewReport, phone, map[string]any{"organisation": "Acme", "verdict": "regular", "needs_assessment": false})
		b.expect(t, w.colleague, desk.NotifyReportReceived, phone, map[string]any{"verdict": "regular"})
		b.none(t, w.agent, gone, w.expert)

		// An incident registered without the questionnaire (the API) is a new report too.
		direct := w.report(t, w.reporter, "Slow pages")
		p := b.expect(t, w.agent, desk.NotifyNewReport, direct, map[string]any{"organisation": "Acme", "needs_assessment": false})
		if p["verdict"] != nil {
			t.Errorf("verdict of an incident without a questionnaire: %v", p["verdict"])
		}
		b.expect(t, admin, desk.NotifyNewReport, direct, map[string]any{"organisation": "Acme"})
		b.none(t, w.reporter, gone, w.expert)

		// Registered by the agent: the admin hears of it.
		byAgent := noErr(w.a.Incidents.Create(ctx, actor(w.agent), app.IncidentInput{OrgID: w.client.ID, ReporterID: &w.colleague.ID,
			Title: "Phone: printer", Urgency: desk.Low, Impact: desk.Low}))(t)
		b.expect(t, admin, desk.NotifyNewReport, byAgent, map[string]any{"organisation": "Acme", "priority": "P5"})
		b.none(t, w.agent, w.colleague, gone, w.expert)
	})
}

// TestNotifyReplies: a public reply from staff goes to the reporter, a client's reply to
// the owner and the assignee; internal notes and one's own words go to nobody.
func TestNotifyReplies(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		admin, _ := w.deskUsers(t)
		inc := w.report(t, w.reporter, "Checkout fails")
		noErr(w.a.Incidents.Transition(ctx, actor(w.agent), inc.ID, desk.Transition{To: desk.StateTriaged}))(t) // the agent owns it
		noErr(w.a.Incidents.Assign(ctx, actor(w.agent), inc.ID, app.Assignment{AssigneeID: &w.expert.ID}))(t)
		b := w.inbox()
		b.news(t, w.reporter)
		b.news(t, w.expert)
		b.news(t, w.agent)
		b.news(t, admin)

		reply := func(u desk.User, kind desk.EntryKind, body string) {
			t.Helper()
			noErr(w.a.Incidents.AddEntry(ctx, actor(u), inc.ID, app.EntryInput{Kind: kind, Body: body}))(t)
		}
		reply(w.agent, desk.EntryNote, "Probably the payment provider.")
		b.none(t, w.reporter, w.expert, w.agent, admin)

		reply(w.agent, desk.EntryReply, "We are looking into it.")
		b.expect(t, w.reporter, desk.NotifyUpdate, inc, map[string]any{"by": "agnes", "body": "We are looking into it."})
		b.none(t, w.agent, w.expert, admin)

		reply(w.expert, desk.EntryReply, "Please send a screenshot.")
		b.expect(t, w.reporter, desk.NotifyUpdate, inc, map[string]any{"by": "ed", "body": "Please send a screenshot."})
		b.none(t, w.agent, w.expert)

		reply(w.reporter, desk.EntryReply, "Here it is.")
		b.expect(t, w.agent, desk.NotifyClientReply, inc, map[string]any{"by": "rita", "body": "Here it is."})
		b.expect(t, w.expert, desk.NotifyClientReply, inc, map[string]any{"by": "rita", "body": "Here it is."})
		b.none(t, w.reporter, admin, w.clientAdmin)

		// The client admin writes too; the reporter is not told of a client's words.
		reply(w.clientAdmin, desk.EntryReply, "Urgent for us.")
		b.expect(t, w.agent, desk.NotifyClientReply, inc, map[string]any{"by": "ada"})
		b.expect(t, w.expert, desk.NotifyClientReply, inc, map[string]any{"by": "ada"})
		b.none(t, w.reporter, w.clientAdmin)

		// Owner and assignee are one person, who hears of a reply once.
		noErr(w.a.Incidents.Assign(ctx, actor(admin), inc.ID, app.Assignment{OwnerID: &w.agent.ID, AssigneeID: &w.agent.ID}))(t)
		b.expect(t, w.agent, desk.NotifyAssigned, inc, map[string]any{"role": "assignee", "by": "adam"})
		reply(w.reporter, desk.EntryReply, "Any news?")
		b.expect(t, w.agent, desk.NotifyClientReply, inc, map[string]any{"body": "Any news?"})
		b.none(t, w.expert)
	})
}

// TestNotifyStateChanges: the reporter hears of every public state change by staff, in the
// message that fits it, and of the close; the owner of a rejection.
func TestNotifyStateChanges(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		agent := actor(w.agent)
		b := w.inbox()
		inc := w.report(t, w.reporter, "Checkout fails")
		b.news(t, w.agent)
		move := func(as desk.Actor, id int64, tr desk.Transition) {
			t.Helper()
			noErr(w.a.Incidents.Transition(ctx, as, id, tr))(t)
		}

		move(agent, inc.ID, desk.Transition{To: desk.StateTriaged})
		b.expect(t, w.reporter, desk.NotifyUpdate, inc, map[string]any{"by": "agnes", "from": "new", "to": "triaged", "body": ""})
		move(agent, inc.ID, desk.Transition{To: desk.StateWaiting, WaitingOn: desk.WaitingOnClient, Reason: "Which browser do you use?"})
		b.expect(t, w.reporter, desk.NotifyWaiting, inc, map[string]any{"by": "agnes", "body": "Which browser do you use?"})
		move(agent, inc.ID, desk.Transition{To: desk.StateInProgress, Reason: "Thanks, we can reproduce it."})
		b.expect(t, w.reporter, desk.NotifyUpdate, inc, map[string]any{"from": "waiting", "to": "in_progress", "body": "Thanks, we can reproduce it."})
		move(agent, inc.ID, desk.Transition{To: desk.StateWaiting, WaitingOn: desk.WaitingOnThirdParty, Reason: "Asked the payment provider."})
		b.expect(t, w.reporter, desk.NotifyUpdate, inc, map[string]any{"from": "in_progress", "to": "waiting", "body": "Asked the payment provider."})

		w.now = w.now.Add(90 * time.Minute) // 10:30
		move(agent, inc.ID, desk.Transition{To: desk.StateResolved, Solution: "Replaced the certificate.", SolutionKind: desk.SolutionStructural})
		b.expect(t, w.reporter, desk.NotifySolution, inc, map[string]any{"solution": "Replaced the certificate.", "solution_kind": "structural",
			"auto_close_at": "2026-03-03T10:30:00Z", "hours": 24})
		b.none(t, w.agent)

		// The reporter rejects: the owner hears of it, the reporter not of their own act.
		move(actor(w.reporter), inc.ID, desk.Transition{To: desk.StateInProgress, Reason: "Still broken on mobile."})
		b.expect(t, w.agent, desk.NotifySolutionRejected, inc, map[string]any{"by": "rita", "reason": "Still broken on mobile."})
		b.none(t, w.reporter)

		// Resolved again; the client admin rejects for the reporter: the owner hears, the
		// reporter gets no update from a client.
		move(agent, inc.ID, desk.Transition{To: desk.StateResolved, Solution: "Fixed the mobile page.", SolutionKind: desk.SolutionStructural})
		b.expect(t, w.reporter, desk.NotifySolution, inc, map[string]any{"solution": "Fixed the mobile page."})
		move(actor(w.clientAdmin), inc.ID, desk.Transition{To: desk.StateInProgress, Reason: "Not on tablets."})
		b.expect(t, w.agent, desk.NotifySolutionRejected, inc, map[string]any{"by": "ada", "reason": "Not on tablets."})
		b.none(t, w.reporter, w.clientAdmin)

		// Confirmed by the reporter: the close is their receipt.
		move(agent, inc.ID, desk.Transition{To: desk.StateResolved, Solution: "Fixed tablets too.", SolutionKind: desk.SolutionTemporary})
		b.news(t, w.reporter)
		move(actor(w.reporter), inc.ID, desk.Transition{To: desk.StateClosed})
		b.expect(t, w.reporter, desk.NotifyClosed, inc, map[string]any{"by": "rita", "confirmed": true, "reason": ""})
		b.none(t, w.agent)

		// Closed by the desk without the client's word.
		other := w.resolved(t, "Printer offline")
		b.news(t, w.reporter)
		move(agent, other.ID, desk.Transition{To: desk.StateClosed, Reason: "Replaced the printer; closing."})
		b.expect(t, w.reporter, desk.NotifyClosed, other, map[string]any{"by": "agnes", "confirmed": false, "reason": "Replaced the printer; closing."})

		// Confirmed by the client admin for the reporter.
		third := w.resolved(t, "Mail bounces")
		b.news(t, w.reporter)
		move(actor(w.clientAdmin), third.ID, desk.Transition{To: desk.StateClosed})
		b.expect(t, w.reporter, desk.NotifyClosed, third, map[string]any{"by": "ada", "confirmed": false}) // "ada has closed your report", not "you confirmed"
		b.none(t, w.clientAdmin)

		// A client's reply to a resolved incident reopens it: the owner hears of both.
		fourth := w.resolved(t, "VPN drops")
		b.news(t, w.reporter)
		b.news(t, w.agent)
		noErr(w.a.Incidents.AddEntry(ctx, actor(w.reporter), fourth.ID, app.EntryInput{Body: "It dropped again."}))(t)
		got := kinds(b.news(t, w.agent))
		slices.Sort(got)
		if !slices.Equal(got, []string{desk.NotifyClientReply, desk.NotifySolutionRejected}) {
			t.Errorf("the owner received %v on a reply that reopened", got)
		}
		b.none(t, w.reporter)

		// The automatic close tells the reporter, with the title.
		fifth := w.resolved(t, "Disk full")
		b.news(t, w.reporter)
		w.now = w.now.Add(25 * time.Hour)
		if n := noErr(w.a.Incidents.RunAutoClose(ctx))(t); n != 1 {
			t.Fatalf("auto-closed %d", n)
		}
		b.expect(t, w.reporter, desk.NotifyAutoClosed, fifth, map[string]any{"hours": 24})
	})
}

// TestNotifyAssignmentsAndAssessments: a new owner and a new assignee hear of it unless they
// assigned themselves; the desk's assessment and reclassification carry the title.
func TestNotifyAssignmentsAndAssessments(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		admin, _ := w.deskUsers(t)
		b := w.inbox()
		inc := w.report(t, w.reporter, "Checkout fails")
		b.news(t, w.agent)
		b.news(t, admin)
		assign := func(as desk.User, a app.Assignment) {
			t.Helper()
			noErr(w.a.Incidents.Assign(ctx, actor(as), inc.ID, a))(t)
		}

		assign(w.agent, app.Assignment{OwnerID: &admin.ID, AssigneeID: &w.expert.ID})
		b.expect(t, admin, desk.NotifyAssigned, inc, map[string]any{"role": "owner", "by": "agnes"})
		b.expect(t, w.expert, desk.NotifyAssigned, inc, map[string]any{"role": "assignee", "by": "agnes"})
		b.none(t, w.agent, w.reporter)

		assign(w.agent, app.Assignment{OwnerID: &admin.ID, AssigneeID: &w.expert.ID}) // unchanged
		b.none(t, admin, w.expert)
		assign(w.agent, app.Assignment{OwnerID: &w.agent.ID, AssigneeID: ptr(int64(0))}) // to oneself, and cleared
		b.none(t, admin, w.expert, w.agent)
		assign(admin, app.Assignment{AssigneeID: &admin.ID}) // to oneself
		b.none(t, admin, w.agent)

		// An urgent report assessed and reclassified.
		urgent, _ := noErr2(w.a.Reports.Submit(ctx, actor(w.reporter), app.ReportInput{Answers: urgentAnswers(), Title: "Webshop down", Accept: true}))(t)
		b.news(t, w.reporter)
		noErr(w.a.Reports.Assess(ctx, actor(w.agent), urgent.ID, false, "Only the test shop is down."))(t)
		b.expect(t, w.reporter, desk.NotifyAssessment, urgent, map[string]any{"assessment": "reclassified", "reason": "Only the test shop is down."})
		noErr(w.a.Incidents.Update(ctx, actor(w.agent), urgent.ID, app.IncidentPatch{Impact: ptr(desk.Low), Reason: "One shop only."}))(t)
		b.expect(t, w.reporter, desk.NotifyAssessment, urgent, map[string]any{"impact": "low", "reason": "One shop only."})
	})
}

func noErr2[A, B any](a A, b B, err error) func(t *testing.T) (A, B) {
	return func(t *testing.T) (A, B) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return a, b
	}
}
