package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"meldpunt/internal/desk"
)

// The API names every field of an error as the client sent it: a JSON Pointer (RFC 6901)
// into the JSON document of the request ("/targets/0/priority"; "" is the whole document),
// and a query parameter or multipart part by its name ("limit", "files"). The domain names
// fields its own way ("targets[0].priority"), which the console shows next to its inputs;
// fail turns those names into pointers for a request that sent a JSON document.

// docKey keys a request's *sentDoc in its context.
type docKey struct{}

// sentDoc is the JSON document a request sent, once a handler read it.
type sentDoc struct {
	tree  func() any // the document as generic JSON values, read when an error needs it
	parts bool       // a multipart body: "report" and "files" name parts, not fields
}

// withDocSlot gives the request a place for the document its handler reads.
func withDocSlot(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), docKey{}, &sentDoc{}))
}

// keepDoc records that the request sent the JSON document b (nil: none is at hand, the
// fields are named by their names alone), so that errors name fields by pointers into it.
func keepDoc(r *http.Request, b []byte, parts bool) {
	d, _ := r.Context().Value(docKey{}).(*sentDoc)
	if d == nil {
		return // a caller without wrap (a test, a fuzz target)
	}
	d.parts = parts
	d.tree = func() any {
		var v any
		if json.Unmarshal(b, &v) != nil {
			return nil
		}
		return v
	}
}

// pointerFields returns err with its fields named by pointers when the request sent a JSON
// document; other errors, and fields named already, stay as they are.
func pointerFields(r *http.Request, err error) error {
	d, _ := r.Context().Value(docKey{}).(*sentDoc)
	var e *desk.Error
	if d == nil || d.tree == nil || !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	var tree any
	read := false
	out := *e
	out.Fields = make([]desk.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		switch {
		case f.Field == "" || f.Field[0] == '/':
		case d.parts && (f.Field == "report" || f.Field == "files" || strings.HasPrefix(f.Field, "files[")):
		default:
			if !read {
				tree, read = d.tree(), true
			}
			f.Field = pointerOf(f.Field, tree)
		}
		out.Fields[i] = f
	}
	return &out
}

// pointerOf turns a field named the domain's way — keys joined by dots, indexes in
// brackets: "targets[0].priority", "answers.q1" — into a JSON Pointer. Keys a client
// chose may hold dots and brackets themselves, so where the document has an object the
// longest of its keys that the name goes on with is the next step; past the document
// (a missing field), the name is split at its dots.
func pointerOf(name string, doc any) string {
	var b strings.Builder
	for len(name) > 0 {
		if name[0] == '[' {
			end := strings.IndexByte(name, ']')
			if i, err := strconv.Atoi(name[1:max(end, 1)]); end > 0 && err == nil && i >= 0 {
				b.WriteString("/" + name[1:end])
				if xs, ok := doc.([]any); ok && i < len(xs) {
					doc = xs[i]
				} else {
					doc = nil
				}
				name = strings.TrimPrefix(name[end+1:], ".")
				continue
			}
		}
		key := ""
		if m, ok := doc.(map[string]any); ok {
			for k := range m {
				if len(k) > len(key) && strings.HasPrefix(name, k) && (len(name) == len(k) || name[len(k)] == '.' || name[len(k)] == '[') {
					key = k
				}
			}
			doc = m[key]
		}
		if key == "" {
			key = name
			if i := strings.IndexAny(name[1:], ".["); i >= 0 {
				key = name[:i+1]
			}
			doc = nil
		}
		b.WriteString("/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(key))
		name = strings.TrimPrefix(name[len(key):], ".")
	}
	return b.String()
}
