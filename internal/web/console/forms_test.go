package console

import "testing"

func TestSafeNext(t *testing.T) {
	t.Parallel()
	for next, want := range map[string]string{
		"":                          "/fallback",
		"/incidents":                "/incidents",
		"/incidents/INC-000001?x=1": "/incidents/INC-000001?x=1",
		"//evil.example":            "/fallback",
		"/\\evil.example":           "/fallback",
		"https://evil.example/":     "/fallback",
		"javascript:alert(1)":       "/fallback",
		"incidents":                 "/fallback",
		"/a\nb":                     "/fallback",
		"/a\\b":                     "/fallback",
		"/\t/evil.example":          "/fallback",
	} {
		if got := safeNext(next, "/fallback"); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}
