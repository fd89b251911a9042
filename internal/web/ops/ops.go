// Package ops serves what operators and orchestrators ask: liveness, readiness, metrics.
// None of it needs signing in, and none of it tells more than "up" or "not ready": a load
// balancer or Prometheus reads these, so they carry no internals.
package ops

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"meldpunt/internal/web"
)

// ReadyTimeout is how long /readyz waits for the database before it answers 503.
const ReadyTimeout = 2 * time.Second

// Pinger tells whether the database answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Register adds /healthz, /readyz and /metrics to mux.
//
//   - GET /healthz answers 200 "ok" while the process serves HTTP; it never touches the
//     database, so an orchestrator does not restart a healthy process during a database
//     outage.
//   - GET /readyz answers 200 when the database answers within ReadyTimeout, and 503 with a
//     short JSON reason otherwise, so a load balancer sends traffic elsewhere.
//   - GET /metrics serves reg in the Prometheus exposition format.
func Register(mux *web.Mux, db Pinger, reg *prometheus.Registry) {
	mux.HandleFunc("GET /healthz", healthz)
	mux.Handle("GET /readyz", readyz(db, ReadyTimeout))
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		Registry:      reg, // counts failed scrapes in promhttp_metric_handler_errors_total
		ErrorHandling: promhttp.ContinueOnError,
	}))
}

func healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
}

// readiness is the body of a /readyz answer.
type readiness struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// readyz answers whether the database answers within timeout. The reason it gives is one
// of two fixed phrases: the error itself may name hosts or users, and stays out. It answers
// in time even when a Ping ignores its context.
func readyz(db Pinger, timeout time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		done := make(chan error, 1) // buffered: a late Ping still ends its goroutine
		go func() { done <- db.Ping(ctx) }()
		var err error
		select {
		case err = <-done:
		case <-ctx.Done():
			err = ctx.Err()
		}
		status, body := http.StatusOK, readiness{Status: "ready"}
		if err != nil {
			status, body = http.StatusServiceUnavailable, readiness{Status: "unavailable", Reason: "the database does not answer"}
			if errors.Is(err, context.DeadlineExceeded) {
				body.Reason = "the database did not answer within " + timeout.String()
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(body)
	})
}
