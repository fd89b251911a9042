package console

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// The monitors' screens (issue 12 point 7, docs/monitors.md "The screens"): the list by
// component with each monitor's status, last check, a sparkline and its uptime; a
// monitor's page with its settings (secrets redacted by the app), state, response-time
// chart, uptime, check log and incidents; the create and edit form with "Test now"
// (monitorform.go); and a component's monitoring settings on the list. Staff read them
// (as app.Monitors lets them); only admins change anything.

// registerMonitors adds the monitors' routes. Every form is admin only: the gate refuses
// anyone else before the form is read.
func (h *handler) registerMonitors(mux interface {
	Handle(string, http.Handler)
}) {
	read := func(pattern string, fn actorFunc) { mux.Handle(pattern, h.serve(sessionToken, signedIn(fn), anyone)) }
	admin := func(pattern string, fn actorFunc) {
		mux.Handle(pattern, h.serve(sessionToken, signedIn(fn), roleGate(isAdmin)))
	}
	read("GET /monitors", h.monitorList)
	read("GET /monitors/{id}", h.monitorPage)
	admin("GET /monitors/new", h.monitorNew)
	admin("POST /monitors/new", h.monitorCreate)
	admin("GET /monitors/{id}/edit", h.monitorEdit)
	admin("POST /monitors/{id}/edit", h.monitorSave)
	admin("POST /monitors/{id}/delete", h.monitorDelete)
	admin("POST /components/{id}/monitoring", h.componentMonitoring)
}

// sparkChecks is how many recent checks a sparkline shows.
const sparkChecks = 30

// listWindows are the uptime windows the list shows.
var listWindows = []string{"24h", "7d", "30d"}

// monitorsPage is what monitors.html shows.
type monitorsPage struct {
	Groups  []monitorGroup
	CanEdit bool
	Running bool // the instance runs checks
}

// monitorGroup is a component and its monitors.
type monitorGroup struct {
	Component desk.Component
	Mode      string // the component's monitoring mode, in words
	Monitors  []monitorRow
}

// monitorRow is one monitor on the list.
type monitorRow struct {
	app.MonitorView
	Status    statusBadge
	Spark     any // template.HTML
	Uptimes   []uptimeFigure
	ErrorText string // the last check's error, its reason in the page's language first
}

// statusBadge is a verdict as the pages show it: a word and an icon, never colour alone.
type statusBadge struct {
	Class, Icon, Text string
}

// uptimeFigure is one window's uptime, in words.
type uptimeFigure struct {
	Window, Text string
}

// badge describes a monitor's verdict; a monitor never checked, or disabled, says so.
func badge(v *view, m app.MonitorView) statusBadge {
	switch {
	case !m.Enabled:
		return statusBadge{Class: "mon-off", Icon: "–", Text: v.T("monitors.status.disabled")}
	case m.State.LastAt.IsZero() && m.State.LastBeatAt.IsZero():
		return statusBadge{Class: "mon-new", Icon: "…", Text: v.T("monitors.status.pending")}
	}
	return verdictBadge(v, m.State.Status)
}

func verdictBadge(v *view, s desk.MonitorVerdict) statusBadge {
	switch s {
	case desk.MonitorUp:
		return statusBadge{Class: "mon-up", Icon: "✓", Text: v.T("monitors.status.up")}
	case desk.MonitorDegraded:
		return statusBadge{Class: "mon-degraded", Icon: "!", Text: v.T("monitors.status.degraded")}
	case desk.MonitorDown:
		return statusBadge{Class: "mon-down", Icon: "✕", Text: v.T("monitors.status.down")}
	}
	return statusBadge{Class: "mon-new", Icon: "…", Text: v.T("monitors.status.pending")}
}

// monitorError says why a check was not up: its reason in the page's language, then the
// check's own detail (English, often the server's words) in brackets.
func monitorError(v *view, reason, detail string) string {
	switch {
	case reason == "":
		return detail
	case detail == "":
		return v.MonitorReason(reason)
	}
	return v.MonitorReason(reason) + " (" + detail + ")"
}

// uptimeText writes an uptime share, or says there were no checks.
func uptimeText(v *view, u desk.Uptime) string {
	if !u.Known {
		return v.T("monitors.uptime_none")
	}
	return percent(v, u.Share)
}

// msText writes a duration in milliseconds.
func msText(v *view, d time.Duration) string { return v.T("monitors.ms", d.Milliseconds()) }

