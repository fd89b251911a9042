package email

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"text/template"

	"meldpunt/internal/desk"
	"meldpunt/internal/i18n"
)

// Renderer composes messages with the texts of a catalog: the emails' own (keys "mail.…",
// text/template snippets executed with the message's fields) and the words they share with
// the pages (states, levels, priorities, support hours, durations). Build one at start
// with the catalog the pages use, and share it: it is safe for concurrent use.
type Renderer struct {
	texts *i18n.Catalog
	// layouts and the snippets are parsed on first use, not at start: most processes send
	// no mail for a while, and parsed templates take memory. parsed maps a snippet's
	// source (a string of the catalog) to its template.
	layouts func() (layouts, error)
	mu      sync.Mutex
	parsed  map[string]*template.Template
}

// NewRenderer returns a Renderer that takes its texts from texts.
func NewRenderer(texts *i18n.Catalog) *Renderer {
	return &Renderer{texts: texts, layouts: sync.OnceValues(parseLayouts), parsed: map[string]*template.Template{}}
}

// Render composes a notification's message in the recipient's language: the subject
// "[INC-000123] <what happened>: <title>", a plain-text body and an HTML body. Every body
// greets the recipient, says what happened in plain words, links to the incident and ends
// with a footer: reply to add to the incident, and, for a kind one may switch off, where
// to do so. A kind Render does not know gets a generic message; a payload key that is
// missing leaves its sentence out; a locale other than "en" gives Dutch. The HTML escapes
// everything that comes from people (titles, bodies, reasons, names).
func (m *Renderer) Render(d Data) (subject, text, html string, err error) {
	r := newDraft(m, d)
	what := r.compose()
	p := r.page(what)
	if r.err != nil {
		return "", "", "", fmt.Errorf("render %s (%s): %w", d.Kind, r.lang, r.err)
	}
	l, err := m.layouts()
	if err != nil {
		return "", "", "", err
	}
	var tb, hb bytes.Buffer
	if err := l.text.Execute(&tb, p); err != nil {
		return "", "", "", fmt.Errorf("render %s (%s) as text: %w", d.Kind, r.lang, err)
	}
	if err := l.html.Execute(&hb, p); err != nil {
		return "", "", "", fmt.Errorf("render %s (%s) as HTML: %w", d.Kind, r.lang, err)
	}
	return p.Subject, tb.String(), hb.String(), nil
}

// snippet returns the parsed template of a snippet's source, parsing it on first use.
func (m *Renderer) snippet(key, src string) (*template.Template, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t, ok := m.parsed[src]; ok {
		return t, nil
	}
	t, err := template.New(key).Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, err
	}
	m.parsed[src] = t
	return t, nil
}

// vars are what the catalog's snippets may use: every field is text, ready to print.
type vars struct {
	Name, Number, Title, Product, By, Organisation string
	Priority, PriorityCode                         string // "P2 (High)", "P2"
	Contract, FirstResponse, Resolution            string
	SupportHours                                   string
	Urgency, Impact, From, To                      string
	SolutionKind, AutoCloseAt, Hours, Minutes      string
}

// A block is one part of a body: a paragraph, a quote of what a person wrote, a list of
// facts, or links (buttons in HTML).
type block struct {
	Kind  string // "para", "quote", "facts", "links"
	Text  string
	Facts []fact
	Links []link
}

type fact struct{ Label, Value string }

type link struct {
	Label, URL string
	Primary    bool
}

// page is what both layouts print.
type page struct {
	Lang, Subject, Heading, Number, Title, Greeting string
	Blocks                                          []block
	View                                            link // to the incident; URL "" for none
	Reply, Optional, PreferencesURL, Sent           string
}

// draft is one message being composed: the blocks of the body from the payload.
type draft struct {
	m       *Renderer
	d       Data
	lang    string
	locale  desk.Locale
	payload map[string]any
	v       vars
	blocks  []block
	err     error
}

func newDraft(m *Renderer, d Data) *draft {
	l, ok := i18n.Parse(d.Locale)
	if !ok {
		l = i18n.Default
	}
	r := &draft{m: m, d: d, lang: string(l), locale: l, payload: normalise(d.Payload)}
	product := oneLine(d.Product)
	if product == "" {
		product = "Meldpunt"
	}
	number, title := oneLine(d.Number), oneLine(d.Title)
	if number == "" {
		number = oneLine(r.str("number"))
	}
	if title == "" {
		title = oneLine(r.str("title"))
	}
	by := oneLine(r.str("by"))
	if by == "" {
		by = product
	}
	r.v = vars{Name: oneLine(d.To.Name), Number: number, Title: title, Product: product, By: by,
		Organisation: oneLine(r.str("organisation"))}
	if p := r.str("priority"); p != "" {
		r.v.PriorityCode, r.v.Priority = r.priority(p)
	}
	return r
}

