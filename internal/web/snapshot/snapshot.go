// Package snapshot serves the public status page and its /api/v2 documents from memory
// (issue 11, docs/status-page.md "Caching"). It wraps the existing handlers: on a miss it
// runs the handler once into a buffer and keeps the status, the headers and the bytes,
// compressed ahead of time with gzip and brotli; every next request for the same route and
// variant (the page's language) gets those bytes, with a strong ETag, until the status
// page's change counter moves or MaxAge passes. The handlers need not know: whatever they
// render is what is kept.
//
// Concurrent misses for one key build once; the others wait for that build. A build that
// fails with a server error while an older snapshot exists serves the older one (the page
// stays up while the database hiccups), and logs the error.
package snapshot

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultMaxAge is how long a snapshot is served at most, even when nothing changed: the page
// holds time-dependent text (a maintenance window that starts, "updated 3 minutes ago").
const DefaultMaxAge = 30 * time.Second

// DefaultPoll is how often Run reads the change counter: often enough that every instance
// serves a change within a second, while costing one tiny query.
const DefaultPoll = 250 * time.Millisecond

// DefaultCacheControl lets browsers and proxies keep an answer for 10 seconds: during an
// outage people press reload, and each reload within 10 seconds costs nothing; a change still
// reaches everyone within seconds, and a revalidation after that is a 304.
const DefaultCacheControl = "public, max-age=10"

// maxEntries caps the number of kept answers (routes × variants), so a flood of distinct
// URLs cannot fill memory; past it, answers are built per request as without a snapshot.
const maxEntries = 512

// buildTimeout bounds one build: a waiting crowd is never held longer.
const buildTimeout = 10 * time.Second

// Options configure a Cache.
type Options struct {
	// Version reads the change counter (app.Components.PageVersion): a snapshot is current
	// while the counter has not moved since it was built.
	Version func(ctx context.Context) (int64, error)
	// MaxAge is how long a snapshot is served at most; 0 means DefaultMaxAge.
	MaxAge time.Duration
	// CacheControl is the Cache-Control of every answer served from a snapshot; "" means
	// DefaultCacheControl.
	CacheControl string
	// Header is added to every answer served from a snapshot: the headers the server's
	// middleware sets on every answer (SecureHeaders), which an answer from Front skips.
	Header http.Header
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	Log *slog.Logger
}

// Cache holds the snapshots of the routes it wraps. Run keeps it current; Poke asks Run to
// look at once (after a write on this instance).
type Cache struct {
	version      func(ctx context.Context) (int64, error)
	maxAge       time.Duration
	cacheControl string
	header       http.Header
	now          func() time.Time
	log          *slog.Logger

	// seen is the newest counter value known: Refresh and every build raise it.
	seen atomic.Int64
	poke chan struct{}

	mu       sync.RWMutex
	entries  map[string]*entry
	inflight map[string]*call
	// routes are the policies of the paths that have a snapshot, for Front.
	routes map[string]*Policy
	builds atomic.Int64
	hits   atomic.Int64
	// eligible is what Front was given, for the listener's fast path (fast.go).
	eligible atomic.Pointer[func(*http.Request) bool]
}

// call is one build that concurrent misses for one key wait for.
type call struct {
	done chan struct{}
	e    *entry
	resp *response // the answer when it is not kept (not a 200, or personal)
}

// New returns an empty cache.
func New(o Options) *Cache {
	c := &Cache{version: o.Version, maxAge: o.MaxAge, cacheControl: o.CacheControl, header: o.Header, now: o.Now, log: o.Log,
		poke: make(chan struct{}, 1), entries: map[string]*entry{}, inflight: map[string]*call{}, routes: map[string]*Policy{}}
	if c.maxAge <= 0 {
		c.maxAge = DefaultMaxAge
	}
	if c.cacheControl == "" {
		c.cacheControl = DefaultCacheControl
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	c.seen.Store(-1 << 62)
	return c
}

// Builds counts the builds so far, for tests and the benchmark.
func (c *Cache) Builds() int64 { return c.builds.Load() }

// Hits counts the answers served from a snapshot (200, 304 and HEAD), for the metrics.
func (c *Cache) Hits() int64 { return c.hits.Load() }

// Poke asks Run to read the counter now: a write on this instance may have moved it. It
// never blocks.
func (c *Cache) Poke() {
	select {
	case c.poke <- struct{}{}:
	default:
	}
}

// Run reads the counter at every tick and every Poke until ctx is done; it returns then.
// cmd gives it a time.Ticker of DefaultPoll; tests drive Refresh themselves.
func (c *Cache) Run(ctx context.Context, tick <-chan time.Time) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
		case <-c.poke:
		}
		if err := c.Refresh(ctx); err != nil && ctx.Err() == nil {
			c.log.WarnContext(ctx, "status page snapshot: read the change counter", "err", err)
		}
	}
}

