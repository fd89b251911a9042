package console_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// outboxSLAMonth fills a month for two clients: Acme (around the clock, P2 answers within
// an hour) has a P2 incident answered after 30 minutes and one after 2.5 hours (a mean of
// 1.5 hours); Globex (no contract) one answered after an hour. It returns the env, its clock and the month.
func outboxSLAMonth(t *testing.T, db *store.DB) (*env, *testClock, desk.Month) {
	t.Helper()
	ctx, sys := context.Background(), desk.SystemActor("test")
	// In January of next year (CET): sessions expire by the real clock too.
	t0 := time.Date(time.Now().Year()+1, 1, 7, 9, 0, 0, 0, time.UTC)
	clk := &testClock{t: t0}
	e := newClockEnv(t, db, clk)
	if _, err := e.app.Organisations.CreateContract(ctx, sys, desk.Contract{OrgID: e.acme.ID, Name: "Around the clock", SupportHours: desk.Hours24x7, Active: true}); err != nil {
		t.Fatal(err)
	}
	report := func(org desk.Organisation, reporter desk.User, title string) desk.Incident {
		t.Helper()
		in, err := e.app.Incidents.Create(ctx, sys, app.IncidentInput{OrgID: org.ID, ReporterID: &reporter.ID, Title: title, Urgency: desk.High, Impact: desk.Normal})
		if err != nil {
			t.Fatal(err)
		}
		return in
	}
	reply := func(id int64) {
		t.Helper()
		if _, err := e.app.Incidents.AddEntry(ctx, actor(e.agent), id, app.EntryInput{Kind: desk.EntryReply, Body: "We are on it."}); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	e.acmeAdmin, err = e.app.Identity.CreateUser(ctx, sys, app.UserInput{OrgID: e.acme.ID, Email: "admin@acme.test", Name: "Arie Acme",
		Role: desk.RoleClientAdmin, Locale: desk.LocaleEN, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	a := report(e.acme, e.acmeUser, "Checkout fails")
	b := report(e.acme, e.acmeUser, "Slow pages")
	g := report(e.globex, e.globexUser, "Tracking down")
	clk.set(t0.Add(30 * time.Minute))
	reply(a.ID)
	clk.set(t0.Add(time.Hour))
	reply(g.ID)
	clk.set(t0.Add(150 * time.Minute))
	reply(b.ID)
	clk.set(t0.Add(3 * time.Hour))
	return e, clk, desk.MonthOf(t0)
}

// TestSLAOverviewPage: the desk opens the reports on every client of the month, each line
// linking to the client's report; a client's report titles its charts, counts in whole
// numbers and writes hours in the page's format ("1,5 uur", "1.5 hours"); the month
// chooser names the months in the page's language. A client admin still sees only their
// own report.
func TestSLAOverviewPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e, _, m := outboxSLAMonth(t, db)
		agent := e.client()
		agent.signIn(e.agent)
		p := agent.get("/reports/sla")
		p.body = regexp.MustCompile(` data-label="[^"]*"`).ReplaceAllString(p.body, "") // the labels of the narrow layout
		acmeURL := fmt.Sprintf(`/reports/sla?month=%s&amp;org=%d`, m, e.acme.ID)
		expect(t, p, 200, "Alle klanten, januari", `<option value="`+m.String()+`" selected>januari `,
			`<a href="`+acmeURL+`" dir="auto">Acme Bakeries</a></th><td class="num">2</td><td>50 % (1 van 2)</td><td>—</td><td class="num">1</td>`,
			fmt.Sprintf(`<a href="/reports/sla?month=%s&amp;org=%d" dir="auto">Globex Shipping</a></th><td class="num">1</td><td>—</td><td>—</td><td class="num">0</td>`, m, e.globex.ID),
			`<th scope="row">Totaal</th><td class="num">3</td><td>50 % (1 van 2)</td><td>—</td><td class="num">1</td>`, `rel="prev"`)
		expectNot(t, p, `rel="next"`, "<svg") // no future months; charts are on a client's report
		if i, j := strings.Index(p.body, "Acme Bakeries</a>"), strings.Index(p.body, "Globex Shipping</a>"); i < 0 || j < i {
			t.Errorf("the clients are not by name")
		}

		// A client's report, from its line.
		p = agent.get(strings.ReplaceAll(acmeURL, "&amp;", "&"))
		expect(t, p, 200, "SLA-rapportage · Acme Bakeries", `<h2 class="sla-month">januari `,
			`<figcaption id="chart-targets-0-caption">Eerste reactie: normen gehaald en niet gehaald, per prioriteit</figcaption>`,
			`<figcaption id="chart-targets-1-caption">Oplossing: normen gehaald en niet gehaald, per prioriteit</figcaption>`,
			`<figcaption id="chart-times-0-caption">Eerste reactie: gemiddelde en 90e percentiel in uren, per prioriteit</figcaption>`,
			"P2, Gemiddeld: 1,5 uur<", "P2, 90e percentiel: 2,5 uur<", ">0,25</text>", ">uren</text>", ">meldingen</text>",
			"P2, Gehaald: 1 melding<", "P2, Niet gehaald: 1 melding<", "P2, Lopend: 2 meldingen<", `href="/reports/sla?month=`+m.String()+`">Alle klanten in deze maand</a>`)
		charts := svgRe.FindAllString(p.body, -1)
		if len(charts) != 4 {
			t.Fatalf("%d charts", len(charts))
		}
		tick := regexp.MustCompile(`text-anchor="end">([^<]*)</text>`)
		for _, c := range charts[:2] { // counts: whole numbers only
			wellFormed(t, c)
			for _, m := range tick.FindAllStringSubmatch(c, -1) {
				if strings.ContainsAny(m[1], ".,") {
					t.Errorf("a count axis reads %q", m[1])
				}
			}
		}
		for _, c := range charts[2:] {
			wellFormed(t, c)
			if strings.Contains(c, ">0.25<") || strings.Contains(c, "1.5 uur") || strings.Contains(c, " hour") {
				t.Errorf("a Dutch chart in English format: %s", c)
			}
		}
		p = agent.get(strings.ReplaceAll(acmeURL, "&amp;", "&") + "&lang=en")
		expect(t, p, 200, "SLA report · Acme Bakeries", "First response: targets met and missed, per priority",
			"Resolution: mean and 90th percentile in hours, per priority", "P2, Mean: 1.5 hours<", "P2, 90th percentile: 2.5 hours<", ">0.25</text>", ">hours</text>",
			"P2, Met: 1 incident<", "P2, Missed: 1 incident<", "P2, Pending: 2 incidents<", `<option value="`+m.String()+`" selected>January `)
		g := agent.get(fmt.Sprintf("/reports/sla?month=%s&org=%d", m, e.globex.ID))
		expect(t, g, 200, "P2, Mean: 1 hour<")

		// A client admin: their own report, no overview, no other client.
		admin := e.client()
		admin.signIn(e.acmeAdmin)
		p = admin.get("/reports/sla?month=" + m.String())
		expect(t, p, 200, "Acme Bakeries")
		expectNot(t, p, "Globex", `class="sla-overview"`, `<select id="org"`)
		for _, u := range []desk.User{e.acmeUser, e.expert} {
			c := e.client()
			c.signIn(u)
			expect(t, c.get("/reports/sla"), 403)
		}
	})
}
