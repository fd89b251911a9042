package console_test

import (
	"context"
	"meldpunt/internal/app"
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

// TestPublicIncidentFormBattery sends the desk's status page forms malformed input in every
// field — a NUL, invalid UTF-8, a right-to-left override, a text over its limit, a value
// outside its list, an unknown component, a field over the body limit — and the public
// pages malformed paths and queries: never a 5xx or an ERROR in the log, a malformed
// field is named on its form (422) with nothing published, and a bad path is 404/422.
func TestPublicIncidentFormBattery(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		agentActor := desk.Actor{UserID: e.agent.ID, Role: desk.RoleAgent}
		mail, err := e.app.Components.Create(ctx, desk.SystemActor("test"), desk.Component{Name: "E-mail", Visibility: desk.VisibilityPublic})
		if err != nil {
			t.Fatal(err)
		}
		mf := "component_" + strconv.FormatInt(mail.ID, 10)
		open, err := e.app.PublicIncidents.Create(ctx, agentActor, app.NewPublicIncident{Name: desk.Texts{EN: "Open"}, Body: desk.Texts{EN: "x"}})
		if err != nil {
			t.Fatal(err)
		}
		closed, err := e.app.PublicIncidents.Create(ctx, agentActor, app.NewPublicIncident{Name: desk.Texts{EN: "Closed"}, Status: desk.PublicResolved, Body: desk.Texts{EN: "x"}})
		if err != nil {
			t.Fatal(err)
		}
		count := func() int {
			t.Helper()
			ps, err := e.app.PublicIncidents.List(ctx, agentActor, app.PublicIncidentFilter{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, p := range ps {
				n += 1 + len(p.Updates)
				if p.Postmortem != nil {
					n++
				}
			}
			return n
		}
		agent := e.client()
		agent.signIn(e.agent)
		openURL := "/public-incidents/" + strconv.FormatInt(open.ID, 10)
		closedURL := "/public-incidents/" + strconv.FormatInt(closed.ID, 10)
		forms := []struct {
			page, action string
			valid        url.Values
			fields       []string
		}{
			{"/public-incidents/new", "/public-incidents", url.Values{"kind": {"incident"}, "name.nl": {"Naam"}, "impact": {"minor"},
				"status": {"investigating"}, "body.nl": {"Bericht"}, mf: {"major_outage"}}, []string{"name.nl", "name.en", "impact", "status", "body.nl", "body.en", mf}},
			{"/public-incidents/new?kind=maintenance", "/public-incidents", url.Values{"kind": {"maintenance"}, "name.nl": {"Naam"},
				"scheduled_for": {"2999-01-01T10:00"}, "scheduled_until": {"2999-01-01T12:00"}, "body.nl": {"Bericht"}},
				[]string{"name.nl", "scheduled_for", "scheduled_until", "status", "body.en"}},
			{openURL, openURL + "/updates", url.Values{"status": {"identified"}, "body.nl": {"Bericht"}, mf: {"partial_outage"}},
				[]string{"status", "body.nl", "body.en", mf}},
			{openURL, openURL + "/resolve", url.Values{"body.nl": {"Bericht"}}, []string{"body.nl", "body.en"}},
			{openURL, openURL + "/edit", url.Values{"name.nl": {"Naam"}, "impact": {"minor"}}, []string{"name.nl", "name.en", "impact"}},
			{"/public-incidents/new", "/public-incidents", url.Values{"kind": {"incident"}, "use_template": {"1"}, "template": {"1"}}, []string{"template"}},
			{closedURL, closedURL + "/postmortem", url.Values{"body.nl": {"Bericht"}}, []string{"body.nl", "body.en"}},
		}
		bad := []struct{ name, value string }{
			{"a NUL", "a\x00b"}, {"invalid UTF-8", "caf\xc3"}, {"a right-to-left override", "x \u202egnp.exe"},
			{"over its limit", strings.Repeat("x", desk.MaxPublicBody+1)}, {"a control character", "a\x07b"},
			{"only spaces", "   "}, {"a word outside any list", "on_fire"},
		}
		for _, f := range forms {
			for _, field := range f.fields {
				for _, b := range bad {
					if strings.HasSuffix(f.action, "/resolve") && (b.name == "only spaces" || b.name == "a word outside any list") {
						continue // valid messages: they would resolve it, and it resolves once
					}
					form := url.Values{}
					for k, v := range f.valid {
						form[k] = v
					}
					form.Set(field, b.value)
					before := count()
					p := agent.submit(f.page, f.action, form)
					switch {
					case p.status >= 500:
						t.Errorf("%s %s %s: %d", f.action, field, b.name, p.status)
					case p.status == http.StatusSeeOther:
						// Some values are fine for some fields (spaces in the optional English
						// message, a word as a name); anything else must be refused.
						if !(b.name == "only spaces" || b.name == "a word outside any list") || strings.HasPrefix(field, "component_") && b.name != "only spaces" ||
							field == "status" || field == "impact" || strings.HasPrefix(field, "scheduled_") {
							t.Errorf("%s %s %s was accepted", f.action, field, b.name)
						}
						continue
					case p.status != http.StatusUnprocessableEntity:
						t.Errorf("%s %s %s: %d, want 422", f.action, field, b.name, p.status)
					}
					if after := count(); after != before {
						t.Errorf("%s %s %s: published although refused", f.action, field, b.name)
					}
				}
			}
			// A field over the body limit is named, and nothing is published.
			form := url.Values{}
			for k, v := range f.valid {
				form[k] = v
			}
			form.Set("body.en", strings.Repeat("y", 2<<20))
			if p := agent.submit(f.page, f.action, form); p.status >= 500 || p.status == http.StatusSeeOther {
				t.Errorf("%s with a field over the body limit: %d", f.action, p.status)
			}
		}
		// An unknown component id, and one of another kind.
		p := agent.submit("/public-incidents/new", "/public-incidents", url.Values{"kind": {"incident"}, "name.nl": {"x"}, "body.nl": {"x"},
			"component_999999": {"major_outage"}, "component_x": {"major_outage"}})
		if p.status >= 500 {
			t.Errorf("unknown components: %d", p.status)
		}
		for _, path := range []string{"/public-incidents/%00", "/public-incidents/%FF", "/public-incidents/99999999999999999999",
			"/public-incidents/new?kind=%00", "/status/incidents/%00", "/status/incidents/%E2%80%AE", "/status/incidents/99999999999999999999",
			"/status/history?month=%00", "/status/history?month=%FF", "/status/history?month=2026-02&month=2026-03"} {
			for _, c := range []*client{agent, e.client()} {
				if p := c.get(path); p.status >= 500 {
					t.Errorf("GET %s: %d", path, p.status)
				}
			}
		}
		if strings.Contains(e.logs.String(), "level=ERROR") {
			t.Errorf("the server logged an error:\n%s", e.logs.String())
		}
	})
}