// Refresh reads the counter; when it moved, every snapshot is stale and the next request
// for each builds it anew. It also forgets snapshots nobody asked for in a while.
func (c *Cache) Refresh(ctx context.Context) error {
	v, err := c.version(ctx)
	if err != nil {
		return err
	}
	c.seen.Store(v) // not raise: a restored database may count from lower
	old := c.now().Add(-2 * c.maxAge)
	c.mu.Lock()
	for k, e := range c.entries {
		if e.built.Before(old) {
			delete(c.entries, k)
		}
	}
	live := map[string]bool{}
	for k := range c.entries {
		path, _, _ := strings.Cut(k, "\x00")
		live[path] = true // a host-bound key starts with its host: never a route's path
	}
	for path := range c.routes {
		if !live[path] {
			delete(c.routes, path)
		}
	}
	c.mu.Unlock()
	return nil
}

// raise makes v the newest known counter value unless a newer one is known.
func (c *Cache) raise(v int64) {
	for {
		cur := c.seen.Load()
		if v <= cur || c.seen.CompareAndSwap(cur, v) {
			return
		}
	}
}

// fresh tells whether e may be served now.
func (c *Cache) fresh(e *entry) bool {
	now := c.now()
	return e.version == c.seen.Load() && now.Sub(e.built) < c.maxAge || now.Before(e.until)
}

// retryWait is how long a snapshot whose rebuild failed is served before the next try, so
// that during a database outage requests are not queued behind one failing build after
// another.
const retryWait = 2 * time.Second

// retryLater keeps serving stale for retryWait: its rebuild failed.
func (c *Cache) retryLater(key string, stale *entry) *entry {
	e := *stale
	e.until = c.now().Add(retryWait)
	c.mu.Lock()
	c.entries[key] = &e
	c.mu.Unlock()
	return &e
}

// Policy says how one route's answers are shared.
type Policy struct {
	// Key returns the variant r asks for ("" for a route with one answer for everyone), and
	// false when r must be answered by the handler itself (a signed-in person whose page
	// differs, a query the snapshot does not know).
	Key func(r *http.Request) (key string, ok bool)
	// Prepare makes the request a variant is built with out of a copy of the first request
	// that asked for it: it sets what selects the variant (e.g. Accept-Language). The copy
	// has method GET, no query and no headers.
	Prepare func(r *http.Request, key string)
	// Vary is added to the Vary header of every answer served from the snapshot, with
	// Accept-Encoding (e.g. "Accept-Language, Cookie" for a page in two languages).
	Vary string
}

// Wrap returns h served from snapshots by p. A nil cache returns h itself.
func (c *Cache) Wrap(p Policy, h http.Handler) http.Handler {
	if c == nil {
		return h
	}
	pp := &p
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.ServeHTTP(w, r)
			return
		}
		variant := ""
		if p.Key != nil {
			var ok bool
			if variant, ok = p.Key(r); !ok {
				h.ServeHTTP(w, r)
				return
			}
		}
		key := r.URL.Path + "\x00" + variant
		host := hostBound(r.Pattern)
		if host {
			key = r.Host + key
		}
		c.mu.RLock()
		e := c.entries[key]
		c.mu.RUnlock()
		if e != nil && c.fresh(e) {
			e.serve(w, r)
			return
		}
		e, resp := c.build(r, key, variant, pp, h, e, host)
		if e != nil {
			e.serve(w, r)
			return
		}
		resp.write(w, r)
	})
}

