package snapshot_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"meldpunt/internal/store/storetest"
	"meldpunt/internal/web/snapshot"
)

// BenchmarkHit is the snapshot's hit path alone: the policy's key, the lookup, the choice
// of encoding and the copy of the headers, for a fixed answer.
func BenchmarkHit(b *testing.B) {
	c := snapshot.New(snapshot.Options{Version: func(context.Context) (int64, error) { return 1, nil }})
	body := strings.Repeat("<p>status page</p>", 200)
	h := c.Wrap(snapshot.Policy{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, body)
	}))
	r := httptest.NewRequest("GET", "/status", nil)
	r.Header.Set("Accept-Encoding", "gzip, deflate, br")
	h.ServeHTTP(httptest.NewRecorder(), r) // the build
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		w := &discard{h: http.Header{}}
		for pb.Next() {
			clear(w.h)
			w.status, w.n = 0, 0
			h.ServeHTTP(w, r)
		}
		w.check(b)
	})
}

// BenchmarkServer is a request through the whole server (every middleware, no network) on
// SQLite with three public components, with and without the snapshot: what the snapshot
// saves per request.
func BenchmarkServer(b *testing.B) {
	db := storetest.Open(b, "sqlite")
	in := newInstance(b, db)
	seed(b, in.app)
	for _, path := range []string{"/status", "/api/v2/summary.json"} {
		for _, s := range []struct {
			name string
			h    http.Handler
		}{{"snapshot", in.srv.Config.Handler}, {"render", in.plain.Config.Handler}} {
			b.Run(strings.TrimPrefix(path, "/")+"/"+s.name, func(b *testing.B) {
				r := httptest.NewRequest("GET", path, nil)
				r.Header.Set("Accept-Encoding", "gzip")
				r.Header.Set("Accept-Language", "nl")
				s.h.ServeHTTP(httptest.NewRecorder(), r) // the build
				b.ReportAllocs()
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					w := &discard{h: http.Header{}}
					for pb.Next() {
						clear(w.h)
						w.status, w.n = 0, 0
						s.h.ServeHTTP(w, r)
					}
					if s.name == "snapshot" {
						w.check(b)
					}
				})
			})
		}
	}
}

// discard is a ResponseWriter that keeps the headers and the status and counts the bytes.
type discard struct {
	h      http.Header
	status int
	n      int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { d.n += len(b); return len(b), nil }
func (d *discard) WriteHeader(s int)           { d.status = s }

// check fails the benchmark unless the last answer was a 200 from the snapshot (an ETag)
// with a body: a benchmark of an error page measures nothing.
func (d *discard) check(b *testing.B) {
	b.Helper()
	if d.status == 0 && d.n == 0 && len(d.h) == 0 {
		return // this goroutine ran no iteration
	}
	if d.status != http.StatusOK || d.n == 0 || d.h.Get("ETag") == "" {
		b.Fatalf("the last answer: status %d, %d bytes, ETag %q; want a 200 from the snapshot", d.status, d.n, d.h.Get("ETag"))
	}
}
