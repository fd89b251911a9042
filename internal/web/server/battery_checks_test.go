package server

// What the malformed-input battery checks in each answer, and how it reports: the rules
// beyond the status (strict), the failures and knownFailing, the server's ERROR lines.

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// maxErrorAnswer caps the answer to a malformed request that is smaller (finding 3: one
// error per unknown key made a 10 MB answer of a 1 MB request).
const maxErrorAnswer = 64 << 10

// strict checks what the API documents beyond the status: no answer to malformed input
// is huge, keys and ids are exact (finding 7), and a 422 names every field it is about as
// the client sent it, and every missing required field (finding 8).
func (b *battery) strict(op oaOperation, c bcase, who string, status int, answer []byte) {
	accepted := status >= 200 && status < 300
	// Authorise first, then decode (finding 6): nobody gets past sign-in, and a client
	// user is refused what is the staff's before the server reads what was sent.
	if who == "" && !op.Public && status != http.StatusUnauthorized {
		b.fail(op, c, who, "authorise-first", fmt.Sprintf("status %d without signing in, want 401", status))
	}
	if who == "a_user" && op.StaffOnly && (accepted || status == 400 || status == 415 || status == 422) {
		b.fail(op, c, who, "authorise-first", fmt.Sprintf("status %d for a client user on the staff's operation, want 403 or 404", status))
	}
	if c.name == "body: valid" && !accepted {
		b.fail(op, c, who, "valid", fmt.Sprintf("the base body got %d, not 2xx: fix it in baseBodies: %.300s", status, answer))
	}
	if status >= 400 && len(answer) > max(maxErrorAnswer, len(c.body)+int(c.stream)) {
		b.fail(op, c, who, "cap", fmt.Sprintf("a %d answer of %d bytes: cap the error list", status, len(answer)))
	}
	if c.caseKey && accepted {
		b.fail(op, c, who, "exact-key", fmt.Sprintf("status %d: the key %q was taken for another", status, c.field))
	}
	if c.param != nil && accepted && !matchesParam(b.doc.resolve(c.param.Schema), c.value) {
		b.fail(op, c, who, "exact-id", fmt.Sprintf("status %d: the %s %q was accepted against the documented schema", status, c.param.Name, c.value))
	}
	if status != http.StatusUnprocessableEntity || c.field == "" && len(c.required) == 0 {
		return
	}
	var p struct {
		Errors []struct{ Field string }
	}
	_ = json.Unmarshal(answer, &p)
	var fields []string
	for _, e := range p.Errors {
		fields = append(fields, e.Field)
	}
	// A field is named by its own error or by one inside it (answers.security for answers);
	// where the case takes a value away, also by the object that holds it (rules.criterion
	// empty may make /rules/0 a rule with neither criterion nor exclusion). In a JSON body
	// only a JSON Pointer names it (docs/api.md), not a dotted path.
	pointers := c.ctype == "application/json"
	named := func(f string, orParent bool) bool {
		for _, e := range p.Errors {
			if pointers && !strings.HasPrefix(e.Field, "/") {
				continue
			}
			n := normField(e.Field)
			if n == f || strings.HasPrefix(n, f+".") || orParent && n != "" && strings.HasPrefix(f, n+".") {
				return true
			}
		}
		return false
	}
	if c.field != "" && !named(c.field, c.orParent) {
		b.fail(op, c, who, "field", fmt.Sprintf("the 422 names %q, not the field %q", fields, c.field))
	}
	for _, r := range c.required {
		if !named(r, false) {
			b.fail(op, c, who, "required", fmt.Sprintf("the 422 names %q, not the missing required field %q", fields, r))
		}
	}
}

// normField turns an error's field into the battery's path: a JSON Pointer
// (/targets/0/priority) or a dotted path (targets[0].priority, targets.priority) all
// become targets.priority.
func normField(f string) string {
	var out []string
	for seg := range strings.FieldsFuncSeq(f, func(r rune) bool { return r == '/' || r == '.' }) {
		seg = strings.NewReplacer("~1", "/", "~0", "~").Replace(seg)
		if i := strings.IndexByte(seg, '['); i > 0 && strings.HasSuffix(seg, "]") {
			seg = seg[:i]
		}
		if strings.Trim(seg, "0123456789") == "" {
			continue
		}
		out = append(out, seg)
	}
	return strings.Join(out, ".")
}

