package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"meldpunt/internal/desk"
	"meldpunt/internal/monitor"
)

// What the monitors' JSON API, the metrics and monitoring as code need beyond the engine's
// use cases (monitor.go): a page of results, every monitor's state in one read, a
// component's monitoring settings, secrets kept through a round trip of redacted settings,
// and applying or exporting a whole file of monitors (docs/monitors.md).

// RedactedSecret stands in for a secret in settings that are shown or exported. Sent back
// in the same place, it means "keep the stored secret".
const RedactedSecret = "********"

// MonitorReadStore reads what the API and the metrics show of monitors.
type MonitorReadStore interface {
	// MonitorResultsBefore lists a monitor's raw results before the time, newest first.
	MonitorResultsBefore(ctx context.Context, id int64, before time.Time, limit int) ([]desk.MonitorResult, error)
	// MonitorGauges returns every monitor with its component's name and current state, by
	// id, in one query.
	MonitorGauges(ctx context.Context) ([]desk.MonitorGauge, error)
}

// monitorReadTx is what the reads and the monitoring-as-code use cases see.
type monitorReadTx interface {
	monitorTx
	MonitorReadStore
}

func (s *Monitors) reads() txn[monitorReadTx] {
	return newTxn(s.store, func(tx Tx) monitorReadTx { return tx })
}

// MaxResultsPage bounds a page of results.
const MaxResultsPage = 500

// ResultsBefore lists a monitor's raw results before the time (zero: from the newest),
// newest first, at most limit (1 to MaxResultsPage); staff only. The next page starts
// before the last result's time.
func (s *Monitors) ResultsBefore(ctx context.Context, actor desk.Actor, id int64, before time.Time, limit int) (rs []desk.MonitorResult, err error) {
	if !actor.Role.IsStaff() && !actor.System {
		return nil, desk.NotFound("monitor")
	}
	if limit < 1 || limit > MaxResultsPage {
		return nil, invalid("limit", "range", fmt.Sprintf("must be between 1 and %d", MaxResultsPage))
	}
	if before.IsZero() {
		before = s.clock().Add(time.Millisecond)
	}
	err = s.reads().read(ctx, func(tx monitorReadTx) error {
		if _, err := tx.Monitor(ctx, id); err != nil {
			return err
		}
		rs, err = tx.MonitorResultsBefore(ctx, id, before, limit)
		return err
	})
	return rs, err
}

// Gauges returns every monitor's current state for the metrics, in one read. It needs no
// actor: only cmd wires it, to the metrics endpoint, which shows no secret.
func (s *Monitors) Gauges(ctx context.Context) (gs []desk.MonitorGauge, err error) {
	err = s.reads().read(ctx, func(tx monitorReadTx) error {
		gs, err = tx.MonitorGauges(ctx)
		return err
	})
	return gs, err
}

// ComponentMonitoring returns what a component's monitors may do and what they observe;
// staff only.
func (s *Monitors) ComponentMonitoring(ctx context.Context, actor desk.Actor, componentID int64) (cm desk.ComponentMonitoring, err error) {
	if !actor.Role.IsStaff() && !actor.System {
		return cm, desk.NotFound("component")
	}
	err = s.db.read(ctx, func(tx monitorTx) error {
		c, err := tx.Component(ctx, componentID)
		cm = c.Monitoring
		return err
	})
	return cm, err
}

// storedSettings returns the settings a redacted secret in new settings of kind may stand
// for: the monitor's, when it has that kind already; none for a new monitor or a new kind.
func storedSettings(m desk.Monitor, kind string) json.RawMessage {
	if m.ID == 0 || m.Kind != kind {
		return nil
	}
	return m.Settings
}

