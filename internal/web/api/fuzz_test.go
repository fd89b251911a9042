package api

// Fuzz targets for what the API reads from outside: path ids, cursors, query parameters,
// JSON bodies and multipart bodies (docs/testing.md). Their seeds run with every test run;
// scripts/fuzz fuzzes them.

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"meldpunt/internal/desk"
	"meldpunt/internal/web"
)

// checkDeskError fails unless err is a *desk.Error with one of the codes, and, for
// EINVALID, names at least one field, each with a rule. It returns the error.
func checkDeskError(t *testing.T, err error, codes ...string) *desk.Error {
	t.Helper()
	var e *desk.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T %v is not a *desk.Error: the client would get a 500", err, err)
	}
	if !contains(codes, e.Code) {
		t.Fatalf("error code %q (%v), want one of %v", e.Code, e, codes)
	}
	if e.Code == desk.EINVALID {
		if len(e.Fields) == 0 {
			t.Fatalf("an EINVALID error names no field: %v", e)
		}
		for _, fe := range e.Fields {
			// The field "" is the document as a whole (a JSON Pointer, RFC 6901).
			if fe.Rule == "" || fe.Message == "" {
				t.Fatalf("a field error lacks its rule or message: %+v", fe)
			}
			if !utf8.ValidString(fe.Field) || !utf8.ValidString(fe.Message) {
				t.Fatalf("a field error is not valid UTF-8: %+q", fe)
			}
		}
	}
	return e
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// canonicalID is the one spelling of an id the API accepts (docs/api.md "Field names,
// exact keys and ids"): ^[1-9][0-9]{0,18}$, as strconv writes an int64.
var canonicalID = regexp.MustCompile(`^[1-9][0-9]{0,18}$`)

// FuzzParseID: a path id is accepted exactly when it is in its canonical form
// (^[1-9][0-9]{0,18}$, fitting an int64), and then formatting the number gives back the
// text; an incident or change {id} is that or its number (INC-/CHG-, prefix in any case,
// digits with leading zeros as desk.FormatNumber writes them), nothing else.
func FuzzParseID(f *testing.F) {
	for _, s := range []string{"1", "42", "9223372036854775807", "9223372036854775808", "0", "-1", "+1", "1e3", " 1", "0x10", "١", "",
		"0001", " 1 ", "1\x00", "INC-000123", "inc-123", "CHG-000012", "INC-", "INC-0", "INC-+1", "INC- 1", "INC-INC-1", "CHG-000000000000000000012", "ınc-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, ok := parseID(s)
		_, err := strconv.ParseInt(s, 10, 64)
		if want := canonicalID.MatchString(s) && err == nil; ok != want {
			t.Fatalf("parseID(%q) = %d, %v; want accepted = %v (the canonical form, in range)", s, id, ok, want)
		}
		if ok && strconv.FormatInt(id, 10) != s {
			t.Fatalf("parseID(%q) = %d, which formats as %q", s, id, strconv.FormatInt(id, 10))
		}
		for _, c := range []struct {
			prefix string
			format func(int64) string
		}{{desk.NumberPrefix, desk.FormatNumber}, {desk.ChangeNumberPrefix, desk.FormatChangeNumber}} {
			ref, ok := parseRef(s, c.prefix)
			if !ok {
				continue
			}
			if ref <= 0 {
				t.Fatalf("parseRef(%q, %q) = %d, accepted", s, c.prefix, ref)
			}
			if strconv.FormatInt(ref, 10) == s {
				continue // the id itself
			}
			// Else the number: the prefix in any case, then the id's digits, perhaps zero-padded.
			digits := s[min(len(c.prefix), len(s)):]
			if !strings.EqualFold(s[:len(s)-len(digits)], c.prefix) ||
				strings.TrimLeft(digits, "0") != strconv.FormatInt(ref, 10) || len(digits) > 19 {
				t.Fatalf("parseRef(%q, %q) = %d, accepted; that is neither the id nor its number %s", s, c.prefix, ref, c.format(ref))
			}
		}
		if n := int64(len(s))*7919 + int64(len(s)>>1)<<40; n > 0 { // any positive id and number round-trips
			if got, ok := parseID(strconv.FormatInt(n, 10)); !ok || got != n {
				t.Fatalf("parseID(%d) = %d, %v", n, got, ok)
			}
			for _, c := range []string{desk.FormatNumber(n), strings.ToLower(desk.FormatNumber(n))} {
				if got, ok := parseRef(c, desk.NumberPrefix); !ok || got != n {
					t.Fatalf("parseRef(%q) = %d, %v", c, got, ok)
				}
			}
			if got, ok := parseRef(desk.FormatChangeNumber(n), desk.ChangeNumberPrefix); !ok || got != n {
				t.Fatalf("parseRef(%q) = %d, %v", desk.FormatChangeNumber(n), got, ok)
			}
		}
	})
}

