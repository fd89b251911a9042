package jobs_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/jobs"
	"meldpunt/internal/monitor"
)

// dueOnce hands out its checks at the first claim and none after, and tells each batch
// it records.
type dueOnce struct {
	mu       sync.Mutex
	due      []app.DueCheck
	recorded chan int
}

func (r *dueOnce) Claim(ctx context.Context, limit int) ([]app.DueCheck, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	d := r.due
	r.due = nil
	return d, nil
}

func (r *dueOnce) Check(ctx context.Context, d app.DueCheck) app.Checked {
	return app.Checked{DueCheck: d, Result: monitor.Result{Status: monitor.Up}}
}

func (r *dueOnce) Record(ctx context.Context, cs []app.Checked) (int, error) {
	r.recorded <- len(cs)
	return len(cs), nil
}

func (r *dueOnce) Release(ctx context.Context, ids []int64) error { return nil }

// observations keeps what a histogram would be told.
type observations struct {
	mu sync.Mutex
	vs []float64
}

func (o *observations) Observe(v float64) { o.mu.Lock(); o.vs = append(o.vs, v); o.mu.Unlock() }

// TestMonitorSchedulerTellsLag: the scheduler tells Lag, for every check it starts, how
// many seconds after its due time it started (by its clock); a check started early (a
// clock that differs between instances) counts as on time, never as a negative lag.
func TestMonitorSchedulerTellsLag(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	r := &dueOnce{recorded: make(chan int, 3), due: []app.DueCheck{
		{Monitor: desk.Monitor{ID: 1}, Due: now.Add(-3 * time.Second)},
		{Monitor: desk.Monitor{ID: 2}, Due: now.Add(-250 * time.Millisecond)},
		{Monitor: desk.Monitor{ID: 3}, Due: now.Add(time.Second)},
	}}
	lag := &observations{}
	s := &jobs.MonitorScheduler{Runner: r, Concurrency: 4, Poll: time.Millisecond, Batch: 3,
		Lag: lag, Now: func() time.Time { return now }}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	if n := <-r.recorded; n != 3 {
		t.Fatalf("recorded a batch of %d checks, want the 3 claimed", n)
	}
	stop()
	<-done
	lag.mu.Lock()
	got := slices.Sorted(slices.Values(lag.vs))
	lag.mu.Unlock()
	if want := []float64{0, 0.25, 3}; !slices.Equal(got, want) {
		t.Fatalf("lag observations %v, want %v", got, want)
	}
}
