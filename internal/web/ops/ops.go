// Package ops serves what operators and orchestrators ask: liveness, readiness, metrics.
package ops

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"meldpunt/internal/web"
)

// Pinger tells whether the database answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Register adds /healthz, /readyz and /metrics to mux.
func Register(mux *web.Mux, db Pinger, reg *prometheus.Registry) {
}
