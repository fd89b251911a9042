// Package strictjson reads JSON documents from outside exactly. encoding/json matches keys
// regardless of case, replaces invalid UTF-8 silently and names a wrongly typed field by a
// Go path; this package walks the document first, beside the Go type it fills, and names
// every problem by where it is in the document: a key that is not a field (compared
// exactly), a key given twice in one object, a value of the wrong JSON type, an integer
// out of range, text that is not UTF-8 and text with control characters. Only a document
// without problems is then decoded, by encoding/json.
package strictjson

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"meldpunt/internal/desk"
)

// Segment is one step of a path into a document: an object's key, or an array's index
// (Index ≥ 0).
type Segment struct {
	Key   string
	Index int
}

// Path leads from the root of a document to a value; the empty path is the whole document.
type Path []Segment

// Pointer writes the path as an RFC 6901 JSON Pointer: "/targets/0/priority", "" for the
// whole document; ~ and / in keys become ~0 and ~1.
func (p Path) Pointer() string {
	var b strings.Builder
	for _, s := range p {
		b.WriteByte('/')
		if s.Index >= 0 {
			b.WriteString(strconv.Itoa(s.Index))
			continue
		}
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(s.Key))
	}
	return b.String()
}

// Name writes the path as the domain names fields: "targets[0].priority".
func (p Path) Name() string {
	var b strings.Builder
	for _, s := range p {
		if s.Index >= 0 {
			b.WriteString("[" + strconv.Itoa(s.Index) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.Key)
	}
	return b.String()
}

// Problem is one thing wrong at a place in a document.
type Problem struct {
	Path    Path
	Rule    string // type, unknown_field, duplicate_key, utf8, control_characters, format
	Message string
}

// Error lists the problems of a document that is JSON but does not fit: at most
// desk.MaxFieldErrors of them, and the number of those left out.
type Error struct {
	Problems []Problem
	More     int
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s (and %d more)", e.Problems[0].Path.Pointer(), e.Problems[0].Message, len(e.Problems)-1+e.More)
}

// Fields returns the problems as the domain's field errors, each field named by name.
func (e *Error) Fields(name func(Path) string) *desk.Error {
	out := &desk.Error{Code: desk.EINVALID, Message: "the input is not valid", More: e.More}
	for _, p := range e.Problems {
		out.Fields = append(out.Fields, desk.FieldError{Field: name(p.Path), Rule: p.Rule, Message: p.Message})
	}
	return out
}

// SyntaxError says the text is not one JSON value: it is empty, broken, or something
// follows the value.
type SyntaxError struct {
	Msg    string
	Offset int64 // where the problem was found, in bytes
}

func (e *SyntaxError) Error() string { return e.Msg }

// Decode reads the single JSON value in b into dst (a pointer), strictly. It returns a
// *SyntaxError when b is no JSON value, an *Error listing the problems when it does not fit
// dst, or nil. Null is accepted wherever encoding/json accepts it, except as the whole
// document. A json.Unmarshaler's content is checked for text problems only.
func Decode(b []byte, dst any) error {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("strictjson: Decode needs a non-nil pointer, not %T", dst)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return &SyntaxError{Msg: "is empty"}
	}
	// Most documents are clean: the scanner tells so quickly. The walker names the problems
	// of the others.
	if !clean(b, rv.Type().Elem()) {
		if err := walk(b, rv.Type().Elem()); err != nil {
			return err
		}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		// The walk should have found it; name the whole document rather than fail.
		return &Error{Problems: []Problem{{Path: Path{}, Rule: "type", Message: "does not fit this request"}}}
	}
	return nil
}

