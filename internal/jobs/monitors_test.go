package jobs_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/jobs"
	"meldpunt/internal/monitor"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

var sys = desk.SystemActor("test")

// stuckChecks connects over TCP like a real check, except to the address "stuck", where
// it waits until it is cancelled: a target that never answers within the test.
type stuckChecks struct{ started chan struct{} }

func (c stuckChecks) Validate(kind monitor.Kind, s json.RawMessage) (json.RawMessage, error) {
	return s, nil
}
func (c stuckChecks) Redact(kind monitor.Kind, s json.RawMessage) json.RawMessage { return s }
func (c stuckChecks) Run(ctx context.Context, kind monitor.Kind, s json.RawMessage, timeout time.Duration) monitor.Result {
	var set struct{ Address string }
	_ = json.Unmarshal(s, &set)
	start := time.Now()
	if set.Address == "stuck" {
		close(c.started)
		<-ctx.Done()
		return monitor.Result{Status: monitor.Down, Error: "the check was stopped", At: start}
	}
	conn, err := net.Dial("tcp", set.Address)
	if err != nil {
		return monitor.Result{Status: monitor.Down, Error: err.Error(), At: start}
	}
	_ = conn.Close()
	return monitor.Result{Status: monitor.Up, Duration: time.Since(start), At: start}
}

// signalRecords tells each batch recorded.
type signalRecords struct {
	*app.Monitors
	recorded chan int
}

func (s signalRecords) Record(ctx context.Context, cs []app.Checked) (int, error) {
	n, err := s.Monitors.Record(ctx, cs)
	s.recorded <- n
	return n, err
}

// TestMonitorSchedulerStopsClean: stopping the scheduler while one check hangs records the
// finished check whole (its result and its state), drops the hanging one whole (no result,
// no change of state) and releases its lease, so another instance takes it at once.
func TestMonitorSchedulerStopsClean(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
		var mu sync.Mutex
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		checks := stuckChecks{started: make(chan struct{})}
		a := app.New(db, clock, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Config{
			Argon2:   app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1},
			Outbox:   app.OutboxConfig{Instance: "leaving"},
			Monitors: app.MonitorConfig{Checks: checks},
		})
		if _, err := a.Identity.Bootstrap(ctx); err != nil {
			t.Fatal(err)
		}
		comp, err := a.Components.Create(ctx, sys, desk.Component{Name: "Shop"})
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				_ = c.Close()
			}
		}()
		add := func(name, addr string) app.MonitorView {
			v, _, err := a.Monitors.Create(ctx, sys, app.MonitorInput{ComponentID: comp.ID, Name: name, Kind: "tcp",
				IntervalSeconds: 60, TimeoutSeconds: 30, Settings: json.RawMessage(`{"address":"` + addr + `"}`)})
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		quick, stuck := add("Quick", ln.Addr().String()), add("Stuck", "stuck")
		mu.Lock()
		now = quick.State.NextDueAt
		if stuck.State.NextDueAt.After(now) {
			now = stuck.State.NextDueAt
		}
		mu.Unlock()

		recorded := make(chan int, 10)
		s := &jobs.MonitorScheduler{Runner: signalRecords{a.Monitors, recorded}, Concurrency: 4, Poll: 10 * time.Millisecond, BatchWait: time.Millisecond}
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { s.Run(runCtx); close(done) }()
		<-checks.started
		if n := <-recorded; n != 1 {
			t.Fatalf("the first batch recorded %d checks, want the quick one", n)
		}
		stopped := time.Now()
		stop()
		<-done
		// Logged, not asserted (no timed assertions): the issue wants under 2 s.
		t.Logf("the scheduler stopped %v after it was told to, with a check hanging", time.Since(stopped))

		q, err := a.Monitors.Get(ctx, sys, quick.ID)
		if err != nil {
			t.Fatal(err)
		}
		rs, _ := a.Monitors.Results(ctx, sys, quick.ID, time.Time{}, 10)
		if len(rs) != 1 || q.State.LastAt.IsZero() || q.State.LastStatus != desk.MonitorUp || !q.State.NextDueAt.After(now) {
			t.Errorf("the finished check: %d results, state %+v; want both", len(rs), q.State)
		}
		st, err := a.Monitors.Get(ctx, sys, stuck.ID)
		if err != nil {
			t.Fatal(err)
		}
		rs, _ = a.Monitors.Results(ctx, sys, stuck.ID, time.Time{}, 10)
		if len(rs) != 0 || !st.State.LastAt.IsZero() || st.State.Fails != 0 || !st.State.NextDueAt.Equal(stuck.State.NextDueAt) {
			t.Errorf("the cancelled check left %d results and state %+v; want nothing", len(rs), st.State)
		}
		other := app.New(db, clock, nil, app.Config{Outbox: app.OutboxConfig{Instance: "staying"}, Monitors: app.MonitorConfig{Checks: checks}})
		due, err := other.Monitors.Claim(ctx, 10)
		if err != nil || len(due) != 1 || due[0].Monitor.ID != stuck.ID {
			t.Errorf("another instance claims %v (%v), want the released monitor at once", due, err)
		}
	})
}

