package api_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
	"meldpunt/internal/web"
)

// refusal is what one role must get from a route, whatever the request carries.
type refusal struct {
	as     string
	status int // 403, or 404 where the route names an object the role may not see
}

// gateCase is a route called with a malformed or wrongly typed body or query: the roles in
// refused get their refusal, not the 400 or 422 of the input; allowed, who may use the
// route, gets the input's error, which proves the input is bad.
type gateCase struct {
	method, path, body, ctype string
	allowed                   string
	refused                   []refusal
}

// everyoneBut lists every fixture role but those named, refused with status.
func everyoneBut(status int, keep ...string) []refusal {
	var out []refusal
	for _, k := range []string{"admin", "agent", "expert", "clientAdminA", "clientUserA"} {
		if !strings.Contains(" "+strings.Join(keep, " ")+" ", " "+k+" ") {
			out = append(out, refusal{k, status})
		}
	}
	return out
}

func gateCases() []gateCase {
	nonAdmins := everyoneBut(403, "admin")
	clients := []refusal{{"clientAdminA", 403}, {"clientUserA", 403}}
	hiddenFromClients := []refusal{{"clientAdminA", 404}, {"clientUserA", 404}}
	// incA is clientUserA's incident: its reporter sees it (403), client B and the expert
	// who is not assigned do not (404).
	incidentDesk := []refusal{{"clientUserA", 403}, {"clientAdminA", 403}, {"clientUserB", 404}, {"expert", 404}}
	return []gateCase{
		{method: "PUT", path: "/api/v1/questionnaire", body: "questions: [\n  - id: : :\n\t{{{", ctype: "application/yaml", allowed: "admin", refused: nonAdmins},
		{method: "PUT", path: "/api/v1/questionnaire", body: `{"questions":5}`, allowed: "admin", refused: nonAdmins},
		{method: "GET", path: "/api/v1/questionnaire/versions/1", allowed: "", refused: hiddenFromClients},
		{method: "POST", path: "/api/v1/organisations", body: `{"name":5}`, allowed: "admin", refused: nonAdmins},
		{method: "PATCH", path: "/api/v1/organisations/{orgA}", body: `{"name":5}`, allowed: "admin",
			refused: []refusal{{"agent", 403}, {"expert", 403}, {"clientAdminA", 403}, {"clientUserB", 404}}},
		{method: "POST", path: "/api/v1/contracts", body: `{"targets":"all"}`, allowed: "admin", refused: nonAdmins},
		{method: "PATCH", path: "/api/v1/contracts/{contractA}", body: `{"targets":"all"}`, allowed: "admin",
			refused: []refusal{{"agent", 403}, {"clientAdminA", 403}, {"clientUserA", 403}, {"clientUserB", 404}}},
		{method: "POST", path: "/api/v1/users", body: `{"role":5}`, allowed: "clientAdminA",
			refused: []refusal{{"agent", 403}, {"expert", 403}, {"clientUserA", 403}}},
		{method: "PATCH", path: "/api/v1/users/{clientUserA2}", body: `{"name":5}`, allowed: "clientAdminA",
			refused: []refusal{{"agent", 403}, {"expert", 404}, {"clientUserA", 404}, {"clientAdminB", 404}}},
		{method: "POST", path: "/api/v1/component-groups", body: `{"name":5}`, allowed: "admin", refused: nonAdmins},
		{method: "POST", path: "/api/v1/components", body: `{"client_ids":"all"}`, allowed: "admin", refused: nonAdmins},
		{method: "PATCH", path: "/api/v1/components/{compA}", body: `{"name":5}`, allowed: "admin",
			refused: []refusal{{"agent", 403}, {"expert", 403}, {"clientUserA", 403}, {"clientUserB", 404}}},
		{method: "POST", path: "/api/v1/incidents", body: `{"title":5}`, allowed: "agent", refused: []refusal{{"expert", 403}}},
		{method: "PATCH", path: "/api/v1/incidents/{incA}", body: `{"title":5}`, allowed: "agent", refused: incidentDesk},
		{method: "PUT", path: "/api/v1/incidents/{incA}/assignment", body: `{"owner_id":"me"}`, allowed: "agent", refused: incidentDesk},
		{method: "POST", path: "/api/v1/incidents/{incA}/assessment", body: `{"decision":5}`, allowed: "agent", refused: incidentDesk},
		{method: "POST", path: "/api/v1/incidents/{incA}/attachments", body: "--x\r\nbroken", ctype: "multipart/form-data; boundary=x",
			allowed: "clientUserA", refused: []refusal{{"clientUserB", 404}, {"expert", 404}}},
		{method: "POST", path: "/api/v1/questionnaire/evaluate", body: `{"answers":5}`, allowed: "clientUserA", refused: []refusal{{"expert", 403}}},
		{method: "POST", path: "/api/v1/reports", body: `{"answers":5}`, allowed: "clientUserA", refused: []refusal{{"expert", 403}}},
		{method: "GET", path: "/api/v1/outbox?state=lost", allowed: "admin", refused: nonAdmins},
		{method: "POST", path: "/api/v1/webhooks", body: `{"url":5}`, allowed: "admin", refused: nonAdmins},
		{method: "PATCH", path: "/api/v1/webhooks/1", body: `{"url":5}`, allowed: "admin", refused: nonAdmins},
		{method: "GET", path: "/api/v1/changes?state=lost", allowed: "expert", refused: clients},
		{method: "POST", path: "/api/v1/changes", body: `{"title":5}`, allowed: "agent",
			refused: []refusal{{"expert", 403}, {"clientAdminA", 403}, {"clientUserA", 403}}},
		{method: "PATCH", path: "/api/v1/changes/{changeA}", body: `{"title":5}`, allowed: "agent",
			refused: []refusal{{"expert", 403}, {"clientAdminA", 404}, {"clientUserA", 404}}},
		{method: "POST", path: "/api/v1/changes/{changeA}/transitions", body: `{"to":5}`, allowed: "agent",
			refused: []refusal{{"expert", 403}, {"clientAdminA", 404}, {"clientUserA", 404}}},
		{method: "GET", path: "/api/v1/audit?limit=many", allowed: "admin", refused: nonAdmins},
		{method: "PUT", path: "/api/v1/priority-matrix", body: `{"matrix":5}`, allowed: "admin", refused: nonAdmins},
		{method: "PUT", path: "/api/v1/calendars/business", body: `{"name":5}`, allowed: "admin", refused: nonAdmins},
		{method: "GET", path: "/api/v1/suppliers?active=maybe", allowed: "expert", refused: clients},
		{method: "POST", path: "/api/v1/suppliers", body: `{"name":5}`, allowed: "admin", refused: nonAdmins},
		{method: "PATCH", path: "/api/v1/suppliers/{supplier}", body: `{"name":5}`, allowed: "admin",
			refused: []refusal{{"agent", 403}, {"expert", 403}, {"clientAdminA", 404}, {"clientUserA", 404}}},
		{method: "PUT", path: "/api/v1/settings/stale-after", body: `{"minutes":5}`, allowed: "admin", refused: nonAdmins},
		{method: "GET", path: "/api/v1/reports/sla?organisation_id={orgA}&month=someday", allowed: "clientAdminA",
			refused: []refusal{{"expert", 403}, {"clientUserA", 403}}},
	}
}

