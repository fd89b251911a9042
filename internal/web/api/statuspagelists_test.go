package api_test

import (
	"encoding/json"
	"testing"

	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestStatusPageLists: the incident and maintenance documents of the Statuspage v2 API have
// its exact shape — {"page":{…},"incidents":[…]} or {"page":{…},"scheduled_maintenances":[…]},
// nothing more — with the same page as summary.json, no sign-in and CORS open. The lists are
// empty (never null) until public incidents and scheduled maintenance exist.
func TestStatusPageLists(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.run(t, []scenario{
			{name: "a public component", request: request{method: "POST", path: "/api/v1/components", as: "admin",
				body: `{"name":"Website","visibility":"public","status":"degraded_performance"}`}, status: 201},
			{name: "a clients-only component", request: request{method: "POST", path: "/api/v1/components", as: "admin",
				body: `{"name":"Acme Dedicated Server","client_ids":[{orgA}],"status":"major_outage"}`}, status: 201},
		})
		r := e.do(t, request{method: "GET", path: "/api/v2/summary.json"})
		var summary spSummary
		strictDecode(t, r.body, &summary)

		for _, c := range []struct{ path, list string }{
			{"/api/v2/incidents.json", "incidents"},
			{"/api/v2/incidents/unresolved.json", "incidents"},
			{"/api/v2/scheduled-maintenances.json", "scheduled_maintenances"},
			{"/api/v2/scheduled-maintenances/upcoming.json", "scheduled_maintenances"},
			{"/api/v2/scheduled-maintenances/active.json", "scheduled_maintenances"},
		} {
			t.Run(c.path, func(t *testing.T) {
				r := e.do(t, request{method: "GET", path: c.path})
				if r.status != 200 {
					t.Fatalf("status %d: %s", r.status, r.body)
				}
				if got := r.header.Get("Access-Control-Allow-Origin"); got != "*" {
					t.Errorf("Access-Control-Allow-Origin %q, want *", got)
				}
				var raw map[string]any
				if err := json.Unmarshal(r.body, &raw); err != nil {
					t.Fatalf("%v: %s", err, r.body)
				}
				checkKeys(t, c.path, raw, map[string]string{"page": "object", c.list: "array"})
				checkKeys(t, c.path+" page", raw["page"], spPageKeys)
				if l, ok := raw[c.list].([]any); !ok || len(l) != 0 {
					t.Errorf("%s: %v, want an empty list", c.list, raw[c.list])
				}
				var d struct {
					Page spPage `json:"page"`
				}
				if err := json.Unmarshal(r.body, &d); err != nil {
					t.Fatal(err)
				}
				if d.Page != summary.Page {
					t.Errorf("page %+v, want summary.json's %+v", d.Page, summary.Page)
				}
			})
		}
	})
}