// monitorList shows every monitor, grouped by component in the components' order.
func (h *handler) monitorList(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	ctx := r.Context()
	now := time.Now()
	ms, err := h.svc.monitors.Overview(ctx, a, now.Add(-24*time.Hour), sparkChecks, listWindows)
	if err != nil {
		return err
	}
	comps, err := h.svc.components.List(ctx, a, 0)
	if err != nil {
		return err
	}
	v := newView(r, h.rd, "monitors.title")
	v.Nav = "monitors"
	d := monitorsPage{CanEdit: a.Role == desk.RoleAdmin, Running: h.svc.monitors.Running()}
	for _, c := range comps {
		g := monitorGroup{Component: c, Mode: v.T("monitors.mode." + string(modeOf(c)))}
		if c.Monitoring.Autoresolve {
			g.Mode += " · " + v.T("monitors.autoresolve_on")
		}
		for _, m := range ms {
			if m.ComponentID != c.ID {
				continue
			}
			row := monitorRow{MonitorView: m.MonitorView, Status: badge(v, m.MonitorView),
				ErrorText: monitorError(v, m.State.LastEvidence["reason"], m.State.LastError)}
			row.Spark = sparkFor(v, m.Name, m.Recent)
			for _, u := range m.Uptime {
				row.Uptimes = append(row.Uptimes, uptimeFigure{Window: v.T("monitors.window." + u.Window), Text: uptimeText(v, u)})
			}
			g.Monitors = append(g.Monitors, row)
		}
		if len(g.Monitors) > 0 || d.CanEdit {
			d.Groups = append(d.Groups, g)
		}
	}
	v.Data = d
	h.rd.render(w, r, h.log, http.StatusOK, "monitors", v)
	return nil
}

// modeOf is a component's monitoring mode, propose when unset.
func modeOf(c desk.Component) desk.MonitorMode {
	if c.Monitoring.Mode == "" {
		return desk.MonitorPropose
	}
	return c.Monitoring.Mode
}

// sparkFor draws the recent results (newest first, as the app lists them) as a sparkline
// with a sentence for screen readers.
func sparkFor(v *view, name string, rs []desk.MonitorResult) any {
	if len(rs) == 0 {
		return nil
	}
	pts := make([]chartPoint, len(rs))
	var lo, hi int64 = -1, 0
	for i, r := range rs {
		p := chartPoint{At: r.At, MS: r.Duration.Milliseconds(), Down: r.Status == desk.MonitorDown}
		pts[len(rs)-1-i] = p
		if !p.Down {
			hi = max(hi, p.MS)
			if lo < 0 || p.MS < lo {
				lo = p.MS
			}
		}
	}
	label := v.T("monitors.spark_label", name, len(rs), max(lo, 0), hi, rs[0].Duration.Milliseconds())
	return sparkline(pts, label)
}

// monitorDetail is what monitor.html shows.
type monitorDetail struct {
	app.MonitorView
	Component    desk.Component
	Supplier     string
	Status       statusBadge
	LastStatus   statusBadge
	Settings     string // the settings as indented JSON, secrets redacted
	Evidence     []evidenceLine
	ErrorText    string // the last check's error, its reason in the page's language first
	Uptimes      []uptimeFigure
	Chart        any // template.HTML
	Table        []bucketRow
	Log          []logRow
	Incidents    []desk.Incident
	FirstURL     string
	NextURL      string
	CanEdit      bool
	HeartbeatURL string // shown once, when a heartbeat monitor was just made
}

// evidenceLine is one piece of a check's evidence.
type evidenceLine struct{ Key, Value string }

// bucketRow is one stretch of the chart's table.
type bucketRow struct {
	From, Checks, Down, Mean, Worst string
}

// logRow is one check of the log.
type logRow struct {
	At, Duration, Error string
	Status              statusBadge
}

// chartBuckets is how many stretches the chart of the last day has: half hours.
const chartBuckets = 48

// logPage is how many checks a page of the log shows; logPages how many pages it offers.
const (
	logPage  = 25
	logPages = 40
)

// monitorPage shows a monitor.
func (h *handler) monitorPage(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return desk.NotFound("monitor")
	}
	v := newView(r, h.rd, "monitors.title")
	d, err := h.monitorDetailFor(r, v, a, id)
	if err != nil {
		return err
	}
	return h.showMonitor(w, r, v, http.StatusOK, d)
}

func (h *handler) showMonitor(w http.ResponseWriter, r *http.Request, v *view, status int, d monitorDetail) error {
	v.Nav = "monitors"
	v.Title = d.Name + " · " + v.T("monitors.title")
	v.Data = d
	h.rd.render(w, r, h.log, status, "monitor", v)
	return nil
}