// matchesParam tells whether a path parameter's value is one the document allows: a
// positive decimal integer without sign, padding or leading zeros for an integer, a match
// of the pattern for a string with one.
func matchesParam(s *oaSchema, v string) bool {
	if s == nil {
		return true
	}
	switch {
	case s.Type == "integer":
		n, err := strconv.ParseInt(v, 10, 64)
		return err == nil && n >= 1 && strconv.FormatInt(n, 10) == v
	case s.Pattern != "":
		return regexp.MustCompile(s.Pattern).MatchString(v)
	}
	return true
}

func whoName(who string) string {
	if who == "" {
		return "anonymous"
	}
	return who
}

// sentCase is what the battery sent: for the log lines of its request.
type sentCase struct {
	op   oaOperation
	name string
	who  string
}

// failure is one thing wrong with one answer. check names the rule it breaks: 5xx,
// problem (a 4xx that is no problem document), log (an ERROR line), answer (none came),
// cap, exact-key, exact-id, field or required (see strict).
type failure struct {
	op, name, who, check, what string
}

func (b *battery) fail(op oaOperation, c bcase, who, check, what string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failures = append(b.failures, failure{op.key(), c.name, whoName(who), check, what})
}

// report fails the test for every failure that knownFailing does not list, and for every
// entry of knownFailing that matched nothing on this database; the server's ERROR lines
// are failures of their requests' cases.
func (b *battery) report(dialect string) {
	t := b.t
	for _, r := range b.log.errors() {
		sc, ok := b.cases[r.requestID]
		if !ok {
			t.Errorf("the server logged at %s without a request of the battery: %s", r.level, r.text)
			continue
		}
		b.failures = append(b.failures, failure{sc.op.key(), sc.name, whoName(sc.who), "log", "logged " + r.level.String() + ": " + r.text})
	}
	t.Logf("%d requests over %d operations; statuses %v", b.sent, len(b.ops), b.statuses)
	used := map[int]int{}
	var unknown []string
	for _, f := range b.failures {
		if i := knownIndex(dialect, f); i >= 0 {
			used[i]++
			continue
		}
		unknown = append(unknown, fmt.Sprintf("%s | %s as %s: %s: %s", f.op, f.name, f.who, f.check, f.what))
	}
	slices.Sort(unknown)
	for _, u := range unknown {
		t.Errorf("%s %s", dialect, u)
	}
	for i, k := range knownFailing {
		switch {
		case k.db != "*" && k.db != dialect:
		case used[i] == 0:
			t.Errorf("knownFailing %+v no longer fails on %s: remove it from the list in battery_test.go", k, dialect)
		default:
			t.Logf("known failures (%s): %d of %s %s | %s (%s)", k.finding, used[i], k.check, k.op, k.name, dialect)
		}
	}
}

// knownIndex returns the index of the knownFailing entry that lists f, or -1.
func knownIndex(dialect string, f failure) int {
	for i, k := range knownFailing {
		if (k.db == "*" || k.db == dialect) && k.check == f.check && glob(k.op, f.op) && glob(k.name, f.name) {
			return i
		}
	}
	return -1
}

// glob matches s against a pattern in which * stands for any text.
func glob(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

// logCapture is a slog handler that keeps the records at ERROR level and above.
type logCapture struct {
	sink  *logSink
	attrs []slog.Attr
}

// logSink holds what every handler derived from one logCapture kept.
type logSink struct {
	mu   sync.Mutex
	recs []capturedRecord
}

type capturedRecord struct {
	level     slog.Level
	requestID string
	text      string
}

func newLogCapture() *logCapture { return &logCapture{sink: &logSink{}} }

func (c *logCapture) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelError }

func (c *logCapture) Handle(_ context.Context, r slog.Record) error {
	if r.Level < slog.LevelError {
		return nil
	}
	rec := capturedRecord{level: r.Level, text: r.Message}
	each := func(a slog.Attr) bool {
		if a.Key == "request_id" {
			rec.requestID = a.Value.String()
		}
		rec.text += " " + a.Key + "=" + a.Value.String()
		return true
	}
	for _, a := range c.attrs {
		each(a)
	}
	r.Attrs(each)
	c.sink.mu.Lock()
	c.sink.recs = append(c.sink.recs, rec)
	c.sink.mu.Unlock()
	return nil
}

func (c *logCapture) WithAttrs(as []slog.Attr) slog.Handler {
	return &logCapture{sink: c.sink, attrs: append(slices.Clone(c.attrs), as...)}
}

func (c *logCapture) WithGroup(string) slog.Handler { return c }

func (c *logCapture) errors() []capturedRecord {
	c.sink.mu.Lock()
	defer c.sink.mu.Unlock()
	return slices.Clone(c.sink.recs)
}
