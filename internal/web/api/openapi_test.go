package api_test

import (
	"context"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
	"meldpunt/internal/web"
	"meldpunt/internal/web/api"
	"meldpunt/internal/web/ops"
)

// TestRoutesAreDocumented: every route under /api/ is in the OpenAPI document, and every
// documented operation is routed.
func TestRoutesAreDocumented(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	s := parseSpec(t, b)
	mux := web.NewMux()
	api.Register(mux, api.Deps{})
	ops.RegisterHeartbeat(mux, nil, nil) // the one route outside /api the document holds
	var routed []string
	for _, p := range mux.Patterns() {
		method, path, ok := strings.Cut(p, " ")
		if !ok || !strings.HasPrefix(path, "/api/") && !strings.HasPrefix(path, "/heartbeat/") {
			t.Errorf("pattern %q: want \"METHOD /api/…\"", p)
			continue
		}
		routed = append(routed, method+" "+path)
	}
	sort.Strings(routed)
	documented := s.operations()
	for _, op := range routed {
		if !slices.Contains(documented, op) {
			t.Errorf("%s is routed but not documented", op)
		}
	}
	for _, op := range documented {
		if !slices.Contains(routed, op) {
			t.Errorf("%s is documented but not routed", op)
		}
	}
	if len(routed) < 36 {
		t.Errorf("only %d routes: %v", len(routed), routed)
	}
}

// TestOpenAPIDocumentIsWhole: every $ref resolves, every path parameter is declared, every
// operation has a unique id and declares its problem answers.
func TestOpenAPIDocumentIsWhole(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	s := parseSpec(t, b)
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				if r, err := s.resolve(x); err != nil || r == nil {
					t.Errorf("%s: $ref %s does not resolve", at, ref)
				}
			}
			for k, c := range x {
				walk(c, at+"/"+k)
			}
		case []any:
			for _, c := range x {
				walk(c, at+"[]")
			}
		}
	}
	walk(s.doc, "#")
	ids := map[string]string{}
	for _, op := range s.operations() {
		method, path, _ := strings.Cut(op, " ")
		item := obj(s.paths()[path])
		o := obj(item[strings.ToLower(method)])
		id, _ := o["operationId"].(string)
		if id == "" || ids[id] != "" {
			t.Errorf("%s: operationId %q missing or used by %s too", op, id, ids[id])
		}
		ids[id] = op
		params := append(anySlice(item["parameters"]), anySlice(o["parameters"])...)
		for _, seg := range strings.Split(path, "/") {
			if !strings.HasPrefix(seg, "{") {
				continue
			}
			name := strings.Trim(seg, "{}")
			if !slices.ContainsFunc(params, func(p any) bool {
				r, _ := s.resolve(p)
				return r["in"] == "path" && r["name"] == name && r["required"] == true
			}) {
				t.Errorf("%s: path parameter %s is not declared", op, name)
			}
		}
		responses := obj(o["responses"])
		if !publicPath(path) && responses["401"] == nil {
			t.Errorf("%s does not declare 401", op)
		}
		if o["requestBody"] != nil {
			for _, st := range []string{"400", "413", "415", "422"} {
				if responses[st] == nil {
					t.Errorf("%s takes a body but does not declare %s", op, st)
				}
			}
		}
	}
}

// TestWrongMethodDocumented asks every documented path with every method it has no
// operation for: the answer is 405 as #/components/responses/MethodNotAllowed declares it
// (env.do checks the body against it), and Allow lists exactly the documented methods,
// with HEAD after GET.
func TestWrongMethodDocumented(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	resp, err := e.spec.resolve(map[string]any{"$ref": "#/components/responses/MethodNotAllowed"})
	if err != nil || resp == nil || obj(obj(resp["headers"])["Allow"]) == nil || obj(resp["content"])["application/problem+json"] == nil {
		t.Fatalf("components/responses/MethodNotAllowed with an Allow header and a problem document: %v %v", resp, err)
	}
	if d, _ := obj(e.spec.doc["info"])["description"].(string); !strings.Contains(d, "405") || !strings.Contains(d, "#/components/responses/MethodNotAllowed") {
		t.Errorf("info.description does not say when 405 is answered: %q", d)
	}
	n := 0
	for tmpl, item := range e.spec.paths() {
		var allow []string
		for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"} {
			if obj(item)[strings.ToLower(m)] != nil || m == "HEAD" && obj(item)["get"] != nil {
				allow = append(allow, m)
			}
		}
		path := regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(tmpl, "1")
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
			if slices.Contains(allow, m) {
				continue
			}
			n++
			r := e.do(t, request{method: m, path: path, as: "admin"})
			if r.status != 405 || r.header.Get("Allow") != strings.Join(allow, ", ") {
				t.Errorf("%s %s: %d, Allow %q, want 405 and %q", m, path, r.status, r.header.Get("Allow"), strings.Join(allow, ", "))
			} else if code, _ := get(r.json, "code"); code != "method_not_allowed" {
				t.Errorf("%s %s: code %v, want method_not_allowed", m, path, code)
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d wrong methods asked", n)
	}
}