// normalise gives the payload its JSON form, so a payload built in Go (desk.Priority,
// time.Time, a struct) reads like one decoded from the database.
func normalise(p map[string]any) map[string]any {
	b, err := json.Marshal(p)
	if err != nil {
		return p
	}
	var out map[string]any
	if json.Unmarshal(b, &out) != nil || out == nil {
		return map[string]any{}
	}
	return out
}

// compose adds the blocks of the kind's body and returns the catalog key of its subject.
func (r *draft) compose() string {
	switch r.d.Kind {
	case desk.NotifyReportReceived:
		return r.reportReceived()
	case desk.NotifyAssessment:
		return r.assessment()
	case desk.NotifyUpdate:
		return r.update()
	case desk.NotifyWaiting:
		r.bodyOr("waiting_for_you.body", "waiting_for_you.plain")
		r.para("waiting_for_you.how")
	case desk.NotifySolution:
		r.solution()
	case desk.NotifyClosed:
		if r.flag("confirmed") {
			r.para("closed.confirmed")
		} else {
			r.para("closed.by")
		}
		r.reason("reason")
	case desk.NotifyAutoClosed:
		if n, ok := r.int("hours"); ok {
			r.v.Hours = fmt.Sprint(n)
			r.paraN("auto_closed.hours", n)
		} else {
			r.para("auto_closed.plain")
			r.quote(r.str("reason"))
		}
		r.para("auto_closed.again")
	case desk.NotifyNewReport:
		return r.newReport()
	case desk.NotifyAssigned:
		if r.str("role") == "owner" {
			r.para("assigned.owner")
			return "assigned.subject.owner"
		}
		r.para("assigned.assignee")
	case desk.NotifyClientReply:
		r.bodyOr("client_reply.body", "client_reply.plain")
	case desk.NotifySolutionRejected:
		r.para("solution_rejected.intro")
		r.reason("reason")
	case desk.NotifySLAWarning, desk.NotifySLABreach:
		return r.sla()
	case desk.NotifyFollowUp:
		r.para("follow_up_due.intro")
		r.facts(fact{"label.priority", r.v.Priority}, fact{"label.follow_up", r.date("follow_up_at")},
			fact{"label.supplier", r.str("supplier")})
	case desk.NotifyPasswordReset:
		r.para("password_reset.intro")
		if u := r.str("url"); u != "" {
			r.blocks = append(r.blocks, block{Kind: "links", Links: []link{{Label: r.t("password_reset.button"), URL: u, Primary: true}}})
		}
		if n, ok := r.int("minutes"); ok {
			r.v.Minutes = fmt.Sprint(n)
			r.paraN("password_reset.expires", n)
		}
		r.para("password_reset.ignore")
	case desk.NotifySubscriberConfirm:
		return r.subscriberConfirm()
	case desk.NotifySubscriberManage:
		return r.subscriberManage()
	case desk.NotifySubscriberNotice:
		return r.subscriberNotice()
	case desk.NotifyStale:
		r.para("incident_stale.intro")
		r.facts(fact{"label.priority", r.v.Priority}, fact{"label.updated", r.date("updated_at")},
			fact{"label.supplier", r.str("supplier")})
	default:
		r.para("generic.intro")
		r.quote(r.str("body"))
		r.reason("reason")
		return "generic.subject"
	}
	return r.d.Kind + ".subject"
}

func (r *draft) reportReceived() string {
	r.para("report_received.intro")
	verdict := r.str("verdict")
	switch verdict {
	case string(desk.VerdictUrgent):
		r.para("report_received.urgent")
	case string(desk.VerdictRegular):
		r.para("report_received.regular")
	}
	if r.v.Priority != "" {
		r.para("report_received.priority")
	}
	c, present := r.object("contract")
	switch {
	case !present:
	case c == nil:
		r.para("contract.none")
	default:
		r.v.Contract = oneLine(str(c["contract_name"]))
		if covers, ok := c["covers_urgent"].(bool); ok && !covers && verdict == string(desk.VerdictUrgent) {
			r.para("contract.not_covered")
		}
		first, ok1 := toInt(c["first_response_minutes"])
		res, ok2 := toInt(c["resolution_minutes"])
		if ok1 && ok2 && first > 0 && res > 0 {
			r.v.FirstResponse, r.v.Resolution = r.minutes(first), r.minutes(res)
			r.para("contract.targets")
		}
		if h := str(c["support_hours"]); h != "" {
			r.v.SupportHours = r.label("hours", h)
			r.para("contract.hours")
		}
		if in, ok := c["in_support_hours"].(bool); ok && !in {
			r.para("contract.outside")
		}
		if ok1 && ok2 && first > 0 && res > 0 {
			r.para("contract.no_guarantee")
		}
	}
	return "report_received.subject"
}

