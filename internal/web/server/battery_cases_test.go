package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf16"
)

// The malformed-input battery's cases, generated from the OpenAPI document: which
// operations there are, what each one's parameters and body look like, and what to send
// instead. battery_test.go sends them.

// oaSchema is the part of an OpenAPI schema the battery reads.
type oaSchema struct {
	Ref                  string               `json:"$ref"`
	Type                 string               `json:"type"`
	Properties           map[string]*oaSchema `json:"properties"`
	Required             []string             `json:"required"`
	Items                *oaSchema            `json:"items"`
	Enum                 []any                `json:"enum"`
	MaxLength            *int                 `json:"maxLength"`
	MaxItems             *int                 `json:"maxItems"`
	Maximum              *float64             `json:"maximum"`
	ReadOnly             bool                 `json:"readOnly"`
	Pattern              string               `json:"pattern"`
	OneOf                []*oaSchema          `json:"oneOf"`
	AdditionalProperties json.RawMessage      `json:"additionalProperties"`
}

// oaParam is a path or query parameter.
type oaParam struct {
	Ref    string    `json:"$ref"`
	Name   string    `json:"name"`
	In     string    `json:"in"`
	Schema *oaSchema `json:"schema"`
}

// oaOperation is one method on one path of the document.
type oaOperation struct {
	Method, Path string // GET, /api/v1/incidents/{id}
	Params       []oaParam
	Bodies       map[string]*oaSchema // media type → schema
	// Public says the operation needs no sign-in (security: []).
	Public bool
	// StaffOnly says the summary reserves the operation to the provider's staff: "(admin)",
	// "(admin; …)", "(desk)", "(staff…)", unless it names what a client does too.
	StaffOnly bool
}

func (o oaOperation) key() string { return o.Method + " " + o.Path }

// oaDoc is the OpenAPI document.
type oaDoc struct {
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas    map[string]*oaSchema `json:"schemas"`
		Parameters map[string]oaParam   `json:"parameters"`
	} `json:"components"`
}

