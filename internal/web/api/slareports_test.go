package api_test

import (
	"context"
	"strings"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// slaReportCalls are the conformance test's calls of the SLA report.
func slaReportCalls() []request {
	return []request{
		{method: "GET", path: "/api/v1/reports/sla?organisation_id={orgA}&month=2026-11", as: "agent"},
		{method: "GET", path: "/api/v1/reports/sla", as: "clientAdminA"},
		{method: "GET", path: "/api/v1/reports/sla?organisation_id={orgA}&month=2026-11", as: "clientAdminA", headers: map[string]string{"Accept": "text/csv"}},
		{method: "GET", path: "/api/v1/reports/sla?organisation_id={orgB}", as: "clientAdminA"},
		{method: "GET", path: "/api/v1/reports/sla?organisation_id={orgA}", as: "clientUserA"},
		{method: "GET", path: "/api/v1/reports/sla?month=11-2026", as: "agent"},
		{method: "GET", path: "/api/v1/reports/sla"},
	}
}

// TestSLAReportAPI: the report as JSON and as CSV, and who may read it.
func TestSLAReportAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		must(e.app.Organisations.CreateContract(ctx, sys, desk.Contract{OrgID: e.orgA.ID, Name: "Gold", Active: true}))(t)
		reporter := e.users["clientUserA"].ID
		must(e.app.Incidents.Create(ctx, sys, app.IncidentInput{OrgID: e.orgA.ID, ReporterID: &reporter, Title: "Down",
			Urgency: desk.High, Impact: desk.Normal}))(t)
		month := desk.MonthOf(e.app.SLA.Now()).String()
		e.vars["month"] = month
		e.run(t, []scenario{
			{name: "the desk reads a client's month", request: request{method: "GET", path: "/api/v1/reports/sla?organisation_id={orgA}&month={month}", as: "agent"},
				status: 200, fields: map[string]any{"month": month, "organisation_id": float64(e.orgA.ID), "priorities.#": 5, "priorities.1.priority": "P2",
					"priorities.1.incidents": 1, "total.incidents": 1, "total.first_response.with_target": 1, "total.first_response.pending": 1,
					"total.first_response.met_share": nil, "total.kinds.1.key": "regular", "total.kinds.1.count": 1, "total.channels.#": 5,
					"total.reclassified_share": nil, "total.priority": absent{}}},
			{name: "the desk names the client", request: request{method: "GET", path: "/api/v1/reports/sla", as: "admin"},
				status: 422, errors: [][2]string{{"organisation_id", "required"}}},
			{name: "a month is YYYY-MM", request: request{method: "GET", path: "/api/v1/reports/sla?organisation_id={orgA}&month=2026-13", as: "agent"},
				status: 422, errors: [][2]string{{"month", "month"}}},
			{name: "a client admin reads their own, by default", request: request{method: "GET", path: "/api/v1/reports/sla", as: "clientAdminA"},
				status: 200, fields: map[string]any{"total.incidents": 1, "month": month}},
			{name: "another month is empty", request: request{method: "GET", path: "/api/v1/reports/sla?month=2020-01", as: "clientAdminA"},
				status: 200, fields: map[string]any{"total.incidents": 0, "from": "2019-12-31T23:00:00Z", "to": "2020-01-31T23:00:00Z"}},
			{name: "but not another client's", request: request{method: "GET", path: "/api/v1/reports/sla?organisation_id={orgA}", as: "clientAdminB"}, status: 404},
			{name: "client users may not", request: request{method: "GET", path: "/api/v1/reports/sla", as: "clientUserA"}, status: 403},
			{name: "experts may not", request: request{method: "GET", path: "/api/v1/reports/sla?organisation_id={orgA}", as: "expert"}, status: 403},
			{name: "as CSV", request: request{method: "GET", path: "/api/v1/reports/sla?organisation_id={orgA}&month={month}", as: "agent",
				headers: map[string]string{"Accept": "text/csv, application/json;q=0.5"}}, status: 200, wantType: "text/csv; charset=utf-8",
				check: func(t *testing.T, r *result) {
					lines := strings.Split(strings.TrimSpace(string(r.body)), "\n")
					if len(lines) != 7 || !strings.HasPrefix(lines[0], "organisation_id,month,priority,incidents,") {
						t.Fatalf("CSV:\n%s", r.body)
					}
					if want := itoa(e.orgA.ID) + "," + month + ",P2,1,1,0,0,1,,0,,,1,0,0,1,,0,,,0,1,0,1,0,0,0,0,0,"; lines[2] != want {
						t.Errorf("P2 row\n%s\nwant\n%s", lines[2], want)
					}
					if !strings.HasPrefix(lines[6], itoa(e.orgA.ID)+","+month+",total,1,") {
						t.Errorf("total row %s", lines[6])
					}
					if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="sla-`+itoa(e.orgA.ID)+"-"+month+`.csv"` {
						t.Errorf("Content-Disposition %q", cd)
					}
				}},
		})
	})
}
