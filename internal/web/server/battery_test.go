package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// batterySeed fixes the battery's random choices, so every run sends the same requests.
const batterySeed = 10

// knownFailing lists failures of the battery that are known and accepted, each with the
// reason: the database ("*" for both), the operation and the case (* stands for any text),
// and the check that fails (see failure). An entry that matches nothing fails the test,
// saying to remove it. The fixes of issue 10 emptied it; keep it empty.
var knownFailing = []knownFailure{}

// knownFailure is an entry of knownFailing.
type knownFailure struct {
	db, op, name, check, finding string
}

// TestMalformedInputBattery walks every operation of the OpenAPI document on both
// databases with malformed input derived from its schema (docs/robustness.md): as an
// admin every case, as a client and anonymously a few per operation. No answer may be a
// 5xx, every 4xx must be application/problem+json, and the server may log nothing at
// ERROR level (a panic, an internal error); what the API documents beyond that (exact
// keys and ids, field names, capped error lists, authorisation first) is checked too
// (strict).
func TestMalformedInputBattery(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBattery(t, db)
		for _, who := range []string{"", "a_user", "admin"} { // the admin last: it may change what the others use
			b.run(who)
		}
		b.report(db.Dialect())
	})
}

// battery is the fixture, its own server with a log that the battery reads, and the
// outcome so far.
type battery struct {
	t        *testing.T
	f        *fixture
	srv      *httptest.Server
	log      *logCapture
	ops      []oaOperation
	doc      *oaDoc
	rng      *rand.Rand
	supplier int64
	urgent   int64 // an incident that waits for an assessment
	notif    int64
	resolved int64 // a resolved public incident, which takes a postmortem
	sent     int
	cases    map[string]sentCase // request id → the case, for log lines
	failures []failure
	bases    map[string][]byte // operation → a valid body for the admin
	client   *http.Client
	statuses map[int]int // how often each status was answered
	mu       sync.Mutex
}

func newBattery(t *testing.T, db *store.DB) *battery {
	f := newFixture(t, db)
	capture := newLogCapture()
	log := slog.New(capture)
	h, _ := build(Config{BaseURL: "http://meldpunt.test", Texts: loadTexts(t)}, f.app, log, prometheus.NewRegistry())
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = slog.NewLogLogger(capture, slog.LevelError)
	srv.Start()
	t.Cleanup(srv.Close)
	b := &battery{t: t, f: f, srv: srv, log: capture, rng: rand.New(rand.NewPCG(batterySeed, 0)),
		cases: map[string]sentCase{}, statuses: map[int]int{}, client: srv.Client()}
	b.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	ctx, sys := context.Background(), desk.SystemActor("test")
	s, err := f.app.Suppliers.Create(ctx, sys, desk.Supplier{Name: "Battery supplier"})
	if err != nil {
		t.Fatal(err)
	}
	b.supplier = s.ID
	pub, err := f.app.PublicIncidents.Create(ctx, sys, app.NewPublicIncident{Name: desk.Texts{EN: "Battery outage"}, Body: desk.Texts{EN: "x"}})
	if err == nil {
		pub, err = f.app.PublicIncidents.Resolve(ctx, sys, pub.ID, desk.Texts{EN: "Fixed"})
	}
	if err != nil {
		t.Fatal(err)
	}
	b.resolved = pub.ID
	if p, err := f.app.Outbox.List(ctx, sys, desk.OutboxFilter{Limit: 1}); err != nil || len(p.Items) == 0 {
		t.Fatalf("no message in the outbox: %v", err)
	} else {
		b.notif = p.Items[0].ID
	}
	// The document, as the server serves it.
	status, body := f.do(nil, "GET", "/api/v1/openapi.json", "")
	b.doc = &oaDoc{}
	if err := json.Unmarshal([]byte(body), b.doc); status != 200 || err != nil {
		t.Fatalf("GET /api/v1/openapi.json: %d, %v", status, err)
	}
	if b.ops, err = b.doc.operations(); err != nil {
		t.Fatal(err)
	}
	b.bases = b.baseBodies()
	// An urgent report, which waits for the desk's assessment.
	status, body = f.do(f.people["admin"], "POST", "/api/v1/reports", strings.ReplaceAll(string(b.bases["POST /api/v1/reports"]), "{n}", "0"))
	var receipt struct{ Incident struct{ ID int64 } }
	if err := json.Unmarshal([]byte(body), &receipt); status != 201 || err != nil {
		t.Fatalf("POST /api/v1/reports: %d %s", status, body)
	}
	b.urgent = receipt.Incident.ID
	for _, op := range b.ops {
		if len(op.Bodies) > 0 && b.bases[op.key()] == nil {
			t.Errorf("%s takes a body, but the battery has no valid one: add it to baseBodies in battery_test.go", op.key())
		}
	}
	return b
}