// keepSecrets returns settings with every redaction mark that stands where the stored
// settings' redacted form has the same text replaced by the stored value: what a client
// that read the settings and sent them back means. A mark anywhere else is refused (field
// "<kind>.<path>"): there is no stored secret it could stand for. stored is nil for a new
// monitor, or when the kind changes.
func (s *Monitors) keepSecrets(kind string, stored, settings json.RawMessage) (json.RawMessage, error) {
	if !bytes.Contains(settings, []byte(RedactedSecret)) {
		return settings, nil
	}
	var in any
	dec := json.NewDecoder(bytes.NewReader(settings))
	dec.UseNumber()
	if dec.Decode(&in) != nil {
		return settings, nil // not JSON: the checks name the problem
	}
	var old, red any
	if len(stored) > 0 && s.cfg.Monitors.Checks != nil {
		old = decodeNumbers(stored)
		red = decodeNumbers(s.cfg.Monitors.Checks.Redact(monitor.Kind(kind), stored))
	}
	var v desk.Validator
	out := unredact(in, old, red, kind, &v)
	if err := v.Err(); err != nil {
		return nil, err
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("keep secrets: %w", err)
	}
	return b, nil
}

func decodeNumbers(b []byte) any {
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return nil
	}
	return v
}

// unredact walks in beside the stored settings (old) and their redacted form (red).
func unredact(in, old, red any, path string, v *desk.Validator) any {
	switch x := in.(type) {
	case map[string]any:
		om, _ := old.(map[string]any)
		rm, _ := red.(map[string]any)
		for k, val := range x {
			x[k] = unredact(val, om[k], rm[k], path+"."+k, v)
		}
		return x
	case []any:
		oa, _ := old.([]any)
		ra, _ := red.([]any)
		for i, val := range x {
			var o, r any
			if i < len(oa) && i < len(ra) {
				o, r = oa[i], ra[i]
			}
			x[i] = unredact(val, o, r, path+"["+strconv.Itoa(i)+"]", v)
		}
		return x
	case string:
		if !strings.Contains(x, RedactedSecret) {
			return x
		}
		if r, ok := red.(string); ok && r == x {
			return old
		}
		v.Add(path, "redacted", "holds %s where no stored secret is hidden; give the secret itself", RedactedSecret)
	}
	return in
}

// MonitorSpec is one monitor of a monitoring-as-code file: its component and supplier by
// name, its schedule (zero: the defaults), its kind and that kind's settings.
type MonitorSpec struct {
	Name         string
	Component    string
	Supplier     string
	Kind         string
	Settings     json.RawMessage
	Interval     time.Duration
	Timeout      time.Duration
	FailAfter    int
	RecoverAfter int
	// Enabled nil means enabled: the file says what runs.
	Enabled *bool
}

// ApplyOptions says how a file is applied.
type ApplyOptions struct {
	// Prune deletes the monitors the file does not name; without it they are left alone.
	Prune bool
	// DryRun works out the changes and stores none of them.
	DryRun bool
}

// The actions of an ApplyChange.
const (
	ApplyCreated   = "created"
	ApplyUpdated   = "updated"
	ApplyUnchanged = "unchanged"
	ApplyDeleted   = "deleted"
	ApplyKept      = "kept" // not in the file, left alone (no prune)
)

// ApplyChange is what applying a file did to one monitor.
type ApplyChange struct {
	Action    string
	ID        int64
	Component string
	Name      string
	// HeartbeatToken is a new heartbeat monitor's secret, shown this once.
	HeartbeatToken string
}

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("dry run")

type monitorKey struct {
	component int64
	name      string
}

