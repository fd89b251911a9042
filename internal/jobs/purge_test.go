package jobs

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// clock is a settable time for the app.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestPurgeExpiredDeletesSessionsAndResetLinks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		c := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
		a := app.New(db, c.now, nil, app.Config{Holidays: holidays.NL(),
			BaseURL: "http://localhost", SessionTTL: time.Hour, ResetTTL: 30 * time.Minute,
			Argon2: app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1},
		})
		if _, err := a.Identity.Bootstrap(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Identity.CreateUser(ctx, desk.SystemActor("test"), app.UserInput{
			Email: "agent@example.com", Name: "Agent", Role: desk.RoleAgent, Password: "correct horse battery",
		}); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := a.Identity.SignIn(ctx, "agent@example.com", "correct horse battery", "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
		if link, err := a.Identity.RequestPasswordReset(ctx, "agent@example.com", "127.0.0.1"); err != nil || link == "" {
			t.Fatalf("reset link %q, %v", link, err)
		}
		var logs logBuffer
		purge := PurgeExpired(a.Identity, logs.Logger())

		if err := purge(ctx); err != nil {
			t.Fatal(err)
		}
		if n := len(logs.Records(t, "deleted expired sessions and reset links")); n != 0 {
			t.Fatalf("purged before anything expired (%d records)", n)
		}

		c.add(2 * time.Hour) // both expired
		// A session started now must survive the purge.
		live, _, _, err := a.Identity.SignIn(ctx, "agent@example.com", "correct horse battery", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if err := purge(ctx); err != nil {
			t.Fatal(err)
		}
		recs := logs.Records(t, "deleted expired sessions and reset links")
		if len(recs) != 1 || recs[0]["count"] != float64(2) {
			t.Fatalf("purge records = %v, want one with count 2", recs)
		}
		if _, _, _, err := a.Identity.SessionActor(ctx, live, "127.0.0.1"); err != nil {
			t.Errorf("the live session was purged: %v", err)
		}
		if n, err := a.Identity.DeleteExpired(ctx); err != nil || n != 0 {
			t.Errorf("after the purge DeleteExpired found %d more (%v), want 0", n, err)
		}
	})
}

type failingPurger struct{}

func (failingPurger) DeleteExpired(context.Context) (int64, error) {
	return 0, errors.New("disk I/O error")
}

func TestPurgeExpiredWrapsErrors(t *testing.T) {
	t.Parallel()
	err := PurgeExpired(failingPurger{}, nil)(t.Context())
	if err == nil || err.Error() != "delete expired sessions and reset links: disk I/O error" {
		t.Errorf("err = %v, want the failure with context", err)
	}
}

func (failingPurger) RunChecks(context.Context) (int, error) {
	return 0, errors.New("disk I/O error")
}

func (failingPurger) RunReminders(context.Context) (int, error) {
	return 0, errors.New("disk I/O error")
}

func (failingPurger) RunAutoClose(context.Context) (int, error) {
	return 0, errors.New("disk I/O error")
}

func TestAutoCloseWrapsErrors(t *testing.T) {
	t.Parallel()
	err := AutoClose(failingPurger{}, nil)(t.Context())
	if err == nil || err.Error() != "auto-close: disk I/O error" {
		t.Errorf("err = %v, want the failure with context", err)
	}
}

func TestStandardRegistersThePurgeTheSLAChecksAndTheReminders(t *testing.T) {
	t.Parallel()
	r := New(nil)
	f := failingPurger{}
	Standard(r, Work{Purge: f, SLA: f, Reminders: f, AutoClose: f, Deliver: f}, nil)
	if len(r.jobs) != 5 || r.jobs[4].name != "deliver" || r.jobs[4].interval != 5*time.Second || r.jobs[3].name != "auto-close" || r.jobs[3].interval != 30*time.Second || r.jobs[0].name != "purge-expired" || r.jobs[0].interval != 10*time.Minute ||
		r.jobs[1].name != "sla-checks" || r.jobs[1].interval != 30*time.Second ||
		r.jobs[2].name != "reminders" || r.jobs[2].interval != time.Minute {
		t.Errorf("jobs = %+v, want purge-expired every 10 minutes, sla-checks every 30 seconds, reminders every minute, auto-close every 30 seconds, deliver every 5 seconds", r.jobs)
	}
	err := Reminders(failingPurger{}, nil)(t.Context())
	if err == nil || err.Error() != "reminders: disk I/O error" {
		t.Errorf("err = %v, want the failure with context", err)
	}
}