// operations lists every operation of the document, in a fixed order: by path, and on each
// path the methods that remove or change things last, so that a DELETE that (wrongly)
// succeeds leaves the other operations their object.
func (d *oaDoc) operations() ([]oaOperation, error) {
	var ops []oaOperation
	rank := map[string]int{"GET": 0, "PUT": 1, "PATCH": 2, "POST": 3, "DELETE": 4}
	for path, item := range d.Paths {
		var shared []oaParam
		if raw, ok := item["parameters"]; ok {
			if err := json.Unmarshal(raw, &shared); err != nil {
				return nil, fmt.Errorf("%s parameters: %w", path, err)
			}
		}
		for m, raw := range item {
			if m == "parameters" {
				continue
			}
			var op struct {
				Summary     string             `json:"summary"`
				Security    *[]json.RawMessage `json:"security"`
				Parameters  []oaParam          `json:"parameters"`
				RequestBody *struct {
					Content map[string]struct {
						Schema *oaSchema `json:"schema"`
					} `json:"content"`
				} `json:"requestBody"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, fmt.Errorf("%s %s: %w", m, path, err)
			}
			o := oaOperation{Method: strings.ToUpper(m), Path: path, Bodies: map[string]*oaSchema{},
				Public: op.Security != nil && len(*op.Security) == 0, StaffOnly: staffOnly.MatchString(op.Summary) && !strings.Contains(op.Summary, "(client)") && !strings.Contains(op.Summary, "or (staff)")}
			for _, p := range append(slices.Clone(shared), op.Parameters...) {
				if p.Ref != "" {
					p = d.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
				}
				o.Params = append(o.Params, p)
			}
			if op.RequestBody != nil {
				for mt, c := range op.RequestBody.Content {
					o.Bodies[mt] = d.resolve(c.Schema)
				}
			}
			ops = append(ops, o)
		}
	}
	slices.SortFunc(ops, func(a, b oaOperation) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return rank[a.Method] - rank[b.Method]
	})
	return ops, nil
}

// staffOnly finds the role a summary reserves an operation to.
var staffOnly = regexp.MustCompile(`\((admin|desk|staff)[);]`)

// resolve follows a $ref.
func (d *oaDoc) resolve(s *oaSchema) *oaSchema {
	for s != nil && s.Ref != "" {
		s = d.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
	}
	return s
}

// bcase is one request of the battery.
type bcase struct {
	name   string // what is malformed, e.g. `title: a NUL`; with the operation, its key in knownFailing
	method string
	target string // path and query, escaped as sent
	ctype  string // the Content-Type; "" sends none
	body   []byte
	// stream, when positive, sends that many bytes of filler after body (a body too large
	// to hold in memory once per case).
	stream int64
	// field is the property a case breaks, as a path ("targets.priority"): a 422 must name
	// it. "" for cases about the body as a whole.
	field string
	// orParent lets a 422 name the object that holds field instead: the case takes a value
	// away (null, empty), which may break a rule of the object as a whole.
	orParent bool
	// caseKey says the case renames a key to another case: it must not be accepted.
	caseKey bool
	// required lists the properties a 422 must name (the body leaves them all out).
	required []string
	// param and value are the path parameter a case sets, and its value (unescaped).
	param *oaParam
	value string
}

// gen generates the cases of one operation. Its random choices come from one seeded
// generator, so every run sends the same requests.
type gen struct {
	doc *oaDoc
	rng *rand.Rand
}

// badIDs are path parameter values that are no id: signs, padding, NUL, huge and negative
// numbers, encodings and text.
var badIDs = []struct{ name, value string }{
	{"plus sign", "%2B1"}, {"leading zeros", "0001"}, {"NUL", "%00"}, {"NUL after digits", "1%00"},
	{"spaces", "%201%20"}, {"negative", "-1"}, {"zero", "0"}, {"int64 max", "9223372036854775807"},
	{"past int64", "9223372036854775808"}, {"huge", strings.Repeat("9", 400)}, {"fraction", "1.5"},
	{"exponent", "1e3"}, {"hex", "0x1"}, {"invalid UTF-8", "%FF%FE"}, {"overlong slash", "%C0%AF"},
	{"encoded slash", "1%2F2"}, {"dot dot", ".."}, {"long text", strings.Repeat("x", 5000)},
	{"number prefix NUL", "INC-%00"}, {"number prefix huge", "INC-" + strings.Repeat("9", 40)},
	{"lone surrogate (CESU-8)", "%ED%A0%80"}, {"bidi override", "%E2%80%AE1"},
}

// badQuery are values of a query parameter.
var badQuery = []struct{ name, value string }{
	{"NUL", "%00"}, {"NUL in text", "a%00b"}, {"invalid UTF-8", "%FF"}, {"lone surrogate (CESU-8)", "%ED%A0%80"},
	{"plus sign", "%2B1"}, {"leading zeros", "0001"}, {"negative", "-1"}, {"huge", strings.Repeat("9", 40)},
	{"long", strings.Repeat("q", 10000)}, {"empty", ""}, {"control", "%07"}, {"bidi override", "%E2%80%AE"},
	{"percent", "%25"}, {"LIKE wildcards", "%25_%5C"}, {"quote", "%27%22"},
}

// wrongTypes returns values of other JSON types than the schema's, and for its own type
// values that break its bounds.
func (g *gen) wrongTypes(s *oaSchema) []struct{ name, value string } {
	all := []struct{ name, value string }{
		{"a string", `"x"`}, {"a number", `1`}, {"a fraction", `1.5`}, {"true", `true`},
		{"an object", `{}`}, {"an array", `[]`}, {"null", `null`},
	}
	own := map[string][]string{"string": {"a string"}, "integer": {"a number"}, "number": {"a number", "a fraction"},
		"boolean": {"true"}, "object": {"an object"}, "array": {"an array"}}
	var out []struct{ name, value string }
	for _, v := range all {
		if !slices.Contains(own[s.Type], v.name) {
			out = append(out, v)
		}
	}
	switch s.Type {
	case "integer", "number":
		out = append(out, struct{ name, value string }{"a number as a string", `"1"`},
			struct{ name, value string }{"negative", `-1`},
			struct{ name, value string }{"zero", `0`},
			struct{ name, value string }{"past int64", `9223372036854775808`},
			struct{ name, value string }{"huge exponent", `1e400`},
			struct{ name, value string }{"negative huge", `-99999999999999999999999`})
		if s.Maximum != nil {
			out = append(out, struct{ name, value string }{"over the maximum", fmt.Sprint(int64(*s.Maximum) + 1)})
		}
	case "boolean":
		out = append(out, struct{ name, value string }{"a boolean as a string", `"true"`})
	case "array":
		out = append(out, struct{ name, value string }{"an array of null", `[null]`},
			struct{ name, value string }{"an array of arrays", `[[]]`},
			struct{ name, value string }{"an array of wrong scalars", `[true,"x",-1,1.5]`},
			struct{ name, value string }{"a long array", "[" + strings.Repeat(`1,`, 20000) + "1]"},
			struct{ name, value string }{"a long array of strings", "[" + strings.Repeat(`"x",`, 20000) + `"x"]`})
		if s.MaxItems != nil {
			out = append(out, struct{ name, value string }{"over maxItems", "[" + strings.Repeat(`"x",`, *s.MaxItems) + `"x"]`})
		}
	}
	return out
}

// badStrings returns malformed text for a string property.
func (g *gen) badStrings(s *oaSchema) []struct{ name, value string } {
	max := 20000
	if s.MaxLength != nil {
		max = *s.MaxLength
	}
	out := []struct{ name, value string }{
		{"a NUL", `"a\u0000b"`}, {"only NUL", `"\u0000"`}, {"a control character", `"a\u0001b"`},
		{"a lone surrogate escape", `"a\ud800b"`}, {"a lone low surrogate escape", `"\udc00"`},
		{"invalid UTF-8", "\"a\xffb\""}, {"an overlong encoding", "\"a\xc0\xafb\""}, {"a truncated sequence", "\"a\xe2\x82\""},
		{"only zero-width characters", `"\u200b\u200c\u200d\ufeff"`}, {"a right-to-left override", `"invoice \u202egnp.exe"`},
		{"a line separator", `"a\u2028b"`}, {"a newline", `"a\nb"`}, {"only spaces", `"   "`}, {"empty", `""`},
		{"one over maxLength", `"` + strings.Repeat("é", max+1) + `"`},
		{"an astral character over maxLength", `"` + strings.Repeat("😀", max+1) + `"`},
		{"NUL over maxLength", `"` + strings.Repeat(`\u0000`, max+1) + `"`},
	}
	if len(s.Enum) > 0 {
		e := fmt.Sprint(s.Enum[0])
		out = append(out, struct{ name, value string }{"an enum value in upper case", `"` + strings.ToUpper(e) + `"`},
			struct{ name, value string }{"an enum value with a NUL", `"` + e + `\u0000"`},
			struct{ name, value string }{"an enum value with spaces", `" ` + e + ` "`})
	}
	return out
}

// set returns the JSON object base with key set to raw (added when missing), keeping
// base's other members in their order. base must be an object.
func set(base []byte, key string, raw string) []byte {
	var m orderedObject
	if err := json.Unmarshal(base, &m); err != nil {
		panic(fmt.Sprintf("battery: base body %s: %v", base, err))
	}
	m.set(key, json.RawMessage(raw))
	return m.marshal()
}

// orderedObject is a JSON object whose members keep their order (and may hold invalid
// JSON text, which is the point).
type orderedObject struct {
	keys []string
	vals map[string]json.RawMessage
}

func (o *orderedObject) UnmarshalJSON(b []byte) error {
	o.vals = map[string]json.RawMessage{}
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil { // {
		return err
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return err
		}
		o.set(t.(string), v)
	}
	return nil
}

func (o *orderedObject) set(k string, v json.RawMessage) {
	if o.vals == nil {
		o.vals = map[string]json.RawMessage{}
	}
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

func (o *orderedObject) marshal() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(o.vals[k])
	}
	b.WriteByte('}')
	return b.Bytes()
}

// member returns base's value of key, or nil.
func member(base []byte, key string) json.RawMessage {
	var m orderedObject
	if json.Unmarshal(base, &m) != nil {
		return nil
	}
	return m.vals[key]
}

// swapCase turns "title" into "TiTlE".
func swapCase(s string) string {
	r := []rune(s)
	for i := range r {
		if i%2 == 0 {
			r[i] = []rune(strings.ToUpper(string(r[i])))[0]
		}
	}
	return string(r)
}

// utf16LE encodes s as UTF-16 (little endian) with a byte order mark.
func utf16LE(s string) []byte {
	out := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

// jsonCases returns the cases of an operation with a JSON body: the body as a whole
// (malformed, wrongly typed, encoded, sized and labelled), then every property of its
// schema and of the objects one level down.
func (g *gen) jsonCases(method, target string, s *oaSchema, base []byte) []bcase {
	const ct = "application/json"
	c := func(name string, body []byte) bcase {
		return bcase{name: name, method: method, target: target, ctype: ct, body: body}
	}
	first := firstString(g.doc, s, base)
	random := make([]byte, 64)
	for i := range random {
		random[i] = byte(g.rng.IntN(256))
	}
	out := []bcase{
		c("body: empty", nil), c("body: whitespace", []byte(" \n\t ")),
		c("body: {", []byte(`{`)), c(`body: {"`, []byte(`{"`)), c(`body: key without value`, []byte(`{"a":}`)),
		c("body: trailing comma", append(bytes.TrimSuffix(slices.Clone(base), []byte("}")), []byte(`,}`)...)),
		c("body: single quotes", []byte(`{'a':1}`)), c("body: bad literal", []byte(`{"a":tru}`)),
		c("body: bad escape", []byte(`{"a":"\x"}`)), c("body: unterminated string", []byte(`{"a":"abc`)),
		c("body: two objects", append(slices.Clone(base), base...)), c("body: trailing garbage", append(slices.Clone(base), " x"...)),
		c("body: leading zero", []byte(`{"a":01}`)), c("body: NaN", []byte(`{"a":NaN}`)),
		c("body: comment", append([]byte("/* c */"), base...)), c("body: byte order mark", append([]byte("\xef\xbb\xbf"), base...)),
		c("body: raw NUL", []byte("{\"a\x00\":1}")), c("body: random bytes", random),
		c("body: null", []byte(`null`)), c("body: an array", []byte(`[]`)), c("body: an array of the object", append(append([]byte("["), base...), ']')),
		c("body: a string", []byte(`"x"`)), c("body: a number", []byte(`1`)), c("body: true", []byte(`true`)),
		c("body: nested arrays past the decoder's depth", []byte(strings.Repeat("[", 20000)+strings.Repeat("]", 20000))),
		c("body: nested objects past the decoder's depth", []byte(strings.Repeat(`{"a":`, 20000)+"1"+strings.Repeat("}", 20000))),
		c("body: UTF-16", utf16LE(string(base))),
		c("body: invalid UTF-8 in a key", append([]byte("{\"\xff\":1,"), base[1:]...)),
		c("body: an empty key", set(base, "", `1`)),
		c("body: a duplicate key", dupFirst(base)),
		c("body: over 1 MiB of whitespace", append(append([]byte("{"), bytes.Repeat([]byte(" "), 1<<20)...), base[1:]...)),
	}
	var required []string
	for _, r := range s.Required {
		if ps := g.doc.resolve(s.Properties[r]); ps != nil && !ps.ReadOnly {
			required = append(required, r)
		}
	}
	out = append(out, bcase{name: "body: an empty object", method: method, target: target, ctype: ct, body: []byte("{}"), required: required})
	if first != "" {
		out = append(out, c("body: over 1 MiB in "+first, set(base, first, `"`+strings.Repeat("x", 1<<20+1)+`"`)))
	}
	for _, mt := range []struct{ name, ct string }{
		{"none", ""}, {"text/plain", "text/plain"}, {"a form", "application/x-www-form-urlencoded"},
		{"multipart without boundary", "multipart/form-data"}, {"Latin-1", "application/json; charset=iso-8859-1"},
		{"UTF-16", "application/json; charset=utf-16"}, {"garbage", "application/json;;;="}, {"jsonx", "application/jsonx"},
		{"XML", "application/xml"}, {"a non-ASCII byte", "application/js\xf6n"}, {"a huge parameter", "application/json; x=" + strings.Repeat("y", 4000)},
	} {
		out = append(out, bcase{name: "content type: " + mt.name, method: method, target: target, ctype: mt.ct, body: base})
	}
	out = append(out, g.propertyCases(method, target, s, base, "", 0)...)
	return out
}

// propertyCases sets each property of s in base to malformed values; objects and arrays
// of objects are entered once (depth 1), inside base's own value where it has one.
func (g *gen) propertyCases(method, target string, s *oaSchema, base []byte, prefix string, depth int) []bcase {
	var out []bcase
	s = g.doc.resolve(s)
	if s == nil {
		return nil
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range s.Properties {
			if !yield(k) {
				return
			}
		}
	})
	add := func(name, field string, body []byte) {
		out = append(out, bcase{name: name, method: method, target: target, ctype: "application/json", body: body, field: field})
	}
	// A schema without properties (a map, like answers) gets keys of its own.
	if len(names) == 0 && s.Type == "object" || len(s.AdditionalProperties) > 0 && string(s.AdditionalProperties) != "false" {
		for _, v := range []struct{ name, key, value string }{
			{"a NUL key", `a\u0000`, `"x"`}, {"a NUL value", "security", `"a\u0000"`}, {"a long key", strings.Repeat("k", 5000), `"x"`},
			{"a number value", "security", `1`}, {"an object value", "security", `{}`}, {"an array of objects", "security", `[{}]`},
		} {
			add(prefix+"{key}: "+v.name, "", set(base, v.key, v.value))
		}
		var many strings.Builder
		many.WriteString("{")
		for i := range 20000 {
			fmt.Fprintf(&many, `"k%d":"x",`, i)
		}
		many.WriteString(`"k":"x"}`)
		add(prefix+"{key}: 20000 unknown keys", "", []byte(many.String()))
	}
	for _, p := range names {
		ps := g.doc.resolve(s.Properties[p])
		if ps == nil || ps.ReadOnly {
			continue
		}
		at := prefix + p
		bad := g.wrongTypes(ps)
		if ps.Type == "string" {
			bad = append(bad, g.badStrings(ps)...)
		}
		for _, v := range bad {
			add(at+": "+v.name, at, set(base, p, v.value))
			out[len(out)-1].orParent = v.name == "null" || v.name == "empty" || v.name == "only spaces"
		}
		if v := member(base, p); v != nil {
			add(at+": unknown key", prefix+p+"_x", set(base, p+"_x", string(v)))
			add(at+": key with a NUL", "", set(base, p+`\u0000`, string(v)))
			for _, k := range []struct{ name, key string }{{"key in upper case", strings.ToUpper(p)}, {"key in mixed case", swapCase(p)}} {
				if k.key == p {
					continue
				}
				add(at+": "+k.name, prefix+k.key, set(base, k.key, string(v)))
				out[len(out)-1].caseKey = true
			}
		}
		if depth > 0 {
			continue
		}
		// One level down: an object, or the first object of an array.
		inner, wrap := ps, func(b []byte) string { return string(b) }
		if ps.Type == "array" && ps.Items != nil {
			inner = g.doc.resolve(ps.Items)
			// The first item is the broken one; the others stay.
			var items []json.RawMessage
			_ = json.Unmarshal(member(base, p), &items)
			wrap = func(b []byte) string {
				rest := ""
				for _, it := range items[min(1, len(items)):] {
					rest += "," + string(it)
				}
				return "[" + string(b) + rest + "]"
			}
		}
		if inner == nil || inner.Type != "object" {
			continue
		}
		innerBase := member(base, p)
		if ps.Type == "array" {
			var items []json.RawMessage
			if json.Unmarshal(innerBase, &items) == nil && len(items) > 0 && bytes.HasPrefix(bytes.TrimSpace(items[0]), []byte("{")) {
				innerBase = items[0]
			} else {
				innerBase = nil
			}
		}
		if !bytes.HasPrefix(bytes.TrimSpace(innerBase), []byte("{")) {
			innerBase = []byte("{}")
		}
		for _, ic := range g.propertyCases(method, target, inner, innerBase, at+".", depth+1) {
			ic.body = set(base, p, wrap(ic.body))
			out = append(out, ic)
		}
		// Nesting past the decoder's depth inside a property.
		add(at+": nested past the decoder's depth", "", set(base, p, strings.Repeat("[", 20000)+strings.Repeat("]", 20000)))
	}
	return out
}

// firstString names the first string property of s that base sets, or any string
// property of s.
func firstString(d *oaDoc, s *oaSchema, base []byte) string {
	var any string
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range s.Properties {
			if !yield(k) {
				return
			}
		}
	}) {
		if ps := d.resolve(s.Properties[k]); ps != nil && ps.Type == "string" {
			if member(base, k) != nil {
				return k
			}
			if any == "" {
				any = k
			}
		}
	}
	return any
}