// gateFixture adds what the gate cases name: client A's contract, component, incident, a
// change request linked to it, and a supplier.
func gateFixture(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	e.vars["contractA"] = itoa(must(e.app.Organisations.CreateContract(ctx, sys, desk.Contract{OrgID: e.orgA.ID, Name: "Gold"}))(t).ID)
	e.vars["compA"] = itoa(must(e.app.Components.Create(ctx, sys, desk.Component{Name: "Webshop", ClientIDs: []int64{e.orgA.ID}}))(t).ID)
	reporter := e.users["clientUserA"]
	inc := must(e.app.Incidents.Create(ctx, sys, app.IncidentInput{OrgID: e.orgA.ID, ReporterID: &reporter.ID, Title: "Checkout fails",
		Urgency: desk.High, Impact: desk.High}))(t)
	e.vars["incA"] = itoa(inc.ID)
	e.vars["changeA"] = itoa(must(e.app.Changes.Create(ctx, sys, app.ChangeInput{Title: "Fix it", IncidentIDs: []int64{inc.ID}}))(t).ID)
	e.vars["supplier"] = itoa(must(e.app.Suppliers.Create(ctx, sys, desk.Supplier{Name: "Hostr"}))(t).ID)
}

// TestAuthoriseBeforeDecode calls every route that some role may not use with a malformed
// or wrongly typed body or query: each role that may not use it gets 403 (or 404 where the
// path names an object it may not see), never the 400 or 422 about the input, which the
// role that may use it gets (finding 6).
func TestAuthoriseBeforeDecode(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		gateFixture(t, e)
		for _, c := range gateCases() {
			where := c.method + " " + c.path
			var body any
			if c.body != "" {
				body = c.body
			}
			if c.allowed != "" {
				r := e.do(t, request{method: c.method, path: c.path, as: c.allowed, body: body, ctype: c.ctype})
				if r.status != 400 && r.status != 422 {
					t.Errorf("%s as %s (who may): %d, want the input's 400 or 422: %s", where, c.allowed, r.status, r.body)
				}
			}
			for _, ref := range c.refused {
				r := e.do(t, request{method: c.method, path: c.path, as: ref.as, body: body, ctype: c.ctype})
				if r.status != ref.status {
					t.Errorf("%s as %s: %d, want %d: %s", where, ref.as, r.status, ref.status, r.body)
				}
			}
		}
	})
}

