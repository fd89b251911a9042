// Package i18n holds Meldpunt's texts in Dutch and English and picks the language of a
// request. The texts are data: one YAML file per language in texts/, compiled into the
// binary and read once at start by Load into a Catalog that the pages and the emails are
// given (docs/i18n.md). The functions here that pick and remember a language are pure.
package i18n

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"meldpunt/internal/desk"
)

// Default is the language when nothing else decides.
const Default = desk.LocaleNL

// CookieName names the cookie that remembers a language chosen with ?lang=.
const CookieName = "lang"

// Locales lists the languages Meldpunt speaks, the default first.
func Locales() []desk.Locale { return []desk.Locale{desk.LocaleNL, desk.LocaleEN} }

// Parse reads a language code such as "en", "EN" or "en-GB".
func Parse(s string) (desk.Locale, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	l := desk.Locale(s)
	return l, slices.Contains(Locales(), l)
}

// Negotiate picks the language of a request, in this order: the query parameter ?lang=,
// the lang cookie, the signed-in user's own setting (userLocale, "" when anonymous), the
// Accept-Language header (by q-value), and finally Dutch.
func Negotiate(r *http.Request, userLocale desk.Locale) desk.Locale {
	if l, ok := Parse(r.URL.Query().Get("lang")); ok {
		return l
	}
	if c, err := r.Cookie(CookieName); err == nil {
		if l, ok := Parse(c.Value); ok {
			return l
		}
	}
	if slices.Contains(Locales(), userLocale) {
		return userLocale
	}
	if l, ok := fromAcceptLanguage(r.Header.Get("Accept-Language")); ok {
		return l
	}
	return Default
}

// fromAcceptLanguage returns the spoken language with the highest q-value in an
// Accept-Language header; on a tie, the one listed first.
func fromAcceptLanguage(h string) (desk.Locale, bool) {
	var best desk.Locale
	bestQ := 0.0
	for _, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0
				}
				q = f
			}
		}
		l, ok := Parse(tag)
		if ok && q > bestQ {
			best, bestQ = l, q
		}
	}
	return best, bestQ > 0
}

// Cookie returns the cookie that remembers a chosen language for a year. It is readable by
// nothing but the server (HttpOnly) and sent on top-level navigations (SameSite=Lax).
func Cookie(l desk.Locale, secure bool) *http.Cookie {
	return &http.Cookie{
		Name: CookieName, Value: string(l), Path: "/", MaxAge: int((365 * 24 * time.Hour).Seconds()),
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
	}
}