// dupFirst repeats base's first member.
func dupFirst(base []byte) []byte {
	var m orderedObject
	if json.Unmarshal(base, &m) != nil || len(m.keys) == 0 {
		return []byte(`{"a":1,"a":2}`)
	}
	k, _ := json.Marshal(m.keys[0])
	return append(append(append([]byte("{"), k...), ':'), append(append(slices.Clone(m.vals[m.keys[0]]), ','), base[1:]...)...)
}

// pathCases replaces each path parameter in turn by bad ids; the others keep their valid
// values.
func pathCases(op oaOperation, valid map[string]string, ctype string, body []byte) []bcase {
	var out []bcase
	for _, p := range op.Params {
		if p.In != "path" {
			continue
		}
		for _, b := range badIDs {
			path := op.Path
			for _, q := range op.Params {
				if q.In != "path" {
					continue
				}
				v := valid[q.Name]
				if q.Name == p.Name {
					v = b.value
				}
				path = strings.ReplaceAll(path, "{"+q.Name+"}", v)
			}
			c := bcase{name: "path " + p.Name + ": " + b.name, method: op.Method, target: path, ctype: ctype, body: body}
			if v, _ := url.PathUnescape(b.value); v != ".." && !strings.Contains(v, "/") {
				c.param, c.value = &p, v // the value is the segment: an id, or not
			}
			out = append(out, c)
		}
	}
	return out
}

