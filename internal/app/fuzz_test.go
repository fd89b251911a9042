package app

// Fuzz targets for what the app layer reads from outside: the tokens of solution links, the
// questionnaire definitions admins upload (YAML and JSON) and stale times (docs/testing.md).
// Their seeds run with every test run; scripts/fuzz fuzzes them. The reset links' target is
// in fuzz_reset_test.go.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"meldpunt/internal/desk"
)

// fuzzOutbox is an Outbox with a fixed signing key and no store: enough to make and check
// solution links.
func fuzzOutbox() *Outbox {
	c := &core{cfg: Config{BaseURL: "https://desk.example/"}, now: time.Now}
	c.key.key = bytes.Repeat([]byte{7}, 32)
	return &Outbox{core: c}
}

// FuzzSolutionToken: a solution link's token reads back as what it was made of until it
// expires, and then as expired; any other text, a changed token among it, is refused as
// not valid, without panicking.
func FuzzSolutionToken(f *testing.F) {
	f.Add("12.1767225600000.c.1767312000.abcdefghijklmnopqrstuvwxyz", int64(12), int64(1767225600123), int64(1767312000), true, 3, byte('x'))
	f.Add("", int64(1), int64(0), int64(1), false, 0, byte('.'))
	f.Add("1.2.r.3.4.5", int64(9223372036854775807), int64(-1), int64(-62135596800), false, 60, byte('C'))
	f.Add("+1.-0.c.00.\x00", int64(-4), int64(99999999999999), int64(99999999999), true, -1, byte(' '))
	ctx := context.Background()
	o := fuzzOutbox()
	f.Fuzz(func(t *testing.T, token string, id, resolvedMs, expires int64, confirm bool, at int, b byte) {
		// Any text: not valid (the MAC is 128 bits), or, past its time, expired.
		if tok, err := o.solutionToken(ctx, token); err == nil {
			t.Fatalf("a made-up token %q was accepted: %+v", token, tok)
		} else if !errors.Is(err, ErrSolutionLinkInvalid) && !errors.Is(err, ErrSolutionLinkExpired) {
			t.Fatalf("token %q: %v, want not valid or expired", token, err)
		}

		if id <= 0 {
			return
		}
		resolved := time.UnixMilli(resolvedMs % 1e14).UTC()
		const span = 300 * 365 * 86400 // links expire between 2000 and 2300
		exp := time.Unix(946684800+(expires%span+span)%span, 0).UTC()
		inc := desk.Incident{ID: id, State: desk.StateResolved, ResolvedAt: &resolved, AutoCloseAt: &exp}
		cl, rl, err := o.SolutionLinks(ctx, inc)
		if err != nil {
			t.Fatal(err)
		}
		for _, link := range []string{cl, rl} {
			token, ok := strings.CutPrefix(link, "https://desk.example/solution/")
			if !ok {
				t.Fatalf("link %q", link)
			}
			want := SolutionToken{IncidentID: id, ResolvedAt: resolved, Confirm: link == cl, Expires: exp}
			got, err := o.parseSolutionToken(ctx, token, exp.Add(-time.Second))
			if err != nil || got != want {
				t.Fatalf("token %q read as %+v, %v; want %+v", token, got, err, want)
			}
			if _, err := o.solutionToken(ctx, token); !exp.After(time.Now()) && !errors.Is(err, ErrSolutionLinkExpired) {
				t.Fatalf("token %q expired at %v: %v", token, exp, err)
			}
			if _, err := o.parseSolutionToken(ctx, token, exp); desk.ErrorCode(err) != desk.EUNAUTHORIZED {
				t.Fatalf("token %q at its expiry: %v", token, err)
			}
			// Changed in one byte, it is no token at all.
			i := (at%len(token) + len(token)) % len(token)
			if changed := token[:i] + string(b) + token[i+1:]; changed != token {
				if got, err := o.parseSolutionToken(ctx, changed, time.Time{}); err == nil {
					t.Fatalf("a changed token %q was accepted: %+v", changed, got)
				}
			}
		}
	})
}

