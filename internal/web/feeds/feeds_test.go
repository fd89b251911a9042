package feeds_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
	"meldpunt/internal/i18n"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
	"meldpunt/internal/web"
	"meldpunt/internal/web/feeds"
	"meldpunt/internal/web/snapshot"
)

// clock is the injected clock of a test's app.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// page is an installation with public incidents and maintenance, served by the feeds
// twice: rendered per request, and from the status page's snapshot.
type page struct {
	a                    *app.Services
	clk                  *clock
	agent                desk.Actor
	plain, cached        *httptest.Server
	hosting, dns, erp    desk.Component
	outage, maint, older desk.PublicIncident
}

// base is the installation's base URL: the entries' tag: ids and the events' UIDs are
// made of its host, without the port.
const base = "https://desk.example.nl:8443"

// private marks what no feed may show: a clients-only component, the desk's people.
const private = "Acme ERP"

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func newPage(t *testing.T, db *store.DB) *page {
	t.Helper()
	ctx := context.Background()
	clk := &clock{t: t0.AddDate(0, 0, -45)}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := app.New(db, clk.now, log, app.Config{Holidays: holidays.NL(), BaseURL: base, Argon2: app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}})
	texts, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	sys := desk.SystemActor("test")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Identity.Bootstrap(ctx); err != nil {
		t.Fatal(err)
	}
	p := &page{a: a, clk: clk}
	mk := func(name string, vis desk.ComponentVisibility) desk.Component {
		c, err := a.Components.Create(ctx, sys, desk.Component{Name: name, Visibility: vis})
		must(err)
		return c
	}
	p.hosting, p.dns, p.erp = mk("Webhosting", desk.VisibilityPublic), mk("DNS", desk.VisibilityPublic), mk(private, desk.VisibilityClients)
	agent, err := a.Identity.CreateUser(ctx, sys, app.UserInput{Email: "agent@desk.example", Name: "Agent Zoë Geheim", Role: desk.RoleAgent, Password: "correct horse battery"})
	must(err)
	ag := desk.Actor{UserID: agent.ID, Role: desk.RoleAgent}
	p.agent = ag
	at := func(s string) *string { return &s }

	// A maintenance of 45 days ago, completed then: too old for the calendar.
	p.older, err = a.PublicIncidents.Create(ctx, ag, app.NewPublicIncident{Kind: desk.KindMaintenance,
		Name: desk.Texts{NL: "Oud onderhoud"}, ScheduledFor: at(clk.now().Add(time.Hour).Format(time.RFC3339)),
		ScheduledUntil: at(clk.now().Add(2 * time.Hour).Format(time.RFC3339)),
		Components:     []desk.AffectedComponent{{ComponentID: p.dns.ID, Status: desk.StatusUnderMaintenance}}, Body: desk.Texts{NL: "Oud."}})
	must(err)
	clk.set(clk.now().Add(3 * time.Hour))
	_, err = a.PublicIncidents.PostUpdate(ctx, ag, p.older.ID, desk.UpdateInput{Status: desk.MaintenanceCompleted, Body: desk.Texts{NL: "Klaar."}})
	must(err)

	clk.set(t0)
	p.outage, err = a.PublicIncidents.Create(ctx, ag, app.NewPublicIncident{Name: desk.Texts{NL: "Storing webhosting", EN: "Web hosting outage"},
		Impact: desk.ImpactMajor, Components: []desk.AffectedComponent{{ComponentID: p.hosting.ID, Status: desk.StatusMajorOutage},
			{ComponentID: p.erp.ID, Status: desk.StatusMajorOutage}},
		Body: desk.Texts{NL: "We **onderzoeken** de storing. <script>alert(1)</script> [klik](javascript:alert(1))", EN: "We are **investigating**."}})
	must(err)
	clk.set(t0.Add(30 * time.Minute))
	_, err = a.PublicIncidents.PostUpdate(ctx, ag, p.outage.ID, desk.UpdateInput{Status: desk.PublicIdentified, Body: desk.Texts{NL: "Een volle schijf.", EN: "A full disk."}})
	must(err)
	clk.set(t0.Add(time.Hour))
	p.outage, err = a.PublicIncidents.Resolve(ctx, ag, p.outage.ID, desk.Texts{NL: "Opgelost.", EN: "Resolved."})
	must(err)

	// A maintenance next Saturday night (Amsterdam time), announced, then moved an hour.
	amsterdam, err := time.LoadLocation("Europe/Amsterdam")
	must(err)
	start := time.Date(2026, 12, 5, 22, 0, 0, 0, amsterdam)
	p.maint, err = a.PublicIncidents.Create(ctx, ag, app.NewPublicIncident{Kind: desk.KindMaintenance,
		Name:         desk.Texts{NL: "Onderhoud DNS; servers, deel 1", EN: "DNS maintenance; servers, part 1"},
		ScheduledFor: at(start.Format(time.RFC3339)), ScheduledUntil: at(start.Add(3 * time.Hour).Format(time.RFC3339)),
		Components: []desk.AffectedComponent{{ComponentID: p.dns.ID, Status: desk.StatusUnderMaintenance}},
		Body: desk.Texts{NL: "Wij vervangen de naamservers; één voor één, zodat e-mail en websites bereikbaar blijven. " +
			"Verwacht geen onderbreking\\storing van betekenis.\nVragen? Bel de servicedesk.", EN: "We replace the name servers."}})
	must(err)
	clk.set(t0.Add(2 * time.Hour))
	p.maint, err = a.PublicIncidents.Edit(ctx, ag, p.maint.ID, app.PublicIncidentPatch{
		ScheduledFor: at(start.Add(time.Hour).Format(time.RFC3339)), ScheduledUntil: at(start.Add(4 * time.Hour).Format(time.RFC3339))})
	must(err)

	serve := func(snap *snapshot.Cache) *httptest.Server {
		mux := web.NewMux()
		feeds.Register(mux, feeds.Deps{PublicIncidents: a.PublicIncidents, Branding: a.Branding, Texts: texts, BaseURL: base, Snapshot: snap, Log: log})
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		return srv
	}
	p.plain = serve(nil)
	p.cached = serve(snapshot.New(snapshot.Options{Version: a.Components.PageVersion, Log: log}))
	return p
}