// walk reads b, a document of type t, token by token and returns a *SyntaxError or an
// *Error naming its problems, or nil if it has none.
func walk(b []byte, t reflect.Type) error {
	w := &walker{b: b, dec: json.NewDecoder(bytes.NewReader(b))}
	w.dec.UseNumber()
	err := w.value(t, true)
	if err == nil {
		if _, err = w.dec.Token(); err == io.EOF {
			err = nil
		} else if err == nil {
			err = &SyntaxError{Msg: "holds more than one JSON value", Offset: w.dec.InputOffset()}
		}
	}
	if err != nil {
		var syn *json.SyntaxError
		switch {
		case errors.As(err, &syn):
			err = &SyntaxError{Msg: "is not valid JSON: " + strings.TrimPrefix(syn.Error(), "json: "), Offset: syn.Offset}
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			err = &SyntaxError{Msg: "is not valid JSON: it ends too early", Offset: int64(len(b))}
		}
		// Text that is not UTF-8 is named where it was found, else for the whole document,
		// rather than as broken JSON.
		if w.hasRule("utf8") {
			return w.err()
		}
		if !utf8.Valid(b) {
			return &Error{Problems: []Problem{{Path: Path{}, Rule: "utf8", Message: "must be valid UTF-8 text"}}}
		}
		return err
	}
	if len(w.problems) > 0 {
		return w.err()
	}
	return nil
}

// walker reads the document token by token, with the Go type each value fills.
type walker struct {
	b        []byte
	dec      *json.Decoder
	prev     int64 // the offset after the previous token
	path     Path
	problems []Problem
	more     int
}

func (w *walker) add(rule, format string, args ...any) {
	if len(w.problems) >= desk.MaxFieldErrors {
		w.more++
		return
	}
	w.problems = append(w.problems, Problem{Path: append(Path(nil), w.path...), Rule: rule, Message: fmt.Sprintf(format, args...)})
}

func (w *walker) hasRule(rule string) bool {
	for _, p := range w.problems {
		if p.Rule == rule {
			return true
		}
	}
	return false
}

func (w *walker) err() error { return &Error{Problems: w.problems, More: w.more} }

// token reads the next token, and the bytes it was read from.
func (w *walker) token() (json.Token, []byte, error) {
	tok, err := w.dec.Token()
	if err != nil {
		return nil, nil, err
	}
	raw := w.b[w.prev:w.dec.InputOffset()]
	w.prev = w.dec.InputOffset()
	return tok, raw, nil
}

// text checks a string (a key or a value): the bytes sent must be UTF-8 without escaped
// halves of surrogate pairs, and the text must hold no control characters but tab, line
// feed and carriage return: none of C0, no DEL and none of C1 (U+0080–U+009F), the
// characters desk.Validator.Text refuses in every text field too.
func (w *walker) text(raw []byte, s string) {
	if !utf8.Valid(raw) || hasLoneSurrogate(raw) {
		w.add("utf8", "must be valid UTF-8 text")
		return
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r >= 0x7f && r <= 0x9f {
			w.add("control_characters", "must not contain control characters (here U+%04X)", r)
			return
		}
	}
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// value reads one value of type t (nil: any value). root says it is the whole document,
// which must not be null.
func (w *walker) value(t reflect.Type, root bool) error {
	if c := w.peek(); (c == '{' || c == '[') && !opens(t, c) {
		w.add("type", "must be %s", kindOf(derefType(t)))
		return w.skipValue()
	}
	tok, raw, err := w.token()
	if err != nil {
		return err
	}
	if s, ok := tok.(string); ok {
		w.text(raw, s)
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && (reflect.PointerTo(t).Implements(jsonUnmarshaler) || t.Kind() == reflect.Interface) {
		t = nil // its own reader, or anything: only the text is checked
	}
	if tok == nil { // null
		if root {
			w.add("type", "must be %s", kindOf(t))
		}
		return nil
	}
	if t == nil {
		return w.skip(tok)
	}
	want, ok := "", true
	switch v := tok.(type) {
	case json.Delim:
		switch {
		case v == '{' && (t.Kind() == reflect.Struct || t.Kind() == reflect.Map) && !isText(t):
			return w.object(t)
		case v == '[' && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && !isText(t) && !isBytes(t):
			return w.array(t.Elem())
		}
		ok = false
	case string:
		switch {
		case isText(t):
			ok = w.unmarshalText(t, v)
		case t.Kind() == reflect.String, isBytes(t):
		default:
			ok = false
		}
	case bool:
		ok = t.Kind() == reflect.Bool
	case json.Number:
		if ok = !isText(t); ok {
			ok, want = number(t, string(v))
		}
	}
	if !ok {
		if want == "" {
			want = kindOf(t)
		}
		w.add("type", "must be %s", want)
		return w.skip(tok)
	}
	return nil
}

// unmarshalText checks a string that a TextUnmarshaler reads.
func (w *walker) unmarshalText(t reflect.Type, s string) bool {
	err := reflect.New(t).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s))
	if err == nil {
		return true
	}
	var e *desk.Error
	if errors.As(err, &e) && len(e.Fields) == 0 {
		w.add("format", "%s", e.Message)
	} else {
		w.add("format", "is not a valid value")
	}
	return true // named already
}

