package console

import (
	"html/template"
	"net/http"
	"strconv"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// Public incidents and scheduled maintenance on the status page (issue 11 points 1 and 5,
// docs/status-page.md "Public incidents"): the active incidents with all their updates,
// the active and upcoming maintenance, the last days' history on /status; a permanent page
// per incident (/status/incidents/{id}, the shortlink of /api/v2), and the history by
// month (/status/history?month=YYYY-MM). Every text is made here in the page's language
// and time zone, so the {{define}} blocks of templates/_status_incidents.html take plain
// data; message bodies are Markdown, rendered to sanitised HTML (internal/markdown).

// pubIncident is a public incident or maintenance as the page shows it.
type pubIncident struct {
	L    *pubLabels
	ID   int64
	URL  string
	Kind desk.PublicKind
	// Name is in the visitor's language, or the other one (NameLang then says which).
	Name, NameLang string
	Status         desk.PublicStatus
	StatusText     string
	// ImpactText is the impact in words ("" for a maintenance, or an incident of no impact);
	// Class is the badge's colour class.
	ImpactText, Class string
	// Window is a maintenance's window in words; Started/Resolved when it began and ended.
	Window, Started, Resolved string
	Components                []pubComponent
	Updates                   []pubUpdate
	// Postmortem is the postmortem's text as HTML (empty: none), with its language and date.
	Postmortem                   template.HTML
	PostmortemLang, PostmortemAt string
}

// pubLabels are the words of the incidents' blocks in the page's language.
type pubLabels struct {
	Active, Maintenance, InProgress, Upcoming, NoIncidents, NoActive string
	Updates, Components, Postmortem, Window, Started, Resolved       string
	Details, History, Published, Back, Empty, Prev, Next, Months     string
}

func labelsFor(v *view) *pubLabels {
	return &pubLabels{
		Active: v.T("pages.active"), Maintenance: v.T("pages.maintenance"), InProgress: v.T("pages.in_progress"),
		Upcoming: v.T("pages.upcoming"), NoIncidents: v.T("status.no_incidents"), NoActive: v.T("pages.no_active"),
		Updates: v.T("pages.updates"), Components: v.T("pages.components"), Postmortem: v.T("pages.postmortem"),
		Window: v.T("pages.window_label"), Started: v.T("pages.started"), Resolved: v.T("pages.resolved"),
		Details: v.T("pages.details"), History: v.T("pages.history_link"), Published: v.T("pages.published"),
		Back: v.T("pages.back"), Empty: v.T("pages.month_empty"), Prev: v.T("pages.prev"), Next: v.T("pages.next"),
		Months: v.T("pages.months"),
	}
}

// pubComponent is an affected (public) component with the status the incident gives it.
type pubComponent struct {
	Name       string
	Status     statusMark
	StatusText string
}

// pubUpdate is one update: its status in words, its time (in words and as a machine
// date), and its message as sanitised HTML with the language it is written in.
type pubUpdate struct {
	StatusText  string
	Time, Stamp string
	Body        template.HTML
	Lang        string
}

// pickText returns t in the page's language, or in the other one when it has none, and
// the language to mark the text with when it is not the page's ("" when it is).
func pickText(v *view, t desk.Texts) (string, string) {
	mine, other, otherLang := t.NL, t.EN, desk.LocaleEN
	if v.Locale == desk.LocaleEN {
		mine, other, otherLang = t.EN, t.NL, desk.LocaleNL
	}
	if mine != "" || other == "" {
		return mine, ""
	}
	return other, string(otherLang)
}

// timeText writes a moment in the page's zone: "2 December 2026 14:05 CET".
func timeText(v *view, t time.Time, loc *time.Location) string {
	l := t.In(loc)
	return dateText(v, l) + " " + l.Format("15:04 MST")
}

// impactClass is the badge colour of an impact.
func impactClass(p desk.PublicIncident) string {
	switch {
	case p.Kind == desk.KindMaintenance:
		return ""
	case p.Status.Closed():
		return "closed"
	case p.Impact == desk.ImpactCritical:
		return "urgent"
	case p.Impact == desk.ImpactMajor || p.Impact == desk.ImpactMinor:
		return "P2"
	}
	return ""
}

// pubIncidentFor builds the page's view of p (already in its public view) in v's language
// and loc; comps are the public components by id.
func (h *handler) pubIncidentFor(v *view, p desk.PublicIncident, comps map[int64]desk.Component, loc *time.Location) pubIncident {
	if v.pub == nil {
		v.pub = labelsFor(v)
	}
	out := pubIncident{L: v.pub, ID: p.ID, URL: "/status/incidents/" + strconv.FormatInt(p.ID, 10), Kind: p.Kind, Status: p.Status,
		StatusText: v.Label("mail.subscriber_notice.status", p.Status), Class: impactClass(p)}
	out.Name, out.NameLang = pickText(v, p.Name)
	if p.Kind == desk.KindIncident && p.Impact != desk.ImpactNone {
		out.ImpactText = v.T("pages.impact", v.Label("pages.impact", p.Impact))
	}
	if p.ScheduledFor != nil && p.ScheduledUntil != nil {
		out.Window = v.T("pages.window", timeText(v, *p.ScheduledFor, loc), timeText(v, *p.ScheduledUntil, loc))
	}
	out.Started = timeText(v, p.StartedAt, loc)
	if p.ResolvedAt != nil {
		out.Resolved = timeText(v, *p.ResolvedAt, loc)
	}
	for _, c := range p.Components {
		if pc, ok := comps[c.ComponentID]; ok {
			out.Components = append(out.Components, pubComponent{Name: pc.Name, Status: markOf(c.Status),
				StatusText: v.Label("status.component", c.Status)})
		}
	}
	for _, u := range p.Updates {
		body, lang := pickText(v, u.Body)
		out.Updates = append(out.Updates, pubUpdate{StatusText: v.Label("mail.subscriber_notice.status", u.Status),
			Time: timeText(v, u.CreatedAt, loc), Stamp: u.CreatedAt.UTC().Format(time.RFC3339), Body: h.md.HTML(body), Lang: lang})
	}
	if pm := p.Postmortem; pm != nil {
		body, lang := pickText(v, pm.Body)
		out.Postmortem, out.PostmortemLang, out.PostmortemAt = h.md.HTML(body), lang, timeText(v, pm.At, loc)
	}
	return out
}

// pubIncidents builds the page's view of each of ps.
func (h *handler) pubIncidents(v *view, ps []desk.PublicIncident, comps map[int64]desk.Component, loc *time.Location) []pubIncident {
	out := make([]pubIncident, 0, len(ps))
	for _, p := range ps {
		out = append(out, h.pubIncidentFor(v, p, comps, loc))
	}
	return out
}

// statusIncidents is what /status shows of public incidents: the active incidents (newest
// first), the maintenance in progress and upcoming (soonest first), and the last days.
type statusIncidents struct {
	L                      *pubLabels
	Open, Active, Upcoming []pubIncident
	// Days are the last days, today first, each with what closed on it.
	Days        []pubDay
	DaysHeading string
	HistoryURL  string
}

// pubDay is one day of the history: its date and what closed on it (nothing: the page
// says so).
type pubDay struct {
	Date      string
	Incidents []pubIncident
}

// statusIncidentsFor builds the incidents part of /status from the page's list: days of
// history (today and the days before it, in loc) with the closed ones by the day they closed.
func (h *handler) statusIncidentsFor(v *view, pg app.PageIncidents, days int, loc *time.Location) statusIncidents {
	if v.pub == nil {
		v.pub = labelsFor(v)
	}
	out := statusIncidents{
		L:           v.pub,
		Open:        h.pubIncidents(v, pg.Open, pg.Components, loc),
		Active:      h.pubIncidents(v, pg.Active, pg.Components, loc),
		Upcoming:    h.pubIncidents(v, pg.Upcoming, pg.Components, loc),
		DaysHeading: v.N("pages.past", days),
		HistoryURL:  "/status/history",
	}
	today := pg.GeneratedAt.In(loc)
	day0 := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)
	index := map[string]int{}
	for i := range days {
		d := day0.AddDate(0, 0, -i)
		out.Days = append(out.Days, pubDay{Date: dateText(v, d)})
		index[d.Format(time.DateOnly)] = i
	}
	for _, p := range pg.Recent {
		if p.ResolvedAt == nil {
			continue
		}
		i, ok := index[p.ResolvedAt.In(loc).Format(time.DateOnly)]
		if !ok {
			continue // closed before the first day shown
		}
		out.Days[i].Incidents = append(out.Days[i].Incidents, h.pubIncidentFor(v, p, pg.Components, loc))
	}
	return out
}

