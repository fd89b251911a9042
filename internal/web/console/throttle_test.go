package console

import (
	"fmt"
	"testing"
	"time"
)

func TestThrottle(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	th := newThrottle(3, 15*time.Minute, 100, func() time.Time { return now })
	for i := range 3 {
		if th.blocked("a") {
			t.Fatalf("blocked after %d failures", i)
		}
		th.fail("a")
		now = now.Add(time.Minute)
	}
	if !th.blocked("a") {
		t.Fatal("not blocked after 3 failures")
	}
	if th.blocked("b") {
		t.Fatal("another address is blocked")
	}
	// The window slides: 13 minutes after the first failure it still counts, at 15 not.
	now = now.Add(10 * time.Minute) // 13 minutes after the first
	if !th.blocked("a") {
		t.Fatal("unblocked too early")
	}
	now = now.Add(2 * time.Minute)
	if th.blocked("a") {
		t.Fatal("still blocked when the first failure left the window")
	}
	now = now.Add(time.Hour)
	if th.blocked("a") || len(th.fails) != 0 {
		t.Fatalf("old failures are kept: %v", th.fails)
	}
}

func TestThrottleBounded(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	th := newThrottle(2, 15*time.Minute, 10, func() time.Time { return now })
	for i := range 1000 {
		th.fail(fmt.Sprint("addr", i))
		now = now.Add(time.Millisecond)
	}
	if n := len(th.fails); n > 10 {
		t.Fatalf("the map holds %d addresses, more than its size 10", n)
	}
	// The newest addresses are kept.
	th.fail("addr999")
	if !th.blocked("addr999") {
		t.Error("the newest address was evicted")
	}
}