// get fetches path with the headers given as name, value pairs.
func get(t *testing.T, srv *httptest.Server, path string, headers ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// Each feed answers with its media type, an ETag that a revalidation turns into a 304, a
// short Cache-Control and Vary: Accept-Language; the language follows ?lang= and
// Accept-Language, Dutch by default; nothing private shows; a component that is not public
// has no feed.
func TestFeedsHTTP(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPage(t, db)
		for name, srv := range map[string]*httptest.Server{"plain": p.plain, "snapshot": p.cached} {
			for _, c := range []struct {
				path, ctype, nl, en string
			}{
				{"/status/history.atom", "application/atom+xml; charset=utf-8", "Storing webhosting", "Web hosting outage"},
				{"/status/history.rss", "application/rss+xml; charset=utf-8", "Storing webhosting", "Web hosting outage"},
				{"/status/components/" + desk.FormatInt(p.hosting.ID) + "/history.atom", "application/atom+xml; charset=utf-8", "Storing webhosting", "Web hosting outage"},
				{"/status/components/" + desk.FormatInt(p.dns.ID) + "/history.rss", "application/rss+xml; charset=utf-8", "Onderhoud DNS", "DNS maintenance"},
				{"/status/maintenance.ics", "text/calendar; charset=utf-8", "Onderhoud DNS", "DNS maintenance"},
			} {
				where := name + " " + c.path
				resp, body := get(t, srv, c.path)
				if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != c.ctype {
					t.Fatalf("%s: %d %q: %s", where, resp.StatusCode, resp.Header.Get("Content-Type"), body)
				}
				if !strings.Contains(body, c.nl) || strings.Contains(body, c.en) {
					t.Errorf("%s: not in Dutch by default:\n%s", where, body)
				}
				for _, bad := range []string{private, "Zoë", "agent@", "<script>", "javascript:"} {
					if strings.Contains(body, bad) {
						t.Errorf("%s shows %q:\n%s", where, bad, body)
					}
				}
				tag := resp.Header.Get("ETag")
				if tag == "" || !strings.Contains(resp.Header.Get("Cache-Control"), "max-age=") || !strings.Contains(resp.Header.Get("Vary"), "Accept-Language") {
					t.Errorf("%s: ETag %q, Cache-Control %q, Vary %q", where, tag, resp.Header.Get("Cache-Control"), resp.Header.Get("Vary"))
				}
				if r, _ := get(t, srv, c.path, "If-None-Match", tag); r.StatusCode != http.StatusNotModified {
					t.Errorf("%s: If-None-Match %s answered %d, want 304", where, tag, r.StatusCode)
				}
				for _, h := range [][]string{{}, {"Accept-Language", "en-GB,en;q=0.9,nl;q=0.5"}} {
					q := "?lang=en"
					if len(h) > 0 {
						q = ""
					}
					_, en := get(t, srv, c.path+q, h...)
					if !strings.Contains(en, c.en) {
						t.Errorf("%s%s %v: not in English:\n%s", where, q, h, en)
					}
				}
				if _, nl := get(t, srv, c.path+"?lang=nl", "Accept-Language", "en"); !strings.Contains(nl, c.nl) {
					t.Errorf("%s?lang=nl: ?lang= does not win over Accept-Language", where)
				}
			}
			hostingFeed := "/status/components/" + desk.FormatInt(p.hosting.ID) + "/history.atom"
			if _, body := get(t, srv, hostingFeed); strings.Contains(body, "Onderhoud DNS") {
				t.Errorf("%s: the hosting feed holds the DNS maintenance", name)
			}
			for _, path := range []string{"/status/components/" + desk.FormatInt(p.erp.ID) + "/history.atom",
				"/status/components/" + desk.FormatInt(p.erp.ID) + "/history.rss", "/status/components/999999/history.atom",
				"/status/components/abc/history.rss", "/status/components/-1/history.atom", "/status/components/0/history.atom",
				"/status/components/99999999999999999999999/history.atom"} {
				if resp, body := get(t, srv, path); resp.StatusCode != http.StatusNotFound || strings.Contains(body, private) {
					t.Errorf("%s %s: %d, want 404: %s", name, path, resp.StatusCode, body)
				}
			}
		}
		// The snapshot and the handler give the same bytes.
		for _, path := range []string{"/status/history.atom", "/status/maintenance.ics?lang=en"} {
			_, a := get(t, p.plain, path)
			_, b := get(t, p.cached, path)
			if a != b {
				t.Errorf("%s: the snapshot differs from the handler", path)
			}
		}
	})
}

