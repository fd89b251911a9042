package api_test

import (
	"net/url"
	"strings"
	"testing"

	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestQueryText: free text in a query parameter that reaches the database (the incident
// list's q) is refused with 422 naming the parameter when it holds a NUL (which gave 500 on
// PostgreSQL), another control character, invalid UTF-8 or a bidi control; never 5xx
// (issue 10, finding 1).
func TestQueryText(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		list := func(q string) request {
			return request{method: "GET", path: "/api/v1/incidents?q=" + q, as: "agent"}
		}
		e.run(t, []scenario{
			{name: "NUL", request: list("%00"), status: 422, errors: [][2]string{{"q", "control_characters"}}},
			{name: "NUL between words", request: list("a%00b"), status: 422, errors: [][2]string{{"q", "control_characters"}}},
			{name: "NUL as a client", request: request{method: "GET", path: "/api/v1/incidents?q=%00", as: "clientUserA"},
				status: 422, errors: [][2]string{{"q", "control_characters"}}},
			{name: "escape", request: list("%1B"), status: 422, errors: [][2]string{{"q", "control_characters"}}},
			{name: "invalid UTF-8", request: list("%FF"), status: 422, errors: [][2]string{{"q", "utf8"}}},
			{name: "a cut UTF-8 sequence", request: list("caf%C3"), status: 422, errors: [][2]string{{"q", "utf8"}}},
			{name: "a right-to-left override", request: list(url.QueryEscape("exe\u202e")), status: 422, errors: [][2]string{{"q", "bidi_control"}}},
			{name: "NUL with other bad parameters", request: list("%00&state=lost&limit=0"), status: 422,
				errors: [][2]string{{"q", "control_characters"}, {"state", "one_of"}, {"limit", "range"}}},
			{name: "the audit log's entity", request: request{method: "GET", path: "/api/v1/audit?entity=%00", as: "admin"},
				status: 422, errors: [][2]string{{"entity", "entity"}}},
			{name: "words in another script are fine", request: list(url.QueryEscape("café שלום")), status: 200},
		})

		// Every other query parameter that reaches the database is read as an id, a number,
		// a month or a word from a closed list: a NUL or invalid UTF-8 in it is 422 naming it.
		for _, p := range []struct{ path, param string }{
			{"/api/v1/incidents", "state"}, {"/api/v1/incidents", "kind"}, {"/api/v1/incidents", "channel"},
			{"/api/v1/incidents", "organisation_id"}, {"/api/v1/incidents", "open"}, {"/api/v1/incidents", "priority"},
			{"/api/v1/incidents", "cursor"}, {"/api/v1/incidents", "limit"}, {"/api/v1/audit", "entity"},
			{"/api/v1/audit", "entity_id"}, {"/api/v1/changes", "state"}, {"/api/v1/changes", "incident_id"},
			{"/api/v1/components", "client_id"}, {"/api/v1/contracts", "organisation_id"}, {"/api/v1/organisations", "kind"},
			{"/api/v1/outbox", "state"}, {"/api/v1/outbox", "via"}, {"/api/v1/procedure", "locale"},
			{"/api/v1/reports/sla", "month"}, {"/api/v1/suppliers", "active"}, {"/api/v1/users", "role"},
		} {
			for _, bad := range []string{"%00", "x%00", "%FF"} {
				t.Run(p.path+"?"+p.param+"="+bad, func(t *testing.T) {
					r := e.do(t, request{method: "GET", path: p.path + "?" + p.param + "=" + bad + "&organisation_id={orgA}", as: "admin"})
					if p.param == "organisation_id" {
						r = e.do(t, request{method: "GET", path: p.path + "?" + p.param + "=" + bad, as: "admin"})
					}
					if r.status != 422 || r.header.Get("Content-Type") != "application/problem+json" ||
						!strings.Contains(string(r.body), `"field":"`+p.param+`"`) {
						t.Errorf("status %d: %s", r.status, r.body)
					}
				})
			}
		}

		// Path parameters are ids, numbers or slugs: anything else is 404, never 5xx.
		for _, path := range []string{
			"GET /api/v1/organisations/%s", "GET /api/v1/contracts/%s", "GET /api/v1/users/%s", "DELETE /api/v1/tokens/%s",
			"GET /api/v1/components/%s", "GET /api/v1/incidents/%s", "GET /api/v1/incidents/%s/entries",
			"GET /api/v1/incidents/%s/audit", "GET /api/v1/incidents/%s/report", "GET /api/v1/incidents/%s/attachments",
			"GET /api/v1/incidents/1/attachments/%s", "GET /api/v1/questionnaire/versions/%s", "GET /api/v1/webhooks/%s",
			"GET /api/v1/webhooks/%s/deliveries", "GET /api/v1/changes/%s", "GET /api/v1/incidents/%s/changes",
			"GET /api/v1/suppliers/%s",
		} {
			for _, bad := range []string{"%00", "1%00", "%FF", "INC-%00"} {
				method, p, _ := strings.Cut(strings.ReplaceAll(path, "%s", bad), " ")
				t.Run(method+" "+p, func(t *testing.T) {
					r := e.do(t, request{method: method, path: p, as: "admin"})
					if r.status >= 500 || r.status < 400 || r.header.Get("Content-Type") != "application/problem+json" {
						t.Errorf("status %d: %s", r.status, r.body)
					}
				})
			}
		}
	})
}

