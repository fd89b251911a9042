package i18n

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"meldpunt/internal/desk"
)

func TestNegotiate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, query, cookie, accept string
		user                        desk.Locale
		want                        desk.Locale
	}{
		{name: "default", want: desk.LocaleNL},
		{name: "accept en", accept: "en-US,en;q=0.9", want: desk.LocaleEN},
		{name: "accept by q", accept: "en;q=0.3, nl;q=0.7", want: desk.LocaleNL},
		{name: "accept by q, en", accept: "nl;q=0.2, fr, en;q=0.9", want: desk.LocaleEN},
		{name: "accept q=0 excludes", accept: "en;q=0", want: desk.LocaleNL},
		{name: "accept unknown only", accept: "de-DE, fr;q=0.8", want: desk.LocaleNL},
		{name: "accept garbage", accept: ";;,q=x,en;q=abc", want: desk.LocaleNL},
		{name: "user beats accept", user: desk.LocaleNL, accept: "en", want: desk.LocaleNL},
		{name: "user en", user: desk.LocaleEN, want: desk.LocaleEN},
		{name: "cookie beats user", cookie: "nl", user: desk.LocaleEN, accept: "en", want: desk.LocaleNL},
		{name: "bad cookie is ignored", cookie: "xx", user: desk.LocaleEN, want: desk.LocaleEN},
		{name: "query beats all", query: "en", cookie: "nl", user: desk.LocaleNL, accept: "nl", want: desk.LocaleEN},
		{name: "query upper case", query: "NL", accept: "en", want: desk.LocaleNL},
		{name: "bad query is ignored", query: "klingon", accept: "en", want: desk.LocaleEN},
	} {
		r := httptest.NewRequest(http.MethodGet, "/?lang="+c.query, nil)
		if c.cookie != "" {
			r.AddCookie(&http.Cookie{Name: CookieName, Value: c.cookie})
		}
		if c.accept != "" {
			r.Header.Set("Accept-Language", c.accept)
		}
		if got := Negotiate(r, c.user); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

func TestCookie(t *testing.T) {
	t.Parallel()
	c := Cookie(desk.LocaleEN, true)
	if c.Name != CookieName || c.Value != "en" || !c.Secure || !c.HttpOnly || c.MaxAge <= 0 {
		t.Errorf("cookie %+v", c)
	}
	if Cookie(desk.LocaleNL, false).Secure {
		t.Error("Secure on plain HTTP")
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]desk.Locale{"en": desk.LocaleEN, "EN": desk.LocaleEN, " en-GB ": desk.LocaleEN, "nl_BE": desk.LocaleNL, "nl": desk.LocaleNL} {
		if got, ok := Parse(in); !ok || got != want {
			t.Errorf("Parse(%q) = %q, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "fr", "e", "english", "-en"} {
		if l, ok := Parse(in); ok {
			t.Errorf("Parse(%q) = %q, want no language", in, l)
		}
	}
}
