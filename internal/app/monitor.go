package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"meldpunt/internal/desk"
	"meldpunt/internal/monitor"
)

// Monitors (issue 12, docs/monitors.md): admins define them; every instance checks the due
// ones (the scheduler in package jobs calls Claim, Check and Record); a monitor's verdict
// after hysteresis becomes its component's observed status, and an outage opens an
// incident on the monitor channel and alerts the desk, exactly once however many instances
// run, because the change of verdict is a conditional update in the transaction that
// does the rest.

// MonitorChecks runs and checks the kinds of check (package monitor's Checker); cmd wires
// it. Without one, monitors are stored but never run.
type MonitorChecks interface {
	// Validate checks a kind's settings and returns them with their defaults; its errors
	// name fields "<kind>.<field>".
	Validate(kind monitor.Kind, settings json.RawMessage) (json.RawMessage, error)
	// Run does one check, cut at timeout.
	Run(ctx context.Context, kind monitor.Kind, settings json.RawMessage, timeout time.Duration) monitor.Result
	// Redact returns the settings with their secrets replaced, fit to show.
	Redact(kind monitor.Kind, settings json.RawMessage) json.RawMessage
}

// MonitorConfig configures the monitors' scheduling and history.
type MonitorConfig struct {
	// Checks runs the checks; nil stores monitors without running them.
	Checks MonitorChecks
	// Retention is how long raw results are kept before only their hourly and daily
	// aggregates remain; 0 means DefaultMonitorRetention (48 h).
	Retention time.Duration
}

// DefaultMonitorRetention is how long raw results are kept by default.
const DefaultMonitorRetention = 48 * time.Hour

// HourlyRetention is how long hourly aggregates are kept (a day more than 90, so the 90-day
// uptime never lacks an hour); daily aggregates are kept.
const HourlyRetention = 91 * 24 * time.Hour

// Monitors manages monitors, runs their schedule and keeps their history.
type Monitors struct {
	*core
	db txn[monitorTx]
}

// monitorTx is what Monitors reads and writes.
type monitorTx interface {
	eventTx
	AuditStore
	ComponentStore
	MonitorStore
	OutboxStore
	PublicIncidentStore
	SettingStore
	SLAStore
	SupplierStore
}

// monitorKinds lists the kinds of check a monitor may have.
var monitorKinds = []string{
	string(monitor.KindHTTP), string(monitor.KindTLS), string(monitor.KindTCP), string(monitor.KindDNS),
	string(monitor.KindPing), string(monitor.KindHeartbeat), string(monitor.KindPostgres), string(monitor.KindMySQL),
	string(monitor.KindRedis), string(monitor.KindSMTP), string(monitor.KindStatuspage),
}

// MonitorInput is a new or changed monitor. Durations are whole seconds.
type MonitorInput struct {
	ComponentID     int64           `json:"component_id"`
	SupplierID      *int64          `json:"supplier_id"`
	Name            string          `json:"name"`
	Kind            string          `json:"kind"`
	Settings        json.RawMessage `json:"settings"`
	IntervalSeconds int             `json:"interval_seconds"`
	TimeoutSeconds  int             `json:"timeout_seconds"`
	FailAfter       int             `json:"fail_after"`
	RecoverAfter    int             `json:"recover_after"`
	Enabled         *bool           `json:"enabled"`
}

// MonitorView is a monitor as the desk sees it: its settings without secrets, and its state.
type MonitorView struct {
	desk.Monitor
	State desk.MonitorState `json:"state"`
}