func (r *draft) assessment() string {
	switch r.str("assessment") {
	case string(desk.AssessmentApproved):
		r.para("assessment.approved")
		if reason := r.str("reason"); reason != "" {
			r.para("assessment.note")
			r.quote(reason)
		}
		return "assessment.approved.subject"
	case string(desk.AssessmentReclassified), "regular":
		r.para("assessment.regular")
		r.reason("reason")
		return "assessment.regular.subject"
	}
	if r.has("urgency") || r.has("impact") || r.has("priority") {
		r.para("assessment.changed")
		r.facts(fact{"label.urgency", r.label("level", r.str("urgency"))},
			fact{"label.impact", r.label("level", r.str("impact"))}, fact{"label.priority", r.v.Priority})
		r.reason("reason")
		return "assessment.changed.subject"
	}
	r.para("assessment.other")
	r.reason("reason")
	return "assessment.other.subject"
}

func (r *draft) update() string {
	r.v.From, r.v.To = r.label("state", r.str("from")), r.label("state", r.str("to"))
	switch {
	case r.v.From != "" && r.v.To != "":
		r.para("incident_update.state")
	case r.v.To != "":
		r.para("incident_update.state_to")
	}
	if body := r.str("body"); body != "" {
		r.para("incident_update.body")
		r.quote(body)
	} else if r.v.To == "" {
		r.para("incident_update.plain")
	}
	if r.v.To != "" {
		return "incident_update.subject.state"
	}
	return "incident_update.subject"
}

func (r *draft) solution() {
	if s := r.str("solution"); s != "" {
		r.para("solution.intro")
		r.quote(s)
	} else {
		r.para("solution.intro.none")
	}
	if k := r.str("solution_kind"); k != "" {
		r.v.SolutionKind = r.label("solution_kind", k)
		r.para("solution.kind")
	}
	if r.d.ConfirmURL != "" && r.d.RejectURL != "" {
		r.para("solution.ask")
		r.blocks = append(r.blocks, block{Kind: "links", Links: []link{
			{Label: r.t("solution.confirm"), URL: r.d.ConfirmURL, Primary: true},
			{Label: r.t("solution.reject"), URL: r.d.RejectURL},
		}})
	} else {
		// No links (the incident is no longer resolved, or the message is shown again):
		// the incident's page offers the same choice after signing in.
		if r.d.IncidentURL != "" {
			r.blocks = append(r.blocks, block{Kind: "links", Links: []link{
				{Label: r.t("solution.signin"), URL: r.d.IncidentURL, Primary: true}}})
		}
	}
	if at := r.date("auto_close_at"); at != "" {
		r.v.AutoCloseAt = at
		r.para("solution.auto_close")
	} else if n, ok := r.int("hours"); ok && n > 0 {
		r.v.Hours = fmt.Sprint(n)
		r.paraN("solution.auto_close.hours", n)
	}
	r.para("solution.reply")
}

func (r *draft) newReport() string {
	if r.v.Organisation != "" {
		r.para("new_report.intro")
	} else {
		r.para("new_report.intro.anon")
	}
	verdict := r.str("verdict")
	typ := ""
	if verdict == string(desk.VerdictUrgent) || verdict == string(desk.VerdictRegular) {
		typ = r.label("verdict", verdict) // the pages' word
	}
	r.facts(fact{"label.type", typ}, fact{"label.priority", r.v.Priority})
	if r.flag("needs_assessment") {
		r.para("new_report.assess")
	}
	if verdict == string(desk.VerdictUrgent) {
		return "new_report.subject.urgent"
	}
	return "new_report.subject"
}

func (r *draft) sla() string {
	clock := r.str("clock")
	if clock != "response" && clock != "resolve" {
		clock = "resolve"
		if strings.HasPrefix(r.str("mark"), "response") {
			clock = "response"
		}
	}
	r.para(r.d.Kind + "." + clock)
	r.facts(fact{"label.priority", r.v.Priority}, fact{"label.deadline", r.date("due")})
	if r.d.Kind == desk.NotifySLABreach {
		r.para("sla_breach.escalated")
	}
	return r.d.Kind + ".subject." + clock
}

