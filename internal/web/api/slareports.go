package api

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"meldpunt/internal/desk"
)

// getSLAReport answers GET /reports/sla?organisation_id=…&month=YYYY-MM: the SLA report of
// a client for a month in Europe/Amsterdam (the current month when left out), as JSON, or
// as CSV when the request accepts text/csv before JSON. A client admin may leave out
// organisation_id (their own); the desk must name one.
func (a *api) getSLAReport(w http.ResponseWriter, r *http.Request) error {
	act := actor(r)
	q := newQuery(r)
	org := q.id("organisation_id")
	month := desk.MonthOf(a.svc.sla.Now())
	if s := q.one("month"); s != "" {
		m, err := desk.ParseMonth(s)
		if err != nil {
			q.Add("month", "month", "must be a month as YYYY-MM, e.g. 2026-11")
		}
		month = m
	}
	if org == 0 && !q.Has("organisation_id") {
		if act.Role.IsDesk() {
			q.Add("organisation_id", "required", "must name the client organisation")
		}
		org = act.OrgID
	}
	if err := q.Err(); err != nil {
		return err
	}
	rep, err := a.svc.sla.Report(r.Context(), act, org, month)
	if err != nil {
		return err
	}
	if wantsCSV(r) {
		var b bytes.Buffer
		if err := rep.WriteCSV(&b); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="sla-%d-%s.csv"`, rep.OrgID, rep.Month))
		_, _ = w.Write(b.Bytes())
		return nil
	}
	return writeJSON(w, http.StatusOK, rep)
}

// wantsCSV tells whether the Accept header names text/csv before any JSON type.
func wantsCSV(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch {
		case mt == "text/csv":
			return true
		case mt == "application/json", strings.HasSuffix(mt, "+json"), mt == "*/*":
			return false
		}
	}
	return false
}