// FuzzCursor: a cursor this API gives reads back as the id it was made of, and any other
// text is refused: an accepted cursor is exactly the one encodeCursor writes for its id.
func FuzzCursor(f *testing.F) {
	f.Add("MTIz", int64(123))
	f.Add("", int64(1))
	f.Add("LTE", int64(9223372036854775807))
	f.Add("MA", int64(0))
	f.Add("MTIz=", int64(-5))
	f.Add("KzE", int64(77))     // "+1"
	f.Add("MDAx", int64(1))     // "001"
	f.Add("IDEg", int64(1))     // " 1 "
	f.Add("MTIz\n", int64(123)) // a line break the decoder would skip
	f.Add("MTIzNA", int64(1234))
	f.Fuzz(func(t *testing.T, s string, id int64) {
		if got, ok := decodeCursor(s); ok && (got <= 0 || encodeCursor(got) != s) {
			t.Fatalf("decodeCursor(%q) = %d, accepted; the cursor of %d is %q", s, got, got, encodeCursor(got))
		}
		if id <= 0 {
			return
		}
		c := encodeCursor(id)
		if got, ok := decodeCursor(c); !ok || got != id {
			t.Fatalf("decodeCursor(encodeCursor(%d) = %q) = %d, %v", id, c, got, ok)
		}
		if url.QueryEscape(c) != c {
			t.Fatalf("cursor %q needs escaping in a URL", c)
		}
	})
}