// build turns the input into a monitor, checked: the shared fields by desk.Monitor, the
// kind's settings by the checks (fields "<kind>.<field>"), all problems at once.
func (s *Monitors) build(in MonitorInput, m desk.Monitor) (desk.Monitor, error) {
	stored := storedSettings(m, in.Kind) // what a redacted secret sent back stands for (monitorapi.go)
	// A heartbeat's secret URL is made with the monitor and shown once: a monitor of another
	// kind cannot become one (it would have no URL to call).
	becomesHeartbeat := m.ID != 0 && m.Kind != desk.KindHeartbeat && in.Kind == desk.KindHeartbeat
	m.ComponentID, m.SupplierID, m.Name, m.Kind = in.ComponentID, in.SupplierID, in.Name, in.Kind
	m.Interval = time.Duration(in.IntervalSeconds) * time.Second
	m.Timeout = time.Duration(in.TimeoutSeconds) * time.Second
	m.FailAfter, m.RecoverAfter = in.FailAfter, in.RecoverAfter
	if in.Enabled != nil {
		m.Enabled = *in.Enabled
	}
	if m.Kind == desk.KindHeartbeat && m.FailAfter == 0 {
		m.FailAfter = 1 // a missed beat is the failure; it was already given interval + grace
	}
	m.Defaults()
	var v desk.Validator
	if err, ok := m.Validate(monitorKinds).(*desk.Error); ok {
		v.Include(err)
	}
	if becomesHeartbeat {
		v.Add("kind", "heartbeat_new", "cannot change to heartbeat: a heartbeat's secret URL is made when it is created; create a new monitor")
	}
	settings := in.Settings
	if len(strings.TrimSpace(string(settings))) == 0 {
		settings = json.RawMessage("{}")
	}
	switch {
	case v.Has("kind"):
	case s.cfg.Monitors.Checks != nil:
		settings, err := s.keepSecrets(m.Kind, stored, settings)
		if e, ok := err.(*desk.Error); ok {
			v.Include(e)
			break
		} else if err != nil {
			return m, err
		}
		norm, err := s.cfg.Monitors.Checks.Validate(monitor.Kind(m.Kind), settings)
		if e, ok := err.(*desk.Error); ok {
			v.Include(e)
		} else if err != nil {
			return m, err
		}
		m.Settings = norm
	default:
		var obj map[string]json.RawMessage
		if json.Unmarshal(settings, &obj) != nil {
			v.Add("settings", "json", "must be a JSON object")
		}
		m.Settings = settings
	}
	return m, v.Err()
}

// checkMonitorRefs checks that the component (and the supplier, when named) exist.
func checkMonitorRefs(ctx context.Context, tx monitorTx, m desk.Monitor) error {
	var v desk.Validator
	if _, err := tx.Component(ctx, m.ComponentID); desk.IsNotFound(err) {
		v.Add("component_id", "exists", "no component has this id")
	} else if err != nil {
		return err
	}
	if m.SupplierID != nil {
		if _, err := tx.Supplier(ctx, *m.SupplierID); desk.IsNotFound(err) {
			v.Add("supplier_id", "exists", "no supplier has this id")
		} else if err != nil {
			return err
		}
	}
	return v.Err()
}

// Create defines a monitor; admins only. A heartbeat monitor's secret token is returned
// here, once: only its hash is stored.
func (s *Monitors) Create(ctx context.Context, actor desk.Actor, in MonitorInput) (v MonitorView, token string, err error) {
	if err := requireAdmin(actor, "define monitors"); err != nil {
		return v, "", err
	}
	if in.Enabled == nil {
		in.Enabled = ptr(true)
	}
	m, err := s.build(in, desk.Monitor{})
	if err != nil {
		return v, "", err
	}
	if m.Kind == desk.KindHeartbeat {
		token = newHeartbeatToken()
		h := sha256.Sum256([]byte(token))
		m.HeartbeatHash = h[:]
	}
	now := s.clock()
	m.CreatedAt, m.UpdatedAt = now, now
	err = s.db.write(ctx, func(tx monitorTx) error {
		if err := checkMonitorRefs(ctx, tx, m); err != nil {
			return err
		}
		if err := tx.CreateMonitor(ctx, &m, func(id int64) time.Time { return desk.FirstDue(id, m.Interval, now) }); err != nil {
			return err
		}
		if err := audit(ctx, tx, actor, now, "monitor", m.ID, nil, "create", nil, s.redacted(m)); err != nil {
			return err
		}
		v, err = s.view(ctx, tx, m)
		return err
	})
	return v, token, err
}

