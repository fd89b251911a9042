package console

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// slaReportData is the SLA report page's own data.
type slaReportData struct {
	// Orgs are the clients the desk may pick; empty for a client admin.
	Orgs           []desk.Organisation
	Org            string // the chosen organisation's id, "" when none yet
	OrgName        string
	Month          string
	MonthLabel     string           // the month in the page's language: "november 2026"
	Months         []slaMonthOption // the month chooser's options, newest first
	PrevURL        string
	NextURL        string // "" for the current month: the future has no report
	CSVURL         string
	OverviewURL    string // the desk's overview of this month, from a client's report
	Report         *desk.SLAReport
	Overview       []slaOverviewView // the desk's overview of every client; nil on a client's report
	OverviewTotal  slaOverviewView
	Rows           []slaReportRowView // per priority, then the total
	Kinds          []slaCountView
	Channels       []slaCountView
	Reclassified   string // "1 of 2 assessed reports (50 %)", "" when none was assessed
	NoContract     bool
	TargetsCharts  []slaChartView
	TimesCharts    []slaChartView
	ClientAdminOwn bool
}

// slaChartView is a chart with its visible title.
type slaChartView struct {
	ID, Title string
	SVG       template.HTML
}

// slaMonthOption is a month of the chooser.
type slaMonthOption struct {
	Value, Label string
	Selected     bool
}

// slaOverviewView is one client's line of the desk's overview, formatted.
type slaOverviewView struct {
	Name, URL                            string
	Incidents, Response, Resolve, Breach string
}

// slaReportRowView is a row of the report's tables, formatted.
type slaReportRowView struct {
	Label, Incidents  string
	Response, Resolve slaMeasureView
}

type slaMeasureView struct {
	Met, Missed, Pending, Share, Mean, P90 string
}

type slaCountView struct {
	Label string
	Count int
}

// slaReportQuery reads ?org= and ?month= of the report's page and download: the client
// admin's own organisation when org is absent; the current month when month is absent or
// not a month.
func (h *handler) slaReportQuery(r *http.Request, a desk.Actor) (org int64, m desk.Month, badMonth bool) {
	q := r.URL.Query()
	m = desk.MonthOf(h.svc.sla.Now())
	if s := q.Get("month"); s != "" {
		pm, err := desk.ParseMonth(s)
		if err != nil {
			badMonth = true
		} else {
			m = pm
		}
	}
	org, err := strconv.ParseInt(q.Get("org"), 10, 64)
	if err != nil || org <= 0 {
		org = 0
		if a.Role == desk.RoleClientAdmin {
			org = a.OrgID
		}
	}
	return org, m, badMonth
}

// mayReadSLAReports tells who sees the menu entry and the page: the desk and client admins.
func mayReadSLAReports(a desk.Actor) bool { return a.Role.IsDesk() || a.Role == desk.RoleClientAdmin }

// slaReport shows the SLA report of a client for a month: the desk picks the client, a
// client admin sees their own organisation's; both pick the month.
func (h *handler) slaReport(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if !mayReadSLAReports(a) {
		return errForbidden
	}
	ctx := r.Context()
	org, m, badMonth := h.slaReportQuery(r, a)
	v := newView(r, h.rd, "slareport.title")
	if badMonth {
		v.Alert = v.T("slareport.bad_month")
	}
	d := slaReportData{Month: m.String(), MonthLabel: v.slaMonth(m), ClientAdminOwn: a.Role == desk.RoleClientAdmin}
	current := desk.MonthOf(h.svc.sla.Now())
	d.Months = v.slaMonths(m, current)
	if a.Role.IsDesk() {
		orgs, err := h.svc.organisations.List(ctx, a, desk.OrgClient)
		if err != nil {
			return err
		}
		d.Orgs = orgs
	}
	if org != 0 {
		rep, err := h.svc.sla.Report(ctx, a, org, m)
		if err != nil {
			return err
		}
		o, err := h.svc.organisations.Get(ctx, a, org)
		if err != nil {
			return err
		}
		d.Org, d.OrgName, d.Report = strconv.FormatInt(org, 10), o.Name, &rep
		h.fillSLAReport(v, &d, rep)
	} else if a.Role.IsDesk() {
		rows, err := h.svc.sla.Overview(ctx, a, m)
		if err != nil {
			return err
		}
		d.Overview, d.OverviewTotal = v.slaOverview(rows, m)
	}
	link := func(path string, mm desk.Month) string {
		q := url.Values{"month": {mm.String()}}
		if d.Org != "" && !d.ClientAdminOwn {
			q.Set("org", d.Org)
		}
		return path + "?" + q.Encode()
	}
	d.PrevURL, d.CSVURL = link("/reports/sla", m.Prev()), link("/reports/sla.csv", m)
	if m.String() < current.String() {
		d.NextURL = link("/reports/sla", m.Next())
	}
	if d.Org != "" && a.Role.IsDesk() {
		d.OverviewURL = "/reports/sla?month=" + m.String()
	}
	v.Nav, v.Data = "reports", d
	h.rd.render(w, r, h.log, http.StatusOK, "slareport", v)
	return nil
}