// TestDisguisedNames: a title or name of invisible characters only, or one with a bidi
// control, is refused by every service that stores one (issue 10, finding 11).
func TestDisguisedNames(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		const zw, rlo = `\u200b\u200c\u200d\u2060\ufeff\u00ad`, `invoice \u202egnp.exe`
		const ok = `"urgency":"low","impact":"low"`
		e.run(t, []scenario{
			{name: "an incident titled with zero-width characters", request: request{method: "POST", path: "/api/v1/incidents", as: "clientUserA",
				body: `{"title":"` + zw + `",` + ok + `}`},
				status: 422, errors: [][2]string{{"/title", "invisible"}}},
			{name: "an incident titled with a right-to-left override", request: request{method: "POST", path: "/api/v1/incidents", as: "clientUserA",
				body: `{"title":"` + rlo + `",` + ok + `}`},
				status: 422, errors: [][2]string{{"/title", "bidi_control"}}},
			{name: "an unbalanced override in a description", request: request{method: "POST", path: "/api/v1/incidents", as: "clientUserA",
				body: `{"title":"t","description":"` + rlo + `",` + ok + `}`},
				status: 422, errors: [][2]string{{"/description", "bidi_control"}}},
			{name: "an organisation", request: request{method: "POST", path: "/api/v1/organisations", as: "admin",
				body: `{"name":"` + zw + `"}`},
				status: 422, errors: [][2]string{{"/name", "invisible"}}},
			{name: "an organisation renamed", request: request{method: "PATCH", path: "/api/v1/organisations/{orgA}", as: "admin",
				body: `{"name":"` + rlo + `"}`},
				status: 422, errors: [][2]string{{"/name", "bidi_control"}}},
			{name: "a contract", request: request{method: "POST", path: "/api/v1/contracts", as: "admin",
				body: `{"organisation_id":{orgA},"name":"` + zw + `"}`},
				status: 422, errors: [][2]string{{"/name", "invisible"}}},
			{name: "a user's name", request: request{method: "PATCH", path: "/api/v1/users/{clientUserA}", as: "admin",
				body: `{"name":"` + rlo + `"}`},
				status: 422, errors: [][2]string{{"/name", "bidi_control"}}},
			{name: "a component", request: request{method: "POST", path: "/api/v1/components", as: "admin",
				body: `{"name":"` + zw + `"}`},
				status: 422, errors: [][2]string{{"/name", "invisible"}}},
			{name: "a supplier", request: request{method: "POST", path: "/api/v1/suppliers", as: "admin",
				body: `{"name":"` + rlo + `"}`},
				status: 422, errors: [][2]string{{"/name", "bidi_control"}}},
			{name: "a token", request: request{method: "POST", path: "/api/v1/tokens", as: "agent",
				body: `{"name":"` + zw + `"}`},
				status: 422, errors: [][2]string{{"/name", "invisible"}}},
			{name: "a right-to-left title in Hebrew is fine", request: request{method: "POST", path: "/api/v1/incidents", as: "clientUserA",
				body: `{"title":"המדפסת לא עובדת","description":"quote: \u202eabc\u202c",` + ok + `}`},
				status: 201, save: map[string]string{"inc": "id"}},
			{name: "a renamed incident", request: request{method: "PATCH", path: "/api/v1/incidents/{inc}", as: "agent",
				body: `{"title":"` + zw + `"}`},
				status: 422, errors: [][2]string{{"/title", "invisible"}}},
			{name: "a change request", request: request{method: "POST", path: "/api/v1/changes", as: "agent",
				body: `{"title":"` + rlo + `","incident_ids":[{inc}]}`},
				status: 422, errors: [][2]string{{"/title", "bidi_control"}}},
			{name: "a reply of zero-width characters", request: request{method: "POST", path: "/api/v1/incidents/{inc}/entries", as: "agent",
				body: `{"kind":"note","body":"` + zw + `"}`},
				status: 422, errors: [][2]string{{"/body", "invisible"}}},
		})
	})
}
