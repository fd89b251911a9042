package store

import (
	"context"
	"encoding/json"
	"time"

	"meldpunt/internal/desk"
)

// What the monitors' API and metrics read beyond the engine's store (monitor.go): a page of
// results before a time, and every monitor's current state in one query.

// MonitorResultsBefore lists a monitor's raw results before the time, newest first, at
// most limit: the next page after a page that ended at before.
func (t *tx) MonitorResultsBefore(ctx context.Context, id int64, before time.Time, limit int) ([]desk.MonitorResult, error) {
	return list(ctx, t, "list monitor results", func(r row) (desk.MonitorResult, error) {
		res := desk.MonitorResult{MonitorID: id}
		err := scanMonitorResult(r, &res)
		return res, err
	}, "SELECT at, status, ms, error FROM monitor_results WHERE monitor_id = $1 AND at < $2 ORDER BY at DESC LIMIT $3",
		id, millis(before), max(limit, 1))
}

// MonitorGauges returns every monitor with its component's name and its current state, by
// id, in one query: what a scrape of the metrics reads.
func (t *tx) MonitorGauges(ctx context.Context) ([]desk.MonitorGauge, error) {
	return list(ctx, t, "list monitor gauges", func(r row) (desk.MonitorGauge, error) {
		var g desk.MonitorGauge
		var lastAt, lastMS int64
		var evidence string
		err := r.Scan(&g.ID, &g.Name, &g.Kind, &g.Enabled, &g.Component, &g.Status, &lastAt, &lastMS, &evidence)
		if lastAt != 0 {
			g.LastAt = fromMillis(lastAt)
		}
		g.LastDuration = time.Duration(lastMS) * time.Millisecond
		if evidence != "" {
			_ = json.Unmarshal([]byte(evidence), &g.LastEvidence)
		}
		return g, err
	}, `SELECT m.id, m.name, m.kind, m.enabled, c.name, COALESCE(s.status, 'up'), COALESCE(s.last_at, 0),
		COALESCE(s.last_ms, 0), COALESCE(s.last_evidence, '')
		FROM monitors m JOIN components c ON c.id = m.component_id LEFT JOIN monitor_state s ON s.monitor_id = m.id
		ORDER BY m.id`)
}
