package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"meldpunt/internal/app"
)

// MonitorRunner claims, runs and records monitors' checks; *app.Monitors is one. Claim
// leases due monitors to this instance in the database, so any number of instances share
// the work and each due check runs once.
type MonitorRunner interface {
	Claim(ctx context.Context, limit int) ([]app.DueCheck, error)
	Check(ctx context.Context, d app.DueCheck) app.Checked
	Record(ctx context.Context, cs []app.Checked) (int, error)
	Release(ctx context.Context, ids []int64) error
}

// DefaultMonitorConcurrency is how many checks an instance runs at once by default: checks
// wait on the network, not the CPU, and 64 at once keep 10,000 monitors at a 60 s interval
// on time when a check takes up to a third of a second.
const DefaultMonitorConcurrency = 64

// MonitorScheduler runs due checks on this instance (docs/monitors.md "Scheduling and
// history"): it claims as many due monitors as it has free slots, runs each in its own
// goroutine outside any transaction, and hands the results to one recorder that stores
// them in batches. Stopping (ctx done) cancels the checks in flight and drops their
// results, records the results already complete, and releases the leases of the dropped
// ones, so another instance checks them at once: nothing is recorded half.
type MonitorScheduler struct {
	Runner MonitorRunner
	// Concurrency bounds the checks in flight; 0 means DefaultMonitorConcurrency.
	Concurrency int
	// Poll is how often due monitors are looked for while slots are free; 0 means 500 ms.
	Poll time.Duration
	// Batch and BatchWait bound a batch of results: it is stored when it holds Batch
	// results or its first result waited BatchWait; 0 means 200 and 250 ms.
	Batch     int
	BatchWait time.Duration
	// Lag, when set, is told for every check how late it started, in seconds, against the
	// time it was due (serve passes the histogram meldpunt_monitor_check_lag_seconds): a
	// scheduler that keeps up starts its checks well under a second late.
	Lag Observer
	// Now is the clock of Lag; nil means time.Now.
	Now func() time.Time
	Log *slog.Logger
}

// Observer takes one observation; a prometheus.Histogram is one.
type Observer interface{ Observe(float64) }

// stopBudget is how long the last batch and the release of leases may take at shutdown.
const stopBudget = time.Second

// Run schedules checks until ctx is done, then stops as described above and returns.
func (s *MonitorScheduler) Run(ctx context.Context) {
	conc := s.Concurrency
	if conc <= 0 {
		conc = DefaultMonitorConcurrency
	}
	poll := s.Poll
	if poll <= 0 {
		poll = 500 * time.Millisecond
	}
	log := s.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := s.Now
	if now == nil {
		now = time.Now
	}
	results := make(chan app.Checked, conc)
	var mu sync.Mutex
	var dropped []int64
	recorded := make(chan struct{})
	go func() {
		defer close(recorded)
		s.record(ctx, results, log)
	}()

	slots := make(chan struct{}, conc)
	var wg sync.WaitGroup
	timer := time.NewTimer(0)
	defer timer.Stop()
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-timer.C:
		}
		free := conc - len(slots)
		claimed := 0
		if free > 0 {
			due, err := s.Runner.Claim(ctx, free)
			if err != nil && ctx.Err() == nil {
				log.ErrorContext(ctx, "claim due monitors", "err", err)
			}
			claimed = len(due)
			for _, d := range due {
				slots <- struct{}{}
				wg.Go(func() {
					defer func() { <-slots }()
					if s.Lag != nil {
						s.Lag.Observe(max(now().Sub(d.Due), 0).Seconds())
					}
					c := s.Runner.Check(ctx, d)
					if ctx.Err() != nil {
						// Cut by the shutdown: not what the target did. Dropped whole.
						mu.Lock()
						dropped = append(dropped, d.Monitor.ID)
						mu.Unlock()
						return
					}
					results <- c
				})
			}
		}
		next := poll
		if claimed > 0 && claimed == free {
			next = poll / 10 // more may be due: look again as soon as slots free up
		}
		timer.Reset(next)
	}
	wg.Wait()
	close(results)
	<-recorded
	stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopBudget)
	defer cancel()
	if err := s.Runner.Release(stop, dropped); err != nil {
		log.WarnContext(stop, "release the leases of cancelled checks", "err", err, "monitors", len(dropped))
	}
}

// record stores the results in batches until results is closed; the last batch is stored
// within stopBudget even though ctx is done. A batch is one transaction: it is stored
// whole or not at all.
func (s *MonitorScheduler) record(ctx context.Context, results <-chan app.Checked, log *slog.Logger) {
	size := s.Batch
	if size <= 0 {
		size = 200
	}
	wait := s.BatchWait
	if wait <= 0 {
		wait = 250 * time.Millisecond
	}
	var batch []app.Checked
	flush := func() {
		if len(batch) == 0 {
			return
		}
		budget := 30 * time.Second
		if ctx.Err() != nil {
			budget = stopBudget
		}
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), budget)
		defer cancel()
		if _, err := s.Runner.Record(rctx, batch); err != nil {
			log.ErrorContext(rctx, "record checks", "err", fmt.Sprint(err), "checks", len(batch))
		}
		batch = batch[:0]
	}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case c, ok := <-results:
			if !ok {
				flush()
				return
			}
			if len(batch) == 0 {
				timer.Reset(wait)
			}
			batch = append(batch, c)
			if len(batch) >= size {
				timer.Stop()
				flush()
			}
		case <-timer.C:
			flush()
		}
	}
}

// MonitorRollupInterval is how often each instance rolls closed hours and days of monitor
// results into aggregates and deletes what is past its retention.
const MonitorRollupInterval = 5 * time.Minute

// MonitorRollup rolls up monitor history; *app.Monitors is one.
type MonitorRollup interface {
	Rollup(ctx context.Context) (int, error)
}

// MonitorHistory returns the job that rolls up monitor history.
func MonitorHistory(m MonitorRollup, log *slog.Logger) func(context.Context) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return func(ctx context.Context) error {
		n, err := m.Rollup(ctx)
		if n > 0 {
			log.InfoContext(ctx, "rolled up monitor results", "rows", n)
		}
		if err != nil {
			return fmt.Errorf("monitor rollup: %w", err)
		}
		return nil
	}
}
