package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
	"meldpunt/internal/monitor"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// dialChecks is the checks at the unit edge: one kind, tcp, whose Run dials a real
// listener; settings {"host", "port", "password"}, the password a secret (it must reach
// Run, and is never shown).
type dialChecks struct {
	// clockAt leaves the result's time to the app's clock.
	clockAt  bool
	runs     atomic.Int32
	lastPass atomic.Value // the password the last Run got
}

type dialSettings struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Password string `json:"password,omitempty"`
}

func (c *dialChecks) Validate(kind monitor.Kind, raw json.RawMessage) (json.RawMessage, error) {
	var v desk.Validator
	if kind != monitor.KindTCP {
		v.Add("kind", "one_of", "must be tcp")
		return nil, v.Err()
	}
	var s dialSettings
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		v.Add("tcp", "json", "must be a JSON object: %v", err)
		return nil, v.Err()
	}
	v.Text("tcp.host", s.Host, true, 253, false)
	v.Range("tcp.port", int64(s.Port), 1, 65535)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return json.Marshal(s)
}

func (c *dialChecks) Run(ctx context.Context, kind monitor.Kind, raw json.RawMessage, timeout time.Duration) monitor.Result {
	c.runs.Add(1)
	var s dialSettings
	_ = json.Unmarshal(raw, &s)
	c.lastPass.Store(s.Password)
	start := time.Now()
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(s.Host, strconv.Itoa(s.Port)))
	r := monitor.Result{Duration: time.Since(start), At: start, Evidence: map[string]string{"address": net.JoinHostPort(s.Host, strconv.Itoa(s.Port))}}
	if c.clockAt {
		r.At = time.Time{}
	}
	if err != nil {
		r.Status, r.Error = monitor.Down, "connection refused"
		return r
	}
	conn.Close()
	r.Status = monitor.Up
	return r
}

func (c *dialChecks) Redact(kind monitor.Kind, raw json.RawMessage) json.RawMessage {
	var s dialSettings
	if json.Unmarshal(raw, &s) != nil {
		return json.RawMessage("{}")
	}
	if s.Password != "" {
		s.Password = "********"
	}
	b, _ := json.Marshal(s)
	return b
}

// listenPort opens a TCP listener on loopback that accepts and closes; it returns its port.
func listenPort(t *testing.T) int {
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
	return ln.Addr().(*net.TCPAddr).Port
}

// closedPort returns a loopback port nothing listens on (a listener opened and closed).
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return p
}

