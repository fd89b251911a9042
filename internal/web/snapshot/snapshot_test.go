package snapshot

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

// page is a handler whose answer a test controls: its body names the render count, so a
// test sees whether an answer was rendered anew.
type page struct {
	renders atomic.Int64
	status  atomic.Int64 // 0 means 200
	cookie  atomic.Bool
	// gate, when set, holds every render until it is closed; entered says one started.
	gate    chan struct{}
	entered chan struct{}
}

func (p *page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := p.renders.Add(1)
	if p.entered != nil {
		select {
		case p.entered <- struct{}{}:
		default:
		}
	}
	if p.gate != nil {
		<-p.gate
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Vary", "Accept-Language")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	if p.cookie.Load() {
		http.SetCookie(w, &http.Cookie{Name: "x", Value: "y"})
	}
	st := int(p.status.Load())
	if st == 0 {
		st = http.StatusOK
	}
	w.WriteHeader(st)
	// Long enough to compress; it names the method and headers the build saw.
	io.WriteString(w, strings.Repeat("status page ", 50)+"render "+itoa(n)+" lang="+r.Header.Get("Accept-Language")+" method="+r.Method+" query="+r.URL.RawQuery)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// clock is a time a test moves.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type fixture struct {
	cache   *Cache
	page    *page
	version atomic.Int64
	verErr  atomic.Bool
	clock   *clock
	h       http.Handler
}

var langPolicy = Policy{
	Key: func(r *http.Request) (string, bool) {
		if r.Header.Get("Authorization") != "" || r.URL.Query().Has("q") {
			return "", false
		}
		if strings.HasPrefix(r.Header.Get("Accept-Language"), "en") {
			return "en", true
		}
		return "nl", true
	},
	Prepare: func(r *http.Request, key string) { r.Header.Set("Accept-Language", key) },
	Vary:    "Accept-Language, Cookie",
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{page: &page{}, clock: &clock{now: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)}}
	f.version.Store(1)
	f.cache = New(Options{Now: f.clock.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Version: func(context.Context) (int64, error) {
			if f.verErr.Load() {
				return 0, io.ErrUnexpectedEOF
			}
			return f.version.Load(), nil
		}})
	f.h = f.cache.Wrap(langPolicy, f.page)
	return f
}

func (f *fixture) get(t *testing.T, method, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	return w
}

func TestServesOneRenderUntilTheCounterMoves(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	first := f.get(t, "GET", "/status").Body.String()
	if !strings.Contains(first, "render 1 lang=nl method=GET query=") {
		t.Fatalf("first answer: %q", first)
	}
	for range 3 {
		if got := f.get(t, "GET", "/status?lang=nl").Body.String(); got != first {
			t.Fatalf("a second request was rendered anew: %q", got)
		}
	}
	if en := f.get(t, "GET", "/status", "Accept-Language", "en-GB"); !strings.Contains(en.Body.String(), "render 2 lang=en") {
		t.Fatalf("English is its own variant: %q", en.Body.String())
	}
	// The counter moves; until Refresh reads it, the snapshot stands.
	f.version.Store(2)
	if got := f.get(t, "GET", "/status").Body.String(); got != first {
		t.Fatalf("rebuilt before the refresh: %q", got)
	}
	if err := f.cache.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := f.get(t, "GET", "/status").Body.String(); !strings.Contains(got, "render 3 lang=nl") {
		t.Fatalf("after the refresh: %q", got)
	}
	if f.cache.Builds() != 3 {
		t.Fatalf("%d builds, want 3", f.cache.Builds())
	}
}

func TestMaxAge(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.get(t, "GET", "/status")
	f.clock.Add(DefaultMaxAge - time.Second)
	if got := f.get(t, "GET", "/status").Body.String(); !strings.Contains(got, "render 1 ") {
		t.Fatalf("rebuilt before MaxAge: %q", got)
	}
	f.clock.Add(time.Second)
	if got := f.get(t, "GET", "/status").Body.String(); !strings.Contains(got, "render 2 ") {
		t.Fatalf("not rebuilt at MaxAge: %q", got)
	}
}