// slaMonth names a month in the page's language: "november 2026", "November 2026".
func (v *view) slaMonth(m desk.Month) string {
	return v.T("month."+strconv.Itoa(int(m.Month))) + " " + strconv.Itoa(m.Year)
}

// slaMonths are the month chooser's options: the current month and the 35 before it,
// newest first, with the chosen month among them even when it lies outside.
func (v *view) slaMonths(chosen, current desk.Month) []slaMonthOption {
	var os []slaMonthOption
	found := false
	if chosen.String() > current.String() {
		os, found = append(os, slaMonthOption{Value: chosen.String(), Label: v.slaMonth(chosen), Selected: true}), true
	}
	m := current
	for range 36 {
		sel := m == chosen
		found = found || sel
		os = append(os, slaMonthOption{Value: m.String(), Label: v.slaMonth(m), Selected: sel})
		m = m.Prev()
	}
	if !found {
		os = append(os, slaMonthOption{Value: chosen.String(), Label: v.slaMonth(chosen), Selected: true})
	}
	return os
}

// slaOverview formats the desk's overview: a line per client, linking to its report, and
// the total. Breaches count the targets missed, first response and resolution together.
func (v *view) slaOverview(rows []app.SLAOverviewRow, m desk.Month) (out []slaOverviewView, total slaOverviewView) {
	var all desk.SLAReportRow
	line := func(t desk.SLAReportRow) slaOverviewView {
		return slaOverviewView{Incidents: strconv.Itoa(t.Incidents), Response: v.slaShare(t.Response), Resolve: v.slaShare(t.Resolve),
			Breach: strconv.Itoa(t.Response.Missed + t.Resolve.Missed)}
	}
	for _, r := range rows {
		l := line(r.Total)
		l.Name = r.Organisation.Name
		l.URL = "/reports/sla?" + url.Values{"org": {strconv.FormatInt(r.Organisation.ID, 10)}, "month": {m.String()}}.Encode()
		out = append(out, l)
		all.Incidents += r.Total.Incidents
		for _, p := range []struct{ to, from *desk.SLAMeasure }{{&all.Response, &r.Total.Response}, {&all.Resolve, &r.Total.Resolve}} {
			p.to.Met += p.from.Met
			p.to.Missed += p.from.Missed
			p.to.Pending += p.from.Pending
		}
	}
	total = line(all)
	total.Name = v.T("slareport.total")
	return out, total
}

// slaShare writes how often a target was met: "75 % (3 of 4)"; "—" when none was decided.
func (v *view) slaShare(m desk.SLAMeasure) string {
	decided := m.Met + m.Missed
	if decided == 0 {
		return "—"
	}
	return v.T("slarep.share_of", strconv.Itoa(int(math.Round(float64(m.Met)*100/float64(decided)))), m.Met, decided)
}

