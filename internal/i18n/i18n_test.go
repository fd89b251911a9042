package i18n

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"meldpunt/internal/desk"
)

func TestCatalogsComplete(t *testing.T) {
	t.Parallel()
	verbs := regexp.MustCompile(`%[-+# 0-9.\[\]]*[a-zA-Z%]`)
	if len(nl) < 50 || len(en) < 50 {
		t.Fatalf("catalogs too small: nl %d, en %d", len(nl), len(en))
	}
	for _, pair := range [][2]desk.Locale{{desk.LocaleNL, desk.LocaleEN}, {desk.LocaleEN, desk.LocaleNL}} {
		for k, v := range catalog(pair[0]) {
			other, ok := catalog(pair[1])[k]
			if !ok {
				t.Errorf("%q is in %s but not in %s", k, pair[0], pair[1])
				continue
			}
			if strings.TrimSpace(v) == "" {
				t.Errorf("%q is empty in %s", k, pair[0])
			}
			if a, b := verbs.FindAllString(v, -1), verbs.FindAllString(other, -1); !slices.Equal(a, b) {
				t.Errorf("%q: %s has the verbs %v, %s has %v", k, pair[0], a, pair[1], b)
			}
		}
	}
	if !slices.Equal(Keys(desk.LocaleNL), Keys(desk.LocaleEN)) {
		t.Error("the key lists differ")
	}
}

func TestT(t *testing.T) {
	t.Parallel()
	if got := T(desk.LocaleEN, "nav.signed_in_as", "Ada"); got != "Signed in as Ada" {
		t.Errorf("got %q", got)
	}
	if got := T(desk.LocaleNL, "nav.signed_in_as", "Ada"); got != "Ingelogd als Ada" {
		t.Errorf("got %q", got)
	}
	if got := T("fr", "login.title"); got != nl["login.title"] {
		t.Errorf("an unknown language does not fall back to Dutch: %q", got)
	}
	if got := T(desk.LocaleEN, "no.such.key"); got != "no.such.key" {
		t.Errorf("a missing key gives %q", got)
	}
}

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
