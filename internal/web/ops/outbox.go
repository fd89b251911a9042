package ops

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"meldpunt/internal/desk"
)

// outboxTimeout bounds the database read of one scrape.
const outboxTimeout = 2 * time.Second

var outboxDesc = prometheus.NewDesc("meldpunt_outbox_messages",
	"Messages in the outbox by delivery state: pending (waiting or retrying), sent, failed (set aside, waiting for an admin's retry), skipped.",
	[]string{"state"}, nil)

// outboxCollector reads the outbox's counts on every scrape.
type outboxCollector struct {
	count func(context.Context) (map[desk.DeliveryState]int, error)
}

// OutboxCollector returns a collector of meldpunt_outbox_messages{state}; count is
// app.OutboxStats. Alert on failed > 0, or pending growing. A scrape during a database
// outage reports the error (promhttp counts it) instead of stale numbers.
func OutboxCollector(count func(context.Context) (map[desk.DeliveryState]int, error)) prometheus.Collector {
	return outboxCollector{count: count}
}

func (c outboxCollector) Describe(ch chan<- *prometheus.Desc) { ch <- outboxDesc }

func (c outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), outboxTimeout)
	defer cancel()
	counts, err := c.count(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(outboxDesc, err)
		return
	}
	for _, s := range desk.DeliveryStates {
		ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, float64(counts[s]), string(s))
	}
}