// FuzzQuery: whatever the query string, the list parameters are read without panicking;
// what is accepted is in range, and what is refused is a 422 naming the parameter.
func FuzzQuery(f *testing.F) {
	for _, s := range []string{
		"", "limit=10&cursor=MTIz", "limit=0", "limit=201", "limit=-1&limit=2", "cursor=%00", "cursor=!!",
		"state=new,triaged&state=closed", "state=,", "priority=P3", "priority=p9", "open=true", "open=maybe",
		"org=12", "org=+1", "q=%ff%fe", "q=" + strings.Repeat("x", 300), "a=%zz", "q=a;b",
		"org=0001", "org=%201%20", "org=1e3", "limit=050", "limit=+5", "cursor=MTIz%0A", "q=%00", "q=a%E2%80%AEb", "org=9223372036854775808",
		"priority=%2B3", "priority=p3", "priority=3", "priority=P03",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		r := httptest.NewRequest(http.MethodGet, "/api/v1/incidents", nil)
		r.URL.RawQuery = raw
		q := newQuery(r)
		limit, cursor := q.limit(), q.cursor()
		org := q.id("org")
		states := q.states("state")
		p := q.priority("priority")
		_ = q.bool("open")
		_ = q.oneOf("kind", []string{"urgent", "regular"})
		text := q.text("q", 200)
		if limit < 1 || limit > MaxLimit || cursor < 0 || org < 0 {
			t.Fatalf("limit %d, cursor %d, org %d out of range", limit, cursor, org)
		}
		for _, s := range states {
			if !contains(desk.StateNames(), string(s)) {
				t.Fatalf("state %q accepted", s)
			}
		}
		if p != 0 && !p.Valid() && !q.Has("priority") {
			t.Fatalf("priority %d accepted", p)
		}
		if !utf8.ValidString(text) || utf8.RuneCountInString(text) > 200 || strings.ContainsFunc(text, unicode.IsControl) ||
			strings.ContainsFunc(text, desk.IsBidiControl) {
			t.Fatalf("text %q accepted", text)
		}
		// Ids, the page size and the cursor are accepted only as the API writes them.
		sent, _ := url.ParseQuery(raw)
		for _, c := range []struct {
			name, canon string
			got         int64
		}{{"org", strconv.FormatInt(org, 10), org}, {"limit", strconv.FormatInt(int64(limit), 10), int64(limit)}, {"cursor", encodeCursor(cursor), cursor}} {
			vs := sent[c.name]
			if len(vs) != 1 || vs[0] == "" {
				continue
			}
			if accepted := !q.Has(c.name); accepted != (c.got > 0 && vs[0] == c.canon) {
				t.Fatalf("%s=%q read as %d, accepted %v; as the API writes it that is %q", c.name, vs[0], c.got, accepted, c.canon)
			}
		}
		// A priority is one of the enum's values as openapi.json writes them: P1…P5.
		if vs := sent["priority"]; len(vs) == 1 && vs[0] != "" && !q.Has("priority") && vs[0] != p.String() {
			t.Fatalf("priority=%q accepted as %s", vs[0], p)
		}
		if vs := sent["q"]; len(vs) == 1 && strings.ContainsRune(vs[0], 0) && !q.Has("q") {
			t.Fatalf("q=%q with a NUL accepted", vs[0])
		}
		if err := q.Err(); err != nil {
			e := checkDeskError(t, err, desk.EINVALID)
			known := []string{"limit", "cursor", "org", "state", "priority", "open", "kind", "q"}
			for _, fe := range e.Fields {
				if !contains(known, fe.Field) {
					t.Fatalf("the error names %q, which is no parameter read", fe.Field)
				}
			}
		}
	})
}

// decodeTarget is a fixed destination with the kinds of fields request bodies have.
type decodeTarget struct {
	Title  string             `json:"title"`
	Count  int                `json:"count"`
	Small  int8               `json:"small"`
	ID     *int64             `json:"id"`
	Share  float64            `json:"share"`
	Tags   []string           `json:"tags"`
	Flags  map[string]bool    `json:"flags"`
	Nested *decodeTargetPart  `json:"nested"`
	Parts  []decodeTargetPart `json:"parts"`
	Prio   desk.Priority      `json:"priority,omitempty"`
	Raw    json.RawMessage    `json:"raw,omitempty"`
}

type decodeTargetPart struct {
	On    bool    `json:"on"`
	Items []int64 `json:"items"`
}

