package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/monitor"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// loopChecks is the checks at the unit edge (the real monitor.Checker lands beside it): two
// kinds, tcp and postgres (the settings of the form), whose Run dials a real listener. Its password setting is a secret: Redact
// hides it, and Run remembers the one it got, so a test sees which was used.
type loopChecks struct {
	mu       sync.Mutex
	lastPass string
	lastAt   time.Time
}

type loopSettings struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	User     string `json:"user,omitempty"`
	Password string `json:"password,omitempty"`
	Database string `json:"database,omitempty"`
	TLS      string `json:"tls,omitempty"`
}

func (c *loopChecks) Validate(kind monitor.Kind, raw json.RawMessage) (json.RawMessage, error) {
	var v desk.Validator
	if kind != monitor.KindTCP && kind != monitor.KindPostgres {
		v.Add(string(kind), "kind", "this test knows only tcp and postgres")
		return nil, v.Err()
	}
	var s loopSettings
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		v.Add("tcp", "json", "must be a JSON object")
		return nil, v.Err()
	}
	v.Text(string(kind)+".host", s.Host, true, 253, false)
	if s.Port < 1 || s.Port > 65535 {
		v.Add(string(kind)+".port", "range", "must be between 1 and 65535")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return json.Marshal(s)
}

func (c *loopChecks) Run(ctx context.Context, _ monitor.Kind, raw json.RawMessage, timeout time.Duration) monitor.Result {
	var s loopSettings
	_ = json.Unmarshal(raw, &s)
	// Each check starts a millisecond after the last at least: history keeps one result
	// per monitor and millisecond, and this machine's wall clock may not move between two
	// quick checks.
	c.mu.Lock()
	c.lastPass = s.Password
	real := time.Now()
	start := real
	if !start.After(c.lastAt.Add(time.Millisecond)) {
		start = c.lastAt.Add(time.Millisecond)
	}
	c.lastAt = start
	c.mu.Unlock()
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	r := monitor.Result{At: start, Duration: time.Since(real) + time.Millisecond, Evidence: map[string]string{"address": addr}}
	if err != nil {
		r.Status, r.Error = monitor.Down, "connection refused"
		return r
	}
	conn.Close()
	r.Status = monitor.Up
	return r
}

func (c *loopChecks) Redact(_ monitor.Kind, raw json.RawMessage) json.RawMessage {
	var s loopSettings
	if json.Unmarshal(raw, &s) != nil {
		return json.RawMessage("{}")
	}
	if s.Password != "" {
		s.Password = "********"
	}
	b, _ := json.Marshal(s)
	return b
}

func (c *loopChecks) password() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastPass
}

// loopListener opens a TCP listener on loopback that accepts and closes connections.
func loopListener(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return ln
}

func portOf(ln net.Listener) int { return ln.Addr().(*net.TCPAddr).Port }

// monitorEnv is newEnv with loopChecks wired, and the component the fixtures made.
func monitorEnv(t *testing.T, db *store.DB) (*env, *loopChecks, desk.Component) {
	t.Helper()
	checks := &loopChecks{}
	e := newEnvConfig(t, db, func(c *app.Config) { c.Monitors.Checks = checks })
	cs, err := e.app.Components.List(context.Background(), actor(e.admin), 0)
	if err != nil || len(cs) == 0 {
		t.Fatalf("components: %v %v", cs, err)
	}
	return e, checks, cs[0]
}

