package api_test

import (
	"context"
	"strings"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
	"meldpunt/internal/web"
)

// TestAuthentication: every route but the public ones (publicPath) needs credentials.
func TestAuthentication(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for _, op := range e.spec.operations() {
			method, path, _ := strings.Cut(op, " ")
			if publicPath(path) {
				continue
			}
			path = strings.ReplaceAll(path, "{id}", "1")
			var body any
			if method != "GET" && method != "DELETE" {
				body = `{}`
			}
			for name, auth := range map[string]string{
				"no credentials": "", "unknown token": "Bearer mp_notatoken", "not a token": "Bearer abc",
				"basic": "Basic YWRtaW46YWRtaW4=",
			} {
				t.Run(op+"/"+name, func(t *testing.T) {
					rq := request{method: method, path: path, body: body}
					if auth != "" {
						rq.headers = map[string]string{"Authorization": auth}
					}
					r := e.do(t, rq)
					if r.status != 401 || r.str("code") != "unauthorized" {
						t.Fatalf("status %d, want 401 unauthorized: %s", r.status, r.body)
					}
					if got := r.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
						t.Errorf("WWW-Authenticate %q", got)
					}
				})
			}
		}
		e.run(t, []scenario{
			{name: "the OpenAPI document is public", request: request{method: "GET", path: "/api/v1/openapi.json"},
				status: 200, contains: []string{`"openapi"`}},
			{name: "an unknown session is anonymous", request: request{method: "GET", path: "/api/v1/me",
				headers: map[string]string{"Cookie": web.SessionCookie + "=nonsense"}},
				status: 401},
		})
	})
}

// TestAuthorisation: client roles are refused what the provider's staff do, and another
// organisation's objects do not exist for them.
func TestAuthorisation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		e.vars["contractB"] = itoa(must(e.app.Organisations.CreateContract(ctx, sys, desk.Contract{OrgID: e.orgB.ID, Name: "B"}))(t).ID)
		e.vars["compB"] = itoa(e.addComponent(t, "Shop", e.orgB.ID).ID)
		reporterB := e.users["clientUserB"].ID
		e.vars["incB"] = itoa(must(e.app.Incidents.Create(ctx, sys, app.IncidentInput{
			OrgID: e.orgB.ID, ReporterID: &reporterB, Title: "B's", Urgency: desk.Low, Impact: desk.Low}))(t).ID)
		e.vars["incA"] = itoa(must(e.app.Incidents.Create(ctx, sys, app.IncidentInput{
			OrgID: e.orgA.ID, Title: "A's", Urgency: desk.Low, Impact: desk.Low}))(t).ID)
		matrix := `{"high":{"high":"P1","normal":"P2","low":"P3"},"normal":{"high":"P2","normal":"P3","low":"P4"},"low":{"high":"P3","normal":"P4","low":"P5"}}`
		var scs []scenario
		for _, who := range []string{"clientAdminA", "clientUserA"} {
			forbidden := []request{
				{method: "POST", path: "/api/v1/organisations", body: `{"name":"Mine"}`},
				{method: "PATCH", path: "/api/v1/organisations/{orgA}", body: `{"name":"Mine"}`},
				{method: "POST", path: "/api/v1/contracts", body: `{"organisation_id":{orgA},"name":"Free"}`},
				{method: "POST", path: "/api/v1/component-groups", body: `{"name":"G"}`},
				{method: "POST", path: "/api/v1/components", body: `{"name":"C"}`},
				{method: "GET", path: "/api/v1/audit"},
				{method: "PUT", path: "/api/v1/priority-matrix", body: matrix},
				// The last three concern an incident the client user did not report.
				{method: "GET", path: "/api/v1/incidents/{incA}/audit"},
				{method: "PATCH", path: "/api/v1/incidents/{incA}", body: `{"urgency":"high"}`},
				{method: "PUT", path: "/api/v1/incidents/{incA}/assignment", body: `{"assignee_id":{expert}}`},
			}
			if who == "clientUserA" {
				forbidden = forbidden[:len(forbidden)-3]
			}
			for _, rq := range forbidden {
				rq.as = who
				scs = append(scs, scenario{name: who + " " + rq.method + " " + rq.path, request: rq, status: 403,
					fields: map[string]any{"code": "forbidden"}})
			}
			for _, rq := range []request{
				{method: "GET", path: "/api/v1/organisations/{orgB}"},
				{method: "PATCH", path: "/api/v1/organisations/{orgB}", body: `{"name":"Mine"}`},
				{method: "GET", path: "/api/v1/contracts/{contractB}"},
				{method: "PATCH", path: "/api/v1/contracts/{contractB}", body: `{"name":"Mine"}`},
				{method: "GET", path: "/api/v1/users/{clientUserB}"},
				{method: "PATCH", path: "/api/v1/users/{clientUserB}", body: `{"name":"Mine"}`},
				{method: "GET", path: "/api/v1/components/{compB}"},
				{method: "PATCH", path: "/api/v1/components/{compB}", body: `{"name":"Mine"}`},
				{method: "DELETE", path: "/api/v1/components/{compB}"},
				{method: "GET", path: "/api/v1/incidents/{incB}"},
				{method: "PATCH", path: "/api/v1/incidents/{incB}", body: `{"title":"Mine"}`},
				{method: "POST", path: "/api/v1/incidents/{incB}/transitions", body: `{"to":"closed"}`},
				{method: "GET", path: "/api/v1/incidents/{incB}/entries"},
				{method: "POST", path: "/api/v1/incidents/{incB}/entries", body: `{"body":"hi"}`},
				{method: "PUT", path: "/api/v1/incidents/{incB}/assignment", body: `{"assignee_id":{expert}}`},
				{method: "GET", path: "/api/v1/incidents/{incB}/audit"},
				{method: "DELETE", path: "/api/v1/tokens/1"},
			} {
				rq.as = who
				scs = append(scs, scenario{name: who + " " + rq.method + " " + rq.path + " of B", request: rq, status: 404,
					fields: map[string]any{"code": "not_found"}, notContains: []string{"Globex", "B's"}})
			}
		}
		e.run(t, scs)
	})
}