// FuzzDecode: decode never fails with anything but a client error (415, 413, 400, 422),
// answered as the API answers it: at most desk.MaxFieldErrors entries and one saying how
// many more, each naming its field by a JSON Pointer ("" is the whole body). Keys match
// exactly: a key that is not exactly the json name of a field where the destination has a
// struct is refused with rule unknown_field on its pointer (unless the list is full). What
// it accepts is valid UTF-8 JSON without control characters in any string (key or value),
// and encodes and decodes back to the same value.
func FuzzDecode(f *testing.F) {
	const ct = "application/json"
	many := make([]string, 70)
	for i := range many {
		many[i] = `"k` + strconv.Itoa(i) + `":1`
	}
	for _, s := range [][2]string{
		{ct, `{"title":"x","count":3,"tags":["a"],"nested":{"on":true,"items":[1,2]}}`},
		{ct, `{}`}, {ct, `null`}, {ct, `[]`}, {ct, `{"title":1}`}, {ct, `{"small":300}`},
		{ct, `{"nope":1}`}, {ct, `{"title":"a"} {}`}, {ct, `{"title":"\ud800"}`}, {ct, "{\"title\":\"\xff\"}"},
		{ct, `{"title":"\u0000"}`}, {ct, `{"TITLE":"case"}`}, {ct, `{"raw":{"any":[1,"x"]}}`}, {ct, ``}, {ct, `{"id":1e400}`},
		{"application/problem+json; charset=UTF-8", `{}`}, {"application/json; charset=latin1", `{}`}, {"text/plain", `{}`}, {"", `{}`},
		{ct, `{"nested":{"items":[1,]}}`}, {ct, `{"flags":{"a":true,"a":false}}`}, {ct, `{"title":"\\\ud83d\ude00"}`},
		{ct, `{"TiTlE":"x"}`}, {ct, `{"title":"x","Title":"y"}`}, {ct, `{"nested":{"On":true}}`}, {ct, `{"parts":[{"on":true},{"ITEMS":[]}]}`},
		{ct, `{"a/b~c":1}`}, {ct, `{"title":"a\u007f"}`}, {ct, `{"ti\u0000tle":"x"}`}, {ct, `{"flags":{"\u0001":true}}`},
		{ct, `{"raw":["\u001f"]}`}, {ct, `{"priority":"p3"}`}, {ct, `{"priority":"P9"}`}, {ct, `{"title\u0000":1}`},
		{ct, "{" + strings.Join(many, ",") + "}"}, {ct, `{"parts":[` + strings.Repeat(`{"x":1},`, 60) + `{}]}`},
	} {
		f.Add(s[0], []byte(s[1]))
	}
	discard := slog.New(slog.DiscardHandler)
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/api/v1/x", bytes.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		r = withDocSlot(r) // as wrap does, so the answer names fields as the API's does
		w := httptest.NewRecorder()
		var dst decodeTarget
		err := decode(w, r, &dst)
		unknown, isJSON := unknownKeys(body)
		if err != nil {
			e := checkDeskError(t, err, desk.EMEDIATYPE, desk.ETOOLARGE, desk.EMALFORMED, desk.EINVALID)
			p := web.ProblemFor(r, discard, pointerFields(r, err))
			if p.Status != 400 && p.Status != 413 && p.Status != 415 && p.Status != 422 {
				t.Fatalf("status %d for %v", p.Status, err)
			}
			if len(p.Errors) > desk.MaxFieldErrors+1 {
				t.Fatalf("the answer lists %d errors, more than %d+1", len(p.Errors), desk.MaxFieldErrors)
			}
			for _, fe := range p.Errors {
				if !isPointer(fe.Field) {
					t.Fatalf("the answer names field %q, which is no JSON Pointer: %+v", fe.Field, fe)
				}
			}
			if !isJSON || e.Code != desk.EINVALID && e.Code != desk.EMALFORMED {
				return // refused before the keys were looked at
			}
			if e.Code != desk.EINVALID && len(unknown) > 0 {
				t.Fatalf("a JSON body with unknown keys %q refused as %v", unknown, err)
			}
			full := len(e.Fields) >= desk.MaxFieldErrors || e.More > 0
			for _, k := range unknown {
				if !full && !slices.ContainsFunc(e.Fields, func(fe desk.FieldError) bool { return fe.Field == k && fe.Rule == "unknown_field" }) {
					t.Fatalf("the key at %q is no field, yet not refused as unknown_field: %+v", k, e.Fields)
				}
			}
			return
		}
		if !utf8.Valid(body) || !json.Valid(body) {
			t.Fatalf("accepted a body that is not valid UTF-8 JSON: %q", body)
		}
		if len(unknown) > 0 {
			t.Fatalf("accepted keys that are no field (names are exact): %q", unknown)
		}
		if s, ok := controlString(body); ok {
			t.Fatalf("accepted a string with a control character: %q", s)
		}
		again, err := json.Marshal(dst)
		if err != nil {
			t.Fatalf("the decoded value does not encode: %v", err)
		}
		r = httptest.NewRequest(http.MethodPost, "/api/v1/x", bytes.NewReader(again))
		r.Header.Set("Content-Type", "application/json")
		var back decodeTarget
		if err := decode(httptest.NewRecorder(), r, &back); err != nil {
			t.Fatalf("the encoded value %s does not decode: %v", again, err)
		}
		if !reflect.DeepEqual(normalRaw(dst), normalRaw(back)) {
			t.Fatalf("round trip changed the value:\n%+v\n%+v", dst, back)
		}
	})
}

