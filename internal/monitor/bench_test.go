package monitor

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"
)

// BenchmarkRunHTTP measures one HTTP check against a loopback server, as the scheduler runs
// it: settings read from JSON, the request, the verdict. "fresh" dials a connection per
// check (the default); "keepalive" reuses them (Checker.KeepAlives). docs/monitors.md
// gives the figures and the choice.
func BenchmarkRunHTTP(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"status":{"indicator":"none"},"message":"all good"}`)
	}))
	b.Cleanup(srv.Close)
	for _, bc := range []struct {
		name     string
		keep     bool
		settings string
	}{
		{"fresh", false, `{"url":"` + srv.URL + `/health"}`},
		{"fresh/keyword", false, `{"url":"` + srv.URL + `/health","keyword":"all good"}`},
		{"keepalive", true, `{"url":"` + srv.URL + `/health"}`},
		{"keepalive/keyword", true, `{"url":"` + srv.URL + `/health","keyword":"all good"}`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := &Checker{KeepAlives: bc.keep}
			s := []byte(bc.settings)
			ctx := context.Background()
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				if r := c.Run(ctx, KindHTTP, s, 5*time.Second); r.Status != Up {
					b.Fatalf("%s: %s", r.Status, r.Error)
				}
			}
			// The process's CPU time per check: the check and the loopback server's side.
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// cpuTime is the CPU time (user and system) the process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
