package console_test

import (
	"context"
	"io"
	"log/slog"
	"meldpunt/internal/logtest"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
	"meldpunt/internal/i18n"
	"meldpunt/internal/store"
	"meldpunt/internal/web/server"
)

// password is every fixture user's password.
const password = "correct horse battery"

// logBuffer collects the server's log lines; handlers write while tests read.
type logBuffer = logtest.Buffer

// env is a running Meldpunt on a real database, with a provider, two clients, a user of
// every role, a component and incidents.
type env struct {
	t     *testing.T
	app   *app.Services
	srv   *httptest.Server
	logs  *logBuffer
	setup string // the setup secret, when the installation has no users

	acme, globex                   desk.Organisation
	admin, agent, expert           desk.User
	acmeUser, acmeUser2, acmeAdmin desk.User
	globexUser                     desk.User
	acmeInc, acmeInc2, globexInc   desk.Incident
}

// newServer starts Meldpunt on db, bootstrapped but without users: a new installation.
func newServer(t *testing.T, db *store.DB) *env {
	t.Helper()
	return newServerOutbox(t, db, app.OutboxConfig{})
}

// newServerOutbox is newServer with the outbox's channels configured: a Poster, say.
func newServerOutbox(t *testing.T, db *store.DB, oc app.OutboxConfig) *env {
	t.Helper()
	return newServerConfig(t, db, func(c *app.Config) { c.Outbox = oc })
}

// newServerConfig is newServer with the app's configuration changed by set.
func newServerConfig(t *testing.T, db *store.DB, set func(*app.Config)) *env {
	t.Helper()
	e := &env{t: t, logs: &logBuffer{}}
	log := slog.New(slog.NewTextHandler(e.logs, nil))
	e.srv = httptest.NewUnstartedServer(nil)
	cfg := app.Config{Holidays: holidays.NL(),
		BaseURL: "http://" + e.srv.Listener.Addr().String(),
		Argon2:  app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1},
	}
	set(&cfg)
	e.app = app.New(db, time.Now, log, cfg)
	e.srv.Config.Handler = server.Handler(server.Config{BaseURL: "http://" + e.srv.Listener.Addr().String(), Texts: loadTexts(t)}, e.app, log, prometheus.NewRegistry())
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	var err error
	if e.setup, err = e.app.Identity.Bootstrap(context.Background()); err != nil {
		t.Fatal(err)
	}
	return e
}

// newEnv starts Meldpunt on db with the fixtures.
func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	return newEnvOutbox(t, db, app.OutboxConfig{})
}

// newEnvOutbox is newEnv with the outbox's channels configured.
func newEnvOutbox(t *testing.T, db *store.DB, oc app.OutboxConfig) *env {
	t.Helper()
	return newEnvConfig(t, db, func(c *app.Config) { c.Outbox = oc })
}

// newEnvConfig is newEnv with the app's configuration changed by set.
func newEnvConfig(t *testing.T, db *store.DB, set func(*app.Config)) *env {
	t.Helper()
	e := newServerConfig(t, db, set)
	ctx, sys := context.Background(), desk.SystemActor("test")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var err error
	e.acme, err = e.app.Organisations.Create(ctx, sys, desk.Organisation{Name: "Acme Bakeries"})
	must(err)
	e.globex, err = e.app.Organisations.Create(ctx, sys, desk.Organisation{Name: "Globex Shipping"})
	must(err)
	user := func(org int64, email, name string, role desk.Role, l desk.Locale) desk.User {
		t.Helper()
		u, err := e.app.Identity.CreateUser(ctx, sys, app.UserInput{OrgID: org, Email: email, Name: name, Role: role, Locale: l, Password: password})
		must(err)
		return u
	}
	e.admin = user(0, "admin@provider.test", "Ada Admin", desk.RoleAdmin, desk.LocaleNL)
	e.agent = user(0, "agent@provider.test", "Guus Agent", desk.RoleAgent, desk.LocaleNL)
	e.expert = user(0, "expert@provider.test", "Eva Expert", desk.RoleExpert, desk.LocaleNL)
	e.acmeUser = user(e.acme.ID, "user@acme.test", "Anna Acme", desk.RoleClientUser, desk.LocaleNL)
	e.acmeUser2 = user(e.acme.ID, "user2@acme.test", "Bart Acme", desk.RoleClientUser, desk.LocaleNL)
	e.acmeAdmin = user(e.acme.ID, "admin@acme.test", "Carla Acme", desk.RoleClientAdmin, desk.LocaleEN)
	e.globexUser = user(e.globex.ID, "user@globex.test", "Gert Globex", desk.RoleClientUser, desk.LocaleNL)
	comp, err := e.app.Components.Create(ctx, sys, desk.Component{Name: "Webshop", ClientIDs: []int64{e.acme.ID}})
	must(err)
	incident := func(org desk.Organisation, reporter desk.User, title, desc string, comps ...int64) desk.Incident {
		t.Helper()
		in, err := e.app.Incidents.Create(ctx, sys, app.IncidentInput{
			OrgID: org.ID, ReporterID: &reporter.ID, Kind: desk.KindRegular, Title: title, Description: desc,
			Urgency: desk.High, Impact: desk.Normal, ComponentIDs: comps,
		})
		must(err)
		return in
	}
	e.acmeInc = incident(e.acme, e.acmeUser, "Checkout fails", "Customers see an error\nat the last step.", comp.ID)
	e.acmeInc2 = incident(e.acme, e.acmeUser2, "Slow product pages", "")
	e.globexInc = incident(e.globex, e.globexUser, "Tracking page down", "Nothing loads.")
	return e
}

