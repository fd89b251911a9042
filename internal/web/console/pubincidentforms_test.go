package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestPubTemplateChooser: without JavaScript the "Use template" button brings the new
// form and the update form back with the template's status and message, what else was
// typed kept and nothing published; only templates whose status fits the kind are
// offered; no choice, an unknown or an unfitting template is an error at the chooser.
func TestPubTemplateChooser(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		admin := desk.Actor{UserID: e.admin.ID, Role: desk.RoleAdmin}
		ident, err := e.app.StatusTemplates.Create(ctx, admin, app.StatusTemplateInput{Name: "Oorzaak gevonden", Status: desk.PublicIdentified,
			Body: desk.Texts{NL: "We hebben de oorzaak gevonden.", EN: "We found the cause."}})
		if err != nil {
			t.Fatal(err)
		}
		maint, err := e.app.StatusTemplates.Create(ctx, admin, app.StatusTemplateInput{Name: "Onderhoud bezig", Status: desk.MaintenanceInProgress,
			Body: desk.Texts{NL: "Het onderhoud is begonnen."}})
		if err != nil {
			t.Fatal(err)
		}
		tid, mid := strconv.FormatInt(ident.ID, 10), strconv.FormatInt(maint.ID, 10)
		agent := e.client()
		agent.signIn(e.agent)
		count := func() int {
			t.Helper()
			ps, err := e.app.PublicIncidents.List(ctx, actor(e.agent), app.PublicIncidentFilter{Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, p := range ps {
				n += 1 + len(p.Updates)
			}
			return n
		}

		// The new incident's form offers the incident template, not the maintenance's.
		p := agent.get("/public-incidents/new")
		expect(t, p, http.StatusOK, `id="new-template"`, `value="`+tid+`" data-status="identified"`, `name="use_template"`, "/pubtemplate.js")
		expectNot(t, p, `value="`+mid+`"`)
		expect(t, agent.get("/public-incidents/new?kind=maintenance"), http.StatusOK, `value="`+mid+`" data-status="in_progress"`)

		p = agent.submit("/public-incidents/new", "/public-incidents", url.Values{"kind": {"incident"}, "name.nl": {"Storing e-mail"},
			"impact": {"major"}, "status": {"investigating"}, "body.nl": {"weg"}, "template": {tid}, "use_template": {"1"}})
		expect(t, p, http.StatusOK, `value="Storing e-mail"`, `value="major" selected`, `value="identified" selected`,
			"We hebben de oorzaak gevonden.</textarea>", "We found the cause.</textarea>", `value="`+tid+`" data-status="identified" data-nl=`)
		expectNot(t, p, ">weg</textarea>", "field-error")
		if n := count(); n != 0 {
			t.Fatalf("the template button published %d items", n)
		}
		for _, tc := range []struct{ template, want string }{
			{"", "Kies een sjabloon."}, {"999999", "Dit sjabloon bestaat niet meer"}, {"x\x00", "Kies een sjabloon."},
			{mid, "De status van dit sjabloon past hier niet"},
		} {
			p = agent.submit("/public-incidents/new", "/public-incidents", url.Values{"kind": {"incident"}, "name.nl": {"Kept"},
				"template": {tc.template}, "use_template": {"1"}})
			expect(t, p, http.StatusUnprocessableEntity, `id="new-template-error"`, tc.want, `href="#new-template"`, `value="Kept"`)
		}

		// Published with the filled text; then the update form of the incident.
		ok := agent.submit("/public-incidents/new", "/public-incidents", url.Values{"kind": {"incident"}, "name.nl": {"Storing e-mail"},
			"impact": {"major"}, "status": {"identified"}, "body.nl": {"We hebben de oorzaak gevonden."}})
		if ok.status != http.StatusSeeOther {
			t.Fatalf("publish: %d\n%s", ok.status, ok.body)
		}
		detail := ok.location
		p = agent.submit(detail, detail+"/updates", url.Values{"status": {"investigating"}, "body.en": {"typed"}, "template": {tid}, "use_template": {"1"}})
		expect(t, p, http.StatusOK, `id="update-template"`, `value="identified" selected`, "We found the cause.</textarea>")
		if n := count(); n != 2 { // the incident and its first update
			t.Fatalf("%d items after the update form's template button, want 2", n)
		}
		p = agent.submit(detail, detail+"/updates", url.Values{"template": {mid}, "use_template": {"1"}})
		expect(t, p, http.StatusUnprocessableEntity, `id="update-template-error"`)

		// No fitting template, no chooser.
		if err := e.app.StatusTemplates.Delete(ctx, admin, ident.ID); err != nil {
			t.Fatal(err)
		}
		expectNot(t, agent.get("/public-incidents/new"), `id="new-template"`)
	})
}

