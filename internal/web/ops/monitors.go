package ops

import (
	"context"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"meldpunt/internal/desk"
)

// The monitors' metrics (docs/monitors.md "Metrics"). A scrape reads every monitor's state
// from the database in one query: nothing is kept in memory between scrapes, so a deleted
// monitor's series end with it. The labels are the monitor's id, name, component and kind,
// all bounded by the monitors an admin defines: no URL, no error text.

// monitorTimeout bounds the database read of one scrape.
const monitorTimeout = 2 * time.Second

var monitorLabels = []string{"monitor_id", "monitor", "component", "kind"}

var (
	monitorUpDesc = prometheus.NewDesc("meldpunt_monitor_up",
		"The monitor's verdict after hysteresis: 1 up, 0.5 degraded (slow, or a supplier's partial trouble), 0 down. Disabled monitors are left out.",
		monitorLabels, nil)
	monitorResponseDesc = prometheus.NewDesc("meldpunt_monitor_response_seconds",
		"How long the monitor's last check took, in seconds; absent before the first check and for heartbeats.",
		monitorLabels, nil)
	monitorLastCheckDesc = prometheus.NewDesc("meldpunt_monitor_last_check_timestamp_seconds",
		"When the monitor was last checked (or a heartbeat last judged), Unix seconds; absent before the first check.",
		monitorLabels, nil)
	monitorCertDesc = prometheus.NewDesc("meldpunt_monitor_certificate_expiry_timestamp_seconds",
		"When the certificate the monitor's last check saw expires, Unix seconds: tls monitors, and http and smtp monitors over TLS.",
		monitorLabels, nil)
)

// certEvidence are the keys of a check's evidence that hold a certificate's expiry
// (RFC 3339): a tls check's, and an http or smtp check's over TLS.
var certEvidence = []string{"not_after", "cert_not_after"}

type monitorCollector struct {
	read func(context.Context) ([]desk.MonitorGauge, error)
}

// MonitorCollector returns the collector of the monitors' metrics; read is
// app.Monitors.Gauges. A scrape during a database outage reports the error (promhttp
// counts it) instead of stale numbers.
func MonitorCollector(read func(context.Context) ([]desk.MonitorGauge, error)) prometheus.Collector {
	return monitorCollector{read: read}
}

func (c monitorCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- monitorUpDesc
	ch <- monitorResponseDesc
	ch <- monitorLastCheckDesc
	ch <- monitorCertDesc
}

func (c monitorCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), monitorTimeout)
	defer cancel()
	gs, err := c.read(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(monitorUpDesc, err)
		return
	}
	for _, g := range gs {
		if !g.Enabled {
			continue
		}
		labels := []string{strconv.FormatInt(g.ID, 10), g.Name, g.Component, g.Kind}
		ch <- prometheus.MustNewConstMetric(monitorUpDesc, prometheus.GaugeValue, upValue(g.Status), labels...)
		if g.LastAt.IsZero() {
			continue
		}
		ch <- prometheus.MustNewConstMetric(monitorLastCheckDesc, prometheus.GaugeValue, float64(g.LastAt.UnixMilli())/1000, labels...)
		if g.Kind != desk.KindHeartbeat {
			ch <- prometheus.MustNewConstMetric(monitorResponseDesc, prometheus.GaugeValue, g.LastDuration.Seconds(), labels...)
		}
		for _, k := range certEvidence {
			if t, err := time.Parse(time.RFC3339, g.LastEvidence[k]); err == nil {
				ch <- prometheus.MustNewConstMetric(monitorCertDesc, prometheus.GaugeValue, float64(t.Unix()), labels...)
				break
			}
		}
	}
}

// upValue is a verdict as meldpunt_monitor_up gives it.
func upValue(v desk.MonitorVerdict) float64 {
	switch v {
	case desk.MonitorDown:
		return 0
	case desk.MonitorDegraded:
		return 0.5
	}
	return 1
}

// MonitorLag returns the histogram meldpunt_monitor_check_lag_seconds, which the monitor
// scheduler (jobs.MonitorScheduler.Lag) tells how late each check started against its due
// time. Its buckets are fine below a second, where a scheduler that keeps up lies, and
// reach to five minutes, where one that does not ends up; 5 s is a bucket's edge, so
// the share of checks later than that is read exactly.
func MonitorLag() prometheus.Histogram {
	return prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "meldpunt_monitor_check_lag_seconds",
		Help:    "How late monitor checks started on this instance against the time they were due, in seconds.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300},
	})
}
