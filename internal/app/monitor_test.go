package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"slices"
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

// tcpChecks is the checks of these tests, at the unit's edge: a real TCP connect to the
// address in the settings ({"address":"127.0.0.1:port","password":"…"}; the password is a
// secret that must never show). Only kind tcp runs; heartbeat is known and never run.
type tcpChecks struct{}

type tcpSettings struct {
	Address  string `json:"address"`
	Password string `json:"password,omitempty"`
}

func (tcpChecks) Validate(kind monitor.Kind, settings json.RawMessage) (json.RawMessage, error) {
	var v desk.Validator
	if kind == monitor.KindHeartbeat {
		return json.RawMessage("{}"), nil
	}
	var s tcpSettings
	if err := json.Unmarshal(settings, &s); err != nil {
		v.Add(string(kind), "json", "must be a JSON object")
		return nil, v.Err()
	}
	if _, _, err := net.SplitHostPort(s.Address); err != nil {
		v.Add(string(kind)+".address", "host_port", "must be host:port")
		return nil, v.Err()
	}
	b, _ := json.Marshal(s)
	return b, nil
}

func (tcpChecks) Run(ctx context.Context, kind monitor.Kind, settings json.RawMessage, timeout time.Duration) monitor.Result {
	start := time.Now()
	var s tcpSettings
	_ = json.Unmarshal(settings, &s)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", s.Address)
	r := monitor.Result{Status: monitor.Up, Duration: time.Since(start), At: start, Evidence: map[string]string{"address": s.Address}}
	if err != nil {
		r.Status, r.Reason, r.Error = monitor.Down, monitor.ReasonRefused, "connect: "+strings.TrimPrefix(err.Error(), "dial tcp "+s.Address+": ")
		return r
	}
	_ = c.Close()
	return r
}

func (tcpChecks) Redact(kind monitor.Kind, settings json.RawMessage) json.RawMessage {
	var s tcpSettings
	_ = json.Unmarshal(settings, &s)
	if s.Password != "" {
		s.Password = "••••"
	}
	b, _ := json.Marshal(s)
	return b
}

// clock is a time every instance of a test reads, moved by the test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// monitorWorld is an installation with one or more instances on one database: an agent
// on duty, a webhook endpoint for the monitors' events, a component.
type monitorWorld struct {
	instances []*app.Services
	db        []*store.DB
	clock     *clock
	agent     desk.User
	comp      desk.Component
}

func newMonitorWorld(t *testing.T, dbs ...*store.DB) *monitorWorld {
	t.Helper()
	ctx := context.Background()
	w := &monitorWorld{clock: &clock{t: time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)}, db: dbs}
	for i, db := range dbs {
		w.instances = append(w.instances, app.New(db, w.clock.now, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Config{
			BaseURL: "http://desk.test", Argon2: app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1},
			Outbox:   app.OutboxConfig{Instance: []string{"one", "two", "three"}[i]},
			Monitors: app.MonitorConfig{Checks: tcpChecks{}},
		}))
	}
	a := w.instances[0]
	if _, err := a.Identity.Bootstrap(ctx); err != nil {
		t.Fatal(err)
	}
	var err error
	if w.agent, err = a.Identity.CreateUser(ctx, sys, app.UserInput{Email: "agnes@desk.example", Name: "Agnes", Role: desk.RoleAgent, Password: "long enough password"}); err != nil {
		t.Fatal(err)
	}
	url, events := "https://hooks.example.com/monitors", []string{desk.EventMonitorDown, desk.EventMonitorUp}
	if _, err := a.Webhooks.Create(ctx, sys, app.WebhookInput{URL: &url, Events: &events}); err != nil {
		t.Fatal(err)
	}
	if w.comp, err = a.Components.Create(ctx, sys, desk.Component{Name: "Web shop", Visibility: desk.VisibilityPublic}); err != nil {
		t.Fatal(err)
	}
	return w
}