// valid returns a path parameter's value that names an object who may see, so that
// what is malformed is the one thing the case changes.
func (b *battery) valid(op oaOperation, who string) map[string]string {
	f := b.f
	id := func(v int64) string { return strconv.FormatInt(v, 10) }
	inc, org := id(f.incB.ID), id(f.orgB.ID)
	if who != "admin" {
		inc, org = id(f.incA.ID), id(f.orgA.ID)
	}
	out := map[string]string{"incident": id(f.incA.ID), "attachment": id(f.attB.ID), "slug": "business", "version": "1"}
	switch seg := strings.Split(strings.TrimPrefix(op.Path, "/api/v1/"), "/")[0]; seg {
	case "organisations":
		out["id"] = org
	case "contracts":
		out["id"] = id(f.contract.ID)
	case "users":
		out["id"] = id(f.people["a_user"].user.ID)
	case "tokens":
		out["id"] = id(f.tokenB.ID)
	case "components":
		out["id"] = id(f.comp.ID)
	case "incidents":
		out["id"] = inc
		if who == "admin" && strings.HasSuffix(op.Path, "/assessment") {
			out["id"] = id(b.urgent)
		}
	case "changes":
		out["id"] = id(f.chgB.ID)
	case "suppliers":
		out["id"] = id(b.supplier)
	case "status-templates":
		out["id"] = id(f.tpl.ID)
	case "monitors":
		out["id"] = id(f.mon.ID)
	case "outbox":
		out["id"] = id(b.notif)
	case "webhooks":
		out["id"] = id(f.hook.ID)
	case "public-incidents":
		out["id"] = id(f.pub.ID)
		if strings.HasSuffix(op.Path, "/postmortem") {
			out["id"] = id(b.resolved)
		}
	default:
		out["id"] = "1"
	}
	return out
}

