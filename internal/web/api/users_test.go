package api_test

import (
	"strings"
	"testing"

	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

func TestUsersAndMe(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.run(t, []scenario{
			{name: "me", request: request{method: "GET", path: "/api/v1/me", as: "clientUserA"},
				status: 200, notContains: []string{"password", "argon2"},
				fields: map[string]any{"user.id": e.users["clientUserA"].ID, "user.email": "clientusera@example.com",
					"role": "client_user", "organisation.id": e.orgA.ID, "organisation.name": "Acme Client"}},
			{name: "me as staff", request: request{method: "GET", path: "/api/v1/me", as: "expert"},
				status: 200, fields: map[string]any{"role": "expert", "organisation.kind": "provider"}},
			{name: "staff list everyone", request: request{method: "GET", path: "/api/v1/users", as: "admin"},
				status: 200, fields: map[string]any{"items.#": 8}},
			{name: "filter by organisation", request: request{method: "GET", path: "/api/v1/users?organisation_id={orgA}", as: "admin"},
				status: 200, fields: map[string]any{"items.#": 3}},
			{name: "filter by role", request: request{method: "GET", path: "/api/v1/users?role=expert", as: "agent"},
				status: 200, fields: map[string]any{"items.#": 1, "items.0.id": e.users["expert"].ID}},
			{name: "filter by both", request: request{method: "GET", path: "/api/v1/users?role=client_user&organisation_id={orgB}", as: "admin"},
				status: 200, fields: map[string]any{"items.#": 1, "items.0.id": e.users["clientUserB"].ID}},
			{name: "unknown role", request: request{method: "GET", path: "/api/v1/users?role=boss", as: "admin"},
				status: 422, errors: [][2]string{{"role", "one_of"}}},
			{name: "filter given twice", request: request{method: "GET", path: "/api/v1/users?role=agent&role=admin", as: "admin"},
				status: 422, errors: [][2]string{{"role", "single"}}},
			{name: "a client admin lists its organisation", request: request{method: "GET", path: "/api/v1/users", as: "clientAdminA"},
				status: 200, fields: map[string]any{"items.#": 3}, notContains: []string{"clientuserb@"}},
			{name: "a client admin asks for another organisation", request: request{method: "GET", path: "/api/v1/users?organisation_id={orgB}", as: "clientAdminA"},
				status: 200, fields: map[string]any{"items.#": 0}},
			{name: "a client user lists only itself", request: request{method: "GET", path: "/api/v1/users", as: "clientUserA"},
				status: 200, fields: map[string]any{"items.#": 1, "items.0.id": e.users["clientUserA"].ID}},

			{name: "admin creates a user", request: request{method: "POST", path: "/api/v1/users", as: "admin",
				body: `{"organisation_id":{orgA},"email":" New@Example.com ","name":"New","role":"client_user","password":"long enough password"}`},
				status: 201, save: map[string]string{"newUser": "id"}, notContains: []string{"long enough password", "password"},
				fields: map[string]any{"email": "new@example.com", "role": "client_user", "locale": "nl", "active": true, "organisation_id": e.orgA.ID}},
			{name: "email taken", request: request{method: "POST", path: "/api/v1/users", as: "admin",
				body: `{"organisation_id":{orgA},"email":"new@example.com","name":"Again","role":"client_user"}`},
				status: 409},
			{name: "staff role in a client", request: request{method: "POST", path: "/api/v1/users", as: "admin",
				body: `{"organisation_id":{orgA},"email":"x@example.com","name":"X","role":"agent"}`},
				status: 422, errors: [][2]string{{"/role", "org_kind"}}},
			{name: "staff default to the provider", request: request{method: "POST", path: "/api/v1/users", as: "admin",
				body: `{"email":"agent2@example.com","name":"Agent Two","role":"agent","locale":"en"}`},
				status: 201, fields: map[string]any{"organisation_id": e.provider.ID, "locale": "en"}},
			{name: "short password", request: request{method: "POST", path: "/api/v1/users", as: "admin",
				body: `{"organisation_id":{orgA},"email":"y@example.com","name":"Y","role":"client_user","password":"short"}`},
				status: 422, errors: [][2]string{{"/password", "min_length"}}},
			{name: "a client admin adds to its organisation", request: request{method: "POST", path: "/api/v1/users", as: "clientAdminA",
				body: `{"email":"colleague@example.com","name":"Colleague","role":"client_user"}`},
				status: 201, fields: map[string]any{"organisation_id": e.orgA.ID}},
			{name: "a client admin adds to another organisation", request: request{method: "POST", path: "/api/v1/users", as: "clientAdminA",
				body: `{"organisation_id":{orgB},"email":"intruder@example.com","name":"Intruder","role":"client_user"}`},
				status: 422, errors: [][2]string{{"/organisation_id", "exists"}}},
			{name: "a client user may not add users", request: request{method: "POST", path: "/api/v1/users", as: "clientUserA",
				body: `{"organisation_id":{orgA},"email":"friend@example.com","name":"Friend","role":"client_user"}`},
				status: 403},
			{name: "read oneself", request: request{method: "GET", path: "/api/v1/users/{clientUserA}", as: "clientUserA"},
				status: 200, fields: map[string]any{"name": "User clientUserA"}},
			{name: "read a colleague as a client user", request: request{method: "GET", path: "/api/v1/users/{clientUserA2}", as: "clientUserA"},
				status: 404},
			{name: "read another client's user", request: request{method: "GET", path: "/api/v1/users/{clientUserB}", as: "clientAdminA"},
				status: 404},
			{name: "read a user that does not exist", request: request{method: "GET", path: "/api/v1/users/99999", as: "admin"},
				status: 404},
			{name: "rename oneself", request: request{method: "PATCH", path: "/api/v1/users/{clientUserA}", as: "clientUserA",
				body: `{"name":"Alice","locale":"nl"}`},
				status: 200, fields: map[string]any{"name": "Alice", "locale": "nl"}},
			{name: "promote oneself", request: request{method: "PATCH", path: "/api/v1/users/{clientUserA}", as: "clientUserA",
				body: `{"role":"client_admin"}`},
				status: 403},
			{name: "admin demotes itself", request: request{method: "PATCH", path: "/api/v1/users/{admin}", as: "admin",
				body: `{"role":"agent"}`},
				status: 409},
			{name: "a client admin promotes a user", request: request{method: "PATCH", path: "/api/v1/users/{clientUserA2}", as: "clientAdminA",
				body: `{"role":"client_admin"}`},
				status: 200, fields: map[string]any{"role": "client_admin"}},
			{name: "admin deactivates a user", request: request{method: "PATCH", path: "/api/v1/users/{newUser}", as: "admin",
				body: `{"active":false}`},
				status: 200, fields: map[string]any{"active": false}},
			{name: "the promotion shows in me", request: request{method: "GET", path: "/api/v1/me", as: "clientUserA2"},
				status: 200, fields: map[string]any{"role": "client_admin"}},
			{name: "the audit log has the change", request: request{method: "GET", path: "/api/v1/audit?entity=user&entity_id={clientUserA2}", as: "admin"},
				status: 200, fields: map[string]any{"items.0.action": "update", "items.0.actor_id": e.users["clientAdminA"].ID,
					"items.0.actor_name": "User clientAdminA", "items.0.address": "127.0.0.1",
					"items.0.before": `{"role":"client_user"}`, "items.0.after": `{"role":"client_admin"}`}},
		})

		t.Run("deactivation ends API access", func(t *testing.T) {
			e.do(t, request{method: "PATCH", path: "/api/v1/users/{clientUserB}", as: "admin", body: `{"active":false}`})
			r := e.do(t, request{method: "GET", path: "/api/v1/me", as: "clientUserB"})
			if r.status != 401 {
				t.Errorf("status %d, want 401: %s", r.status, r.body)
			}
		})
	})
}

