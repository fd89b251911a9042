package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"meldpunt/internal/desk"
)

// Monitors (issue 12, 0018_monitors.sql): their definitions, their state with the lease
// that schedules them, their results, and the hourly and daily aggregates of the results.

const monitorMissing = "the monitor's component or supplier does not exist"

const monitorSelect = `SELECT id, component_id, supplier_id, name, kind, settings, interval_ms, timeout_ms,
	fail_after, recover_after, enabled, heartbeat_hash, created_at, updated_at FROM monitors`

func scanMonitor(r row) (desk.Monitor, error) {
	var m desk.Monitor
	var supplier sql.NullInt64
	var settings string
	var interval, timeout, created, updated int64
	var hash []byte
	err := r.Scan(&m.ID, &m.ComponentID, &supplier, &m.Name, &m.Kind, &settings, &interval, &timeout,
		&m.FailAfter, &m.RecoverAfter, &m.Enabled, &hash, &created, &updated)
	m.SupplierID = fromNullID(supplier)
	m.Settings = json.RawMessage(settings)
	m.Interval, m.Timeout = time.Duration(interval)*time.Millisecond, time.Duration(timeout)*time.Millisecond
	if len(hash) > 0 {
		m.HeartbeatHash = hash
	}
	m.CreatedAt, m.UpdatedAt = fromMillis(created), fromMillis(updated)
	return m, err
}

func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

func settingsText(s json.RawMessage) string {
	if len(s) == 0 {
		return "{}"
	}
	return string(s)
}