// TestOpenAPIConformance makes, for every documented operation, at least one call that
// succeeds and one that fails, and validates each answer against the schema the document
// declares for its path, method and status (env.do validates every answer).
func TestOpenAPIConformance(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.cover = map[string]bool{}
		ctx := context.Background()
		e.vars["contract"] = itoa(must(e.app.Organisations.CreateContract(ctx, sys, desk.Contract{OrgID: e.orgA.ID, Name: "Gold"}))(t).ID)
		e.vars["comp"] = itoa(e.addComponent(t, "Mail", e.orgA.ID).ID)
		e.vars["doomed"] = itoa(e.addComponent(t, "Fax", e.orgA.ID).ID)
		reporter := e.users["clientUserA"].ID
		inc := must(e.app.Incidents.Create(ctx, sys, app.IncidentInput{OrgID: e.orgA.ID, ReporterID: &reporter,
			Title: "Down", Urgency: desk.High, Impact: desk.High, ComponentIDs: []int64{must(e.app.Components.List(ctx, sys, e.orgA.ID))(t)[0].ID}}))(t)
		e.vars["inc"] = itoa(inc.ID)
		pubComp := e.addComponent(t, "Web", e.orgA.ID)
		publicVis := desk.VisibilityPublic
		if _, err := e.app.Components.Update(ctx, sys, pubComp.ID, app.ComponentPatch{Visibility: &publicVis}); err != nil {
			t.Fatal(err)
		}
		e.vars["pubcomp"] = itoa(pubComp.ID)
		pub := must(e.app.PublicIncidents.Create(ctx, sys, app.NewPublicIncident{Name: desk.Texts{EN: "Web down"}, Impact: desk.ImpactMajor,
			Components: []desk.AffectedComponent{{ComponentID: pubComp.ID, Status: desk.StatusMajorOutage}}, Body: desk.Texts{NL: "We kijken ernaar."}}))(t)
		e.vars["pub"] = itoa(pub.ID)
		// A heartbeat monitor, whose token is its URL's secret.
		_, beat, err := e.app.Monitors.Create(ctx, sys, app.MonitorInput{ComponentID: pubComp.ID, Name: "Backup", Kind: "heartbeat", IntervalSeconds: 3600})
		if err != nil {
			t.Fatal(err)
		}
		e.vars["beat"] = beat
		from, until := time.Now().Add(time.Hour).Format(time.RFC3339), time.Now().Add(2*time.Hour).Format(time.RFC3339)
		must(e.app.PublicIncidents.Create(ctx, sys, app.NewPublicIncident{Kind: desk.KindMaintenance, Name: desk.Texts{NL: "Onderhoud"},
			Components: []desk.AffectedComponent{{ComponentID: pubComp.ID, Status: desk.StatusUnderMaintenance}}, ScheduledFor: &from, ScheduledUntil: &until, Body: desk.Texts{NL: "Gepland."}}))(t)
		// A report with a file, through the app; another waits for the calls below.
		rep, _, err := e.app.Reports.Submit(ctx, e.actorOf("clientUserA"), app.ReportInput{Title: "Checkout down", Answers: mustAnswers(t, urgentAnswers),
			Accept: true, Files: []app.File{{Name: "shot.png", Data: pngFile}}})
		if err != nil {
			t.Fatal(err)
		}
		e.vars["rep"] = itoa(rep.ID)
		e.vars["att"] = itoa(must(e.app.Incidents.Attachments(ctx, sys, rep.ID))(t)[0].ID)
		definition := jsonText(desk.DefaultQuestionnaire())
		uploadType, uploadBody := multipartBody(t, part{"files", "log.txt", logFile})
		reportType, reportBody := multipartBody(t, reportPart(`{"title":"x","answers":`+urgentAnswers+`,"accept_procedure":true}`), part{"files", "log.txt", logFile})
		matrix := `{"high":{"high":"P1","normal":"P2","low":"P3"},"normal":{"high":"P2","normal":"P3","low":"P4"},"low":{"high":"P3","normal":"P4","low":"P5"}}`
		type call = request
		calls := []call{
			{method: "GET", path: "/api/v1/openapi.json"},
			{method: "GET", path: "/api/v2/components.json"},
			{method: "GET", path: "/heartbeat/{beat}?msg=nightly+backup"},
			{method: "POST", path: "/heartbeat/{beat}?status=down&msg=disk+full"},
			{method: "GET", path: "/heartbeat/{beat}?status=sideways"},
			{method: "POST", path: "/heartbeat/no-such-token"},
			{method: "GET", path: "/api/v2/status.json"},
			{method: "GET", path: "/api/v2/summary.json"},
			{method: "GET", path: "/api/v2/incidents.json"},
			{method: "GET", path: "/api/v2/incidents/unresolved.json"},
			{method: "GET", path: "/api/v2/scheduled-maintenances.json"},
			{method: "GET", path: "/api/v2/scheduled-maintenances/upcoming.json"},
			{method: "GET", path: "/api/v2/scheduled-maintenances/active.json"},
			{method: "GET", path: "/api/v1/me", as: "agent"},
			{method: "GET", path: "/api/v1/me"},
			{method: "GET", path: "/api/v1/status", as: "clientUserA"},
			{method: "GET", path: "/api/v1/status", as: "agent"},
			{method: "GET", path: "/api/v1/status"},
			{method: "GET", path: "/api/v1/organisations", as: "admin"},
			{method: "GET", path: "/api/v1/organisations?kind=x", as: "admin"},
			{method: "POST", path: "/api/v1/organisations", as: "admin", body: `{"name":"Org C"}`},
			{method: "POST", path: "/api/v1/organisations", as: "clientAdminA", body: `{"name":"Org D"}`},
			{method: "GET", path: "/api/v1/organisations/{orgA}", as: "clientUserA"},
			{method: "GET", path: "/api/v1/organisations/{orgB}", as: "clientUserA"},
			{method: "PATCH", path: "/api/v1/organisations/{orgA}", as: "admin", body: `{"name":"Acme"}`},
			{method: "PATCH", path: "/api/v1/organisations/{orgA}", as: "admin", body: `{"slug":"-"}`},
			{method: "GET", path: "/api/v1/contracts", as: "clientUserA"},
			{method: "GET", path: "/api/v1/contracts?organisation_id=x", as: "admin"},
			{method: "POST", path: "/api/v1/contracts", as: "admin", body: `{"organisation_id":{orgB},"name":"Silver"}`},
			{method: "POST", path: "/api/v1/contracts", as: "admin", body: `{"organisation_id":{provider},"name":"Self"}`},
			{method: "GET", path: "/api/v1/contracts/{contract}", as: "clientUserA"},
			{method: "GET", path: "/api/v1/contracts/{contract}", as: "clientUserB"},
			{method: "PATCH", path: "/api/v1/contracts/{contract}", as: "admin", body: `{"covers_urgent":true}`},
			{method: "PATCH", path: "/api/v1/contracts/{contract}", as: "admin", body: `{"covers_urgent":true}`, ctype: "text/plain"},
			{method: "GET", path: "/api/v1/users?organisation_id={orgA}", as: "admin"},
			{method: "GET", path: "/api/v1/users?role=x", as: "admin"},
			{method: "POST", path: "/api/v1/users", as: "admin", body: `{"organisation_id":{orgA},"email":"c@example.com","name":"C","role":"client_user"}`},
			{method: "POST", path: "/api/v1/users", as: "admin", body: `{"organisation_id":{orgA},"email":"c@example.com","name":"C","role":"client_user"}`},
			{method: "GET", path: "/api/v1/users/{clientUserA}", as: "clientUserA"},
			{method: "GET", path: "/api/v1/users/{clientUserB}", as: "clientUserA"},
			{method: "PATCH", path: "/api/v1/users/{clientUserA}", as: "clientUserA", body: `{"locale":"nl"}`},
			{method: "PATCH", path: "/api/v1/users/{clientUserA}", as: "clientUserA", body: `{"locale":`},
			{method: "GET", path: "/api/v1/tokens", as: "agent"},
			{method: "GET", path: "/api/v1/tokens"},
			{method: "POST", path: "/api/v1/tokens", as: "agent", body: `{"name":"x"}`},
			{method: "POST", path: "/api/v1/tokens", as: "agent", body: `{"name":"` + strings.Repeat("x", 1<<20+1) + `"}`},
			{method: "DELETE", path: "/api/v1/tokens/{tok}", as: "agent"},
			{method: "DELETE", path: "/api/v1/tokens/{tok}", as: "agent"},
			{method: "GET", path: "/api/v1/component-groups", as: "clientUserB"},
			{method: "GET", path: "/api/v1/component-groups"},
			{method: "POST", path: "/api/v1/component-groups", as: "admin", body: `{"name":"Hosting"}`},
			{method: "POST", path: "/api/v1/component-groups", as: "agent", body: `{"name":"Hosting"}`},
			{method: "GET", path: "/api/v1/components", as: "clientUserA"},
			{method: "GET", path: "/api/v1/components?client_id=x", as: "admin"},
			{method: "POST", path: "/api/v1/components", as: "admin", body: `{"name":"Web","client_ids":[{orgA}]}`},
			{method: "POST", path: "/api/v1/components", as: "admin", body: `{"name":""}`},
			{method: "GET", path: "/api/v1/components/{comp}", as: "clientUserA"},
			{method: "GET", path: "/api/v1/components/{comp}", as: "clientUserB"},
			{method: "PATCH", path: "/api/v1/components/{comp}", as: "admin", body: `{"position":2}`},
			{method: "PATCH", path: "/api/v1/components/{comp}", as: "agent", body: `{"position":2}`},
			{method: "PUT", path: "/api/v1/components/{comp}/status", as: "agent", body: `{"status":"partial_outage"}`},
			{method: "PUT", path: "/api/v1/components/{comp}/status", as: "agent", body: `{"status":"down"}`},
			{method: "GET", path: "/api/v1/components/{comp}/status-history", as: "agent"},
			{method: "GET", path: "/api/v1/components/{comp}/status-history", as: "clientUserA"},
			{method: "DELETE", path: "/api/v1/components/{doomed}", as: "admin"},
			{method: "DELETE", path: "/api/v1/components/{doomed}", as: "admin"},
			{method: "GET", path: "/api/v1/public-incidents?state=open", as: "agent"},
			{method: "GET", path: "/api/v1/public-incidents?state=x", as: "agent"},
			{method: "POST", path: "/api/v1/public-incidents", as: "agent", body: `{"name":{"en":"Mail slow"},"impact":"minor","components":[{"component_id":{pubcomp},"status":"degraded_performance"}],"body":{"en":"Looking"}}`},
			{method: "POST", path: "/api/v1/public-incidents", as: "expert", body: `{"name":{"en":"Mail slow"},"body":{"en":"Looking"}}`},
			{method: "GET", path: "/api/v1/public-incidents/{pub}", as: "admin"},
			{method: "GET", path: "/api/v1/public-incidents/{pub}", as: "clientUserA"},
			{method: "PATCH", path: "/api/v1/public-incidents/{pub}", as: "agent", body: `{"impact":"critical"}`},
			{method: "PATCH", path: "/api/v1/public-incidents/{pub}", as: "agent", body: `{"impact":"huge"}`},
			{method: "POST", path: "/api/v1/public-incidents/{pub}/updates", as: "agent", body: `{"status":"identified","body":{"nl":"Gevonden","en":"Found"}}`},
			{method: "POST", path: "/api/v1/public-incidents/{pub}/updates", as: "agent", body: `{"status":"identified"}`},
			{method: "GET", path: "/api/v1/incidents/{inc}/public-incident", as: "clientUserA"},
			{method: "PUT", path: "/api/v1/incidents/{inc}/public-incident", as: "agent", body: `{"public_incident_id":{pub}}`},
			{method: "PUT", path: "/api/v1/incidents/{inc}/public-incident", as: "clientUserA", body: `{"public_incident_id":{pub}}`},
			{method: "GET", path: "/api/v1/incidents/{inc}/public-incident", as: "clientUserA"},
			{method: "GET", path: "/api/v1/public-incidents/{pub}/tickets", as: "agent"},
			{method: "GET", path: "/api/v1/public-incidents/{pub}/tickets", as: "clientUserA"},
			{method: "POST", path: "/api/v1/public-incidents/{pub}/tickets", as: "agent", body: `{"tickets":["{inc}"]}`},
			{method: "POST", path: "/api/v1/public-incidents/{pub}/tickets", as: "agent", body: `{"tickets":["INC-999999"]}`},
			{method: "DELETE", path: "/api/v1/incidents/{inc}/public-incident", as: "agent"},
			{method: "DELETE", path: "/api/v1/incidents/{inc}/public-incident", as: "agent"},
			{method: "POST", path: "/api/v1/incidents/{inc}/public-incident", as: "agent", body: `{"name":{"en":"Web slow"},"components":[{"component_id":{pubcomp},"status":"degraded_performance"}],"body":{"en":"Looking"}}`},
			{method: "POST", path: "/api/v1/incidents/{inc}/public-incident", as: "agent", body: `{"name":{"en":"Web slow"}}`},
			{method: "PUT", path: "/api/v1/public-incidents/{pub}/postmortem", as: "agent", body: `{"body":{"en":"Too early"}}`},
			{method: "POST", path: "/api/v1/public-incidents/{pub}/updates", as: "agent", body: `{"status":"resolved","body":{"en":"Fixed"}}`},
			{method: "PUT", path: "/api/v1/public-incidents/{pub}/postmortem", as: "agent", body: `{"body":{"en":"A disk filled up."}}`},
			{method: "GET", path: "/api/v2/incidents.json"},
			{method: "GET", path: "/api/v2/summary.json"},
			{method: "GET", path: "/api/v2/scheduled-maintenances/upcoming.json"},
			{method: "GET", path: "/api/v1/incidents?state=new", as: "agent"},
			{method: "GET", path: "/api/v1/incidents?state=x", as: "agent"},
			{method: "POST", path: "/api/v1/incidents", as: "clientUserA", body: `{"title":"Slow","urgency":"low","impact":"low"}`},
			{method: "POST", path: "/api/v1/incidents", as: "clientUserA", body: `{"title":"Slow","urgency":"low","impact":"low","x":1}`},
			{method: "GET", path: "/api/v1/incidents/{inc}", as: "clientUserA"},
			{method: "GET", path: "/api/v1/incidents/{inc}", as: "clientUserB"},
			{method: "PATCH", path: "/api/v1/incidents/{inc}", as: "agent", body: `{"impact":"low","reason":"only one user"}`},
			{method: "PATCH", path: "/api/v1/incidents/{inc}", as: "agent", body: `{"impact":"low","version":1}`},
			{method: "POST", path: "/api/v1/incidents/{inc}/transitions", as: "agent", body: `{"to":"triaged"}`},
			{method: "POST", path: "/api/v1/incidents/{inc}/transitions", as: "agent", body: `{"to":"closed"}`},
			{method: "GET", path: "/api/v1/incidents/{inc}/entries", as: "clientUserA"},
			{method: "GET", path: "/api/v1/incidents/{inc}/entries", as: "clientUserA2"},
			{method: "POST", path: "/api/v1/incidents/{inc}/entries", as: "clientUserA", body: `{"body":"hi"}`},
			{method: "POST", path: "/api/v1/incidents/{inc}/entries", as: "clientUserA", body: `{"kind":"note","body":"hi"}`},
			{method: "PUT", path: "/api/v1/incidents/{inc}/assignment", as: "agent", body: `{"assignee_id":{expert}}`},
			{method: "PUT", path: "/api/v1/incidents/{inc}/assignment", as: "agent", body: `{"assignee_id":{clientUserA}}`},
			{method: "GET", path: "/api/v1/incidents/{inc}/audit", as: "agent"},
			{method: "GET", path: "/api/v1/incidents/{inc}/audit", as: "clientUserA"},
			{method: "GET", path: "/api/v1/audit?limit=2", as: "admin"},
			{method: "GET", path: "/api/v1/audit", as: "agent"},
			{method: "GET", path: "/api/v1/priority-matrix", as: "clientUserB"},
			{method: "GET", path: "/api/v1/priority-matrix"},
			{method: "PUT", path: "/api/v1/priority-matrix", as: "admin", body: matrix},
			{method: "PUT", path: "/api/v1/priority-matrix", as: "admin", body: `{}`},
			{method: "GET", path: "/api/v1/questionnaire", as: "clientUserB"},
			{method: "GET", path: "/api/v1/questionnaire"},
			{method: "PUT", path: "/api/v1/questionnaire", as: "admin", body: definition},
			{method: "PUT", path: "/api/v1/questionnaire", as: "admin", body: `{}`},
			{method: "GET", path: "/api/v1/questionnaire/versions/1", as: "expert"},
			{method: "GET", path: "/api/v1/questionnaire/versions/9", as: "clientUserA"},
			{method: "POST", path: "/api/v1/questionnaire/evaluate", as: "clientUserA", body: `{"answers":` + urgentAnswers + `}`},
			{method: "POST", path: "/api/v1/questionnaire/evaluate", as: "clientUserA", body: `{"answers":{"x":"y"}}`},
			{method: "GET", path: "/api/v1/procedure?locale=en", as: "clientUserA"},
			{method: "GET", path: "/api/v1/procedure?locale=de", as: "clientUserA"},
			{method: "POST", path: "/api/v1/reports", as: "clientUserA", body: `{"title":"x","answers":` + urgentAnswers + `,"accept_procedure":true}`},
			{method: "POST", path: "/api/v1/reports", as: "clientUserA", raw: reportBody, ctype: reportType},
			{method: "POST", path: "/api/v1/reports", as: "clientUserA", body: `{"title":"x","answers":` + urgentAnswers + `}`},
			{method: "GET", path: "/api/v1/incidents/{rep}/report", as: "clientUserA"},
			{method: "GET", path: "/api/v1/incidents/{rep}/report", as: "clientUserB"},
			{method: "POST", path: "/api/v1/incidents/{rep}/assessment", as: "agent", body: `{"decision":"approve"}`},
			{method: "POST", path: "/api/v1/incidents/{rep}/assessment", as: "agent", body: `{"decision":"approve"}`},
			{method: "GET", path: "/api/v1/incidents/{rep}/attachments", as: "clientUserA"},
			{method: "GET", path: "/api/v1/incidents/{rep}/attachments", as: "clientUserB"},
			{method: "POST", path: "/api/v1/incidents/{rep}/attachments", as: "clientUserA", raw: uploadBody, ctype: uploadType},
			{method: "POST", path: "/api/v1/incidents/{rep}/attachments", as: "clientUserA", body: `{}`},
			{method: "GET", path: "/api/v1/incidents/{rep}/attachments/{att}", as: "clientUserA"},
			{method: "GET", path: "/api/v1/incidents/{rep}/attachments/{att}", as: "clientUserA2"},
			{method: "GET", path: "/api/v1/notifications", as: "clientUserA"},
			{method: "GET", path: "/api/v1/notifications"},
		}
		calls = append(calls, changeCalls(t, e)...)     // changes_test.go
		calls = append(calls, calendarCalls()...)       // calendars_test.go
		calls = append(calls, supplierCalls()...)       // suppliers_test.go
		calls = append(calls, slaReportCalls()...)      // slareports_test.go
		calls = append(calls, webhookCalls()...)        // webhooks_test.go
		calls = append(calls, outboxCalls(t, e, db)...) // outbox_test.go
		calls = append(calls, pageSettingCalls(t)...)   // pagesettings_test.go
		calls = append(calls, templateCalls()...)       // statustemplates_test.go
		calls = append(calls, monitorCalls(t, e)...)    // monitors_test.go
		for _, c := range calls {
			t.Run(c.method+" "+c.path, func(t *testing.T) {
				r := e.do(t, c)
				if c.path == "/api/v1/tokens" && c.method == "POST" && r.status == 201 {
					e.vars["tok"] = itoa(r.id("id"))
				}
			})
		}
		for _, op := range e.spec.operations() {
			method, path, _ := strings.Cut(op, " ")
			for _, class := range []string{"success", "problem"} {
				if class == "problem" && publicPath(path) {
					continue // public and read-only: it cannot fail
				}
				if !e.cover[method+" "+path+" "+class] {
					t.Errorf("%s: no conforming %s answer was checked", op, class)
				}
			}
		}
	})
}

// publicPath tells the routes that need no sign-in: the OpenAPI document and the
// Statuspage-compatible read API.
func publicPath(path string) bool {
	return path == "/api/v1/openapi.json" || strings.HasPrefix(path, "/api/v2/") || strings.HasPrefix(path, "/heartbeat/")
}
