package strictjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"meldpunt/internal/desk"
)

type target struct {
	Priority desk.Priority `json:"priority"`
	Minutes  int           `json:"minutes"`
}

type inner struct {
	Note string `json:"note"`
}

type input struct {
	inner
	Title   string                     `json:"title"`
	Count   int8                       `json:"count"`
	Ratio   float64                    `json:"ratio"`
	Active  *bool                      `json:"active"`
	IDs     []int64                    `json:"ids"`
	Targets []target                   `json:"targets"`
	Answers map[string]json.RawMessage `json:"answers"`
	Any     any                        `json:"any"`
	Skip    string                     `json:"-"`
}

// problems returns "pointer rule" for each problem, or the kind of error.
func problems(err error) string {
	var e *Error
	var syn *SyntaxError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &syn):
		return "syntax"
	case errors.As(err, &e):
		var out []string
		for _, p := range e.Problems {
			out = append(out, p.Path.Pointer()+" "+p.Rule)
		}
		if e.More > 0 {
			out = append(out, fmt.Sprintf("+%d", e.More))
		}
		return strings.Join(out, ", ")
	}
	return "other: " + err.Error()
}

func TestDecode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"valid", `{"title":"t","count":-128,"ratio":1e3,"active":null,"ids":[1,2],"targets":[{"priority":"P1","minutes":5}],"answers":{"a":["x"]},"any":{"k":[1]},"note":"n"}`, "ok"},
		{"null inside", `{"title":null,"ids":null,"targets":[null]}`, "ok"},
		{"a key in another case", `{"Title":"t"}`, "/Title unknown_field"},
		{"a nested key in another case", `{"targets":[{"Priority":"P1"}]}`, "/targets/0/Priority unknown_field"},
		{"a field that is not sent", `{"Skip":"x","skip":"y"}`, "/Skip unknown_field, /skip unknown_field"},
		{"a string for a number", `{"count":"1"}`, "/count type"},
		{"a fraction for an integer", `{"ids":[1,1.5,1e2]}`, "/ids/1 type, /ids/2 type"},
		{"out of range", `{"count":128,"ids":[99999999999999999999]}`, "/count type, /ids/0 type"},
		{"an object for a list", `{"ids":{"a":1},"title":[]}`, "/ids type, /title type"},
		{"a priority that is none", `{"targets":[{"priority":"P9"},{"priority":1}]}`, "/targets/0/priority format, /targets/1/priority type"},
		{"invalid UTF-8 in a value", "{\"answers\":{\"a\":[\"\xff\"]}}", "/answers/a/0 utf8"},
		{"invalid UTF-8 in a key", "{\"ti\xfftle\":\"t\"}", "/ti\ufffdtle utf8, /ti\ufffdtle unknown_field"},
		{"a lone surrogate", `{"title":"\ud800"}`, "/title utf8"},
		{"a pair is fine", `{"title":"\ud83d\ude00 \\ud800"}`, "ok"},
		{"NUL", `{"title":"a\u0000"}`, "/title control_characters"},
		{"DEL written as is", "{\"title\":\"a\x7f\"}", "/title control_characters"},
		{"escape in a key", `{"answers":{"a\u001fb":"x"}}`, "/answers/a\x1fb control_characters"},
		{"a C1 control escaped", `{"title":"a\u0085"}`, "/title control_characters"},
		{"a C1 control written as is", "{\"answers\":{\"a\":\"\u009f\"}}", "/answers/a control_characters"},
		{"a C1 control in a key", "{\"answers\":{\"\u0080\":1}}", "/answers/\u0080 control_characters"},
		{"the first character after C1", `{"title":"\u00a0\u00ff"}`, "ok"},
		{"tab, line feed, carriage return", `{"title":"a\tb\nc\rd"}`, "ok"},
		{"a key with / and ~", `{"answers":{"a/b~c":1},"x/y":1}`, "/x~1y unknown_field"},
		{"a key twice", `{"title":"a","title":"b"}`, "/title duplicate_key"},
		{"a key twice, once escaped", `{"title":"a","count":1,"\u0074itle":"b"}`, "/title duplicate_key"},
		{"a key twice in a nested object", `{"targets":[{"minutes":1},{"minutes":1,"priority":"P1","minutes":2}]}`, "/targets/1/minutes duplicate_key"},
		{"a key twice in a map", `{"answers":{"a":"x","b":"y","a":"z"}}`, "/answers/a duplicate_key"},
		{"a key twice in any value", `{"any":{"k":[{"x":1,"x":1}]}}`, "/any/k/0/x duplicate_key"},
		{"an unknown key twice", `{"x":1,"x":2}`, "/x unknown_field, /x duplicate_key"},
		{"the same key in two objects", `{"targets":[{"minutes":1},{"minutes":2}],"any":{"minutes":3}}`, "ok"},
		{"two keys that are not UTF-8", "{\"answers\":{\"\xff\":1,\"\xfe\":2}}", "/answers/\ufffd utf8, /answers/\ufffd utf8"},
		{"keys that differ in case", `{"answers":{"a":1,"A":2}}`, "ok"},
		{"null as the document", `null`, " type"},
		{"an array as the document", `[]`, " type"},
		{"empty", `  `, "syntax"},
		{"broken", `{"title":`, "syntax"},
		{"two values", `{} {}`, "syntax"},
		{"trailing text", `{} x`, "syntax"},
		{"invalid UTF-8 and broken", "{\"title\":\"\xff", " utf8"},
		{"invalid UTF-8 outside strings", "{\xff}", " utf8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v input
			if got := problems(Decode([]byte(tc.in), &v)); got != tc.want {
				t.Errorf("%s: %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestDecodeFills(t *testing.T) {
	t.Parallel()
	var v input
	if err := Decode([]byte(`{"title":"t","note":"n","targets":[{"priority":"P2","minutes":3}]}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.Title != "t" || v.Note != "n" || len(v.Targets) != 1 || v.Targets[0].Priority != desk.P2 {
		t.Errorf("decoded %+v", v)
	}
}

func TestDecodeCapsProblems(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(`{`)
	for i := range 120 {
		fmt.Fprintf(&b, `"k%d":1,`, i)
	}
	b.WriteString(`"title":"t"}`)
	var v input
	var e *Error
	if err := Decode([]byte(b.String()), &v); !errors.As(err, &e) || len(e.Problems) != desk.MaxFieldErrors || e.More != 120-desk.MaxFieldErrors {
		t.Fatalf("%v", problems(err))
	}
}

func TestPathNames(t *testing.T) {
	t.Parallel()
	p := Path{{Key: "targets", Index: -1}, {Index: 0}, {Key: "a/b~c", Index: -1}}
	if got := p.Pointer(); got != "/targets/0/a~1b~0c" {
		t.Errorf("Pointer: %q", got)
	}
	if got := p.Name(); got != "targets[0].a/b~c" {
		t.Errorf("Name: %q", got)
	}
	if got := (Path{}).Pointer(); got != "" {
		t.Errorf("root: %q", got)
	}
}

// FuzzDecode: no input panics, and what Decode accepts encoding/json reads the same way.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"title":"t","ids":[1]}`, `{"Title":1}`, "{\"a\":\"\xff\"}", `{"answers":{"a":["\u0000"]}}`, `{"title":"a","\u0074itle":"b"}`, `{"title":"\u0085"}`, `[`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var v, w input
		if Decode(b, &v) != nil {
			return
		}
		if err := json.Unmarshal(b, &w); err != nil {
			t.Fatalf("Decode accepted what encoding/json refuses: %v", err)
		}
	})
}

// FuzzScanAgrees: the scanner calls a document clean exactly when the walker finds no
// problem in it (short of the scanner's depth limit), for the test's type and for any value.
func FuzzScanAgrees(f *testing.F) {
	for _, s := range []string{`{"title":"t","ids":[1]}`, `{"Title":1}`, "{\"a\":\"\xff\"}", `{"answers":{"a":["\u0000"]}}`, `{"title":"a","\u0074itle":"b"}`,
		`{"title":"\u0085"}`, `[`, `null`, `{"count":-128,"ratio":1e308,"targets":[{"priority":"P1","minutes":5}]}`, `{"title":"\ud83d\ude00 \\ud800\/\b"}`,
		`{"any":{"k":[{"x":1,"y":[true,false,null]}]},"note":"n"}`, `{"answers":{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"l":12,"m":13,"n":14,"o":15,"p":16,"q":17,"a":18}}`} {
		f.Add([]byte(s))
	}
	types := []reflect.Type{reflect.TypeFor[input](), reflect.TypeFor[any](), reflect.TypeFor[[]uint8](), reflect.TypeFor[map[desk.Priority]uint16](), reflect.TypeFor[[]float32]()}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, typ := range types {
			c, err := clean(b, typ), walk(b, typ)
			if c != (err == nil) {
				t.Fatalf("%s: scanner says clean %v, walker says %v", typ, c, err)
			}
		}
	})
}

