package api_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestComponentStatusRoute: the desk (agents and admins) sets a component's status with
// PUT /components/{id}/status; every change is in the status history, written with it.
// Clients and experts are refused before their body is read (403, or 404 for a component a
// client does not use), so they never learn its input rules.
func TestComponentStatusRoute(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.run(t, []scenario{
			{name: "a component client A uses", request: request{method: "POST", path: "/api/v1/components", as: "admin",
				body: `{"name":"Mail","client_ids":[{orgA}],"visibility":"public"}`},
				status: 201, save: map[string]string{"mail": "id"}, fields: map[string]any{"status": "operational"}},

			{name: "an agent sets the status", request: request{method: "PUT", path: "/api/v1/components/{mail}/status", as: "agent",
				body: `{"status":"partial_outage"}`},
				status: 200, fields: map[string]any{"id": "{mail}", "status": "partial_outage", "name": "Mail", "visibility": "public"}},
			{name: "the public page shows it", request: request{method: "GET", path: "/api/v2/status.json"},
				status: 200, fields: map[string]any{"status.indicator": "major"}},
			{name: "the same status again writes no history", request: request{method: "PUT", path: "/api/v1/components/{mail}/status", as: "agent",
				body: `{"status":"partial_outage"}`},
				status: 200, fields: map[string]any{"status": "partial_outage"}},
			{name: "an admin sets it too", request: request{method: "PUT", path: "/api/v1/components/{mail}/status", as: "admin",
				body: `{"status":"operational"}`},
				status: 200, fields: map[string]any{"status": "operational"}},
			{name: "the history route lists every change, oldest first", request: request{method: "GET", path: "/api/v1/components/{mail}/status-history", as: "agent"},
				status: 200, fields: map[string]any{"items.0.status": "operational", "items.1.status": "partial_outage", "items.2.status": "operational",
					"items.2.component_id": "{mail}"}},
			{name: "a client using the component does not see its history", request: request{method: "GET", path: "/api/v1/components/{mail}/status-history", as: "clientAdminA"},
				status: 404},
			{name: "the change is audited with the agent as actor", request: request{method: "GET", path: "/api/v1/audit?entity=component&entity_id={mail}", as: "admin"},
				status: 200, fields: map[string]any{"items.0.action": "update", "items.0.actor_id": e.users["admin"].ID,
					"items.1.action": "update", "items.1.actor_id": e.users["agent"].ID}},

			{name: "an unknown status", request: request{method: "PUT", path: "/api/v1/components/{mail}/status", as: "agent",
				body: `{"status":"down"}`},
				status: 422, errors: [][2]string{{"/status", "one_of"}}},
			{name: "no status", request: request{method: "PUT", path: "/api/v1/components/{mail}/status", as: "agent",
				body: `{}`},
				status: 422, errors: [][2]string{{"/status", "required"}}},
			{name: "other fields are not set here", request: request{method: "PUT", path: "/api/v1/components/{mail}/status", as: "agent",
				body: `{"status":"operational","name":"Post"}`},
				status: 422},
			{name: "a component that does not exist", request: request{method: "PUT", path: "/api/v1/components/987654/status", as: "agent",
				body: `{"status":"operational"}`},
				status: 404},

			{name: "a client admin may not set the status of a component it uses, whatever it sends", request: request{method: "PUT", path: "/api/v1/components/{mail}/status", as: "clientAdminA",
				body: `{"status":"down"}`},
				status: 403},
			{name: "nor with a broken body", request: request{method: "PUT", path: "/api/v1/components/{mail}/status", as: "clientUserA",
				body: `{"status":`},
				status: 403},
			{name: "a client that does not use it learns nothing of it", request: request{method: "PUT", path: "/api/v1/components/{mail}/status", as: "clientAdminB",
				body: `{"status":"down"}`},
				status: 404},
			{name: "an expert is staff but not the desk", request: request{method: "PUT", path: "/api/v1/components/{mail}/status", as: "expert",
				body: `{"status":"down"}`},
				status: 403},
			{name: "no sign-in", request: request{method: "PUT", path: "/api/v1/components/{mail}/status",
				body: `{"status":"major_outage"}`},
				status: 401},
			{name: "nothing the refused sent changed it", request: request{method: "GET", path: "/api/v1/components/{mail}", as: "agent"},
				status: 200, fields: map[string]any{"status": "operational", "name": "Mail"}},
		})

		mail, _ := strconv.ParseInt(e.vars["mail"], 10, 64)
		t.Run("every change is in the history, once, in order", func(t *testing.T) {
			hs, err := e.app.Components.StatusHistory(context.Background(), sys, mail)
			if err != nil {
				t.Fatal(err)
			}
			var got []desk.ComponentStatus
			for i, h := range hs {
				got = append(got, h.Status)
				if h.ComponentID != mail || h.At.IsZero() || i > 0 && h.At.Before(hs[i-1].At) {
					t.Errorf("history row %d: %+v", i, h)
				}
			}
			want := []desk.ComponentStatus{desk.StatusOperational, desk.StatusPartialOutage, desk.StatusOperational}
			if !slices.Equal(got, want) {
				t.Errorf("history %v, want %v", got, want)
			}
		})
	})
}
