package console

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// formCookie holds the double-submit token of the forms used before signing in (sign-in,
// password reset, setup), when there is no session whose token could protect them.
const formCookie = "meldpunt_csrf"

// formToken returns the browser's double-submit token, setting a new one when it has none.
func (h *handler) formToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(formCookie); err == nil && len(c.Value) >= 32 && len(c.Value) <= 64 {
		return c.Value
	}
	tok := app.NewSecretString()
	http.SetCookie(w, &http.Cookie{
		Name: formCookie, Value: tok, Path: "/", HttpOnly: true,
		Secure: h.secureFor(r), SameSite: http.SameSiteStrictMode,
	})
	// A page rendered after a failed POST shows this token, so let the request carry it.
	r.AddCookie(&http.Cookie{Name: formCookie, Value: tok})
	return tok
}

// checkFormToken tells whether a form posted before signing in carries the token of the
// browser's cookie in its csrf field.
func checkFormToken(r *http.Request) bool {
	c, err := r.Cookie(formCookie)
	if err != nil || c.Value == "" {
		return false
	}
	got := r.PostFormValue("csrf")
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(c.Value)) == 1
}

// safeNext returns next when it is a path on this site, and fallback otherwise: no scheme,
// no host, no "//" or "/\" that browsers read as another host, no control characters.
func safeNext(next, fallback string) string {
	if next == "" || len(next) > 2000 || next[0] != '/' || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return fallback
	}
	if strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return fallback
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return fallback
	}
	return next
}

// fieldMessage translates a field's rule violation. The domain's messages are English;
// the rule names the problem, and the number in the message (a length) is carried over.
func fieldMessage(v *view, fe desk.FieldError) string {
	key := "field." + fe.Rule
	if !v.Has(key) {
		return fe.Message
	}
	switch fe.Rule {
	case "min_length", "max_length":
		if n, err := strconv.Atoi(firstNumber(fe.Message)); err == nil {
			return v.N(key, n)
		}
		return fe.Message
	}
	return v.T(key)
}

// formErrors sorts the field errors of an EINVALID error for a form that shows fields:
// the messages of those fields, to show next to them, and the rest as one alert. ok is
// false when err is not EINVALID.
func formErrors(v *view, err error, fields ...string) (errs map[string]string, alert string, ok bool) {
	var e *desk.Error
	if !errors.As(err, &e) || e.Code != desk.EINVALID {
		return nil, "", false
	}
	errs = map[string]string{}
	var rest []string
	for _, fe := range e.Fields {
		msg := fieldMessage(v, fe)
		shown := false
		for _, f := range fields {
			if f == fe.Field {
				shown = true
			}
		}
		if !shown {
			rest = append(rest, fe.Field+": "+msg)
			continue
		}
		if _, dup := errs[fe.Field]; !dup {
			errs[fe.Field] = msg
		}
	}
	alert = v.T("form.check")
	if len(rest) > 0 {
		alert += " " + strings.Join(rest, "; ")
	}
	return errs, alert, true
}

// firstNumber returns the first run of digits in s, "" when there is none.
func firstNumber(s string) string {
	i := strings.IndexAny(s, "0123456789")
	if i < 0 {
		return ""
	}
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	return s[i:j]
}
