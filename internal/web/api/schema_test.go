package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// spec is the OpenAPI document, and a validator for the subset of JSON Schema it uses:
// type, properties, required, items, enum, nullable, $ref to components and
// additionalProperties (false, or a schema for each undeclared property), plus format
// date-time; a body declared as a binary string is not read. Any other keyword that would
// constrain a value is refused, so the document cannot claim more than this test checks.
type spec struct {
	doc map[string]any
}

// loadSpec fetches the document the server serves.
func loadSpec(t *testing.T, base string) *spec {
	t.Helper()
	res, err := http.Get(base + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /api/v1/openapi.json = %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	return parseSpec(t, b)
}

func parseSpec(t *testing.T, b []byte) *spec {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("the OpenAPI document is not JSON: %v", err)
	}
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.") {
		t.Fatalf("openapi = %q, want 3.x", v)
	}
	return &spec{doc: doc}
}

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }

// paths returns the documented path templates.
func (s *spec) paths() map[string]any { return obj(s.doc["paths"]) }

// operations lists "METHOD /path" for every documented operation.
func (s *spec) operations() []string {
	var out []string
	for p, item := range s.paths() {
		for m := range obj(item) {
			if slices.Contains([]string{"get", "put", "post", "delete", "patch", "head", "options"}, m) {
				out = append(out, strings.ToUpper(m)+" "+p)
			}
		}
	}
	sort.Strings(out)
	return out
}

// match finds the path template for a concrete path; literal segments beat parameters.
func (s *spec) match(path string) (string, bool) {
	segs := strings.Split(path, "/")
	best, bestScore := "", -1
	for tmpl := range s.paths() {
		ts := strings.Split(tmpl, "/")
		if len(ts) != len(segs) {
			continue
		}
		score := 0
		for i := range ts {
			if strings.HasPrefix(ts[i], "{") {
				continue
			}
			if ts[i] != segs[i] {
				score = -1
				break
			}
			score++
		}
		if score > bestScore {
			best, bestScore = tmpl, score
		}
	}
	return best, bestScore >= 0
}

// resolve follows a local $ref ("#/components/…").
func (s *spec) resolve(v any) (map[string]any, error) {
	m := obj(v)
	for range 10 {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m, nil
		}
		var cur any = s.doc
		for seg := range strings.SplitSeq(strings.TrimPrefix(ref, "#/"), "/") {
			cur = obj(cur)[seg]
		}
		if cur == nil {
			return nil, fmt.Errorf("$ref %s resolves to nothing", ref)
		}
		m = obj(cur)
	}
	return nil, fmt.Errorf("$ref loop")
}

// check validates an answer against the response the document declares for the path,
// method and status. It returns the path template and what does not conform.
func (s *spec) check(method, path string, r *result) (string, []string) {
	tmpl, ok := s.match(path)
	if !ok {
		return "", []string{"the path is not documented"}
	}
	op := obj(obj(s.paths()[tmpl])[strings.ToLower(method)])
	var resp map[string]any
	var err error
	switch {
	case op == nil && r.status == 405: // the answer to a method no operation has
		resp, err = s.resolve(map[string]any{"$ref": "#/components/responses/MethodNotAllowed"})
	case op == nil:
		return tmpl, []string{method + " is not documented for " + tmpl}
	default:
		resp, err = s.resolve(obj(op["responses"])[strconv.Itoa(r.status)])
	}
	if err != nil || resp == nil {
		return tmpl, []string{fmt.Sprintf("status %d is not documented for %s %s", r.status, method, tmpl)}
	}
	content := obj(resp["content"])
	if len(content) == 0 {
		if len(r.body) != 0 {
			return tmpl, []string{"a body where the document declares none"}
		}
		return tmpl, nil
	}
	ct := strings.TrimSpace(strings.Split(r.header.Get("Content-Type"), ";")[0])
	media := obj(content[ct])
	if media == nil { // a media type range: image/*, */*
		if major, _, ok := strings.Cut(ct, "/"); ok && ct != "" {
			media = obj(content[major+"/*"])
		}
		if media == nil && ct != "" {
			media = obj(content["*/*"])
		}
	}
	if media == nil {
		return tmpl, []string{fmt.Sprintf("Content-Type %q is not declared for status %d", ct, r.status)}
	}
	if sch := obj(media["schema"]); sch["type"] == "string" && sch["format"] == "binary" {
		return tmpl, nil // bytes, not JSON: any content of the declared type conforms
	}
	var v any
	if err := json.Unmarshal(r.body, &v); err != nil {
		return tmpl, []string{"the body is not JSON: " + err.Error()}
	}
	var errs []string
	s.validate(media["schema"], v, "$", &errs)
	return tmpl, errs
}

// annotations are keywords that document without constraining what the validator reads.
var annotations = []string{"description", "format", "example", "title", "default", "minimum", "maximum",
	"maxLength", "minLength", "pattern", "readOnly"}

