package api_test

import (
	"testing"

	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// supplierCalls are the conformance test's calls of the supplier and stale-time routes; the
// first supplier of a fresh database has id 1.
func supplierCalls() []request {
	return []request{
		{method: "POST", path: "/api/v1/suppliers", as: "admin", body: `{"name":"Hostr","email":"noc@hostr.example"}`},
		{method: "POST", path: "/api/v1/suppliers", as: "admin", body: `{"name":""}`},
		{method: "GET", path: "/api/v1/suppliers", as: "agent"},
		{method: "GET", path: "/api/v1/suppliers", as: "clientAdminA"},
		{method: "GET", path: "/api/v1/suppliers/1", as: "expert"},
		{method: "GET", path: "/api/v1/suppliers/1", as: "clientUserA"},
		{method: "PATCH", path: "/api/v1/suppliers/1", as: "admin", body: `{"phone":"+31 20 123 4567"}`},
		{method: "PATCH", path: "/api/v1/suppliers/1", as: "agent", body: `{"phone":"+31 20 123 4567"}`},
		{method: "GET", path: "/api/v1/settings/stale-after", as: "agent"},
		{method: "GET", path: "/api/v1/settings/stale-after", as: "clientUserA"},
		{method: "PUT", path: "/api/v1/settings/stale-after", as: "admin", body: `{"minutes":{"P1":30,"P2":240,"P3":1440,"P4":4320,"P5":10080}}`},
		{method: "PUT", path: "/api/v1/settings/stale-after", as: "admin", body: `{"minutes":{"P1":0}}`},
	}
}

// TestSuppliersAPI: admins manage suppliers, staff read them, clients never see them; an
// incident is handed to one with a follow-up date, and the client's view of it shows
// nothing of that; the stale times are an admin's setting.
func TestSuppliersAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.run(t, []scenario{
			{name: "an agent may not add one", request: request{method: "POST", path: "/api/v1/suppliers", as: "agent", body: `{"name":"Hostr"}`}, status: 403},
			{name: "every bad field is named", request: request{method: "POST", path: "/api/v1/suppliers", as: "admin",
				body: `{"name":" ","email":"nope","phone":"call me"}`}, status: 422, errors: [][2]string{{"/name", "required"}, {"/email", "email"}, {"/phone", "phone"}}},
			{name: "an unknown field", request: request{method: "POST", path: "/api/v1/suppliers", as: "admin", body: `{"name":"Hostr","fax":"1"}`},
				status: 422, errors: [][2]string{{"/fax", "unknown_field"}}},
			{name: "the admin adds one", request: request{method: "POST", path: "/api/v1/suppliers", as: "admin",
				body: `{"name":"Hostr","contact_name":"Hans","email":"noc@hostr.example","phone":"+31 20 123 4567"}`},
				status: 201, fields: map[string]any{"name": "Hostr", "active": true}, save: map[string]string{"sup": "id"}},
			{name: "names are unique", request: request{method: "POST", path: "/api/v1/suppliers", as: "admin", body: `{"name":"hostr"}`}, status: 409},
			{name: "an inactive one", request: request{method: "POST", path: "/api/v1/suppliers", as: "admin", body: `{"name":"Oldco","active":false}`},
				status: 201, save: map[string]string{"old": "id"}},
			{name: "the expert reads them", request: request{method: "GET", path: "/api/v1/suppliers", as: "expert"}, status: 200,
				fields: map[string]any{"items.#": 2, "items.0.name": "Hostr"}},
			{name: "only the active ones", request: request{method: "GET", path: "/api/v1/suppliers?active=true", as: "agent"}, status: 200,
				fields: map[string]any{"items.#": 1}},
			{name: "a client may not list them", request: request{method: "GET", path: "/api/v1/suppliers", as: "clientAdminA"}, status: 403},
			{name: "to a client one does not exist", request: request{method: "GET", path: "/api/v1/suppliers/{sup}", as: "clientAdminA"}, status: 404},
			{name: "nor may a client change one", request: request{method: "PATCH", path: "/api/v1/suppliers/{sup}", as: "clientAdminA", body: `{"name":"X"}`}, status: 404},
			{name: "the admin changes one", request: request{method: "PATCH", path: "/api/v1/suppliers/{sup}", as: "admin", body: `{"notes":"24/7 NOC"}`},
				status: 200, fields: map[string]any{"notes": "24/7 NOC", "name": "Hostr"}},

			{name: "an incident", request: request{method: "POST", path: "/api/v1/incidents", as: "clientUserA",
				body: `{"title":"Site down","urgency":"high","impact":"high"}`}, status: 201, save: map[string]string{"inc": "id"}},
			{name: "not an inactive supplier, nor a date behind", request: request{method: "PUT", path: "/api/v1/incidents/{inc}/assignment", as: "agent",
				body: `{"supplier_id":{old},"follow_up_at":"2020-01-01T00:00:00Z"}`}, status: 422,
				errors: [][2]string{{"/supplier_id", "supplier"}, {"/follow_up_at", "future"}}},
			{name: "handed to the supplier", request: request{method: "PUT", path: "/api/v1/incidents/{inc}/assignment", as: "agent",
				body: `{"supplier_id":{sup},"follow_up_at":"2027-01-02T09:00:00+01:00"}`}, status: 200,
				fields: map[string]any{"supplier_id": "{sup}", "follow_up_at": "2027-01-02T08:00:00Z"}},
			{name: "the desk filters by it", request: request{method: "GET", path: "/api/v1/incidents?supplier_id={sup}", as: "agent"}, status: 200,
				fields: map[string]any{"items.#": 1}},
			{name: "the client sees nothing of it", request: request{method: "GET", path: "/api/v1/incidents/{inc}", as: "clientUserA"}, status: 200,
				notContains: []string{"supplier", "follow_up"}},
			{name: "nor in the list", request: request{method: "GET", path: "/api/v1/incidents", as: "clientAdminA"}, status: 200,
				notContains: []string{"supplier", "follow_up"}},
			{name: "nor on the timeline", request: request{method: "GET", path: "/api/v1/incidents/{inc}/entries", as: "clientUserA"}, status: 200,
				notContains: []string{"Hostr", "forwarded"}},
			{name: "the desk's timeline says it", request: request{method: "GET", path: "/api/v1/incidents/{inc}/entries", as: "agent"}, status: 200,
				contains: []string{"Forwarded to the external party Hostr; follow up on 2027-01-02T08:00:00Z."}},

			{name: "the default stale times", request: request{method: "GET", path: "/api/v1/settings/stale-after", as: "expert"}, status: 200,
				fields: map[string]any{"minutes.P1": 60, "minutes.P2": 240, "minutes.P3": 1440, "minutes.P4": 4320, "minutes.P5": 10080}},
			{name: "clients do not read them", request: request{method: "GET", path: "/api/v1/settings/stale-after", as: "clientAdminA"}, status: 403},
			{name: "only admins change them", request: request{method: "PUT", path: "/api/v1/settings/stale-after", as: "agent",
				body: `{"minutes":{"P1":30,"P2":240,"P3":1440,"P4":4320,"P5":10080}}`}, status: 403},
			{name: "every priority, in range", request: request{method: "PUT", path: "/api/v1/settings/stale-after", as: "admin",
				body: `{"minutes":{"P1":0,"P2":240,"P3":1440,"P4":4320}}`}, status: 422,
				errors: [][2]string{{"/minutes/P1", "range"}, {"/minutes/P5", "required"}}},
			{name: "the admin sets them", request: request{method: "PUT", path: "/api/v1/settings/stale-after", as: "admin",
				body: `{"minutes":{"P1":30,"P2":240,"P3":1440,"P4":4320,"P5":10080}}`}, status: 200, fields: map[string]any{"minutes.P1": 30}},
		})
	})
}
