package app

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"meldpunt/internal/desk"
	"meldpunt/internal/monitor"
)

// The monitors' schedule (docs/monitors.md "Scheduling and history"): Claim leases due
// monitors to this instance; Check runs one, outside any transaction; Record stores a batch
// of checks in one transaction, each result with its change of state. A check whose lease
// was lost meanwhile (another instance took the monitor) is dropped whole.

// DueCheck is a monitor leased to this instance for the check due at Due.
type DueCheck struct {
	Monitor desk.Monitor
	Due     time.Time
	// LastBeatAt is a heartbeat monitor's last beat when it was claimed.
	LastBeatAt time.Time
}

// Checked is a check done: the monitor, the time it was due, and what it found.
type Checked struct {
	DueCheck
	Result monitor.Result
	// Skip says nothing was found to record (a heartbeat that beat in time): the monitor
	// is only rescheduled.
	Skip bool
}

// Running tells whether monitors are run (checks are wired).
func (s *Monitors) Running() bool { return s.cfg.Monitors.Checks != nil }

// Instance names this process in leases.
func (s *Monitors) Instance() string { return s.cfg.Outbox.Instance }

// Claim leases at most limit due monitors to this instance, each for its timeout plus
// a margin of a minute (store.LeaseMargin) and at most its interval: a check ends within its timeout,
// its batch is recorded well within the margin, and when this instance dies its monitors
// are checked again within a minute past their timeout, and always within one interval.
func (s *Monitors) Claim(ctx context.Context, limit int) (due []DueCheck, err error) {
	now := s.clock()
	owner := s.Instance()
	err = s.db.write(ctx, func(tx monitorTx) error {
		ids, err := tx.ClaimMonitors(ctx, owner, now, limit)
		if err != nil || len(ids) == 0 {
			return err
		}
		ms, err := tx.MonitorsByID(ctx, ids)
		if err != nil {
			return err
		}
		sts, err := tx.MonitorStates(ctx, ids)
		if err != nil {
			return err
		}
		due = make([]DueCheck, 0, len(ms))
		for i, m := range ms {
			due = append(due, DueCheck{Monitor: m, Due: sts[i].NextDueAt, LastBeatAt: sts[i].LastBeatAt})
		}
		return nil
	})
	return due, err
}

// Check runs one claimed check. A heartbeat is not run: it is down when no beat came
// within its interval and grace (heartbeatGrace), and otherwise skipped.
func (s *Monitors) Check(ctx context.Context, d DueCheck) Checked {
	m := d.Monitor
	if m.Kind == desk.KindHeartbeat {
		now := s.clock()
		last := d.LastBeatAt
		if last.IsZero() {
			last = m.CreatedAt
		}
		grace := heartbeatGrace(m)
		if now.Sub(last) <= m.Interval+grace {
			return Checked{DueCheck: d, Skip: true}
		}
		msg := "no beat since the monitor was made"
		if !d.LastBeatAt.IsZero() {
			msg = "no beat since " + d.LastBeatAt.Format(time.RFC3339)
		}
		return Checked{DueCheck: d, Result: monitor.Result{Status: monitor.Down, Reason: monitor.ReasonTimeout, Error: msg, At: now,
			Evidence: map[string]string{"expected_every": m.Interval.String(), "grace": grace.String()}}}
	}
	started := s.clock() // the services' clock is the one history is kept in
	r := s.cfg.Monitors.Checks.Run(ctx, monitor.Kind(m.Kind), m.Settings, m.Timeout)
	r.At = started
	return Checked{DueCheck: d, Result: r}
}

// heartbeatGrace is how long past its interval a heartbeat may be late: the settings'
// grace (a Go duration, as monitor.HeartbeatSettings has it), else the monitor's timeout.
func heartbeatGrace(m desk.Monitor) time.Duration {
	var s struct {
		Grace string `json:"grace"`
	}
	if json.Unmarshal(m.Settings, &s) == nil && s.Grace != "" {
		if d, err := time.ParseDuration(s.Grace); err == nil && d >= 0 {
			return d
		}
	}
	return m.Timeout
}

// errLeaseLost drops one check of a batch: its monitor is no longer this instance's.
var errLeaseLost = errors.New("the monitor's lease was lost")

