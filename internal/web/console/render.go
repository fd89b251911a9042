package console

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/i18n"
	"meldpunt/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// renderer holds the pages (each one the layout plus its own file), the static files
// their links point to, and the catalog of their texts. A page is parsed when it is first
// shown: the parsed pages take about 2 MB, and an instance shows few of them for a while
// (TestTemplatesParse parses them all).
type renderer struct {
	base   *template.Template // the layout, which each page clones
	mu     sync.Mutex
	pages  map[string]*template.Template // every page's name; nil until parsed
	assets assets
	zone   *time.Location
	texts  *i18n.Catalog
	// counts fills the desk's menu counts of a page before it renders (queueviews.go).
	counts func(r *http.Request, v *view)
}

// newRenderer parses the layout and knows the pages named (without ".html"); none names
// them all. A name without a file is an error.
func newRenderer(texts *i18n.Catalog, names ...string) (*renderer, error) {
	if texts == nil {
		return nil, errors.New("no text catalog")
	}
	a, err := loadAssets()
	if err != nil {
		return nil, err
	}
	zone, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		zone = time.UTC // no time zone database: show UTC, and say so
	}
	base, err := template.New("layout.html").Funcs(template.FuncMap{"static": a.URL, "line": desk.StripBidi}).
		ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	// Files named _*.html hold parts ({{define}} blocks) that pages call; every page has
	// them. They are not pages themselves.
	if parts, _ := fs.Glob(templateFS, "templates/_*.html"); len(parts) > 0 {
		if base, err = base.ParseFS(templateFS, parts...); err != nil {
			return nil, err
		}
	}
	rd := &renderer{base: base, pages: map[string]*template.Template{}, assets: a, zone: zone, texts: texts}
	if len(names) == 0 {
		files, err := fs.Glob(templateFS, "templates/*.html")
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if n := strings.TrimSuffix(path.Base(f), ".html"); n != "layout" && !strings.HasPrefix(n, "_") {
				names = append(names, n)
			}
		}
	}
	for _, n := range names {
		if _, err := fs.Stat(templateFS, "templates/"+n+".html"); err != nil {
			return nil, err
		}
		rd.pages[n] = nil
	}
	return rd, nil
}

// view is what every template receives: the request's language and person, the page's own
// data, and the state of a form that failed validation.
type view struct {
	Locale desk.Locale
	Title  string
	// User is the signed-in person; nil when anonymous.
	User *desk.User
	// CSRF is the session's token, for the sign-out button and forms of signed-in pages.
	CSRF string
	// FormCSRF is the double-submit token of forms used before signing in.
	FormCSRF string
	// Here is the local URL the language switch returns to.
	Here      string
	Languages []language
	Nav       string
	Alert     string
	Notice    string
	RequestID string
	// Form names the form that failed; Errors and Values hold its messages and input.
	Form   string
	Errors map[string]string
	Values url.Values
	Data   any
	// Summary lists the messages of a form that failed, at the top of its page; Failed
	// tells that the page answers a request that failed, so its alert takes the focus.
	Summary []summaryItem
	Failed  bool

	zone  *time.Location
	texts *i18n.Catalog
	// fields are the fields of the form that failed, in page order, for the summary.
	fields []fieldRef
	// pub are the words of the status page's incident blocks, made once (statuspublic.go).
	pub *pubLabels
	// flashTaken tells render to remove the flash cookie this page shows.
	flashTaken bool
	// Counts are the desk's menu counts (queueviews.go); nil for other people, or when
	// they could not be counted.
	Counts *app.MenuCounts
}

// language is one entry of the language switch.
type language struct {
	Code    string
	Locale  desk.Locale
	Name    string
	URL     string
	Current bool
}

// T translates a key into the page's language.
func (v *view) T(key string, args ...any) string { return v.texts.T(v.Locale, key, args...) }

// N translates a key whose text has plural forms, in the form that fits the count n:
// N "dur.hours" 3. Without args the count is the text's one argument.
func (v *view) N(key string, n int, args ...any) string {
	return v.texts.N(v.Locale, key, n, args...)
}

// Has tells whether the catalog has a text for key.
func (v *view) Has(key string) bool { return v.texts.Has(v.Locale, key) }

// Label translates a value of one of the domain's vocabularies: Label "state" "new".
func (v *view) Label(family string, value any) string {
	return v.T(family + "." + fmt.Sprint(value))
}