// isPointer tells whether s is "" or an RFC 6901 JSON Pointer: "/" before every step, and
// "~" only as "~0" or "~1".
func isPointer(s string) bool {
	if s == "" {
		return true
	}
	if s[0] != '/' || !utf8.ValidString(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '~' && (i+1 == len(s) || s[i+1] != '0' && s[i+1] != '1') {
			return false
		}
	}
	return true
}

// unknownKeys returns the JSON Pointers of the keys of body that are not exactly the json
// name of a field of decodeTarget where it has a struct (compared here by this test's own
// walk of the struct tags, not strictjson's), and whether body is one valid UTF-8 JSON
// value at all.
func unknownKeys(body []byte) ([]string, bool) {
	if !utf8.Valid(body) || !json.Valid(body) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if dec.Decode(&doc) != nil {
		return nil, false
	}
	var out []string
	var walk func(v any, t reflect.Type, at string)
	walk = func(v any, t reflect.Type, at string) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]()) {
			return // json.RawMessage: anything
		}
		switch t.Kind() {
		case reflect.Struct:
			m, _ := v.(map[string]any)
			for k, x := range m {
				esc := at + "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
				known := false
				for i := range t.NumField() {
					if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name == k {
						known = true
						walk(x, t.Field(i).Type, esc)
					}
				}
				if !known {
					out = append(out, esc)
				}
			}
		case reflect.Slice:
			xs, _ := v.([]any)
			for i, x := range xs {
				walk(x, t.Elem(), at+"/"+strconv.Itoa(i))
			}
		case reflect.Map:
			m, _ := v.(map[string]any)
			for k, x := range m {
				walk(x, t.Elem(), at+"/"+strings.NewReplacer("~", "~0", "/", "~1").Replace(k))
			}
		}
	}
	walk(doc, reflect.TypeFor[decodeTarget](), "")
	return out, true
}

// controlString returns the first string of the JSON text b, key or value, that holds a
// control character (U+0000–U+001F but tab, line feed and carriage return, and U+007F).
func controlString(b []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		if s, ok := tok.(string); ok && strings.ContainsFunc(s, func(r rune) bool {
			return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f
		}) {
			return s, true
		}
	}
}

// normalRaw compacts the raw part, which json.Marshal compacts too.
func normalRaw(d decodeTarget) decodeTarget {
	if d.Raw != nil {
		var b bytes.Buffer
		if json.Compact(&b, d.Raw) == nil {
			d.Raw = b.Bytes()
		}
	}
	return d
}

// FuzzReadUpload: a multipart body of any shape is read without panicking, into at most
// what the limits allow, or refused as a client error; the same body parsed by net/http
// first (as a session's CSRF check does) is read under the same rules.
func FuzzReadUpload(f *testing.F) {
	const b = "XyZ"
	f.Add(b, []byte("--XyZ\r\nContent-Disposition: form-data; name=\"report\"\r\n\r\n{\"title\":\"x\"}\r\n--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XyZ--\r\n"), true)
	f.Add(b, []byte("--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.png\"\r\n\r\n\x89PNG\r\n--XyZ--\r\n"), false)
	f.Add(b, []byte("--XyZ\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--XyZ--\r\n"), true)
	f.Add(b, []byte("--XyZ\r\nContent-Disposition: form-data; name=\"\xff\xfe\"\r\n\r\nx\r\n--XyZ--\r\n"), false)
	f.Add(b, []byte("--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--\r\n"), false)
	f.Add(b, []byte("--XyZ\r\nContent-Disposition: form-data; name=\"report\"\r\n\r\n1\r\n--XyZ\r\nContent-Disposition: form-data; name=\"report\"\r\n\r\n2\r\n--XyZ--\r\n"), true)
	f.Add(b, []byte("--XyZ\r\nbroken"), true)
	f.Add(b, []byte(""), true)
	f.Add("", []byte("--\r\n"), false)
	f.Fuzz(func(t *testing.T, boundary string, body []byte, withReport bool) {
		ct := "multipart/form-data; boundary=" + strconv.Quote(boundary)
		for _, parsed := range []bool{false, true} {
			r := httptest.NewRequest(http.MethodPost, "/api/v1/reports", bytes.NewReader(body))
			r.Header.Set("Content-Type", ct)
			if parsed && r.ParseMultipartForm(1<<20) != nil {
				continue // net/http refused it: the CSRF check answers that
			}
			up, err := readUpload(httptest.NewRecorder(), r, withReport)
			if err != nil {
				checkDeskError(t, err, desk.EMALFORMED, desk.ETOOLARGE, desk.EINVALID)
				continue
			}
			if withReport && up.report == nil {
				t.Fatalf("parsed=%v: accepted without a report part", parsed)
			}
			if !withReport && up.report != nil {
				t.Fatalf("parsed=%v: kept a report part that was not asked for", parsed)
			}
			if len(up.report) > MaxBody {
				t.Fatalf("parsed=%v: kept a report of %d bytes", parsed, len(up.report))
			}
			for i, fl := range up.files {
				if len(fl.Data) > desk.MaxAttachment+1 || i >= desk.MaxAttachments && fl.Data != nil {
					t.Fatalf("parsed=%v: kept %d bytes of file %d", parsed, len(fl.Data), i)
				}
			}
		}
	})
}