// runChecks claims the due monitors at a clock ahead of now (so they are due without
// waiting), and runs and records them as the scheduler would at a clock ten minutes before
// that: results are timed by the services' clock, and the pages count the results up to now
// (and one result per monitor per millisecond, so two calls must not record in the same one).
func runChecks(t *testing.T, e *env, ahead time.Duration) int {
	t.Helper()
	ctx := context.Background()
	later := e.app.WithClock(func() time.Time { return time.Now().Add(ahead) })
	due, err := later.Monitors.Claim(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	earlier := e.app.WithClock(func() time.Time { return time.Now().Add(ahead - 10*time.Minute) })
	var done []app.Checked
	for _, d := range due {
		done = append(done, earlier.Monitors.Check(ctx, d))
	}
	n, err := earlier.Monitors.Record(ctx, done)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func monitorForm(comp desk.Component, port int, do string) url.Values {
	return url.Values{"kind": {"postgres"}, "component_id": {strconv.FormatInt(comp.ID, 10)}, "name": {"Shop port"},
		"interval_seconds": {"60"}, "timeout_seconds": {"5"}, "fail_after": {"1"}, "recover_after": {"1"}, "enabled": {"1"},
		"s.host": {"127.0.0.1"}, "s.port": {strconv.Itoa(port)}, "s.user": {"monitor"}, "s.password": {"hunter2"}, "s.tls": {"off"}, "do": {do}}
}

func TestMonitorPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e, checks, comp := monitorEnv(t, db)
		ln := loopListener(t)
		admin := e.client()
		admin.signIn(e.admin)

		// The list, from the menu; the kind chooser; the form of a kind.
		p := admin.get("/monitors")
		expect(t, p, http.StatusOK, `<a href="/monitors" aria-current="page">Monitoren</a>`, "<h1>Monitoren</h1>", comp.Name,
			"Geen monitoren voor dit onderdeel.", `action="/components/`+strconv.FormatInt(comp.ID, 10)+`/monitoring"`)
		expect(t, admin.get("/monitors/new"), http.StatusOK, `<form class="card" method="get" action="/monitors/new"`, `value="heartbeat"`, "Statuspagina van een leverancier")
		expect(t, admin.get("/monitors/new?kind=tcp"), http.StatusOK, "Nieuwe monitor: TCP-verbinding", `<legend>Instellingen: TCP-verbinding</legend>`,
			`<label for="s-host">Host`, `name="s.port" value=""`)
		p = admin.get("/monitors/new?kind=http")
		expect(t, p, http.StatusOK, `<option value="GET" selected>GET</option>`, `id="s-follow_redirects" name="s.follow_redirects" value="1" checked`,
			`<textarea id="s-headers" name="s.headers"`, "Verwachte statuscodes")

		// Bad input: every problem next to its field, the input kept, nothing run.
		bad := monitorForm(comp, 70000, "test")
		bad.Set("name", "")
		bad.Set("interval_seconds", "often")
		p = admin.submit("/monitors/new?kind=postgres", "/monitors/new", bad)
		expect(t, p, http.StatusUnprocessableEntity, `id="name-error"`, `id="interval_seconds-error">Vul een heel getal in.`,
			`id="s-port-error">must be between 1 and 65535`, `href="#s-port"`, `value="often"`, `value="70000"`)
		if checks.password() != "" {
			t.Fatal("an invalid test ran a check")
		}
		bad.Set("interval_seconds", "5")
		bad.Set("do", "save")
		p = admin.submit("/monitors/new?kind=postgres", "/monitors/new", bad)
		expect(t, p, http.StatusUnprocessableEntity, `id="interval_seconds-error">Kies een heel aantal seconden van 10 tot en met 86.400.`)

		// Test now: the result on the page, nothing saved.
		p = admin.submit("/monitors/new?kind=postgres", "/monitors/new", monitorForm(comp, portOf(ln), "test"))
		expect(t, p, http.StatusOK, "Uitkomst van de test", `mon-up`, "In orde", "<code>address</code>", "hunter2")
		if checks.password() != "hunter2" {
			t.Errorf("the test ran with password %q", checks.password())
		}
		closed := loopListener(t)
		closedPort := portOf(closed)
		closed.Close()
		p = admin.submit("/monitors/new?kind=postgres", "/monitors/new", monitorForm(comp, closedPort, "test"))
		expect(t, p, http.StatusOK, "Storing", "connection refused")
		if ms, _ := e.app.Monitors.List(context.Background(), actor(e.admin), 0); len(ms) != 0 {
			t.Fatalf("Test now saved monitors: %v", ms)
		}

		// Saved: its page, the secret redacted.
		p = admin.submit("/monitors/new?kind=postgres", "/monitors/new", monitorForm(comp, portOf(ln), "save"))
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/monitors/") {
			t.Fatalf("create: %d %q\n%s", p.status, p.location, p.body)
		}
		page := p.location
		id := strings.TrimPrefix(page, "/monitors/")
		p = admin.get(page)
		expect(t, p, http.StatusOK, "Monitor Shop port is aangemaakt.", "Nog niet gecontroleerd", "********", "Nog geen controles")
		expectNot(t, p, "hunter2")

		// Checks: one up, then the listener closes and one is down (fail after 1): an incident.
		if n := runChecks(t, e, 2*time.Minute); n != 1 {
			t.Fatalf("recorded %d checks", n)
		}
		ln.Close()
		if n := runChecks(t, e, 4*time.Minute); n != 1 {
			t.Fatalf("recorded %d checks", n)
		}
		if rs, err := e.app.Monitors.Results(context.Background(), actor(e.admin), mustID(t, id), time.Time{}, 10); err != nil || len(rs) != 2 {
			t.Fatalf("results after two checks: %+v %v", rs, err)
		}
		p = admin.get("/monitors")
		expect(t, p, http.StatusOK, `href="/monitors/`+id+`"`, `<svg class="spark"`, "Reactietijden van Shop port bij de laatste controles (aantal: 2)",
			"mon-down", "✕</span> Storing", "50,00 %", "connection refused")
		p = admin.get(page)
		if p.status != http.StatusOK {
			t.Log(e.logs.String())
		}
		expect(t, p, http.StatusOK, `<svg class="chart"`, "Milliseconden", "De grafiek als tabel", "Logboek van controles",
			"connection refused", "⚠ Shop port ("+comp.Name+")", `href="/incidents/`)
		for _, w := range []string{"24 uur", "7 dagen", "30 dagen", "90 dagen", "1 jaar"} {
			expect(t, p, http.StatusOK, "<dt>"+w+"</dt><dd>50,00 %</dd>")
		}
		expect(t, admin.get(page+"?lang=en"), http.StatusOK, "Check log", "Response time, last 24 hours", "Incidents this monitor opened", "Down")
		admin.get(page + "?lang=nl")

		// Edit: the secret shows redacted; saved unchanged it keeps the stored one.
		ln2 := loopListener(t)
		p = admin.get(page + "/edit")
		expect(t, p, http.StatusOK, "Shop port wijzigen", "********", "Nu testen")
		expectNot(t, p, "hunter2")
		edit := monitorForm(comp, portOf(ln2), "test")
		edit.Set("s.password", "********")
		p = admin.submit(page+"/edit", page+"/edit", edit)
		expect(t, p, http.StatusOK, "Uitkomst van de test", "In orde")
		if checks.password() != "hunter2" {
			t.Errorf("the edit form's test ran with %q, not the stored secret", checks.password())
		}
		edit.Set("do", "save")
		edit.Set("name", "Shop port 2")
		p = admin.submit(page+"/edit", page+"/edit", edit)
		if p.status != http.StatusSeeOther || p.location != page {
			t.Fatalf("save: %d %q\n%s", p.status, p.location, p.body)
		}
		expect(t, admin.get(page), http.StatusOK, "Monitor Shop port 2 is opgeslagen.")
		edit.Set("do", "test")
		admin.submit(page+"/edit", page+"/edit", edit)
		if checks.password() != "hunter2" {
			t.Errorf("after saving the redacted form the secret is %q", checks.password())
		}

		// The component's monitoring settings.
		p = admin.submit("/monitors", "/components/"+strconv.FormatInt(comp.ID, 10)+"/monitoring", url.Values{"monitor_mode": {"auto"}, "monitor_autoresolve": {"1"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("monitoring settings: %d\n%s", p.status, p.body)
		}
		expect(t, admin.get("/monitors"), http.StatusOK, "De monitorinstellingen zijn opgeslagen.", "wijzigen zelf de openbare status",
			`name="monitor_mode" value="auto" checked`, `name="monitor_autoresolve" value="1" checked`)
		if c, err := e.app.Components.Get(context.Background(), actor(e.admin), comp.ID); err != nil || c.Monitoring.Mode != desk.MonitorAuto || !c.Monitoring.Autoresolve {
			t.Fatalf("the component's monitoring: %+v %v", c.Monitoring, err)
		}

		// An agent reads; only admins change or test. A client sees nothing.
		agent := e.client()
		agent.signIn(e.agent)
		p = agent.get("/monitors")
		expect(t, p, http.StatusOK, "Shop port 2", `<a href="/monitors"`)
		expectNot(t, p, "Nieuwe monitor", `action="/components/`)
		p = agent.get(page)
		expect(t, p, http.StatusOK, "Shop port 2")
		expectNot(t, p, "/edit", "Monitor verwijderen")
		expect(t, agent.get("/monitors/new"), http.StatusForbidden)
		form := monitorForm(comp, portOf(ln2), "test")
		form.Set("csrf", csrfFor(t, agent.get("/monitors"), "/language"))
		expect(t, agent.post("/monitors/new", form), http.StatusForbidden)
		client := e.client()
		client.signIn(e.acmeUser)
		expect(t, client.get("/monitors"), http.StatusForbidden)
		expect(t, client.get(page), http.StatusNotFound)
		expectNot(t, client.get("/incidents"), `href="/monitors"`)

		// Delete.
		p = admin.submit(page, page+"/delete", url.Values{})
		if p.status != http.StatusSeeOther || p.location != "/monitors" {
			t.Fatalf("delete: %d %q", p.status, p.location)
		}
		expect(t, admin.get(page), http.StatusNotFound)
	})
}