// queryCases sends each query parameter with bad values, twice, and as a list; a GET also
// gets an unknown parameter.
func queryCases(op oaOperation, path string) []bcase {
	var out []bcase
	for _, p := range op.Params {
		if p.In != "query" {
			continue
		}
		for _, b := range badQuery {
			out = append(out, bcase{name: "query " + p.Name + ": " + b.name, method: op.Method, target: path + "?" + p.Name + "=" + b.value})
		}
		out = append(out,
			bcase{name: "query " + p.Name + ": twice", method: op.Method, target: path + "?" + p.Name + "=1&" + p.Name + "=2"},
			bcase{name: "query " + p.Name + ": as a list", method: op.Method, target: path + "?" + p.Name + "%5B%5D=1"},
			bcase{name: "query " + p.Name + ": upper case", method: op.Method, target: path + "?" + strings.ToUpper(p.Name) + "=1"})
	}
	if op.Method == "GET" {
		out = append(out,
			bcase{name: "query: unknown parameter", method: op.Method, target: path + "?x" + url.QueryEscape("\x00") + "=1"},
			bcase{name: "query: raw semicolons", method: op.Method, target: path + "?a=1;b=2"},
			bcase{name: "query: 1000 parameters", method: op.Method, target: path + "?" + strings.Repeat("a=1&", 1000)})
	}
	return out
}