// baseBodies returns a valid body per operation that takes one, as the admin sends it:
// the cases change one thing in it. "{n}" is replaced by a number per request, so that
// names and addresses that must be unique are.
func (b *battery) baseBodies() map[string][]byte {
	f := b.f
	orgA, agent, aUser := f.orgA.ID, f.people["agent"].user.ID, f.people["a_user"].user.ID
	answers := `{"availability":"down","request_type":"malfunction","financial_damage":"yes","security":"no","essential_function":"no",` +
		`"end_users":"no","workaround":"no","business_process":"stopped","users":"all"}`
	// A contract with every member, its targets too, so that a case that breaks one target
	// breaks nothing else.
	contract := b.current(fmt.Sprintf("/api/v1/contracts/%d", f.contract.ID), "ContractPatch")
	m := map[string]string{
		"POST /api/v1/organisations":                   `{"name":"Battery {n}"}`,
		"PATCH /api/v1/organisations/{id}":             `{"name":"Bravo zzb-secret"}`,
		"POST /api/v1/contracts":                       string(set(set([]byte(contract), "organisation_id", fmt.Sprint(orgA)), "name", `"Battery {n}"`)),
		"PATCH /api/v1/contracts/{id}":                 contract,
		"POST /api/v1/users":                           `{"email":"battery{n}@example.com","name":"Battery {n}","role":"agent"}`,
		"PATCH /api/v1/users/{id}":                     `{"name":"alpha user"}`,
		"POST /api/v1/tokens":                          `{"name":"battery"}`,
		"POST /api/v1/component-groups":                `{"name":"Battery {n}"}`,
		"POST /api/v1/components":                      `{"name":"Battery {n}"}`,
		"PATCH /api/v1/components/{id}":                `{"name":"Battery component"}`,
		"PUT /api/v1/components/{id}/status":           `{"status":"degraded_performance"}`,
		"POST /api/v1/incidents":                       fmt.Sprintf(`{"organisation_id":%d,"title":"Battery {n}","urgency":"low","impact":"low"}`, orgA),
		"PATCH /api/v1/incidents/{id}":                 `{"title":"Battery incident"}`,
		"POST /api/v1/incidents/{id}/transitions":      `{"to":"triaged"}`,
		"POST /api/v1/incidents/{id}/entries":          `{"kind":"note","body":"battery"}`,
		"PUT /api/v1/incidents/{id}/assignment":        fmt.Sprintf(`{"owner_id":%d}`, agent),
		"POST /api/v1/incidents/{id}/assessment":       `{"decision":"reclassify","reason":"battery"}`,
		"POST /api/v1/incidents/{id}/attachments":      `{}`, // multipart only
		"PUT /api/v1/me/notification-preferences":      `{"preferences":[{"kind":"new_report","enabled":true}]}`,
		"POST /api/v1/questionnaire/evaluate":          fmt.Sprintf(`{"organisation_id":%d,"answers":%s}`, orgA, answers),
		"POST /api/v1/reports":                         fmt.Sprintf(`{"organisation_id":%d,"reporter_id":%d,"title":"Battery {n}","accept_procedure":true,"answers":%s}`, orgA, aUser, answers),
		"POST /api/v1/changes":                         fmt.Sprintf(`{"title":"Battery {n}","incident_ids":[%d]}`, f.incA.ID),
		"PATCH /api/v1/changes/{id}":                   `{"title":"Battery change"}`,
		"POST /api/v1/changes/{id}/transitions":        `{"to":"approved","reason":"battery"}`,
		"POST /api/v1/suppliers":                       `{"name":"Battery {n}"}`,
		"PATCH /api/v1/suppliers/{id}":                 `{"name":"Battery supplier"}`,
		"POST /api/v1/webhooks":                        `{"url":"https://hooks.example.com/battery","events":["incident.created"]}`,
		"PATCH /api/v1/webhooks/{id}":                  `{"description":"battery"}`,
		"PUT /api/v1/settings/stale-after":             `{"minutes":{"P1":60,"P2":120,"P3":240,"P4":480,"P5":960}}`,
		"PUT /api/v1/priority-matrix":                  b.current("/api/v1/priority-matrix", "PriorityMatrix"),
		"PUT /api/v1/questionnaire":                    b.current("/api/v1/questionnaire", "Questionnaire"),
		"PUT /api/v1/calendars/{slug}":                 b.businessCalendar(),
		"PUT /api/v1/status-page":                      `{"title":"Battery","accent_colour":"#1a5fb4","time_zone":"Europe/Amsterdam","history_days":14}`,
		"PUT /api/v1/status-page/logo":                 `{}`, // multipart only
		"POST /api/v1/public-incidents":                `{"name":{"en":"Battery {n}"},"impact":"minor","body":{"en":"battery"}}`,
		"PATCH /api/v1/public-incidents/{id}":          `{"name":{"en":"Battery incident"}}`,
		"POST /api/v1/public-incidents/{id}/updates":   `{"status":"identified","body":{"en":"battery"}}`,
		"PUT /api/v1/public-incidents/{id}/postmortem": `{"body":{"en":"battery"}}`,
		"POST /api/v1/status-templates":                `{"name":"Battery {n}","status":"monitoring","body":{"en":"battery"}}`,
		"PUT /api/v1/status-templates/{id}":            `{"name":"Battery template","status":"identified","body":{"nl":"batterij"}}`,
		"POST /api/v1/public-incidents/{id}/tickets":   fmt.Sprintf(`{"tickets":["%s"]}`, desk.FormatNumber(f.incA.ID)),
		"PUT /api/v1/incidents/{id}/public-incident":   fmt.Sprintf(`{"public_incident_id":%d}`, f.pub.ID),
		"POST /api/v1/incidents/{id}/public-incident":  `{"name":{"en":"Battery {n}"},"impact":"minor","body":{"en":"battery"}}`,
		"POST /api/v1/monitors":                        fmt.Sprintf(`{"component_id":%d,"name":"Battery {n}","kind":"tcp","settings":{"host":"127.0.0.1","port":1}}`, f.comp.ID),
		"PUT /api/v1/monitors/{id}":                    fmt.Sprintf(`{"component_id":%d,"name":"Battery monitor","kind":"tcp","settings":{"host":"127.0.0.1","port":1}}`, f.comp.ID),
		"PUT /api/v1/components/{id}/monitoring":       `{"monitor_mode":"auto","monitor_autoresolve":false}`,
	}
	out := map[string][]byte{}
	for k, v := range m {
		out[k] = []byte(v)
	}
	return out
}

