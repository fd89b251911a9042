package api

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"meldpunt/internal/desk"
	"meldpunt/internal/strictjson"
)

// MaxBody caps a request body, in bytes; larger bodies get 413.
const MaxBody = 1 << 20

// decode reads the request's JSON body into dst, strictly: the media type must be JSON, the
// text valid UTF-8 without control characters, every key a field as written (case
// included) and every value of the right type, and nothing may follow the object. Failures
// come back as errors the adapter answers: 415, 413, 400 for the request itself, 422 naming
// the field by its JSON Pointer for the content. The body is kept for fail, which names the
// fields of the services' errors by pointers into it too.
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
	keepDoc(r, body, false)
	return decodeJSON(body, dst, "body")
}

// decodeJSON reads one JSON object from b into dst with decode's rules (strictjson's:
// keys compared exactly, types, UTF-8 and control characters checked where they stand).
// what names the text in messages: "body", or the name of a multipart part, which is also
// the field of errors about the part as a whole; inside it, and in a body, fields are
// JSON Pointers ("/title", "" for the whole body).
func decodeJSON(b []byte, dst any, what string) error {
	err := strictjson.Decode(b, dst)
	var syn *strictjson.SyntaxError
	var bad *strictjson.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &syn) && len(bytes.TrimSpace(b)) == 0:
		return badRequest("the " + what + " is empty; send a JSON object")
	case errors.As(err, &syn):
		return badRequest("the " + what + " " + syn.Msg + " (at byte " + strconv.FormatInt(syn.Offset, 10) + ")")
	case errors.As(err, &bad):
		return bad.Fields(func(p strictjson.Path) string {
			if len(p) == 0 && what != "body" {
				return what
			}
			return p.Pointer()
		})
	}
	return err // a programming error: internal
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

// invalid returns an EINVALID error for one field.
func invalid(field, rule, msg string) error {
	return &desk.Error{Code: desk.EINVALID, Message: "the input is not valid",
		Fields: []desk.FieldError{{Field: field, Rule: rule, Message: msg}}}
}