// TestScanClean: the scanner calls clean documents clean, so they are not walked token by
// token (which the results of Decode alone would not show).
func TestScanClean(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`{"title":"t","count":-128,"ratio":1e3,"active":null,"ids":[1,2],"targets":[{"priority":"P1","minutes":5}],"answers":{"a":["x"]},"any":{"k":[1]},"note":"n"}`,
		` {"title":null,"ids":null,"targets":[null]} ` + "\n",
		`{"count":127,"ids":[-9223372036854775808,9223372036854775807,-0],"ratio":-0.5e-400,"active":true}`,
		`{"title":"\ud83d\ude00 \\ud800 \" \/ \t\n\r\u00a0\u00ff é €","answers":{"a\u0042":1,"aA":2,"\"":{},"":[]}}`,
		`{"targets":[{"priority":"\u0050\u0032","minutes":1},{"minutes":1}],"any":{"minutes":3,"k":[{"x":1},{"x":1}]}}`,
		`{"answers":{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"l":12,"m":13,"n":14,"o":15,"p":16,"q":17,"r":{"a":1,"a\u00e9":2,"a\u00e9 ":3}}}`,
		`{}`,
	} {
		if !clean([]byte(in), reflect.TypeFor[input]()) {
			t.Errorf("not clean: %s (walker: %v)", in, walk([]byte(in), reflect.TypeFor[input]()))
		}
	}
}