// FuzzParseQuestionnaire: a definition in any text is read or refused with a 422 naming a
// field, never a panic; what is read writes back as JSON, and as YAML, that reads as the
// same definition; validating it names each problem's field.
func FuzzParseQuestionnaire(f *testing.F) {
	def, _ := json.Marshal(desk.DefaultQuestionnaire())
	f.Add(def)
	for _, s := range []string{
		"version: 0\nquestions:\n  - id: down\n    kind: yes_no\n    required: true\n    text: {nl: \"Ligt het eruit?\", en: \"Is it down?\"}\nrules:\n  - {question: down, any_of: [\"yes\"], urgency: high}\ncriteria: {}\nexclusions: {}\n",
		`{"questions": [], "colour": "red"}`, "questionz: []", "  ", `{"questions": [`, "a: &a [*a]",
		"a: &a [x]\nb: &b [*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b]\n", "? [a]\n: b\n", "{1: 2}", "- 1\n- 2", "null", "version: 1e3",
		`{"version": 9999999999999999999}`, `{"questions":[{"id":"x","kind":"multi","text":{"nl":"\u0000","en":""},"options":[]}]}`,
		"version: !!binary aGVsbG8=", "criteria: {a: {nl: x}}\ncriteria: {}", "\xff\xfe", "%YAML 1.1\n---\nversion: 0",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := ParseQuestionnaire(data)
		if err != nil {
			checkFields(t, err)
			return
		}
		js, err := json.Marshal(q)
		if err != nil {
			t.Fatalf("a definition read from %q does not write as JSON: %v", data, err)
		}
		back, err := ParseQuestionnaire(js)
		if err != nil {
			t.Fatalf("the definition written as %s does not read back: %v", js, err)
		}
		if again, _ := json.Marshal(back); !bytes.Equal(again, js) {
			t.Fatalf("JSON round trip changed the definition:\n%s\n%s", js, again)
		}
		var generic any
		if err := json.Unmarshal(js, &generic); err != nil {
			t.Fatal(err)
		}
		yml, err := yaml.Marshal(generic)
		if err != nil {
			t.Fatal(err)
		}
		if back, err = ParseQuestionnaire(yml); err != nil {
			t.Fatalf("the definition written as YAML\n%s\ndoes not read back: %v", yml, err)
		}
		if again, _ := json.Marshal(back); !bytes.Equal(again, js) {
			t.Fatalf("YAML round trip changed the definition:\n%s\n%s", js, again)
		}
		if err := q.Validate(); err != nil {
			checkFields(t, err)
		}
	})
}

// FuzzStaleAfter: stale times sent as minutes per priority name are read or refused naming
// each field; what is read is in range and writes back as the same minutes.
func FuzzStaleAfter(f *testing.F) {
	f.Add([]byte(`{"minutes":{"P1":60,"P2":240,"P3":1440,"P4":4320,"P5":10080}}`))
	f.Add([]byte(`{"minutes":{"P1":0,"P2":-5,"P3":129601,"P4":9223372036854775807,"P5":1,"P6":1,"p1":1}}`))
	f.Add([]byte(`{"minutes":{}}`))
	f.Add([]byte(`{"minutes":{"":1,"\u0000":2,"P01":3}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var in StaleAfterSetting
		if json.Unmarshal(data, &in) != nil {
			return
		}
		s, err := staleAfterFrom(in)
		if err != nil {
			checkFields(t, err)
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("accepted %s as %v, which is not valid: %v", data, s, err)
		}
		out := staleAfterJSON(s)
		back, err := staleAfterFrom(out)
		if err != nil || len(back) != len(s) {
			t.Fatalf("%v written as %v reads back as %v, %v", s, out, back, err)
		}
		for p, d := range s {
			if back[p] != d {
				t.Fatalf("%v written as %v reads back as %v", s, out, back)
			}
		}
	})
}

// checkFields fails unless err is a *desk.Error EINVALID whose every field error names its
// field and rule.
func checkFields(t *testing.T, err error) {
	t.Helper()
	var e *desk.Error
	if !errors.As(err, &e) || e.Code != desk.EINVALID || len(e.Fields) == 0 {
		t.Fatalf("error %T %v, want a *desk.Error %s naming fields", err, err, desk.EINVALID)
	}
	for _, fe := range e.Fields {
		if fe.Field == "" || fe.Rule == "" || fe.Message == "" {
			t.Fatalf("a field error lacks its field, rule or message: %+v", fe)
		}
	}
}
