package console_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestStatusPublicIncidents holds /status, the incident's own page and the history to
// what they show of public incidents and maintenance, in both languages: every update
// newest first with its status and time, Markdown as sanitised HTML, the visitor's
// language falling back to the other, the window of a maintenance, the banner counting the
// incident's impact, the closed ones in the days' history; and nothing private (a
// clients-only component, a client's name).
func TestStatusPublicIncidents(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx, sys := context.Background(), desk.SystemActor("test")
		agent := desk.Actor{UserID: e.agent.ID, Role: desk.RoleAgent, Name: e.agent.Name}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		mail, err := e.app.Components.Create(ctx, sys, desk.Component{Name: "E-mail", Visibility: desk.VisibilityPublic})
		must(err)
		dns, err := e.app.Components.Create(ctx, sys, desk.Component{Name: "DNS", Visibility: desk.VisibilityPublic})
		must(err)
		vault, err := e.app.Components.Create(ctx, sys, desk.Component{Name: "Acme vault router", ClientIDs: []int64{e.acme.ID}})
		must(err)
		inc, err := e.app.PublicIncidents.Create(ctx, agent, app.NewPublicIncident{
			Name: desk.Texts{NL: "Storing e-mail", EN: "Email outage"}, Impact: desk.ImpactMajor,
			Components: []desk.AffectedComponent{{ComponentID: mail.ID, Status: desk.StatusMajorOutage}, {ComponentID: vault.ID, Status: desk.StatusMajorOutage}},
			Body:       desk.Texts{NL: "We **onderzoeken** de storing.<script>alert(1)</script>"},
		})
		must(err)
		_, err = e.app.PublicIncidents.PostUpdate(ctx, agent, inc.ID, desk.UpdateInput{Status: desk.PublicIdentified,
			Body: desk.Texts{NL: "Een volle schijf.", EN: "A full disk."}})
		must(err)
		from, until := time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339), time.Now().Add(50*time.Hour).UTC().Format(time.RFC3339)
		mnt, err := e.app.PublicIncidents.Create(ctx, agent, app.NewPublicIncident{Kind: desk.KindMaintenance,
			Name: desk.Texts{NL: "Onderhoud DNS"}, ScheduledFor: &from, ScheduledUntil: &until,
			Components: []desk.AffectedComponent{{ComponentID: dns.ID, Status: desk.StatusUnderMaintenance}},
			Body:       desk.Texts{NL: "Gepland onderhoud aan de DNS-servers."}})
		must(err)
		private := []string{"Acme vault router", "Acme Bakeries", "Guus Agent", "<script>alert(1)"}
		get := func(path, lang string) page {
			t.Helper()
			c := e.client()
			c.header.Set("Accept-Language", lang)
			return c.get(path)
		}
		incURL := "/status/incidents/" + strconv.FormatInt(inc.ID, 10)

		p := get("/status", "en")
		expect(t, p, http.StatusOK, `data-indicator="critical"`, "Current incidents", `href="`+incURL+`"`, ">Email outage</a>",
			"Identified", "<p>A full disk.</p>", `lang="nl"`, "<strong>onderzoeken</strong>", "Investigating",
			"Affected components", "E-mail", "Major outage", "Maintenance", "Scheduled", "Onderhoud DNS", "Window",
			"Incidents of the last 14 days", "No incidents reported.", `href="/status/history"`)
		expectNot(t, p, private...)
		if strings.Index(p.body, "A full disk.") > strings.Index(p.body, "onderzoeken") {
			t.Error("the updates are not newest first")
		}
		nl := get("/status", "nl")
		expect(t, nl, http.StatusOK, "Actuele storingen", ">Storing e-mail</a>", "Oorzaak gevonden", "<p>Een volle schijf.</p>",
			"Onderhoud", "Gepland", "Tijdvak", "Storingen van de afgelopen 14 dagen", "Er zijn geen storingen gemeld.")
		expectNot(t, nl, private...)

		ip := get(incURL, "en")
		expect(t, ip, http.StatusOK, `<h1>Email outage</h1>`, "Impact: major", "Started", "Updates", "A full disk.",
			"E-mail", "Back to the status page")
		expectNot(t, ip, private...)
		mp := get("/status/incidents/"+strconv.FormatInt(mnt.ID, 10), "nl")
		expect(t, mp, http.StatusOK, `<h1>Onderhoud DNS</h1>`, "Tijdvak", "DNS", "Gepland")
		for _, bad := range []string{"/status/incidents/999999", "/status/incidents/abc", "/status/incidents/-1", "/status/incidents/0"} {
			expect(t, get(bad, "en"), http.StatusNotFound)
		}

		// Resolved: it leaves the current incidents and shows in today's history, and the
		// postmortem on its page.
		_, err = e.app.PublicIncidents.Resolve(ctx, agent, inc.ID, desk.Texts{EN: "Resolved: disk replaced."})
		must(err)
		_, err = e.app.PublicIncidents.SetPostmortem(ctx, agent, inc.ID, desk.Texts{NL: "We *waarschuwen* nu bij 80%."})
		must(err)
		p = get("/status", "en")
		expect(t, p, http.StatusOK, `data-indicator="none"`, ">Email outage</a>", "Postmortem", "Ended")
		expectNot(t, p, "Current incidents", "<p>A full disk.</p>")
		ip = get(incURL, "en")
		expect(t, ip, http.StatusOK, "Postmortem", "<em>waarschuwen</em>", "Resolved: disk replaced.", "Ended")

		// The history of this month lists both; a bad month is refused with a clear message.
		now := time.Now().In(mustZone(t))
		h := get("/status/history", "en")
		expect(t, h, http.StatusOK, "Incident history: "+now.Month().String(), ">Email outage</a>", "Onderhoud DNS", "Previous month")
		expectNot(t, h, private...)
		prev := now.AddDate(0, 0, -now.Day()+1).AddDate(0, -1, 0).Format("2006-01")
		hp := get("/status/history?month="+prev, "nl")
		expect(t, hp, http.StatusOK, "Geen storingen of onderhoud in deze maand.", "Volgende maand")
		expectNot(t, hp, "Email outage", "Storing e-mail")
		for _, bad := range []string{"2026-13", "26-01", "1999-12", "3000-01", "<script>", strings.Repeat("9", 500)} {
			b := get("/status/history?month="+bad, "en")
			expect(t, b, http.StatusUnprocessableEntity, "YYYY-MM")
		}
	})
}

func mustZone(t *testing.T) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(desk.DefaultPageZone)
	if err != nil {
		t.Fatal(err)
	}
	return l
}
