package console

import (
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"strings"
	"sync"
	"time"

	"meldpunt/internal/desk"
)

// The throttles' limits (docs/operations.md): within ThrottleWindow, an account takes
// SignInsPerAccount failed sign-ins before it is refused, and a client address
// SignInsPerAddress before its failures are answered as throttled; an email address takes
// ResetsPerAccount reset requests, and a client address ResetsPerAddress.
const (
	ThrottleWindow    = 15 * time.Minute
	SignInsPerAccount = 10
	SignInsPerAddress = 100
	ResetsPerAccount  = 5
	ResetsPerAddress  = 20
	// SignUpsPerEmail and SignUpsPerAddress bound status page sign-ups (subscribe.go) per
	// email address and per client address: each may send an email.
	SignUpsPerEmail   = 3
	SignUpsPerAddress = 20
)

// throttle counts failures (or requests) per key in a sliding window, in memory. Its map
// holds at most size keys: when full, stale keys go first, then (evict) the one whose
// last failure is oldest.
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

// fail records a failure of key, and tells whether it is the one that reached the limit.
func (t *throttle) fail(key string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	fs := t.recent(key)
	if fs == nil && len(t.fails) >= t.size {
		t.evict()
	}
	reached := len(fs) == t.max-1
	if len(fs) >= t.max {
		fs = fs[1:]
	}
	t.fails[key] = append(fs, t.now())
	return reached
}

// acquire counts a request of key, unless key reached the limit already: it checks and
// counts at once, so that requests in parallel cannot all pass before the first one is
// counted. last tells whether this request reached the limit. A request that turns out
// not to be a failure gives its count back with release.
func (t *throttle) acquire(key string) (ok, last bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fs := t.recent(key)
	if len(fs) >= t.max {
		return false, false
	}
	if fs == nil && len(t.fails) >= t.size {
		t.evict()
	}
	t.fails[key] = append(fs, t.now())
	return true, len(fs) == t.max-1
}

// release takes back the newest count of key.
func (t *throttle) release(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fs := t.fails[key]
	switch len(fs) {
	case 0:
	case 1:
		delete(t.fails, key)
	default:
		t.fails[key] = fs[:len(fs)-1]
	}
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

// evict makes room for one key: it forgets stale keys, else the key whose last failure is
// oldest among those below the limit, else the oldest blocked one. So flooding the map
// with new keys does not lift a block before it fills the map with blocked keys.
func (t *throttle) evict() {
	cut := t.now().Add(-t.window)
	var oldest, oldestBlocked string
	var oldestAt, oldestBlockedAt time.Time
	for k, fs := range t.fails {
		last := fs[len(fs)-1]
		switch {
		case !last.After(cut):
			delete(t.fails, k)
		case len(fs) < t.max && (oldest == "" || last.Before(oldestAt)):
			oldest, oldestAt = k, last
		case len(fs) >= t.max && (oldestBlocked == "" || last.Before(oldestBlockedAt)):
			oldestBlocked, oldestBlockedAt = k, last
		}
	}
	if len(t.fails) < t.size {
		return
	}
	if oldest == "" {
		oldest = oldestBlocked
	}
	delete(t.fails, oldest)
}

// guard throttles one kind of request per account (the email address tried) and per
// client address. The two answer different questions: the account's limit bounds the
// guesses at one account, whoever makes them; the address's limit is higher, and what it
// refuses is up to its user (sign-in refuses only failures, so that many people behind
// one proxy are never locked out by one of them).
type guard struct {
	accounts, addresses *throttle
}

// newGuard returns a guard that allows perAccount and perAddress requests (or failures)
// within window, remembering at most size accounts and size addresses.
func newGuard(perAccount, perAddress int, window time.Duration, size int, now func() time.Time) guard {
	return guard{accounts: newThrottle(perAccount, window, size, now), addresses: newThrottle(perAddress, window, size, now)}
}

// accountKey is the key of the account an email address names, normalised as the
// accounts' addresses are. Input too long to be an address is kept as its hash, so a
// key is never large.
func accountKey(email string) string {
	e := strings.ToLower(strings.TrimSpace(email))
	if len(e) > 4*desk.MaxEmail {
		sum := sha256.Sum256([]byte(e))
		return "sha256:" + hex.EncodeToString(sum[:])
	}
	return e
}

// addressKey is the key of a client address: the address itself, or for IPv6 its /64
// network, since one subscriber usually has a whole /64 to pick addresses from.
func addressKey(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	if a = a.Unmap(); a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}