// newHeartbeatToken makes a heartbeat URL's secret: 32 random bytes, URL-safe.
func newHeartbeatToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// redacted returns the monitor with its settings fit to show: without secrets, or (with no
// checks to say which are secret) without settings.
func (s *Monitors) redacted(m desk.Monitor) desk.Monitor {
	if s.cfg.Monitors.Checks != nil {
		m.Settings = s.cfg.Monitors.Checks.Redact(monitor.Kind(m.Kind), m.Settings)
	} else {
		m.Settings = nil
	}
	return m
}

func (s *Monitors) view(ctx context.Context, tx MonitorStore, m desk.Monitor) (MonitorView, error) {
	st, err := tx.MonitorState(ctx, m.ID)
	return MonitorView{Monitor: s.redacted(m), State: st}, err
}

// Get returns a monitor with its state; staff only.
func (s *Monitors) Get(ctx context.Context, actor desk.Actor, id int64) (v MonitorView, err error) {
	if !actor.Role.IsStaff() && !actor.System {
		return v, desk.NotFound("monitor")
	}
	err = s.db.read(ctx, func(tx monitorTx) error {
		m, err := tx.Monitor(ctx, id)
		if err != nil {
			return err
		}
		v, err = s.view(ctx, tx, m)
		return err
	})
	return v, err
}

// List lists the monitors (the component's, or all for 0) with their states; staff only.
func (s *Monitors) List(ctx context.Context, actor desk.Actor, componentID int64) (vs []MonitorView, err error) {
	if !actor.Role.IsStaff() && !actor.System {
		return nil, forbidden("see monitors")
	}
	err = s.db.read(ctx, func(tx monitorTx) error {
		ms, err := tx.Monitors(ctx, componentID)
		if err != nil {
			return err
		}
		ids := make([]int64, len(ms))
		for i, m := range ms {
			ids[i] = m.ID
		}
		sts, err := tx.MonitorStates(ctx, ids)
		if err != nil {
			return err
		}
		byID := map[int64]desk.MonitorState{}
		for _, st := range sts {
			byID[st.MonitorID] = st
		}
		vs = make([]MonitorView, len(ms))
		for i, m := range ms {
			vs[i] = MonitorView{Monitor: s.redacted(m), State: byID[m.ID]}
		}
		return nil
	})
	return vs, err
}

// Update changes a monitor; admins only. Every field is replaced, but settings left out
// (and the kind, when empty) keep the stored ones, secrets included: a form that shows
// settings redacted sends them only when they change. A new interval reschedules the
// monitor.
func (s *Monitors) Update(ctx context.Context, actor desk.Actor, id int64, in MonitorInput) (v MonitorView, err error) {
	if err := requireAdmin(actor, "change monitors"); err != nil {
		return v, err
	}
	now := s.clock()
	err = s.db.write(ctx, func(tx monitorTx) error {
		before, err := tx.Monitor(ctx, id)
		if err != nil {
			return err
		}
		if in.Kind == "" {
			in.Kind = before.Kind
		}
		if len(strings.TrimSpace(string(in.Settings))) == 0 && in.Kind == before.Kind {
			in.Settings = before.Settings
		}
		in.Settings = s.KeepSecrets(before, in.Kind, in.Settings) // monitortest.go
		m, err := s.build(in, before)
		if err != nil {
			return err
		}
		if err := checkMonitorRefs(ctx, tx, m); err != nil {
			return err
		}
		m.UpdatedAt = now
		if err := tx.UpdateMonitor(ctx, &m); err != nil {
			return err
		}
		if m.Interval != before.Interval || m.Enabled && !before.Enabled {
			if err := tx.RescheduleMonitor(ctx, id, desk.FirstDue(id, m.Interval, now)); err != nil {
				return err
			}
		}
		if err := s.observe(ctx, tx, before.ComponentID); err != nil {
			return err
		}
		if m.ComponentID != before.ComponentID {
			if err := s.observe(ctx, tx, m.ComponentID); err != nil {
				return err
			}
		}
		if err := audit(ctx, tx, actor, now, "monitor", id, nil, "update", s.redacted(before), s.redacted(m)); err != nil {
			return err
		}
		v, err = s.view(ctx, tx, m)
		return err
	})
	return v, err
}

