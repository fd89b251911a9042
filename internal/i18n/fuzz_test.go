package i18n

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"

	"meldpunt/internal/desk"
)

// FuzzNegotiate: whatever a request's ?lang=, lang cookie and Accept-Language say, the
// language picked is one Meldpunt speaks, and a language named in ?lang= wins.
func FuzzNegotiate(f *testing.F) {
	for _, s := range [][3]string{
		{"en", "", ""}, {"", "nl", "en-GB,en;q=0.9"}, {"", "", "de-DE, en;q=0.5, nl;q=0.4"}, {"EN_us", "", ""},
		{"", "", "en;q=NaN, nl;q=1e400"}, {"", "", "en;q=-1,nl;q=0"}, {"", "", "*;q=1, ;;;=,"}, {"fr", "xx", "\xff\xfe;q=0.1"},
		{"", "", "en;q=0.5;Q=0.9, nl;q=0.6"},
	} {
		f.Add(s[0], s[1], s[2], "")
	}
	f.Add("", "", "", "en")
	f.Fuzz(func(t *testing.T, lang, cookie, accept, user string) {
		r := httptest.NewRequest(http.MethodGet, "/?lang="+url.QueryEscape(lang), nil)
		if cookie != "" {
			r.AddCookie(&http.Cookie{Name: CookieName, Value: url.QueryEscape(cookie)})
		}
		r.Header.Set("Accept-Language", accept)
		l := Negotiate(r, desk.Locale(user))
		if !slices.Contains(Locales(), l) {
			t.Fatalf("Negotiate picked %q", l)
		}
		if want, ok := Parse(lang); ok && l != want {
			t.Fatalf("?lang=%q gave %q, want %q", lang, l, want)
		}
		if got, ok := fromAcceptLanguage(accept); ok != (got != "") || ok && !slices.Contains(Locales(), got) {
			t.Fatalf("Accept-Language %q gave %q, %v", accept, got, ok)
		}
	})
}
