package api_test

import (
	"testing"

	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

func TestComponents(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.run(t, []scenario{
			{name: "create a group", request: request{method: "POST", path: "/api/v1/component-groups", as: "admin", body: `{"name":"Hosting","position":1}`},
				status: 201, fields: map[string]any{"name": "Hosting", "position": 1}, save: map[string]string{"group": "id"}},
			{name: "a group without a name", request: request{method: "POST", path: "/api/v1/component-groups", as: "admin", body: `{"name":"  "}`},
				status: 422, errors: [][2]string{{"/name", "required"}}},
			{name: "an agent may not create groups", request: request{method: "POST", path: "/api/v1/component-groups", as: "agent", body: `{"name":"Mail"}`},
				status: 403},
			{name: "everyone lists groups", request: request{method: "GET", path: "/api/v1/component-groups", as: "clientUserB"},
				status: 200, fields: map[string]any{"items.#": 1, "items.0.name": "Hosting"}},

			{name: "create a component for two clients", request: request{method: "POST", path: "/api/v1/components", as: "admin",
				body: `{"group_id":{group},"name":"Website","description":"The public site","client_ids":[{orgA},{orgB}]}`},
				status: 201, save: map[string]string{"compAB": "id"},
				fields: map[string]any{"name": "Website", "client_ids.#": 2, "position": 0}},
			{name: "create a component for one client", request: request{method: "POST", path: "/api/v1/components", as: "admin",
				body: `{"name":"Mail","client_ids":[{orgA}]}`},
				status: 201, save: map[string]string{"compA": "id"}, fields: map[string]any{"group_id": nil, "client_ids": []any{e.orgA.ID}}},
			{name: "a component without clients", request: request{method: "POST", path: "/api/v1/components", as: "admin", body: `{"name":"Backups"}`},
				status: 201, fields: map[string]any{"client_ids": []any{}}},
			{name: "the provider is no client", request: request{method: "POST", path: "/api/v1/components", as: "admin",
				body: `{"name":"Intranet","client_ids":[{provider}]}`},
				status: 422, errors: [][2]string{{"/client_ids/0", "exists"}}},
			{name: "a group that does not exist", request: request{method: "POST", path: "/api/v1/components", as: "admin",
				body: `{"name":"DNS","group_id":987654}`},
				status: 422, errors: [][2]string{{"/group_id", "exists"}}},
			{name: "a client may not create components", request: request{method: "POST", path: "/api/v1/components", as: "clientAdminA",
				body: `{"name":"Mine"}`},
				status: 403},
			{name: "staff list all", request: request{method: "GET", path: "/api/v1/components", as: "agent"},
				status: 200, fields: map[string]any{"items.#": 3}},
			{name: "staff filter by client", request: request{method: "GET", path: "/api/v1/components?client_id={orgB}", as: "agent"},
				status: 200, fields: map[string]any{"items.#": 1, "items.0.name": "Website"}},
			{name: "filter not an id", request: request{method: "GET", path: "/api/v1/components?client_id=-3", as: "agent"},
				status: 422, errors: [][2]string{{"client_id", "id"}}},
			{name: "a client lists what it uses, and learns of no other client", request: request{method: "GET", path: "/api/v1/components", as: "clientUserB"},
				status: 200, fields: map[string]any{"items.#": 1, "items.0.client_ids": []any{e.orgB.ID}}},
			{name: "a client asks for another's", request: request{method: "GET", path: "/api/v1/components?client_id={orgA}", as: "clientUserB"},
				status: 200, fields: map[string]any{"items.#": 0}},
			{name: "a client reads one it uses", request: request{method: "GET", path: "/api/v1/components/{compAB}", as: "clientUserA"},
				status: 200, fields: map[string]any{"client_ids": []any{e.orgA.ID}}},
			{name: "a client reads one it does not use", request: request{method: "GET", path: "/api/v1/components/{compA}", as: "clientUserB"},
				status: 404},
			{name: "change", request: request{method: "PATCH", path: "/api/v1/components/{compAB}", as: "admin",
				body: `{"group_id":0,"description":"<b>bold</b>","position":3}`},
				status: 200, fields: map[string]any{"group_id": nil, "description": "<b>bold</b>", "position": 3},
				contains: []string{`\u003cb\u003ebold`}, notContains: []string{"<b>"}},
			{name: "change the clients", request: request{method: "PATCH", path: "/api/v1/components/{compA}", as: "admin",
				body: `{"client_ids":[{orgA},{orgA}]}`},
				status: 422, errors: [][2]string{{"/client_ids/1", "unique"}}},
			{name: "a client may not change one it uses", request: request{method: "PATCH", path: "/api/v1/components/{compA}", as: "clientAdminA",
				body: `{"name":"Post"}`},
				status: 403},
			{name: "nor one it does not use", request: request{method: "PATCH", path: "/api/v1/components/{compA}", as: "clientAdminB",
				body: `{"name":"Post"}`},
				status: 404},
			{name: "an agent may not delete", request: request{method: "DELETE", path: "/api/v1/components/{compA}", as: "agent"},
				status: 403},
			{name: "admin deletes", request: request{method: "DELETE", path: "/api/v1/components/{compA}", as: "admin"},
				status: 204},
			{name: "it is gone", request: request{method: "GET", path: "/api/v1/components/{compA}", as: "admin"},
				status: 404},
			{name: "delete again", request: request{method: "DELETE", path: "/api/v1/components/{compA}", as: "admin"},
				status: 404},
			{name: "the deletion is audited", request: request{method: "GET", path: "/api/v1/audit?entity=component&entity_id={compA}", as: "admin"},
				status: 200, fields: map[string]any{"items.0.action": "delete", "items.0.actor_id": e.users["admin"].ID, "items.1.action": "create"}},
		})
	})
}