// page is an answer as a test reads it.
type page struct {
	status   int
	body     string
	location string
	header   http.Header
}

// client is a browser without JavaScript: it keeps cookies and does not follow redirects,
// so tests see each one.
type client struct {
	t    *testing.T
	base string
	http *http.Client
	// header is added to every request.
	header http.Header
}

func (e *env) client() *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return &client{t: e.t, base: e.srv.URL, header: http.Header{}, http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}}
}

func (c *client) do(method, path string, form url.Values) page {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return page{status: res.StatusCode, body: string(b), location: res.Header.Get("Location"), header: res.Header}
}

func (c *client) get(path string) page { c.t.Helper(); return c.do(http.MethodGet, path, nil) }

func (c *client) post(path string, form url.Values) page {
	c.t.Helper()
	return c.do(http.MethodPost, path, form)
}

// submit gets the page with the form, copies its csrf field into form and posts it.
func (c *client) submit(formPage, action string, form url.Values) page {
	c.t.Helper()
	p := c.get(formPage)
	form.Set("csrf", csrfFor(c.t, p, action))
	return c.post(action, form)
}

// csrfFor returns the csrf field of the page's form that posts to action.
func csrfFor(t *testing.T, p page, action string) string {
	t.Helper()
	re := regexp.MustCompile(`<form[^>]* action="` + regexp.QuoteMeta(action) + `"[^>]*>\s*<input type="hidden" name="csrf" value="([^"]+)"`)
	m := re.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no form posting to %s with a csrf field on the page (status %d):\n%s", action, p.status, p.body)
	}
	return m[1]
}

// signIn signs the client in as u and checks that it lands on the incidents.
func (c *client) signIn(u desk.User) {
	c.t.Helper()
	p := c.submit("/login", "/login", url.Values{"email": {u.Email}, "password": {password}})
	if p.status != http.StatusSeeOther || p.location != "/incidents" {
		c.t.Fatalf("sign in as %s: status %d, location %q\n%s", u.Email, p.status, p.location, p.body)
	}
}

// expect checks the status and that the body holds every text.
func expect(t *testing.T, p page, status int, texts ...string) {
	t.Helper()
	if p.status != status {
		t.Fatalf("status %d, want %d\n%s", p.status, status, p.body)
	}
	for _, s := range texts {
		if !strings.Contains(p.body, s) {
			t.Errorf("the page does not contain %q\n%s", s, p.body)
		}
	}
}

// expectNot checks that the body holds none of the texts.
func expectNot(t *testing.T, p page, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(p.body, s) {
			t.Errorf("the page contains %q, which it must not\n%s", s, p.body)
		}
	}
}

// loadTexts returns the catalog compiled into the binary.
func loadTexts(t testing.TB) *i18n.Catalog {
	t.Helper()
	texts, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return texts
}

// raw sends a body as it is, with the headers given (a form's Content-Type unless they
// name another), so a test controls the order of the fields and the body's framing.
func (c *client) raw(method, path, body string, header map[string]string) page {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return page{status: res.StatusCode, body: string(b), location: res.Header.Get("Location"), header: res.Header}
}
