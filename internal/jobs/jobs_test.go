package jobs

import (
	"context"
	"errors"
	"meldpunt/internal/logtest"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// logBuffer collects JSON log lines; jobs log from their own goroutines.
type logBuffer = logtest.Buffer

// start runs r in a goroutine and returns a function that cancels it and waits for Run
// to return.
func start(t *testing.T, r *Runner) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		r.Run(ctx)
		close(done)
	}()
	return func() {
		cancel()
		<-done
	}
}

func TestJobsRunAtStartAndEveryInterval(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		r := New(nil)
		var fast, slow atomic.Int32
		r.Every("fast", 10*time.Minute, func(context.Context) error { fast.Add(1); return nil })
		r.Every("slow", time.Hour, func(context.Context) error { slow.Add(1); return nil })
		stop := start(t, r)

		synctest.Wait()
		if fast.Load() != 1 || slow.Load() != 1 {
			t.Fatalf("at start: fast ran %d times, slow %d; want 1 each", fast.Load(), slow.Load())
		}
		time.Sleep(25 * time.Minute)
		synctest.Wait()
		if fast.Load() != 3 || slow.Load() != 1 {
			t.Errorf("after 25 minutes: fast ran %d times (want 3: at 0, 10, 20), slow %d (want 1)", fast.Load(), slow.Load())
		}
		stop()
		time.Sleep(time.Hour)
		synctest.Wait()
		if fast.Load() != 3 || slow.Load() != 1 {
			t.Errorf("jobs ran after Run returned: fast %d, slow %d", fast.Load(), slow.Load())
		}
		// synctest.Test fails if any goroutine of the bubble is left blocked.
	})
}

func TestRunsDoNotOverlap(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		r := New(nil)
		var running, overlaps, runs atomic.Int32
		r.Every("long", time.Minute, func(ctx context.Context) error {
			if running.Add(1) > 1 {
				overlaps.Add(1)
			}
			defer running.Add(-1)
			runs.Add(1)
			time.Sleep(5 * time.Minute) // longer than the interval
			return nil
		})
		stop := start(t, r)
		time.Sleep(30 * time.Minute)
		stop()
		if overlaps.Load() != 0 {
			t.Errorf("%d runs overlapped", overlaps.Load())
		}
		// Runs start at 0, 6, 12, 18, 24 and 30 minutes: the interval counts from the end.
		if n := runs.Load(); n != 6 {
			t.Errorf("ran %d times in 30 minutes, want 6", n)
		}
	})
}

func TestRunReturnsOnlyAfterRunningJobsStopped(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		r := New(nil)
		var finished atomic.Bool
		entered := make(chan struct{})
		r.Every("cleanup", time.Hour, func(ctx context.Context) error {
			close(entered)
			<-ctx.Done()
			time.Sleep(3 * time.Second) // finishing up after the cancel
			finished.Store(true)
			return ctx.Err()
		})
		ctx, cancel := context.WithCancel(t.Context())
		returned := make(chan struct{})
		go func() {
			r.Run(ctx)
			close(returned)
		}()
		<-entered
		cancel()
		synctest.Wait()
		select {
		case <-returned:
			t.Fatal("Run returned while a job was still running")
		default:
		}
		<-returned
		if !finished.Load() {
			t.Error("Run returned before the job finished")
		}
	})
}

func TestRunWithoutJobsWaitsForCancel(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		returned := make(chan struct{})
		go func() {
			New(nil).Run(ctx)
			close(returned)
		}()
		synctest.Wait()
		select {
		case <-returned:
			t.Fatal("Run returned before its context was cancelled")
		default:
		}
		cancel()
		<-returned
	})
}

func TestFailuresAndPanicsAreLoggedAndTheJobRunsOn(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var logs logBuffer
		r := New(logs.Logger())
		var runs atomic.Int32
		r.Every("flaky", time.Minute, func(context.Context) error {
			switch runs.Add(1) {
			case 1:
				return errors.New("database is locked")
			case 2:
				panic("nil map")
			}
			return nil
		})
		stop := start(t, r)
		time.Sleep(150 * time.Second)
		stop()

		if n := runs.Load(); n != 3 {
			t.Fatalf("ran %d times in 2.5 intervals, want 3", n)
		}
		failed := logs.Records(t, "job failed")
		if len(failed) != 1 || failed[0]["job"] != "flaky" || failed[0]["err"] != "database is locked" || failed[0]["level"] != "ERROR" {
			t.Errorf("job failed records = %v, want one ERROR naming the job and error", failed)
		}
		panicked := logs.Records(t, "job panicked")
		if len(panicked) != 1 || panicked[0]["panic"] != "nil map" || !strings.Contains(panicked[0]["stack"].(string), "jobs_test.go") {
			t.Errorf("job panicked records = %v, want one with the panic value and stack", panicked)
		}
		if n := len(logs.Records(t, "job done")); n != 1 {
			t.Errorf("%d job done records, want 1", n)
		}
	})
}

func TestCancellationIsNotAFailure(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var logs logBuffer
		r := New(logs.Logger())
		entered := make(chan struct{})
		r.Every("wait", time.Hour, func(ctx context.Context) error {
			close(entered)
			<-ctx.Done()
			return ctx.Err()
		})
		stop := start(t, r)
		<-entered
		stop()
		if n := len(logs.Records(t, "job failed")); n != 0 {
			t.Errorf("a job that stopped because of the shutdown was logged as failed %d times", n)
		}
		if n := len(logs.Records(t, "job cancelled")); n != 1 {
			t.Errorf("%d job cancelled records, want 1", n)
		}
	})
}

func TestRunsInRealTime(t *testing.T) {
	t.Parallel()
	r := New(nil)
	ran := make(chan struct{}, 10)
	r.Every("tick", 5*time.Millisecond, func(context.Context) error {
		select {
		case ran <- struct{}{}:
		default:
		}
		return nil
	})
	stop := start(t, r)
	for i := range 3 {
		select {
		case <-ran:
		case <-time.After(10 * time.Second):
			t.Fatalf("run %d did not happen", i+1)
		}
	}
	returned := make(chan struct{})
	go func() { stop(); close(returned) }()
	select {
	case <-returned:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func TestMisuse(t *testing.T) {
	t.Parallel()
	mustPanic := func(t *testing.T, name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s did not panic", name)
			}
		}()
		f()
	}
	mustPanic(t, "a zero interval", func() { New(nil).Every("x", 0, nil) })
	synctest.Test(t, func(t *testing.T) {
		r := New(nil)
		stop := start(t, r)
		synctest.Wait()
		mustPanic(t, "Every after Run", func() { r.Every("late", time.Minute, func(context.Context) error { return nil }) })
		mustPanic(t, "a second Run", func() { r.Run(t.Context()) })
		stop()
	})
}
