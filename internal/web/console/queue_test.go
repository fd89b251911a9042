package console_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/prometheus/client_golang/prometheus"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
	"meldpunt/internal/web/server"
)

// testClock is a settable clock for the app behind a server.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// newClockEnv is newEnv on an app that reads clk, so countdowns are exact.
func newClockEnv(t *testing.T, db *store.DB, clk *testClock) *env {
	t.Helper()
	return newClockEnvMail(t, db, clk, app.OutboxConfig{})
}

// newClockEnvMail is newClockEnv with email configured.
func newClockEnvMail(t *testing.T, db *store.DB, clk *testClock, mc app.OutboxConfig) *env {
	t.Helper()
	e := &env{t: t, logs: &logBuffer{}}
	log := slog.New(slog.NewTextHandler(e.logs, nil))
	e.srv = httptest.NewUnstartedServer(nil)
	base := "http://" + e.srv.Listener.Addr().String()
	e.app = app.New(db, clk.now, log, app.Config{Holidays: holidays.NL(), BaseURL: base, Argon2: app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}, Outbox: mc})
	e.srv.Config.Handler = server.Handler(server.Config{BaseURL: base, Texts: loadTexts(t)}, e.app, log, prometheus.NewRegistry())
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	ctx, sys := context.Background(), desk.SystemActor("test")
	if _, err := e.app.Identity.Bootstrap(ctx); err != nil {
		t.Fatal(err)
	}
	var err error
	if e.acme, err = e.app.Organisations.Create(ctx, sys, desk.Organisation{Name: "Acme Bakeries"}); err != nil {
		t.Fatal(err)
	}
	if e.globex, err = e.app.Organisations.Create(ctx, sys, desk.Organisation{Name: "Globex Shipping"}); err != nil {
		t.Fatal(err)
	}
	user := func(org int64, email, name string, role desk.Role) desk.User {
		t.Helper()
		u, err := e.app.Identity.CreateUser(ctx, sys, app.UserInput{OrgID: org, Email: email, Name: name, Role: role, Locale: desk.LocaleNL, Password: password})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	e.agent = user(0, "agent@provider.test", "Guus Agent", desk.RoleAgent)
	e.expert = user(0, "expert@provider.test", "Eva Expert", desk.RoleExpert)
	e.acmeUser = user(e.acme.ID, "user@acme.test", "Anna Acme", desk.RoleClientUser)
	e.globexUser = user(e.globex.ID, "user@globex.test", "Gert Globex", desk.RoleClientUser)
	return e
}

// TestQueuePage: the desk's queue lists open incidents by time to breach with countdowns in
// the reader's language, marks breached ones, filters and pages; the incident page shows
// both deadlines. Clients and experts have no queue.
func TestQueuePage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx, sys := context.Background(), desk.SystemActor("test")
		// In January (CET, UTC+1) of next year: sessions expire by the real clock too.
		t0 := time.Date(time.Now().Year()+1, 1, 7, 9, 0, 0, 0, time.UTC)
		day := t0.Format("02-01-2006")
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
		// P1 solves in 4 hours, P2 in 8; the waiting one is paused; Globex has no contract.
		p2 := report(e.acme, e.acmeUser, "Slow product pages", desk.High, desk.Normal)
		p1 := report(e.acme, e.acmeUser, "Checkout fails", desk.High, desk.High)
		waiting := report(e.acme, e.acmeUser, "Logo looks odd", desk.High, desk.High)
		if _, err := e.app.Incidents.Transition(ctx, queueActor(e.agent), waiting.ID, desk.Transition{To: desk.StateWaiting, WaitingOn: desk.WaitingOnClient}); err != nil {
			t.Fatal(err)
		}
		other := report(e.globex, e.globexUser, "Tracking page down", desk.High, desk.High)
		clk.set(t0.Add(4*time.Hour + 30*time.Minute))

		agent := e.client()
		agent.signIn(e.agent)
		p := agent.get("/queue")
		expect(t, p, http.StatusOK, `<a href="/queue" aria-current="page">Wachtrij</a>`,
			"30 min te laat", "3 u 30 min", "4 u te laat", "3 u 30 min te laat", "gepauzeerd sinds", "geen termijn",
			`class="sla-breached breached stale"`, `<span class="badge stale">geen update</span>`, "Acme Bakeries", "Globex Shipping")
		inOrder(t, p.body, p1.Number, p2.Number, waiting.Number, other.Number)

		for _, c := range []struct {
			query string
			want  []desk.Incident
		}{
			{"?org=" + fmt.Sprint(e.globex.ID), []desk.Incident{other}},
			{"?priority=P1", []desk.Incident{p1, waiting, other}},
			{"?state=waiting", []desk.Incident{waiting}},
			{"?kind=urgent", nil},
			{"?owner=" + fmt.Sprint(e.agent.ID), nil},
			{"?after=" + fmt.Sprint(p1.SLA.ResolveDue.UnixMilli()) + "_" + fmt.Sprint(p1.ID), []desk.Incident{p2, waiting, other}},
			{"?after=nonsense&priority=P9&state=closed", []desk.Incident{p1, p2, waiting, other}},
		} {
			p := agent.get("/queue" + c.query)
			expect(t, p, http.StatusOK)
			var nums []string
			for _, in := range c.want {
				nums = append(nums, in.Number)
			}
			inOrder(t, p.body, nums...)
			for _, in := range []desk.Incident{p1, p2, waiting, other} {
				if !listsIncident(c.want, in) && strings.Contains(p.body, in.Number) {
					t.Errorf("%s lists %s", c.query, in.Number)
				}
			}
			if c.want == nil {
				expect(t, p, http.StatusOK, "Geen open meldingen die aan het filter voldoen.")
			}
		}
		if p := agent.get("/queue?after=" + fmt.Sprint(p1.SLA.ResolveDue.UnixMilli()) + "_" + fmt.Sprint(p1.ID)); !strings.Contains(p.body, `href="/queue">`) {
			t.Errorf("a later page does not link back to the first:\n%s", p.body)
		}

		// In English.
		expect(t, agent.get("/queue?lang=en"), http.StatusOK, "breached 30 min ago", "3 h 30 min", "paused since", "no deadline", ">Queue</a>")

		// The incident page shows both clocks, to the desk and to the client.
		expect(t, agent.get("/incidents/"+p1.Number+"?lang=nl"), http.StatusOK, `id="sla-response"`, `id="sla-resolve"`,
			"4 u te laat", "30 min te laat", "uiterlijk "+day+" 14:00 CET", "24 uur per dag")
		expect(t, agent.get("/incidents/"+waiting.Number), http.StatusOK, "gepauzeerd sinds "+day+" 10:00 CET")
		client := e.client()
		client.signIn(e.acmeUser)
		expect(t, client.get("/incidents/"+p2.Number), http.StatusOK, `id="sla-resolve"`, "3 u 30 min")
		expect(t, client.get("/incidents"), http.StatusOK)
		expectNot(t, client.get("/incidents"), `href="/queue"`)

		// Only the desk has a queue.
		expect(t, client.get("/queue"), http.StatusForbidden)
		expert := e.client()
		expert.signIn(e.expert)
		expect(t, expert.get("/queue"), http.StatusForbidden)
	})
}