// TestMonitorSchedulersRace: two instances on one database run their schedulers for real
// (wall clock, 20 ms polls) against a TCP listener on loopback that the test closes and
// opens again; the monitor is checked every second. However the two race for it, the
// outage opens one incident, alerts once (one email to the desk, one monitor.down) and
// recovers once (one monitor.up).
func TestMonitorSchedulersRace(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			one, two := storetest.OpenTwice(t, dialect)
			checks := stuckChecks{started: make(chan struct{})}
			var instances []*app.Services
			for i, db := range []*store.DB{one, two} {
				instances = append(instances, app.New(db, time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Config{
					Argon2: app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}, BaseURL: "http://desk.test",
					Outbox: app.OutboxConfig{Instance: []string{"one", "two"}[i]}, Monitors: app.MonitorConfig{Checks: checks}}))
			}
			a := instances[0]
			if _, err := a.Identity.Bootstrap(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Identity.CreateUser(ctx, sys, app.UserInput{Email: "agnes@desk.example", Name: "Agnes", Role: desk.RoleAgent, Password: "long enough password"}); err != nil {
				t.Fatal(err)
			}
			url, events := "https://hooks.example.com/monitors", []string{desk.EventMonitorDown, desk.EventMonitorUp}
			if _, err := a.Webhooks.Create(ctx, sys, app.WebhookInput{URL: &url, Events: &events}); err != nil {
				t.Fatal(err)
			}
			comp, err := a.Components.Create(ctx, sys, desk.Component{Name: "Shop"})
			if err != nil {
				t.Fatal(err)
			}
			if err := a.Monitors.SetComponentMonitoring(ctx, sys, comp.ID, desk.ComponentMonitoring{Mode: desk.MonitorAuto, Autoresolve: true}); err != nil {
				t.Fatal(err)
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := ln.Addr().String()
			_ = ln.Close() // down from the start
			v, _, err := a.Monitors.Create(ctx, sys, app.MonitorInput{ComponentID: comp.ID, Name: "Port", Kind: "tcp",
				Settings: json.RawMessage(`{"address":"` + addr + `"}`)})
			if err != nil {
				t.Fatal(err)
			}
			// Every second, which the rules refuse (10 s at least) but the store keeps: the
			// test may not wait minutes.
			err = one.Write(ctx, func(tx app.Tx) error {
				m, err := tx.Monitor(ctx, v.ID)
				if err != nil {
					return err
				}
				m.Interval, m.Timeout = time.Second, 500*time.Millisecond
				if err := tx.UpdateMonitor(ctx, &m); err != nil {
					return err
				}
				return tx.RescheduleMonitor(ctx, m.ID, time.Now())
			})
			if err != nil {
				t.Fatal(err)
			}
			runCtx, stop := context.WithCancel(ctx)
			var wg sync.WaitGroup
			for _, in := range instances {
				s := &jobs.MonitorScheduler{Runner: in.Monitors, Concurrency: 4, Poll: 20 * time.Millisecond, BatchWait: 5 * time.Millisecond}
				wg.Go(func() { s.Run(runCtx) })
			}
			defer func() { stop(); wg.Wait() }()
			// waitFor polls until cond holds; the bound only ends a test that would hang.
			waitFor := func(what string, cond func(app.MonitorView) bool) {
				t.Helper()
				for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
					got, err := a.Monitors.Get(ctx, sys, v.ID)
					if err != nil {
						t.Fatal(err)
					}
					if cond(got) {
						return
					}
					if time.Since(start) > time.Minute {
						t.Fatalf("waited a minute for %s: %+v", what, got.State)
					}
				}
			}
			waitFor("the outage", func(m app.MonitorView) bool { return m.State.Status == desk.MonitorDown && m.State.Fails >= 5 })
			var ln2 net.Listener
			for ln2 == nil {
				if ln2, err = net.Listen("tcp", addr); err != nil {
					time.Sleep(10 * time.Millisecond) // the port is still in use
				}
			}
			defer ln2.Close()
			go func() {
				for {
					c, err := ln2.Accept()
					if err != nil {
						return
					}
					_ = c.Close()
				}
			}()
			waitFor("the recovery", func(m app.MonitorView) bool { return m.State.Status == desk.MonitorUp && m.State.Oks >= 3 })
			stop()
			wg.Wait()

			p, err := a.Incidents.List(ctx, sys, desk.IncidentFilter{Channel: desk.ChannelMonitor, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Items) != 1 {
				t.Fatalf("%d incidents for one outage, want 1", len(p.Items))
			}
			if inc, _ := a.Incidents.Get(ctx, sys, p.Items[0].ID); inc.State != desk.StateResolved {
				t.Errorf("the incident is %s, want resolved", inc.State)
			}
			box, err := a.Outbox.List(ctx, sys, desk.OutboxFilter{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			kinds := map[string]int{}
			for _, n := range box.Items {
				kinds[n.Kind]++
			}
			if kinds[desk.NotifyNewReport] != 1 || kinds[desk.EventMonitorDown] != 1 || kinds[desk.EventMonitorUp] != 1 {
				t.Errorf("messages %v, want one new_report, one monitor.down and one monitor.up", kinds)
			}
			rs, err := a.Monitors.Results(ctx, sys, v.ID, time.Time{}, 1000)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d checks by two instances", len(rs))
		})
	}
}