// Delete removes a monitor with its history; admins only.
func (s *Monitors) Delete(ctx context.Context, actor desk.Actor, id int64) error {
	if err := requireAdmin(actor, "delete monitors"); err != nil {
		return err
	}
	now := s.clock()
	return s.db.write(ctx, func(tx monitorTx) error {
		m, err := tx.Monitor(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteMonitor(ctx, id); err != nil {
			return err
		}
		if err := s.observe(ctx, tx, m.ComponentID); err != nil {
			return err
		}
		return audit(ctx, tx, actor, now, "monitor", id, nil, "delete", s.redacted(m), map[string]any{})
	})
}

// SetComponentMonitoring sets what a component's monitors may do; admins only.
func (s *Monitors) SetComponentMonitoring(ctx context.Context, actor desk.Actor, componentID int64, cm desk.ComponentMonitoring) error {
	if err := requireAdmin(actor, "change what monitors may do"); err != nil {
		return err
	}
	if err := cm.Validate(); err != nil {
		return err
	}
	now := s.clock()
	return s.db.write(ctx, func(tx monitorTx) error {
		c, err := tx.Component(ctx, componentID)
		if err != nil {
			return err
		}
		if err := tx.SetComponentMonitoring(ctx, componentID, cm.Mode, cm.Autoresolve); err != nil {
			return err
		}
		return audit(ctx, tx, actor, now, "component", componentID, nil, "monitoring", c.Monitoring,
			desk.ComponentMonitoring{Mode: cm.Mode, Autoresolve: cm.Autoresolve, Observed: c.Monitoring.Observed})
	})
}

// Results lists a monitor's raw results from since on, newest first; staff only.
func (s *Monitors) Results(ctx context.Context, actor desk.Actor, id int64, since time.Time, limit int) (rs []desk.MonitorResult, err error) {
	if !actor.Role.IsStaff() && !actor.System {
		return nil, desk.NotFound("monitor")
	}
	err = s.db.read(ctx, func(tx monitorTx) error {
		if _, err := tx.Monitor(ctx, id); err != nil {
			return err
		}
		rs, err = tx.MonitorResults(ctx, id, since, limit)
		return err
	})
	return rs, err
}

// Incidents lists the incidents the monitor opened (migration 0019), newest first, at most
// limit; staff only.
func (s *Monitors) Incidents(ctx context.Context, actor desk.Actor, id int64, limit int) (is []desk.Incident, err error) {
	if !actor.Role.IsStaff() && !actor.System {
		return nil, desk.NotFound("monitor")
	}
	err = s.db.read(ctx, func(tx monitorTx) error {
		if _, err := tx.Monitor(ctx, id); err != nil {
			return err
		}
		is, err = tx.MonitorIncidents(ctx, id, limit)
		return err
	})
	return is, err
}

// observe sets the component's observed status from its enabled monitors' verdicts: the
// worst of them. Only a change is written (and moves the status page's counter).
func (s *Monitors) observe(ctx context.Context, tx monitorTx, componentID int64) error {
	sts, err := tx.ComponentVerdicts(ctx, componentID)
	if err != nil {
		return err
	}
	var all []desk.ComponentStatus
	for _, st := range sts {
		if o := desk.ObservedStatus(st.Status, st.LastComponentStatus); o != "" {
			all = append(all, o)
		}
	}
	observed := desk.ComponentStatus("")
	if len(all) > 0 {
		observed = desk.WorstStatus(all)
	}
	// Compared here, not only in the UPDATE's WHERE: on PostgreSQL the status page's
	// statement trigger fires even for an UPDATE that changes no row.
	c, err := tx.Component(ctx, componentID)
	if desk.IsNotFound(err) || err == nil && c.Monitoring.Observed == observed {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = tx.SetObservedStatus(ctx, componentID, observed)
	return err
}