// FuzzReadUploadValid: a well-formed body, as multipart.Writer makes it, is read back
// exactly: the report and every file's name and bytes.
func FuzzReadUploadValid(f *testing.F) {
	f.Add([]byte(`{"title":"x"}`), "screenshot.png", []byte("\x89PNG"), "log.txt", []byte("line\r\n--not a boundary\r\n"), true)
	f.Add([]byte(``), "ä ö.txt", []byte(""), "", []byte("x"), false)
	f.Add([]byte("\x00\xff"), "../../etc/passwd", []byte("\r\n\r\n"), "a\"b", []byte("--"), true)
	f.Fuzz(func(t *testing.T, report []byte, name1 string, data1 []byte, name2 string, data2 []byte, withReport bool) {
		if name1 == "" || name2 == "" || !utf8.ValidString(name1+name2) || strings.ContainsAny(name1+name2, "\\\"/") ||
			strings.ContainsFunc(name1+name2, unicode.IsControl) || name1 == "." || name2 == "." {
			return // a file part needs a name that survives a header; Part.FileName keeps the last path element
		}
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		if withReport {
			if err := mw.WriteField("report", string(report)); err != nil {
				t.Fatal(err)
			}
		}
		for _, fl := range []struct {
			name string
			data []byte
		}{{name1, data1}, {name2, data2}} {
			w, err := mw.CreateFormFile("files", fl.name)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(fl.data)
		}
		mw.Close()
		r := httptest.NewRequest(http.MethodPost, "/api/v1/reports", &body)
		r.Header.Set("Content-Type", mw.FormDataContentType())
		up, err := readUpload(httptest.NewRecorder(), r, withReport)
		if err != nil {
			t.Fatalf("a well-formed body was refused: %v", err)
		}
		if withReport && !bytes.Equal(up.report, report) {
			t.Fatalf("report %q, want %q", up.report, report)
		}
		if len(up.files) != 2 || up.files[0].Name != name1 || up.files[1].Name != name2 ||
			!bytes.Equal(up.files[0].Data, data1) || !bytes.Equal(up.files[1].Data, data2) {
			t.Fatalf("files %+v, want %q %q and %q %q", up.files, name1, data1, name2, data2)
		}
	})
}