func tcpSecretSettings(port int, password string) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"host":"127.0.0.1","port":%d,"password":%q}`, port, password))
}

func TestMonitorTestNow(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		checks := &dialChecks{}
		a := app.New(db, time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Config{Holidays: holidays.NL(),
			BaseURL: "http://desk.test", Argon2: app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1},
			Monitors: app.MonitorConfig{Checks: checks}})
		if _, err := a.Identity.Bootstrap(ctx); err != nil {
			t.Fatal(err)
		}
		user := func(email string, role desk.Role) desk.Actor {
			u, err := a.Identity.CreateUser(ctx, sys, app.UserInput{Email: email, Name: strings.Split(email, "@")[0], Role: role, Password: "long enough password"})
			if err != nil {
				t.Fatal(err)
			}
			return actor(u)
		}
		admin, agent := user("ada@desk.example", desk.RoleAdmin), user("agnes@desk.example", desk.RoleAgent)
		comp, err := a.Components.Create(ctx, sys, desk.Component{Name: "Webshop"})
		if err != nil {
			t.Fatal(err)
		}
		in := app.MonitorInput{ComponentID: comp.ID, Name: "Shop port", Kind: "tcp", Settings: tcpSecretSettings(listenPort(t), "hunter2"), TimeoutSeconds: 2}

		// Up against a listener, down against a closed port; nothing is stored.
		r, err := a.Monitors.Test(ctx, admin, in)
		if err != nil || r.Status != monitor.Up || r.At.IsZero() {
			t.Fatalf("test against a listener: %+v, %v", r, err)
		}
		if got := checks.lastPass.Load(); got != "hunter2" {
			t.Errorf("the check ran with password %q", got)
		}
		closed := in
		closed.Settings = tcpSecretSettings(closedPort(t), "")
		if r, err = a.Monitors.Test(ctx, admin, closed); err != nil || r.Status != monitor.Down || r.Error == "" {
			t.Fatalf("test against a closed port: %+v, %v", r, err)
		}
		if ms, err := a.Monitors.List(ctx, admin, 0); err != nil || len(ms) != 0 {
			t.Fatalf("a test stored monitors: %v, %v", ms, err)
		}

		// Only admins; bad input is refused as Create refuses it, naming the fields, and runs nothing.
		runs := checks.runs.Load()
		if _, err := a.Monitors.Test(ctx, agent, in); desk.ErrorCode(err) != desk.EFORBIDDEN {
			t.Fatalf("an agent tested a monitor: %v", err)
		}
		bad := in
		bad.Name, bad.ComponentID, bad.TimeoutSeconds = "", comp.ID+99, 0
		bad.Settings = json.RawMessage(`{"host":"127.0.0.1","port":70000}`)
		_, err = a.Monitors.Test(ctx, admin, bad)
		for _, f := range []string{"name", "tcp.port"} {
			if !namesField(err, f) {
				t.Errorf("bad input: %v does not name %s", err, f)
			}
		}
		bad = in
		bad.ComponentID = comp.ID + 99
		if _, err = a.Monitors.Test(ctx, admin, bad); !namesField(err, "component_id") {
			t.Errorf("a missing component: %v", err)
		}
		if checks.runs.Load() != runs {
			t.Errorf("invalid tests ran a check")
		}

		// On the edit form, the redacted secret sent back is run (and saved) as stored.
		v, _, err := a.Monitors.Create(ctx, admin, in)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(v.Settings), "hunter2") || !strings.Contains(string(v.Settings), "********") {
			t.Fatalf("the view shows %s", v.Settings)
		}
		edit := in
		edit.Settings = v.Settings
		if r, err = a.Monitors.TestChange(ctx, admin, v.ID, edit); err != nil || r.Status != monitor.Up {
			t.Fatalf("test the saved monitor: %+v, %v", r, err)
		}
		if got := checks.lastPass.Load(); got != "hunter2" {
			t.Errorf("the edit form's test ran with password %q, not the stored one", got)
		}
		edit.Settings = tcpSecretSettings(listenPort(t), "new secret")
		if _, err = a.Monitors.TestChange(ctx, admin, v.ID, edit); err != nil || checks.lastPass.Load() != "new secret" {
			t.Fatalf("a changed secret: ran with %q (%v)", checks.lastPass.Load(), err)
		}
		edit.Settings = v.Settings
		edit.Name = "Shop port, renamed"
		if _, err := a.Monitors.Update(ctx, admin, v.ID, edit); err != nil {
			t.Fatal(err)
		}
		if _, err = a.Monitors.TestChange(ctx, admin, v.ID, edit); err != nil || checks.lastPass.Load() != "hunter2" {
			t.Fatalf("after saving the redacted form, the secret is %q (%v)", checks.lastPass.Load(), err)
		}
		if _, err := a.Monitors.TestChange(ctx, admin, v.ID+99, edit); !desk.IsNotFound(err) {
			t.Errorf("test of a missing monitor: %v", err)
		}
		if rs, err := a.Monitors.Results(ctx, admin, v.ID, time.Time{}, 10); err != nil || len(rs) != 0 {
			t.Errorf("tests recorded results: %v, %v", rs, err)
		}

		// Without checks configured, a clear conflict.
		bare := app.New(db, time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Config{Holidays: holidays.NL(),
			BaseURL: "http://desk.test", Argon2: app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}})
		_, err = bare.Monitors.Test(ctx, admin, in)
		if desk.ErrorCode(err) != desk.ECONFLICT || !strings.Contains(err.Error(), "runs no checks") {
			t.Fatalf("without checks: %v", err)
		}
	})
}

// namesField tells whether err is a validation error naming the field.
func namesField(err error, field string) bool {
	e, ok := err.(*desk.Error)
	if !ok {
		return false
	}
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// TestUptimeFromMonitors: the status page's bar of a component whose monitors set its
// status counts their checks (one up, one down: half the day down), from raw results and,
// once rolled up, from hourly rows without counting a check twice; a component in mode
// propose keeps the bar of its public status.
func TestUptimeFromMonitors(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		checks := &dialChecks{clockAt: true}
		a := app.New(db, func() time.Time { return now }, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Config{Holidays: holidays.NL(),
			BaseURL: "http://desk.test", Argon2: app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1},
			Monitors: app.MonitorConfig{Checks: checks}})
		if _, err := a.Identity.Bootstrap(ctx); err != nil {
			t.Fatal(err)
		}
		u, err := a.Identity.CreateUser(ctx, sys, app.UserInput{Email: "ada@desk.example", Name: "ada", Role: desk.RoleAdmin, Password: "long enough password"})
		if err != nil {
			t.Fatal(err)
		}
		admin := actor(u)
		auto, err := a.Components.Create(ctx, sys, desk.Component{Name: "Webshop"})
		if err != nil {
			t.Fatal(err)
		}
		propose, err := a.Components.Create(ctx, sys, desk.Component{Name: "Mail"})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Monitors.SetComponentMonitoring(ctx, admin, auto.ID, desk.ComponentMonitoring{Mode: desk.MonitorAuto}); err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				c.Close()
			}
		}()
		port := ln.Addr().(*net.TCPAddr).Port
		for _, c := range []desk.Component{auto, propose} {
			if _, _, err := a.Monitors.Create(ctx, admin, app.MonitorInput{ComponentID: c.ID, Name: "Port of " + c.Name, Kind: "tcp",
				Settings: tcpSecretSettings(port, ""), TimeoutSeconds: 2, FailAfter: 1}); err != nil {
				t.Fatal(err)
			}
		}
		run := func() {
			t.Helper()
			now = now.Add(2 * time.Minute)
			due, err := a.Monitors.Claim(ctx, 10)
			if err != nil || len(due) != 2 {
				t.Fatalf("claimed %d: %v", len(due), err)
			}
			var done []app.Checked
			for _, d := range due {
				done = append(done, a.Monitors.Check(ctx, d))
			}
			if _, err := a.Monitors.Record(ctx, done); err != nil {
				t.Fatal(err)
			}
		}
		run()
		ln.Close()
		run()
		today := func(stage string) map[int64]desk.DayUptime {
			t.Helper()
			days, err := a.Components.Uptime(ctx, []int64{auto.ID, propose.ID}, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			out := map[int64]desk.DayUptime{}
			for id, ds := range days {
				out[id] = ds[len(ds)-1]
			}
			if d := out[auto.ID]; !d.Known || d.Uptime() != 0.5 || d.Worst != desk.StatusMajorOutage {
				t.Errorf("%s: the auto component's day: %+v (uptime %v)", stage, d, d.Uptime())
			}
			if d := out[propose.ID]; d.Down != 0 {
				t.Errorf("%s: the propose component's day counts the monitors: %+v", stage, d)
			}
			return out
		}
		today("raw results")
		now = now.Add(2 * time.Hour)
		if n, err := a.Monitors.Rollup(ctx); err != nil || n == 0 {
			t.Fatalf("rollup: %d %v", n, err)
		}
		today("hourly rows")
	})
}
