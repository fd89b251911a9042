package api

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"meldpunt/internal/desk"
)

// List sizes of the paginated lists.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// parseID reads a positive decimal id exactly as the API writes it (pattern
// ^[1-9][0-9]{0,18}$): signs, spaces, leading zeros, exponents and other text are refused.
func parseID(s string) (int64, bool) {
	if s == "" || s[0] == '0' {
		return 0, false
	}
	return parseDigits(s)
}

// parseDigits reads 1 to 19 decimal digits as a positive number.
func parseDigits(s string) (int64, bool) {
	if s == "" || len(s) > 19 {
		return 0, false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// parseRef reads the {id} of an incident or change request: its id (123), or its number,
// the prefix in any case and digits (INC-000123, inc-123); pattern ^(INC-)?[0-9]+$ as
// openapi.json says. Unlike desk.ParseNumber, which reads what people type, it trims
// nothing.
func parseRef(s, prefix string) (int64, bool) {
	if len(s) > len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return parseDigits(s[len(prefix):])
	}
	return parseID(s)
}

// pathID reads the {id} of the path. Anything but a positive integer is "not found", as an
// id that does not exist is, so guessing tells nothing.
func pathID(r *http.Request, kind string) (int64, error) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return 0, desk.NotFound(kind)
	}
	return id, nil
}

// incidentID reads an incident's {id}: 123 or its number, INC-000123.
func incidentID(r *http.Request) (int64, error) {
	id, ok := parseRef(r.PathValue("id"), desk.NumberPrefix)
	if !ok {
		return 0, desk.NotFound("incident")
	}
	return id, nil
}

// query reads a request's query parameters, collecting every invalid one, so the answer
// names them all.
type query struct {
	v url.Values
	desk.Validator
}

func newQuery(r *http.Request) *query { return &query{v: r.URL.Query()} }

// one returns the parameter's value, "" when it is absent; a parameter given twice is
// refused.
func (q *query) one(name string) string {
	vs := q.v[name]
	if len(vs) > 1 {
		q.Add(name, "single", "must be given once")
		return ""
	}
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// id reads a positive id; 0 when absent.
func (q *query) id(name string) int64 {
	s := q.one(name)
	if s == "" {
		return 0
	}
	id, ok := parseID(s)
	if !ok {
		q.Add(name, "id", "must be a positive integer")
	}
	return id
}

// oneOf reads a value from a closed list; "" when absent.
func (q *query) oneOf(name string, allowed []string) string {
	s := q.one(name)
	if s != "" && !slices.Contains(allowed, s) {
		q.Add(name, "one_of", "must be one of: %s", strings.Join(allowed, ", "))
	}
	return s
}

// text reads free text of at most max characters, on one line, by the rules of
// desk.Validator.Text: no NUL or other control characters, no invalid UTF-8, no bidi
// controls (the rule names which).
func (q *query) text(name string, max int) string {
	s := q.one(name)
	q.Text(name, s, false, max, false)
	if q.Has(name) {
		return ""
	}
	return s
}

// bool reads true or false; nil when absent.
func (q *query) bool(name string) *bool {
	switch q.one(name) {
	case "":
		return nil
	case "true":
		b := true
		return &b
	case "false":
		b := false
		return &b
	}
	q.Add(name, "boolean", "must be true or false")
	return nil
}

// states reads incident states, repeated (state=a&state=b) or comma-separated (state=a,b).
func (q *query) states(name string) []desk.State {
	var out []desk.State
	for _, v := range q.v[name] {
		for s := range strings.SplitSeq(v, ",") {
			s = strings.TrimSpace(s)
			if !slices.Contains(desk.StateNames(), s) {
				q.Add(name, "one_of", "must be one or more of: %s", strings.Join(desk.StateNames(), ", "))
				return nil
			}
			out = append(out, desk.State(s))
		}
	}
	return out
}

// priority reads P1…P5, exactly as openapi.json's enum writes them; 0 when absent.
func (q *query) priority(name string) desk.Priority {
	s := q.one(name)
	if s == "" {
		return 0
	}
	var p desk.Priority
	if err := p.UnmarshalText([]byte(s)); err != nil || p.String() != s {
		q.Add(name, "one_of", "must be one of: P1, P2, P3, P4, P5")
	}
	return p
}

// limit reads the page size: DefaultLimit when absent, 1…MaxLimit otherwise.
func (q *query) limit() int {
	s := q.one("limit")
	if s == "" {
		return DefaultLimit
	}
	n, ok := parseID(s)
	if !ok || n > MaxLimit {
		q.Add("limit", "range", "must be an integer between 1 and %d", MaxLimit)
		return DefaultLimit
	}
	return int(n)
}

// cursor reads the cursor a previous page gave; 0 when absent.
func (q *query) cursor() int64 {
	s := q.one("cursor")
	if s == "" {
		return 0
	}
	id, ok := decodeCursor(s)
	if !ok {
		q.Add("cursor", "cursor", "is not a cursor this API gave; start again without it")
	}
	return id
}
