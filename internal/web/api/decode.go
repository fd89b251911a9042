package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"meldpunt/internal/desk"
)

// MaxBody caps a request body, in bytes; larger bodies get 413.
const MaxBody = 1 << 20

// decode reads the request's JSON body into dst, strictly: the media type must be JSON, the
// text valid UTF-8, every field known and of the right type, and nothing may follow the
// object. Failures come back as errors the adapter answers: 415, 413, 400 for the request
// itself, 422 naming the field for the content.
func decode(w http.ResponseWriter, r *http.Request, dst any) error {
	if err := checkMediaType(r.Header.Get("Content-Type")); err != nil {
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return desk.Errorf(desk.ETOOLARGE, "the body is larger than %d bytes", MaxBody)
	}
	if err != nil {
		return badRequest("the body could not be read")
	}
	return decodeJSON(body, dst, "body")
}

// decodeJSON reads one JSON object from b into dst with decode's rules. what names the
// text in messages and as the field of errors about it as a whole: "body", or the name of
// a multipart part.
func decodeJSON(b []byte, dst any, what string) error {
	// encoding/json would replace invalid UTF-8 (and lone surrogate escapes) by U+FFFD
	// silently; refuse them instead, so what is stored is what was sent.
	if !utf8.Valid(b) || hasLoneSurrogate(b) {
		return invalid(what, "utf8", "must be valid UTF-8 text")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err, what)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("the " + what + " must hold one JSON object and nothing after it")
	}
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte("null")) {
		return invalid(what, "type", "must be a JSON object")
	}
	return nil
}

// checkMediaType accepts application/json and the +json types, in UTF-8.
func checkMediaType(ct string) error {
	mt, params, err := mime.ParseMediaType(ct)
	cs, hasCharset := params["charset"]
	if err != nil || mt != "application/json" && !strings.HasSuffix(mt, "+json") || hasCharset && !strings.EqualFold(cs, "utf-8") {
		return desk.Errorf(desk.EMEDIATYPE, "send the body as application/json (UTF-8)")
	}
	return nil
}

// decodeError turns an encoding/json error into the answer for the client; what names
// the text that was read ("body").
func decodeError(err error, what string) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var bad *json.InvalidUnmarshalError
	switch {
	case errors.Is(err, io.EOF):
		return badRequest("the " + what + " is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("the " + what + " is not valid JSON: it ends too early")
	case errors.As(err, &syntax):
		return badRequest("the " + what + " is not valid JSON: " + syntax.Error() + " (at byte " + strconv.FormatInt(syntax.Offset, 10) + ")")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = what
		}
		return invalid(field, "type", "must be "+jsonKind(typ.Type)+", not "+typ.Value)
	case errors.As(err, &bad):
		return err // a programming error: internal
	}
	if name, ok := strings.CutPrefix(err.Error(), `json: unknown field "`); ok {
		field := strings.TrimSuffix(name, `"`)
		if field == "" {
			field = what // the key "" names no field; the text holding it is at fault
		}
		return invalid(field, "unknown_field", "is not a field of this request")
	}
	return invalid(what, "type", err.Error())
}

// jsonKind names the JSON type that a Go type reads.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer (in range)"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}

// hasLoneSurrogate tells whether the JSON text escapes half a UTF-16 surrogate pair
// ("\ud800" alone), which is no character at all. Backslashes occur only inside strings.
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

// invalid returns an EINVALID error for one field.
func invalid(field, rule, msg string) error {
	return &desk.Error{Code: desk.EINVALID, Message: "the input is not valid",
		Fields: []desk.FieldError{{Field: field, Rule: rule, Message: msg}}}
}
