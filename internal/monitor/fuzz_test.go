package monitor

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"meldpunt/internal/desk"
)

// FuzzValidate: settings of any kind, any bytes. Never a panic; Redact gives JSON whatever
// it is given; a refusal is a desk
// validation error whose fields are named "<kind>" or "<kind>.…"; accepted settings are
// JSON that validates to itself, and redact to JSON in which
// no password survives.
func FuzzValidate(f *testing.F) {
	f.Add(byte(0), []byte(`{"url":"https://example.com/health","expect_status":[200],"headers":{"Authorization":"Bearer x"}}`))
	f.Add(byte(2), []byte(`{"host":"127.0.0.1","port":22}`))
	f.Add(byte(6), []byte(`{"host":"db","password":"pw","tls":"on"}`))
	c := &Checker{}
	kinds := Kinds()
	f.Fuzz(func(t *testing.T, k byte, in []byte) {
		kind := kinds[int(k)%len(kinds)]
		if red := c.Redact(kind, in); !json.Valid(red) {
			t.Fatalf("Redact of %q is not JSON: %s", in, red)
		}
		out, err := c.Validate(kind, in)
		if err != nil {
			var e *desk.Error
			if !errors.As(err, &e) || e.Code != desk.EINVALID || len(e.Fields) == 0 {
				t.Fatalf("error %v (%T), want a validation error with fields", err, err)
			}
			for _, fe := range e.Fields {
				if fe.Field != string(kind) && !strings.HasPrefix(fe.Field, string(kind)+".") {
					t.Fatalf("field %q of kind %s", fe.Field, kind)
				}
				if fe.Rule == "" || fe.Message == "" {
					t.Fatalf("field error %+v without rule or message", fe)
				}
			}
			return
		}
		if !json.Valid(out) || !utf8.Valid(out) {
			t.Fatalf("accepted settings are not JSON: %q", out)
		}
		again, err := c.Validate(kind, out)
		if err != nil || string(again) != string(out) {
			t.Fatalf("normalised %s validates to %s, %v", out, again, err)
		}
		var m map[string]any
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatal(err)
		}
		red := c.Redact(kind, out)
		if !json.Valid(red) {
			t.Fatalf("redacted settings are not JSON: %s", red)
		}
		if pw, ok := m["password"].(string); ok && pw != "" && pw != Redacted {
			var rm map[string]any
			if err := json.Unmarshal(red, &rm); err != nil || rm["password"] != Redacted {
				t.Fatalf("password survives redaction: %s", red)
			}
		}
	})
}