func queueActor(u desk.User) desk.Actor {
	return desk.Actor{UserID: u.ID, Name: u.Name, Role: u.Role, OrgID: u.OrgID}
}

func listsIncident(list []desk.Incident, in desk.Incident) bool {
	for _, x := range list {
		if x.ID == in.ID {
			return true
		}
	}
	return false
}

// inOrder fails unless every text occurs in body, in this order.
func inOrder(t *testing.T, body string, texts ...string) {
	t.Helper()
	at := 0
	for _, s := range texts {
		i := strings.Index(body[at:], s)
		if i < 0 {
			t.Errorf("%q is missing or out of order (want %q)", s, texts)
			return
		}
		at += i + len(s)
	}
}

// TestQueueInBrowser: in Chromium, the agent opens the queue from the menu, finds the
// breached incident on top and follows it to its deadlines.
func TestQueueInBrowser(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	db := storetest.Open(t, "sqlite")
	t0 := time.Date(time.Now().Year()+1, 1, 7, 9, 0, 0, 0, time.UTC)
	clk := &testClock{t: t0}
	e := newClockEnv(t, db, clk)
	bg, sys := context.Background(), desk.SystemActor("test")
	if _, err := e.app.Organisations.CreateContract(bg, sys, desk.Contract{OrgID: e.acme.ID, Name: "Around the clock", SupportHours: desk.Hours24x7, Active: true}); err != nil {
		t.Fatal(err)
	}
	var incs []desk.Incident
	for _, c := range []struct {
		title string
		u, i  desk.Level
	}{{"Slow product pages", desk.High, desk.Normal}, {"Checkout fails", desk.High, desk.High}, {"Typo on the about page", desk.Low, desk.Low}} {
		in, err := e.app.Incidents.Create(bg, sys, app.IncidentInput{OrgID: e.acme.ID, ReporterID: &e.acmeUser.ID, Title: c.title, Urgency: c.u, Impact: c.i})
		if err != nil {
			t.Fatal(err)
		}
		incs = append(incs, in)
	}
	clk.set(t0.Add(4*time.Hour + 30*time.Minute))

	base := e.srv.URL
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/login?lang=nl")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx,
		chromedp.SendKeys(chromedp.ID("email"), e.agent.Email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`nav.main a[href="/queue"]`))); err != nil {
		t.Fatalf("open the queue: %v", err)
	}
	first, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("table.queue tbody tr:first-child")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(first, incs[1].Number) || !strings.Contains(first, "30 min te laat") || !strings.Contains(first, "4 u te laat") {
		t.Errorf("first row: %q", first)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("table.queue tbody tr").length`))
	if err != nil || rows != 3 {
		t.Errorf("%d rows (%v)", rows, err)
	}
	screenshot(t, ctx, "queue-nl")
	checkA11y(t, ctx, "queue-nl")
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`td a[href="/incidents/`+incs[1].Number+`"]`))); err != nil {
		t.Fatalf("open the incident: %v", err)
	}
	resolve, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("sla-resolve")))
	if err != nil || !strings.Contains(resolve, "30 min te laat") {
		t.Errorf("resolution deadline %q (%v)", resolve, err)
	}
	screenshot(t, ctx, "incident-sla-nl")
	checkA11y(t, ctx, "incident-sla-nl")
}
