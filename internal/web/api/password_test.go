package api_test

import (
	"testing"

	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
	"meldpunt/internal/web"
)

// TestPasswordChangeEndsSessions: a new password ends every other session of the user,
// and revoke_tokens their API tokens (issue 10, finding 4).
func TestPasswordChangeEndsSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		cookie := func(secret string) map[string]string {
			return map[string]string{"Cookie": web.SessionCookie + "=" + secret}
		}
		me := func(name string, h map[string]string, status int) scenario {
			return scenario{name: name, request: request{method: "GET", path: "/api/v1/me", headers: h}, status: status}
		}
		meAs := func(name, as string, status int) scenario {
			return scenario{name: name, request: request{method: "GET", path: "/api/v1/me", as: as}, status: status}
		}
		here, csrf := e.session(t, "clientUserA")
		elsewhere, _ := e.session(t, "clientUserA")
		withCSRF := cookie(here)
		withCSRF[web.CSRFHeader] = csrf
		victim1, _ := e.session(t, "clientUserA2")
		victim2, _ := e.session(t, "clientUserA2")
		other, _ := e.session(t, "clientUserB")
		byToken, _ := e.session(t, "clientUserB")
		e.run(t, []scenario{
			{name: "a user changes their own password in a browser", request: request{method: "PATCH", path: "/api/v1/users/{clientUserA}",
				body: `{"password":"a brand new password"}`, headers: withCSRF}, status: 200},
			me("that browser stays signed in", cookie(here), 200),
			me("their other browser is signed out", cookie(elsewhere), 401),
			meAs("their API token still works", "clientUserA", 200),
			me("someone else's session is untouched", cookie(other), 200),

			{name: "and revokes their API tokens", request: request{method: "PATCH", path: "/api/v1/users/{clientUserA}",
				body: `{"password":"another new password","revoke_tokens":true}`, headers: withCSRF}, status: 200},
			meAs("the token is revoked", "clientUserA", 401),
			me("the browser stays signed in", cookie(here), 200),
			{name: "no tokens are left", request: request{method: "GET", path: "/api/v1/tokens", headers: cookie(here)},
				status: 200, fields: map[string]any{"items.#": 0}},

			{name: "a client admin changes a user's password", request: request{method: "PATCH", path: "/api/v1/users/{clientUserA2}", as: "clientAdminA",
				body: `{"password":"set by the admin 1"}`}, status: 200},
			me("every session of the user ends", cookie(victim1), 401),
			me("every one", cookie(victim2), 401),
			meAs("the user's token works without revoke_tokens", "clientUserA2", 200),
			{name: "revoke_tokens alone", request: request{method: "PATCH", path: "/api/v1/users/{clientUserA2}", as: "clientAdminA",
				body: `{"revoke_tokens":true}`}, status: 200},
			meAs("the user's token is revoked", "clientUserA2", 401),
			{name: "revoke_tokens is a boolean", request: request{method: "PATCH", path: "/api/v1/users/{clientUserA}", as: "admin",
				body: `{"revoke_tokens":"yes"}`}, status: 422},
			{name: "another client's admin does not revoke them", request: request{method: "PATCH", path: "/api/v1/users/{clientUserB}", as: "clientAdminA",
				body: `{"revoke_tokens":true}`}, status: 404},
			{name: "nor does the desk", request: request{method: "PATCH", path: "/api/v1/users/{clientUserB}", as: "agent",
				body: `{"revoke_tokens":true}`}, status: 403},
			meAs("the other client's token works", "clientUserB", 200),

			{name: "a change with an API token ends every session", request: request{method: "PATCH", path: "/api/v1/users/{clientUserB}", as: "clientUserB",
				body: `{"password":"changed with a token"}`}, status: 200},
			me("one", cookie(other), 401),
			me("and the other", cookie(byToken), 401),
			meAs("the token that made it works", "clientUserB", 200),
		})
	})
}
