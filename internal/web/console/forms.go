package console

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"meldpunt/internal/desk"
	"meldpunt/internal/web"
)

// Every form behaves the same, through submit: the browser's own validation is off
// (novalidate) and the server's messages show next to the fields in the page's language;
// a form that fails shows its page again with every value sent kept, and a summary at the
// top that takes the focus and links to each field; a body over its limit is answered in
// the same way, naming the field; success goes on to a page (post/redirect/get) that says
// so once (flash.go).

// fieldRef is one field of a form as the error summary names it: its name in the request,
// the id of its element on the page (the summary links there; "" for no link), and its
// label: the catalog key Key, or Text as it is.
type fieldRef struct {
	Name, ID, Key, Text string
}

// fld is a field whose label is a catalog key.
func fld(name, id, key string) fieldRef { return fieldRef{Name: name, ID: id, Key: key} }

// label is the field's label in the page's language.
func (f fieldRef) label(v *view) string {
	if f.Key != "" {
		return v.T(f.Key)
	}
	return f.Text
}

// submission is a posted form as its handler describes it: the form's name on its page
// (view.Form), its fields in page order, the title of the page that shows it again, the
// alert of a conflict ("" makes a conflict the error page), and how the page is shown
// again with v holding the messages and the values sent.
type submission struct {
	form     string
	fields   []fieldRef
	title    string
	conflict string
	show     func(v *view, status int) error
}

// outcome is where a form that did its work leads (303), and what the page there says.
type outcome struct {
	to    string
	flash flash
}

// submit runs do for a posted form, unless the form lost a field to the body limit. On
// success it goes on to the outcome's page with its flash. Invalid input (422), a field
// too large to receive (413) and, when the submission says so, a conflict (409) show the
// form's page again; any other error is the error page.
func (h *handler) submit(w http.ResponseWriter, r *http.Request, s submission, do func() (outcome, error)) error {
	err := formCut(r)
	var out outcome
	if err == nil {
		out, err = do()
	}
	if err == nil {
		h.redirect(w, r, out)
		return nil
	}
	v := newView(r, h.rd, s.title)
	return h.refill(r, v, s, err)
}

// refill shows the page of a form that failed with err, or returns err when it is not a
// failure the form shows.
func (h *handler) refill(r *http.Request, v *view, s submission, err error) error {
	names := make([]string, len(s.fields))
	for i, f := range s.fields {
		names[i] = f.Name
	}
	errs, alert, ok := formErrors(v, err, names...)
	status := web.Status(desk.ErrorCode(err))
	var fa *formAlert
	switch {
	case ok:
	case errors.As(err, &fa):
		status, alert = fa.status, v.T(fa.key)
	case s.conflict != "" && desk.ErrorCode(err) == desk.ECONFLICT:
		alert = v.T(s.conflict)
	default:
		return err
	}
	v.Form, v.Errors, v.Alert, v.Values, v.fields = s.form, errs, alert, r.PostForm, s.fields
	return s.show(v, status)
}

// formAlert is a failure a form shows as an alert of its own, with a status: a refused
// sign-in, say.
type formAlert struct {
	status int
	key    string // i18n key of the alert
}

func (e *formAlert) Error() string { return e.key }

// summaryItem is one line of the error summary: a link to the field, and what is wrong.
type summaryItem struct {
	ID, Text string
}

// summarize lists the messages of the form that failed, in the order of its fields.
func (v *view) summarize() []summaryItem {
	var out []summaryItem
	seen := map[string]bool{}
	for _, f := range v.fields {
		msg, ok := v.Errors[f.Name]
		if !ok || seen[f.Name] {
			continue
		}
		seen[f.Name] = true
		text := msg
		if l := f.label(v); l != "" {
			text = l + ": " + msg
		}
		out = append(out, summaryItem{ID: f.ID, Text: text})
	}
	return out
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
	case "too_large":
		return v.T(key, maxField>>20)
	}
	return v.T(key)
}

// formErrors sorts the field errors of an EINVALID error (or of an ETOOLARGE one from
// formCut) for a form that shows fields: the messages of those fields, to show next to
// them, and the rest as one alert. ok is false for any other error.
func formErrors(v *view, err error, fields ...string) (errs map[string]string, alert string, ok bool) {
	var e *desk.Error
	if !errors.As(err, &e) || e.Code != desk.EINVALID && (e.Code != desk.ETOOLARGE || len(e.Fields) == 0) {
		return nil, "", false
	}
	errs = map[string]string{}
	var rest []string
	for _, fe := range e.Fields {
		msg := fieldMessage(v, fe)
		if fe.Rule == "too_large" && fe.Field == "files" {
			msg = v.T("files.too_large", maxUploadMB)
		}
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

// maxUploadMB is how many MB of files one form may send (server.MaxUpload, rounded down).
const maxUploadMB = desk.MaxAttachments * desk.MaxAttachment >> 20

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