// Record stores a batch of checks in one transaction: the results in one multi-row INSERT,
// each monitor's change of state (and what an outage or a recovery does) beside it. It
// returns how many it stored; checks whose lease was lost are left out. When the batch
// fails as a whole, each check is tried alone, so one bad check does not lose the others.
func (s *Monitors) Record(ctx context.Context, cs []Checked) (int, error) {
	if len(cs) == 0 {
		return 0, nil
	}
	n, err := s.record(ctx, cs)
	if err == nil || len(cs) == 1 || ctx.Err() != nil {
		return n, err
	}
	s.log.WarnContext(ctx, "recording a batch of checks failed; recording them one by one", "checks", len(cs), "err", err)
	total := 0
	var errs []error
	for _, c := range cs {
		n, err := s.record(ctx, []Checked{c})
		total += n
		if err != nil {
			errs = append(errs, fmt.Errorf("monitor %d: %w", c.Monitor.ID, err))
		}
	}
	return total, errors.Join(errs...)
}

func (s *Monitors) record(ctx context.Context, cs []Checked) (n int, err error) {
	owner := s.Instance()
	err = s.db.write(ctx, func(tx monitorTx) error {
		n = 0
		now := s.clock()
		var rows []desk.MonitorResult
		touched := map[int64]bool{}
		ids := make([]int64, len(cs))
		for i, c := range cs {
			ids[i] = c.Monitor.ID
		}
		sts, err := tx.MonitorStates(ctx, ids) // one query for the batch
		if err != nil {
			return err
		}
		states := make(map[int64]desk.MonitorState, len(sts))
		for _, st := range sts {
			states[st.MonitorID] = st
		}
		for _, c := range cs {
			st, ok := states[c.Monitor.ID]
			if !ok {
				continue // deleted meanwhile
			}
			if st.LeaseOwner != owner {
				continue // another instance took it when our lease ran out
			}
			next := desk.NextDue(c.Due, c.Monitor.Interval, now)
			if c.Skip {
				st.NextDueAt = next
				if _, err := tx.SaveMonitorState(ctx, &st, owner); err != nil {
					return err
				}
				continue
			}
			after, err := s.apply(ctx, tx, c.Monitor, st, c.Result, false, owner, next, now)
			if errors.Is(err, errLeaseLost) {
				continue
			}
			if err != nil {
				return err
			}
			rows = append(rows, resultRow(c.Monitor.ID, c.Result))
			// The component's observed status is the worst of its monitors': it can only
			// move when this monitor's share of it moved. Reading all its monitors for
			// every batch instead cost half the CPU of 10,000 monitors on one component
			// (docs/benchmarks.md "Monitors: 10,000 HTTP checks against Gatus").
			if desk.ObservedStatus(st.Status, st.LastComponentStatus) != desk.ObservedStatus(after.Status, after.LastComponentStatus) {
				touched[c.Monitor.ComponentID] = true
			}
			n++
		}
		if err := tx.AddMonitorResults(ctx, rows); err != nil {
			return err
		}
		for _, comp := range slices.Sorted(maps.Keys(touched)) {
			if err := s.observe(ctx, tx, comp); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

func resultRow(id int64, r monitor.Result) desk.MonitorResult {
	return desk.MonitorResult{MonitorID: id, At: r.At.UTC().Truncate(time.Millisecond), Status: desk.MonitorVerdict(r.Status),
		Duration: r.Duration, Error: r.Error}
}

// Release ends this instance's leases on the monitors (checks cancelled at shutdown), so
// another instance checks them at once.
func (s *Monitors) Release(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	return s.db.write(ctx, func(tx monitorTx) error { return tx.ReleaseMonitors(ctx, s.Instance(), ids) })
}

// monitorActor is who opens and resolves monitors' incidents.
var monitorActor = desk.SystemActor("monitor")

// apply applies one check's result to the monitor's state by its hysteresis and saves it:
// with owner set (the scheduler) only while owner holds the lease (errLeaseLost otherwise),
// rescheduling it at next; without (a heartbeat's push), only if the state did not move
// meanwhile (ECONFLICT otherwise). An outage or a recovery does its work in the same
// transaction: the saved change of verdict is the claim that makes it happen once.
func (s *Monitors) apply(ctx context.Context, tx monitorTx, m desk.Monitor, st desk.MonitorState, r monitor.Result, beat bool, owner string, next, now time.Time) (desk.MonitorState, error) {
	before := st
	at := r.At.UTC().Truncate(time.Millisecond)
	st, tr := m.Step(st, desk.MonitorVerdict(r.Status), at)
	st.LastAt, st.LastStatus, st.LastDuration = at, desk.MonitorVerdict(r.Status), r.Duration.Truncate(time.Millisecond)
	st.LastError, st.LastEvidence = clipText(r.Error, 500), withReason(r.Evidence, r.Reason)
	st.LastComponentStatus = desk.ComponentStatus(r.ComponentStatus)
	if beat {
		st.LastBeatAt = at
	}
	if owner != "" {
		st.NextDueAt = next
	}
	if tr == desk.MonitorRecovered {
		st.DownSince = nil
	}
	ok, err := tx.SaveMonitorState(ctx, &st, owner)
	if err != nil {
		return st, err
	}
	if !ok {
		if owner != "" {
			return st, errLeaseLost
		}
		return st, desk.Errorf(desk.ECONFLICT, "the monitor changed meanwhile; try again")
	}
	switch tr {
	case desk.MonitorWentDown:
		id, err := s.wentDown(ctx, tx, m, st, r, now)
		if err != nil {
			return st, err
		}
		if !sameRef(id, st.IncidentID) {
			st.IncidentID = id
			if ok, err := tx.SaveMonitorState(ctx, &st, ""); err != nil || !ok {
				return st, errors.Join(err, errors.New("record the monitor's incident: the state moved"))
			}
		}
	case desk.MonitorRecovered:
		return st, s.recovered(ctx, tx, m, before, st, at, now)
	}
	return st, nil
}

func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// underMaintenance tells whether a maintenance of the component is in progress (or being
// verified): its monitors then do not alert.
func underMaintenance(ctx context.Context, tx PublicIncidentStore, componentID int64) (bool, error) {
	open, err := tx.PublicIncidents(ctx, PublicIncidentFilter{Kind: desk.KindMaintenance, State: PublicOpen, Limit: 500})
	if err != nil {
		return false, err
	}
	for _, p := range open {
		if !p.Active() {
			continue
		}
		for _, c := range p.Components {
			if c.ComponentID == componentID {
				return true, nil
			}
		}
	}
	return false, nil
}

// wentDown does what an outage does: unless the component is under maintenance, it opens
// an incident on the monitor channel with the evidence (or notes the outage on the
// monitor's incident still open from before), alerts the desk (email) and publishes
// monitor.down (webhooks, chat). It returns the monitor's incident.
func (s *Monitors) wentDown(ctx context.Context, tx monitorTx, m desk.Monitor, st desk.MonitorState, r monitor.Result, now time.Time) (*int64, error) {
	comp, err := tx.Component(ctx, m.ComponentID)
	if err != nil {
		return nil, err
	}
	maint, err := underMaintenance(ctx, tx, m.ComponentID)
	if err != nil {
		return nil, err
	}
	if maint {
		s.log.InfoContext(ctx, "monitor down during maintenance: no incident, no alert", "monitor", m.ID, "component", comp.ID)
		return nil, nil
	}
	evidence := s.evidence(m, comp, st, r)
	var inc desk.Incident
	reuse := false
	if st.IncidentID != nil {
		prev, err := tx.Incident(ctx, *st.IncidentID)
		if err == nil && prev.State.Open() && prev.State != desk.StateResolved {
			inc, reuse = prev, true
		} else if err != nil && !desk.IsNotFound(err) {
			return nil, err
		}
	}
	prov, err := provider(ctx, tx)
	if err != nil {
		return nil, err
	}
	if !reuse {
		inc = desk.Incident{
			OrgID: prov.ID, Channel: desk.ChannelMonitor, Kind: desk.KindRegular,
			Title:       clipText(monitorTitle(m, comp), desk.MaxTitle),
			Description: evidence, Urgency: desk.High, Impact: desk.High,
			ComponentIDs: []int64{comp.ID}, State: desk.StateNew, SupplierID: m.SupplierID,
			CreatedAt: now, UpdatedAt: now,
		}
		if desk.MonitorVerdict(r.Status) != desk.MonitorDown || comp.Monitoring.Observed == desk.StatusPartialOutage {
			inc.Impact = desk.Normal
		}
		if err := inc.Validate(); err != nil {
			return nil, err
		}
		mx, err := matrix(ctx, tx)
		if err != nil {
			return nil, err
		}
		if inc.Priority, err = mx.Priority(inc.Urgency, inc.Impact); err != nil {
			return nil, err
		}
		if err := tx.CreateIncident(ctx, &inc); err != nil {
			return nil, err
		}
		body := "Registered via monitor, priority " + inc.Priority.String() + "."
		if err := entry(ctx, tx, monitorActor, inc, desk.Public, body, now, desk.EventRegistered,
			"channel:"+string(inc.Channel), "priority:"+inc.Priority.String()); err != nil {
			return nil, err
		}
		if err := audit(ctx, tx, monitorActor, now, "incident", inc.ID, &inc.OrgID, "create", nil, inc); err != nil {
			return nil, err
		}
		if err := s.publishIncident(ctx, tx, desk.EventIncidentCreated, monitorActor, inc, now, nil); err != nil {
			return nil, err
		}
	}
	if err := tx.LinkMonitorIncident(ctx, m.ID, inc.ID); err != nil {
		return nil, err
	}
	args := []string{"text:" + m.Name, "text:" + firstLine(r.Error)}
	if r.Reason != "" { // the reason in the reader's language, before the check's English detail
		args = []string{"text:" + m.Name, "reason:" + r.Reason, "text:" + firstLine(r.Error)}
	}
	if err := entry(ctx, tx, monitorActor, inc, desk.Internal, "Monitor "+m.Name+" is down: "+firstLine(r.Error), now,
		desk.EventMonitorWentDown, args...); err != nil {
		return nil, err
	}
	if reuse {
		if err := tx.TouchIncident(ctx, inc.ID, now); err != nil {
			return nil, err
		}
	}
	// The alert: the desk's new-report message (email) and the monitor.down event.
	if err := notifyNewReport(ctx, tx, monitorActor, inc, prov.ID, nil, now); err != nil {
		return nil, err
	}
	if err := s.publishMonitor(ctx, tx, desk.EventMonitorDown, m, comp, st, r, inc, now); err != nil {
		return nil, err
	}
	return &inc.ID, nil
}

// monitorTitle is the title of a monitor's incident: the monitor and its component after a
// warning sign, in no language, since the desk reads it in Dutch and English alike (the
// timeline says what failed in the reader's language).
func monitorTitle(m desk.Monitor, comp desk.Component) string {
	return "⚠ " + m.Name + " (" + comp.Name + ")"
}

// withReason is a result's evidence with its reason added (key "reason"), so the monitor's
// page can say in the reader's language why the last check was not up; the result's own
// map is left as it is.
func withReason(evidence map[string]string, reason string) map[string]string {
	if reason == "" {
		return evidence
	}
	out := make(map[string]string, len(evidence)+1)
	maps.Copy(out, evidence)
	out["reason"] = reason
	return out
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if s == "" {
		return "no reason given"
	}
	return clipText(s, 300)
}

// evidence is the incident's text: what failed, since when, and the check's facts. It holds
// no settings: an error from the checks is free of secrets, and so is its evidence.
func (s *Monitors) evidence(m desk.Monitor, comp desk.Component, st desk.MonitorState, r monitor.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Monitor %q (%s) of component %q is down", m.Name, m.Kind, comp.Name)
	if st.DownSince != nil {
		fmt.Fprintf(&b, " since %s", st.DownSince.Format(time.RFC3339))
	}
	fmt.Fprintf(&b, ", after %d failed checks in a row.\n\n", st.Fails)
	if r.Error != "" {
		fmt.Fprintf(&b, "Error: %s\n", r.Error)
	}
	fmt.Fprintf(&b, "Response time: %s\n", r.Duration.Truncate(time.Millisecond))
	if r.ComponentStatus != "" {
		fmt.Fprintf(&b, "Supplier's status: %s\n", r.ComponentStatus)
	}
	for _, k := range slices.Sorted(maps.Keys(r.Evidence)) {
		fmt.Fprintf(&b, "%s: %s\n", k, r.Evidence[k])
	}
	return clipText(b.String(), desk.MaxText)
}

// recovered records the end of an outage on the monitor's incident (with the time down),
// resolves it when the component says so and it is still open, and publishes monitor.up.
// An outage that opened no incident (during maintenance) ends quietly.
func (s *Monitors) recovered(ctx context.Context, tx monitorTx, m desk.Monitor, before, st desk.MonitorState, at, now time.Time) error {
	if before.IncidentID == nil {
		return nil
	}
	inc, err := tx.Incident(ctx, *before.IncidentID)
	if desk.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	comp, err := tx.Component(ctx, m.ComponentID)
	if err != nil {
		return err
	}
	var down time.Duration
	if before.DownSince != nil {
		down = at.Sub(*before.DownSince).Round(time.Second)
	}
	if err := entry(ctx, tx, monitorActor, inc, desk.Internal, "Monitor "+m.Name+" is up again after "+down.String()+" down.", now,
		desk.EventMonitorCameUp, "text:"+m.Name, "duration:"+strconv.FormatInt(int64(down/time.Second), 10)); err != nil {
		return err
	}
	if err := tx.TouchIncident(ctx, inc.ID, now); err != nil {
		return err
	}
	if inc, err = tx.Incident(ctx, inc.ID); err != nil {
		return err
	}
	if comp.Monitoring.Autoresolve && inc.State.Open() && inc.State != desk.StateResolved {
		if inc.State == desk.StateNew {
			if err := s.transition(ctx, tx, monitorActor, &inc, desk.Transition{To: desk.StateInProgress}, now, ""); err != nil {
				return err
			}
		}
		t := desk.Transition{To: desk.StateResolved, SolutionKind: desk.SolutionTemporary,
			Solution: "Monitor " + m.Name + " is up again after " + down.String() + " down; resolved by the monitor."}
		if err := s.transition(ctx, tx, monitorActor, &inc, t, now, ""); err != nil {
			return err
		}
	}
	r := monitor.Result{Status: monitor.Status(st.LastStatus), Duration: st.LastDuration, At: at}
	return s.publishMonitor(ctx, tx, desk.EventMonitorUp, m, comp, before, r, inc, now)
}

// eventMonitor is a monitor as its events show it: no settings, so no secrets.
type eventMonitor struct {
	ID          int64             `json:"id"`
	Name        string            `json:"name"`
	Kind        string            `json:"kind"`
	Component   eventRef          `json:"component"`
	Status      string            `json:"status"`
	Error       string            `json:"error,omitempty"`
	ResponseMS  int64             `json:"response_time_ms"`
	Evidence    map[string]string `json:"evidence,omitempty"`
	DownSince   *time.Time        `json:"down_since,omitempty"`
	DownSeconds *int64            `json:"down_seconds,omitempty"`
}

// publishMonitor queues monitor.down or monitor.up (Standard Webhooks shape, like the
// incident events) with the monitor and its incident.
func (s *Monitors) publishMonitor(ctx context.Context, tx monitorTx, kind string, m desk.Monitor, comp desk.Component, st desk.MonitorState, r monitor.Result, inc desk.Incident, now time.Time) error {
	return s.publish(ctx, tx, kind, &inc.ID, now, func() (eventData, error) {
		ei, err := s.incidentEvent(ctx, tx, inc)
		if err != nil {
			return eventData{}, err
		}
		em := &eventMonitor{ID: m.ID, Name: m.Name, Kind: m.Kind, Component: eventRef{ID: comp.ID, Name: comp.Name},
			Status: string(r.Status), Error: r.Error, ResponseMS: r.Duration.Milliseconds(), Evidence: r.Evidence,
			DownSince: st.DownSince}
		if kind == desk.EventMonitorUp && st.DownSince != nil {
			secs := int64(r.At.Sub(*st.DownSince).Round(time.Second) / time.Second)
			em.DownSeconds = &secs
		}
		return eventData{Incident: &ei, Monitor: em, Actor: actorEvent(monitorActor)}, nil
	})
}

// Heartbeat records a beat of the heartbeat monitor whose token it is: up, or down when the
// caller says so (status "down"), with its message. Unknown tokens are not found.
func (s *Monitors) Heartbeat(ctx context.Context, token string, status, msg string) error {
	if token == "" || len(token) > 200 {
		return desk.NotFound("heartbeat")
	}
	var v desk.Validator
	v.OneOf("status", status, false, []string{string(monitor.Up), string(monitor.Down)})
	v.Text("msg", msg, false, 500, false)
	if err := v.Err(); err != nil {
		return err
	}
	hash := sha256Sum(token)
	now := s.clock()
	r := monitor.Result{Status: monitor.Up, At: now}
	if status == string(monitor.Down) {
		r.Status, r.Reason, r.Error = monitor.Down, monitor.ReasonOther, "the heartbeat reported down"
		if msg != "" {
			r.Error += ": " + msg
		}
	} else if msg != "" {
		r.Evidence = map[string]string{"message": msg}
	}
	for try := 0; ; try++ {
		err := s.db.write(ctx, func(tx monitorTx) error {
			m, err := tx.MonitorByHeartbeat(ctx, hash)
			if desk.IsNotFound(err) || err == nil && (m.Kind != desk.KindHeartbeat || !m.Enabled) {
				return desk.NotFound("heartbeat")
			}
			if err != nil {
				return err
			}
			st, err := tx.MonitorState(ctx, m.ID)
			if err != nil {
				return err
			}
			if _, err := s.apply(ctx, tx, m, st, r, true, "", time.Time{}, now); err != nil {
				return err
			}
			if err := tx.AddMonitorResults(ctx, []desk.MonitorResult{resultRow(m.ID, r)}); err != nil {
				return err
			}
			return s.observe(ctx, tx, m.ComponentID)
		})
		if desk.ErrorCode(err) != desk.ECONFLICT || try >= 3 {
			return err
		}
	}
}

func sha256Sum(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}
