package snapshot_test

import (
	"bufio"
	"bytes"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/i18n"
	"meldpunt/internal/store/storetest"
	"meldpunt/internal/web"
	"meldpunt/internal/web/server"
	"meldpunt/internal/web/snapshot"
)

// The listener's fast path: what a connection gets from it is byte for byte what net/http
// with Front answers (but for Date), and every request it does not fully understand reaches
// net/http, on the same connection, with every byte the client sent.

// fastPair is one Meldpunt served twice: behind the fast path and by net/http alone, both
// with the snapshot. passed counts the requests that reached the fast server's net/http.
type fastPair struct {
	fast, plain *httptest.Server
	ln          *snapshot.Listener
	cache       *snapshot.Cache
	passed      atomic.Int64
	world       world
}

func newFastPair(t testing.TB, o snapshot.ListenOptions) *fastPair {
	t.Helper()
	texts, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := app.New(storetest.Open(t, "sqlite"), time.Now, log, app.Config{BaseURL: "http://meldpunt.test",
		Argon2: app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}})
	cache := snapshot.New(snapshot.Options{Version: a.Components.PageVersion, Log: log, Header: web.EveryAnswer(false)})
	h := server.Handler(server.Config{BaseURL: "http://meldpunt.test", Texts: texts, Snapshot: cache}, a, log, prometheus.NewRegistry())
	p := &fastPair{world: seed(t, a), cache: cache}
	p.fast = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.passed.Add(1)
		h.ServeHTTP(w, r)
	}))
	o.Handler = h
	p.ln = cache.Listen(p.fast.Listener, o)
	p.fast.Listener = p.ln
	p.fast.Start()
	t.Cleanup(p.fast.Close)
	p.plain = httptest.NewServer(h)
	t.Cleanup(p.plain.Close)
	return p
}

// exchange writes raw on a new connection and reads n answers (to the methods given, for
// HEAD has no body). Then, when probe is set, it calls probe and asks once more on the same
// connection, and reports whether the server had closed it.
func exchange(t testing.TB, addr, raw string, probe func(), methods ...string) ([]string, bool) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second)) // a hung test fails instead of hanging
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	var out []string
	for _, m := range methods {
		res, err := http.ReadResponse(br, &http.Request{Method: m})
		if err != nil {
			t.Fatalf("%q: answer %d: %v", raw, len(out)+1, err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatalf("%q: answer %d body: %v", raw, len(out)+1, err)
		}
		out = append(out, normalise(res, body))
	}
	if probe == nil {
		return out, false
	}
	probe()
	if _, err := io.WriteString(conn, "GET /api/v2/status.json HTTP/1.1\r\nHost: meldpunt.test\r\n\r\n"); err != nil {
		return out, true
	}
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		return out, true
	}
	res.Body.Close()
	return out, false
}

// normalise writes an answer without the fields that differ from one answer to the next.
func normalise(res *http.Response, body []byte) string {
	var b strings.Builder
	b.WriteString(res.Proto + " " + res.Status + "\n")
	var keys []string
	for k := range res.Header {
		if k != "Date" && k != "X-Request-Id" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		b.WriteString(k + ": " + strings.Join(res.Header[k], " | ") + "\n")
	}
	b.WriteString("\n")
	b.Write(body)
	return b.String()
}