// build makes the snapshot of key, or waits for the build another request started. It
// returns the entry to serve, or the handler's own answer when that is not kept.
func (c *Cache) build(r *http.Request, key, variant string, p *Policy, h http.Handler, stale *entry, host bool) (*entry, *response) {
	c.mu.Lock()
	if e := c.entries[key]; e != nil && c.fresh(e) { // built while we waited for the lock
		c.mu.Unlock()
		return e, nil
	}
	if cl, ok := c.inflight[key]; ok {
		c.mu.Unlock()
		<-cl.done
		return cl.e, cl.resp
	}
	cl := &call{done: make(chan struct{})}
	c.inflight[key] = cl
	c.mu.Unlock()

	defer func() {
		c.mu.Lock()
		delete(c.inflight, key)
		c.mu.Unlock()
		close(cl.done)
	}()
	c.builds.Add(1)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), buildTimeout)
	defer cancel()
	built := c.now()
	v, err := c.version(ctx)
	if err != nil {
		c.log.ErrorContext(ctx, "status page snapshot: read the change counter", "path", r.URL.Path, "err", err)
		if stale != nil {
			cl.e = c.retryLater(key, stale)
			return cl.e, nil
		}
		// Without the counter the answer cannot be kept; the handler answers as it would.
	}
	br := r.Clone(ctx)
	br.Method = http.MethodGet
	u := *r.URL
	u.RawQuery = ""
	br.URL = &u
	br.RequestURI = u.RequestURI()
	br.Header = http.Header{}
	br.Body = http.NoBody
	br.ContentLength = 0
	if p.Prepare != nil {
		p.Prepare(br, variant)
	}
	rec := newRecorder()
	h.ServeHTTP(rec, br)
	resp := rec.response()
	switch {
	case err == nil && resp.keepable():
		c.raise(v)
		cl.e = newEntry(resp, v, built, c.cacheControl, p.Vary, c.header, &c.hits)
		c.mu.Lock()
		if _, ok := c.entries[key]; ok || len(c.entries) < maxEntries {
			c.entries[key] = cl.e
			if !host {
				c.routes[r.URL.Path] = p
			}
		}
		c.mu.Unlock()
		return cl.e, nil
	case resp.status >= 500 && stale != nil:
		c.log.ErrorContext(ctx, "status page snapshot: build failed; serving the last one", "path", r.URL.Path, "status", resp.status)
		cl.e = c.retryLater(key, stale)
		return cl.e, nil
	}
	c.mu.Lock()
	delete(c.entries, key)
	c.mu.Unlock()
	cl.resp = resp
	return nil, resp
}

// hostBound tells whether a mux pattern ("GET status.example.nl/{$}") names a host: its
// answers are kept per host, and Front, which knows no routing, never serves them.
func hostBound(pattern string) bool {
	if _, rest, ok := strings.Cut(pattern, " "); ok {
		pattern = strings.TrimLeft(rest, " \t")
	}
	return pattern != "" && !strings.HasPrefix(pattern, "/")
}

// Front answers from a snapshot before next, the server's whole middleware chain, when it
// can: a GET or HEAD of a path that has a fresh snapshot for the request's variant, with no
// query, and which eligible accepts (the server refuses any request with credentials, which
// the chain must check: an invalid token is refused, a session may change the page).
// Everything else, and every miss, goes to next, where Wrap builds. An answer from Front
// carries Options.Header (the headers the middleware would set), is counted in Hits and is
// not logged one by one: during an outage thousands a second would drown the log.
func (c *Cache) Front(eligible func(*http.Request) bool, next http.Handler) http.Handler {
	if c == nil {
		return next
	}
	c.eligible.Store(&eligible)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if e := c.front(r, eligible); e != nil {
			e.serve(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// front returns the fresh snapshot that answers r before the middleware, or nil: r is a
// GET or HEAD without a query of a route with a snapshot, eligible accepts it, and the
// route's policy names a variant that has a fresh snapshot.
func (c *Cache) front(r *http.Request, eligible func(*http.Request) bool) *entry {
	e, _ := c.lookup(r, eligible)
	return e
}

// lookup is front, and also tells whether r is one a snapshot answers (shared) even when
// there is no fresh one for it now: the next build, for anyone, answers it.
func (c *Cache) lookup(r *http.Request, eligible func(*http.Request) bool) (e *entry, shared bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead || r.URL.RawQuery != "" || !eligible(r) {
		return nil, false
	}
	c.mu.RLock()
	p := c.routes[r.URL.Path]
	c.mu.RUnlock()
	if p == nil {
		return nil, false
	}
	variant := ""
	if p.Key != nil {
		var ok bool
		if variant, ok = p.Key(r); !ok {
			return nil, false
		}
	}
	c.mu.RLock()
	e = c.entries[r.URL.Path+"\x00"+variant]
	c.mu.RUnlock()
	if e == nil || !c.fresh(e) {
		return nil, true
	}
	return e, true
}