// CreateMonitor stores a monitor and its state, first due at firstDue, and sets its ID.
func (t *tx) CreateMonitor(ctx context.Context, m *desk.Monitor, firstDue func(id int64) time.Time) error {
	id, err := t.insert(ctx, `INSERT INTO monitors (component_id, supplier_id, name, kind, settings, interval_ms,
		timeout_ms, fail_after, recover_after, enabled, heartbeat_hash, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		m.ComponentID, nullID(m.SupplierID), m.Name, m.Kind, settingsText(m.Settings), m.Interval.Milliseconds(),
		m.Timeout.Milliseconds(), m.FailAfter, m.RecoverAfter, m.Enabled, nullBytes(m.HeartbeatHash),
		millis(m.CreatedAt), millis(m.UpdatedAt))
	if err != nil {
		return writeErr(err, "create monitor", "", monitorMissing)
	}
	m.ID = id
	_, err = t.exec(ctx, "INSERT INTO monitor_state (monitor_id, next_due_at) VALUES ($1, $2)", id, millis(firstDue(id)))
	if err != nil {
		return fmt.Errorf("create monitor state: %w", err)
	}
	return nil
}

// Monitor returns the monitor with that id.
func (t *tx) Monitor(ctx context.Context, id int64) (desk.Monitor, error) {
	m, err := scanMonitor(t.queryRow(ctx, monitorSelect+" WHERE id = $1", id))
	if err != nil {
		return desk.Monitor{}, readErr(err, "read monitor", "monitor")
	}
	return m, nil
}

// MonitorByHeartbeat returns the heartbeat monitor whose token has that hash.
func (t *tx) MonitorByHeartbeat(ctx context.Context, hash []byte) (desk.Monitor, error) {
	m, err := scanMonitor(t.queryRow(ctx, monitorSelect+" WHERE heartbeat_hash = $1", hash))
	if err != nil {
		return desk.Monitor{}, readErr(err, "read monitor", "monitor")
	}
	return m, nil
}

// Monitors lists the monitors by name; componentID 0 lists all, otherwise the component's.
func (t *tx) Monitors(ctx context.Context, componentID int64) ([]desk.Monitor, error) {
	if componentID != 0 {
		return list(ctx, t, "list monitors", scanMonitor, monitorSelect+" WHERE component_id = $1 ORDER BY lower(name), id", componentID)
	}
	return list(ctx, t, "list monitors", scanMonitor, monitorSelect+" ORDER BY lower(name), id")
}

// MonitorsByID lists the monitors with those ids, by id.
func (t *tx) MonitorsByID(ctx context.Context, ids []int64) ([]desk.Monitor, error) {
	if len(ids) == 0 {
		return []desk.Monitor{}, nil
	}
	return list(ctx, t, "list monitors", scanMonitor, monitorSelect+" WHERE id IN ("+placeholders(1, len(ids))+") ORDER BY id", anys(ids)...)
}

// UpdateMonitor stores every field but the creation and the heartbeat hash.
func (t *tx) UpdateMonitor(ctx context.Context, m *desk.Monitor) error {
	res, err := t.exec(ctx, `UPDATE monitors SET component_id = $2, supplier_id = $3, name = $4, kind = $5, settings = $6,
		interval_ms = $7, timeout_ms = $8, fail_after = $9, recover_after = $10, enabled = $11, updated_at = $12
		WHERE id = $1`,
		m.ID, m.ComponentID, nullID(m.SupplierID), m.Name, m.Kind, settingsText(m.Settings), m.Interval.Milliseconds(),
		m.Timeout.Milliseconds(), m.FailAfter, m.RecoverAfter, m.Enabled, millis(m.UpdatedAt))
	if err != nil {
		return writeErr(err, "update monitor", "", monitorMissing)
	}
	return mustAffect(res, "update monitor", "monitor")
}

// DeleteMonitor deletes a monitor with its state and history.
func (t *tx) DeleteMonitor(ctx context.Context, id int64) error {
	for _, q := range []string{
		"DELETE FROM monitor_results WHERE monitor_id = $1",
		"DELETE FROM monitor_hourly WHERE monitor_id = $1",
		"DELETE FROM monitor_daily WHERE monitor_id = $1",
		"DELETE FROM monitor_state WHERE monitor_id = $1",
	} {
		if _, err := t.exec(ctx, q, id); err != nil {
			return fmt.Errorf("delete monitor: %w", err)
		}
	}
	res, err := t.exec(ctx, "DELETE FROM monitors WHERE id = $1", id)
	if err != nil {
		return fmt.Errorf("delete monitor: %w", err)
	}
	return mustAffect(res, "delete monitor", "monitor")
}

const stateSelect = `SELECT monitor_id, status, fails, oks, last_at, last_status, last_ms, last_error, last_evidence,
	last_component_status, last_beat_at, down_since, incident_id, next_due_at, lease_owner, lease_until, version FROM monitor_state`

func scanState(r row) (desk.MonitorState, error) {
	var s desk.MonitorState
	var lastAt, lastMS, due, until, beat int64
	var evidence string
	var down, incident sql.NullInt64
	err := r.Scan(&s.MonitorID, &s.Status, &s.Fails, &s.Oks, &lastAt, &s.LastStatus, &lastMS, &s.LastError, &evidence,
		&s.LastComponentStatus, &beat, &down, &incident, &due, &s.LeaseOwner, &until, &s.Version)
	if lastAt != 0 {
		s.LastAt = fromMillis(lastAt)
	}
	s.LastDuration = time.Duration(lastMS) * time.Millisecond
	if beat != 0 {
		s.LastBeatAt = fromMillis(beat)
	}
	if evidence != "" {
		_ = json.Unmarshal([]byte(evidence), &s.LastEvidence)
	}
	s.DownSince, s.IncidentID = fromNullMillis(down), fromNullID(incident)
	s.NextDueAt, s.LeaseUntil = fromMillis(due), fromMillis(until)
	return s, err
}

// MonitorState returns a monitor's state.
func (t *tx) MonitorState(ctx context.Context, id int64) (desk.MonitorState, error) {
	s, err := scanState(t.queryRow(ctx, stateSelect+" WHERE monitor_id = $1", id))
	if err != nil {
		return desk.MonitorState{}, readErr(err, "read monitor state", "monitor")
	}
	return s, nil
}

// MonitorStates returns the states of the monitors with those ids, by id.
func (t *tx) MonitorStates(ctx context.Context, ids []int64) ([]desk.MonitorState, error) {
	if len(ids) == 0 {
		return []desk.MonitorState{}, nil
	}
	return list(ctx, t, "list monitor states", scanState, stateSelect+" WHERE monitor_id IN ("+placeholders(1, len(ids))+") ORDER BY monitor_id", anys(ids)...)
}

// ComponentVerdicts lists the states of the component's enabled monitors.
func (t *tx) ComponentVerdicts(ctx context.Context, componentID int64) ([]desk.MonitorState, error) {
	return list(ctx, t, "list component verdicts", scanState, stateSelect+
		" WHERE monitor_id IN (SELECT id FROM monitors WHERE component_id = $1 AND enabled = $2) ORDER BY monitor_id", componentID, true)
}

// SaveMonitorState stores s if its version is still the stored one, and moves the version
// on. With owner set (the scheduler), also only while owner holds the monitor's lease, and
// ends the lease. False (and no change) when the state moved meanwhile or the lease is gone.
func (t *tx) SaveMonitorState(ctx context.Context, s *desk.MonitorState, owner string) (bool, error) {
	evidence := ""
	if len(s.LastEvidence) > 0 {
		b, err := json.Marshal(s.LastEvidence)
		if err != nil {
			return false, fmt.Errorf("save monitor state: %w", err)
		}
		evidence = string(b)
	}
	var lastAt, beat int64
	if !s.LastAt.IsZero() {
		lastAt = millis(s.LastAt)
	}
	if !s.LastBeatAt.IsZero() {
		beat = millis(s.LastBeatAt)
	}
	args := []any{s.MonitorID, s.Version, string(s.Status), s.Fails, s.Oks, lastAt, string(s.LastStatus),
		s.LastDuration.Milliseconds(), clip(s.LastError, 1000), evidence, string(s.LastComponentStatus),
		nullMillis(s.DownSince), nullID(s.IncidentID), millis(s.NextDueAt), beat}
	q := `UPDATE monitor_state SET status = $3, fails = $4, oks = $5, last_at = $6, last_status = $7, last_ms = $8,
		last_error = $9, last_evidence = $10, last_component_status = $11, down_since = $12, incident_id = $13,
		next_due_at = $14, last_beat_at = $15, version = version + 1`
	if owner != "" {
		q += `, lease_owner = '', lease_until = 0 WHERE monitor_id = $1 AND version = $2 AND lease_owner = $16`
		args = append(args, owner)
	} else {
		q += ` WHERE monitor_id = $1 AND version = $2`
	}
	ok, err := t.changed(ctx, "save monitor state", q, args...)
	if ok {
		s.Version++
		s.LeaseOwner, s.LeaseUntil = "", time.UnixMilli(0).UTC()
	}
	return ok, err
}

// RescheduleMonitor sets when a monitor is next due (after a change of its interval).
func (t *tx) RescheduleMonitor(ctx context.Context, id int64, due time.Time) error {
	_, err := t.exec(ctx, "UPDATE monitor_state SET next_due_at = $2, version = version + 1 WHERE monitor_id = $1", id, millis(due))
	if err != nil {
		return fmt.Errorf("reschedule monitor: %w", err)
	}
	return nil
}

// LeaseMargin is how long past its timeout a claimed check may take to be recorded.
const LeaseMargin = time.Minute

// ClaimMonitors leases at most limit enabled monitors that are due at now and not leased,
// the longest due first, to owner for the timeout plus LeaseMargin but at most the interval
// of each, and returns their ids. It is
// one conditional update: of several instances at once, each monitor goes to one.
func (t *tx) ClaimMonitors(ctx context.Context, owner string, now time.Time, limit int) ([]int64, error) {
	lock := ""
	if t.dialect == DialectPostgres {
		lock = " FOR UPDATE OF s SKIP LOCKED" // others skip the rows one claims, rather than wait
	}
	return t.ids(ctx, "claim monitors", `UPDATE monitor_state SET lease_owner = $1,
		lease_until = $2 + (SELECT CASE WHEN interval_ms < timeout_ms + $5 THEN interval_ms ELSE timeout_ms + $5 END
			FROM monitors WHERE monitors.id = monitor_state.monitor_id)
		WHERE monitor_id IN (SELECT s.monitor_id FROM monitor_state s JOIN monitors m ON m.id = s.monitor_id
			WHERE m.enabled = $4 AND s.next_due_at <= $2 AND s.lease_until <= $2
			ORDER BY s.next_due_at, s.monitor_id LIMIT $3`+lock+`)
		AND next_due_at <= $2 AND lease_until <= $2
		RETURNING monitor_id`, owner, millis(now), max(limit, 1), true, LeaseMargin.Milliseconds())
}

// ReleaseMonitors ends owner's leases on the monitors (at shutdown), so another instance
// takes them at once rather than when the leases run out.
func (t *tx) ReleaseMonitors(ctx context.Context, owner string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := t.exec(ctx, "UPDATE monitor_state SET lease_owner = '', lease_until = 0 WHERE lease_owner = $1 AND monitor_id IN ("+
		placeholders(2, len(ids))+")", append([]any{owner}, anys(ids)...)...)
	if err != nil {
		return fmt.Errorf("release monitors: %w", err)
	}
	return nil
}

// resultRows bounds the rows of one INSERT (five values each, under both databases' limit
// on parameters).
const resultRows = 1000

// AddMonitorResults stores results, each batch of rows in one INSERT. A second result of a
// monitor at the same millisecond is dropped.
func (t *tx) AddMonitorResults(ctx context.Context, rs []desk.MonitorResult) error {
	for chunk := range slices.Chunk(rs, resultRows) {
		var b strings.Builder
		b.WriteString("INSERT INTO monitor_results (monitor_id, at, status, ms, error) VALUES ")
		args := make([]any, 0, 5*len(chunk))
		for i, r := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + placeholders(5*i+1, 5) + ")")
			var e any
			if r.Error != "" {
				e = clip(r.Error, 500)
			}
			args = append(args, r.MonitorID, millis(r.At), r.Status.Code(), r.Duration.Milliseconds(), e)
		}
		b.WriteString(" ON CONFLICT (monitor_id, at) DO NOTHING")
		// Straight to the transaction: the text varies with the count, and is no statement
		// to keep prepared.
		if _, err := t.tx.ExecContext(t.statementContext(ctx), b.String(), args...); err != nil {
			return fmt.Errorf("add monitor results: %w", err)
		}
	}
	return nil
}

// MonitorResults lists a monitor's raw results from since on, newest first, at most limit.
func (t *tx) MonitorResults(ctx context.Context, id int64, since time.Time, limit int) ([]desk.MonitorResult, error) {
	return list(ctx, t, "list monitor results", func(r row) (desk.MonitorResult, error) {
		res := desk.MonitorResult{MonitorID: id}
		err := scanMonitorResult(r, &res)
		return res, err
	}, "SELECT at, status, ms, error FROM monitor_results WHERE monitor_id = $1 AND at >= $2 ORDER BY at DESC LIMIT $3",
		id, millis(since), max(limit, 1))
}

// SetComponentMonitoring stores what the component's monitors may do.
func (t *tx) SetComponentMonitoring(ctx context.Context, id int64, mode desk.MonitorMode, autoresolve bool) error {
	res, err := t.exec(ctx, "UPDATE components SET monitor_mode = $2, monitor_autoresolve = $3 WHERE id = $1", id, string(mode), autoresolve)
	if err != nil {
		return fmt.Errorf("set component monitoring: %w", err)
	}
	return mustAffect(res, "set component monitoring", "component")
}

// SetObservedStatus stores the component's observed status when it differs, and tells
// whether it did: only a real change moves the status page's counter.
func (t *tx) SetObservedStatus(ctx context.Context, id int64, s desk.ComponentStatus) (bool, error) {
	return t.changed(ctx, "set observed status",
		"UPDATE components SET observed_status = $2 WHERE id = $1 AND observed_status <> $2", id, string(s))
}

// RollupHour aggregates the raw results of the hour that starts at hour into hourly rows,
// one per monitor with results, unless the hour was rolled up before; it returns how many
// rows it added.
func (t *tx) RollupHour(ctx context.Context, hour time.Time) (int, error) {
	type acc struct {
		id  int64
		t   desk.Tally
		sum int64
		ms  []int64
	}
	var accs []*acc
	err := each(ctx, t, "roll up an hour", func(r row) error {
		var id, ms int64
		var code int
		if err := r.Scan(&id, &code, &ms); err != nil {
			return err
		}
		if len(accs) == 0 || accs[len(accs)-1].id != id {
			accs = append(accs, &acc{id: id})
		}
		a := accs[len(accs)-1]
		a.t.Checks++
		switch desk.MonitorVerdictOf(code) {
		case desk.MonitorUp:
			a.t.Up++
		case desk.MonitorDegraded:
			a.t.Degraded++
		default:
			a.t.Down++
		}
		a.sum += ms
		a.ms = append(a.ms, ms)
		return nil
	}, "SELECT monitor_id, status, ms FROM monitor_results WHERE at >= $1 AND at < $2 ORDER BY monitor_id, ms",
		millis(hour), millis(hour.Add(time.Hour)))
	if err != nil || len(accs) == 0 {
		return 0, err
	}
	for chunk := range slices.Chunk(accs, resultRows/2) {
		var b strings.Builder
		b.WriteString("INSERT INTO monitor_hourly (monitor_id, at, checks, up, degraded, down, mean_ms, p95_ms) VALUES ")
		args := make([]any, 0, 8*len(chunk))
		for i, a := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + placeholders(8*i+1, 8) + ")")
			// a.ms is sorted (the query orders by it): the 95th percentile by nearest rank.
			p95 := a.ms[(len(a.ms)*95+99)/100-1]
			args = append(args, a.id, millis(hour), a.t.Checks, a.t.Up, a.t.Degraded, a.t.Down, a.sum/a.t.Checks, p95)
		}
		b.WriteString(" ON CONFLICT (monitor_id, at) DO NOTHING")
		if _, err := t.tx.ExecContext(t.statementContext(ctx), b.String(), args...); err != nil {
			return 0, fmt.Errorf("roll up an hour: %w", err)
		}
	}
	return len(accs), nil
}

// RollupDay aggregates the hourly rows of the UTC day that starts at day into daily rows,
// unless the day was rolled up before. A day's p95 is the highest of its hours' (an upper
// bound: the raw results are gone by then, or soon will be).
func (t *tx) RollupDay(ctx context.Context, day time.Time) (int, error) {
	res, err := t.exec(ctx, `INSERT INTO monitor_daily (monitor_id, at, checks, up, degraded, down, mean_ms, p95_ms)
		SELECT monitor_id, $1, CAST(SUM(checks) AS BIGINT), CAST(SUM(up) AS BIGINT), CAST(SUM(degraded) AS BIGINT),
			CAST(SUM(down) AS BIGINT), CAST(SUM(mean_ms * checks) AS BIGINT) / CAST(SUM(checks) AS BIGINT), MAX(p95_ms)
		FROM monitor_hourly WHERE at >= $1 AND at < $2 GROUP BY monitor_id
		ON CONFLICT (monitor_id, at) DO NOTHING`, millis(day), millis(day.Add(24*time.Hour)))
	if err != nil {
		return 0, fmt.Errorf("roll up a day: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// PruneMonitorHistory deletes the rows of a level older than before and says how many.
func (t *tx) PruneMonitorHistory(ctx context.Context, level desk.MonitorLevel, before time.Time) (int64, error) {
	table, err := historyTable(level)
	if err != nil {
		return 0, err
	}
	res, err := t.exec(ctx, "DELETE FROM "+table+" WHERE at < $1", millis(before))
	if err != nil {
		return 0, fmt.Errorf("prune %s: %w", table, err)
	}
	return res.RowsAffected()
}

func historyTable(level desk.MonitorLevel) (string, error) {
	switch level {
	case desk.LevelRaw:
		return "monitor_results", nil
	case desk.LevelHourly:
		return "monitor_hourly", nil
	case desk.LevelDaily:
		return "monitor_daily", nil
	}
	return "", fmt.Errorf("unknown level of monitor history %q", level)
}

// MonitorTally counts the checks of the monitors in [from, to) at one level of history.
// A raw tally has no p95; an aggregated one's p95 is the highest of its rows'.
func (t *tx) MonitorTally(ctx context.Context, level desk.MonitorLevel, ids []int64, from, to time.Time) (desk.Tally, error) {
	var tl desk.Tally
	err := t.tallyMonitors(ctx, level, ids, from, to, false, func(_ int64, x desk.Tally) { tl = x })
	return tl, err
}

// MonitorTallies is MonitorTally for each monitor on its own; a monitor without checks in
// the span is missing from the map.
func (t *tx) MonitorTallies(ctx context.Context, level desk.MonitorLevel, ids []int64, from, to time.Time) (map[int64]desk.Tally, error) {
	out := map[int64]desk.Tally{}
	for chunk := range slices.Chunk(ids, resultRows) {
		if err := t.tallyMonitors(ctx, level, chunk, from, to, true, func(id int64, x desk.Tally) { out[id] = x }); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// tallyMonitors counts the checks in [from, to), of the monitors together or, grouped, of
// each (then a monitor without checks gets no call).
func (t *tx) tallyMonitors(ctx context.Context, level desk.MonitorLevel, ids []int64, from, to time.Time, grouped bool, got func(int64, desk.Tally)) error {
	if len(ids) == 0 || !to.After(from) {
		return nil
	}
	table, err := historyTable(level)
	if err != nil {
		return err
	}
	cols := `COUNT(*), COALESCE(CAST(SUM(CASE WHEN status = 0 THEN 1 ELSE 0 END) AS BIGINT), 0),
		COALESCE(CAST(SUM(CASE WHEN status = 1 THEN 1 ELSE 0 END) AS BIGINT), 0),
		COALESCE(CAST(SUM(CASE WHEN status = 2 THEN 1 ELSE 0 END) AS BIGINT), 0),
		COALESCE(CAST(SUM(ms) AS BIGINT), 0), 0`
	if level != desk.LevelRaw {
		cols = `COALESCE(CAST(SUM(checks) AS BIGINT), 0), COALESCE(CAST(SUM(up) AS BIGINT), 0),
			COALESCE(CAST(SUM(degraded) AS BIGINT), 0), COALESCE(CAST(SUM(down) AS BIGINT), 0),
			COALESCE(CAST(SUM(mean_ms * checks) AS BIGINT), 0), COALESCE(MAX(p95_ms), 0)`
	}
	id, group := "0, ", ""
	if grouped {
		id, group = "monitor_id, ", " GROUP BY monitor_id"
	}
	return each(ctx, t, "tally monitor results", func(r row) error {
		var tl desk.Tally
		var mid, sum int64
		if err := r.Scan(&mid, &tl.Checks, &tl.Up, &tl.Degraded, &tl.Down, &sum, &tl.P95MS); err != nil {
			return err
		}
		if tl.Checks > 0 {
			tl.MeanMS = sum / tl.Checks
		}
		got(mid, tl)
		return nil
	}, "SELECT "+id+cols+" FROM "+table+" WHERE at >= $1 AND at < $2 AND monitor_id IN ("+
		placeholders(3, len(ids))+")"+group, append([]any{millis(from), millis(to)}, anys(ids)...)...)
}

// LinkMonitorIncident records that the monitor opened (or reopened) the incident; once.
func (t *tx) LinkMonitorIncident(ctx context.Context, monitorID, incidentID int64) error {
	if _, err := t.exec(ctx, "INSERT INTO monitor_incidents (monitor_id, incident_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
		monitorID, incidentID); err != nil {
		return fmt.Errorf("link monitor incident: %w", err)
	}
	return nil
}

// MonitorIncidents lists the incidents the monitor opened, newest first, at most limit.
func (t *tx) MonitorIncidents(ctx context.Context, monitorID int64, limit int) ([]desk.Incident, error) {
	out, err := list(ctx, t, "list monitor incidents", scanIncident, "SELECT "+incidentColumns+
		" FROM incidents WHERE id IN (SELECT incident_id FROM monitor_incidents WHERE monitor_id = $1) ORDER BY created_at DESC, id DESC LIMIT $2",
		monitorID, max(limit, 1))
	if err != nil {
		return nil, err
	}
	return out, t.loadIncidentComponents(ctx, out)
}

// scanMonitorResult reads the columns at, status, ms and error, after those of before.
func scanMonitorResult(r row, res *desk.MonitorResult, before ...any) error {
	var at, ms int64
	var code int
	var e sql.NullString
	if err := r.Scan(append(before, &at, &code, &ms, &e)...); err != nil {
		return err
	}
	res.At, res.Status, res.Duration, res.Error = fromMillis(at), desk.MonitorVerdictOf(code), time.Duration(ms)*time.Millisecond, e.String
	return nil
}

// RecentMonitorResults lists each monitor's raw results since the time, newest first, at
// most perMonitor each: the monitors page's sparklines in one query per thousand monitors.
func (t *tx) RecentMonitorResults(ctx context.Context, ids []int64, since time.Time, perMonitor int) (map[int64][]desk.MonitorResult, error) {
	out := map[int64][]desk.MonitorResult{}
	for chunk := range slices.Chunk(ids, resultRows) {
		err := each(ctx, t, "list recent monitor results", func(r row) error {
			var res desk.MonitorResult
			if err := scanMonitorResult(r, &res, &res.MonitorID); err != nil {
				return err
			}
			out[res.MonitorID] = append(out[res.MonitorID], res)
			return nil
		}, `SELECT monitor_id, at, status, ms, error FROM (
				SELECT monitor_id, at, status, ms, error,
					ROW_NUMBER() OVER (PARTITION BY monitor_id ORDER BY at DESC) AS n
				FROM monitor_results WHERE at >= $2 AND monitor_id IN (`+placeholders(3, len(chunk))+`)
			) recent WHERE n <= $1 ORDER BY monitor_id, at DESC`,
			append([]any{max(perMonitor, 1), millis(since)}, anys(chunk)...)...)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// MonitorHistory lists a monitor's hourly or daily rows in [from, to), oldest first.
func (t *tx) MonitorHistory(ctx context.Context, level desk.MonitorLevel, id int64, from, to time.Time) ([]desk.HistoryRow, error) {
	table, err := historyTable(level)
	if err != nil || level == desk.LevelRaw {
		return nil, fmt.Errorf("monitor history: level %q has no rows of aggregates", level)
	}
	return list(ctx, t, "list monitor history", func(r row) (desk.HistoryRow, error) {
		var h desk.HistoryRow
		var at int64
		err := r.Scan(&at, &h.Checks, &h.Up, &h.Degraded, &h.Down, &h.MeanMS, &h.P95MS)
		h.At = fromMillis(at)
		return h, err
	}, "SELECT at, checks, up, degraded, down, mean_ms, p95_ms FROM "+table+" WHERE monitor_id = $1 AND at >= $2 AND at < $3 ORDER BY at",
		id, millis(from), millis(to))
}

// anys turns ids into query arguments.
func anys(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// EarliestMonitorResult returns the time of the oldest raw result; false when there is none.
func (t *tx) EarliestMonitorResult(ctx context.Context) (time.Time, bool, error) {
	var at sql.NullInt64
	if err := t.queryRow(ctx, "SELECT MIN(at) FROM monitor_results").Scan(&at); err != nil {
		return time.Time{}, false, fmt.Errorf("earliest monitor result: %w", err)
	}
	if !at.Valid {
		return time.Time{}, false, nil
	}
	return fromMillis(at.Int64), true, nil
}

// MonitorBytes is how much room the monitors' tables take: on PostgreSQL their total size
// (tables, indexes, TOAST); on SQLite the database file's pages, the monitors' tables being
// what grows. Used to measure the growth per monitor (docs/benchmarks.md).
func (db *DB) MonitorBytes(ctx context.Context) (int64, error) {
	var n int64
	var err error
	if db.dialect == DialectPostgres {
		err = db.read.QueryRowContext(ctx, `SELECT COALESCE(SUM(pg_total_relation_size(c)), 0) FROM unnest(ARRAY[
			'monitors', 'monitor_state', 'monitor_results', 'monitor_hourly', 'monitor_daily']::regclass[]) AS c`).Scan(&n)
	} else {
		err = db.write.QueryRowContext(ctx, "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()").Scan(&n)
	}
	if err != nil {
		return 0, fmt.Errorf("monitor bytes: %w", err)
	}
	return n, nil
}
