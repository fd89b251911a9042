package api_test

import (
	"strings"
	"testing"

	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// templateCalls are the conformance test's calls of the status-template routes; the first
// template of a fresh database has id 1.
func templateCalls() []request {
	return []request{
		{method: "POST", path: "/api/v1/status-templates", as: "admin", body: `{"name":"Onderzoek","status":"investigating","body":{"nl":"We onderzoeken het.","en":"We are investigating."}}`},
		{method: "POST", path: "/api/v1/status-templates", as: "admin", body: `{"name":"","status":"x","body":{}}`},
		{method: "GET", path: "/api/v1/status-templates", as: "expert"},
		{method: "GET", path: "/api/v1/status-templates", as: "clientUserA"},
		{method: "GET", path: "/api/v1/status-templates/1", as: "agent"},
		{method: "GET", path: "/api/v1/status-templates/1", as: "clientAdminA"},
		{method: "PUT", path: "/api/v1/status-templates/1", as: "admin", body: `{"name":"Onderzoek","status":"identified","body":{"nl":"Gevonden."}}`},
		{method: "PUT", path: "/api/v1/status-templates/1", as: "agent", body: `{"name":"X","status":"identified","body":{"nl":"X"}}`},
		{method: "DELETE", path: "/api/v1/status-templates/1", as: "agent"},
		{method: "DELETE", path: "/api/v1/status-templates/1", as: "admin"},
	}
}

// TestStatusTemplatesAPI: admins keep the templates, all staff read them, clients never
// see them; bad input names the field and the rule; every change is audited.
func TestStatusTemplatesAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		long := strings.Repeat("x", 101)
		e.run(t, []scenario{
			{name: "an agent may not add one", request: request{method: "POST", path: "/api/v1/status-templates", as: "agent",
				body: `{"name":"A","status":"investigating","body":{"nl":"a"}}`}, status: 403},
			{name: "a client may not either", request: request{method: "POST", path: "/api/v1/status-templates", as: "clientAdminA",
				body: `{"name":"A","status":"investigating","body":{"nl":"a"}}`}, status: 403},
			{name: "every bad field is named", request: request{method: "POST", path: "/api/v1/status-templates", as: "admin",
				body: `{"name":"` + long + `","status":"postmortem","body":{}}`}, status: 422,
				errors: [][2]string{{"/name", "max_length"}, {"/status", "one_of"}, {"/body", "required"}}},
			{name: "a name on one line", request: request{method: "POST", path: "/api/v1/status-templates", as: "admin",
				body: `{"name":"a\nb","status":"monitoring","body":{"en":"x"}}`}, status: 422, errors: [][2]string{{"/name", "control_characters"}}},
			{name: "an unknown field", request: request{method: "POST", path: "/api/v1/status-templates", as: "admin",
				body: `{"name":"A","status":"investigating","body":{"nl":"a"},"kind":"x"}`}, status: 422, errors: [][2]string{{"/kind", "unknown_field"}}},
			{name: "the admin adds one", request: request{method: "POST", path: "/api/v1/status-templates", as: "admin",
				body: `{"name":" Onderzoek gestart ","status":"investigating","body":{"nl":"We onderzoeken de storing.","en":"We are investigating the outage."}}`},
				status: 201, fields: map[string]any{"name": "Onderzoek gestart", "status": "investigating", "body.en": "We are investigating the outage."},
				save: map[string]string{"tpl": "id"}},
			{name: "names are unique in any case", request: request{method: "POST", path: "/api/v1/status-templates", as: "admin",
				body: `{"name":"ONDERZOEK GESTART","status":"identified","body":{"nl":"x"}}`}, status: 409},
			{name: "a maintenance template", request: request{method: "POST", path: "/api/v1/status-templates", as: "admin",
				body: `{"name":"Begonnen","status":"in_progress","body":{"nl":"Het onderhoud is begonnen."}}`}, status: 201, save: map[string]string{"mt": "id"}},
			{name: "the expert lists them by name", request: request{method: "GET", path: "/api/v1/status-templates", as: "expert"}, status: 200,
				fields: map[string]any{"items.#": 2, "items.0.name": "Begonnen", "items.1.name": "Onderzoek gestart"}},
			{name: "a client may not list them", request: request{method: "GET", path: "/api/v1/status-templates", as: "clientUserA"}, status: 403},
			{name: "to a client one does not exist", request: request{method: "GET", path: "/api/v1/status-templates/{tpl}", as: "clientAdminA"}, status: 404},
			{name: "nor may a client change one", request: request{method: "PUT", path: "/api/v1/status-templates/{tpl}", as: "clientAdminA",
				body: `{"name":"X","status":"identified","body":{"nl":"x"}}`}, status: 404},
			{name: "an agent may not change one", request: request{method: "PUT", path: "/api/v1/status-templates/{tpl}", as: "agent",
				body: `{"name":"X","status":"identified","body":{"nl":"x"}}`}, status: 403},
			{name: "the admin replaces one", request: request{method: "PUT", path: "/api/v1/status-templates/{tpl}", as: "admin",
				body: `{"name":"Oorzaak gevonden","status":"identified","body":{"nl":"De oorzaak is gevonden."}}`}, status: 200,
				fields: map[string]any{"name": "Oorzaak gevonden", "status": "identified", "body.en": ""}},
			{name: "not onto another's name", request: request{method: "PUT", path: "/api/v1/status-templates/{tpl}", as: "admin",
				body: `{"name":"begonnen","status":"identified","body":{"nl":"x"}}`}, status: 409},
			{name: "the agent reads it", request: request{method: "GET", path: "/api/v1/status-templates/{tpl}", as: "agent"}, status: 200,
				fields: map[string]any{"name": "Oorzaak gevonden"}},
			{name: "an agent may not delete one", request: request{method: "DELETE", path: "/api/v1/status-templates/{tpl}", as: "agent"}, status: 403},
			{name: "the admin deletes one", request: request{method: "DELETE", path: "/api/v1/status-templates/{tpl}", as: "admin"}, status: 204},
			{name: "it is gone", request: request{method: "GET", path: "/api/v1/status-templates/{tpl}", as: "agent"}, status: 404},
			{name: "deleting it again", request: request{method: "DELETE", path: "/api/v1/status-templates/{tpl}", as: "admin"}, status: 404},
			{name: "the audit log saw it all", request: request{method: "GET", path: "/api/v1/audit?entity=status_template", as: "admin"}, status: 200,
				fields: map[string]any{"items.#": 4}},
		})
	})
}