// multipartCases returns malformed multipart/form-data bodies; withReport says the form
// carries a "report" part (JSON, report is a valid one) besides its "files" parts.
func multipartCases(method, target string, withReport bool, report []byte) []bcase {
	const bd = "BatteryBoundary"
	ct := "multipart/form-data; boundary=" + bd
	part := func(header, content string) string {
		return "--" + bd + "\r\n" + header + "\r\n\r\n" + content + "\r\n"
	}
	file := func(name, content string) string {
		return part(`Content-Disposition: form-data; name="files"; filename="`+name+`"`+"\r\nContent-Type: text/plain", content)
	}
	head := ""
	if withReport {
		head = part(`Content-Disposition: form-data; name="report"`+"\r\nContent-Type: application/json", string(report))
	}
	end := "--" + bd + "--\r\n"
	c := func(name, ctype, body string) bcase {
		return bcase{name: "multipart: " + name, method: method, target: target, ctype: ctype, body: []byte(body)}
	}
	var many strings.Builder
	many.WriteString(head)
	for range 10000 {
		many.WriteString(file("a.txt", "x"))
	}
	many.WriteString(end)
	out := []bcase{
		c("no boundary", "multipart/form-data", head+file("a.txt", "hello")+end),
		c("another boundary", "multipart/form-data; boundary=Other", head+file("a.txt", "hello")+end),
		c("an empty boundary", "multipart/form-data; boundary=", head+end),
		c("a boundary of 200 characters", "multipart/form-data; boundary="+strings.Repeat("b", 200), head+end),
		c("empty body", ct, ""),
		c("no parts", ct, end),
		c("truncated", ct, head+"--"+bd+"\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n\r\nhel"),
		c("no closing boundary", ct, head+file("a.txt", "hello")),
		c("garbage", ct, "\x00\xff garbage \r\n\r\n--"),
		c("a file name with a NUL", ct, head+file("a\x00.txt", "hello")+end),
		c("a file name in invalid UTF-8", ct, head+file("\xff\xfe.txt", "hello")+end),
		c("a file name with a path", ct, head+file("../../etc/passwd", "hello")+end),
		c("a file name with a right-to-left override", ct, head+file("invoice \u202egnp.exe", "hello")+end),
		c("a long file name", ct, head+file(strings.Repeat("n", 5000)+".txt", "hello")+end),
		c("an empty file name", ct, head+file("", "hello")+end),
		c("an encoded file name with a NUL", ct, head+part(`Content-Disposition: form-data; name="files"; filename*=UTF-8''a%00b.txt`, "hello")+end),
		c("a part name with a NUL", ct, head+part("Content-Disposition: form-data; name=\"files\x00\"; filename=\"a.txt\"", "hello")+end),
		c("an unknown part", ct, head+part(`Content-Disposition: form-data; name="x"`, "y")+file("a.txt", "hello")+end),
		c("a part without a name", ct, head+part(`Content-Disposition: form-data`, "y")+end),
		c("a part without headers", ct, head+"--"+bd+"\r\n\r\nhello\r\n"+end),
		c("a header of 100 KiB", ct, head+part(`Content-Disposition: form-data; name="files"; filename="a.txt"`+"\r\nX-Pad: "+strings.Repeat("p", 100<<10), "hello")+end),
		c("a bad content disposition", ct, head+part(`Content-Disposition: ;;;=`, "hello")+end),
		c("a file of NUL bytes", ct, head+file("a.txt", strings.Repeat("\x00", 1000))+end),
		c("an empty file", ct, head+file("a.txt", "")+end),
		c("a file that claims to be PNG", ct, head+file("a.png", "\x89PNG\r\n\x1a\n"+strings.Repeat("\x00", 100))+end),
		c("six files", ct, head+strings.Repeat(file("a.txt", "hello"), 6)+end),
		c("10000 files", ct, many.String()),
		c("a nested multipart", ct, head+part("Content-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\nContent-Type: multipart/mixed; boundary=inner",
			"--inner\r\n\r\nx\r\n--inner--")+end),
		{name: "multipart: a file over 10 MiB", method: method, target: target, ctype: ct,
			body: []byte(head + "--" + bd + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.txt\"\r\n\r\n"), stream: 10<<20 + 1},
		{name: "multipart: a body over the upload limit", method: method, target: target, ctype: ct,
			body: []byte(head + "--" + bd + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.txt\"\r\n\r\n"), stream: MaxUpload + 1},
	}
	if withReport {
		rp := func(name, content string) bcase {
			return c("report part: "+name, ct, part(`Content-Disposition: form-data; name="report"`, content)+file("a.txt", "hello")+end)
		}
		out = append(out,
			rp("malformed JSON", `{"title":`), rp("a NUL in the title", string(set(report, "title", `"a\u0000b"`))),
			rp("invalid UTF-8", "{\"title\":\"\xff\"}"), rp("an array", `[]`), rp("empty", ``),
			rp("nested past the decoder's depth", strings.Repeat("[", 20000)+strings.Repeat("]", 20000)),
			rp("over 1 MiB", `{"title":"`+strings.Repeat("x", 1<<20)+`"}`),
			c("report part: twice", ct, head+head+end),
			c("report part: missing", ct, file("a.txt", "hello")+end),
		)
	}
	return out
}