func TestBypass(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.get(t, "GET", "/status")
	for _, tc := range []struct {
		name   string
		target string
		header []string
	}{
		{"credentials", "/status", []string{"Authorization", "Bearer x"}},
		{"unknown query", "/status?q=1", nil},
	} {
		w := f.get(t, "GET", tc.target, tc.header...)
		if w.Header().Get("Cache-Control") != "no-store" || w.Header().Get("ETag") != "" {
			t.Errorf("%s: served from the snapshot: %v", tc.name, w.Header())
		}
	}
	if f.page.renders.Load() != 3 {
		t.Fatalf("%d renders, want 3 (one kept, two bypassing)", f.page.renders.Load())
	}
}

func TestConcurrentMissesBuildOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.page.gate = make(chan struct{})
	f.page.entered = make(chan struct{}, 1)
	var wg sync.WaitGroup
	bodies := make([]string, 16)
	wg.Go(func() { bodies[0] = f.get(t, "GET", "/status").Body.String() })
	<-f.page.entered // the first build is running, and holds the key
	for i := 1; i < len(bodies); i++ {
		wg.Go(func() { bodies[i] = f.get(t, "GET", "/status").Body.String() })
	}
	close(f.page.gate)
	wg.Wait()
	if n := f.page.renders.Load(); n != 1 {
		t.Fatalf("%d renders for 16 concurrent requests, want 1", n)
	}
	for i, b := range bodies {
		if b != bodies[0] || b == "" {
			t.Fatalf("answer %d differs: %q", i, b)
		}
	}
}

func TestHeadersEncodingsAndConditionalRequests(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	plain := f.get(t, "GET", "/status")
	body := plain.Body.Bytes()
	h := plain.Header()
	if h.Get("Cache-Control") != DefaultCacheControl || h.Get("Vary") != "Accept-Language, Cookie, Accept-Encoding" ||
		h.Get("Access-Control-Allow-Origin") != "*" || h.Get("Content-Encoding") != "" ||
		h.Get("Content-Length") != itoa(int64(len(body))) || !strings.HasPrefix(h.Get("ETag"), `"`) {
		t.Fatalf("headers: %v", h)
	}

	gz := f.get(t, "GET", "/status", "Accept-Encoding", "gzip, deflate")
	if gz.Header().Get("Content-Encoding") != "gzip" || gz.Header().Get("ETag") == h.Get("ETag") {
		t.Fatalf("gzip headers: %v", gz.Header())
	}
	zr, err := gzip.NewReader(gz.Body)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(zr); !bytes.Equal(b, body) {
		t.Fatalf("gzip decodes to %q", b)
	}
	br := f.get(t, "GET", "/status", "Accept-Encoding", "gzip, br")
	if br.Header().Get("Content-Encoding") != "br" {
		t.Fatalf("br headers: %v", br.Header())
	}
	if b, _ := io.ReadAll(brotli.NewReader(br.Body)); !bytes.Equal(b, body) {
		t.Fatalf("br decodes to %q", b)
	}

	head := f.get(t, "HEAD", "/status", "Accept-Encoding", "gzip")
	if head.Code != 200 || head.Body.Len() != 0 || head.Header().Get("Content-Length") != gz.Header().Get("Content-Length") ||
		head.Header().Get("ETag") != gz.Header().Get("ETag") {
		t.Fatalf("HEAD: %d %v %q", head.Code, head.Header(), head.Body)
	}

	etag := gz.Header().Get("ETag")
	for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, `"a",W/` + etag + `,"b"`, "*"} {
		w := f.get(t, "GET", "/status", "Accept-Encoding", "gzip", "If-None-Match", inm)
		if w.Code != http.StatusNotModified || w.Body.Len() != 0 || w.Header().Get("ETag") != etag ||
			w.Header().Get("Cache-Control") != DefaultCacheControl || w.Header().Get("Content-Length") != "" {
			t.Errorf("If-None-Match %s: %d %v", inm, w.Code, w.Header())
		}
	}
	// The identity ETag does not name the gzip bytes, nor an old one the new page.
	for _, inm := range []string{h.Get("ETag"), `"other"`, `W/"other"`} {
		if w := f.get(t, "GET", "/status", "Accept-Encoding", "gzip", "If-None-Match", inm); w.Code != 200 {
			t.Errorf("If-None-Match %s: %d", inm, w.Code)
		}
	}
	if f.page.renders.Load() != 1 {
		t.Fatalf("%d renders, want 1", f.page.renders.Load())
	}
}