// TestSessions: a browser session authenticates API calls; unsafe ones need its CSRF token.
func TestSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		secret, csrf := e.session(t, "clientUserA")
		cookie := web.SessionCookie + "=" + secret
		e.vars["csrf"] = csrf
		report := `{"title":"From the browser","urgency":"low","impact":"low"}`
		e.run(t, []scenario{
			{name: "a GET needs no CSRF token", request: request{method: "GET", path: "/api/v1/me", headers: map[string]string{"Cookie": cookie}},
				status: 200, fields: map[string]any{"user.id": e.users["clientUserA"].ID}},
			{name: "a POST without the CSRF token", request: request{method: "POST", path: "/api/v1/incidents", body: report,
				headers: map[string]string{"Cookie": cookie}},
				status: 403, fields: map[string]any{"detail": "missing or wrong CSRF token", "code": "forbidden"}},
			{name: "a POST with a wrong CSRF token", request: request{method: "POST", path: "/api/v1/incidents", body: report,
				headers: map[string]string{"Cookie": cookie, web.CSRFHeader: "x" + csrf}},
				status: 403, fields: map[string]any{"detail": "missing or wrong CSRF token"}},
			{name: "a POST with the CSRF token", request: request{method: "POST", path: "/api/v1/incidents", body: report,
				headers: map[string]string{"Cookie": cookie, web.CSRFHeader: "{csrf}"}},
				status: 201, fields: map[string]any{"reporter_id": e.users["clientUserA"].ID}},
			{name: "a PATCH without the CSRF token", request: request{method: "PATCH", path: "/api/v1/users/{clientUserA}", body: `{"name":"X"}`,
				headers: map[string]string{"Cookie": cookie}},
				status: 403},
			{name: "the name did not change", request: request{method: "GET", path: "/api/v1/me", headers: map[string]string{"Cookie": cookie}},
				status: 200, fields: map[string]any{"user.name": "User clientUserA"}},
			{name: "a token for the session user", request: request{method: "POST", path: "/api/v1/tokens", body: `{"name":"cli"}`,
				headers: map[string]string{"Cookie": cookie, web.CSRFHeader: "{csrf}"}},
				status: 201, save: map[string]string{"tok": "id"}},
			{name: "a DELETE without the CSRF token", request: request{method: "DELETE", path: "/api/v1/tokens/{tok}",
				headers: map[string]string{"Cookie": cookie}},
				status: 403},
			{name: "a DELETE with the CSRF token", request: request{method: "DELETE", path: "/api/v1/tokens/{tok}",
				headers: map[string]string{"Cookie": cookie, web.CSRFHeader: "{csrf}"}},
				status: 204},
			{name: "an API token needs no CSRF token", request: request{method: "POST", path: "/api/v1/incidents", as: "clientUserA", body: report},
				status: 201},
		})
	})
}
