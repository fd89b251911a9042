package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// Monitors (docs/monitors.md "The API"): the provider's staff read them, admins define
// them. Schedules are whole seconds; settings come back with their secrets redacted, and a
// redacted value sent back keeps the stored secret.

// monitorJSON is a monitor as the API shows it.
type monitorJSON struct {
	ID              int64           `json:"id"`
	ComponentID     int64           `json:"component_id"`
	SupplierID      *int64          `json:"supplier_id"`
	Name            string          `json:"name"`
	Kind            string          `json:"kind"`
	Settings        json.RawMessage `json:"settings"`
	IntervalSeconds int             `json:"interval_seconds"`
	TimeoutSeconds  int             `json:"timeout_seconds"`
	FailAfter       int             `json:"fail_after"`
	RecoverAfter    int             `json:"recover_after"`
	Enabled         bool            `json:"enabled"`
	CreatedAt       time.Time       `json:"created_at"`
	UpdatedAt       time.Time       `json:"updated_at"`
	State           stateJSON       `json:"state"`
	// HeartbeatURL is a new heartbeat monitor's address with its secret token: shown in
	// the answer that made it, never again.
	HeartbeatURL string `json:"heartbeat_url,omitempty"`
}

// stateJSON is a monitor's verdict and last check.
type stateJSON struct {
	Status              desk.MonitorVerdict  `json:"status"`
	Fails               int                  `json:"fails"`
	Oks                 int                  `json:"oks"`
	LastAt              *time.Time           `json:"last_at"`
	LastStatus          *desk.MonitorVerdict `json:"last_status"`
	LastDurationMS      int64                `json:"last_duration_ms"`
	LastError           string               `json:"last_error"`
	LastEvidence        map[string]string    `json:"last_evidence"`
	LastComponentStatus string               `json:"last_component_status"`
	LastBeatAt          *time.Time           `json:"last_beat_at"`
	DownSince           *time.Time           `json:"down_since"`
	IncidentID          *int64               `json:"incident_id"`
	NextDueAt           time.Time            `json:"next_due_at"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func monitorOut(v app.MonitorView) monitorJSON {
	m, s := v.Monitor, v.State
	settings := m.Settings
	if len(settings) == 0 {
		settings = json.RawMessage("null")
	}
	out := monitorJSON{ID: m.ID, ComponentID: m.ComponentID, SupplierID: m.SupplierID, Name: m.Name, Kind: m.Kind,
		Settings: settings, IntervalSeconds: int(m.Interval / time.Second), TimeoutSeconds: int(m.Timeout / time.Second),
		FailAfter: m.FailAfter, RecoverAfter: m.RecoverAfter, Enabled: m.Enabled, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt,
		State: stateJSON{Status: s.Status, Fails: s.Fails, Oks: s.Oks, LastAt: timePtr(s.LastAt),
			LastDurationMS: s.LastDuration.Milliseconds(), LastError: s.LastError, LastEvidence: s.LastEvidence,
			LastComponentStatus: string(s.LastComponentStatus), LastBeatAt: timePtr(s.LastBeatAt), DownSince: s.DownSince,
			IncidentID: s.IncidentID, NextDueAt: s.NextDueAt}}
	if out.State.Status == "" {
		out.State.Status = desk.MonitorUp
	}
	if s.LastStatus != "" {
		ls := s.LastStatus
		out.State.LastStatus = &ls
	}
	if out.State.LastEvidence == nil {
		out.State.LastEvidence = map[string]string{}
	}
	return out
}

// monitorFields renames the checks' fields ("http.expect_status[0]") to where the client
// sent them ("settings.expect_status[0]", which the adapter makes /settings/expect_status/0).
func monitorFields(kind string, err error) error {
	e, ok := err.(*desk.Error)
	if !ok || len(e.Fields) == 0 || kind == "" {
		return err
	}
	out := *e
	out.Fields = make([]desk.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		switch {
		case f.Field == kind:
			f.Field = "settings"
		case strings.HasPrefix(f.Field, kind+"."):
			f.Field = "settings." + strings.TrimPrefix(f.Field, kind+".")
		case strings.HasPrefix(f.Field, kind+"["):
			f.Field = "settings" + strings.TrimPrefix(f.Field, kind)
		case f.Field == "interval" || f.Field == "timeout":
			f.Field += "_seconds"
		}
		out.Fields[i] = f
	}
	return &out
}

func (a *api) listMonitors(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	comp := q.id("component_id")
	if err := q.Err(); err != nil {
		return err
	}
	vs, err := a.svc.monitors.List(r.Context(), actor(r), comp)
	if err != nil {
		return err
	}
	out := make([]monitorJSON, len(vs))
	for i, v := range vs {
		out[i] = monitorOut(v)
	}
	return writeJSON(w, http.StatusOK, listOf(out))
}

func (a *api) createMonitor(w http.ResponseWriter, r *http.Request) error {
	var in app.MonitorInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, token, err := a.svc.monitors.Create(r.Context(), actor(r), in)
	if err != nil {
		return monitorFields(in.Kind, err)
	}
	out := monitorOut(v)
	if token != "" {
		out.HeartbeatURL = a.base + "/heartbeat/" + token
	}
	return a.created(w, Prefix+"/monitors/"+strconv.FormatInt(v.ID, 10), out)
}

func (a *api) getMonitor(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "monitor")
	if err != nil {
		return err
	}
	v, err := a.svc.monitors.Get(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, monitorOut(v))
}

// updateMonitor replaces a monitor's definition: what the body leaves out takes its
// default, but for kind, enabled and settings, which are kept.
func (a *api) updateMonitor(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "monitor")
	if err != nil {
		return err
	}
	var in app.MonitorInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if len(in.Settings) == 0 {
		// Kept: the settings as shown, whose redacted secrets stand for the stored ones.
		cur, err := a.svc.monitors.Get(r.Context(), actor(r), id)
		if err != nil {
			return err
		}
		if in.Kind == "" || in.Kind == cur.Kind {
			in.Settings = cur.Settings
		}
	}
	v, err := a.svc.monitors.Update(r.Context(), actor(r), id, in)
	if err != nil {
		kind := in.Kind
		if kind == "" {
			if cur, gerr := a.svc.monitors.Get(r.Context(), actor(r), id); gerr == nil {
				kind = cur.Kind
			}
		}
		return monitorFields(kind, err)
	}
	return writeJSON(w, http.StatusOK, monitorOut(v))
}

func (a *api) deleteMonitor(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "monitor")
	if err != nil {
		return err
	}
	if err := a.svc.monitors.Delete(r.Context(), actor(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// resultJSON is one check of a monitor's history.
type resultJSON struct {
	At         time.Time           `json:"at"`
	Status     desk.MonitorVerdict `json:"status"`
	DurationMS int64               `json:"duration_ms"`
	Error      string              `json:"error"`
}

// listMonitorResults pages through a monitor's raw results, newest first; the cursor is
// the time of the last result of the page before.
func (a *api) listMonitorResults(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "monitor")
	if err != nil {
		return err
	}
	q := newQuery(r)
	limit, cursor := q.limit(), q.cursor()
	if err := q.Err(); err != nil {
		return err
	}
	var before time.Time
	if cursor > 0 {
		before = time.UnixMilli(cursor)
	}
	rs, err := a.svc.monitors.ResultsBefore(r.Context(), actor(r), id, before, limit)
	if err != nil {
		return err
	}
	out := make([]resultJSON, len(rs))
	for i, res := range rs {
		out[i] = resultJSON{At: res.At, Status: res.Status, DurationMS: res.Duration.Milliseconds(), Error: res.Error}
	}
	var next int64
	if len(rs) == limit && rs[len(rs)-1].At.UnixMilli() > 0 {
		next = rs[len(rs)-1].At.UnixMilli()
	}
	return writeJSON(w, http.StatusOK, pageOf(out, next))
}

func (a *api) monitorUptime(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "monitor")
	if err != nil {
		return err
	}
	us, err := a.svc.monitors.Uptime(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(us))
}

// historyRange is the default and longest span of a history request, by level.
var historyRange = map[desk.MonitorLevel][2]time.Duration{
	desk.LevelHourly: {7 * 24 * time.Hour, 92 * 24 * time.Hour},
	desk.LevelDaily:  {90 * 24 * time.Hour, 5 * 366 * 24 * time.Hour},
}

// monitorHistory lists a monitor's hourly or daily aggregates in [from, to): by default the
// last 7 days of hours or 90 days of days.
func (a *api) monitorHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "monitor")
	if err != nil {
		return err
	}
	q := newQuery(r)
	level := desk.MonitorLevel(q.oneOf("level", []string{string(desk.LevelHourly), string(desk.LevelDaily)}))
	if level == "" {
		level = desk.LevelHourly
	}
	from, to := q.moment("from"), q.moment("to")
	span := historyRange[level]
	if to.IsZero() {
		to = time.Now().UTC()
	}
	if from.IsZero() {
		from = to.Add(-span[0])
	}
	if !q.Has("from") && !q.Has("to") {
		switch {
		case !to.After(from):
			q.Add("to", "after", "must be later than from")
		case to.Sub(from) > span[1]:
			q.Add("from", "range", "must be at most %d days before to for %s history", int(span[1]/(24*time.Hour)), level)
		}
	}
	if err := q.Err(); err != nil {
		return err
	}
	hs, err := a.svc.monitors.History(r.Context(), actor(r), id, level, from, to)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(hs))
}

// moment reads an RFC 3339 time; zero when absent.
func (q *query) moment(name string) time.Time {
	s := q.one(name)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		q.Add(name, "date_time", "must be a date and time as RFC 3339 writes it, e.g. 2026-12-01T00:00:00Z")
		return time.Time{}
	}
	return t.UTC()
}

func (a *api) getComponentMonitoring(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "component")
	if err != nil {
		return err
	}
	cm, err := a.svc.monitors.ComponentMonitoring(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, cm)
}

// monitoringInput is the body of PUT /components/{id}/monitoring.
type monitoringInput struct {
	Mode        desk.MonitorMode `json:"monitor_mode"`
	Autoresolve bool             `json:"monitor_autoresolve"`
}

func (a *api) putComponentMonitoring(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "component")
	if err != nil {
		return err
	}
	var in monitoringInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	err = a.svc.monitors.SetComponentMonitoring(r.Context(), actor(r), id, desk.ComponentMonitoring{Mode: in.Mode, Autoresolve: in.Autoresolve})
	if err != nil {
		return err
	}
	cm, err := a.svc.monitors.ComponentMonitoring(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, cm)
}

func (a *api) componentUptime(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "component")
	if err != nil {
		return err
	}
	us, err := a.svc.monitors.ComponentUptime(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(us))
}