func TestChooseEncoding(t *testing.T) {
	t.Parallel()
	names := map[int]string{encBrotli: "br", encGzip: "gzip", encIdentity: "identity"}
	for _, tc := range []struct{ header, want string }{
		{"gzip", "gzip"},
		{"br", "br"},
		{"gzip, deflate, br", "br"},
		{"gzip;q=1.0, br;q=0.5", "gzip"},
		{"br;q=0", "identity"},
		{"br;q=0.9", "br"},
		{"br;q=0, gzip", "gzip"},
		{"gzip;q=0, br;q=0", "identity"},
		{"GZIP", "gzip"},
		{"x-gzip", "gzip"},
		{"*", "br"},
		{"*;q=0.5, br;q=0", "gzip"},
		{"identity;q=1, gzip;q=0.5", "identity"},
		{"identity;q=0, *;q=0", "identity"}, // nothing acceptable: identity anyway
		{"deflate", "identity"},
		{"gzip;q=bad", "identity"},
		{"gzip;q=2", "identity"},
		{" gzip ; q=0.8 , br ; q=0.9", "br"},
	} {
		if got := names[chooseEncoding(tc.header, true, true)]; got != tc.want {
			t.Errorf("%q: %s, want %s", tc.header, got, tc.want)
		}
	}
	if got := chooseEncoding("br, gzip", false, true); got != encGzip {
		t.Errorf("without br bytes: %s", names[got])
	}
}

func TestWhatIsNotKept(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.page.status.Store(404)
	if w := f.get(t, "GET", "/status"); w.Code != 404 || w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("a 404: %d %v", w.Code, w.Header())
	}
	f.page.status.Store(0)
	f.page.cookie.Store(true)
	if w := f.get(t, "GET", "/status"); w.Header().Get("Set-Cookie") == "" || w.Header().Get("ETag") != "" {
		t.Fatalf("an answer that sets a cookie was kept: %v", w.Header())
	}
	f.page.cookie.Store(false)
	f.get(t, "GET", "/status")
	f.get(t, "GET", "/status")
	if n := f.page.renders.Load(); n != 3 {
		t.Fatalf("%d renders, want 3", n)
	}
}

// A cookie set before the snapshot answers (the language switch's) makes the answer
// private: no shared cache may hand that cookie to others.
func TestSetCookieBeforeMakesItPrivate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := httptest.NewRequest("GET", "/status?lang=en", nil)
	w := httptest.NewRecorder()
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: "en"})
	f.h.ServeHTTP(w, r)
	if w.Header().Get("Cache-Control") != "private, no-cache" || w.Header().Get("ETag") == "" {
		t.Fatalf("headers: %v", w.Header())
	}
	if got := f.get(t, "GET", "/status").Header().Get("Cache-Control"); got != DefaultCacheControl {
		t.Fatalf("the next answer: %s", got)
	}
}

// When a rebuild fails, the last good snapshot is served and the failure logged; the page
// stays up while the database does not answer.
func TestServesTheLastSnapshotWhenARebuildFails(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	good := f.get(t, "GET", "/status").Body.String()
	f.clock.Add(DefaultMaxAge)
	f.page.status.Store(500)
	if w := f.get(t, "GET", "/status"); w.Code != 200 || w.Body.String() != good {
		t.Fatalf("after a failed rebuild: %d %q", w.Code, w.Body)
	}
	// It is not tried again at once…
	f.get(t, "GET", "/status")
	if n := f.page.renders.Load(); n != 2 {
		t.Fatalf("%d renders, want 2", n)
	}
	// …but after retryWait; the counter does not answer either, which also serves the last.
	f.clock.Add(retryWait)
	f.verErr.Store(true)
	if w := f.get(t, "GET", "/status"); w.Code != 200 || w.Body.String() != good {
		t.Fatalf("without the counter: %d %q", w.Code, w.Body)
	}
	f.verErr.Store(false)
	f.page.status.Store(0)
	f.clock.Add(retryWait)
	if got := f.get(t, "GET", "/status").Body.String(); !strings.Contains(got, "render 3 ") {
		t.Fatalf("after the database is back: %q", got)
	}
}

