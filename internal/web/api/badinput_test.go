package api_test

import (
	"strings"
	"testing"

	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// counts returns how many incidents there are and the id of the newest audit entry, as
// the admin sees them through the API.
func (e *env) counts(t *testing.T) (incidents, lastAudit int64) {
	t.Helper()
	r := e.do(t, request{method: "GET", path: "/api/v1/incidents?limit=1", as: "admin"})
	a := e.do(t, request{method: "GET", path: "/api/v1/audit?limit=1", as: "admin"})
	if r.status != 200 || a.status != 200 {
		t.Fatalf("counts: %d %s / %d %s", r.status, r.body, a.status, a.body)
	}
	return r.id("total"), a.id("items.0.id")
}

// TestBadInput sends broken requests: each must get the right status and name the field
// and rule, and none may leave a row behind.
func TestBadInput(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		post := func(body string) request {
			return request{method: "POST", path: "/api/v1/incidents", as: "clientUserA", body: body}
		}
		const ok = `"urgency":"low","impact":"low"`
		incidentsBefore, auditBefore := e.counts(t)
		e.run(t, []scenario{
			{name: "title too long", request: post(`{"title":"` + strings.Repeat("é", 201) + `",` + ok + `}`),
				status: 422, errors: [][2]string{{"/title", "max_length"}}, fields: map[string]any{"code": "invalid"}},
			{name: "description too long", request: post(`{"title":"t","description":"` + strings.Repeat("d", 20001) + `",` + ok + `}`),
				status: 422, errors: [][2]string{{"/description", "max_length"}}},
			{name: "title missing", request: post(`{` + ok + `}`),
				status: 422, errors: [][2]string{{"/title", "required"}}},
			{name: "title blank", request: post(`{"title":"   ",` + ok + `}`),
				status: 422, errors: [][2]string{{"/title", "required"}}},
			{name: "every broken field at once", request: post(`{"impact":"huge","urgency":"low"}`),
				status: 422, errors: [][2]string{{"/title", "required"}, {"/impact", "one_of"}}},
			{name: "invalid UTF-8", request: post("{\"title\":\"caf\xe9\"," + ok + "}"),
				status: 422, errors: [][2]string{{"/title", "utf8"}}},
			{name: "invalid UTF-8 in the description", request: post("{\"title\":\"t\",\"description\":\"\xff\xfe\"," + ok + "}"),
				status: 422, errors: [][2]string{{"/description", "utf8"}}},
			{name: "a lone surrogate escape", request: post(`{"title":"a\ud800b",` + ok + `}`),
				status: 422, errors: [][2]string{{"/title", "utf8"}}},
			{name: "a low surrogate escape alone", request: post(`{"title":"a\udc00",` + ok + `}`),
				status: 422, errors: [][2]string{{"/title", "utf8"}}},
			{name: "a control character", request: post(`{"title":"a\u0007b",` + ok + `}`),
				status: 422, errors: [][2]string{{"/title", "control_characters"}}},
			{name: "an unknown field", request: post(`{"title":"t","titel":"t",` + ok + `}`),
				status: 422, errors: [][2]string{{"/titel", "unknown_field"}}},
			{name: "a field the client may not set", request: post(`{"title":"t","priority":"P1",` + ok + `}`),
				status: 422, errors: [][2]string{{"/priority", "unknown_field"}}},
			{name: "a number for a string", request: post(`{"title":5,` + ok + `}`),
				status: 422, errors: [][2]string{{"/title", "type"}}},
			{name: "a string for an id", request: post(`{"title":"t","reporter_id":"me",` + ok + `}`),
				status: 422, errors: [][2]string{{"/reporter_id", "type"}}},
			{name: "strings for ids in a list", request: post(`{"title":"t","component_ids":["a"],` + ok + `}`),
				status: 422, errors: [][2]string{{"/component_ids/0", "type"}}},
			{name: "a fraction for an id", request: post(`{"title":"t","organisation_id":1.5,` + ok + `}`),
				status: 422, errors: [][2]string{{"/organisation_id", "type"}}},
			{name: "an id out of range", request: post(`{"title":"t","organisation_id":99999999999999999999,` + ok + `}`),
				status: 422, errors: [][2]string{{"/organisation_id", "type"}}},
			{name: "an unknown urgency", request: post(`{"title":"t","urgency":"extreme","impact":"low"}`),
				status: 422, errors: [][2]string{{"/urgency", "one_of"}}},
			{name: "an unknown kind", request: post(`{"title":"t","kind":"panic",` + ok + `}`),
				status: 422, errors: [][2]string{{"/kind", "one_of"}}},
			{name: "null", request: post(`null`), status: 422, errors: [][2]string{{"", "type"}}},
			{name: "an array", request: post(`[]`), status: 422, errors: [][2]string{{"", "type"}}},
			{name: "a string", request: post(`"title"`), status: 422, errors: [][2]string{{"", "type"}}},
			{name: "malformed JSON", request: post(`{"title":`), status: 400, fields: map[string]any{"code": "malformed"}},
			{name: "not JSON at all", request: post(`title=x`), status: 400},
			{name: "a trailing comma", request: post(`{"title":"t",` + ok + `,}`), status: 400},
			{name: "trailing data", request: post(`{"title":"t",` + ok + `} {"title":"u"}`), status: 400},
			{name: "trailing garbage", request: post(`{"title":"t",` + ok + `} x`), status: 400},
			{name: "an empty body", request: post(``), status: 400},
			{name: "a body over 1 MiB", request: post(`{"title":"t","description":"` + strings.Repeat("x", 1<<20) + `",` + ok + `}`),
				status: 413, fields: map[string]any{"code": "too_large", "status": 413}},
			{name: "text/plain", request: request{method: "POST", path: "/api/v1/incidents", as: "clientUserA",
				body: `{"title":"t",` + ok + `}`, ctype: "text/plain"},
				status: 415, fields: map[string]any{"code": "unsupported_media_type"}},
			{name: "a form", request: request{method: "POST", path: "/api/v1/incidents", as: "clientUserA",
				body: `title=t`, ctype: "application/x-www-form-urlencoded"},
				status: 415},
			{name: "JSON in Latin-1", request: request{method: "POST", path: "/api/v1/incidents", as: "clientUserA",
				body: `{"title":"t",` + ok + `}`, ctype: "application/json; charset=iso-8859-1"},
				status: 415},
			{name: "no content type", request: request{method: "POST", path: "/api/v1/incidents", as: "clientUserA",
				body: `{"title":"t",` + ok + `}`, ctype: " "},
				status: 415},
		})
		t.Run("nothing was stored", func(t *testing.T) {
			incidentsAfter, auditAfter := e.counts(t)
			if incidentsAfter != incidentsBefore || auditAfter != auditBefore {
				t.Errorf("incidents %d → %d, newest audit entry %d → %d", incidentsBefore, incidentsAfter, auditBefore, auditAfter)
			}
		})

		// The checks must not refuse what is right.
		e.run(t, []scenario{
			{name: "JSON with a charset", request: request{method: "POST", path: "/api/v1/incidents", as: "clientUserA",
				body: `{"title":"t",` + ok + `}`, ctype: "application/json; charset=UTF-8"},
				status: 201},
			{name: "an escaped surrogate pair and an escaped backslash", request: post(`{"title":"smile \ud83d\ude00 \\ud800",` + ok + `}`),
				status: 201, fields: map[string]any{"title": "smile 😀 \\ud800"}},
			{name: "multi-byte text at the limit", request: post(`{"title":"` + strings.Repeat("é", 200) + `",` + ok + `}`),
				status: 201},
			{name: "a merge-patch media type", request: request{method: "PATCH", path: "/api/v1/organisations/{orgA}", as: "admin",
				body: `{"name":"Acme"}`, ctype: "application/merge-patch+json"},
				status: 200},
		})

		// The same strictness on other routes.
		e.vars["contract"] = itoa(must(e.app.Organisations.CreateContract(t.Context(), sys, desk.Contract{OrgID: e.orgA.ID, Name: "Gold"}))(t).ID)
		e.run(t, []scenario{
			{name: "a target priority of the wrong type", request: request{method: "PATCH", path: "/api/v1/contracts/{contract}", as: "admin",
				body: `{"targets":[{"priority":1,"first_response_minutes":1,"resolution_minutes":1}]}`},
				status: 422, errors: [][2]string{{"/targets/0/priority", "type"}}},
			{name: "an unknown field in a target", request: request{method: "PATCH", path: "/api/v1/contracts/{contract}", as: "admin",
				body: `{"targets":[{"prio":"P1"}]}`},
				status: 422, errors: [][2]string{{"/targets/0/prio", "unknown_field"}}},
			{name: "a boolean of the wrong type", request: request{method: "PATCH", path: "/api/v1/users/{clientUserA}", as: "admin",
				body: `{"active":"yes"}`},
				status: 422, errors: [][2]string{{"/active", "type"}}},
			{name: "an unknown field in a transition", request: request{method: "POST", path: "/api/v1/incidents/1/transitions", as: "agent",
				body: `{"to":"triaged","state":"triaged"}`},
				status: 422, errors: [][2]string{{"/state", "unknown_field"}}},
			{name: "an assignee of the wrong type", request: request{method: "PUT", path: "/api/v1/incidents/1/assignment", as: "agent",
				body: `{"assignee_id":"expert"}`},
				status: 422, errors: [][2]string{{"/assignee_id", "type"}}},
			{name: "a token name of the wrong type", request: request{method: "POST", path: "/api/v1/tokens", as: "agent",
				body: `{"name":["a"]}`},
				status: 422, errors: [][2]string{{"/name", "type"}}},
			{name: "a matrix that is no object", request: request{method: "PUT", path: "/api/v1/priority-matrix", as: "admin",
				body: `["P1"]`},
				status: 422, errors: [][2]string{{"", "type"}}},
		})
	})
}
