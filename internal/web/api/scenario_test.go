package api_test

import (
	"strconv"
	"strings"
	"testing"
)

// absent, as an expected field value, means the field must not be there.
type absent struct{}

// scenario is one call and what its answer must hold, in the manner of PocketBase's
// ApiScenario. Scenarios of a table run in order and may build on each other.
type scenario struct {
	name string
	request
	status      int
	contains    []string          // substrings of the body
	notContains []string          // strings the body must not hold
	fields      map[string]any    // dotted JSON path → value; absent{}: no such field; "{name}": a saved value
	errors      [][2]string       // field, rule pairs the problem must name
	save        map[string]string // variable → dotted JSON path, for later scenarios
	check       func(t *testing.T, r *result)
	wantType    string // the Content-Type of a success; application/json when empty
}

// run runs the scenarios in order, each as a subtest.
func (e *env) run(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			r := e.do(t, sc.request)
			e.assert(t, sc, r)
		})
	}
}

func (e *env) assert(t *testing.T, sc scenario, r *result) {
	t.Helper()
	if r.status != sc.status {
		t.Fatalf("status %d, want %d; body: %s", r.status, sc.status, r.body)
	}
	ct := r.header.Get("Content-Type")
	switch {
	case r.status == 204:
		if len(r.body) != 0 {
			t.Errorf("204 with a body: %s", r.body)
		}
	case r.status >= 400 && ct != "application/problem+json":
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	case r.status < 300 && sc.wantType == "" && ct != "application/json":
		t.Errorf("Content-Type %q, want application/json", ct)
	case r.status < 300 && sc.wantType != "" && ct != sc.wantType:
		t.Errorf("Content-Type %q, want %s", ct, sc.wantType)
	}
	if r.status == 201 && !strings.HasPrefix(r.header.Get("Location"), baseURL+"/api/v1/") {
		t.Errorf("201 with Location %q", r.header.Get("Location"))
	}
	body := string(r.body)
	for _, s := range sc.contains {
		if !strings.Contains(body, e.expand(s)) {
			t.Errorf("body does not contain %q: %s", e.expand(s), body)
		}
	}
	for _, s := range sc.notContains {
		if strings.Contains(body, e.expand(s)) {
			t.Errorf("body contains %q: %s", e.expand(s), body)
		}
	}
	for path, want := range sc.fields {
		got, ok := get(r.json, path)
		if _, wantAbsent := want.(absent); wantAbsent {
			if ok {
				t.Errorf("%s = %s, want no such field", path, jsonText(got))
			}
			continue
		}
		if str, isString := want.(string); isString {
			// "{name}" stands for a saved value; a number when the answer has one there.
			want = e.expand(str)
			if n, err := strconv.ParseInt(want.(string), 10, 64); err == nil {
				if _, isNumber := got.(float64); isNumber {
					want = n
				}
			}
		}
		if !ok {
			t.Errorf("%s missing, want %s; body: %s", path, jsonText(want), body)
		} else if jsonText(got) != jsonText(want) {
			t.Errorf("%s = %s, want %s", path, jsonText(got), jsonText(want))
		}
	}
	for _, fr := range sc.errors {
		if !r.hasFieldError(fr[0], fr[1]) {
			t.Errorf("problem does not name field %q with rule %q: %s", fr[0], fr[1], body)
		}
	}
	for name, path := range sc.save {
		v, ok := get(r.json, path)
		if !ok {
			t.Fatalf("cannot save %s: no %s in %s", name, path, body)
		}
		s, isString := v.(string)
		if !isString {
			s = jsonText(v)
		}
		e.vars[name] = s
	}
	if sc.check != nil {
		sc.check(t, r)
	}
}
