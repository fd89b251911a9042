package desk

import (
	"encoding/json"
	"hash/fnv"
	"strings"
	"time"
)

// Monitor checks one of the provider's systems, or a supplier's, at its interval (issue 12,
// docs/monitors.md). What it checks is its Kind with that kind's Settings; package monitor
// knows the kinds, this type only the rules every monitor shares. A monitor belongs to a
// component: its verdict is the component's observed status.
type Monitor struct {
	ID          int64           `json:"id"`
	ComponentID int64           `json:"component_id"`
	SupplierID  *int64          `json:"supplier_id"`
	Name        string          `json:"name"`
	Kind        string          `json:"kind"`
	Settings    json.RawMessage `json:"settings"`
	// Interval is how often the monitor is checked; for a heartbeat, how often a beat is
	// expected.
	Interval time.Duration `json:"interval"`
	// Timeout cuts a check; for a heartbeat whose settings name no grace, it is the grace
	// after the interval before a missing beat counts as a failure.
	Timeout time.Duration `json:"timeout"`
	// FailAfter consecutive failed checks make the monitor down; RecoverAfter consecutive
	// good ones make it up again (hysteresis: one lost packet pages nobody).
	FailAfter    int  `json:"fail_after"`
	RecoverAfter int  `json:"recover_after"`
	Enabled      bool `json:"enabled"`
	// HeartbeatHash is the SHA-256 of a heartbeat monitor's secret token: the token itself
	// is shown once, when it is made, and never stored.
	HeartbeatHash []byte    `json:"-"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// The bounds and defaults of a monitor's schedule.
const (
	DefaultMonitorInterval = 60 * time.Second
	MinMonitorInterval     = 10 * time.Second
	MaxMonitorInterval     = 24 * time.Hour
	DefaultMonitorTimeout  = 10 * time.Second
	MinMonitorTimeout      = time.Second
	DefaultFailAfter       = 2
	DefaultRecoverAfter    = 1
	MaxMonitorCount        = 100 // bound of FailAfter and RecoverAfter
)

// KindHeartbeat is the kind of a pushed monitor (monitor.KindHeartbeat): the target calls
// Meldpunt, Meldpunt never calls it.
const KindHeartbeat = "heartbeat"

// Defaults fills in a new monitor's interval (60 s), timeout (10 s, or less than a short
// interval), FailAfter (2) and RecoverAfter (1).
func (m *Monitor) Defaults() {
	if m.Interval == 0 {
		m.Interval = DefaultMonitorInterval
	}
	if m.Timeout == 0 {
		m.Timeout = min(DefaultMonitorTimeout, m.Interval/2)
	}
	if m.FailAfter == 0 {
		m.FailAfter = DefaultFailAfter
	}
	if m.RecoverAfter == 0 {
		m.RecoverAfter = DefaultRecoverAfter
	}
}

// Validate checks the fields every monitor has; the kind's settings are checked by the
// checker (fields "<kind>.<field>"). kinds lists the known kinds.
func (m *Monitor) Validate(kinds []string) error {
	var v Validator
	m.Name = strings.TrimSpace(m.Name)
	v.Text("name", m.Name, true, MaxName, false)
	v.OneOf("kind", m.Kind, true, kinds)
	if m.ComponentID <= 0 {
		v.Add("component_id", "required", "is required")
	}
	switch {
	case m.Interval < MinMonitorInterval:
		v.Add("interval", "min", "must be at least %s", MinMonitorInterval)
	case m.Interval > MaxMonitorInterval:
		v.Add("interval", "max", "must be at most %s", MaxMonitorInterval)
	case m.Interval%time.Second != 0:
		v.Add("interval", "whole_seconds", "must be a whole number of seconds")
	}
	switch {
	case m.Timeout < MinMonitorTimeout:
		v.Add("timeout", "min", "must be at least %s", MinMonitorTimeout)
	case m.Timeout >= m.Interval && !v.Has("interval"):
		v.Add("timeout", "below_interval", "must be shorter than the interval (%s)", m.Interval)
	}
	v.Range("fail_after", int64(m.FailAfter), 1, MaxMonitorCount)
	v.Range("recover_after", int64(m.RecoverAfter), 1, MaxMonitorCount)
	return v.Err()
}

// MonitorMode says what a component's monitors may do with its public status.
type MonitorMode string

// The modes. Propose is the default: a monitor can be wrong (a network between us and the
// target, a check set up badly), and what the public reads is the desk's word.
const (
	MonitorPropose MonitorMode = "propose" // the desk sees the verdict; the public does not
	MonitorAuto    MonitorMode = "auto"    // the verdict joins the public status
)

// ComponentMonitoring is what a component's monitors observe and may do (issue 12). It is
// kept apart from the fields the component's form and API edit.
type ComponentMonitoring struct {
	Mode MonitorMode `json:"monitor_mode"`
	// Autoresolve resolves a monitor's incident when the monitor recovers; off (the
	// default), the incident records the recovery and waits for the desk.
	Autoresolve bool `json:"monitor_autoresolve"`
	// Observed is the worst of the component's monitors' verdicts as a component status;
	// "" when they are all up (or there are none).
	Observed ComponentStatus `json:"observed_status"`
}

// Validate checks the settings.
func (c *ComponentMonitoring) Validate() error {
	var v Validator
	v.OneOf("monitor_mode", string(c.Mode), true, []string{string(MonitorPropose), string(MonitorAuto)})
	return v.Err()
}

// MonitorVerdict is a check's result or a monitor's state: up, degraded (up but slow, or a
// supplier's partial trouble) or down. The values are monitor.Status's.
type MonitorVerdict string

// The verdicts, best first.
const (
	MonitorUp       MonitorVerdict = "up"
	MonitorDegraded MonitorVerdict = "degraded"
	MonitorDown     MonitorVerdict = "down"
)

// Code is the verdict as the results table stores it: 0 up, 1 degraded, 2 down.
func (v MonitorVerdict) Code() int {
	switch v {
	case MonitorUp:
		return 0
	case MonitorDegraded:
		return 1
	}
	return 2
}

// MonitorVerdictOf is the verdict of a stored code.
func MonitorVerdictOf(code int) MonitorVerdict {
	switch code {
	case 0:
		return MonitorUp
	case 1:
		return MonitorDegraded
	}
	return MonitorDown
}

// MonitorState is a monitor's verdict after hysteresis, the counts that lead to it, its last
// check, the outage it is in, and its schedule.
type MonitorState struct {
	MonitorID int64          `json:"monitor_id"`
	Status    MonitorVerdict `json:"status"`
	// Fails and Oks count the consecutive failed and good checks.
	Fails int `json:"fails"`
	Oks   int `json:"oks"`
	// The last check; LastAt is zero before the first.
	LastAt       time.Time         `json:"last_at"`
	LastStatus   MonitorVerdict    `json:"last_status"`
	LastDuration time.Duration     `json:"last_duration"`
	LastError    string            `json:"last_error"`
	LastEvidence map[string]string `json:"last_evidence"`
	// LastComponentStatus is a supplier's own status of the component checked, in
	// Statuspage's words (a statuspage check), which maps onto ours.
	LastComponentStatus ComponentStatus `json:"last_component_status"`
	// LastBeatAt is when a heartbeat monitor was last called; zero before the first beat.
	LastBeatAt time.Time `json:"last_beat_at"`
	// DownSince is when the current outage began (the first failed check of it); nil when up.
	DownSince  *time.Time `json:"down_since"`
	IncidentID *int64     `json:"incident_id"`
	NextDueAt  time.Time  `json:"next_due_at"`
	LeaseOwner string     `json:"-"`
	LeaseUntil time.Time  `json:"-"`
	Version    int        `json:"-"`
}

// MonitorTransition is what a check did to a monitor's state.
type MonitorTransition int

// The transitions: none, an outage began, an outage ended.
const (
	MonitorSteady MonitorTransition = iota
	MonitorWentDown
	MonitorRecovered
)

// Step applies one check's verdict to the state by the monitor's hysteresis: down after
// FailAfter consecutive failures, up (or degraded) after RecoverAfter consecutive good
// checks; between up and degraded it moves at once, since neither pages anyone. at is the
// check's time.
func (m Monitor) Step(s MonitorState, v MonitorVerdict, at time.Time) (MonitorState, MonitorTransition) {
	if s.Status == "" {
		s.Status = MonitorUp
	}
	if v == MonitorDown {
		if s.Fails == 0 && s.Status != MonitorDown {
			t := at
			s.DownSince = &t // the outage, if it becomes one, began with its first failure
		}
		s.Fails++
		s.Oks = 0
		if s.Status != MonitorDown && s.Fails >= max(m.FailAfter, 1) {
			s.Status = MonitorDown
			return s, MonitorWentDown
		}
		return s, MonitorSteady
	}
	s.Oks++
	s.Fails = 0
	if s.Status == MonitorDown {
		if s.Oks >= max(m.RecoverAfter, 1) {
			s.Status = v
			return s, MonitorRecovered
		}
		return s, MonitorSteady
	}
	s.Status = v
	s.DownSince = nil
	return s, MonitorSteady
}

// FirstDue is when a new monitor (or one after a restart of the schedule) is first due:
// within one interval after now, at an offset that a stable hash of its id gives, so many
// monitors spread over their interval instead of all running at the top of the minute.
func FirstDue(id int64, interval time.Duration, now time.Time) time.Time {
	if interval <= 0 {
		return now
	}
	h := fnv.New64a()
	var b [8]byte
	for i := range b {
		b[i] = byte(id >> (8 * i))
	}
	_, _ = h.Write(b[:])
	offset := time.Duration(h.Sum64()%uint64(interval.Milliseconds())) * time.Millisecond
	// The phase is fixed on the wall clock (the epoch plus a multiple of the interval plus
	// the offset), so it is the same on every instance and after every restart.
	phase := now.Truncate(interval).Add(offset)
	if !phase.After(now) {
		phase = phase.Add(interval)
	}
	return phase
}

// NextDue is when a monitor checked for its due time is due again: one interval later, not
// one interval after the check ran, so the schedule does not drift; when that is already past
// (the instances were away), the next time in the same phase after now.
func NextDue(due time.Time, interval time.Duration, now time.Time) time.Time {
	next := due.Add(interval)
	if interval > 0 && !next.After(now) {
		behind := now.Sub(next)/interval + 1
		next = next.Add(behind * interval)
	}
	return next
}

// ObservedStatus is the component status a monitor's verdict gives: down is a major outage
// (or a supplier's own partial outage, when the supplier says so), degraded is degraded
// performance, up gives nothing ("").
func ObservedStatus(v MonitorVerdict, supplier ComponentStatus) ComponentStatus {
	switch v {
	case MonitorDown:
		if supplier == StatusPartialOutage || supplier == StatusMajorOutage {
			return supplier
		}
		return StatusMajorOutage
	case MonitorDegraded:
		if supplier == StatusPartialOutage {
			return supplier
		}
		return StatusDegradedPerformance
	}
	return ""
}

// UptimeWindow is a period uptime is given for, ending now.
type UptimeWindow struct {
	Name string        `json:"name"`
	Span time.Duration `json:"span"`
}

// UptimeWindows are the periods of the monitors' uptime figures.
var UptimeWindows = []UptimeWindow{
	{"24h", 24 * time.Hour}, {"7d", 7 * 24 * time.Hour}, {"30d", 30 * 24 * time.Hour},
	{"90d", 90 * 24 * time.Hour}, {"1y", 365 * 24 * time.Hour},
}

// Tally counts checks by verdict, with their response times: one hour's, one day's, or a
// window's.
type Tally struct {
	Checks   int64 `json:"checks"`
	Up       int64 `json:"up"`
	Degraded int64 `json:"degraded"`
	Down     int64 `json:"down"`
	// MeanMS and P95MS are the response times in milliseconds.
	MeanMS int64 `json:"mean_ms"`
	P95MS  int64 `json:"p95_ms"`
}

// Uptime is the share of checks that were not down (degraded is slow, yet up), 0 to 1; ok
// is false when there were no checks.
func (t Tally) Uptime() (float64, bool) {
	if t.Checks <= 0 {
		return 0, false
	}
	return 1 - float64(t.Down)/float64(t.Checks), true
}

// Uptime is a monitor's or a component's uptime over one window: the share, and whether
// there were checks at all.
type Uptime struct {
	Window string  `json:"window"`
	Share  float64 `json:"uptime"`
	Known  bool    `json:"known"`
	Checks int64   `json:"checks"`
}

// MonitorResult is one check as history keeps it: when, the verdict, the response time and
// why it was not up (never a secret).
type MonitorResult struct {
	MonitorID int64          `json:"monitor_id"`
	At        time.Time      `json:"at"`
	Status    MonitorVerdict `json:"status"`
	Duration  time.Duration  `json:"duration"`
	Error     string         `json:"error,omitempty"`
}

// MonitorLevel names a level of a monitor's history: raw results, hourly or daily
// aggregates.
type MonitorLevel string

// The levels of history.
const (
	LevelRaw    MonitorLevel = "raw"
	LevelHourly MonitorLevel = "hourly"
	LevelDaily  MonitorLevel = "daily"
)

// HistoryRow is one hour or one day of a monitor's history.
type HistoryRow struct {
	At time.Time `json:"at"`
	Tally
}