func TestFastPathAnswersAsNetHTTP(t *testing.T) {
	t.Parallel()
	p := newFastPair(t, snapshot.ListenOptions{IdleTimeout: time.Minute, ReadHeaderTimeout: 10 * time.Second})
	host := "Host: meldpunt.test\r\n"
	// Build the snapshots the fast path answers from: misses go through net/http.
	for _, lang := range []string{"nl", "en"} {
		for _, path := range append([]string{"/status"}, v2Routes...) {
			exchange(t, p.fast.Listener.Addr().String(), "GET "+path+" HTTP/1.1\r\n"+host+"Accept-Language: "+lang+"\r\n\r\n", nil, "GET")
		}
	}
	etag := fetch(t, "GET", p.plain.URL+"/status", "Accept-Encoding", "gzip", "Accept-Language", "nl").header.Get("ETag")
	cases := []struct {
		name    string
		raw     string
		methods []string
		fast    bool // answered without net/http
		closed  bool // the server closes the connection after the answers
		refused bool // net/http answers 400 before any handler
	}{
		{"plain", "GET /status HTTP/1.1\r\n" + host + "\r\n", []string{"GET"}, true, false, false},
		{"gzip", "GET /status HTTP/1.1\r\n" + host + "Accept-Encoding: gzip\r\n\r\n", []string{"GET"}, true, false, false},
		{"brotli, English", "GET /status HTTP/1.1\r\n" + host + "Accept-Encoding: gzip, br\r\nAccept-Language: en-GB,en;q=0.8\r\n\r\n", []string{"GET"}, true, false, false},
		{"language cookie", "GET /status HTTP/1.1\r\n" + host + "Cookie: lang=en\r\n\r\n", []string{"GET"}, true, false, false},
		{"not modified", "GET /status HTTP/1.1\r\n" + host + "Accept-Encoding: gzip\r\nIf-None-Match: " + etag + "\r\n\r\n", []string{"GET"}, true, false, false},
		{"HEAD", "HEAD /status HTTP/1.1\r\n" + host + "\r\n", []string{"HEAD"}, true, false, false},
		{"lower-case names, keep-alive", "GET /api/v2/summary.json HTTP/1.1\r\nhost: meldpunt.test\r\nconnection: keep-alive\r\naccept-encoding: br\r\n\r\n", []string{"GET"}, true, false, false},
		{"pipelined", "GET /status HTTP/1.1\r\n" + host + "\r\nGET /api/v2/status.json HTTP/1.1\r\n" + host + "\r\nHEAD /api/v2/components.json HTTP/1.1\r\n" + host + "\r\n", []string{"GET", "GET", "HEAD"}, true, false, false},

		// From here on net/http answers, on the same connection.
		{"fast, then a query, then fast", "GET /status HTTP/1.1\r\n" + host + "\r\nGET /status?lang=en HTTP/1.1\r\n" + host + "\r\nGET /status HTTP/1.1\r\n" + host + "\r\n", []string{"GET", "GET", "GET"}, false, false, false},
		{"fast, then a POST with a body", "GET /status HTTP/1.1\r\n" + host + "\r\nPOST /status/subscribe HTTP/1.1\r\n" + host + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 11\r\n\r\nemail=a%40b", []string{"GET", "POST"}, false, false, false},
		{"a route without a snapshot", "GET /status/history HTTP/1.1\r\n" + host + "\r\n", []string{"GET"}, false, false, false},
		{"an escape", "GET /st%61tus HTTP/1.1\r\n" + host + "\r\n", []string{"GET"}, false, false, false},
		{"absolute form", "GET http://meldpunt.test/status HTTP/1.1\r\n" + host + "\r\n", []string{"GET"}, false, false, false},
		{"HTTP/1.0", "GET /status HTTP/1.0\r\n" + host + "\r\n", []string{"GET"}, false, true, false},
		{"no Host", "GET /status HTTP/1.1\r\nAccept: */*\r\n\r\n", []string{"GET"}, false, true, true},
		{"two Hosts", "GET /status HTTP/1.1\r\n" + host + host + "\r\n", []string{"GET"}, false, true, true},
		{"space before the colon", "GET /status HTTP/1.1\r\nHost : meldpunt.test\r\n\r\n", []string{"GET"}, false, true, true},
		{"folded line", "GET /status HTTP/1.1\r\n" + host + "X-A: b\r\n c\r\n\r\n", []string{"GET"}, false, false, false},
		{"a control byte", "GET /status HTTP/1.1\r\n" + host + "X-A: b\x01c\r\n\r\n", []string{"GET"}, false, true, true},
		{"chunked", "GET /status HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", []string{"GET"}, false, false, false},
		{"Content-Length", "GET /status HTTP/1.1\r\n" + host + "Content-Length: 2\r\n\r\nhi", []string{"GET"}, false, false, false},
		{"Connection: close", "GET /status HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n", []string{"GET"}, false, true, false},
		{"a bad token", "GET /status HTTP/1.1\r\n" + host + "Authorization: Bearer nope\r\n\r\n", []string{"GET"}, false, false, false},
		{"a session cookie", "GET /status HTTP/1.1\r\n" + host + "Cookie: lang=en; meldpunt_session=nope\r\n\r\n", []string{"GET"}, false, false, false},
		{"a head longer than the fast path reads", "GET /status HTTP/1.1\r\n" + host + "X-Long: " + strings.Repeat("a", 9000) + "\r\n\r\n", []string{"GET"}, false, false, false},
		{"lower-case method", "get /status HTTP/1.1\r\n" + host + "\r\n", []string{"GET"}, false, false, false},
	}
	for _, tc := range cases {
		before, passed := p.passed.Load(), int64(0)
		got, gotClosed := exchange(t, p.fast.Listener.Addr().String(), tc.raw, func() { passed = p.passed.Load() - before }, tc.methods...)
		want, wantClosed := exchange(t, p.plain.Listener.Addr().String(), tc.raw, func() {}, tc.methods...)
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: answer %d differs from net/http's:\n%.600s\nwant\n%.600s", tc.name, i+1, got[i], want[i])
			}
		}
		if gotClosed != wantClosed || gotClosed != tc.closed {
			t.Errorf("%s: closed %v, net/http %v, want %v", tc.name, gotClosed, wantClosed, tc.closed)
		}
		if tc.fast && passed != 0 || !tc.fast && !tc.refused && passed == 0 {
			t.Errorf("%s: %d requests reached net/http", tc.name, passed)
		}
		if refused := strings.HasPrefix(got[0], "HTTP/1.1 400 "); refused != tc.refused {
			t.Errorf("%s: %.40q", tc.name, got[0])
		}
	}
	if got, _ := exchange(t, p.fast.Listener.Addr().String(), "GET /status HTTP/1.1\r\n"+host+"\r\n", nil, "GET"); !strings.HasPrefix(got[0], "HTTP/1.1 200 OK\n") || !strings.Contains(got[0], "Etag: ") {
		t.Fatalf("a hit: %.300s", got[0])
	}
}

