// Package i18n holds Meldpunt's texts in Dutch and English and picks the language of a
// request. Pages use it now; emails will use the same catalogs.
package i18n

import (
	"fmt"
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

// catalog returns the messages of a language; nil for a language Meldpunt does not speak.
func catalog(l desk.Locale) map[string]string {
	switch l {
	case desk.LocaleNL:
		return nl
	case desk.LocaleEN:
		return en
	}
	return nil
}

// Parse reads a language code such as "en", "EN" or "en-GB".
func Parse(s string) (desk.Locale, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	l := desk.Locale(s)
	return l, catalog(l) != nil
}

// T returns the text for key in the language, formatted with args (fmt verbs) when there
// are any. A key missing in the language falls back to the default language, and a key
// missing everywhere is returned as it is, so a gap shows on the page instead of breaking it.
func T(l desk.Locale, key string, args ...any) string {
	s, ok := catalog(l)[key]
	if !ok {
		if s, ok = catalog(Default)[key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// Has tells whether key exists in the language.
func Has(l desk.Locale, key string) bool {
	_, ok := catalog(l)[key]
	return ok
}

// Keys lists the keys of a language, sorted.
func Keys(l desk.Locale) []string {
	c := catalog(l)
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
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
	if catalog(userLocale) != nil {
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