// Apply makes the monitors what the file says, in one transaction, idempotently: a monitor
// is the one of its component with its name; one that differs is updated, one that is
// missing is created, and (with Prune) one the file does not name is deleted. Every
// problem of every monitor is reported at once, fields named as the file names them
// ("monitors[3].http.expect_status[0]"), and then nothing is stored. Admins only.
func (s *Monitors) Apply(ctx context.Context, actor desk.Actor, specs []MonitorSpec, opt ApplyOptions) (changes []ApplyChange, err error) {
	if err := requireAdmin(actor, "define monitors"); err != nil {
		return nil, err
	}
	now := s.clock()
	err = s.db.write(ctx, func(tx monitorTx) error {
		changes = nil
		comps, err := tx.Components(ctx, 0)
		if err != nil {
			return err
		}
		compByName := map[string][]desk.Component{}
		compName := map[int64]string{}
		for _, c := range comps {
			compByName[c.Name] = append(compByName[c.Name], c)
			compName[c.ID] = c.Name
		}
		sups, err := tx.Suppliers(ctx, false)
		if err != nil {
			return err
		}
		supByName := map[string]int64{}
		for _, sp := range sups {
			supByName[sp.Name] = sp.ID
		}
		existing, err := tx.Monitors(ctx, 0)
		if err != nil {
			return err
		}
		byKey := map[monitorKey][]desk.Monitor{}
		for _, m := range existing {
			k := monitorKey{m.ComponentID, m.Name}
			byKey[k] = append(byKey[k], m)
		}

		type step struct {
			m      desk.Monitor
			before *desk.Monitor
		}
		var v desk.Validator
		var steps []step
		named := map[monitorKey]int{}
		for i, sp := range specs {
			p := "monitors[" + strconv.Itoa(i) + "]."
			var compID int64
			switch cs := compByName[strings.TrimSpace(sp.Component)]; {
			case strings.TrimSpace(sp.Component) == "":
				v.Add(p+"component", "required", "is required: the name of the monitor's component")
			case len(cs) == 0:
				v.Add(p+"component", "exists", "no component is named %q", sp.Component)
			case len(cs) > 1:
				v.Add(p+"component", "ambiguous", "%d components are named %q; rename all but one in the desk", len(cs), sp.Component)
			default:
				compID = cs[0].ID
			}
			var supplier *int64
			if name := strings.TrimSpace(sp.Supplier); name != "" {
				if id, ok := supByName[name]; ok {
					supplier = &id
				} else {
					v.Add(p+"supplier", "exists", "no supplier is named %q", sp.Supplier)
				}
			}
			key := monitorKey{compID, strings.TrimSpace(sp.Name)}
			var before *desk.Monitor
			if compID != 0 && key.name != "" {
				if j, dup := named[key]; dup {
					v.Add(p+"name", "unique", "names the same monitor as monitors[%d]: a component's monitors need names of their own", j)
				}
				named[key] = i
				switch ms := byKey[key]; len(ms) {
				case 0:
				case 1:
					before = &ms[0]
				default:
					v.Add(p+"name", "ambiguous", "%d monitors of %s are named %q; rename all but one in the desk", len(ms), sp.Component, key.name)
				}
			}
			in := MonitorInput{ComponentID: compID, SupplierID: supplier, Name: sp.Name, Kind: sp.Kind, Settings: sp.Settings,
				IntervalSeconds: int(sp.Interval / time.Second), TimeoutSeconds: int(sp.Timeout / time.Second),
				FailAfter: sp.FailAfter, RecoverAfter: sp.RecoverAfter, Enabled: sp.Enabled}
			if in.Enabled == nil {
				in.Enabled = ptr(true)
			}
			base := desk.Monitor{}
			if before != nil {
				base = *before // build keeps its secrets where the file has them redacted
			}
			m, err := s.build(in, base)
			if e, ok := err.(*desk.Error); ok {
				for _, f := range e.Fields {
					if f.Field == "component_id" && compID == 0 {
						continue
					}
					v.Add(p+specField(f.Field), f.Rule, "%s", f.Message)
				}
				continue
			} else if err != nil {
				return err
			}
			steps = append(steps, step{m: m, before: before})
		}
		if err := v.Err(); err != nil {
			return err
		}

		for _, st := range steps {
			m := st.m
			switch {
			case st.before == nil:
				var token string
				if m.Kind == desk.KindHeartbeat {
					token = newHeartbeatToken()
					m.HeartbeatHash = sha256Sum(token)
				}
				m.CreatedAt, m.UpdatedAt = now, now
				if err := tx.CreateMonitor(ctx, &m, func(id int64) time.Time { return desk.FirstDue(id, m.Interval, now) }); err != nil {
					return err
				}
				if err := audit(ctx, tx, actor, now, "monitor", m.ID, nil, "create", nil, s.redacted(m)); err != nil {
					return err
				}
				changes = append(changes, ApplyChange{Action: ApplyCreated, ID: m.ID, Component: compName[m.ComponentID], Name: m.Name, HeartbeatToken: token})
			case sameMonitor(m, *st.before):
				changes = append(changes, ApplyChange{Action: ApplyUnchanged, ID: m.ID, Component: compName[m.ComponentID], Name: m.Name})
			default:
				before := *st.before
				m.UpdatedAt = now
				if err := tx.UpdateMonitor(ctx, &m); err != nil {
					return err
				}
				if m.Interval != before.Interval || m.Enabled && !before.Enabled {
					if err := tx.RescheduleMonitor(ctx, m.ID, desk.FirstDue(m.ID, m.Interval, now)); err != nil {
						return err
					}
				}
				if err := s.observe(ctx, tx, m.ComponentID); err != nil {
					return err
				}
				if err := audit(ctx, tx, actor, now, "monitor", m.ID, nil, "update", s.redacted(before), s.redacted(m)); err != nil {
					return err
				}
				changes = append(changes, ApplyChange{Action: ApplyUpdated, ID: m.ID, Component: compName[m.ComponentID], Name: m.Name})
			}
		}
		for _, m := range existing {
			if _, ok := named[monitorKey{m.ComponentID, m.Name}]; ok {
				continue
			}
			if !opt.Prune {
				changes = append(changes, ApplyChange{Action: ApplyKept, ID: m.ID, Component: compName[m.ComponentID], Name: m.Name})
				continue
			}
			if err := tx.DeleteMonitor(ctx, m.ID); err != nil {
				return err
			}
			if err := s.observe(ctx, tx, m.ComponentID); err != nil {
				return err
			}
			if err := audit(ctx, tx, actor, now, "monitor", m.ID, nil, "delete", s.redacted(m), map[string]any{}); err != nil {
				return err
			}
			changes = append(changes, ApplyChange{Action: ApplyDeleted, ID: m.ID, Component: compName[m.ComponentID], Name: m.Name})
		}
		if opt.DryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	if err != nil {
		changes = nil
	}
	return changes, err
}

// specField names a field of the app's input as the file names it.
func specField(f string) string {
	switch f {
	case "component_id":
		return "component"
	case "supplier_id":
		return "supplier"
	}
	return f
}

// sameMonitor tells whether applying m would change nothing of before.
func sameMonitor(m, before desk.Monitor) bool {
	same := func(a, b *int64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }
	return m.ComponentID == before.ComponentID && same(m.SupplierID, before.SupplierID) && m.Name == before.Name &&
		m.Kind == before.Kind && bytes.Equal(compactJSON(m.Settings), compactJSON(before.Settings)) &&
		m.Interval == before.Interval && m.Timeout == before.Timeout && m.FailAfter == before.FailAfter &&
		m.RecoverAfter == before.RecoverAfter && m.Enabled == before.Enabled
}

func compactJSON(b []byte) []byte {
	var out bytes.Buffer
	if json.Compact(&out, b) != nil {
		return b
	}
	return out.Bytes()
}

// Export returns every monitor as a file of monitors names it, its settings with their
// secrets redacted (applied again, a redacted value keeps the stored secret); by component
// and name. Staff only; it needs the checks, which know what is secret.
func (s *Monitors) Export(ctx context.Context, actor desk.Actor) (specs []MonitorSpec, err error) {
	if !actor.Role.IsStaff() && !actor.System {
		return nil, forbidden("see monitors")
	}
	if s.cfg.Monitors.Checks == nil {
		return nil, errors.New("export monitors: the checks that know which settings are secret are not configured")
	}
	err = s.db.read(ctx, func(tx monitorTx) error {
		comps, err := tx.Components(ctx, 0)
		if err != nil {
			return err
		}
		sups, err := tx.Suppliers(ctx, false)
		if err != nil {
			return err
		}
		supName := map[int64]string{}
		for _, sp := range sups {
			supName[sp.ID] = sp.Name
		}
		for _, c := range comps {
			ms, err := tx.Monitors(ctx, c.ID)
			if err != nil {
				return err
			}
			for _, m := range ms {
				m = s.redacted(m)
				sp := MonitorSpec{Name: m.Name, Component: c.Name, Kind: m.Kind, Settings: m.Settings, Interval: m.Interval,
					Timeout: m.Timeout, FailAfter: m.FailAfter, RecoverAfter: m.RecoverAfter, Enabled: ptr(m.Enabled)}
				if m.SupplierID != nil {
					sp.Supplier = supName[*m.SupplierID]
				}
				specs = append(specs, sp)
			}
		}
		return nil
	})
	return specs, err
}

// MonitorKinds lists the kinds of check a monitor may have.
func MonitorKinds() []string { return append([]string(nil), monitorKinds...) }