// After a change the next request finds its snapshot stale: the fast path answers it through
// the server's handler, which builds the new one, and the connection stays on the fast path
// (handed over, every connection would end on net/http after a few changes).
func TestFastPathAfterAChange(t *testing.T) {
	t.Parallel()
	p := newFastPair(t, snapshot.ListenOptions{IdleTimeout: time.Minute, ReadHeaderTimeout: 10 * time.Second})
	// A route is known to the fast path from its first build on; until then its requests
	// go to net/http. Build both on a connection of its own.
	exchange(t, p.fast.Listener.Addr().String(), "GET /status HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v2/summary.json HTTP/1.1\r\nHost: x\r\n\r\n", nil, "GET", "GET")
	p.passed.Store(0)
	conn, err := net.Dial("tcp", p.fast.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	br := bufio.NewReader(conn)
	get := func(path string) string {
		t.Helper()
		if _, err := io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: meldpunt.test\r\nAccept-Language: en\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return normalise(res, body)
	}
	plain := func(path string) string {
		got, _ := exchange(t, p.plain.Listener.Addr().String(), "GET "+path+" HTTP/1.1\r\nHost: meldpunt.test\r\nAccept-Language: en\r\n\r\n", nil, "GET")
		return got[0]
	}
	builds := p.cache.Builds()
	for _, path := range []string{"/status", "/api/v2/summary.json"} {
		if a, b := get(path), get(path); a != b || a != plain(path) || !strings.HasPrefix(a, "HTTP/1.1 200 OK") {
			t.Fatalf("%s before the change: %.300s", path, a)
		}
	}
	setStatus(t, p.plain.URL, p.world.token, p.world.hosting.ID, desk.StatusMajorOutage)
	if err := p.cache.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/status", "/api/v2/summary.json"} {
		stale, hit := get(path), get(path)
		if stale != hit || stale != plain(path) {
			t.Fatalf("%s after the change:\n%.400s\nthen\n%.400s\nnet/http\n%.400s", path, stale, hit, plain(path))
		}
		if !strings.Contains(stale, "major") && !strings.Contains(stale, "Major") {
			t.Fatalf("%s does not show the change: %.600s", path, stale)
		}
	}
	if p.passed.Load() != 0 {
		t.Fatalf("%d requests reached net/http", p.passed.Load())
	}
	// The English page (built on this connection), then after the change the English page
	// and the document (which has one variant, built before).
	if n := p.cache.Builds() - builds; n != 3 {
		t.Fatalf("%d builds, want 3", n)
	}
}

