package api_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestErrorListCapped sends a body of almost 1 MiB of unknown answers to the routes that
// check answers: the answer lists at most desk.MaxFieldErrors errors and one more entry that
// counts the rest, so a small request cannot make a large answer (issue 10, finding 3).
func TestErrorListCapped(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var b strings.Builder
		n := 0
		for b.Len() < 1<<20-200 {
			if n > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"q%07d":"x"`, n)
			n++
		}
		answers := "{" + b.String() + "}"
		for _, rq := range []request{
			{method: "POST", path: "/api/v1/questionnaire/evaluate", as: "clientUserA", body: `{"answers":` + answers + `}`},
			{method: "POST", path: "/api/v1/reports", as: "clientUserA", body: `{"title":"t","accept_procedure":true,"answers":` + answers + `}`},
		} {
			t.Run(rq.path, func(t *testing.T) {
				r := e.do(t, rq)
				if r.status != 422 {
					t.Fatalf("status %d: %.300s", r.status, r.body)
				}
				if len(r.body) > 16<<10 {
					t.Errorf("a %d-byte answer to %d unknown answers", len(r.body), n)
				}
				v, _ := get(r.json, "errors")
				errs, _ := v.([]any)
				if len(errs) != desk.MaxFieldErrors+1 {
					t.Fatalf("%d errors listed, want %d and a count", len(errs), desk.MaxFieldErrors)
				}
				last, _ := errs[desk.MaxFieldErrors].(map[string]any)
				// Every unknown answer is counted, and the questions left unanswered too.
				var more int
				fmt.Sscan(fmt.Sprint(last["message"]), &more)
				if last["rule"] != "more_errors" || more < n-desk.MaxFieldErrors || more > n {
					t.Errorf("last entry %v, want rule more_errors counting at least %d more", last, n-desk.MaxFieldErrors)
				}
			})
		}
	})
}

// TestExactIDs: ids in paths and queries match the documented pattern exactly; a sign, a
// leading zero, spaces or an exponent are not the same id (issue 10, finding 7).
func TestExactIDs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := e.do(t, request{method: "POST", path: "/api/v1/incidents", as: "clientUserA", body: `{"title":"t","urgency":"low","impact":"low"}`})
		if r.status != 201 {
			t.Fatalf("incident: %d %s", r.status, r.body)
		}
		inc := itoa(r.id("id"))
		c := e.do(t, request{method: "POST", path: "/api/v1/changes", as: "agent", body: `{"title":"fix","incident_ids":[` + inc + `]}`})
		if c.status != 201 {
			t.Fatalf("change: %d %s", c.status, c.body)
		}
		chg := itoa(c.id("id"))
		org := e.vars["orgA"]
		var scs []scenario
		for _, p := range []string{"+" + org, "0" + org, "%20" + org, org + "%20", "%20" + org + "%20", org + ".0", org + "e0", "-" + org, "0x" + org} {
			scs = append(scs, scenario{name: "organisation " + p, request: request{method: "GET", path: "/api/v1/organisations/" + p, as: "admin"}, status: 404})
		}
		for _, p := range []string{"+" + inc, "0" + inc, "%20" + inc, "INC-+" + inc, "INC-%20" + inc, "%20INC-" + inc, "INC--" + inc, inc + "e0"} {
			scs = append(scs, scenario{name: "incident " + p, request: request{method: "GET", path: "/api/v1/incidents/" + p, as: "admin"}, status: 404})
		}
		for _, p := range []string{"+" + chg, "0" + chg, "CHG-+" + chg, "%20CHG-" + chg} {
			scs = append(scs, scenario{name: "change " + p, request: request{method: "GET", path: "/api/v1/changes/" + p, as: "admin"}, status: 404})
		}
		for _, p := range []string{"+" + org, "0" + org, "%20" + org + "%20", org + "e0"} {
			scs = append(scs, scenario{name: "query organisation_id=" + p, request: request{method: "GET", path: "/api/v1/contracts?organisation_id=" + p, as: "admin"},
				status: 422, errors: [][2]string{{"organisation_id", "id"}}})
		}
		for _, p := range []string{"+5", "05", "%205", "5e0"} {
			scs = append(scs, scenario{name: "limit " + p, request: request{method: "GET", path: "/api/v1/incidents?limit=" + p, as: "admin"},
				status: 422, errors: [][2]string{{"limit", "range"}}})
		}
		// A cursor is the base64url of an id: a padded, non-canonical or broken one is none.
		for _, p := range []string{"MQ==", "MR", "MQ%0A", "MDE", "KzE"} {
			scs = append(scs, scenario{name: "cursor " + p, request: request{method: "GET", path: "/api/v1/incidents?cursor=" + p, as: "admin"},
				status: 422, errors: [][2]string{{"cursor", "cursor"}}})
		}
		// The documented forms still work.
		scs = append(scs,
			scenario{name: "an id", request: request{method: "GET", path: "/api/v1/organisations/" + org, as: "admin"}, status: 200},
			scenario{name: "an incident number", request: request{method: "GET", path: "/api/v1/incidents/" + desk.FormatNumber(r.id("id")), as: "admin"}, status: 200},
			scenario{name: "an incident number in lower case", request: request{method: "GET", path: "/api/v1/incidents/inc-" + inc, as: "admin"}, status: 200},
			scenario{name: "a change number", request: request{method: "GET", path: "/api/v1/changes/CHG-0000" + chg, as: "admin"}, status: 200},
			scenario{name: "a cursor", request: request{method: "GET", path: "/api/v1/incidents?cursor=MQ", as: "admin"}, status: 200},
		)
		e.run(t, scs)
	})
}

// TestExactKeys: a key matches a field only as written; in another case it is an unknown
// field, named as sent, and changes nothing (issue 10, finding 7).
func TestExactKeys(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := e.do(t, request{method: "POST", path: "/api/v1/incidents", as: "agent",
			body: `{"organisation_id":{orgA},"title":"Printer","urgency":"low","impact":"low"}`})
		if r.status != 201 {
			t.Fatalf("incident: %d %s", r.status, r.body)
		}
		e.vars["inc"] = itoa(r.id("id"))
		e.vars["contract"] = itoa(must(e.app.Organisations.CreateContract(t.Context(), sys, desk.Contract{OrgID: e.orgA.ID, Name: "Gold"}))(t).ID)
		e.run(t, []scenario{
			{name: "a title in mixed case", request: request{method: "PATCH", path: "/api/v1/incidents/{inc}", as: "agent", body: `{"TiTlE":"x"}`},
				status: 422, errors: [][2]string{{"/TiTlE", "unknown_field"}}},
			{name: "a title in capitals on a new incident", request: request{method: "POST", path: "/api/v1/incidents", as: "clientUserA",
				body: `{"TITLE":"x","title":"y","urgency":"low","impact":"low"}`},
				status: 422, errors: [][2]string{{"/TITLE", "unknown_field"}}},
			{name: "a nested key in another case", request: request{method: "PATCH", path: "/api/v1/contracts/{contract}", as: "admin",
				body: `{"targets":[{"Priority":"P1","first_response_minutes":1,"resolution_minutes":1}]}`},
				status: 422, errors: [][2]string{{"/targets/0/Priority", "unknown_field"}}},
			{name: "a definition key in another case, YAML", request: request{method: "PUT", path: "/api/v1/questionnaire", as: "admin",
				ctype: "application/yaml", body: "Questions: []\n"},
				status: 422, errors: [][2]string{{"/Questions", "unknown_field"}}},
			{name: "the title is what it was", request: request{method: "GET", path: "/api/v1/incidents/{inc}", as: "agent"},
				status: 200, fields: map[string]any{"title": "Printer", "version": 1}},
		})
	})
}

// TestDuplicateKeysRefused: a key given twice in one object is refused with 422 on the
// pointer of the second, wherever the object is, and nothing changes; encoding/json alone
// would keep the last one silently (issue 10, hdup).
func TestDuplicateKeysRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := e.do(t, request{method: "POST", path: "/api/v1/incidents", as: "agent",
			body: `{"organisation_id":{orgA},"title":"Printer","urgency":"low","impact":"low"}`})
		if r.status != 201 {
			t.Fatalf("incident: %d %s", r.status, r.body)
		}
		e.vars["inc"] = itoa(r.id("id"))
		e.vars["contract"] = itoa(must(e.app.Organisations.CreateContract(t.Context(), sys, desk.Contract{OrgID: e.orgA.ID, Name: "Gold"}))(t).ID)
		before := e.stored(t)
		e.run(t, []scenario{
			{name: "a title twice", request: request{method: "PATCH", path: "/api/v1/incidents/{inc}", as: "agent", body: `{"title":"a","title":"b"}`},
				status: 422, errors: [][2]string{{"/title", "duplicate_key"}}},
			{name: "a title twice, once escaped, on a new incident", request: request{method: "POST", path: "/api/v1/incidents", as: "clientUserA",
				body: `{"title":"a","urgency":"low","impact":"low","\u0074itle":"b"}`},
				status: 422, errors: [][2]string{{"/title", "duplicate_key"}}},
			{name: "a nested key twice", request: request{method: "PATCH", path: "/api/v1/contracts/{contract}", as: "admin",
				body: `{"targets":[{"priority":"P1","first_response_minutes":1,"resolution_minutes":1,"priority":"P2"}]}`},
				status: 422, errors: [][2]string{{"/targets/0/priority", "duplicate_key"}}},
			{name: "an answer twice", request: request{method: "POST", path: "/api/v1/questionnaire/evaluate", as: "clientUserA",
				body: `{"answers":{"availability":"down","availability":"degraded"}}`},
				status: 422, errors: [][2]string{{"/answers/availability", "duplicate_key"}}},
			{name: "a matrix cell twice", request: request{method: "PUT", path: "/api/v1/priority-matrix", as: "admin",
				body: `{"high":{"high":"P1","normal":"P2","low":"P3","high":"P5"},"normal":{"high":"P2","normal":"P3","low":"P4"},"low":{"high":"P3","normal":"P4","low":"P5"}}`},
				status: 422, errors: [][2]string{{"/high/high", "duplicate_key"}}},
			{name: "a definition key twice, JSON", request: request{method: "PUT", path: "/api/v1/questionnaire", as: "admin",
				body: `{"questions":[],"questions":[]}`},
				status: 422, errors: [][2]string{{"/questions", "duplicate_key"}}},
			{name: "a definition key twice, YAML", request: request{method: "PUT", path: "/api/v1/questionnaire", as: "admin", ctype: "application/yaml",
				body: "questions:\n  - id: a\n    kind: yes_no\n    id: b\n"},
				status: 422, errors: [][2]string{{"/questions/0/id", "duplicate_key"}}},
			{name: "the title is what it was", request: request{method: "GET", path: "/api/v1/incidents/{inc}", as: "agent"},
				status: 200, fields: map[string]any{"title": "Printer", "version": 1}},
		})
		t.Run("nothing was stored", func(t *testing.T) {
			if after := e.stored(t); !reflect.DeepEqual(after, before) {
				t.Errorf("stored before %+v, after %+v", before, after)
			}
		})
	})
}

// TestControlCharactersRefused: U+0000 and the other control characters but tab, line feed
// and carriage return, anywhere in a JSON body, are refused with 422 naming the field by
// its pointer, before anything is stored (issue 10, finding 1).
func TestControlCharactersRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.vars["contract"] = itoa(must(e.app.Organisations.CreateContract(t.Context(), sys, desk.Contract{OrgID: e.orgA.ID, Name: "Gold"}))(t).ID)
		before := e.stored(t)
		post := func(path, as, body string) request { return request{method: "POST", path: path, as: as, body: body} }
		const ok = `"urgency":"low","impact":"low"`
		scs := []scenario{}
		for _, c := range []string{`\u0000`, `\u0001`, `\u001b`, `\u001f`, `\u007f`, "\x7f", `\u0080`, `\u0085`, "\u009f"} {
			scs = append(scs, scenario{name: "a title with " + c, request: post("/api/v1/incidents", "clientUserA", `{"title":"a`+c+`b",`+ok+`}`),
				status: 422, errors: [][2]string{{"/title", "control_characters"}}})
		}
		scs = append(scs,
			scenario{name: "a NUL in a multi-line description", request: post("/api/v1/incidents", "clientUserA", `{"title":"t","description":"line\n\u0000",`+ok+`}`),
				status: 422, errors: [][2]string{{"/description", "control_characters"}}},
			scenario{name: "a NUL in an answer", request: post("/api/v1/reports", "clientUserA", `{"title":"t","accept_procedure":true,"answers":`+strings.Replace(urgentAnswers, `"down"`, `["down\u0000"]`, 1)+`}`),
				status: 422, errors: [][2]string{{"/answers/availability/0", "control_characters"}}},
			scenario{name: "a NUL in an answer's key", request: post("/api/v1/questionnaire/evaluate", "clientUserA", `{"answers":{"avail\u0000":"down"}}`),
				status: 422, errors: [][2]string{{"/answers/avail\x00", "control_characters"}}},
			scenario{name: "a NUL in a field nobody knows", request: post("/api/v1/incidents", "clientUserA", `{"title":"t","x\u0000":1,`+ok+`}`),
				status: 422, errors: [][2]string{{"/x\x00", "control_characters"}}},
			scenario{name: "a NUL in a report part", request: upload(t, "/api/v1/reports", "clientUserA", reportPart(`{"title":"t\u0000","accept_procedure":true,"answers":`+urgentAnswers+`}`)),
				status: 422, errors: [][2]string{{"/title", "control_characters"}}},
			scenario{name: "a NUL in a nested field", request: request{method: "PATCH", path: "/api/v1/contracts/{contract}", as: "admin",
				body: `{"targets":[{"priority":"P1\u0000","first_response_minutes":1,"resolution_minutes":1}]}`},
				status: 422, errors: [][2]string{{"/targets/0/priority", "control_characters"}}},
			scenario{name: "a NUL in a matrix cell", request: request{method: "PUT", path: "/api/v1/priority-matrix", as: "admin",
				body: `{"high":{"high":"P1\u0000"}}`},
				status: 422, errors: [][2]string{{"/high/high", "control_characters"}}},
			scenario{name: "a NUL in a user's password", request: post("/api/v1/users", "admin", `{"email":"n@example.com","name":"N","role":"agent","password":"long enough\u0000"}`),
				status: 422, errors: [][2]string{{"/password", "control_characters"}}},
			scenario{name: "a NUL in a definition", request: request{method: "PUT", path: "/api/v1/questionnaire", as: "admin", body: `{"questions":[{"id":"a\u0000"}]}`},
				status: 422, errors: [][2]string{{"/questions/0/id", "control_characters"}}},
			scenario{name: "a tab, a line feed and a carriage return are text", request: post("/api/v1/incidents/INC-000001/entries", "agent", `{"body":"a\tb\r\nc"}`),
				status: 404},
		)
		e.run(t, scs)
		t.Run("nothing was stored", func(t *testing.T) {
			if after := e.stored(t); !reflect.DeepEqual(after, before) {
				t.Errorf("stored before %+v, after %+v", before, after)
			}
		})
	})
}

// TestFieldPointers: every error names the field as the client sent it, by a JSON Pointer,
// and every missing required field at once (issue 10, finding 8).
func TestFieldPointers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.vars["contract"] = itoa(must(e.app.Organisations.CreateContract(t.Context(), sys, desk.Contract{OrgID: e.orgA.ID, Name: "Gold"}))(t).ID)
		post := func(path, as, body string) request { return request{method: "POST", path: path, as: as, body: body} }
		noGo := func(t *testing.T, r *result) {
			for _, w := range []string{"desk.", "int64", "[]", "map[", "Go value", "json:", "struct"} {
				if strings.Contains(string(r.body), w) {
					t.Errorf("the answer speaks Go (%q): %s", w, r.body)
				}
			}
		}
		e.run(t, []scenario{
			{name: "invalid UTF-8 in a nested field", request: request{method: "PATCH", path: "/api/v1/contracts/{contract}", as: "admin",
				body: "{\"targets\":[{\"priority\":\"P1\xff\",\"first_response_minutes\":1,\"resolution_minutes\":1}]}"},
				status: 422, errors: [][2]string{{"/targets/0/priority", "utf8"}}},
			{name: "invalid UTF-8 in an answer", request: post("/api/v1/questionnaire/evaluate", "clientUserA", "{\"answers\":{\"availability\":\"\xc3\"}}"),
				status: 422, errors: [][2]string{{"/answers/availability", "utf8"}}},
			{name: "a key with / and ~ is escaped", request: post("/api/v1/questionnaire/evaluate", "clientUserA", `{"answers":{"a/b~c":"x"}}`),
				status: 422, errors: [][2]string{{"/answers/a~1b~0c", "unknown_question"}}},
			{name: "a key with a dot stays one key", request: post("/api/v1/questionnaire/evaluate", "clientUserA", `{"answers":{"a.b[0]":"x"}}`),
				status: 422, errors: [][2]string{{"/answers/a.b[0]", "unknown_question"}}},
			{name: "a number for a string in a list", request: post("/api/v1/changes", "agent", `{"title":"t","incident_ids":["1"]}`),
				status: 422, errors: [][2]string{{"/incident_ids/0", "type"}}, check: noGo},
			{name: "an id out of range", request: post("/api/v1/incidents", "clientUserA", `{"title":"t","urgency":"low","impact":"low","component_ids":[1,99999999999999999999]}`),
				status: 422, errors: [][2]string{{"/component_ids/1", "type"}}, check: noGo},
			{name: "the body as a whole", request: post("/api/v1/incidents", "clientUserA", `[]`),
				status: 422, errors: [][2]string{{"", "type"}}, check: noGo},
			{name: "a matrix cell", request: request{method: "PUT", path: "/api/v1/priority-matrix", as: "admin",
				body: `{"high":{"high":"P9","normal":"P2","low":"P3"},"normal":{"high":"P2","normal":"P3","low":"P4"},"low":{"high":"P3","normal":"P4","low":"P5"}}`},
				status: 422, errors: [][2]string{{"/high/high", "one_of"}}},
			{name: "a matrix key that is no level", request: request{method: "PUT", path: "/api/v1/priority-matrix", as: "admin",
				body: `{"a.b":{},"high":{"high":"P1","normal":"P2","low":"P3"},"normal":{"high":"P2","normal":"P3","low":"P4"},"low":{"high":"P3","normal":"P4","low":"P5"}}`},
				status: 422, errors: [][2]string{{"/a.b", "one_of"}}},
			{name: "a stale-after key that is no priority", request: request{method: "PUT", path: "/api/v1/settings/stale-after", as: "admin",
				body: `{"minutes":{"P1.5":10,"P1":60,"P2":60,"P3":60,"P4":60,"P5":60}}`},
				status: 422, errors: [][2]string{{"/minutes/P1.5", "priority"}}},
			{name: "a definition's wrong type, JSON", request: request{method: "PUT", path: "/api/v1/questionnaire", as: "admin",
				body: `{"questions":[{"id":"a","kind":5}]}`},
				status: 422, errors: [][2]string{{"/questions/0/kind", "type"}}, check: noGo},
			{name: "a definition's wrong type, YAML", request: request{method: "PUT", path: "/api/v1/questionnaire", as: "admin", ctype: "application/yaml",
				body: "questions:\n  - id: a\n    options: yes\n"},
				status: 422, errors: [][2]string{{"/questions/0/options", "type"}}, check: noGo},
			{name: "a definition that does not parse", request: request{method: "PUT", path: "/api/v1/questionnaire", as: "admin", ctype: "application/yaml",
				body: "questions: [\n"},
				status: 422, errors: [][2]string{{"", "format"}}},
			// Every missing required field of every create route, at once.
			{name: "a contract", request: post("/api/v1/contracts", "admin", `{}`),
				status: 422, errors: [][2]string{{"/organisation_id", "required"}, {"/name", "required"}}},
			{name: "a contract for no organisation", request: post("/api/v1/contracts", "admin", `{"organisation_id":999999}`),
				status: 422, errors: [][2]string{{"/organisation_id", "exists"}, {"/name", "required"}}},
			{name: "an organisation", request: post("/api/v1/organisations", "admin", `{}`),
				status: 422, errors: [][2]string{{"/name", "required"}}},
			{name: "a user", request: post("/api/v1/users", "admin", `{}`),
				status: 422, errors: [][2]string{{"/email", "required"}, {"/name", "required"}, {"/role", "required"}}},
			{name: "a component group", request: post("/api/v1/component-groups", "admin", `{}`),
				status: 422, errors: [][2]string{{"/name", "required"}}},
			{name: "a component", request: post("/api/v1/components", "admin", `{}`),
				status: 422, errors: [][2]string{{"/name", "required"}}},
			{name: "an incident", request: post("/api/v1/incidents", "agent", `{}`),
				status: 422, errors: [][2]string{{"/title", "required"}, {"/urgency", "required"}, {"/impact", "required"}, {"/organisation_id", "required"}}},
			{name: "a report", request: post("/api/v1/reports", "agent", `{}`),
				status: 422, errors: [][2]string{{"/title", "required"}, {"/accept_procedure", "required"}, {"/organisation_id", "required"}, {"/reporter_id", "required"}, {"/answers/availability", "required"}}},
			{name: "a change request", request: post("/api/v1/changes", "agent", `{}`),
				status: 422, errors: [][2]string{{"/title", "required"}, {"/incident_ids", "required"}}},
			{name: "a supplier", request: post("/api/v1/suppliers", "admin", `{}`),
				status: 422, errors: [][2]string{{"/name", "required"}}},
			{name: "a webhook", request: post("/api/v1/webhooks", "admin", `{}`),
				status: 422, errors: [][2]string{{"/url", "required"}, {"/events", "required"}}},
			{name: "a calendar", request: request{method: "PUT", path: "/api/v1/calendars/night", as: "admin", body: `{}`},
				status: 422, errors: [][2]string{{"/name", "required"}}},
			{name: "an evaluation", request: post("/api/v1/questionnaire/evaluate", "agent", `{}`),
				status: 422, errors: [][2]string{{"/answers/availability", "required"}}},
			{name: "stale-after minutes", request: request{method: "PUT", path: "/api/v1/settings/stale-after", as: "admin", body: `{}`},
				status: 422, errors: [][2]string{{"/minutes/P1", "required"}, {"/minutes/P5", "required"}}},
			{name: "notification preferences", request: request{method: "PUT", path: "/api/v1/me/notification-preferences", as: "agent", body: `{}`},
				status: 422, errors: [][2]string{{"/preferences", "required"}}},
			{name: "a query parameter keeps its name", request: request{method: "GET", path: "/api/v1/incidents?limit=0", as: "agent"},
				status: 422, errors: [][2]string{{"limit", "range"}}},
		})
	})
}
