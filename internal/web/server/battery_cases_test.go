package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"unicode/utf16"
)

// The malformed-input battery's cases, generated from the OpenAPI document's schemas
// (battery_openapi_test.go): what to send instead of a valid request, for JSON bodies,
// path and query parameters (multipart and YAML: battery_forms_test.go). battery_test.go
// sends them; battery_checks_test.go judges the answers.

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