func TestTokens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.run(t, []scenario{
			{name: "list own tokens", request: request{method: "GET", path: "/api/v1/tokens", as: "agent"},
				status: 200, fields: map[string]any{"items.#": 1, "items.0.user_id": e.users["agent"].ID, "items.0.name": "test token"},
				notContains: []string{`"hash"`, `"token"`, e.tokens["agent"]},
				check: func(t *testing.T, r *result) {
					if p := r.str("items.0.prefix"); !strings.HasPrefix(e.tokens["agent"], p) || len(p) < 5 {
						t.Errorf("prefix %q does not start the secret", p)
					}
				}},
			{name: "create a token", request: request{method: "POST", path: "/api/v1/tokens", as: "agent", body: `{"name":"ci"}`},
				status: 201, fields: map[string]any{"name": "ci", "user_id": e.users["agent"].ID},
				save: map[string]string{"newToken": "id", "newSecret": "token"},
				check: func(t *testing.T, r *result) {
					if s := r.str("token"); !strings.HasPrefix(s, "mp_") || !strings.HasPrefix(s, r.str("prefix")) {
						t.Errorf("token %q, prefix %q", s, r.str("prefix"))
					}
				}},
			{name: "the new token works", request: request{method: "GET", path: "/api/v1/me",
				headers: map[string]string{"Authorization": "Bearer {newSecret}"}},
				status: 200, fields: map[string]any{"user.id": e.users["agent"].ID}},
			{name: "a name by default", request: request{method: "POST", path: "/api/v1/tokens", as: "agent", body: `{}`},
				status: 201, fields: map[string]any{"name": "API token"}},
			{name: "a name too long", request: request{method: "POST", path: "/api/v1/tokens", as: "agent",
				body: `{"name":"` + strings.Repeat("n", 201) + `"}`},
				status: 422, errors: [][2]string{{"/name", "max_length"}}},
			{name: "the list has them, secrets not", request: request{method: "GET", path: "/api/v1/tokens", as: "agent"},
				status: 200, fields: map[string]any{"items.#": 3}, notContains: []string{"{newSecret}"}},
			{name: "others do not see them", request: request{method: "GET", path: "/api/v1/tokens", as: "admin"},
				status: 200, fields: map[string]any{"items.#": 1, "items.0.user_id": e.users["admin"].ID}},
			{name: "nobody else deletes them", request: request{method: "DELETE", path: "/api/v1/tokens/{newToken}", as: "admin"},
				status: 404},
			{name: "delete", request: request{method: "DELETE", path: "/api/v1/tokens/{newToken}", as: "agent"},
				status: 204},
			{name: "the deleted token is refused", request: request{method: "GET", path: "/api/v1/me",
				headers: map[string]string{"Authorization": "Bearer {newSecret}"}},
				status: 401},
			{name: "delete again", request: request{method: "DELETE", path: "/api/v1/tokens/{newToken}", as: "agent"},
				status: 404},
			{name: "delete nonsense", request: request{method: "DELETE", path: "/api/v1/tokens/abc", as: "agent"},
				status: 404},
			{name: "deletion is audited", request: request{method: "GET", path: "/api/v1/audit?entity=token&entity_id={newToken}", as: "admin"},
				status: 200, fields: map[string]any{"items.#": 2, "items.0.action": "delete", "items.1.action": "create",
					"items.0.actor_id": e.users["agent"].ID}},
		})
	})
}