// page frames the body: subject, greeting, the link to the incident and the footer.
func (r *draft) page(whatKey string) page {
	p := page{Lang: r.lang, Number: r.v.Number, Title: r.v.Title, Blocks: r.blocks, Sent: r.t("footer.sent")}
	if r.v.Number != "" { // replies land on an incident only
		p.Reply = r.t("footer.reply")
	}
	what := r.t(whatKey)
	p.Subject = what
	if r.v.Title != "" {
		p.Subject += ": " + r.v.Title
	}
	if r.v.Number != "" {
		p.Subject = "[" + r.v.Number + "] " + p.Subject
	}
	p.Heading = strings.TrimPrefix(r.v.Number+" – "+r.v.Title, " – ")
	p.Heading = strings.TrimSuffix(p.Heading, " – ")
	if r.v.Name != "" {
		p.Greeting = r.t("greeting")
	} else {
		p.Greeting = r.t("greeting.anon")
	}
	if r.d.IncidentURL != "" {
		p.View = link{Label: r.t("view"), URL: r.d.IncidentURL}
	}
	if r.d.Optional {
		if r.d.PreferencesURL != "" {
			p.Optional, p.PreferencesURL = r.t("footer.optional"), r.d.PreferencesURL
		} else {
			p.Optional = r.t("footer.optional.nourl")
		}
	}
	return p
}

// t executes the catalog's snippet "mail."+key; a fault is kept for Render to return.
func (r *draft) t(key string) string {
	src, ok := r.m.texts.Text(r.locale, "mail."+key)
	if !ok {
		r.fail(fmt.Errorf("no text %q", "mail."+key))
		return key
	}
	return r.exec(key, src, r.v)
}

// tN executes the form of the catalog's snippet "mail."+key that fits the count n.
func (r *draft) tN(key string, n int) string {
	src, ok := r.m.texts.Form(r.locale, "mail."+key, n)
	if !ok {
		r.fail(fmt.Errorf("no text with plural forms %q", "mail."+key))
		return key
	}
	return r.exec(key, src, r.v)
}

// exec executes a snippet with data; a fault is kept for Render to return.
func (r *draft) exec(key, src string, data any) string {
	tpl, err := r.m.snippet(key, src)
	if err != nil {
		r.fail(err)
		return key
	}
	var b strings.Builder
	if err := tpl.Execute(&b, data); err != nil {
		r.fail(err)
		return key
	}
	return b.String()
}

func (r *draft) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

func (r *draft) para(key string) {
	r.blocks = append(r.blocks, block{Kind: "para", Text: r.t(key)})
}

// paraN adds the paragraph of key in the form that fits the count n.
func (r *draft) paraN(key string, n int) {
	r.blocks = append(r.blocks, block{Kind: "para", Text: r.tN(key, n)})
}

// quote adds what a person wrote, when there is anything.
func (r *draft) quote(s string) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if s != "" {
		r.blocks = append(r.blocks, block{Kind: "quote", Text: s})
	}
}

// reason adds "The reason:" and the payload's text under key, when there is one.
func (r *draft) reason(key string) {
	if s := r.str(key); strings.TrimSpace(s) != "" {
		r.para("reason")
		r.quote(s)
	}
}

// bodyOr quotes the payload's "body" after the sentence withBody, or says plain without one.
func (r *draft) bodyOr(withBody, plain string) {
	if body := r.str("body"); strings.TrimSpace(body) != "" {
		r.para(withBody)
		r.quote(body)
		return
	}
	r.para(plain)
}

// facts adds the facts that have a value; the labels are catalog keys.
func (r *draft) facts(fs ...fact) {
	var out []fact
	for _, f := range fs {
		if f.Value != "" {
			out = append(out, fact{Label: r.t(f.Label), Value: f.Value})
		}
	}
	if len(out) > 0 {
		r.blocks = append(r.blocks, block{Kind: "facts", Facts: out})
	}
}

// label returns the shared word for a value ("state.in_progress" → "In behandeling"), or
// the value itself when there is none.
func (r *draft) label(group, value string) string {
	if value == "" {
		return ""
	}
	if key := group + "." + value; r.m.texts.Has(r.locale, key) {
		return r.m.texts.T(r.locale, key)
	}
	return value
}

// priority reads "P2" (or 2) and returns the code and "P2 (High)".
func (r *draft) priority(s string) (code, long string) {
	code = strings.ToUpper(strings.TrimSpace(s))
	if !strings.HasPrefix(code, "P") {
		code = "P" + code
	}
	if key := "priority." + code; r.m.texts.Has(r.locale, key) {
		return code, code + " (" + r.m.texts.T(r.locale, key) + ")"
	}
	return code, code
}