// yamlCases returns malformed YAML definitions.
func yamlCases(method, target string, base []byte) []bcase {
	c := func(name, ctype, body string) bcase {
		return bcase{name: "yaml: " + name, method: method, target: target, ctype: ctype, body: []byte(body)}
	}
	const y = "application/yaml"
	var laughs strings.Builder
	laughs.WriteString("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	for i := 'b'; i <= 'j'; i++ {
		fmt.Fprintf(&laughs, "%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	return []bcase{
		c("malformed", y, "questions: [\n"), c("a tab for indentation", y, "questions:\n\t- id: a\n"),
		c("only a colon", y, ": :"), c("empty", y, ""), c("a list", y, "- a\n- b\n"), c("a scalar", y, "hello"),
		c("null", y, "~"), c("a NUL byte", y, "questions: \x00\n"), c("a NUL escape", y, "questions: \"a\\0b\"\n"),
		c("invalid UTF-8", y, "questions: \"\xff\"\n"), c("UTF-16", y, string(utf16LE("questions: []\n"))),
		c("a duplicate key", y, "rules: []\nrules: []\n"), c("aliases that expand", y, laughs.String()),
		c("nested past any depth", y, strings.Repeat("[", 20000)+strings.Repeat("]", 20000)),
		c("two documents", y, "questions: []\n---\nrules: []\n"), c("a binary tag", y, "questions: !!binary AAAA\n"),
		c("a foreign tag", y, "questions: !!python/object:os.system [ls]\n"), c("a huge number", y, "version: 1e400\nquestions: 99999999999999999999999\n"),
		c("a merge key", y, "base: &b {id: x}\nquestions: [{<<: *b}]\n"), c("a wrong type", y, "questions: x\nrules: 1\ncriteria: []\nexclusions: true\n"),
		c("over 1 MiB", y, "questions: \""+strings.Repeat("x", 1<<20)+"\"\n"),
		c("the definition with a NUL in a text", y, strings.Replace(string(base), `"`, "\"\\0", 1)),
		c("text/yaml in Latin-1", "text/yaml; charset=iso-8859-1", string(base)),
		c("application/x-yaml malformed", "application/x-yaml", "{"),
	}
}
