// Package jobs runs Meldpunt's periodic background work: purging expired sessions, SLA
// warnings, reminders, auto-close and outbox delivery (Standard). The Runner here is the in-process
// scheduler; work that must happen once across several instances claims a lease in the
// database inside its job function, so the Runner itself stays simple.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// Runner runs jobs periodically, one goroutine per job. Register jobs with Every, then call
// Run once.
type Runner struct {
	log     *slog.Logger
	mu      sync.Mutex
	jobs    []job
	started bool
}

type job struct {
	name     string
	interval time.Duration
	fn       func(context.Context) error
}

// New returns a Runner that logs to log (nil: nowhere).
func New(log *slog.Logger) *Runner {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Runner{log: log}
}

// Every registers fn to run at the start of Run and then every interval after the previous
// run finished, so runs of one job never overlap. fn gets Run's context: it is cancelled at
// shutdown, and fn should then return soon. An error or panic from fn is logged; the job
// runs again at its next turn. Every panics when called after Run, or with an interval
// that is not positive: both are programming errors.
func (r *Runner) Every(name string, interval time.Duration, fn func(ctx context.Context) error) {
	if interval <= 0 {
		panic(fmt.Sprintf("jobs: job %q: interval %v is not positive", name, interval))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		panic(fmt.Sprintf("jobs: job %q registered after Run", name))
	}
	r.jobs = append(r.jobs, job{name: name, interval: interval, fn: fn})
}

// Run starts every job and blocks until ctx is done and every job's goroutine has stopped:
// when Run returns, no job is running and none will. Call it once.
func (r *Runner) Run(ctx context.Context) {
	r.mu.Lock()
	if r.started {
		r.mu.Unlock()
		panic("jobs: Run called twice")
	}
	r.started = true
	jobs := r.jobs
	r.mu.Unlock()

	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Go(func() { r.loop(ctx, j) })
	}
	r.log.DebugContext(ctx, "jobs started", "jobs", len(jobs))
	<-ctx.Done()
	wg.Wait()
	r.log.DebugContext(context.WithoutCancel(ctx), "jobs stopped")
}

// loop runs one job until ctx is done.
func (r *Runner) loop(ctx context.Context, j job) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		r.runOnce(ctx, j)
		timer.Reset(j.interval)
	}
}

// runOnce runs the job once, logging its failure or panic.
func (r *Runner) runOnce(ctx context.Context, j job) {
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			r.log.ErrorContext(ctx, "job panicked", "job", j.name, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	err := j.fn(ctx)
	ms := float64(time.Since(start).Microseconds()) / 1000
	switch {
	case err == nil:
		r.log.DebugContext(ctx, "job done", "job", j.name, "duration_ms", ms)
	case ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)):
		r.log.DebugContext(context.WithoutCancel(ctx), "job cancelled", "job", j.name, "duration_ms", ms)
	default:
		r.log.ErrorContext(ctx, "job failed", "job", j.name, "err", err, "duration_ms", ms)
	}
}
