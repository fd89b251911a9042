package api

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"

	"meldpunt/internal/desk"
)

// list is the answer of a list route that returns everything at once.
type list[T any] struct {
	Items []T `json:"items"`
}

// page is one page of a paginated list. NextCursor, when present, fetches the next page.
type page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
	Total      *int   `json:"total,omitempty"`
}

// listOf wraps items in a list, never answering "items": null.
func listOf[T any](items []T) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items}
}

// pageOf wraps items and the id of the next page's cursor (0: no next page).
func pageOf[T any](items []T, next int64) page[T] {
	if items == nil {
		items = []T{}
	}
	p := page[T]{Items: items}
	if next > 0 {
		p.NextCursor = encodeCursor(next)
	}
	return p
}

// encodeCursor turns the id a next page starts below into an opaque cursor.
func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10)))
}

// decodeCursor reads a cursor made by encodeCursor, and only such a cursor: strict
// unpadded base64url of an id as parseID reads it.
func decodeCursor(s string) (int64, bool) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return 0, false
	}
	id, ok := parseID(string(b))
	return id, ok && encodeCursor(id) == s // the decoder skips line breaks
}

// writeJSON answers v as JSON. The encoder escapes <, > and & (\u003c …), so text that a
// client pastes into HTML cannot become markup.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v) // the status is sent; a failed write means the client went away
	return nil
}

// created answers 201 with the new resource and its address.
func (a *api) created(w http.ResponseWriter, path string, v any) error {
	w.Header().Set("Location", a.base+path)
	return writeJSON(w, http.StatusCreated, v)
}

// badRequest is a body that cannot be read as JSON at all.
func badRequest(detail string) error {
	return &desk.Error{Code: desk.EMALFORMED, Message: detail}
}