// statusIncident shows the permanent page of one public incident or maintenance: every
// update, the affected (public) components, the postmortem, the window. An id that is no
// public incident is not found.
func (h *handler) statusIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return desk.Errorf(desk.ENOTFOUND, "no such incident")
	}
	pv, err := h.svc.publicIncidents.GetPublic(r.Context(), id)
	if err != nil {
		return err
	}
	brand, err := h.svc.branding.Page(r.Context())
	if err != nil {
		return err
	}
	v := newView(r, h.rd, "status.title")
	b := brandFor(v, brand)
	inc := h.pubIncidentFor(v, pv.Incident, pv.Components, b.Zone)
	v.Title = inc.Name
	v.Data = struct {
		Brand    statusBrand
		Incident pubIncident
	}{b, inc}
	w.Header().Add("Vary", "Accept-Language, Cookie")
	h.rd.render(w, r, h.log, http.StatusOK, "status_incident", v)
	return nil
}

// errBadMonth answers a history month that is not one.
var errBadMonth = &pageError{status: http.StatusUnprocessableEntity, key: "pages.bad_month"}

// historyData is the history page's data: the month in words, its incidents and
// maintenance (newest first), and the links to the months around it.
type historyData struct {
	L                *pubLabels
	Brand            statusBrand
	Month            string
	Incidents        []pubIncident
	PrevURL, NextURL string
	PrevText         string
	NextText         string
}

