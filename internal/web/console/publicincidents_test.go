package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestPublicIncidentForms walks the desk's forms without JavaScript: an agent opens an
// incident (a form with errors first: shown next to the fields, input kept), posts an
// update, resolves it and publishes a postmortem; schedules a maintenance with a window in
// the page's zone. The visitor's page shows each step. Clients and experts are refused.
func TestPublicIncidentForms(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx, sys := context.Background(), desk.SystemActor("test")
		mail, err := e.app.Components.Create(ctx, sys, desk.Component{Name: "E-mail", Visibility: desk.VisibilityPublic})
		if err != nil {
			t.Fatal(err)
		}
		mf := "component_" + strconv.FormatInt(mail.ID, 10)
		agent := e.client()
		agent.signIn(e.agent)
		list := agent.get("/public-incidents")
		expect(t, list, http.StatusOK, `href="/public-incidents/new"`, `href="/public-incidents/new?kind=maintenance"`, `aria-current="page"`)

		// Errors: no name, no message, an unknown impact and component status.
		bad := agent.submit("/public-incidents/new", "/public-incidents", url.Values{"kind": {"incident"}, "name.nl": {""},
			"name.en": {"  "}, "impact": {"enormous"}, "status": {"investigating"}, mf: {"on_fire"}, "body.en": {""}})
		if strings.Index(bad.body, `href="#new-`+mf+`"`) > strings.Index(bad.body, `href="#new-body-nl"`) {
			t.Error("the summary does not follow the page's order")
		}
		expect(t, bad, http.StatusUnprocessableEntity, `id="new-name-nl-error"`, "Vul Nederlands, Engels of beide in.",
			`id="new-impact-error"`, `id="new-`+mf+`-error"`, `id="new-body-nl-error"`, `class="alert error-summary"`,
			`href="#new-name-nl"`)
		long := strings.Repeat("x", desk.MaxPublicName+1)
		bad = agent.submit("/public-incidents/new", "/public-incidents", url.Values{"kind": {"incident"}, "name.nl": {long},
			"impact": {"major"}, "body.nl": {"Kept *message*"}})
		expect(t, bad, http.StatusUnprocessableEntity, `id="new-name-nl-error"`, "Kept *message*</textarea>", `value="major" selected`)

		ok := agent.submit("/public-incidents/new", "/public-incidents", url.Values{"kind": {"incident"},
			"name.nl": {"Storing e-mail"}, "name.en": {"Email outage"}, "impact": {"major"}, "status": {"investigating"},
			mf: {"partial_outage"}, "body.nl": {"We **onderzoeken** het."}})
		if ok.status != http.StatusSeeOther || !strings.HasPrefix(ok.location, "/public-incidents/") {
			t.Fatalf("create: %d %q\n%s", ok.status, ok.location, ok.body)
		}
		detail := ok.location
		id := strings.TrimPrefix(detail, "/public-incidents/")
		expect(t, agent.get(detail), http.StatusOK, "Gepubliceerd op de statuspagina.", "Storing e-mail", "Update plaatsen",
			`href="/status/incidents/`+id+`"`, "Gedeeltelijke storing")
		visitor := e.client()
		visitor.header.Set("Accept-Language", "en")
		expect(t, visitor.get("/status"), http.StatusOK, "Email outage", "<strong>onderzoeken</strong>", `data-indicator="major"`)

		// An update: a new status, the message in English only, the component worse.
		up := agent.submit(detail, detail+"/updates", url.Values{"status": {"identified"}, "body.en": {"Found it."}, mf: {"major_outage"}})
		if up.status != http.StatusSeeOther {
			t.Fatalf("update: %d\n%s", up.status, up.body)
		}
		bad = agent.submit(detail, detail+"/updates", url.Values{"status": {"postmortem"}, "body.nl": {"x"}})
		expect(t, bad, http.StatusUnprocessableEntity, `id="update-status-error"`)
		expect(t, visitor.get("/status/incidents/"+id), http.StatusOK, "Identified", "Found it.", "Major outage")

		// Resolve, then the postmortem; a second resolve is a conflict the page explains.
		res := agent.submit(detail, detail+"/resolve", url.Values{"body.nl": {"Opgelost."}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("resolve: %d\n%s", res.status, res.body)
		}
		page := agent.get(detail)
		expect(t, page, http.StatusOK, "Nabeschouwing publiceren")
		expectNot(t, page, "Update plaatsen")
		bad = agent.submit(detail, detail+"/postmortem", url.Values{"body.nl": {""}})
		expect(t, bad, http.StatusUnprocessableEntity, `id="postmortem-body-nl-error"`)
		pm := agent.submit(detail, detail+"/postmortem", url.Values{"body.en": {"A full disk; we now alert at 80%."}})
		if pm.status != http.StatusSeeOther {
			t.Fatalf("postmortem: %d\n%s", pm.status, pm.body)
		}
		expect(t, visitor.get("/status/incidents/"+id), http.StatusOK, "Postmortem", "we now alert at 80%.")
		expect(t, visitor.get("/status"), http.StatusOK, `data-indicator="none"`, "Email outage")

		// A maintenance: the window in the page's zone (Europe/Amsterdam, +01:00 in winter).
		bad = agent.submit("/public-incidents/new?kind=maintenance", "/public-incidents", url.Values{"kind": {"maintenance"},
			"name.nl": {"Onderhoud"}, "scheduled_for": {"tomorrow"}, "scheduled_until": {"2026-12-05T21:00"}, "body.nl": {"x"}})
		expect(t, bad, http.StatusUnprocessableEntity, `id="new-scheduled_for-error"`, `value="tomorrow"`)
		m := agent.submit("/public-incidents/new?kind=maintenance", "/public-incidents", url.Values{"kind": {"maintenance"},
			"name.nl": {"Onderhoud DNS"}, "scheduled_for": {"2999-01-05T22:00"}, "scheduled_until": {"2999-01-06T01:00"},
			mf: {"under_maintenance"}, "body.nl": {"Gepland onderhoud."}})
		if m.status != http.StatusSeeOther {
			t.Fatalf("schedule: %d\n%s", m.status, m.body)
		}
		mid, _ := strconv.ParseInt(strings.TrimPrefix(m.location, "/public-incidents/"), 10, 64)
		p, err := e.app.PublicIncidents.Get(ctx, desk.Actor{UserID: e.agent.ID, Role: desk.RoleAgent}, mid)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.ScheduledFor.UTC().Format("2006-01-02T15:04"); got != "2999-01-05T21:00" {
			t.Errorf("the window starts at %s UTC, want 21:00 (22:00 in Amsterdam)", got)
		}
		expect(t, visitor.get("/status"), http.StatusOK, "Onderhoud DNS", "5 January 2999 22:00 CET")

		// Clients and experts: refused on every page and form.
		for _, u := range []desk.User{e.acmeUser, e.acmeAdmin, e.expert} {
			c := e.client()
			c.signIn(u)
			for _, path := range []string{"/public-incidents", "/public-incidents/new", detail} {
				expect(t, c.get(path), http.StatusForbidden)
			}
			incidents := c.get("/incidents")
			expectNot(t, incidents, `href="/public-incidents"`)
		}
	})
}
