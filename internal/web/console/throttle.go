package console

import (
	"sync"
	"time"
)

// throttle counts failed sign-ins per client address in a sliding window, in memory. Its
// map holds at most size addresses: when full, stale addresses go first, then the one
// whose last failure is oldest.
type throttle struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	size   int
	now    func() time.Time
	fails  map[string][]time.Time
}

func newThrottle(max int, window time.Duration, size int, now func() time.Time) *throttle {
	return &throttle{max: max, window: window, size: size, now: now, fails: map[string][]time.Time{}}
}

// blocked tells whether key has failed max times within the window.
func (t *throttle) blocked(key string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.recent(key)) >= t.max
}

// fail records a failure of key.
func (t *throttle) fail(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fs := t.recent(key)
	if fs == nil && len(t.fails) >= t.size {
		t.evict()
	}
	if len(fs) >= t.max {
		fs = fs[1:]
	}
	t.fails[key] = append(fs, t.now())
}

// recent returns key's failures within the window, forgetting older ones.
func (t *throttle) recent(key string) []time.Time {
	fs, ok := t.fails[key]
	if !ok {
		return nil
	}
	cut := t.now().Add(-t.window)
	i := 0
	for i < len(fs) && !fs[i].After(cut) {
		i++
	}
	if i == len(fs) {
		delete(t.fails, key)
		return nil
	}
	fs = fs[i:]
	t.fails[key] = fs
	return fs
}

// evict makes room for one address.
func (t *throttle) evict() {
	cut := t.now().Add(-t.window)
	oldest, oldestAt := "", time.Time{}
	for k, fs := range t.fails {
		last := fs[len(fs)-1]
		if !last.After(cut) {
			delete(t.fails, k)
			continue
		}
		if oldest == "" || last.Before(oldestAt) {
			oldest, oldestAt = k, last
		}
	}
	if len(t.fails) >= t.size && oldest != "" {
		delete(t.fails, oldest)
	}
}