// listen opens a TCP listener on loopback that accepts and closes connections until the
// test closes it.
func listen(t *testing.T, addr string) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_ = c.Close()
		}
	}()
	t.Cleanup(func() { _ = ln.Close() })
	return ln
}

func (w *monitorWorld) addMonitor(t *testing.T, in app.MonitorInput) app.MonitorView {
	t.Helper()
	if in.ComponentID == 0 {
		in.ComponentID = w.comp.ID
	}
	v, _, err := w.instances[0].Monitors.Create(context.Background(), sys, in)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// round moves the clock to when the monitor is next due, and lets every instance claim,
// check and record at once; it returns how many checks each instance recorded.
func (w *monitorWorld) round(t *testing.T, id int64) []int {
	t.Helper()
	ctx := context.Background()
	v, err := w.instances[0].Monitors.Get(ctx, sys, id)
	if err != nil {
		t.Fatal(err)
	}
	w.clock.set(v.State.NextDueAt)
	counts := make([]int, len(w.instances))
	var wg sync.WaitGroup
	errs := make([]error, len(w.instances))
	for i, a := range w.instances {
		wg.Go(func() {
			due, err := a.Monitors.Claim(ctx, 10)
			if err != nil {
				errs[i] = err
				return
			}
			var cs []app.Checked
			for _, d := range due {
				cs = append(cs, a.Monitors.Check(ctx, d))
			}
			counts[i], errs[i] = a.Monitors.Record(ctx, cs)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	return counts
}

// outbox counts the messages of the kinds queued (an email's kind, a webhook's event type).
func (w *monitorWorld) outbox(t *testing.T) map[string]int {
	t.Helper()
	p, err := w.instances[0].Outbox.List(context.Background(), sys, desk.OutboxFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, n := range p.Items {
		out[n.Kind]++
	}
	return out
}

// payload returns the payload of the first queued message of the kind.
func (w *monitorWorld) payload(t *testing.T, kind string) string {
	t.Helper()
	p, err := w.instances[0].Outbox.List(context.Background(), sys, desk.OutboxFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range p.Items {
		if n.Kind == kind {
			return n.Payload
		}
	}
	t.Fatalf("no %s message", kind)
	return ""
}

func (w *monitorWorld) monitorIncidents(t *testing.T) []desk.Incident {
	t.Helper()
	p, err := w.instances[0].Incidents.List(context.Background(), sys, desk.IncidentFilter{Channel: desk.ChannelMonitor, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return p.Items
}

// dutchEntryArgs returns the arguments of the incident's first timeline entry of the event.
func dutchEntryArgs(t *testing.T, a *app.Services, id int64, event string) []string {
	t.Helper()
	tl, err := a.Incidents.Timeline(context.Background(), sys, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range tl {
		if e.Event == event {
			return e.Args
		}
	}
	t.Fatalf("no %s entry", event)
	return nil
}

func sum(ns []int) int {
	s := 0
	for _, n := range ns {
		s += n
	}
	return s
}

// TestMonitorOutageEndToEnd: two instances on one database check a real TCP listener; the
// test closes it for an outage and opens it again. Each due check runs on one instance;
// the outage opens one incident, sends one alert (the desk's email and one monitor.down
// event), moves the public status (auto mode) and the status page's counter; the recovery
// notes the time down on the incident, resolves it (autoresolve) and sends monitor.up once.
func TestMonitorOutageEndToEnd(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			one, two := storetest.OpenTwice(t, dialect)
			w := newMonitorWorld(t, one, two)
			a := w.instances[0]
			if err := a.Monitors.SetComponentMonitoring(ctx, sys, w.comp.ID, desk.ComponentMonitoring{Mode: desk.MonitorAuto, Autoresolve: true}); err != nil {
				t.Fatal(err)
			}
			ln := listen(t, "127.0.0.1:0")
			addr := ln.Addr().String()
			m := w.addMonitor(t, app.MonitorInput{Name: "Shop port", Kind: "tcp", IntervalSeconds: 10, TimeoutSeconds: 2,
				Settings: json.RawMessage(`{"address":"` + addr + `","password":"hunter2-secret"}`)})
			if !strings.Contains(string(m.Settings), "••••") || strings.Contains(string(m.Settings), "hunter2") {
				t.Fatalf("the monitor shows its secret: %s", m.Settings)
			}

			if got := w.round(t, m.ID); sum(got) != 1 {
				t.Fatalf("round 1: instances recorded %v checks, want 1 in all", got)
			}
			version := func() int64 {
				v, err := a.Components.PageVersion(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
			before := version()

			_ = ln.Close() // the outage
			if got := w.round(t, m.ID); sum(got) != 1 {
				t.Fatalf("round 2: %v", got)
			}
			if n := len(w.monitorIncidents(t)); n != 0 {
				t.Fatalf("one failed check opened %d incidents; hysteresis wants two", n)
			}
			if version() != before {
				t.Error("one failed check moved the status page")
			}
			for r := 3; r <= 5; r++ {
				if got := w.round(t, m.ID); sum(got) != 1 {
					t.Fatalf("round %d: %v", r, got)
				}
			}
			incs := w.monitorIncidents(t)
			if len(incs) != 1 {
				t.Fatalf("%d incidents for one outage, want 1", len(incs))
			}
			inc := incs[0]
			if !strings.Contains(inc.Description, "connection refused") || !strings.Contains(inc.Description, addr) ||
				strings.Contains(inc.Description, "hunter2") || inc.Channel != desk.ChannelMonitor {
				t.Errorf("the incident's evidence: %q", inc.Description)
			}
			// Words for every reader: a title in no language, the reason as a word the
			// pages translate (monitor.reason.*), the English detail beside it.
			if inc.Title != "⚠ Shop port (Web shop)" {
				t.Errorf("the monitor's incident is titled %q", inc.Title)
			}
			if got := dutchEntryArgs(t, a, inc.ID, desk.EventMonitorWentDown); len(got) != 3 || got[0] != "text:Shop port" ||
				got[1] != "reason:refused" || !strings.HasPrefix(got[2], "text:connect: ") {
				t.Errorf("the timeline's outage: %q, want the name, the reason and the detail", got)
			}
			if st, err := a.Monitors.Get(ctx, sys, m.ID); err != nil || st.State.LastEvidence["reason"] != "refused" ||
				st.State.LastEvidence["address"] != addr {
				t.Errorf("the monitor's last evidence: %v (%v), want its reason beside the check's facts", st.State.LastEvidence, err)
			}
			box := w.outbox(t)
			if box[desk.NotifyNewReport] != 1 || box[desk.EventMonitorDown] != 1 || box[desk.EventMonitorUp] != 0 {
				t.Errorf("alerts for one outage: %v, want one new_report and one monitor.down", box)
			}
			var event struct {
				Type string
				Data struct {
					Monitor struct {
						Name, Status, Error string
						Component           struct{ Name string }
					}
					Incident struct{ Number, Channel string }
				}
			}
			payload := w.payload(t, desk.EventMonitorDown)
			if err := json.Unmarshal([]byte(payload), &event); err != nil || event.Type != desk.EventMonitorDown ||
				event.Data.Monitor.Name != "Shop port" || event.Data.Monitor.Component.Name != "Web shop" || event.Data.Monitor.Status != "down" ||
				!strings.Contains(event.Data.Monitor.Error, "connection refused") || event.Data.Incident.Number != inc.Number ||
				event.Data.Incident.Channel != "monitor" || strings.Contains(payload, "hunter2") {
				t.Errorf("the monitor.down event: %s (%v)", payload, err)
			}
			pub, err := a.Components.Public(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(pub.Components) != 1 || pub.Components[0].Status != desk.StatusMajorOutage {
				t.Errorf("the public page shows %+v, want the component in major_outage", pub.Components)
			}
			if version() == before {
				t.Error("the outage did not move the status page's counter")
			}

			listen(t, addr) // the recovery, on the same address
			if got := w.round(t, m.ID); sum(got) != 1 {
				t.Fatalf("recovery round: %v", got)
			}
			inc, err = a.Incidents.Get(ctx, sys, inc.ID)
			if err != nil {
				t.Fatal(err)
			}
			if inc.State != desk.StateResolved {
				t.Errorf("the incident is %s after the recovery, want resolved (autoresolve)", inc.State)
			}
			tl, err := a.Incidents.Timeline(ctx, sys, inc.ID)
			if err != nil {
				t.Fatal(err)
			}
			var up string
			for _, e := range tl {
				if e.Event == desk.EventMonitorCameUp {
					up = e.Body
				}
			}
			if !strings.Contains(up, "after 40s down") {
				t.Errorf("the timeline's recovery: %q, want the time down (40s: from the first failure to the first success)", up)
			}
			if got := dutchEntryArgs(t, a, inc.ID, desk.EventMonitorCameUp); !slices.Equal(got, []string{"text:Shop port", "duration:40"}) {
				t.Errorf("the timeline's recovery: %q, want the time down in seconds, for the pages to say in words", got)
			}
			box = w.outbox(t)
			if box[desk.NotifyNewReport] != 1 || box[desk.EventMonitorDown] != 1 || box[desk.EventMonitorUp] != 1 {
				t.Errorf("after the recovery: %v", box)
			}
			if pub, _ = a.Components.Public(ctx); pub.Components[0].Status != desk.StatusOperational {
				t.Errorf("after the recovery the page shows %s", pub.Components[0].Status)
			}
			rs, err := a.Monitors.Results(ctx, sys, m.ID, time.Time{}, 100)
			if err != nil || len(rs) != 6 {
				t.Fatalf("%d results (%v), want 6", len(rs), err)
			}

			// The monitor's incidents, also after it is renamed (migration 0019).
			if _, err := a.Monitors.Update(ctx, sys, m.ID, app.MonitorInput{ComponentID: w.comp.ID, Name: "Shop TCP port", Kind: "tcp",
				IntervalSeconds: 10, TimeoutSeconds: 2}); err != nil {
				t.Fatal(err)
			}
			opened, err := a.Monitors.Incidents(ctx, sys, m.ID, 10)
			if err != nil || len(opened) != 1 || opened[0].ID != inc.ID {
				t.Fatalf("the renamed monitor's incidents: %+v %v, want %d", opened, err, inc.ID)
			}
			if _, err := a.Monitors.Incidents(ctx, desk.Actor{Role: desk.RoleClientUser, OrgID: 1}, m.ID, 10); !desk.IsNotFound(err) {
				t.Errorf("a client asking for a monitor's incidents: %v, want not found", err)
			}
		})
	}
}

// TestMonitorLeaseLost: an instance whose lease ran out while it checked (another took the
// monitor and recorded) records nothing of its check: no result, no change of state.
func TestMonitorLeaseLost(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			one, two := storetest.OpenTwice(t, dialect)
			w := newMonitorWorld(t, one, two)
			ln := listen(t, "127.0.0.1:0")
			m := w.addMonitor(t, app.MonitorInput{Name: "Port", Kind: "tcp", IntervalSeconds: 30, TimeoutSeconds: 5,
				Settings: json.RawMessage(`{"address":"` + ln.Addr().String() + `"}`)})
			w.clock.set(m.State.NextDueAt)
			slow, fast := w.instances[0].Monitors, w.instances[1].Monitors
			due, err := slow.Claim(ctx, 10)
			if err != nil || len(due) != 1 {
				t.Fatalf("claim: %v %v", due, err)
			}
			if again, err := fast.Claim(ctx, 10); err != nil || len(again) != 0 {
				t.Fatalf("a leased monitor was claimed again: %v %v", again, err)
			}
			late := slow.Check(ctx, due[0])
			w.clock.set(m.State.NextDueAt.Add(30 * time.Second)) // the lease (one interval) ran out
			taken, err := fast.Claim(ctx, 10)
			if err != nil || len(taken) != 1 {
				t.Fatalf("the expired lease was not taken over: %v %v", taken, err)
			}
			if n, err := fast.Record(ctx, []app.Checked{fast.Check(ctx, taken[0])}); n != 1 || err != nil {
				t.Fatalf("the new owner recorded %d (%v)", n, err)
			}
			if n, err := slow.Record(ctx, []app.Checked{late}); n != 0 || err != nil {
				t.Fatalf("the instance that lost its lease recorded %d (%v)", n, err)
			}
			rs, err := slow.Results(ctx, sys, m.ID, time.Time{}, 10)
			if err != nil || len(rs) != 1 {
				t.Errorf("%d results, want the new owner's one (%v)", len(rs), err)
			}
		})
	}
}

// TestMonitorDuringMaintenance: an outage during an active maintenance of its component
// opens no incident and alerts nobody; the page shows the maintenance, not the outage.
func TestMonitorDuringMaintenance(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newMonitorWorld(t, db)
		a := w.instances[0]
		if err := a.Monitors.SetComponentMonitoring(ctx, sys, w.comp.ID, desk.ComponentMonitoring{Mode: desk.MonitorAuto}); err != nil {
			t.Fatal(err)
		}
		from := w.clock.now().Add(-time.Minute).Format(time.RFC3339)
		until := w.clock.now().Add(3 * time.Hour).Format(time.RFC3339)
		if _, err := a.PublicIncidents.Create(ctx, sys, app.NewPublicIncident{Kind: desk.KindMaintenance, Name: desk.Texts{EN: "Upgrade"},
			Components:   []desk.AffectedComponent{{ComponentID: w.comp.ID, Status: desk.StatusUnderMaintenance}},
			ScheduledFor: &from, ScheduledUntil: &until, Body: desk.Texts{EN: "Planned."}}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.PublicIncidents.RunMaintenance(ctx); err != nil {
			t.Fatal(err)
		}
		ln := listen(t, "127.0.0.1:0")
		addr := ln.Addr().String()
		_ = ln.Close()
		m := w.addMonitor(t, app.MonitorInput{Name: "Port", Kind: "tcp", IntervalSeconds: 10, TimeoutSeconds: 2,
			Settings: json.RawMessage(`{"address":"` + addr + `"}`)})
		for range 3 {
			w.round(t, m.ID)
		}
		v, err := a.Monitors.Get(ctx, sys, m.ID)
		if err != nil || v.State.Status != desk.MonitorDown {
			t.Fatalf("the monitor is %s (%v), want down", v.State.Status, err)
		}
		if n := len(w.monitorIncidents(t)); n != 0 {
			t.Errorf("%d incidents during maintenance, want none", n)
		}
		if box := w.outbox(t); box[desk.NotifyNewReport] != 0 || box[desk.EventMonitorDown] != 0 {
			t.Errorf("alerts during maintenance: %v", box)
		}
		pub, err := a.Components.Public(ctx)
		if err != nil || pub.Components[0].Status != desk.StatusUnderMaintenance {
			t.Errorf("the page shows %+v (%v), want under_maintenance", pub.Components, err)
		}
	})
}

// TestMonitorProposeMode: by default a monitor only proposes: the desk sees the observed
// status on the component, the public page does not change, and the incident waits for the
// desk after the recovery.
func TestMonitorProposeMode(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newMonitorWorld(t, db)
		a := w.instances[0]
		ln := listen(t, "127.0.0.1:0")
		addr := ln.Addr().String()
		m := w.addMonitor(t, app.MonitorInput{Name: "Port", Kind: "tcp", IntervalSeconds: 10, TimeoutSeconds: 2,
			Settings: json.RawMessage(`{"address":"` + addr + `"}`)})
		_ = ln.Close()
		w.round(t, m.ID)
		w.round(t, m.ID)
		c, err := a.Components.Get(ctx, sys, w.comp.ID)
		if err != nil || c.Monitoring.Mode != desk.MonitorPropose || c.Monitoring.Observed != desk.StatusMajorOutage {
			t.Fatalf("the desk's component: %+v (%v), want propose with major_outage observed", c.Monitoring, err)
		}
		if pub, _ := a.Components.Public(ctx); pub.Components[0].Status != desk.StatusOperational {
			t.Errorf("propose mode changed the public status to %s", pub.Components[0].Status)
		}
		listen(t, addr)
		w.round(t, m.ID)
		incs := w.monitorIncidents(t)
		if len(incs) != 1 || incs[0].State != desk.StateNew {
			t.Fatalf("incidents %+v, want one still new: the desk decides", incs)
		}
	})
}

// TestMonitorsAdminOnly: only admins define monitors; bad input names the field and rule.
func TestMonitorsAdminOnly(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newMonitorWorld(t, db)
		a := w.instances[0]
		agent := desk.Actor{UserID: w.agent.ID, Name: w.agent.Name, Role: desk.RoleAgent, OrgID: w.agent.OrgID}
		in := app.MonitorInput{ComponentID: w.comp.ID, Name: "Port", Kind: "tcp", Settings: json.RawMessage(`{"address":"127.0.0.1:1"}`)}
		if _, _, err := a.Monitors.Create(ctx, agent, in); desk.ErrorCode(err) != desk.EFORBIDDEN {
			t.Errorf("an agent defined a monitor: %v", err)
		}
		bad := app.MonitorInput{ComponentID: 999999, Name: "Port", Kind: "tcp", IntervalSeconds: 5, Settings: json.RawMessage(`{"address":"nowhere"}`)}
		_, _, err := a.Monitors.Create(ctx, sys, bad)
		e, ok := err.(*desk.Error)
		if !ok || e.Code != desk.EINVALID {
			t.Fatalf("bad input: %v", err)
		}
		var fields []string
		for _, f := range e.Fields {
			fields = append(fields, f.Field+":"+f.Rule)
		}
		if strings.Join(fields, " ") != "interval:min tcp.address:host_port" {
			t.Errorf("fields %v", fields)
		}
		_, _, err = a.Monitors.Create(ctx, sys, app.MonitorInput{ComponentID: 999999, Name: "Port", Kind: "tcp", Settings: json.RawMessage(`{"address":"127.0.0.1:1"}`)})
		if e, ok := err.(*desk.Error); !ok || len(e.Fields) != 1 || e.Fields[0].Field != "component_id" {
			t.Errorf("an unknown component: %v", err)
		}
		if _, err := a.Monitors.List(ctx, desk.Actor{Role: desk.RoleClientAdmin, OrgID: 1, UserID: 1}, 0); desk.ErrorCode(err) != desk.EFORBIDDEN {
			t.Errorf("a client listed monitors: %v", err)
		}
	})
}

// TestMonitorUpdateAndDelete: an admin changes a monitor (settings left out keep the stored
// secret; a new interval reschedules it within the new interval) and deletes it (its
// component's observed status follows).
func TestMonitorUpdateAndDelete(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newMonitorWorld(t, db)
		a := w.instances[0]
		ln := listen(t, "127.0.0.1:0")
		addr := ln.Addr().String()
		_ = ln.Close()
		m := w.addMonitor(t, app.MonitorInput{Name: "Port", Kind: "tcp", IntervalSeconds: 10, TimeoutSeconds: 2, FailAfter: 1,
			Settings: json.RawMessage(`{"address":"` + addr + `","password":"hunter2-secret"}`)})
		w.round(t, m.ID)
		if c, _ := a.Components.Get(ctx, sys, w.comp.ID); c.Monitoring.Observed != desk.StatusMajorOutage {
			t.Fatalf("observed %q after an outage", c.Monitoring.Observed)
		}
		agent := desk.Actor{UserID: w.agent.ID, Name: w.agent.Name, Role: desk.RoleAgent, OrgID: w.agent.OrgID}
		if _, err := a.Monitors.Update(ctx, agent, m.ID, app.MonitorInput{Name: "Mine"}); desk.ErrorCode(err) != desk.EFORBIDDEN {
			t.Errorf("an agent changed a monitor: %v", err)
		}
		// A heartbeat's URL is made at creation: another kind cannot become one.
		_, err := a.Monitors.Update(ctx, sys, m.ID, app.MonitorInput{ComponentID: w.comp.ID, Name: "Port", Kind: "heartbeat",
			IntervalSeconds: 60, Settings: json.RawMessage(`{}`)})
		if e, ok := err.(*desk.Error); !ok || !slices.ContainsFunc(e.Fields, func(f desk.FieldError) bool { return f.Field == "kind" && f.Rule == "heartbeat_new" }) {
			t.Errorf("a tcp monitor turned into a heartbeat: %v", err)
		}
		v, err := a.Monitors.Update(ctx, sys, m.ID, app.MonitorInput{ComponentID: w.comp.ID, Name: "Shop port", IntervalSeconds: 300, TimeoutSeconds: 5})
		if err != nil {
			t.Fatal(err)
		}
		if v.Name != "Shop port" || v.Interval != 5*time.Minute || !strings.Contains(string(v.Settings), "••••") {
			t.Errorf("after the update: %+v", v.Monitor)
		}
		if !v.State.NextDueAt.After(w.clock.now()) || v.State.NextDueAt.After(w.clock.now().Add(5*time.Minute)) {
			t.Errorf("next due %v, want within the new interval after %v", v.State.NextDueAt, w.clock.now())
		}
		var stored string
		if err := db.Read(ctx, func(tx app.Tx) error {
			m, err := tx.Monitor(ctx, m.ID)
			stored = string(m.Settings)
			return err
		}); err != nil || !strings.Contains(stored, "hunter2-secret") {
			t.Errorf("the stored secret was lost: %s (%v)", stored, err)
		}
		if err := a.Monitors.Delete(ctx, sys, m.ID); err != nil {
			t.Fatal(err)
		}
		if c, _ := a.Components.Get(ctx, sys, w.comp.ID); c.Monitoring.Observed != "" {
			t.Errorf("observed %q after the monitor was deleted", c.Monitoring.Observed)
		}
		if _, err := a.Monitors.Get(ctx, sys, m.ID); !desk.IsNotFound(err) {
			t.Errorf("a deleted monitor: %v", err)
		}
	})
}

