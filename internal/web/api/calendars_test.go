package api_test

import (
	"context"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// nightShift is a calendar open 00:00–06:00 on weekdays, in London.
const nightShift = `{"name":"Night shift","zone":"Europe/London","week":[[],[{"start":0,"end":360}],[{"start":0,"end":360}],` +
	`[{"start":0,"end":360}],[{"start":0,"end":360}],[{"start":0,"end":360}],[]],"holidays":[],"closed_days":["2026-12-24"]}`

// calendarCalls are the conformance test's calls of the calendar routes.
func calendarCalls() []request {
	return []request{
		{method: "GET", path: "/api/v1/calendars", as: "clientUserA"},
		{method: "GET", path: "/api/v1/calendars"},
		{method: "PUT", path: "/api/v1/calendars/night", as: "admin", body: nightShift},
		{method: "PUT", path: "/api/v1/calendars/night", as: "agent", body: nightShift},
	}
}

// TestCalendarsAPI: anyone signed in reads the calendars; an admin stores one, with every
// bad field named; a contract may then name it, and an incident's deadlines count in it.
func TestCalendarsAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.run(t, []scenario{
			{name: "the built-in calendars", request: request{method: "GET", path: "/api/v1/calendars", as: "clientUserB"},
				status: 200, fields: map[string]any{"items.#": 2, "items.0.slug": "24x7", "items.0.always_open": true, "items.0.built_in": true,
					"items.1.slug": "business", "items.1.holidays.#": 11, "items.1.week.1.0.start": 510, "items.1.week.0": []any{}, "items.1.updated_at": nil}},
			{name: "only admins store", request: request{method: "PUT", path: "/api/v1/calendars/night", as: "agent", body: nightShift}, status: 403},
			{name: "every bad field is named", request: request{method: "PUT", path: "/api/v1/calendars/night", as: "admin",
				body: `{"name":"","zone":"Moon/Base","week":[[],[{"start":600,"end":540}],[],[],[],[],[{"start":0,"end":2000}]],"holidays":["sinterklaas"],"closed_days":["2026-02-30"]}`},
				status: 422, errors: [][2]string{{"/name", "required"}, {"/zone", "zone"}, {"/week/1/0", "order"}, {"/week/6/0", "range"},
					{"/holidays/0", "one_of"}, {"/closed_days/0", "date"}}},
			{name: "seven days or none", request: request{method: "PUT", path: "/api/v1/calendars/night", as: "admin",
				body: `{"name":"Short week","week":[[],[{"start":0,"end":60}]]}`}, status: 422, errors: [][2]string{{"/week", "days"}}},
			{name: "the slug is the path's", request: request{method: "PUT", path: "/api/v1/calendars/night", as: "admin",
				body: `{"slug":"day","name":"Day","always_open":true}`}, status: 422, errors: [][2]string{{"/slug", "path"}}},
			{name: "a slug that is no slug", request: request{method: "PUT", path: "/api/v1/calendars/Night%20Shift", as: "admin",
				body: `{"name":"Night","always_open":true}`}, status: 422, errors: [][2]string{{"/slug", "slug"}}},
			{name: "an unknown field", request: request{method: "PUT", path: "/api/v1/calendars/night", as: "admin",
				body: `{"name":"Night","always_open":true,"open":true}`}, status: 422, errors: [][2]string{{"/open", "unknown_field"}}},
			{name: "the admin stores the night shift", request: request{method: "PUT", path: "/api/v1/calendars/night", as: "admin", body: nightShift},
				status: 200, fields: map[string]any{"slug": "night", "zone": "Europe/London", "built_in": false, "week.1.0.end": 360, "holidays": []any{},
					"closed_days": []any{"2026-12-24"}}},
			{name: "without holidays, the Dutch ones apply", request: request{method: "PUT", path: "/api/v1/calendars/office", as: "admin",
				body: `{"name":"Office","week":[[],[{"start":540,"end":1020}],[],[],[],[],[]]}`},
				status: 200, fields: map[string]any{"holidays.#": 11, "holidays.4": "koningsdag", "zone": ""}},
			{name: "listed by slug", request: request{method: "GET", path: "/api/v1/calendars", as: "expert"},
				status: 200, fields: map[string]any{"items.#": 4, "items.2.slug": "night", "items.3.slug": "office"}},
			{name: "a contract names it", request: request{method: "POST", path: "/api/v1/contracts", as: "admin",
				body: `{"organisation_id":{orgA},"name":"Nights","support_hours":"night"}`}, status: 201, fields: map[string]any{"support_hours": "night"}},
			{name: "but not one that does not exist", request: request{method: "POST", path: "/api/v1/contracts", as: "admin",
				body: `{"organisation_id":{orgA},"name":"Weekends","support_hours":"weekends","urgent_support_hours":"Bad Slug"}`},
				status: 422, errors: [][2]string{{"/support_hours", "one_of"}, {"/urgent_support_hours", "slug"}}},
			{name: "an incident counts in it", request: request{method: "POST", path: "/api/v1/incidents", as: "clientUserA",
				body: `{"title":"Slow","urgency":"high","impact":"normal"}`}, status: 201,
				fields: map[string]any{"sla.calendar": "night", "sla.paused_ns": 0, "response_warned": false, "resolve_breached": false}},
		})
		// The other client has no contract: no deadlines, but the field is there.
		userB := e.users["clientUserB"].ID
		inc, err := e.app.Incidents.Create(context.Background(), sys, app.IncidentInput{OrgID: e.orgB.ID, ReporterID: &userB, Title: "x",
			Urgency: desk.Low, Impact: desk.Low})
		if err != nil {
			t.Fatal(err)
		}
		e.vars["incB"] = itoa(inc.ID)
		e.run(t, []scenario{
			{name: "no contract, no deadlines", request: request{method: "GET", path: "/api/v1/incidents/{incB}", as: "clientUserB"}, status: 200,
				fields: map[string]any{"sla.calendar": "", "sla.resolve_due": absent{}, "sla.response_due": absent{}}},
		})
	})
}