// TestPubResolveTickets: the resolve form offers "also resolve the N linked tickets" only
// when tickets are linked, checked; cleared, the tickets stay open (the message on their
// timeline); left checked, they are resolved with the message as their solution.
func TestPubResolveTickets(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		ag := actor(e.agent)
		agent := e.client()
		agent.signIn(e.agent)
		open := func(name string) (desk.PublicIncident, string) {
			t.Helper()
			p, err := e.app.PublicIncidents.Create(ctx, ag, app.NewPublicIncident{Name: desk.Texts{NL: name}, Body: desk.Texts{NL: "x"}})
			if err != nil {
				t.Fatal(err)
			}
			return p, "/public-incidents/" + strconv.FormatInt(p.ID, 10)
		}
		state := func(id int64) desk.State {
			t.Helper()
			inc, err := e.app.Incidents.Get(ctx, desk.SystemActor("test"), id)
			if err != nil {
				t.Fatal(err)
			}
			return inc.State
		}

		// Nothing linked: no checkbox.
		_, plain := open("Zonder tickets")
		expectNot(t, agent.get(plain), `name="resolve_tickets"`)

		// One linked, the box cleared: the ticket stays open.
		kept, keptURL := open("Eén ticket")
		if _, err := e.app.PublicIncidents.LinkTickets(ctx, ag, kept.ID, []int64{e.acmeInc.ID}); err != nil {
			t.Fatal(err)
		}
		expect(t, agent.get(keptURL), http.StatusOK, `name="resolve_tickets" value="1" checked`, "Ook 1 gekoppelde melding oplossen")
		p := agent.submit(keptURL, keptURL+"/resolve", url.Values{"body.nl": {"Opgelost."}, "resolve_tickets_shown": {"1"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("resolve: %d\n%s", p.status, p.body)
		}
		if s := state(e.acmeInc.ID); s == desk.StateResolved || s == desk.StateClosed {
			t.Errorf("the ticket was resolved although the box was cleared: %s", s)
		}
		// A failed try keeps the box as it was sent.
		both, bothURL := open("Twee tickets")
		if _, err := e.app.PublicIncidents.LinkTickets(ctx, ag, both.ID, []int64{e.acmeInc2.ID, e.globexInc.ID}); err != nil {
			t.Fatal(err)
		}
		p = agent.submit(bothURL, bothURL+"/resolve", url.Values{"body.nl": {""}, "resolve_tickets_shown": {"1"}})
		expect(t, p, http.StatusUnprocessableEntity, "Ook de 2 gekoppelde meldingen oplossen", `id="resolve-body-nl-error"`)
		expectNot(t, p, `name="resolve_tickets" value="1" checked`)
		p = agent.submit(bothURL, bothURL+"/resolve", url.Values{"body.nl": {"De server is vervangen."}, "resolve_tickets_shown": {"1"}, "resolve_tickets": {"1"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("resolve: %d\n%s", p.status, p.body)
		}
		for _, id := range []int64{e.acmeInc2.ID, e.globexInc.ID} {
			if s := state(id); s != desk.StateResolved {
				t.Errorf("ticket %d is %s, want resolved", id, s)
			}
		}
	})
}

// TestPubEditForm: the edit form corrects the name and the impact of an incident and the
// window of a scheduled maintenance; errors show next to the field with the input kept;
// it posts no update. A started maintenance's form offers no window.
func TestPubEditForm(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		ag := actor(e.agent)
		agent := e.client()
		agent.signIn(e.agent)
		inc, err := e.app.PublicIncidents.Create(ctx, ag, app.NewPublicIncident{Name: desk.Texts{NL: "Storing"}, Impact: desk.ImpactMinor, Body: desk.Texts{NL: "x"}})
		if err != nil {
			t.Fatal(err)
		}
		u := "/public-incidents/" + strconv.FormatInt(inc.ID, 10)
		expect(t, agent.get(u), http.StatusOK, `action="`+u+`/edit"`, `id="edit-name-nl" name="name.nl" value="Storing"`, `id="edit-impact"`)
		p := agent.submit(u, u+"/edit", url.Values{"name.nl": {strings.Repeat("x", desk.MaxPublicName+1)}, "name.en": {"Kept"}, "impact": {"enormous"}})
		expect(t, p, http.StatusUnprocessableEntity, `id="edit-name-nl-error"`, `id="edit-impact-error"`, `value="Kept"`)
		p = agent.submit(u, u+"/edit", url.Values{"name.nl": {" "}, "name.en": {""}, "impact": {"major"}})
		expect(t, p, http.StatusUnprocessableEntity, `id="edit-name-nl-error"`, "Vul Nederlands, Engels of beide in.")
		p = agent.submit(u, u+"/edit", url.Values{"name.nl": {"Storing e-mail"}, "name.en": {"Email outage"}, "impact": {"major"}})
		if p.status != http.StatusSeeOther || p.location != u {
			t.Fatalf("edit: %d %q\n%s", p.status, p.location, p.body)
		}
		got, err := e.app.PublicIncidents.Get(ctx, ag, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != (desk.Texts{NL: "Storing e-mail", EN: "Email outage"}) || got.Impact != desk.ImpactMajor || len(got.Updates) != 1 {
			t.Errorf("after the edit: %+v %s, %d updates", got.Name, got.Impact, len(got.Updates))
		}
		expect(t, agent.get(u), http.StatusOK, "De wijzigingen zijn opgeslagen.")

		// A scheduled maintenance: its window, in the page's zone.
		from, until := "2999-01-05T21:00:00Z", "2999-01-06T00:00:00Z"
		m, err := e.app.PublicIncidents.Create(ctx, ag, app.NewPublicIncident{Kind: desk.KindMaintenance, Name: desk.Texts{NL: "Onderhoud"},
			ScheduledFor: &from, ScheduledUntil: &until, Body: desk.Texts{NL: "x"}})
		if err != nil {
			t.Fatal(err)
		}
		mu := "/public-incidents/" + strconv.FormatInt(m.ID, 10)
		p = agent.get(mu)
		expect(t, p, http.StatusOK, `id="edit-scheduled_for" name="scheduled_for" value="2999-01-05T22:00"`)
		expectNot(t, p, `id="edit-impact"`)
		p = agent.submit(mu, mu+"/edit", url.Values{"name.nl": {"Onderhoud"}, "scheduled_for": {"morgen"}, "scheduled_until": {"2999-01-06T01:00"}})
		expect(t, p, http.StatusUnprocessableEntity, `id="edit-scheduled_for-error"`, `value="morgen"`)
		p = agent.submit(mu, mu+"/edit", url.Values{"name.nl": {"Onderhoud DNS"}, "scheduled_for": {"2999-01-06T22:00"}, "scheduled_until": {"2999-01-07T01:00"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("edit the window: %d\n%s", p.status, p.body)
		}
		if got, err = e.app.PublicIncidents.Get(ctx, ag, m.ID); err != nil {
			t.Fatal(err)
		}
		if s := got.ScheduledFor.UTC().Format("2006-01-02T15:04"); s != "2999-01-06T21:00" || got.Name.NL != "Onderhoud DNS" {
			t.Errorf("the window starts at %s UTC (want 21:00), name %q", s, got.Name.NL)
		}
		// Started: no window to move.
		if _, err := e.app.PublicIncidents.PostUpdate(ctx, ag, m.ID, desk.UpdateInput{Status: desk.MaintenanceInProgress, Body: desk.Texts{NL: "Begonnen."}}); err != nil {
			t.Fatal(err)
		}
		expectNot(t, agent.get(mu), `id="edit-scheduled_for"`)

		// Clients and experts are refused.
		for _, who := range []desk.User{e.acmeUser, e.expert} {
			c := e.client()
			c.signIn(who)
			tok := csrfFor(t, c.get("/incidents"), "/logout")
			if p := c.post(u+"/edit", url.Values{"csrf": {tok}, "name.nl": {"hacked"}}); p.status != http.StatusForbidden {
				t.Errorf("%s edits: %d", who.Email, p.status)
			}
		}
		if got, err = e.app.PublicIncidents.Get(ctx, ag, inc.ID); err != nil || got.Name.NL != "Storing e-mail" {
			t.Errorf("after the refused edits: %q %v", got.Name.NL, err)
		}
	})
}
