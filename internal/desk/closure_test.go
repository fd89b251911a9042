package desk

import (
	"testing"
	"time"
)

func TestAutoCloseDue(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	cases := []struct {
		name  string
		state State
		at    *time.Time
		want  bool
	}{
		{"resolved, due a minute ago", StateResolved, at(-time.Minute), true},
		{"resolved, due exactly now", StateResolved, at(0), true},
		{"resolved, due a millisecond from now", StateResolved, at(time.Millisecond), false},
		{"resolved without an automatic close", StateResolved, nil, false},
		{"reopened, its old deadline passed", StateInProgress, at(-time.Hour), false},
		{"closed already", StateClosed, at(-time.Hour), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := Incident{State: c.state, AutoCloseAt: c.at}
			if got := in.AutoCloseDue(now); got != c.want {
				t.Errorf("AutoCloseDue = %v, want %v", got, c.want)
			}
		})
	}
}

func TestCloseAndReopen(t *testing.T) {
	t.Parallel()
	resolved := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	due := resolved.Add(24 * time.Hour)
	now := due.Add(time.Second)
	in := Incident{State: StateResolved, WaitingOn: WaitingOnClient, ResolvedAt: &resolved, AutoCloseAt: &due}

	c := in
	c.Close(now)
	if c.State != StateClosed || c.ClosedAt == nil || !c.ClosedAt.Equal(now) || !c.UpdatedAt.Equal(now) {
		t.Errorf("closed = %+v, want closed at %v", c, now)
	}
	if c.AutoCloseAt != nil || c.WaitingOn != "" || c.AutoCloseDue(now.Add(time.Hour)) {
		t.Errorf("a closed incident still waits or closes by itself: %+v", c)
	}
	if c.ResolvedAt == nil || !c.ResolvedAt.Equal(resolved) {
		t.Errorf("closing forgot when it was resolved: %v", c.ResolvedAt)
	}

	r := in
	r.Reopen(now)
	if r.State != StateInProgress || r.ResolvedAt != nil || r.AutoCloseAt != nil || r.WaitingOn != "" || !r.UpdatedAt.Equal(now) {
		t.Errorf("reopened = %+v, want in progress without the solution's deadline", r)
	}
}
