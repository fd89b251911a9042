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

func TestThrottleReached(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	th := newThrottle(3, 15*time.Minute, 100, func() time.Time { return now })
	var reached []bool
	for range 5 {
		reached = append(reached, th.fail("a"))
	}
	if fmt.Sprint(reached) != "[false false true false false]" {
		t.Errorf("fail reported reaching the limit at %v; want only the third", reached)
	}
}

// TestThrottleEvictsBlockedLast: flooding the map with new keys does not lift a block.
func TestThrottleEvictsBlockedLast(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	th := newThrottle(2, 15*time.Minute, 10, func() time.Time { return now })
	th.fail("victim")
	th.fail("victim")
	for i := range 1000 {
		now = now.Add(time.Millisecond)
		th.fail(fmt.Sprint("flood", i))
	}
	if !th.blocked("victim") {
		t.Error("the blocked key was evicted by a flood of new ones")
	}
}

func TestThrottleKeys(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"203.0.113.9":          "203.0.113.9",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64",
		"2001:db8:1:2:ff::1":   "2001:db8:1:2::/64",
		"not an address":       "not an address",
		"::ffff:203.0.113.9":   "203.0.113.9",
		"2001:db8:1:3:3:4:5:6": "2001:db8:1:3::/64",
	} {
		if got := addressKey(in); got != want {
			t.Errorf("addressKey(%q) = %q, want %q", in, got, want)
		}
	}
	if accountKey(" User@Example.COM ") != "user@example.com" {
		t.Error("account keys are not normalised as addresses are")
	}
	long := accountKey(string(make([]byte, 1<<20)))
	if len(long) > 100 || long != accountKey(string(make([]byte, 1<<20))) {
		t.Errorf("a huge input is a huge key, or not a stable one: %d bytes", len(long))
	}
}

func TestThrottleAcquire(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	th := newThrottle(3, 15*time.Minute, 100, func() time.Time { return now })
	var got []string
	for range 4 {
		ok, last := th.acquire("a")
		got = append(got, fmt.Sprint(ok, last))
	}
	if fmt.Sprint(got) != "[true false true false true true false false]" {
		t.Errorf("acquire: %v", got)
	}
	// A success gives its count back: one more may try.
	th.release("a")
	if ok, _ := th.acquire("a"); !ok {
		t.Error("a released count was not given back")
	}
	th.release("a")
	th.release("a")
	th.release("a")
	th.release("a") // more releases than counts do no harm
	if len(th.fails) != 0 {
		t.Errorf("left: %v", th.fails)
	}
}