// validate checks v against schema, appending what does not conform to errs.
func (s *spec) validate(schema any, v any, at string, errs *[]string) {
	fail := func(format string, args ...any) { *errs = append(*errs, at+": "+fmt.Sprintf(format, args...)) }
	sch, err := s.resolve(schema)
	if err != nil || sch == nil {
		fail("schema: %v", err)
		return
	}
	for k := range sch {
		switch k {
		case "type", "properties", "required", "items", "enum", "nullable", "additionalProperties", "$ref":
		default:
			if !slices.Contains(annotations, k) {
				fail("schema keyword %q is not supported by this validator", k)
			}
		}
	}
	if v == nil {
		if sch["nullable"] != true {
			fail("null, but the schema is not nullable")
		}
		return
	}
	switch typ, _ := sch["type"].(string); typ {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			fail("want an object, got %T", v)
			return
		}
		props := obj(sch["properties"])
		for _, req := range anySlice(sch["required"]) {
			if _, ok := m[req.(string)]; !ok {
				fail("required property %q is missing", req)
			}
		}
		ap, hasAP := sch["additionalProperties"]
		apSchema, apIsSchema := ap.(map[string]any)
		if hasAP && ap != false && !apIsSchema {
			fail("additionalProperties must be false or a schema")
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p, declared := props[k]
			switch {
			case declared:
				s.validate(p, m[k], at+"."+k, errs)
			case apIsSchema:
				s.validate(apSchema, m[k], at+"."+k, errs)
			case hasAP:
				fail("property %q is not declared (additionalProperties: false)", k)
			}
		}
	case "array":
		xs, ok := v.([]any)
		if !ok {
			fail("want an array, got %T", v)
			return
		}
		for i, x := range xs {
			s.validate(sch["items"], x, fmt.Sprintf("%s[%d]", at, i), errs)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			fail("want a string, got %T", v)
			return
		}
		if sch["format"] == "date-time" {
			if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
				fail("%q is not a date-time", str)
			}
		}
	case "integer":
		f, ok := v.(float64)
		if !ok || f != math.Trunc(f) {
			fail("want an integer, got %v", v)
		}
	case "number":
		if _, ok := v.(float64); !ok {
			fail("want a number, got %T", v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			fail("want a boolean, got %T", v)
		}
	case "":
		fail("the schema has no type")
	default:
		fail("unknown type %q", typ)
	}
	if enum, ok := sch["enum"]; ok && !slices.ContainsFunc(anySlice(enum), func(x any) bool { return x == v }) {
		fail("%v is not one of %v", v, enum)
	}
}

func anySlice(v any) []any { xs, _ := v.([]any); return xs }

// TestSchemaValidatorCatchesMistakes makes sure the validator is not lenient: each broken
// value must be reported.
func TestSchemaValidatorCatchesMistakes(t *testing.T) {
	t.Parallel()
	s := &spec{doc: map[string]any{"components": map[string]any{"schemas": map[string]any{
		"Thing": map[string]any{
			"type": "object", "required": []any{"id", "when"}, "additionalProperties": false,
			"properties": map[string]any{
				"id":    map[string]any{"type": "integer"},
				"when":  map[string]any{"type": "string", "format": "date-time"},
				"kind":  map[string]any{"type": "string", "enum": []any{"a", "b"}},
				"maybe": map[string]any{"type": "integer", "nullable": true},
				"tags":  map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
				"ok":    map[string]any{"type": "boolean"},
				"map": map[string]any{"type": "object", "additionalProperties": map[string]any{
					"type": "array", "items": map[string]any{"type": "string"}}},
			},
		},
	}}}}
	ref := map[string]any{"$ref": "#/components/schemas/Thing"}
	good := `{"id":1,"when":"2026-01-02T03:04:05.678Z","kind":"a","maybe":null,"tags":["x"],"ok":true,"map":{"q":["a"],"r":[]}}`
	bad := map[string]string{
		"missing required":  `{"id":1}`,
		"not an integer":    `{"id":1.5,"when":"2026-01-02T03:04:05Z"}`,
		"not a date-time":   `{"id":1,"when":"yesterday"}`,
		"not in enum":       `{"id":1,"when":"2026-01-02T03:04:05Z","kind":"c"}`,
		"null not nullable": `{"id":null,"when":"2026-01-02T03:04:05Z"}`,
		"extra property":    `{"id":1,"when":"2026-01-02T03:04:05Z","extra":1}`,
		"wrong item":        `{"id":1,"when":"2026-01-02T03:04:05Z","tags":[1]}`,
		"not a boolean":     `{"id":1,"when":"2026-01-02T03:04:05Z","ok":"yes"}`,
		"not an object":     `[1]`,
		"wrong map value":   `{"id":1,"when":"2026-01-02T03:04:05Z","map":{"q":"a"}}`,
		"wrong map item":    `{"id":1,"when":"2026-01-02T03:04:05Z","map":{"q":[1]}}`,
	}
	var v any
	_ = json.Unmarshal([]byte(good), &v)
	var errs []string
	s.validate(ref, v, "$", &errs)
	if len(errs) > 0 {
		t.Errorf("valid value refused: %v", errs)
	}
	for name, text := range bad {
		var v any
		_ = json.Unmarshal([]byte(text), &v)
		var errs []string
		s.validate(ref, v, "$", &errs)
		if len(errs) == 0 {
			t.Errorf("%s: %s accepted", name, text)
		}
	}
	var errs2 []string
	s.validate(map[string]any{"type": "string", "oneOf": []any{}}, "x", "$", &errs2)
	if len(errs2) == 0 {
		t.Errorf("an unsupported keyword was accepted silently")
	}
}
