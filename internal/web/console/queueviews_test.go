package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// queueFixture is a queue with an incident for each built-in view: one assigned to the
// agent and due within the hour, one nobody works on, one waiting on a third party, and
// a closed one.
type queueFixture struct {
	e                          *env
	clk                        *testClock
	mine, loose, external, old desk.Incident
}

func queueSetup(t *testing.T, db *store.DB) queueFixture {
	t.Helper()
	ctx, sys := context.Background(), desk.SystemActor("test")
	t0 := time.Date(time.Now().Year()+1, 1, 7, 9, 0, 0, 0, time.UTC)
	clk := &testClock{t: t0}
	e := newClockEnv(t, db, clk)
	if _, err := e.app.Organisations.CreateContract(ctx, sys, desk.Contract{OrgID: e.acme.ID, Name: "Around the clock", SupportHours: desk.Hours24x7, Active: true}); err != nil {
		t.Fatal(err)
	}
	report := func(org desk.Organisation, reporter desk.User, title string, u, i desk.Level) desk.Incident {
		t.Helper()
		in, err := e.app.Incidents.Create(ctx, sys, app.IncidentInput{OrgID: org.ID, ReporterID: &reporter.ID, Title: title, Urgency: u, Impact: i})
		if err != nil {
			t.Fatal(err)
		}
		return in
	}
	agent := queueActor(e.agent)
	f := queueFixture{e: e, clk: clk}
	f.mine = report(e.acme, e.acmeUser, "Checkout fails", desk.High, desk.High)           // P1: 4 hours
	f.loose = report(e.acme, e.acmeUser, "Slow product pages", desk.High, desk.Normal)    // P2: 8 hours
	f.external = report(e.globex, e.globexUser, "Tracking page down", desk.Low, desk.Low) // no contract
	f.old = report(e.globex, e.globexUser, "Old question", desk.Low, desk.Low)
	if _, err := e.app.Incidents.Assign(ctx, agent, f.mine.ID, app.Assignment{AssigneeID: &e.agent.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Incidents.Transition(ctx, agent, f.external.ID, desk.Transition{To: desk.StateWaiting, WaitingOn: desk.WaitingOnThirdParty}); err != nil {
		t.Fatal(err)
	}
	for _, to := range []desk.State{desk.StateInProgress, desk.StateResolved, desk.StateClosed} {
		if _, err := e.app.Incidents.Transition(ctx, agent, f.old.ID, desk.Transition{To: to, Solution: "Answered.", SolutionKind: desk.SolutionStructural}); err != nil {
			t.Fatal(err)
		}
	}
	clk.set(t0.Add(3*time.Hour + 30*time.Minute)) // mine is due in 30 minutes, loose in 4 h 30
	return f
}

// listed returns the incident numbers of the queue's rows, in order.
func listed(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<tr id="row-([A-Z0-9-]+)"`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// navCounts reads the menu's two counts; -1 when a count is not shown.
func navCounts(body string) (mine, assess int) {
	mine, assess = -1, -1
	if m := regexp.MustCompile(`id="nav-count-mine">(\d+)<`).FindStringSubmatch(body); m != nil {
		fmt.Sscan(m[1], &mine)
	}
	if m := regexp.MustCompile(`id="nav-count-assess">(\d+)<`).FindStringSubmatch(body); m != nil {
		fmt.Sscan(m[1], &assess)
	}
	return mine, assess
}

// TestQueueViews: the built-in views select what they say, on both databases; a person
// saves a filter as a view, opens it by its link, renames and deletes it; nobody else
// sees or touches it; names are checked with the input kept.
func TestQueueViews(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := queueSetup(t, db)
		e := f.e
		agent := e.client()
		agent.signIn(e.agent)
		for _, c := range []struct {
			view string
			want []desk.Incident
		}{
			{"open", []desk.Incident{f.mine, f.loose, f.external}},
			{"mine", []desk.Incident{f.mine}},
			{"unassigned", []desk.Incident{f.loose, f.external}},
			{"breaching", []desk.Incident{f.mine, f.loose}}, // loose's first response is overdue
			{"supplier", []desk.Incident{f.external}},
		} {
			p := agent.get("/queue?view=" + c.view)
			expect(t, p, http.StatusOK, `href="/queue?view=`+c.view+`" aria-current="page"`)
			var want []string
			for _, in := range c.want {
				want = append(want, in.Number)
			}
			if got := listed(p.body); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("view %s lists %v, want %v", c.view, got, want)
			}
		}
		// The flags combine with the filter as query parameters too.
		if got := listed(agent.get("/queue?unassigned=1&org=" + fmt.Sprint(e.acme.ID)).body); strings.Join(got, " ") != f.loose.Number {
			t.Errorf("unassigned at Acme lists %v", got)
		}
		expect(t, agent.get("/queue?view=nonsense"), http.StatusNotFound)

		// Save a filter as a view: it is a link, and the current one.
		p := agent.submit("/queue?org="+fmt.Sprint(e.acme.ID)+"&unassigned=1", "/queue/views", url.Values{"name": {"  Acme los  "}, "query": {"org=" + fmt.Sprint(e.acme.ID) + "&unassigned=1&junk=1"}})
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/queue?view=") {
			t.Fatalf("save: %d %q\n%s", p.status, p.location, p.body)
		}
		viewURL := p.location
		p = agent.get(viewURL)
		expect(t, p, http.StatusOK, "De weergave is bewaard: Acme los.", `href="`+viewURL+`" aria-current="page">Acme los</a>`)
		if got := listed(p.body); strings.Join(got, " ") != f.loose.Number {
			t.Errorf("the saved view lists %v", got)
		}
		views, err := e.app.SavedViews.List(context.Background(), queueActor(e.agent))
		if err != nil || len(views) != 1 || views[0].Query != "org="+fmt.Sprint(e.acme.ID)+"&unassigned=1" {
			t.Fatalf("stored views %+v (%v)", views, err)
		}
		id := fmt.Sprint(views[0].ID)

		// The same name again, or none: the field says why, the input is kept, the panel open.
		p = agent.submit("/queue", "/queue/views", url.Values{"name": {"acme LOS"}, "query": {"priority=P1"}})
		expect(t, p, http.StatusUnprocessableEntity, `id="view-name-error"`, "U hebt al een weergave met deze naam.", `value="acme LOS"`,
			`<details class="queue-filter" open>`, `id="error-summary"`, `href="#view-name"`)
		p = agent.submit("/queue", "/queue/views", url.Values{"name": {" "}})
		expect(t, p, http.StatusUnprocessableEntity, `id="view-name-error"`)

		// Rename; another agent neither sees, opens, renames nor deletes it.
		p = agent.submit(viewURL, "/queue/views/"+id, url.Values{"name": {"Acme zonder behandelaar"}})
		if p.status != http.StatusSeeOther || p.location != viewURL {
			t.Fatalf("rename: %d %q\n%s", p.status, p.location, p.body)
		}
		expect(t, agent.get(viewURL), http.StatusOK, ">Acme zonder behandelaar</a>")
		admin, err := e.app.Identity.CreateUser(context.Background(), desk.SystemActor("test"), app.UserInput{Email: "admin@provider.test",
			Name: "Ada Admin", Role: desk.RoleAdmin, Locale: desk.LocaleEN, Password: password})
		if err != nil {
			t.Fatal(err)
		}
		other := e.client()
		other.signIn(admin)
		expectNot(t, other.get("/queue"), "Acme zonder behandelaar")
		expect(t, other.get(viewURL), http.StatusNotFound)
		p = other.submit("/queue", "/queue/views", url.Values{"name": {"Mine too"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("the admin's own view: %d", p.status)
		}
		csrf := csrfFor(t, other.get("/queue"), "/queue/views")
		expect(t, other.post("/queue/views/"+id, url.Values{"csrf": {csrf}, "name": {"Stolen"}}), http.StatusNotFound)
		expect(t, other.post("/queue/views/"+id+"/delete", url.Values{"csrf": {csrf}}), http.StatusNotFound)
		if v, err := e.app.SavedViews.Get(context.Background(), queueActor(e.agent), views[0].ID); err != nil || v.Name != "Acme zonder behandelaar" {
			t.Fatalf("after the admin's tries: %+v %v", v, err)
		}

		// Delete: the rename form's second button.
		p = agent.post("/queue/views/"+id+"/delete", url.Values{"csrf": {csrfFor(t, agent.get(viewURL), "/queue/views/"+id)}})
		if p.status != http.StatusSeeOther || p.location != "/queue" {
			t.Fatalf("delete: %d %q\n%s", p.status, p.location, p.body)
		}
		expect(t, agent.get("/queue"), http.StatusOK, "De weergave is verwijderd: Acme zonder behandelaar.")
		expect(t, agent.get(viewURL), http.StatusNotFound)

		// Clients and experts have no views.
		client := e.client()
		client.signIn(e.acmeUser)
		expect(t, client.post("/queue/views", url.Values{"name": {"x"}}), http.StatusForbidden)
		if _, err := e.app.SavedViews.Create(context.Background(), queueActor(e.expert), "x", ""); desk.ErrorCode(err) != desk.EFORBIDDEN {
			t.Errorf("an expert saved a view: %v", err)
		}
	})
}

// TestMenuCounts: the desk's menu counts the reports to assess and the person's open
// incidents on every page, and the numbers follow the changes; others see no counts.
func TestMenuCounts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		agent := e.client()
		agent.signIn(e.agent)
		for _, path := range []string{"/queue", "/incidents", "/triage", "/changes", "/incidents/" + e.acmeInc.Number} {
			if mine, assess := navCounts(agent.get(path).body); mine != 0 || assess != 0 {
				t.Errorf("%s: mine %d, to assess %d; want 0 and 0", path, mine, assess)
			}
		}
		e.submit(e.acmeUser, urgentAnswers, "Kassa ligt eruit")
		e.submit(e.acmeUser, urgentAnswers, "Betalen lukt niet")
		if _, err := e.app.Incidents.Assign(ctx, queueActor(e.agent), e.acmeInc.ID, app.Assignment{AssigneeID: &e.agent.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.Incidents.Assign(ctx, queueActor(e.agent), e.globexInc.ID, app.Assignment{OwnerID: &e.agent.ID}); err != nil {
			t.Fatal(err)
		}
		if mine, assess := navCounts(agent.get("/incidents").body); mine != 2 || assess != 2 {
			t.Errorf("mine %d, to assess %d; want 2 and 2", mine, assess)
		}
		// Closing one of them and assessing a report lowers the counts.
		for _, to := range []desk.State{desk.StateInProgress, desk.StateResolved, desk.StateClosed} {
			if _, err := e.app.Incidents.Transition(ctx, queueActor(e.agent), e.globexInc.ID, desk.Transition{To: to, Solution: "Done.", SolutionKind: desk.SolutionStructural}); err != nil {
				t.Fatal(err)
			}
		}
		p := agent.get("/triage")
		if mine, assess := navCounts(p.body); mine != 1 || assess != 2 {
			t.Errorf("after the close: mine %d, to assess %d; want 1 and 2", mine, assess)
		}
		first := regexp.MustCompile(`href="/incidents/(INC-\d+)"`).FindStringSubmatch(p.body)
		if first == nil {
			t.Fatalf("no report to assess:\n%s", p.body)
		}
		id, _ := desk.ParseNumber(first[1])
		if _, err := e.app.Reports.Assess(ctx, queueActor(e.agent), id, true, ""); err != nil {
			t.Fatal(err)
		}
		// Who assesses a report owns it: one less to assess, one more of mine.
		p = agent.get("/queue")
		if mine, assess := navCounts(p.body); mine != 2 || assess != 1 {
			t.Errorf("after the assessment: mine %d, to assess %d; want 2 and 1", mine, assess)
		}
		expect(t, p, http.StatusOK, `<a href="/queue?view=mine">Mijn werk <span class="nav-count" id="nav-count-mine">2</span></a>`,
			`Te beoordelen <span class="nav-count" id="nav-count-assess">1</span></a>`)
		expect(t, agent.get("/queue?view=mine"), http.StatusOK, `<a href="/queue?view=mine" aria-current="page">Mijn werk`)

		// The expert and clients see no counts.
		for _, u := range []desk.User{e.expert, e.acmeUser} {
			c := e.client()
			c.signIn(u)
			expectNot(t, c.get("/incidents"), "nav-count")
		}
	})
}

// TestQueueBulk: the bulk form works without JavaScript, on both databases. Each ticked
// incident is assigned, moved or linked in a transaction of its own; the page lists what
// was done to each and what was refused and why; a refused incident is left exactly as it
// was. A form without incidents or without a choice changes nothing and keeps the input.
func TestQueueBulk(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := queueSetup(t, db)
		e := f.e
		ctx := context.Background()
		agent := e.client()
		agent.signIn(e.agent)
		get := func(in desk.Incident) desk.Incident {
			t.Helper()
			got, err := e.app.Incidents.Get(ctx, desk.SystemActor("test"), in.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}

		// Nothing ticked; nothing chosen.
		p := agent.submit("/queue", "/queue/bulk", url.Values{"action": {"assign"}, "assignee": {"me"}})
		expect(t, p, http.StatusUnprocessableEntity, `id="bulk-incidents-error"`, "Vink in de lijst ten minste één melding aan.", `id="error-summary"`,
			`<option value="me" selected>`)
		p = agent.submit("/queue", "/queue/bulk", url.Values{"action": {"state"}, "incidents": {f.loose.Number}})
		expect(t, p, http.StatusUnprocessableEntity, `id="bulk-to-error"`, `id="tick-`+f.loose.Number+`" aria-label="Selecteer `+f.loose.Number+`" checked`)
		if got := get(f.loose); got.Version != f.loose.Version {
			t.Fatalf("a failed form changed %s", f.loose.Number)
		}

		// Move to in progress: the new one moves; the waiting one moves too; the closed one
		// and a made-up number are refused; the one in progress already is unchanged.
		if _, err := e.app.Incidents.Transition(ctx, queueActor(e.agent), f.mine.ID, desk.Transition{To: desk.StateInProgress}); err != nil {
			t.Fatal(err)
		}
		mineBefore, oldBefore, externalBefore := get(f.mine), get(f.old), get(f.external)
		p = agent.submit("/queue?view=open", "/queue/bulk?view=open", url.Values{"action": {"state"}, "to": {"triaged"},
			"incidents": {f.loose.Number, f.mine.Number, f.old.Number, "INC-999999", "nonsense"}})
		expect(t, p, http.StatusOK, "Uitgevoerd: 1, ongewijzigd: 0, geweigerd: 4",
			f.loose.Number, "Nieuw → Beoordeeld.",
			"een melding met status ‘In behandeling’ kan niet naar ‘Beoordeeld’.",
			"een melding met status ‘Gesloten’ kan niet naar ‘Beoordeeld’.",
			"INC-999999", "deze melding bestaat niet.", `id="queue-results-title"`, `href="/queue?view=open" aria-current="page"`)
		if got := get(f.loose); got.State != desk.StateTriaged || got.OwnerID == nil || *got.OwnerID != e.agent.ID {
			t.Errorf("%s: %s, owner %v", f.loose.Number, got.State, got.OwnerID)
		}
		if got := get(f.mine); got.Version != mineBefore.Version || got.State != desk.StateInProgress {
			t.Errorf("the refused %s was changed: %+v", f.mine.Number, got)
		}
		if got := get(f.old); got.State != desk.StateClosed || got.Version != oldBefore.Version {
			t.Errorf("the closed one was changed: %s, version %d", got.State, got.Version)
		}
		p = agent.submit("/queue", "/queue/bulk", url.Values{"action": {"state"}, "to": {"waiting:third_party"},
			"incidents": {f.loose.Number, f.external.Number, f.mine.Number}})
		expect(t, p, http.StatusOK, "Uitgevoerd: 2, ongewijzigd: 1, geweigerd: 0", "staat al op ‘In afwachting’.")
		if got := get(f.external); got.WaitingOn != desk.WaitingOnThirdParty || got.Version != externalBefore.Version {
			t.Errorf("%s waits on %q", f.external.Number, got.WaitingOn)
		}
		if got := get(f.mine); got.State != desk.StateWaiting || got.WaitingOn != desk.WaitingOnThirdParty {
			t.Errorf("%s: %s on %s", f.mine.Number, got.State, got.WaitingOn)
		}

		// Assign to the expert; to me; an inactive person is refused for each.
		p = agent.submit("/queue", "/queue/bulk", url.Values{"action": {"assign"}, "assignee": {fmt.Sprint(e.expert.ID)},
			"incidents": {f.loose.Number, f.mine.Number, f.old.Number}})
		expect(t, p, http.StatusOK, "Uitgevoerd: 2, ongewijzigd: 0, geweigerd: 1", "toegewezen aan Eva Expert.", "de melding is gesloten.")
		for _, in := range []desk.Incident{f.loose, f.mine} {
			if got := get(in); got.AssigneeID == nil || *got.AssigneeID != e.expert.ID {
				t.Errorf("%s assigned to %v", in.Number, got.AssigneeID)
			}
		}
		p = agent.submit("/queue", "/queue/bulk", url.Values{"action": {"assign"}, "assignee": {"me"}, "incidents": {f.loose.Number}})
		expect(t, p, http.StatusOK, "Uitgevoerd: 1, ongewijzigd: 0, geweigerd: 0", "toegewezen aan Guus Agent.")
		p = agent.submit("/queue", "/queue/bulk", url.Values{"action": {"assign"}, "assignee": {fmt.Sprint(e.acmeUser.ID)}, "incidents": {f.external.Number}})
		expect(t, p, http.StatusOK, "geweigerd: 1", "Kies een actieve medewerker.")
		if got := get(f.external); got.AssigneeID != nil {
			t.Errorf("%s was assigned to a client", f.external.Number)
		}

		// Link to a public incident: one already linked elsewhere is refused and keeps its
		// link; the others are linked.
		admin := queueActor(e.agent)
		pubA, err := e.app.PublicIncidents.Create(ctx, admin, app.NewPublicIncident{Name: desk.Texts{NL: "Storing A", EN: "Outage A"}, Body: desk.Texts{NL: "Kijken."}})
		if err != nil {
			t.Fatal(err)
		}
		pubB, err := e.app.PublicIncidents.Create(ctx, admin, app.NewPublicIncident{Name: desk.Texts{NL: "Storing B", EN: "Outage B"}, Body: desk.Texts{NL: "Kijken."}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.PublicIncidents.LinkTicket(ctx, queueActor(e.agent), f.external.ID, pubB.ID); err != nil {
			t.Fatal(err)
		}
		p = agent.submit("/queue?lang=en", "/queue/bulk", url.Values{"action": {"link"}, "public_incident_id": {fmt.Sprint(pubA.ID)},
			"incidents": {f.loose.Number, f.mine.Number, f.external.Number, f.old.Number}})
		expect(t, p, http.StatusOK, "Done: 2, unchanged: 0, refused: 2", "linked to ‘Outage A’.",
			"linked to another public incident (‘Outage B’); move it on its own page.", "the incident is closed.")
		linked, err := e.app.PublicIncidents.LinkedTickets(ctx, queueActor(e.agent), pubA.ID)
		if err != nil || len(linked) != 2 {
			t.Errorf("public incident A has %d tickets (%v)", len(linked), err)
		}
		if l, err := e.app.PublicIncidents.TicketLinkOf(ctx, queueActor(e.agent), f.external.ID); err != nil || l.PublicIncidentID != pubB.ID {
			t.Errorf("%s's link: %+v %v", f.external.Number, l, err)
		}
		p = agent.submit("/queue?lang=en", "/queue/bulk", url.Values{"action": {"link"}, "public_incident_id": {fmt.Sprint(pubA.ID)}, "incidents": {f.loose.Number}})
		expect(t, p, http.StatusOK, "Done: 0, unchanged: 1, refused: 0", "already linked to this public incident.")
	})
}