// current returns what GET path answers, with only the members the schema lets a client send.
func (b *battery) current(path, schema string) string {
	status, body := b.f.do(b.f.people["admin"], "GET", path, "")
	if status != 200 {
		b.t.Fatalf("GET %s: %d %s", path, status, body)
	}
	return b.only(body, b.doc.Components.Schemas[schema])
}

// only keeps the members of the JSON object body that s has and that are not read-only.
func (b *battery) only(body string, s *oaSchema) string {
	var m orderedObject
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		b.t.Fatalf("%v: %s", err, body)
	}
	var out orderedObject
	for _, k := range m.keys {
		if ps := b.doc.resolve(s.Properties[k]); ps != nil && !ps.ReadOnly {
			out.set(k, m.vals[k])
		}
	}
	return string(out.marshal())
}

// businessCalendar returns the business calendar as PUT /api/v1/calendars/business takes it.
func (b *battery) businessCalendar() string {
	status, body := b.f.do(b.f.people["admin"], "GET", "/api/v1/calendars", "")
	var list struct{ Items []json.RawMessage }
	if status != 200 || json.Unmarshal([]byte(body), &list) != nil {
		b.t.Fatalf("GET /api/v1/calendars: %d %s", status, body)
	}
	for _, c := range list.Items {
		var cal struct{ Slug string }
		if json.Unmarshal(c, &cal) == nil && cal.Slug == "business" {
			return b.only(string(c), b.doc.Components.Schemas["CalendarInput"])
		}
	}
	b.t.Fatalf("no business calendar in %s", body)
	return ""
}

// casesFor returns the cases of one operation for who: every case for the admin, a few
// for the others.
func (b *battery) casesFor(op oaOperation, who string) []bcase {
	g := &gen{doc: b.doc, rng: b.rng}
	valid := b.valid(op, who)
	path := op.Path
	for k, v := range valid {
		path = strings.ReplaceAll(path, "{"+k+"}", v)
	}
	base := b.bases[op.key()]
	var out []bcase
	for _, mt := range slices.Sorted(func(yield func(string) bool) {
		for k := range op.Bodies {
			if !yield(k) {
				return
			}
		}
	}) {
		s := op.Bodies[mt]
		switch {
		case mt == "application/json":
			out = append(out, g.jsonCases(op.Method, path, s, base)...)
		case mt == "multipart/form-data":
			out = append(out, multipartCases(op.Method, path, s.Properties["report"] != nil, base)...)
		case mt == "application/yaml":
			out = append(out, yamlCases(op.Method, path, base)...)
		}
	}
	ctype, body := "", []byte(nil)
	if _, ok := op.Bodies["application/json"]; ok {
		ctype, body = "application/json", base
	}
	out = append(out, pathCases(op, valid, ctype, body)...)
	out = append(out, queryCases(op, path)...)
	if len(op.Bodies) == 0 && op.Method != "GET" && op.Method != "DELETE" {
		// A body where none is expected.
		out = append(out, bcase{name: "body: unexpected garbage", method: op.Method, target: path, ctype: "application/json", body: []byte("{\x00\xff")})
	}
	if who == "admin" {
		if base != nil && op.Bodies["application/json"] != nil {
			// The base itself first: the cases rely on it being valid.
			out = append([]bcase{{name: "body: valid", method: op.Method, target: path, ctype: "application/json", body: base}}, out...)
		}
		return out
	}
	var few []bcase
	for _, c := range out {
		if fewCase(c.name) {
			few = append(few, c)
		}
	}
	return few
}