// countingReader counts the bytes read of a request body.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// TestRefusedBodyIsNotRead sends a client's questionnaire, upload and report to routes
// they may not use: the server refuses them without reading a byte of the body.
func TestRefusedBodyIsNotRead(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	gateFixture(t, e)
	h := e.srv.Config.Handler
	for _, c := range []struct {
		as, method, path, ctype string
		session                 bool
	}{
		{"clientAdminA", "PUT", "/api/v1/questionnaire", "application/yaml", false},
		{"agent", "PUT", "/api/v1/questionnaire", "application/json", false},
		{"expert", "POST", "/api/v1/reports", "multipart/form-data; boundary=x", false},
		{"clientUserB", "POST", "/api/v1/incidents/{incA}/attachments", "multipart/form-data; boundary=x", false},
		{"clientUserA", "PATCH", "/api/v1/incidents/{incA}", "application/json", false},
		{"clientAdminA", "PUT", "/api/v1/questionnaire", "application/x-www-form-urlencoded", true},
		{"expert", "POST", "/api/v1/reports", "multipart/form-data; boundary=x", true},
	} {
		var n atomic.Int64
		body := countingReader{r: strings.NewReader(strings.Repeat("questions:\n  - id: x\n", 1000)), n: &n}
		req := httptest.NewRequest(c.method, e.expand(c.path), body)
		req.Header.Set("Content-Type", c.ctype)
		if c.session {
			// A session without the X-CSRF-Token header: its check would read a form.
			secret, _ := e.session(t, c.as)
			req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: secret})
		} else {
			req.Header.Set("Authorization", "Bearer "+e.tokens[c.as])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden && rec.Code != http.StatusNotFound {
			t.Errorf("%s %s as %s: %d, want a refusal: %s", c.method, c.path, c.as, rec.Code, rec.Body)
		}
		if n.Load() != 0 {
			t.Errorf("%s %s as %s: the server read %d bytes of the body before refusing", c.method, c.path, c.as, n.Load())
		}
	}
}