// monitorDetailFor gathers a monitor's page.
func (h *handler) monitorDetailFor(r *http.Request, v *view, a desk.Actor, id int64) (monitorDetail, error) {
	ctx := r.Context()
	m, err := h.svc.monitors.Get(ctx, a, id)
	if err != nil {
		return monitorDetail{}, err
	}
	d := monitorDetail{MonitorView: m, Status: badge(v, m), CanEdit: a.Role == desk.RoleAdmin}
	if !m.State.LastAt.IsZero() {
		d.LastStatus = verdictBadge(v, m.State.LastStatus)
	}
	if d.Component, err = h.svc.components.Get(ctx, a, m.ComponentID); err != nil {
		return d, err
	}
	if m.SupplierID != nil {
		if s, err := h.svc.suppliers.Get(ctx, a, *m.SupplierID); err == nil {
			d.Supplier = s.Name
		}
	}
	d.Settings = indentJSON(m.Settings)
	keys := make([]string, 0, len(m.State.LastEvidence))
	for k := range m.State.LastEvidence {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if k == "reason" { // said in words, with the error
			continue
		}
		d.Evidence = append(d.Evidence, evidenceLine{Key: k, Value: m.State.LastEvidence[k]})
	}
	d.ErrorText = monitorError(v, m.State.LastEvidence["reason"], m.State.LastError)
	us, err := h.svc.monitors.Uptime(ctx, a, id)
	if err != nil {
		return d, err
	}
	for _, u := range us {
		d.Uptimes = append(d.Uptimes, uptimeFigure{Window: v.T("monitors.window." + u.Window), Text: uptimeText(v, u)})
	}
	// The chart: the last day in half hours.
	now := time.Now()
	day, err := h.svc.monitors.Results(ctx, a, id, now.Add(-24*time.Hour), 24*60*6)
	if err != nil {
		return d, err
	}
	bs := bucketResults(day, now.Add(-24*time.Hour), now, chartBuckets)
	pts := make([]chartPoint, len(bs))
	for i, b := range bs {
		mid := b.From.Add(12 * time.Hour / chartBuckets)
		pts[i] = chartPoint{At: mid, MS: b.MeanMS, Down: b.Down == b.Checks}
		row := bucketRow{From: v.Time(b.From), Checks: strconv.Itoa(b.Checks), Down: strconv.Itoa(b.Down), Mean: "–", Worst: "–"}
		if b.Down < b.Checks {
			row.Mean, row.Worst = v.T("monitors.ms", b.MeanMS), v.T("monitors.ms", b.WorstMS)
		}
		d.Table = append(d.Table, row)
	}
	d.Chart = responseChart(pts, chartLabels{Label: v.T("monitors.chart_label", m.Name, len(day)),
		YAxis: v.T("monitors.chart_y"), XAxis: v.T("monitors.chart_x"),
		Time: func(t time.Time) string { return t.In(v.zone).Format("15:04") }})
	// The check log, paged.
	page := 0
	if p, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && p > 0 && p < logPages {
		page = p
	}
	rs, err := h.svc.monitors.Results(ctx, a, id, time.Time{}, (page+1)*logPage+1)
	if err != nil {
		return d, err
	}
	if len(rs) > (page+1)*logPage && page+1 < logPages {
		d.NextURL = "/monitors/" + strconv.FormatInt(id, 10) + "?page=" + strconv.Itoa(page+1) + "#log-h"
	}
	if page > 0 {
		d.FirstURL = "/monitors/" + strconv.FormatInt(id, 10) + "#log-h"
	}
	for _, res := range rs[min(page*logPage, len(rs)):min((page+1)*logPage, len(rs))] {
		d.Log = append(d.Log, logRow{At: v.Time(res.At), Duration: msText(v, res.Duration), Error: res.Error, Status: verdictBadge(v, res.Status)})
	}
	d.Incidents, err = h.monitorIncidents(r, a, m)
	return d, err
}

// monitorIncidents lists the incidents the monitor opened, the newest 50.
func (h *handler) monitorIncidents(r *http.Request, a desk.Actor, m app.MonitorView) ([]desk.Incident, error) {
	return h.svc.monitors.Incidents(r.Context(), a, m.ID, 50)
}

// componentMonitoring saves what a component's monitors may do, from the list.
func (h *handler) componentMonitoring(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return desk.NotFound("component")
	}
	if err := formCut(r); err != nil {
		return err
	}
	cm := desk.ComponentMonitoring{Mode: desk.MonitorMode(r.PostFormValue("monitor_mode")), Autoresolve: r.PostFormValue("monitor_autoresolve") != ""}
	if err := h.svc.monitors.SetComponentMonitoring(r.Context(), a, id, cm); err != nil {
		return err
	}
	h.redirect(w, r, outcome{to: "/monitors#component-" + strconv.FormatInt(id, 10), flash: flash{code: "monitoring_saved"}})
	return nil
}

// monitorDelete removes a monitor with its history.
func (h *handler) monitorDelete(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return desk.NotFound("monitor")
	}
	if err := formCut(r); err != nil {
		return err
	}
	m, err := h.svc.monitors.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	if err := h.svc.monitors.Delete(r.Context(), a, id); err != nil {
		return err
	}
	h.redirect(w, r, outcome{to: "/monitors", flash: flash{code: "monitor_deleted", arg: m.Name}})
	return nil
}

// monitorURL is a monitor's page.
func monitorURL(id int64) string { return "/monitors/" + url.PathEscape(strconv.FormatInt(id, 10)) }