// Event says what a timeline entry's event records, in the page's language. Arguments are
// "kind:value": vocabulary values are translated, names and texts shown as they are. The
// criteria and exclusions of a report, and the reason of a decision, follow the sentence.
func (v *view) Event(e desk.TimelineEntry) string {
	args := make([]any, 0, len(e.Args))
	count := -1 // the count of an event whose text has plural forms
	reason := ""
	var criteria, exclusions, changes []string
	skip := -1 // an argument already said with the one before it
	for i, a := range e.Args {
		if i == skip {
			continue
		}
		kind, value, _ := strings.Cut(a, ":")
		switch kind {
		case "reason": // why a monitor's check failed, in words, then the check's own detail
			s := v.MonitorReason(value)
			if i+1 < len(e.Args) && strings.HasPrefix(e.Args[i+1], "text:") {
				s += " (" + strings.TrimPrefix(e.Args[i+1], "text:") + ")"
				skip = i + 1
			}
			args = append(args, s)
			continue
		case "duration": // whole seconds
			if n, err := strconv.ParseInt(value, 10, 64); err == nil {
				args = append(args, v.Duration(time.Duration(n)*time.Second))
				continue
			}
			args = append(args, value)
		case "field": // a change: the field, then its value before and after
			if i+2 < len(e.Args) {
				changes = append(changes, v.T("change."+value)+" "+v.value(e.Args[i+1])+" → "+v.value(e.Args[i+2]))
			}
			continue
		case "channel", "kind", "level", "waiting", "verdict", "change_state":
			args = append(args, v.Label(kind, value))
		case "criterion":
			criteria = append(criteria, v.Label(kind, value))
		case "exclusion":
			exclusions = append(exclusions, v.Label(kind, value))
		case "same", "none", "nodate":
			args = append(args, v.T("event."+kind))
		case "hours":
			if n, err := strconv.Atoi(value); err == nil {
				count = n
				args = append(args, n)
				continue
			}
			args = append(args, value)
		case "time":
			if t, err := time.Parse(time.RFC3339, value); err == nil {
				args = append(args, v.Time(t))
				continue
			}
			args = append(args, value)
		case "text":
			if reasoned[e.Event] && i == len(e.Args)-1 {
				reason = value // the reason closes the sentence, when there is one
				continue
			}
			args = append(args, value)
		default:
			args = append(args, value)
		}
	}
	if e.Event == desk.EventReclassified {
		args = []any{strings.Join(changes, ", ")}
	}
	var s string
	if count >= 0 && v.texts.Plural("event."+e.Event) {
		s = v.N("event."+e.Event, count, args...)
	} else {
		s = v.T("event."+e.Event, args...)
	}
	if len(criteria) > 0 {
		s += " " + v.T("event.criteria", strings.Join(criteria, ", "))
	}
	if len(exclusions) > 0 {
		s += " " + v.T("event.exclusions", strings.Join(exclusions, ", "))
	}
	if reason != "" {
		s += " " + v.T("event.reason", reason)
	}
	return s
}

// MonitorReason says why a monitor's check was not up (monitor.Reasons), in the page's
// language; a reason the catalog does not know is shown as it is.
func (v *view) MonitorReason(reason string) string {
	if reason == "" || !v.Has("monitor.reason."+reason) {
		return reason
	}
	return v.T("monitor.reason." + reason)
}

// value renders one "kind:value" argument of an event.
func (v *view) value(arg string) string {
	kind, value, _ := strings.Cut(arg, ":")
	switch kind {
	case "channel", "kind", "level", "waiting", "verdict", "change_state":
		return v.Label(kind, value)
	}
	return value
}

// reasoned are the events whose last text argument is the reason for a decision.
var reasoned = map[string]bool{desk.EventReclassified: true, desk.EventApproved: true, desk.EventToRegular: true}