// TestMonitorObservedFollowsShares: a component's observed status is the worst of its
// monitors' verdicts. A batch looks at the component only when a checked monitor's share of
// it moved, so a good check of another monitor must leave an outage standing, and the
// recovery of the failing one must clear it.
func TestMonitorObservedFollowsShares(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newMonitorWorld(t, db)
		a := w.instances[0]
		closed := listen(t, "127.0.0.1:0")
		down := closed.Addr().String()
		_ = closed.Close()
		up := listen(t, "127.0.0.1:0").Addr().String()
		failing := w.addMonitor(t, app.MonitorInput{Name: "Failing", Kind: "tcp", IntervalSeconds: 10, TimeoutSeconds: 2, FailAfter: 1,
			Settings: json.RawMessage(`{"address":"` + down + `"}`)})
		steady := w.addMonitor(t, app.MonitorInput{Name: "Steady", Kind: "tcp", IntervalSeconds: 10, TimeoutSeconds: 2,
			Settings: json.RawMessage(`{"address":"` + up + `"}`)})
		observed := func() desk.ComponentStatus {
			t.Helper()
			c, err := a.Components.Get(ctx, sys, w.comp.ID)
			if err != nil {
				t.Fatal(err)
			}
			return c.Monitoring.Observed
		}
		w.round(t, failing.ID)
		if o := observed(); o != desk.StatusMajorOutage {
			t.Fatalf("observed %q after the failing monitor went down", o)
		}
		for range 3 {
			w.round(t, steady.ID)
			if o := observed(); o != desk.StatusMajorOutage {
				t.Fatalf("observed %q after good checks of the other monitor, want the outage to stand", o)
			}
		}
		listen(t, down)
		w.round(t, failing.ID)
		if o := observed(); o != "" {
			t.Fatalf("observed %q after the failing monitor recovered", o)
		}
	})
}
