package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
	"meldpunt/internal/web"
)

// Answers to the default questionnaire: urgent (unavailable, financial damage, end users,
// business process stopped for all users: P1), and the same with a workaround (regular).
const (
	urgentAnswers = `{"availability":"down","request_type":"malfunction","financial_damage":"yes","security":"no",` +
		`"essential_function":"no","end_users":"yes","workaround":"no","business_process":"stopped","users":"all"}`
	workaroundAnswers = `{"availability":["down"],"request_type":["malfunction"],"financial_damage":["yes"],"security":["no"],` +
		`"essential_function":["no"],"end_users":["no"],"workaround":["yes"],"business_process":["hindered"],"users":["some"]}`
)

// Files of each kind: sniffed from their content, whatever they are called.
var (
	pngFile  = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
	logFile  = []byte("2026-11-21 10:00:01 ERROR checkout: payment provider answered 502\n")
	htmlFile = []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")
)

// part is one part of a multipart/form-data body; a file when filename is set.
type part struct {
	name, filename string
	data           []byte
}

// multipartBody encodes parts as multipart/form-data and returns the Content-Type and body.
func multipartBody(t *testing.T, parts ...part) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		if p.filename != "" {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.name, p.filename))
			h.Set("Content-Type", "application/octet-stream")
		} else {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q`, p.name))
			h.Set("Content-Type", "application/json")
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(p.data)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), b.Bytes()
}

// upload is a request with a multipart/form-data body.
func upload(t *testing.T, path, as string, parts ...part) request {
	ct, body := multipartBody(t, parts...)
	return request{method: "POST", path: path, as: as, raw: body, ctype: ct}
}

// withCookie sends the request with a session cookie (and the CSRF header when given)
// instead of an API token.
func withCookie(rq request, cookie, csrf string) request {
	rq.as = ""
	rq.headers = map[string]string{"Cookie": cookie}
	if csrf != "" {
		rq.headers[web.CSRFHeader] = csrf
	}
	return rq
}

// reportPart is the report part of a multipart submission.
func reportPart(json string) part { return part{name: "report", data: []byte(json)} }

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// toYAML rewrites a JSON text as YAML.
func toYAML(t *testing.T, s string) string {
	t.Helper()
	var v any
	if err := jsonUnmarshal(s, &v); err != nil {
		t.Fatal(err)
	}
	b, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// mustAnswers reads answers written in JSON.
func mustAnswers(t *testing.T, s string) desk.Answers {
	t.Helper()
	var raw map[string]any
	if err := jsonUnmarshal(s, &raw); err != nil {
		t.Fatal(err)
	}
	a := desk.Answers{}
	for k, v := range raw {
		switch v := v.(type) {
		case string:
			a[k] = []string{v}
		case []any:
			for _, o := range v {
				a[k] = append(a[k], o.(string))
			}
		}
	}
	return a
}

// actorOf returns the fixture user as the app sees them.
func (e *env) actorOf(key string) desk.Actor {
	u := e.users[key]
	return desk.Actor{UserID: u.ID, Name: u.Name, Role: u.Role, OrgID: u.OrgID, Address: "127.0.0.1"}
}

// stored counts what a report stores, through the API: incidents, the newest audit entry,
// and the notifications queued for each client user of A.
type stored struct {
	incidents, lastAudit int64
	notifications        string
}

func (e *env) stored(t *testing.T) stored {
	t.Helper()
	s := stored{}
	s.incidents, s.lastAudit = e.counts(t)
	for _, who := range []string{"clientUserA", "clientUserA2", "clientAdminA", "agent"} {
		r := e.do(t, request{method: "GET", path: "/api/v1/notifications", as: who})
		if r.status != 200 {
			t.Fatalf("notifications of %s: %d %s", who, r.status, r.body)
		}
		s.notifications += fmt.Sprintf("%s:%d ", who, len(r.items()))
	}
	return s
}

// TestQuestionnaire reads the definition, replaces it as JSON and as YAML, and refuses
// broken definitions naming the field.
func TestQuestionnaire(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := e.do(t, request{method: "GET", path: "/api/v1/questionnaire", as: "clientUserA"})
		if r.status != 200 {
			t.Fatalf("GET questionnaire: %d %s", r.status, r.body)
		}
		def := string(r.body)
		// edit returns the definition with one change made by fn.
		edit := func(fn func(q map[string]any)) string {
			var q map[string]any
			if err := jsonUnmarshal(def, &q); err != nil {
				t.Fatal(err)
			}
			fn(q)
			return jsonText(q)
		}
		question := func(q map[string]any, i int) map[string]any { return q["questions"].([]any)[i].(map[string]any) }
		rule := func(q map[string]any, i int) map[string]any { return q["rules"].([]any)[i].(map[string]any) }
		yamlDef := toYAML(t, edit(func(q map[string]any) {
			question(q, 0)["text"].(map[string]any)["en"] = "Can your website be reached? (YAML)"
		}))
		if strings.HasPrefix(strings.TrimSpace(yamlDef), "{") {
			t.Fatalf("not YAML: %.80s", yamlDef)
		}
		put := func(as, ctype, body string) request {
			return request{method: "PUT", path: "/api/v1/questionnaire", as: as, ctype: ctype, body: body}
		}
		before, _ := e.counts(t)
		e.run(t, []scenario{
			{name: "anyone signed in reads it", request: request{method: "GET", path: "/api/v1/questionnaire", as: "clientUserB"},
				status: 200, fields: map[string]any{"version": 1, "questions.0.id": "availability", "criteria.security_risk.en": "there is a security risk, such as a (suspected) data leak"}},
			{name: "not without signing in", request: request{method: "GET", path: "/api/v1/questionnaire"}, status: 401},
			{name: "staff read a version", request: request{method: "GET", path: "/api/v1/questionnaire/versions/1", as: "expert"},
				status: 200, fields: map[string]any{"version": 1}},
			// Versions are the staff's, as documented (issue 10): to a client none exists.
			{name: "clients find no version", request: request{method: "GET", path: "/api/v1/questionnaire/versions/1", as: "clientAdminA"},
				status: 404},
			{name: "a version that does not exist", request: request{method: "GET", path: "/api/v1/questionnaire/versions/2", as: "agent"}, status: 404},
			{name: "version zero", request: request{method: "GET", path: "/api/v1/questionnaire/versions/0", as: "agent"}, status: 404},
			{name: "a version that is no number", request: request{method: "GET", path: "/api/v1/questionnaire/versions/one", as: "agent"}, status: 404},

			{name: "an agent may not replace it", request: put("agent", "application/json", def), status: 403},
			{name: "a client may not replace it", request: put("clientAdminA", "application/json", def), status: 403},
			{name: "plain text is refused", request: put("admin", "text/plain", def), status: 415},
			{name: "a rule about no question", request: put("admin", "application/json", edit(func(q map[string]any) { rule(q, 3)["question"] = "nope" })),
				status: 422, errors: [][2]string{{"/rules/3/question", "exists"}}},
			{name: "a missing translation", request: put("admin", "application/json", edit(func(q map[string]any) {
				delete(question(q, 0)["text"].(map[string]any), "en")
			})),
				status: 422, errors: [][2]string{{"/questions/0/text/en", "translation"}}},
			{name: "a rule with an unknown option", request: put("admin", "application/json", edit(func(q map[string]any) { rule(q, 0)["any_of"] = []any{"down", "exploded"} })),
				status: 422, errors: [][2]string{{"/rules/0/any_of/1", "exists"}}},
			{name: "an unknown key", request: put("admin", "application/json", edit(func(q map[string]any) { q["extra"] = 1 })),
				status: 422, errors: [][2]string{{"/extra", "unknown_field"}}},
			{name: "YAML that does not parse", request: put("admin", "application/yaml", "questions: [\n  - id: x\n bad"),
				status: 422, errors: [][2]string{{"", "format"}}},
			{name: "JSON that is no object", request: put("admin", "application/json", `[]`),
				status: 422, errors: [][2]string{{"", "type"}}},
			{name: "an empty body", request: request{method: "PUT", path: "/api/v1/questionnaire", as: "admin", ctype: "application/yaml"},
				status: 422, errors: [][2]string{{"", "format"}}},
			{name: "larger than 256 KiB", request: put("admin", "application/yaml", "# "+strings.Repeat("x", app.MaxDefinition)),
				status: 413, fields: map[string]any{"code": "too_large"}},
			{name: "nothing was stored", request: request{method: "GET", path: "/api/v1/questionnaire", as: "agent"},
				status: 200, fields: map[string]any{"version": 1}},

			{name: "replace it as YAML", request: put("admin", "application/yaml", yamlDef),
				status: 200, fields: map[string]any{"version": 2, "questions.0.text.en": "Can your website be reached? (YAML)"},
				check: func(t *testing.T, r *result) {
					if got, want := r.header.Get("Content-Location"), baseURL+"/api/v1/questionnaire/versions/2"; got != want {
						t.Errorf("Content-Location %q, want %q", got, want)
					}
				}},
			{name: "replace it as JSON", request: put("admin", "application/json; charset=utf-8", def),
				status: 200, fields: map[string]any{"version": 3, "questions.0.text.en": "Can the website, application or system be reached?"}},
			{name: "text/yaml is YAML too", request: put("admin", "text/yaml", yamlDef), status: 200, fields: map[string]any{"version": 4}},
			{name: "the current one", request: request{method: "GET", path: "/api/v1/questionnaire", as: "clientUserA"},
				status: 200, fields: map[string]any{"version": 4}},
			{name: "the earlier versions stay", request: request{method: "GET", path: "/api/v1/questionnaire/versions/2", as: "agent"},
				status: 200, fields: map[string]any{"version": 2, "questions.0.text.en": "Can your website be reached? (YAML)"}},
			{name: "the default is version 1", request: request{method: "GET", path: "/api/v1/questionnaire/versions/1", as: "agent"},
				status: 200, fields: map[string]any{"version": 1, "questions.0.text.en": "Can the website, application or system be reached?"}},
			{name: "evaluations name the version", request: request{method: "POST", path: "/api/v1/questionnaire/evaluate", as: "clientUserA",
				body: `{"answers":` + urgentAnswers + `}`},
				status: 200, fields: map[string]any{"questionnaire_version": 4}},
		})
		if after, _ := e.counts(t); after != before {
			t.Errorf("incidents: %d before, %d after", before, after)
		}
	})
}

// TestEvaluate: the verdict with its reasons and the contract's promise, for clients and the
// desk; bad answers named per question; nothing stored.
func TestEvaluate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		must(e.app.Organisations.CreateContract(ctx, sys, desk.Contract{OrgID: e.orgA.ID, Name: "Gold", Active: true, CoversUrgent: true}))(t)
		must(e.app.Organisations.CreateContract(ctx, sys, desk.Contract{OrgID: e.orgB.ID, Name: "Globex secret contract", Active: true}))(t)
		eval := func(as, body string) request {
			return request{method: "POST", path: "/api/v1/questionnaire/evaluate", as: as, body: body}
		}
		before := e.stored(t)
		e.run(t, []scenario{
			{name: "urgent, with the reasons and the promise", request: eval("clientUserA", `{"answers":`+urgentAnswers+`}`),
				status: 200, fields: map[string]any{
					"verdict": "urgent", "criteria": []any{"unavailable", "financial_damage", "business_impact"}, "exclusions": []any{},
					"urgency": "high", "impact": "high", "priority": "P1", "questionnaire_version": 1,
					"contract.contract_name": "Gold", "contract.covers_urgent": true, "contract.support_hours": "24x7",
					"contract.in_support_hours": true, "contract.first_response_minutes": 30, "contract.resolution_minutes": 240}},
			{name: "a workaround means regular support", request: eval("clientUserA", `{"answers":`+workaroundAnswers+`}`),
				status: 200, fields: map[string]any{
					"verdict": "regular", "criteria": []any{"unavailable", "financial_damage"}, "exclusions": []any{"workaround_available"},
					"urgency": "normal", "impact": "normal", "priority": "P3", "contract.support_hours": "business",
					"contract.first_response_minutes": 240}},
			{name: "a client names its own organisation", request: eval("clientUserA", `{"organisation_id":{orgA},"answers":`+urgentAnswers+`}`),
				status: 200, fields: map[string]any{"contract.contract_name": "Gold"}},
			{name: "a client may not name another", request: eval("clientUserA", `{"organisation_id":{orgB},"answers":`+urgentAnswers+`}`),
				status: 422, errors: [][2]string{{"/organisation_id", "own"}}, notContains: []string{"Globex"}},
			{name: "a client of another organisation gets its own contract", request: eval("clientUserB", `{"answers":`+urgentAnswers+`}`),
				status: 200, fields: map[string]any{"contract.contract_name": "Globex secret contract", "contract.covers_urgent": false}},
			{name: "without a contract", request: eval("agent", `{"answers":`+urgentAnswers+`}`),
				status: 200, fields: map[string]any{"verdict": "urgent", "contract": nil}},
			{name: "the desk evaluates for a caller", request: eval("agent", `{"organisation_id":{orgA},"answers":`+urgentAnswers+`}`),
				status: 200, fields: map[string]any{"contract.contract_name": "Gold"}},
			{name: "for an organisation that does not exist", request: eval("agent", `{"organisation_id":999999,"answers":`+urgentAnswers+`}`),
				status: 422, errors: [][2]string{{"/organisation_id", "exists"}}},
			{name: "an expert does not evaluate", request: eval("expert", `{"answers":`+urgentAnswers+`}`), status: 403},
			{name: "not without signing in", request: eval("", `{"answers":`+urgentAnswers+`}`), status: 401},
			{name: "an unknown question", request: eval("clientUserA", `{"answers":`+strings.Replace(urgentAnswers, `"users":"all"`, `"users":"all","colour":"red"`, 1)+`}`),
				status: 422, errors: [][2]string{{"/answers/colour", "unknown_question"}}},
			{name: "an unknown option", request: eval("clientUserA", `{"answers":`+strings.Replace(urgentAnswers, `"down"`, `"exploded"`, 1)+`}`),
				status: 422, errors: [][2]string{{"/answers/availability", "unknown_option"}}},
			{name: "two answers to a one-answer question", request: eval("clientUserA", `{"answers":`+strings.Replace(urgentAnswers, `"all"`, `["all","one"]`, 1)+`}`),
				status: 422, errors: [][2]string{{"/answers/users", "single"}}},
			{name: "missing answers", request: eval("clientUserA", `{"answers":{"availability":"down","users":""}}`),
				status: 422, errors: [][2]string{{"/answers/security", "required"}, {"/answers/users", "required"}}},
			{name: "no answers at all", request: eval("clientUserA", `{}`),
				status: 422, errors: [][2]string{{"/answers/availability", "required"}}},
			{name: "a number for an answer", request: eval("clientUserA", `{"answers":{"availability":1,"users":[2]}}`),
				status: 422, errors: [][2]string{{"/answers/availability", "type"}, {"/answers/users", "type"}}},
			{name: "answers that are no object", request: eval("clientUserA", `{"answers":["down"]}`),
				status: 422, errors: [][2]string{{"/answers", "type"}}},
			{name: "an unknown field", request: eval("clientUserA", `{"answer":{}}`),
				status: 422, errors: [][2]string{{"/answer", "unknown_field"}}},
			{name: "HTML in an answer comes back escaped", request: eval("clientUserA", `{"answers":{"<script>":"<b>"}}`),
				status: 422, notContains: []string{"<script>", "<b>"}, contains: []string{`\u003cscript\u003e`}},
			{name: "malformed JSON", request: eval("clientUserA", `{"answers":`), status: 400},
			{name: "not JSON", request: request{method: "POST", path: "/api/v1/questionnaire/evaluate", as: "clientUserA", body: urgentAnswers, ctype: "text/plain"},
				status: 415},
		})
		if after := e.stored(t); after != before {
			t.Errorf("evaluating stored something: %+v before, %+v after", before, after)
		}
	})
}

// TestProcedure: the text in each language with the provider's name, and its hash.
func TestProcedure(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		_, nlHash := desk.Procedure(desk.LocaleNL, e.provider.Name)
		enText, enHash := desk.Procedure(desk.LocaleEN, e.provider.Name)
		e.run(t, []scenario{
			{name: "Dutch by default", request: request{method: "GET", path: "/api/v1/procedure", as: "clientUserA"},
				status: 200, fields: map[string]any{"locale": "nl", "hash": nlHash}, contains: []string{e.provider.Name}},
			{name: "in English", request: request{method: "GET", path: "/api/v1/procedure?locale=en", as: "clientUserB"},
				status: 200, fields: map[string]any{"locale": "en", "hash": enHash, "text": enText}},
			{name: "an unknown language", request: request{method: "GET", path: "/api/v1/procedure?locale=de", as: "clientUserA"},
				status: 422, errors: [][2]string{{"locale", "one_of"}}},
			{name: "not without signing in", request: request{method: "GET", path: "/api/v1/procedure"}, status: 401},
		})
		if enHash == nlHash || !strings.Contains(enText, e.provider.Name) {
			t.Errorf("the texts: %s / %s; %q", nlHash, enHash, enText)
		}
	})
}

// TestReports submits reports as JSON and with files, refuses bad ones naming the field
// without storing anything, and follows an urgent report through the desk's assessment.
func TestReports(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		must(e.app.Organisations.CreateContract(ctx, sys, desk.Contract{OrgID: e.orgA.ID, Name: "Gold", Active: true, CoversUrgent: true}))(t)
		_, nlHash := desk.Procedure(desk.LocaleNL, e.provider.Name)
		_, enHash := desk.Procedure(desk.LocaleEN, e.provider.Name)
		e.vars["enHash"] = enHash
		post := func(as, body string) request {
			return request{method: "POST", path: "/api/v1/reports", as: as, body: body}
		}
		report := func(extra string) string {
			return `{"title":"Checkout down","answers":` + urgentAnswers + `,"accept_procedure":true` + extra + `}`
		}
		const reports = "/api/v1/reports"
		before := e.stored(t)
		e.run(t, []scenario{
			{name: "without accepting the procedure", request: post("clientUserA", `{"title":"Checkout down","answers":`+urgentAnswers+`}`),
				status: 422, errors: [][2]string{{"/accept_procedure", "required"}}},
			{name: "declining the procedure", request: post("clientUserA", `{"title":"Checkout down","answers":`+urgentAnswers+`,"accept_procedure":false}`),
				status: 422, errors: [][2]string{{"/accept_procedure", "required"}}},
			{name: "every problem at once", request: post("clientUserA", `{"answers":{"availability":"exploded","colour":"red"},"affected":"`+strings.Repeat("a", 201)+`"}`),
				status: 422, errors: [][2]string{{"/accept_procedure", "required"}, {"/title", "required"}, {"/affected", "max_length"},
					{"/answers/availability", "unknown_option"}, {"/answers/colour", "unknown_question"}, {"/answers/users", "required"}}},
			{name: "a title too long", request: post("clientUserA", `{"title":"`+strings.Repeat("é", 201)+`","answers":`+urgentAnswers+`,"accept_procedure":true}`),
				status: 422, errors: [][2]string{{"/title", "max_length"}}},
			{name: "a description too long", request: post("clientUserA", report(`,"description":"`+strings.Repeat("d", desk.MaxText+1)+`"`)),
				status: 422, errors: [][2]string{{"/description", "max_length"}}},
			{name: "a control character in the title", request: post("clientUserA", `{"title":"a\u0007b","answers":`+urgentAnswers+`,"accept_procedure":true}`),
				status: 422, errors: [][2]string{{"/title", "control_characters"}}},
			{name: "a stale procedure text", request: post("clientUserA", report(`,"procedure_hash":"0000"`)),
				status: 422, errors: [][2]string{{"/procedure_hash", "current"}}},
			{name: "the English hash for the Dutch text", request: post("clientUserA", report(`,"procedure_hash":"{enHash}"`)),
				status: 422, errors: [][2]string{{"/procedure_hash", "current"}}},
			{name: "an unknown language", request: post("clientUserA", report(`,"locale":"de"`)),
				status: 422, errors: [][2]string{{"/locale", "one_of"}}},
			{name: "for another organisation", request: post("clientUserA", report(`,"organisation_id":{orgB}`)),
				status: 422, errors: [][2]string{{"/organisation_id", "own"}}},
			{name: "another organisation's component", request: post("clientUserA", report(`,"component_ids":[999999]`)),
				status: 422, errors: [][2]string{{"/component_ids/0", "exists"}}},
			{name: "a client cannot report by phone", request: post("clientUserA", report(`,"channel":"phone"`)),
				status: 422, errors: [][2]string{{"/channel", "one_of"}}},
			{name: "the desk names the caller", request: post("agent", report(``)),
				status: 422, errors: [][2]string{{"/organisation_id", "required"}, {"/reporter_id", "required"}}},
			{name: "an expert does not report", request: post("expert", report(`,"organisation_id":{orgA},"reporter_id":{clientUserA}`)),
				status: 403},
			{name: "an unknown field", request: post("clientUserA", report(`,"priority":"P1"`)),
				status: 422, errors: [][2]string{{"/priority", "unknown_field"}}},
			{name: "a wrong type", request: post("clientUserA", `{"title":"Checkout down","answers":`+urgentAnswers+`,"accept_procedure":"yes"}`),
				status: 422, errors: [][2]string{{"/accept_procedure", "type"}}},
			{name: "malformed JSON", request: post("clientUserA", `{"title":`), status: 400},
			{name: "a form", request: request{method: "POST", path: reports, as: "clientUserA", body: "title=x", ctype: "application/x-www-form-urlencoded"},
				status: 415},
			{name: "not without signing in", request: post("", report(``)), status: 401},

			// Multipart, with files.
			{name: "no report part", request: upload(t, reports, "clientUserA", part{"files", "a.png", pngFile}),
				status: 422, errors: [][2]string{{"report", "required"}}},
			{name: "two report parts", request: upload(t, reports, "clientUserA", reportPart(report(``)), reportPart(report(``))),
				status: 422, errors: [][2]string{{"report", "single"}}},
			{name: "an unknown part", request: upload(t, reports, "clientUserA", reportPart(report(``)), part{"photo", "a.png", pngFile}),
				status: 422, errors: [][2]string{{"photo", "unknown_field"}}},
			{name: "a report part that is not JSON", request: upload(t, reports, "clientUserA", reportPart(`title=x`)),
				status: 400},
			{name: "a bad field in the report part", request: upload(t, reports, "clientUserA", reportPart(report(`,"x":1`))),
				status: 422, errors: [][2]string{{"/x", "unknown_field"}}},
			{name: "invalid UTF-8 in the report part", request: upload(t, reports, "clientUserA", reportPart("{\"title\":\"caf\xe9\"}")),
				status: 422, errors: [][2]string{{"/title", "utf8"}}},
			{name: "a file of a type not allowed", request: upload(t, reports, "clientUserA", reportPart(report(``)),
				part{"files", "log.txt", logFile}, part{"files", "page.png", htmlFile}),
				status: 422, errors: [][2]string{{"files[1]", "type"}}},
			{name: "an executable", request: upload(t, reports, "clientUserA", reportPart(report(``)), part{"files", "setup.exe", append([]byte("MZ\x90\x00"), make([]byte, 100)...)}),
				status: 422, errors: [][2]string{{"files[0]", "type"}}},
			{name: "an empty file", request: upload(t, reports, "clientUserA", reportPart(report(``)), part{"files", "empty.txt", nil}),
				status: 422, errors: [][2]string{{"files[0]", "empty"}}},
			{name: "a file over 10 MB", request: upload(t, reports, "clientUserA", reportPart(report(``)),
				part{"files", "a.png", pngFile}, part{"files", "huge.log", bytes.Repeat([]byte("log line\n"), desk.MaxAttachment/9+1)}),
				status: 422, errors: [][2]string{{"files[1]", "max_size"}}, contains: []string{"huge.log"}},
			{name: "too many files", request: upload(t, reports, "clientUserA", reportPart(report(``)),
				part{"files", "1.png", pngFile}, part{"files", "2.png", pngFile}, part{"files", "3.png", pngFile},
				part{"files", "4.png", pngFile}, part{"files", "5.png", pngFile}, part{"files", "6.png", pngFile}),
				status: 422, errors: [][2]string{{"files", "max_items"}}},
			{name: "file errors and field errors at once", request: upload(t, reports, "clientUserA",
				reportPart(`{"title":"x","answers":`+urgentAnswers+`}`), part{"files", "page.html", htmlFile}),
				status: 422, errors: [][2]string{{"/accept_procedure", "required"}, {"files[0]", "type"}}},
			{name: "a body over the limit", request: upload(t, reports, "clientUserA", reportPart(report(``)),
				part{"files", "1.log", bytes.Repeat([]byte("x"), desk.MaxAttachment)}, part{"files", "2.log", bytes.Repeat([]byte("x"), desk.MaxAttachment)},
				part{"files", "3.log", bytes.Repeat([]byte("x"), desk.MaxAttachment)}, part{"files", "4.log", bytes.Repeat([]byte("x"), desk.MaxAttachment)},
				part{"files", "5.log", bytes.Repeat([]byte("x"), desk.MaxAttachment)}, part{"files", "6.log", bytes.Repeat([]byte("x"), 2<<20)}),
				status: 413, fields: map[string]any{"code": "too_large"}},
		})
		if after := e.stored(t); after != before {
			t.Fatalf("a refused report stored something: %+v before, %+v after", before, after)
		}

		script := `<script>alert(\"x\")</script>`
		secret, csrf := e.session(t, "clientUserA")
		cookie := web.SessionCookie + "=" + secret
		e.run(t, []scenario{
			{name: "an urgent report", request: post("clientUserA", `{"title":"`+script+` Checkout down","description":"<img src=x onerror=alert(1)>",`+
				`"affected":"<b>webshop</b>","answers":`+urgentAnswers+`,"accept_procedure":true,"procedure_hash":"`+nlHash+`"}`),
				status: 201, save: map[string]string{"urgent": "incident.id", "urgentNum": "incident.number"},
				fields: map[string]any{
					"incident.kind": "urgent", "incident.assessment": "pending", "incident.priority": "P1", "incident.urgency": "high",
					"incident.impact": "high", "incident.channel": "portal", "incident.state": "new", "incident.questionnaire_version": 1,
					"incident.reporter_id": e.users["clientUserA"].ID, "incident.organisation_id": e.orgA.ID,
					"incident.title": `<script>alert("x")</script> Checkout down`, "incident.affected": "<b>webshop</b>",
					"verdict.verdict": "urgent", "verdict.priority": "P1", "verdict.contract.contract_name": "Gold"},
				notContains: []string{"<script>", "<img", "<b>"}, contains: []string{`\u003cscript\u003e`},
				check: func(t *testing.T, r *result) {
					if want := baseURL + "/api/v1/incidents/" + itoa(r.id("incident.id")); r.header.Get("Location") != want {
						t.Errorf("Location %q, want %q", r.header.Get("Location"), want)
					}
				}},
			{name: "the report kept", request: request{method: "GET", path: "/api/v1/incidents/{urgentNum}/report", as: "clientUserA"},
				status: 200, fields: map[string]any{
					"incident_id": "{urgent}", "questionnaire_version": 1, "answers.availability": []any{"down"}, "answers.users": []any{"all"},
					"evaluation.verdict": "urgent", "evaluation.criteria": []any{"unavailable", "financial_damage", "business_impact"},
					"procedure_locale": "nl", "procedure_hash": nlHash, "accepted_by_id": e.users["clientUserA"].ID, "accepted_from": "127.0.0.1"}},
			{name: "the timeline says reported", request: request{method: "GET", path: "/api/v1/incidents/{urgent}/entries", as: "clientUserA"},
				status: 200, fields: map[string]any{"items.0.event": "reported", "items.0.args.0": "verdict:urgent"}},
			{name: "the reporter is notified", request: request{method: "GET", path: "/api/v1/notifications", as: "clientUserA"},
				status: 200, fields: map[string]any{"items.#": 1, "items.0.kind": "report_received", "items.0.incident_id": "{urgent}",
					"items.0.payload.verdict": "urgent", "items.0.payload.priority": "P1", "items.0.payload.number": "{urgentNum}"}},
			{name: "a colleague is not notified", request: request{method: "GET", path: "/api/v1/notifications", as: "clientUserA2"},
				status: 200, fields: map[string]any{"items.#": 0}},
			{name: "a colleague does not see the report", request: request{method: "GET", path: "/api/v1/incidents/{urgent}/report", as: "clientUserA2"},
				status: 404},
			{name: "the client admin sees it", request: request{method: "GET", path: "/api/v1/incidents/{urgent}/report", as: "clientAdminA"},
				status: 200},
			{name: "another organisation does not", request: request{method: "GET", path: "/api/v1/incidents/{urgent}/report", as: "clientAdminB"},
				status: 404},
			{name: "nor an expert not assigned", request: request{method: "GET", path: "/api/v1/incidents/{urgent}/report", as: "expert"},
				status: 404},

			{name: "a regular report in English, with files", request: upload(t, reports, "clientUserA",
				reportPart(`{"title":"Typo on the homepage","answers":`+workaroundAnswers+`,"accept_procedure":true,"locale":"en","procedure_hash":"`+enHash+`"}`),
				part{"files", "screen shot.png", pngFile}, part{"files", `C:\logs\checkout "today".log`, logFile}),
				status: 201, save: map[string]string{"regular": "incident.id"},
				fields: map[string]any{"incident.kind": "regular", "incident.assessment": absent{}, "incident.priority": "P3",
					"verdict.verdict": "regular", "verdict.exclusions": []any{"workaround_available"}}},
			{name: "its files", request: request{method: "GET", path: "/api/v1/incidents/{regular}/attachments", as: "clientUserA"},
				status: 200, fields: map[string]any{"items.#": 2, "items.0.name": "screen shot.png", "items.0.content_type": "image/png",
					"items.0.size": len(pngFile), "items.1.name": "checkout today.log", "items.1.content_type": "text/plain"},
				save: map[string]string{"png": "items.0.id", "log": "items.1.id"}},
			{name: "its report names the English text", request: request{method: "GET", path: "/api/v1/incidents/{regular}/report", as: "agent"},
				status: 200, fields: map[string]any{"procedure_locale": "en", "procedure_hash": enHash}},
			{name: "a regular report waits for no assessment", request: request{method: "POST", path: "/api/v1/incidents/{regular}/assessment", as: "agent",
				body: `{"decision":"approve"}`},
				status: 409},

			{name: "the desk reports for a caller", request: post("agent", report(`,"organisation_id":{orgA},"reporter_id":{clientUserA2}`)),
				status: 201, save: map[string]string{"phoned": "incident.id"},
				fields: map[string]any{"incident.channel": "phone", "incident.reporter_id": e.users["clientUserA2"].ID, "incident.kind": "urgent"}},
			{name: "the caller is notified", request: request{method: "GET", path: "/api/v1/notifications", as: "clientUserA2"},
				status: 200, fields: map[string]any{"items.#": 1, "items.0.incident_id": "{phoned}"}},
			{name: "a browser sends the CSRF token in a part", request: withCookie(upload(t, reports, "", part{"csrf", "", []byte(csrf)},
				reportPart(report(``)), part{"files", "shot.png", pngFile}), cookie, ""),
				status: 201, save: map[string]string{"browser": "incident.id"}, fields: map[string]any{"incident.reporter_id": e.users["clientUserA"].ID}},
			{name: "with its file", request: request{method: "GET", path: "/api/v1/incidents/{browser}/attachments", as: "clientUserA"},
				status: 200, fields: map[string]any{"items.#": 1, "items.0.name": "shot.png"}},
			{name: "or in the header, with the part as well", request: withCookie(upload(t, reports, "", reportPart(report(``)),
				part{"csrf", "", []byte(csrf)}, part{"files", "shot.png", pngFile}), cookie, csrf),
				status: 201},
			{name: "a wrong CSRF token in a part", request: withCookie(upload(t, reports, "", part{"csrf", "", []byte("x" + csrf)},
				reportPart(report(``))), cookie, ""),
				status: 403},
			{name: "a browser form with a bad file", request: withCookie(upload(t, reports, "", part{"csrf", "", []byte(csrf)},
				reportPart(report(``)), part{"files", "page.png", htmlFile}), cookie, ""),
				status: 422, errors: [][2]string{{"files[0]", "type"}}},
			{name: "a browser form with an unknown field", request: withCookie(upload(t, reports, "", part{"csrf", "", []byte(csrf)},
				reportPart(report(``)), part{"extra", "", []byte("1")}), cookie, ""),
				status: 422, errors: [][2]string{{"extra", "unknown_field"}}},
			{name: "the caller's report names who accepted", request: request{method: "GET", path: "/api/v1/incidents/{phoned}/report", as: "clientUserA2"},
				status: 200, fields: map[string]any{"accepted_by_id": e.users["agent"].ID}},
		})
		if t.Failed() {
			return
		}

		// Assessment.
		e.vars["plain"] = itoa(must(e.app.Incidents.Create(ctx, e.actorOf("clientUserA"), app.IncidentInput{Title: "No report", Urgency: desk.Low, Impact: desk.Low}))(t).ID)
		assess := func(as, id, body string) request {
			return request{method: "POST", path: "/api/v1/incidents/{" + id + "}/assessment", as: as, body: body}
		}
		e.run(t, []scenario{
			{name: "an incident without a report", request: request{method: "GET", path: "/api/v1/incidents/{plain}/report", as: "clientUserA"}, status: 404},
			{name: "a client does not assess", request: assess("clientUserA", "urgent", `{"decision":"approve"}`), status: 403},
			{name: "nor an expert not assigned", request: assess("expert", "urgent", `{"decision":"approve"}`), status: 404},
			{name: "nor another organisation", request: assess("clientAdminB", "urgent", `{"decision":"approve"}`), status: 404},
			{name: "an unknown decision", request: assess("agent", "urgent", `{"decision":"maybe"}`),
				status: 422, errors: [][2]string{{"/decision", "one_of"}}},
			{name: "no decision", request: assess("agent", "urgent", `{}`),
				status: 422, errors: [][2]string{{"/decision", "required"}}},
			{name: "reclassifying needs a reason", request: assess("agent", "urgent", `{"decision":"reclassify","reason":"  "}`),
				status: 422, errors: [][2]string{{"/reason", "required"}}},
			{name: "a reason too long", request: assess("agent", "urgent", `{"decision":"reclassify","reason":"`+strings.Repeat("r", desk.MaxText+1)+`"}`),
				status: 422, errors: [][2]string{{"/reason", "max_length"}}},
			{name: "an unknown field", request: assess("agent", "urgent", `{"decision":"approve","priority":"P1"}`),
				status: 422, errors: [][2]string{{"/priority", "unknown_field"}}},
			{name: "not JSON", request: request{method: "POST", path: "/api/v1/incidents/{urgent}/assessment", as: "agent", body: "decision=approve", ctype: "text/plain"},
				status: 415},
			{name: "still pending", request: request{method: "GET", path: "/api/v1/incidents/{urgent}", as: "agent"},
				status: 200, fields: map[string]any{"assessment": "pending", "state": "new"}},
			{name: "approve", request: assess("agent", "urgent", `{"decision":"approve"}`),
				status: 200, fields: map[string]any{"assessment": "approved", "kind": "urgent", "state": "triaged", "owner_id": e.users["agent"].ID}},
			{name: "once", request: assess("agent", "urgent", `{"decision":"reclassify","reason":"late"}`), status: 409},
			{name: "reclassify", request: assess("admin", "phoned", `{"decision":"reclassify","reason":"<i>Only</i> the newsletter is late."}`),
				status: 200, fields: map[string]any{"assessment": "reclassified", "kind": "regular", "assessment_reason": "<i>Only</i> the newsletter is late."},
				notContains: []string{"<i>"}},
			{name: "the caller sees why", request: request{method: "GET", path: "/api/v1/incidents/{phoned}/entries", as: "clientUserA2"},
				status: 200, check: func(t *testing.T, r *result) {
					last := r.items()[len(r.items())-1].(map[string]any)
					if last["event"] != "to_regular" || !strings.Contains(fmt.Sprint(last["args"]), "newsletter") {
						t.Errorf("last entry %v", last)
					}
				}},
			{name: "and is told", request: request{method: "GET", path: "/api/v1/notifications", as: "clientUserA2"},
				status: 200, fields: map[string]any{"items.#": 2, "items.1.kind": "assessment", "items.1.payload.assessment": "reclassified"}},
			{name: "the approval is on the timeline", request: request{method: "GET", path: "/api/v1/incidents/{urgent}/entries", as: "clientUserA"},
				status: 200, check: func(t *testing.T, r *result) {
					last := r.items()[len(r.items())-1].(map[string]any)
					if last["event"] != "approved" {
						t.Errorf("last entry %v", last)
					}
				}},
			{name: "and audited", request: request{method: "GET", path: "/api/v1/incidents/{phoned}/audit", as: "agent"},
				status: 200, contains: []string{`"action":"assess"`}},
		})
	})
}

// TestAttachments adds files to an incident, lists them and downloads them, and refuses
// files and people that it should.
func TestAttachments(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		inc, _, err := e.app.Reports.Submit(ctx, e.actorOf("clientUserA"), app.ReportInput{
			Title: "Logs attached", Answers: desk.Answers{"availability": {"up"}, "request_type": {"minor_bug"}, "financial_damage": {"no"},
				"security": {"no"}, "essential_function": {"no"}, "end_users": {"no"}, "workaround": {"yes"}, "business_process": {"none"}, "users": {"one"}},
			Accept: true, Files: []app.File{{Name: "first.log", Data: logFile}},
		})
		if err != nil {
			t.Fatal(err)
		}
		e.vars["inc"] = itoa(inc.ID)
		e.vars["other"] = itoa(must(e.app.Incidents.Create(ctx, e.actorOf("clientUserA"), app.IncidentInput{Title: "Other", Urgency: desk.Low, Impact: desk.Low}))(t).ID)
		const files = "/api/v1/incidents/{inc}/attachments"
		count := func(want int) scenario {
			return scenario{name: fmt.Sprintf("%d files", want), request: request{method: "GET", path: files, as: "clientUserA"},
				status: 200, fields: map[string]any{"items.#": want}}
		}
		e.run(t, []scenario{
			count(1),
			{name: "the client adds a screenshot", request: upload(t, files, "clientUserA", part{"files", `..\..\évil "name".png`, pngFile}),
				status: 201, fields: map[string]any{"items.#": 2, "items.1.name": "évil name.png", "items.1.content_type": "image/png",
					"items.1.uploaded_by": e.users["clientUserA"].ID, "items.1.incident_id": "{inc}"},
				save: map[string]string{"att": "items.1.id"},
				check: func(t *testing.T, r *result) {
					if want := baseURL + "/api/v1/incidents/" + e.vars["inc"] + "/attachments"; r.header.Get("Location") != want {
						t.Errorf("Location %q, want %q", r.header.Get("Location"), want)
					}
				}},
			{name: "the agent adds a log", request: upload(t, files, "agent", part{"files", "server.log", logFile}),
				status: 201, fields: map[string]any{"items.#": 3, "items.2.uploaded_by": e.users["agent"].ID}},
			{name: "download", request: request{method: "GET", path: files + "/{att}", as: "clientUserA"},
				status: 200, wantType: "image/png", check: func(t *testing.T, r *result) {
					if !bytes.Equal(r.body, pngFile) {
						t.Errorf("the content differs: %q", r.body)
					}
					for k, want := range map[string]string{
						"Content-Type":           "image/png",
						"Content-Disposition":    "attachment; filename*=UTF-8''%C3%A9vil%20name.png",
						"X-Content-Type-Options": "nosniff",
					} {
						if got := r.header.Get(k); got != want {
							t.Errorf("%s: %q, want %q", k, got, want)
						}
					}
				}},
			{name: "the timeline says attached", request: request{method: "GET", path: "/api/v1/incidents/{inc}/entries", as: "clientUserA"},
				status: 200, contains: []string{`"event":"attached"`, `"text:évil name.png"`}},
			{name: "a colleague may not download", request: request{method: "GET", path: files + "/{att}", as: "clientUserA2"}, status: 404},
			{name: "nor another organisation", request: request{method: "GET", path: files + "/{att}", as: "clientAdminB"}, status: 404},
			{name: "nor an expert not assigned", request: request{method: "GET", path: files + "/{att}", as: "expert"}, status: 404},
			{name: "through another incident", request: request{method: "GET", path: "/api/v1/incidents/{other}/attachments/{att}", as: "clientUserA"}, status: 404},
			{name: "an attachment that does not exist", request: request{method: "GET", path: files + "/999999", as: "clientUserA"}, status: 404},
			{name: "an attachment id that is no number", request: request{method: "GET", path: files + "/x", as: "clientUserA"}, status: 404},
			{name: "another organisation lists none", request: request{method: "GET", path: files, as: "clientUserB"}, status: 404},

			{name: "another organisation adds none", request: upload(t, files, "clientUserB", part{"files", "a.png", pngFile}), status: 404},
			{name: "an expert not assigned adds none", request: upload(t, files, "expert", part{"files", "a.png", pngFile}), status: 404},
			{name: "a colleague adds none", request: upload(t, files, "clientUserA2", part{"files", "a.png", pngFile}), status: 404},
			{name: "JSON is no upload", request: request{method: "POST", path: files, as: "clientUserA", body: `{"files":[]}`}, status: 415},
			{name: "no files", request: upload(t, files, "clientUserA"), status: 422, errors: [][2]string{{"files", "required"}}},
			{name: "a report part", request: upload(t, files, "clientUserA", reportPart(`{}`), part{"files", "a.png", pngFile}),
				status: 422, errors: [][2]string{{"report", "unknown_field"}}},
			{name: "a type not allowed", request: upload(t, files, "clientUserA", part{"files", "a.png", pngFile}, part{"files", "x.png", htmlFile}),
				status: 422, errors: [][2]string{{"files[1]", "type"}}},
			{name: "over 10 MB", request: upload(t, files, "clientUserA", part{"files", "big.log", bytes.Repeat([]byte("x"), desk.MaxAttachment+1)}),
				status: 422, errors: [][2]string{{"files[0]", "max_size"}}},
			{name: "exactly 10 MB is fine", request: upload(t, files, "clientUserA", part{"files", "big.log", bytes.Repeat([]byte("x"), desk.MaxAttachment)}),
				status: 201, fields: map[string]any{"items.#": 4, "items.3.size": desk.MaxAttachment}},
			{name: "a name too long", request: upload(t, files, "clientUserA", part{"files", strings.Repeat("n", 300) + ".png", pngFile}),
				status: 422, errors: [][2]string{{"files[0].name", "max_length"}}},
			{name: "a truncated body", request: request{method: "POST", path: files, as: "clientUserA", ctype: "multipart/form-data; boundary=xyz",
				raw: []byte("--xyz\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.png\"\r\n\r\n\x89PNG")}, status: 400},
			{name: "no boundary", request: request{method: "POST", path: files, as: "clientUserA", ctype: "multipart/form-data", raw: []byte("x")}, status: 400},
			{name: "a part without a name is named as sent", request: request{method: "POST", path: files, as: "clientUserA", ctype: "multipart/form-data; boundary=xyz",
				raw: []byte("--xyz\r\nContent-Disposition: form-data\r\n\r\nhello\r\n--xyz--\r\n")}, status: 422, errors: [][2]string{{"", "unknown_field"}}},
			count(4),
		})
		if t.Failed() {
			return
		}
		// A closed incident takes no files.
		for _, step := range []struct {
			who string
			tr  desk.Transition
		}{
			{"agent", desk.Transition{To: desk.StateTriaged}}, {"agent", desk.Transition{To: desk.StateInProgress}},
			{"agent", desk.Transition{To: desk.StateResolved, Solution: "Fixed.", SolutionKind: "temporary"}}, {"clientUserA", desk.Transition{To: desk.StateClosed}},
		} {
			must(e.app.Incidents.Transition(ctx, e.actorOf(step.who), inc.ID, step.tr))(t)
		}
		e.run(t, []scenario{
			{name: "a closed incident", request: upload(t, files, "clientUserA", part{"files", "late.png", pngFile}), status: 409},
			count(4),
		})
	})
}
