package web

import (
	"net/url"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	t.Parallel()
	secret := "Q2hhbmdlIHRoaXMgc2VjcmV0IHRvIHNvbWV0aGluZyBlbHNl"
	cases := []struct {
		name, pattern, url, want string
	}{
		{"solution link", "GET /solution/{token}", "/solution/12.confirm.1700000000." + secret, "/solution/REDACTED"},
		{"solution form", "POST /solution/{token}", "/solution/" + secret + "?lang=en", "/solution/REDACTED?lang=en"},
		{"reset link", "GET /password/reset", "/password/reset?token=" + secret, "/password/reset?token=REDACTED"},
		{"setup link", "GET /setup", "/setup?lang=nl&token=" + secret, "/setup?lang=nl&token=REDACTED"},
		{"secret keys", "GET /x", "/x?api_key=a&Secret=b&sig=c&state=new", "/x?api_key=REDACTED&Secret=REDACTED&sig=REDACTED&state=new"},
		{"escaped key", "GET /x", "/x?%74oken=abc", "/x?%74oken=REDACTED"},
		{"a link in a value", "GET /login", "/login?next=%2Fpassword%2Freset%3Ftoken%3D" + secret, "/login?next=REDACTED"},
		{"search words are kept", "GET /incidents", "/incidents?q=checkout+fails+at+the+last+step", "/incidents?q=checkout+fails+at+the+last+step"},
		{"ids are kept", "GET /api/v1/incidents/{id}", "/api/v1/incidents/INC-000012", "/api/v1/incidents/INC-000012"},
		{"wildcards of other names are kept", "GET /incidents/{id}/attachments/{attachment}", "/incidents/7/attachments/9", "/incidents/7/attachments/9"},
		{"a rest wildcard", "GET /files/{key...}", "/files/a/b/c", "/files/REDACTED"},
		{"unrouted short segments", "/", "/api/v1/nothing/12", "/api/v1/nothing/12"},
		{"unrouted long segments", "/", "/solution/" + secret + "/extra", "/solution/REDACTED/extra"},
		{"no pattern", "", "/solution/" + secret, "/solution/REDACTED"},
		{"host in the pattern", "GET example.com/unsubscribe/{token}", "/unsubscribe/abc", "/unsubscribe/REDACTED"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			u, err := url.Parse(c.url)
			if err != nil {
				t.Fatal(err)
			}
			got := Redact(c.pattern, u)
			if got != c.want {
				t.Errorf("Redact(%q, %q) = %q, want %q", c.pattern, c.url, got, c.want)
			}
			if strings.Contains(got, secret) {
				t.Errorf("Redact(%q, %q) = %q keeps the secret", c.pattern, c.url, got)
			}
		})
	}
}