// statusHistory shows the incidents and maintenance that started in one month of the
// page's zone (?month=YYYY-MM, this month by default).
func (h *handler) statusHistory(w http.ResponseWriter, r *http.Request) error {
	brand, err := h.svc.branding.Page(r.Context())
	if err != nil {
		return err
	}
	loc := brand.Settings.Zone()
	now := h.svc.sla.Now().In(loc)
	m := desk.Month{Year: now.Year(), Month: now.Month()}
	if q := r.URL.Query(); q.Has("month") {
		if m, err = desk.ParseMonth(q.Get("month")); err != nil || m.Year > 2999 {
			return errBadMonth
		}
	}
	ps, err := h.svc.publicIncidents.Month(r.Context(), m.Year, m.Month, loc)
	if err != nil {
		return err
	}
	comps, err := h.publicComponentsByID(r)
	if err != nil {
		return err
	}
	v := newView(r, h.rd, "pages.history")
	first := time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, loc)
	monthText := func(t time.Time) string {
		return v.T("month."+strconv.Itoa(int(t.Month()))) + " " + strconv.Itoa(t.Year())
	}
	d := historyData{L: labelsFor(v), Brand: brandFor(v, brand), Month: monthText(first), Incidents: h.pubIncidents(v, ps, comps, loc)}
	v.Title = v.T("pages.history_of", d.Month)
	if prev := first.AddDate(0, -1, 0); prev.Year() >= 2000 {
		d.PrevURL, d.PrevText = "/status/history?month="+prev.Format("2006-01"), monthText(prev)
	}
	// The next month only up to this one: the future has no history yet.
	if next := first.AddDate(0, 1, 0); !next.After(now) {
		d.NextURL, d.NextText = "/status/history?month="+next.Format("2006-01"), monthText(next)
	}
	v.Data = d
	w.Header().Add("Vary", "Accept-Language, Cookie")
	h.rd.render(w, r, h.log, http.StatusOK, "status_history", v)
	return nil
}

// publicComponentsByID reads the public components by id (their names for the history).
func (h *handler) publicComponentsByID(r *http.Request) (map[int64]desk.Component, error) {
	p, err := h.svc.components.Public(r.Context())
	if err != nil {
		return nil, err
	}
	out := make(map[int64]desk.Component, len(p.Components))
	for _, c := range p.Components {
		out[c.ID] = c
	}
	return out, nil
}