// slaNumber writes a number with at most two decimals in the page's format: "1,5" in
// Dutch, "1.5" in English.
func (v *view) slaNumber(f float64) string {
	s := strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
	if v.Locale != desk.LocaleEN {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// slaHours writes a number of hours with its unit, pluralised: "1 hour", "1.5 hours",
// "1,5 uur".
func (v *view) slaHours(f float64) string {
	n := 2
	if math.Round(f*100) == 100 {
		n = 1
	}
	return v.N("slarep.hours", n, v.slaNumber(f))
}

// fillSLAReport formats the report for the page and draws its charts.
func (h *handler) fillSLAReport(v *view, d *slaReportData, rep desk.SLAReport) {
	pct := func(f *float64) string {
		if f == nil {
			return "—"
		}
		return strconv.FormatFloat(*f*100, 'f', 0, 64) + " %"
	}
	dur := func(s *int64) string {
		if s == nil {
			return "—"
		}
		return v.openTime(time.Duration(*s) * time.Second)
	}
	measure := func(m desk.SLAMeasure) slaMeasureView {
		return slaMeasureView{Met: strconv.Itoa(m.Met), Missed: strconv.Itoa(m.Missed), Pending: strconv.Itoa(m.Pending),
			Share: pct(m.MetShare), Mean: dur(m.MeanSecond), P90: dur(m.P90Second)}
	}
	for _, row := range append(append([]desk.SLAReportRow{}, rep.Rows...), rep.Total) {
		label := v.T("slareport.total")
		if row.Priority != 0 {
			label = row.Priority.String() + " " + v.Label("priority", row.Priority)
		}
		d.Rows = append(d.Rows, slaReportRowView{Label: label, Incidents: strconv.Itoa(row.Incidents),
			Response: measure(row.Response), Resolve: measure(row.Resolve)})
	}
	for _, c := range rep.Total.Kinds {
		d.Kinds = append(d.Kinds, slaCountView{Label: v.Label("kind", c.Key), Count: c.Count})
	}
	for _, c := range rep.Total.Channels {
		d.Channels = append(d.Channels, slaCountView{Label: v.Label("channel", c.Key), Count: c.Count})
	}
	if t := rep.Total; t.Assessed > 0 {
		d.Reclassified = v.N("slareport.reclassified_of", t.Assessed, t.Reclassified, t.Assessed, pct(t.ReclassifiedShare))
	}
	d.NoContract = rep.Total.Incidents > 0 && rep.Total.Response.WithTarget == 0 && rep.Total.Resolve.WithTarget == 0
	var cats []string
	for _, row := range rep.Rows {
		cats = append(cats, row.Priority.String())
	}
	for i, clock := range []struct {
		key string
		get func(desk.SLAReportRow) desk.SLAMeasure
	}{
		{"slareport.response", func(r desk.SLAReportRow) desk.SLAMeasure { return r.Response }},
		{"slareport.resolve", func(r desk.SLAReportRow) desk.SLAMeasure { return r.Resolve }},
	} {
		label := v.T(clock.key)
		name := strings.ToLower(label)
		met, missed, pending, mean, p90 := make([]float64, len(cats)), make([]float64, len(cats)), make([]float64, len(cats)),
			make([]float64, len(cats)), make([]float64, len(cats))
		for j, row := range rep.Rows {
			m := clock.get(row)
			met[j], missed[j], pending[j] = float64(m.Met), float64(m.Missed), float64(m.Pending)
			if d, ok := m.Mean(); ok {
				mean[j] = d.Hours()
			}
			if d, ok := m.P90(); ok {
				p90[j] = d.Hours()
			}
		}
		count := func(f float64) string {
			return v.N("slarep.incidents", int(math.Round(f)), strconv.Itoa(int(math.Round(f))))
		}
		id := fmt.Sprintf("chart-targets-%d", i)
		d.TargetsCharts = append(d.TargetsCharts, slaChartView{ID: id, Title: v.T("slarep.chart_targets", label),
			SVG: barChart{ID: id, Stacked: true, Whole: true, Unit: v.T("slarep.unit_incidents"),
				Title: v.T("slareport.chart_targets", name), Desc: v.T("slareport.chart_targets_d", name), Categories: cats,
				Series: []barSeries{{v.T("slareport.met"), "#2e7d32", met}, {v.T("slareport.missed"), "#c62828", missed},
					{v.T("slareport.pending"), "#757575", pending}},
				Tick: func(f float64) string { return strconv.Itoa(int(math.Round(f))) }, Format: count}.SVG()})
		id = fmt.Sprintf("chart-times-%d", i)
		d.TimesCharts = append(d.TimesCharts, slaChartView{ID: id, Title: v.T("slarep.chart_times", label),
			SVG: barChart{ID: id, Unit: v.T("slarep.unit_hours"),
				Title: v.T("slareport.chart_times", name), Desc: v.T("slareport.chart_times_d"), Categories: cats,
				Series: []barSeries{{v.T("slareport.mean"), "#1565c0", mean}, {v.T("slareport.p90"), "#6a1b9a", p90}},
				Tick:   v.slaNumber, Format: v.slaHours}.SVG()})
	}
}

// openTime writes a time of open time in hours and minutes ("26 u 5 min"), never in days:
// a day of a business calendar is not 24 hours.
func (v *view) openTime(d time.Duration) string {
	m := int64(d / time.Minute)
	hours, mins := m/60, m%60
	switch {
	case hours > 0 && mins > 0:
		return v.T("sla.h_m", hours, mins)
	case hours > 0:
		return v.T("sla.h", hours)
	}
	return v.T("sla.m", mins)
}

// slaReportCSV answers the report as a CSV download (see desk.SLAReport.WriteCSV).
func (h *handler) slaReportCSV(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if !mayReadSLAReports(a) {
		return errForbidden
	}
	org, m, badMonth := h.slaReportQuery(r, a)
	if badMonth || org == 0 {
		return desk.NotFound("report")
	}
	rep, err := h.svc.sla.Report(r.Context(), a, org, m)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := rep.WriteCSV(&b); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="sla-%d-%s.csv"`, rep.OrgID, rep.Month))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b.Bytes())
	return nil
}