// The calendar holds the maintenance not yet done with its moved window, not the one
// completed 45 days ago; its lines end in CRLF and are at most 75 octets.
func TestMaintenanceCalendar(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPage(t, db)
		_, ics := get(t, p.plain, "/status/maintenance.ics")
		if strings.Contains(ics, "Oud onderhoud") {
			t.Errorf("the calendar holds a maintenance completed 45 days ago:\n%s", ics)
		}
		if strings.Count(ics, "BEGIN:VEVENT") != 1 {
			t.Errorf("want one event:\n%s", ics)
		}
		if strings.Contains(strings.ReplaceAll(ics, "\r\n", ""), "\n") || !strings.HasSuffix(ics, "END:VCALENDAR\r\n") {
			t.Errorf("a line does not end in CRLF:\n%q", ics)
		}
		for _, l := range strings.Split(ics, "\r\n") {
			if len(l) > 75 {
				t.Errorf("a line of %d octets: %q", len(l), l)
			}
		}
		unfolded := strings.ReplaceAll(ics, "\r\n ", "")
		for _, want := range []string{"UID:maintenance-" + desk.FormatInt(p.maint.ID) + "@desk.example.nl\r\n",
			"DTSTART:20261205T220000Z\r\n", "DTEND:20261206T010000Z\r\n", "SEQUENCE:3600\r\n", "DTSTAMP:20261201T110000Z\r\n",
			`SUMMARY:Onderhoud DNS\; servers\, deel 1`, `storing van betekenis.\nVragen?`, `onderbreking\\storing`,
			"URL:" + base + "/status/incidents/" + desk.FormatInt(p.maint.ID) + "\r\n", "STATUS:CONFIRMED\r\n", "METHOD:PUBLISH\r\n"} {
			if !strings.Contains(unfolded, want) {
				t.Errorf("the calendar lacks %q:\n%s", want, unfolded)
			}
		}
		// An update makes it a newer version of the same event.
		p.clk.set(t0.Add(3 * time.Hour))
		if _, err := p.a.PublicIncidents.PostUpdate(context.Background(), p.agent, p.maint.ID, desk.UpdateInput{Body: desk.Texts{NL: "Nog steeds gepland."}}); err != nil {
			t.Fatal(err)
		}
		_, ics = get(t, p.plain, "/status/maintenance.ics")
		for _, want := range []string{"SEQUENCE:7200\r\n", "DTSTAMP:20261201T120000Z\r\n", "UID:maintenance-" + desk.FormatInt(p.maint.ID) + "@"} {
			if !strings.Contains(ics, want) {
				t.Errorf("after an update the calendar lacks %q:\n%s", want, ics)
			}
		}
	})
}