// Close closes the connections that wait for a request (a whole one or the rest of one),
// and the server's shutdown ends; a head that stops coming is cut at ReadHeaderTimeout.
func TestFastPathClose(t *testing.T) {
	t.Parallel()
	p := newFastPair(t, snapshot.ListenOptions{IdleTimeout: time.Minute, ReadHeaderTimeout: 50 * time.Millisecond})
	addr := p.fast.Listener.Addr().String()
	exchange(t, addr, "GET /status HTTP/1.1\r\nHost: x\r\n\r\n", nil, "GET") // builds
	dial := func(raw string) net.Conn {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		_, _ = io.WriteString(conn, raw)
		_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
		return conn
	}
	slow := dial("GET /status HTTP/1.1\r\nHo")
	if _, err := slow.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("a head that stopped: %v, want the connection closed", err)
	}

	idle := dial("GET /status HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(idle)
	res, err := http.ReadResponse(br, nil)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("%v %v", res, err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	if p.passed.Load() != 1 {
		t.Fatalf("%d requests reached net/http, want the first only", p.passed.Load())
	}
	handed := dial("GET /login HTTP/1.1\r\nHost: x\r\n\r\n")
	if res, err := http.ReadResponse(bufio.NewReader(handed), nil); err != nil || res.StatusCode != 200 {
		t.Fatalf("handed over: %v %v", res, err)
	}
	p.fast.Close() // http.Server's Close: closes the Listener, and net/http's connections
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("an idle connection after Close: %v", err)
	}
	if _, err := handed.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("a handed-over connection after Close: %v", err)
	}
	p.ln.Wait()
	if _, err := net.Dial("tcp", addr); err == nil {
		t.Fatal("still accepting after Close")
	}
	if _, err := p.ln.Accept(); err == nil {
		t.Fatal("Accept after Close gives no error")
	}
}

// The fast path's hits are counted in Hits, as Front's are.
func TestFastPathCounts(t *testing.T) {
	t.Parallel()
	p := newFastPair(t, snapshot.ListenOptions{})
	addr := p.fast.Listener.Addr().String()
	exchange(t, addr, "GET /api/v2/summary.json HTTP/1.1\r\nHost: x\r\n\r\n", nil, "GET")
	got, _ := exchange(t, addr, strings.Repeat("GET /api/v2/summary.json HTTP/1.1\r\nHost: x\r\n\r\n", 5), nil, "GET", "GET", "GET", "GET", "GET")
	if p.passed.Load() != 1 {
		t.Fatalf("%d requests reached net/http", p.passed.Load())
	}
	for _, a := range got {
		if !strings.HasPrefix(a, "HTTP/1.1 200 OK\n") || !bytes.Contains([]byte(a), []byte(`"page"`)) {
			t.Fatalf("%.200s", a)
		}
	}
}

// BenchmarkFastPath is one connection asking for /api/v2/summary.json again and again, on
// the fast path and (plain) through net/http with Front; allocs/op counts the server's and
// this client's allocations (the client makes none: it reads into one buffer).
func BenchmarkFastPath(b *testing.B) {
	for _, name := range []string{"fast", "plain"} {
		b.Run(name, func(b *testing.B) {
			p := newFastPair(b, snapshot.ListenOptions{IdleTimeout: time.Minute, ReadHeaderTimeout: 10 * time.Second})
			srv := p.fast
			if name == "plain" {
				srv = p.plain
			}
			req := []byte("GET /api/v2/summary.json HTTP/1.1\r\nHost: meldpunt.test\r\nAccept-Encoding: gzip\r\n\r\n")
			// The miss that builds, on a connection of its own: a connection that had a
			// request for net/http stays with net/http.
			exchange(b, srv.Listener.Addr().String(), string(req), nil, "GET")
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Close()
			buf := make([]byte, 64<<10)
			ask := func() int {
				if _, err := conn.Write(req); err != nil {
					b.Fatal(err)
				}
				n := 0
				for { // the answer ends with the body: read until Content-Length is met
					m, err := conn.Read(buf[n:])
					if err != nil {
						b.Fatal(err)
					}
					n += m
					if i := bytes.Index(buf[:n], []byte("\r\n\r\n")); i >= 0 {
						cl := 0
						if j := bytes.Index(buf[:i], []byte("Content-Length: ")); j >= 0 {
							for _, c := range buf[j+16 : i] {
								if c < '0' || c > '9' {
									break
								}
								cl = cl*10 + int(c-'0')
							}
						}
						if n >= i+4+cl {
							return n
						}
					}
				}
			}
			ask()
			b.ReportAllocs()
			b.ResetTimer()
			before := p.passed.Load()
			for b.Loop() {
				ask()
			}
			if name == "fast" && p.passed.Load() != before {
				b.Fatalf("%d requests reached net/http", p.passed.Load()-before)
			}
		})
	}
}
