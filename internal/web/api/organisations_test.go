package api_test

import (
	"testing"

	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

func TestOrganisationsAndContracts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.run(t, []scenario{
			{name: "staff list every organisation", request: request{method: "GET", path: "/api/v1/organisations", as: "agent"},
				status: 200, fields: map[string]any{"items.#": 3}},
			{name: "list by kind", request: request{method: "GET", path: "/api/v1/organisations?kind=client", as: "admin"},
				status: 200, fields: map[string]any{"items.#": 2}},
			{name: "unknown kind", request: request{method: "GET", path: "/api/v1/organisations?kind=partner", as: "admin"},
				status: 422, errors: [][2]string{{"kind", "one_of"}}},
			{name: "a client lists only itself", request: request{method: "GET", path: "/api/v1/organisations", as: "clientUserA"},
				status: 200, fields: map[string]any{"items.#": 1, "items.0.id": e.orgA.ID}},
			{name: "admin creates a client", request: request{method: "POST", path: "/api/v1/organisations", as: "admin", body: `{"name":"Initech"}`},
				status: 201, fields: map[string]any{"name": "Initech", "slug": "initech", "kind": "client"}, save: map[string]string{"orgC": "id"},
				check: func(t *testing.T, r *result) {
					if want := baseURL + "/api/v1/organisations/" + e.vars["orgC"]; r.header.Get("Location") != want {
						t.Errorf("Location %q, want %q", r.header.Get("Location"), want)
					}
				}},
			{name: "slug taken", request: request{method: "POST", path: "/api/v1/organisations", as: "admin", body: `{"name":"Initech"}`},
				status: 409},
			{name: "a second provider", request: request{method: "POST", path: "/api/v1/organisations", as: "admin", body: `{"name":"Other","kind":"provider"}`},
				status: 422, errors: [][2]string{{"/kind", "one_of"}}},
			{name: "client admin may not create", request: request{method: "POST", path: "/api/v1/organisations", as: "clientAdminA", body: `{"name":"Mine"}`},
				status: 403},
			{name: "read", request: request{method: "GET", path: "/api/v1/organisations/{orgC}", as: "agent"},
				status: 200, fields: map[string]any{"name": "Initech"}},
			{name: "client reads its own", request: request{method: "GET", path: "/api/v1/organisations/{orgA}", as: "clientUserA"},
				status: 200, fields: map[string]any{"id": e.orgA.ID}},
			{name: "client reads another", request: request{method: "GET", path: "/api/v1/organisations/{orgB}", as: "clientUserA"},
				status: 404},
			{name: "id not a number", request: request{method: "GET", path: "/api/v1/organisations/abc", as: "admin"}, status: 404},
			{name: "id zero", request: request{method: "GET", path: "/api/v1/organisations/0", as: "admin"}, status: 404},
			{name: "id negative", request: request{method: "GET", path: "/api/v1/organisations/-1", as: "admin"}, status: 404},
			{name: "id with sign", request: request{method: "GET", path: "/api/v1/organisations/+{orgA}", as: "admin"}, status: 404},
			{name: "id does not exist", request: request{method: "GET", path: "/api/v1/organisations/987654", as: "admin"}, status: 404},
			{name: "rename", request: request{method: "PATCH", path: "/api/v1/organisations/{orgC}", as: "admin", body: `{"name":"Initech BV"}`},
				status: 200, fields: map[string]any{"name": "Initech BV", "slug": "initech"}},
			{name: "bad slug", request: request{method: "PATCH", path: "/api/v1/organisations/{orgC}", as: "admin", body: `{"slug":"Not A Slug"}`},
				status: 422, errors: [][2]string{{"/slug", "slug"}}},
			{name: "client admin may not rename its own", request: request{method: "PATCH", path: "/api/v1/organisations/{orgA}", as: "clientAdminA", body: `{"name":"X"}`},
				status: 403},
			{name: "client admin cannot see another", request: request{method: "PATCH", path: "/api/v1/organisations/{orgB}", as: "clientAdminA", body: `{"name":"X"}`},
				status: 404},

			{name: "create a contract with defaults", request: request{method: "POST", path: "/api/v1/contracts", as: "admin",
				body: `{"organisation_id":{orgA},"name":"Gold"}`},
				status: 201, save: map[string]string{"contractA": "id"},
				fields: map[string]any{"organisation_id": e.orgA.ID, "name": "Gold", "active": true, "support_hours": "business",
					"urgent_support_hours": "24x7", "auto_close_hours": 24, "targets.#": 5, "targets.0.priority": "P1"}},
			{name: "create a contract with targets", request: request{method: "POST", path: "/api/v1/contracts", as: "admin",
				body: `{"organisation_id":{orgB},"name":"Silver","support_hours":"24x7","covers_urgent":true,"active":false,"targets":[
					{"priority":"P1","first_response_minutes":15,"resolution_minutes":60},
					{"priority":"P2","first_response_minutes":30,"resolution_minutes":120},
					{"priority":"P3","first_response_minutes":60,"resolution_minutes":480},
					{"priority":"P4","first_response_minutes":120,"resolution_minutes":960},
					{"priority":"P5","first_response_minutes":240,"resolution_minutes":9600}]}`},
				status: 201, save: map[string]string{"contractB": "id"},
				fields: map[string]any{"active": false, "covers_urgent": true, "targets.0.first_response_minutes": 15}},
			{name: "a contract for the provider", request: request{method: "POST", path: "/api/v1/contracts", as: "admin",
				body: `{"organisation_id":{provider},"name":"Self"}`},
				status: 422, errors: [][2]string{{"/organisation_id", "client"}}},
			{name: "a target with an unknown priority", request: request{method: "POST", path: "/api/v1/contracts", as: "admin",
				body: `{"organisation_id":{orgA},"name":"Bad","targets":[{"priority":"P9","first_response_minutes":1,"resolution_minutes":2}]}`},
				status: 422, errors: [][2]string{{"/targets/0/priority", "one_of"}}},
			{name: "client admin may not create contracts", request: request{method: "POST", path: "/api/v1/contracts", as: "clientAdminA",
				body: `{"organisation_id":{orgA},"name":"Gold"}`}, status: 403},
			{name: "staff list all contracts", request: request{method: "GET", path: "/api/v1/contracts", as: "agent"},
				status: 200, fields: map[string]any{"items.#": 2}},
			{name: "filter by organisation", request: request{method: "GET", path: "/api/v1/contracts?organisation_id={orgB}", as: "admin"},
				status: 200, fields: map[string]any{"items.#": 1, "items.0.name": "Silver"}},
			{name: "filter not an id", request: request{method: "GET", path: "/api/v1/contracts?organisation_id=acme", as: "admin"},
				status: 422, errors: [][2]string{{"organisation_id", "id"}}},
			{name: "a client lists its own", request: request{method: "GET", path: "/api/v1/contracts", as: "clientUserA"},
				status: 200, fields: map[string]any{"items.#": 1, "items.0.name": "Gold"}},
			{name: "a client asks for another's", request: request{method: "GET", path: "/api/v1/contracts?organisation_id={orgB}", as: "clientUserA"},
				status: 200, fields: map[string]any{"items.#": 0}},
			{name: "client reads its contract", request: request{method: "GET", path: "/api/v1/contracts/{contractA}", as: "clientUserA"},
				status: 200, fields: map[string]any{"name": "Gold"}},
			{name: "client reads another's contract", request: request{method: "GET", path: "/api/v1/contracts/{contractB}", as: "clientUserA"},
				status: 404},
			{name: "change a contract", request: request{method: "PATCH", path: "/api/v1/contracts/{contractA}", as: "admin",
				body: `{"covers_urgent":true,"auto_close_hours":48}`},
				status: 200, fields: map[string]any{"covers_urgent": true, "auto_close_hours": 48, "name": "Gold"}},
			{name: "change a contract wrongly", request: request{method: "PATCH", path: "/api/v1/contracts/{contractA}", as: "admin",
				body: `{"auto_close_hours":0,"support_hours":"weekends"}`},
				status: 422, errors: [][2]string{{"/auto_close_hours", "range"}, {"/support_hours", "one_of"}}},
			{name: "client admin may not change contracts", request: request{method: "PATCH", path: "/api/v1/contracts/{contractA}", as: "clientAdminA",
				body: `{"name":"Platinum"}`}, status: 403},
			{name: "the contract is unchanged", request: request{method: "GET", path: "/api/v1/contracts/{contractA}", as: "admin"},
				status: 200, fields: map[string]any{"name": "Gold", "auto_close_hours": 48}},
		})
	})
}