// TestMonitorPagesNoChecks: an instance without checks says so on the list, and Test now
// answers on the form that it cannot test (saving still works).
func TestMonitorPagesNoChecks(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, "sqlite")
	e := newEnv(t, db)
	cs, err := e.app.Components.List(context.Background(), actor(e.admin), 0)
	if err != nil {
		t.Fatal(err)
	}
	admin := e.client()
	admin.signIn(e.admin)
	expect(t, admin.get("/monitors?lang=en"), http.StatusOK, "This instance runs no checks")
	p := admin.submit("/monitors/new?kind=postgres", "/monitors/new", monitorForm(cs[0], 1, "test"))
	expect(t, p, http.StatusConflict, "so the monitor cannot be tested; it can be saved.", `value="Shop port"`)
	p = admin.submit("/monitors/new?kind=postgres", "/monitors/new", monitorForm(cs[0], 1, "save"))
	if p.status != http.StatusSeeOther {
		t.Fatalf("save without checks: %d\n%s", p.status, p.body)
	}
	// A heartbeat's secret address is shown once, on the answer to its creation.
	beat := url.Values{"kind": {"heartbeat"}, "component_id": {strconv.FormatInt(cs[0].ID, 10)}, "name": {"Nightly backup"},
		"interval_seconds": {"3600"}, "timeout_seconds": {"600"}, "enabled": {"1"}, "s.grace": {"10m"}, "do": {"save"}}
	p = admin.submit("/monitors/new?kind=heartbeat", "/monitors/new", beat)
	expect(t, p, http.StatusCreated, "The heartbeat address", `id="heartbeat-url" value="`+e.srv.URL+`/heartbeat/`, "Monitor Nightly backup is created.")
	ms, err := e.app.Monitors.List(context.Background(), actor(e.admin), 0)
	if err != nil || len(ms) != 2 {
		t.Fatalf("monitors: %v %v", ms, err)
	}
	for _, m := range ms {
		if m.Kind == "heartbeat" {
			expectNot(t, admin.get("/monitors/"+strconv.FormatInt(m.ID, 10)), "/heartbeat/")
		}
	}
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