// Run reads the counter at each tick and at each Poke.
func TestRun(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	tick := make(chan time.Time) // unbuffered: the second send waits until the first refresh is done
	done := make(chan struct{})
	go func() { defer close(done); f.cache.Run(ctx, tick) }()
	f.get(t, "GET", "/status")
	f.version.Store(2)
	tick <- time.Time{}
	tick <- time.Time{}
	if got := f.get(t, "GET", "/status").Body.String(); !strings.Contains(got, "render 2 ") {
		t.Fatalf("after a tick: %q", got)
	}
	cancel()
	<-done
}

func TestPokeNeverBlocks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for range 3 {
		f.cache.Poke() // nobody runs: the first fills the slot, the others are dropped
	}
	if len(f.cache.poke) != 1 {
		t.Fatalf("%d pokes waiting", len(f.cache.poke))
	}
}

func TestNilCacheWrapsNothing(t *testing.T) {
	t.Parallel()
	var c *Cache
	p := &page{}
	if h := c.Wrap(Policy{}, p); h != http.Handler(p) {
		t.Fatal("a nil cache wrapped the handler")
	}
}

// A route bound to a host (the status page at / of its own host name) is kept per host, and
// Front, which knows nothing of routing, never answers it: "/" of another host is another page.
func TestHostBoundRoutes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mux := http.NewServeMux()
	mux.Handle("GET status.example.nl/{$}", f.h)
	mux.Handle("GET /{$}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "desk home") }))
	front := f.cache.Front(func(*http.Request) bool { return true }, mux)
	get := func(host string) string {
		r := httptest.NewRequest("GET", "http://"+host+"/", nil)
		w := httptest.NewRecorder()
		front.ServeHTTP(w, r)
		return w.Body.String()
	}
	for range 2 {
		if got := get("status.example.nl"); !strings.Contains(got, "render 1 ") {
			t.Fatalf("status host: %q", got)
		}
		if got := get("desk.example.nl"); got != "desk home" {
			t.Fatalf("desk host: %q", got)
		}
	}
	for _, tc := range []struct {
		pattern string
		want    bool
	}{{"GET /status", false}, {"/status", false}, {"GET status.example.nl/{$}", true}, {"example.nl/", true}, {"", false}} {
		if got := hostBound(tc.pattern); got != tc.want {
			t.Errorf("hostBound(%q) = %v", tc.pattern, got)
		}
	}
}

// Front answers a fresh snapshot itself, with Options.Header, and sends everything else on.
func TestFront(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.cache.header = http.Header{"X-Frame-Options": {"DENY"}}
	var passed atomic.Int64
	front := f.cache.Front(func(r *http.Request) bool { return r.Header.Get("Cookie") == "" }, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		passed.Add(1)
		f.h.ServeHTTP(w, r)
	}))
	do := func(method, target string, header ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, target, nil)
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		w := httptest.NewRecorder()
		front.ServeHTTP(w, r)
		return w
	}
	do("GET", "/status") // the miss goes through, and builds
	if w := do("GET", "/status"); w.Header().Get("X-Frame-Options") != "DENY" || passed.Load() != 1 {
		t.Fatalf("a hit: %v, %d passed", w.Header(), passed.Load())
	}
	do("HEAD", "/status")
	do("GET", "/status", "Accept-Language", "en") // a new variant: a miss
	do("GET", "/status", "Accept-Language", "en")
	if passed.Load() != 2 {
		t.Fatalf("%d passed, want 2", passed.Load())
	}
	do("GET", "/status?lang=en")
	do("GET", "/status", "Cookie", "session=1")
	do("POST", "/status")
	do("GET", "/other")
	f.version.Store(2)
	f.cache.Refresh(context.Background())
	do("GET", "/status") // stale: through
	if passed.Load() != 7 {
		t.Fatalf("%d passed, want 7", passed.Load())
	}
	if f.cache.Hits() < 3 {
		t.Fatalf("%d hits", f.cache.Hits())
	}
}