// Size says a file's size: "820 B", "12 kB", "3.4 MB".
func (v *view) Size(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%d kB", (n+500)/1000)
	}
	s := fmt.Sprintf("%.1f MB", float64(n)/1e6)
	if v.Locale == desk.LocaleNL {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Short returns the first n characters of s: a hash shown to people.
func (v *view) Short(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// Time formats a time in the installation's time zone, the way the language writes it.
func (v *view) Time(t time.Time) string {
	layout := "02-01-2006 15:04 MST"
	if v.Locale == desk.LocaleEN {
		layout = "2006-01-02 15:04 MST"
	}
	return t.In(v.zone).Format(layout)
}

// Err returns the message for a field of the form that failed, "" for other forms.
func (v *view) Err(form, field string) string {
	if v.Form != form {
		return ""
	}
	return v.Errors[field]
}

// FocusAlert tells whether the page's alert takes the focus when the page loads: it is
// the alert of a request that failed (heading the error summary of a form), and no other
// element may ask for the focus then.
func (v *view) FocusAlert() bool { return v.Failed && v.Alert != "" }

// setError adds a message to a field of the page's form.
func (v *view) setError(field, msg string) {
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	v.Errors[field] = msg
}

// Val returns the input kept for a field of the form that failed, "" for other forms.
func (v *view) Val(form, field string) string {
	if v.Form != form {
		return ""
	}
	return v.Values.Get(field)
}

// newView starts the view of a request: language, person, and the language switch.
func newView(r *http.Request, rd *renderer, title string) *view {
	v := &view{RequestID: web.RequestID(r.Context()), zone: rd.zone, texts: rd.texts, Here: "/"}
	var userLocale desk.Locale
	if u, ok := web.User(r.Context()); ok {
		v.User = &u
		userLocale = u.Locale
	}
	if s, ok := web.Session(r.Context()); ok {
		v.CSRF = s.CSRF
	}
	v.Locale = i18n.Negotiate(r, userLocale)
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		q.Del("lang")
		v.Here = r.URL.Path
		if len(q) > 0 {
			v.Here += "?" + q.Encode()
		}
	}
	for _, l := range i18n.Locales() {
		v.Languages = append(v.Languages, language{
			Code: strings.ToUpper(string(l)), Locale: l, Name: rd.texts.T(l, "lang.name"),
			URL: withLang(v.Here, l), Current: l == v.Locale,
		})
	}
	v.Title = v.T(title)
	v.takeFlash(r)
	return v
}

// page returns the parsed page name, parsing it on first use. It panics for a page the
// renderer does not know.
func (rd *renderer) page(name string) (*template.Template, error) {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	t, ok := rd.pages[name]
	if !ok {
		panic("console: no template " + name)
	}
	if t != nil {
		return t, nil
	}
	base, err := rd.base.Clone()
	if err != nil {
		return nil, err
	}
	if t, err = base.ParseFS(templateFS, "templates/"+name+".html"); err != nil {
		return nil, err
	}
	rd.pages[name] = t
	return t, nil
}

// withLang returns the local URL u with its lang parameter set to l.
func withLang(u string, l desk.Locale) string {
	p, err := url.Parse(u)
	if err != nil {
		return "/?lang=" + string(l)
	}
	q := p.Query()
	q.Set("lang", string(l))
	p.RawQuery = q.Encode()
	return p.RequestURI()
}

// render writes a page with a status. The page is rendered into a buffer first, so a
// template error becomes a clean 500 instead of half a page.
func (rd *renderer) render(w http.ResponseWriter, r *http.Request, log *slog.Logger, status int, name string, v *view) {
	v.Failed = status >= 400
	if v.Failed && len(v.Errors) > 0 {
		v.Summary = v.summarize()
	}
	if rd.counts != nil && v.User != nil && v.User.Role.IsDesk() && v.Counts == nil {
		rd.counts(r, v)
	}
	var buf bytes.Buffer
	t, err := rd.page(name)
	if err == nil {
		err = t.ExecuteTemplate(&buf, "layout", v)
	}
	if err != nil {
		log.ErrorContext(r.Context(), "render page", "page", name, "request_id", web.RequestID(r.Context()), "err", err)
		http.Error(w, "internal error; request id "+web.RequestID(r.Context()), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	if v.flashTaken {
		clearFlash(w)
	}
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// writeError answers a page request with an error page in the request's language (see
// Pages.WriteError).
func (rd *renderer) writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var pe *pageError
	if errors.As(err, &pe) {
		rd.errorPage(w, r, log, pe.status, pe.key)
		return
	}
	p := web.ProblemFor(r, log, err) // logs an internal error with the request id
	if p.Status == http.StatusUnauthorized {
		redirectToLogin(w, r)
		return
	}
	key := "error.internal"
	switch p.Status {
	case http.StatusNotFound:
		key = "error.not_found"
	case http.StatusForbidden:
		key = "error.forbidden"
	case http.StatusConflict:
		key = "error.conflict"
	case http.StatusTooManyRequests:
		key = "error.too_many"
	case http.StatusMethodNotAllowed:
		key = "error.method"
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
		key = "error.invalid"
	}
	rd.errorPage(w, r, log, p.Status, key)
}

// errorPage renders the error page with the title and text of key (key+".title" and
// key+".text"); the text of an internal error names the request id.
func (rd *renderer) errorPage(w http.ResponseWriter, r *http.Request, log *slog.Logger, status int, key string) {
	v := newView(r, rd, key+".title")
	v.Data = v.T(key+".text", v.RequestID)
	if key != "error.internal" {
		v.Data = v.T(key + ".text")
	}
	rd.render(w, r, log, status, "error", v)
}

// redirectToLogin sends an anonymous person to the sign-in page, returning here afterwards.
func redirectToLogin(w http.ResponseWriter, r *http.Request) {
	target := "/login"
	if r.Method == http.MethodGet && r.URL.Path != "/" {
		target += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// SolutionKinds lists the kinds of solution the resolve form offers.
func (v *view) SolutionKinds() []string { return desk.SolutionKindNames() }
