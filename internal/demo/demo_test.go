package demo_test

import (
	"bytes"
	"errors"
	"log/slog"
	"maps"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/demo"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
	"meldpunt/internal/monitor"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

func newApp(t *testing.T, db *store.DB) *app.Services {
	t.Helper()
	return app.New(db, time.Now, slog.New(slog.NewTextHandler(t.Output(), nil)), app.Config{Holidays: holidays.NL(),
		BaseURL:  "http://localhost:8080",
		Argon2:   app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1},
		Monitors: app.MonitorConfig{Checks: &monitor.Checker{}}, // the monitors' settings are checked as in serve
	})
}

func TestLoad(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		a := newApp(t, db)
		sys := desk.SystemActor("test")

		s, err := demo.Load(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if s.Existed || s.Organisations != 2 || s.Incidents != 6 || s.PublicIncidents != 3 || len(s.Accounts) != 8 || s.Password != "meldpunt-demo" {
			t.Fatalf("summary = %+v", s)
		}

		// The monitors: one per kind the demo shows, and the heartbeat's URL to call.
		if s.Monitors != 4 || !strings.HasPrefix(s.Heartbeat, "http://localhost:8080/heartbeat/") {
			t.Fatalf("monitors in the summary: %d, %q", s.Monitors, s.Heartbeat)
		}
		ms, err := a.Monitors.List(ctx, sys, 0)
		if err != nil {
			t.Fatal(err)
		}
		monitorKinds := map[string]string{}
		for _, m := range ms {
			monitorKinds[m.Name] = m.Kind
		}
		if want := map[string]string{"Statuspagina": "http", "Webshop HTTPS-poort": "tcp", "Mailprovider": "statuspage", "Nachtelijke back-up": "heartbeat"}; !maps.Equal(monitorKinds, want) {
			t.Fatalf("monitors = %v, want %v", monitorKinds, want)
		}

		// Two clients, with the contracts they should have.
		for slug, wantUrgent := range map[string]bool{"acme": true, "devries": false} {
			o, err := a.Organisations.BySlug(ctx, sys, slug)
			if err != nil {
				t.Fatalf("organisation %s: %v", slug, err)
			}
			cs, err := a.Organisations.Contracts(ctx, sys, o.ID)
			if err != nil || len(cs) != 1 {
				t.Fatalf("contracts of %s: %v, %v", slug, cs, err)
			}
			if cs[0].CoversUrgent != wantUrgent {
				t.Errorf("%s: covers urgent = %v, want %v", slug, cs[0].CoversUrgent, wantUrgent)
			}
		}

		// Every account signs in with the demo password and has its role; every role is there.
		roles := map[desk.Role]int{}
		for _, acc := range s.Accounts {
			_, _, u, err := a.Identity.SignIn(ctx, acc.Email, demo.Password, "127.0.0.1")
			if err != nil {
				t.Errorf("sign in as %s: %v", acc.Email, err)
				continue
			}
			if u.Role != acc.Role || u.Name != acc.Name {
				t.Errorf("%s is %s %q, summary says %s %q", acc.Email, u.Role, u.Name, acc.Role, acc.Name)
			}
			roles[u.Role]++
		}
		want := map[desk.Role]int{desk.RoleAdmin: 1, desk.RoleAgent: 2, desk.RoleExpert: 1, desk.RoleClientAdmin: 2, desk.RoleClientUser: 2}
		for r, n := range want {
			if roles[r] != n {
				t.Errorf("%d users with role %s, want %d", roles[r], r, n)
			}
		}

		// Components are linked to the clients that use them.
		acme, _ := a.Organisations.BySlug(ctx, sys, "acme")
		devries, _ := a.Organisations.BySlug(ctx, sys, "devries")
		names := func(orgID int64) string {
			cs, err := a.Components.List(ctx, sys, orgID)
			if err != nil {
				t.Fatal(err)
			}
			var ns []string
			for _, c := range cs {
				ns = append(ns, c.Name)
			}
			return strings.Join(ns, ",")
		}
		if got := names(acme.ID); got != "Webshop,Betalingen,Hosting,E-mail,DNS" {
			t.Errorf("acme's components: %s", got)
		}
		if got := names(devries.ID); got != "Website De Vries,Hosting,E-mail,DNS" {
			t.Errorf("de Vries' components: %s", got)
		}
		// The shared infrastructure is public; the clients' own systems are not.
		all, err := a.Components.List(ctx, sys, 0)
		if err != nil {
			t.Fatal(err)
		}
		var public []string
		for _, c := range all {
			if c.Visibility == desk.VisibilityPublic {
				public = append(public, c.Name)
			}
		}
		if got := strings.Join(public, ","); got != "Hosting,E-mail,DNS" {
			t.Errorf("public components: %s", got)
		}

		// Incidents in every state, each as the story says.
		page, err := a.Incidents.List(ctx, sys, desk.IncidentFilter{})
		if err != nil {
			t.Fatal(err)
		}
		byState := map[desk.State]desk.Incident{}
		for _, inc := range page.Items {
			byState[inc.State] = inc
		}
		if len(page.Items) != 6 || len(byState) != 6 {
			t.Fatalf("%d incidents in %d states, want 6 in 6", len(page.Items), len(byState))
		}
		if n := byState[desk.StateNew]; n.Kind != desk.KindUrgent || n.Priority != desk.P1 || n.OrgID != acme.ID ||
			n.Assessment != desk.AssessmentPending || n.QuestionnaireVersion != 1 {
			t.Errorf("new incident: %+v, want an urgent P1 of acme, reported through the questionnaire, waiting for assessment", n)
		}
		if w := byState[desk.StateWaiting]; w.WaitingOn != desk.WaitingOnClient {
			t.Errorf("waiting incident waits on %q, want client", w.WaitingOn)
		}
		if r := byState[desk.StateResolved]; r.Solution == "" || r.ResolvedAt == nil {
			t.Errorf("resolved incident without a solution: %+v", r)
		}
		if c := byState[desk.StateClosed]; c.ClosedAt == nil || c.Solution == "" {
			t.Errorf("closed incident: %+v", c)
		}

		ip := byState[desk.StateInProgress]
		expert, err := a.Identity.UserByEmail(ctx, sys, "expert@demo.meldpunt.test")
		if err != nil {
			t.Fatal(err)
		}
		if ip.AssigneeID == nil || *ip.AssigneeID != expert.ID || ip.FirstResponseAt == nil {
			t.Errorf("in-progress incident: assignee %v, first response %v; want the expert and a reply", ip.AssigneeID, ip.FirstResponseAt)
		}
		tl, err := a.Incidents.Timeline(ctx, sys, ip.ID)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[desk.EntryKind]int{}
		for _, e := range tl {
			kinds[e.Kind]++
		}
		if kinds[desk.EntryNote] != 1 || kinds[desk.EntryReply] != 1 {
			t.Errorf("in-progress timeline kinds %v, want a note and a reply", kinds)
		}

		// Everything went through the use cases: the audit log saw it.
		audit, err := a.Audit.List(ctx, sys, desk.AuditFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(audit.Items); n < 40 {
			t.Errorf("%d audit records, want one per change (at least 40)", n)
		}

		checkStatusPage(t, a)

		// A client user sees only their own incidents.
		_, actor, _, err := a.Identity.SessionActor(ctx, mustSignIn(t, a, "user@acme.example"), "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		mine, err := a.Incidents.List(ctx, actor, desk.IncidentFilter{})
		if err != nil || len(mine.Items) != 2 {
			t.Errorf("user@acme.example sees %d incidents (%v), want their 2", len(mine.Items), err)
		}

		// A second load changes nothing and says so.
		again, err := demo.Load(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if pg, _ := a.PublicIncidents.Page(ctx, 14); len(pg.Open)+len(pg.Recent)+len(pg.Upcoming) != 3 {
			t.Errorf("after the second load the page lists %d+%d+%d incidents, want 3", len(pg.Open), len(pg.Recent), len(pg.Upcoming))
		}
		if !again.Existed || len(again.Accounts) != 8 {
			t.Errorf("second load: %+v, want Existed", again)
		}
		if n, _ := a.Incidents.Count(ctx, sys, desk.IncidentFilter{}); n != 6 {
			t.Errorf("after the second load there are %d incidents, want 6", n)
		}
		us, _ := a.Identity.Users(ctx, sys, app.UserFilter{})
		if len(us) != 8 {
			t.Errorf("after the second load there are %d users, want 8", len(us))
		}
	})
}

func mustSignIn(t *testing.T, a *app.Services, email string) string {
	t.Helper()
	secret, _, _, err := a.Identity.SignIn(t.Context(), email, demo.Password, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

func TestLoadRefusesAnInstallationWithUsers(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.DialectSQLite)
	ctx := t.Context()
	a := newApp(t, db)
	if _, err := a.Identity.Bootstrap(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Identity.CreateUser(ctx, desk.SystemActor("test"), app.UserInput{Email: "boss@example.com", Name: "Boss", Role: desk.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	_, err := demo.Load(ctx, a)
	if !errors.Is(err, demo.ErrHasUsers) {
		t.Fatalf("err = %v, want ErrHasUsers", err)
	}
	if _, err := a.Organisations.BySlug(ctx, desk.SystemActor("test"), "acme"); !desk.IsNotFound(err) {
		t.Errorf("acme exists after a refused load (%v)", err)
	}
}

func TestSummaryPrint(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	s := demo.Summary{Organisations: 2, Incidents: 6, Password: "pw-123", Accounts: []demo.Account{
		{Email: "a@example.com", Name: "A", Role: desk.RoleAdmin, Organisation: "Provider"},
	}}
	if err := s.Print(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"Loaded the demo data: 2 client organisations, 1 users, 6 incidents.", "pw-123", "a@example.com", "admin", "Provider"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	b.Reset()
	s.Existed = true
	_ = s.Print(&b)
	if !strings.Contains(b.String(), "loaded already") {
		t.Errorf("output of an existing load: %s", b.String())
	}
}

// checkStatusPage checks the demo's status page: history with outages in the uptime bars,
// a resolved incident with a postmortem, an open one being monitored, next week's
// maintenance, the branding and a confirmed subscriber.
func checkStatusPage(t *testing.T, a *app.Services) {
	t.Helper()
	ctx := t.Context()
	zone, _ := time.LoadLocation("Europe/Amsterdam")
	pub, err := a.Components.Public(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids, byName, shown := []int64{}, map[string]int64{}, map[string]desk.ComponentStatus{}
	for _, c := range pub.Components {
		ids = append(ids, c.ID)
		byName[c.Name], shown[c.Name] = c.ID, c.Status
	}
	up, err := a.Components.Uptime(ctx, ids, zone)
	if err != nil {
		t.Fatal(err)
	}
	for name, id := range byName {
		days := up[id]
		if len(days) != desk.UptimeDays {
			t.Fatalf("%s: %d days of uptime", name, len(days))
		}
		bad := 0
		for _, d := range days {
			if !d.Known {
				t.Errorf("%s: %s has no data; the demo's history covers every day", name, d.Date.Format(time.DateOnly))
			}
			if d.Uptime() < 1 {
				bad++
			}
		}
		// Hosting's major outage, DNS's partial one and E-mail's incident cost uptime;
		// Hosting's degraded afternoon does not.
		if bad != 1 {
			t.Errorf("%s: %d days with downtime, want 1", name, bad)
		}
	}
	if shown["E-mail"] != desk.StatusDegradedPerformance || shown["Hosting"] != desk.StatusOperational {
		t.Errorf("the page shows %v, want E-mail degraded by the open incident and the rest operational", shown)
	}

	pg, err := a.PublicIncidents.Page(ctx, 14)
	if err != nil {
		t.Fatal(err)
	}
	if len(pg.Open) != 1 || pg.Open[0].Status != desk.PublicMonitoring || pg.Open[0].Impact != desk.ImpactMinor || len(pg.Open[0].Updates) != 2 {
		t.Errorf("open incidents: %+v, want one being monitored with 2 updates", pg.Open)
	}
	if len(pg.Recent) != 1 || pg.Recent[0].Status != desk.PublicPostmortem || pg.Recent[0].Postmortem == nil || len(pg.Recent[0].Updates) != 4 {
		t.Fatalf("recent incidents: %+v, want one with 4 updates and a postmortem", pg.Recent)
	}
	for _, u := range pg.Recent[0].Updates {
		if u.Body.NL == "" || u.Body.EN == "" {
			t.Errorf("update %d lacks a language: %+v", u.ID, u.Body)
		}
	}
	if r := pg.Recent[0]; r.CreatedAt.After(a.Now().AddDate(0, 0, -7)) {
		t.Errorf("the resolved incident was created %s, want over a week ago", r.CreatedAt)
	}
	if len(pg.Upcoming) != 1 || pg.Upcoming[0].ScheduledFor == nil ||
		!pg.Upcoming[0].ScheduledFor.After(a.Now().AddDate(0, 0, 5)) {
		t.Errorf("upcoming maintenance: %+v, want one next week", pg.Upcoming)
	}

	brand, err := a.Branding.Page(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s := brand.Settings; s.Title != "Voorbeeld Hosting status" || s.Phone == "" || s.FooterText == "" || s.FooterURL == "" {
		t.Errorf("branding: %+v", s)
	}
	// The subscriber is confirmed: a notice reaches it.
	n, err := a.Subscriptions.QueueNotice(ctx, desk.StatusNotice{Kind: desk.NoticeIncidentUpdated, Name: desk.Texts{NL: "x"},
		Body: desk.Texts{NL: "y"}, Status: "investigating", Impact: "minor", ComponentIDs: []int64{byName["DNS"]}})
	if err != nil || n != 1 {
		t.Errorf("a notice reached %d subscribers (%v), want the demo's confirmed one", n, err)
	}
}