// skip reads the rest of a value that began with tok, checking only its text.
func (w *walker) skip(tok json.Token) error {
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	if d == '{' {
		return w.object(nil)
	}
	return w.array(nil)
}

// peek returns the first byte of the next value, past white space and the comma or colon
// the decoder has not consumed yet; 0 at the end.
func (w *walker) peek() byte {
	for i := w.dec.InputOffset(); i < int64(len(w.b)); i++ {
		switch c := w.b[i]; c {
		case ' ', '\t', '\n', '\r', ',', ':':
		default:
			return c
		}
	}
	return 0
}

// skipValue passes over the next value, which is refused already, in one step: what is
// inside a refused value is not walked (it would cost a token, and allocations, for every
// element of a megabyte of them), and the problem at its path says what is wrong.
func (w *walker) skipValue() error {
	var raw json.RawMessage
	if err := w.dec.Decode(&raw); err != nil {
		return err
	}
	w.prev = w.dec.InputOffset()
	return nil
}

// derefType is t without its pointers; nil stays nil.
func derefType(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// opens tells whether a value that opens with c ('{' or '[') can fill t: nil (anything),
// an interface, a type with its own JSON reader, a struct or map for '{', a slice or array
// for '['. A type read from text or bytes takes neither.
func opens(t reflect.Type, c byte) bool {
	t = derefType(t)
	if t == nil || t.Kind() == reflect.Interface || reflect.PointerTo(t).Implements(jsonUnmarshaler) {
		return true
	}
	if isText(t) {
		return false
	}
	if c == '{' {
		return t.Kind() == reflect.Struct || t.Kind() == reflect.Map
	}
	return (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && !isBytes(t)
}

// object reads the members of an object up to its '}': the fields of struct t, the
// entries of map t, or anything (t nil).
func (w *walker) object(t reflect.Type) error {
	var fields map[string]reflect.Type
	var elem reflect.Type
	if t != nil && t.Kind() == reflect.Struct {
		fields = fieldsOf(t)
	} else if t != nil {
		elem = t.Elem()
	}
	seen := map[string]bool{}
	for {
		tok, raw, err := w.token()
		if err != nil {
			return err
		}
		if tok == json.Delim('}') {
			return nil
		}
		key, _ := tok.(string)
		refused := false
		w.path = append(w.path, Segment{Key: key, Index: -1})
		w.text(raw, key)
		valid := utf8.Valid(raw) && !hasLoneSurrogate(raw) // else key holds U+FFFD for what was sent
		vt := elem
		switch {
		case valid && seen[key]:
			// encoding/json would keep the last one silently; which one the sender meant
			// is not ours to guess.
			w.add("duplicate_key", "is given more than once in this object")
			refused = true
		case fields != nil:
			var known bool
			if vt, known = fields[key]; !known {
				w.add("unknown_field", "is not a field of this request (names are case-sensitive)")
				refused = true
			}
		case t != nil && t.Kind() == reflect.Map && isText(t.Key()):
			w.unmarshalText(t.Key(), key)
		}
		if valid {
			seen[key] = true
		}
		if refused {
			err = w.skipValue()
		} else {
			err = w.value(vt, false)
		}
		if err != nil {
			return err
		}
		w.path = w.path[:len(w.path)-1]
	}
}

// array reads the elements of an array up to its ']'.
func (w *walker) array(elem reflect.Type) error {
	for i := 0; ; i++ {
		if !w.dec.More() {
			_, _, err := w.token()
			return err
		}
		w.path = append(w.path, Segment{Index: i})
		if err := w.value(elem, false); err != nil {
			return err
		}
		w.path = w.path[:len(w.path)-1]
	}
}

// number tells whether the number text s fits t, and if not what t wants when that is more
// than its kind.
func number(t reflect.Type, s string) (bool, string) {
	integer := !strings.ContainsAny(s, ".eE")
	var err error
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if _, err = strconv.ParseInt(s, 10, t.Bits()); integer && err != nil {
			return false, fmt.Sprintf("an integer from %d to %d", int64(-1)<<(t.Bits()-1), int64(1)<<(t.Bits()-1)-1)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if _, err = strconv.ParseUint(s, 10, t.Bits()); integer && err != nil && !strings.HasPrefix(s, "-") {
			return false, fmt.Sprintf("an integer from 0 to %d", uint64(1)<<(t.Bits()-1)*2-1)
		}
	case reflect.Float32, reflect.Float64:
		_, err = strconv.ParseFloat(s, t.Bits())
		return err == nil, "a number in range"
	default:
		return false, ""
	}
	return integer && err == nil, ""
}

// kindOf names the JSON value that t reads, for messages: never a Go type name.
func kindOf(t reflect.Type) string {
	if t == nil {
		return "a JSON value"
	}
	switch {
	case isText(t), isBytes(t):
		return "a string"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map:
		return "an object"
	case reflect.Struct:
		return "a JSON object"
	}
	return "a JSON value"
}

// isText tells whether t reads itself from a JSON string (encoding.TextUnmarshaler).
func isText(t reflect.Type) bool {
	return !reflect.PointerTo(t).Implements(jsonUnmarshaler) && reflect.PointerTo(t).Implements(textUnmarshaler)
}

// isBytes tells whether t is a []byte, which encoding/json reads from a base64 string.
func isBytes(t reflect.Type) bool {
	return t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8
}

var fieldCache sync.Map // reflect.Type → map[string]reflect.Type

// fieldsOf maps the JSON names of a struct's fields (embedded structs' too) to their types,
// as encoding/json names them.
func fieldsOf(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && name == "" {
				for ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if _, dup := m[name]; dup {
				continue // the shallower field wins, as in encoding/json
			}
			if strings.Contains(","+opts+",", ",string,") {
				ft = reflect.TypeFor[string]() // a number or boolean written in a string
			}
			m[name] = f.Type
			if ft != f.Type {
				m[name] = ft
			}
		}
	}
	walk(t)
	fieldCache.Store(t, m)
	return m
}

// hasLoneSurrogate tells whether JSON text escapes half a UTF-16 surrogate pair ("\ud800"
// alone), which is no character at all. Backslashes occur only inside strings.
func hasLoneSurrogate(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			continue
		}
		if b[i+1] != 'u' {
			i++ // skip the escaped character, which may be a backslash
			continue
		}
		r1, ok := hex4(b, i+2)
		if !ok {
			return false // malformed; the decoder reports it
		}
		i += 5
		switch {
		case r1 >= 0xDC00 && r1 <= 0xDFFF:
			return true
		case r1 >= 0xD800 && r1 <= 0xDBFF:
			r2, ok := rune(0), i+2 < len(b) && b[i+1] == '\\' && b[i+2] == 'u'
			if ok {
				r2, ok = hex4(b, i+3)
			}
			if !ok || utf16.DecodeRune(r1, r2) == utf8.RuneError {
				return true
			}
			i += 6
		}
	}
	return false
}

// hex4 reads four hex digits at b[i:].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[i:i+4]), 16, 16)
	return rune(n), err == nil
}