// fewCase tells whether a case is one of the few sent as a client and anonymously.
func fewCase(name string) bool {
	for _, s := range []string{"body: {", "body: an array", "content type: none", "multipart: no boundary", "yaml: malformed", "body: unexpected garbage"} {
		if name == s {
			return true
		}
	}
	for _, s := range []string{": a NUL", ": NUL", ": plus sign", ": invalid UTF-8", ": huge"} {
		if strings.HasSuffix(name, s) && strings.Count(name, ".") == 0 {
			return true
		}
	}
	return false
}

// run sends every operation's cases as who ("" for nobody).
func (b *battery) run(who string) {
	for _, op := range b.ops {
		for _, c := range b.casesFor(op, who) {
			b.send(op, c, who)
		}
	}
}

// filler is an endless stream of 'a'.
type filler struct{}

func (filler) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// send sends one case and notes what is wrong with the answer.
func (b *battery) send(op oaOperation, c bcase, who string) {
	b.sent++
	body := bytes.ReplaceAll(c.body, []byte("{n}"), []byte(strconv.Itoa(b.sent)))
	var rd io.Reader = bytes.NewReader(body)
	size := int64(len(body))
	if c.stream > 0 {
		rd, size = io.MultiReader(rd, io.LimitReader(filler{}, c.stream)), size+c.stream
	}
	if size == 0 {
		rd = nil
	}
	req, err := http.NewRequest(c.method, b.srv.URL+c.target, rd)
	if err != nil {
		b.t.Fatalf("%s | %s: %v", op.key(), c.name, err)
	}
	req.ContentLength = size
	if c.ctype != "" {
		req.Header["Content-Type"] = []string{c.ctype}
	}
	if p := b.f.people[who]; p != nil {
		req.Header.Set("Authorization", "Bearer "+p.token)
	}
	key := op.key() + " | " + c.name
	res, err := b.client.Do(req)
	if err != nil {
		b.fail(op, c, who, "answer", fmt.Sprintf("no answer: %v", err))
		return
	}
	answer, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		b.fail(op, c, who, "answer", fmt.Sprintf("the answer broke off: %v", err))
	}
	b.mu.Lock()
	b.cases[res.Header.Get("X-Request-Id")] = sentCase{op, c.name, who}
	b.mu.Unlock()
	b.statuses[res.StatusCode]++
	if dump := os.Getenv("MELDPUNT_BATTERY_DUMP"); dump != "" && strings.Contains(key, dump) {
		b.t.Logf("%s as %s: %d %.600s", key, whoName(who), res.StatusCode, answer)
	}
	mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	switch {
	case res.StatusCode >= 500:
		b.fail(op, c, who, "5xx", fmt.Sprintf("status %d: %.300s", res.StatusCode, answer))
	case res.StatusCode >= 400 && mt != "application/problem+json":
		b.fail(op, c, who, "problem", fmt.Sprintf("status %d with Content-Type %q: %.300s", res.StatusCode, res.Header.Get("Content-Type"), answer))
	}
	b.strict(op, c, who, res.StatusCode, answer)
}
