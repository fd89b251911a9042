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
		stop()
		<-done

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