// FuzzAnswers: the answers of a report or an evaluation, as JSON, are read and checked
// against the default questionnaire without panicking; what is refused names each answer
// and rule (the body's fields by JSON Pointers), what is read holds no control character,
// and answers that pass evaluate to a verdict and a valid priority.
func FuzzAnswers(f *testing.F) {
	for _, s := range []string{
		`{"answers":{}}`, `{"answers":{"x":"y"}}`, `{"answers":{"a":["b","c"],"d":null,"e":1,"f":{"g":1},"h":""}}`,
		`{"answers":{"` + strings.Repeat("k", 100) + `":["` + strings.Repeat("v", 100) + `"]}}`, `{"answers":{"a":[1,2]}}`,
		`{"answers":{"a":"\ud800"}}`, `{"answers":{"":[""]}}`, `{"answers":null}`,
		`{"answers":{"a\u0000":"b"}}`, `{"answers":{"a":["\u0000"]}}`, `{"answers":{"a/b~c":"\u007f"}}`, `{"Answers":{}}`,
	} {
		f.Add([]byte(s))
	}
	def, _ := json.Marshal(desk.DefaultQuestionnaire())
	var q desk.Questionnaire
	if err := json.Unmarshal(def, &q); err != nil {
		f.Fatal(err)
	}
	for _, qu := range q.Questions {
		f.Add([]byte(`{"answers":{"` + qu.ID + `":"yes"}}`))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var in struct {
			Answers answers `json:"answers"`
		}
		if err := decodeJSON(body, &in, "body"); err != nil {
			e := checkDeskError(t, err, desk.EMALFORMED, desk.EINVALID)
			for _, fe := range e.Fields {
				if !isPointer(fe.Field) {
					t.Fatalf("the error names field %q, which is no JSON Pointer: %+v", fe.Field, fe)
				}
			}
			if len(e.Fields) > desk.MaxFieldErrors {
				t.Fatalf("the error lists %d fields", len(e.Fields))
			}
			return
		}
		if s, ok := controlString(body); ok {
			t.Fatalf("accepted answers with a control character: %q", s)
		}
		a, err := in.Answers.read()
		if err != nil {
			checkDeskError(t, err, desk.EINVALID)
			return
		}
		if err := q.CheckAnswers(a); err != nil {
			checkDeskError(t, err, desk.EINVALID)
			return
		}
		e := q.Evaluate(a, desk.DefaultMatrix)
		if !e.Priority.Valid() || e.Verdict != desk.VerdictUrgent && e.Verdict != desk.VerdictRegular {
			t.Fatalf("answers %s evaluate to %+v", body, e)
		}
	})
}

// FuzzPointerFields: whatever field names a service's error uses, and whatever JSON
// document the request sent, the answer names every field "" or by a JSON Pointer (as
// docs/api.md says every field of a JSON body is named).
func FuzzPointerFields(f *testing.F) {
	for _, s := range [][2]string{
		{"title", `{"title":""}`}, {"targets[0].priority", `{"targets":[{"priority":"P9"}]}`},
		{"answers.a.b", `{"answers":{"a.b":1}}`}, {"answers.a/b~c", `{"answers":{"a/b~c":1}}`},
		{"organisation_id", `{}`}, {"[", `[]`}, {"a[x].b", `{"a":[1]}`}, {"a..b", `null`}, {".", `{"":1}`},
		{"a[", `{"a":[]}`}, {"[0][1]", `[[0,1]]`}, {"matrix.high", `{"high":{"low":"P1"}}`},
	} {
		f.Add(s[0], []byte(s[1]))
	}
	discard := slog.New(slog.DiscardHandler)
	f.Fuzz(func(t *testing.T, name string, doc []byte) {
		if !utf8.ValidString(name) {
			return // the services name fields by names they wrote or keys strictjson let through: UTF-8
		}
		r := withDocSlot(httptest.NewRequest(http.MethodPost, "/api/v1/x", nil))
		keepDoc(r, doc, false)
		err := pointerFields(r, &desk.Error{Code: desk.EINVALID, Message: "the input is not valid",
			Fields: []desk.FieldError{{Field: name, Rule: "required", Message: "is required"}}})
		p := web.ProblemFor(r, discard, err)
		if p.Status != http.StatusUnprocessableEntity || len(p.Errors) != 1 {
			t.Fatalf("answered %d with %+v", p.Status, p.Errors)
		}
		if !isPointer(p.Errors[0].Field) {
			t.Fatalf("field %q named %q, which is no JSON Pointer", name, p.Errors[0].Field)
		}
	})
}
