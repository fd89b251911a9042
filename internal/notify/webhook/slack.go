package webhook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"meldpunt/internal/desk"
)

// Texts gives the words of FormatSlack messages: the text for key in locale ("nl" or
// "en"), formatted with args as fmt does (the texts use indexed verbs such as %[1]s, so a
// language may reorder them). A missing key should come back as the key itself, as
// Meldpunt's catalog does; for labels of codes (state.in_progress) the code is shown then.
// TextKeys lists the keys the package asks for besides those labels.
type Texts interface {
	T(locale, key string, args ...any) string
}

// TextsFunc adapts a function to Texts, e.g. the app's catalog:
//
//	webhook.TextsFunc(func(l, key string, args ...any) string {
//		return i18n.T(desk.Locale(l), key, args...)
//	})
type TextsFunc func(locale, key string, args ...any) string

// T calls f.
func (f TextsFunc) T(locale, key string, args ...any) string { return f(locale, key, args...) }

// TextKeys returns the keys of the FormatSlack texts, for a test that the catalog has
// them all in every language. Besides these, codes are shown through the catalog's labels
// "state.{code}", "priority.{code}" and "change_state.{code}", and a public incident's
// status and impact through "mail.subscriber_notice.status.{code}" and
// "mail.subscriber_notice.impact.{code}" (the subscribers' emails use the same words).
func TextKeys() []string {
	return []string{
		"webhook.incident.created", "webhook.incident.created_urgent",
		"webhook.incident.state_changed", "webhook.incident.resolved", "webhook.incident.closed",
		"webhook.solution.temporary", "webhook.solution.structural",
		"webhook.closed.confirmed", "webhook.closed.automatic",
		"webhook.incident.assigned_owner", "webhook.incident.assigned_assignee",
		"webhook.incident.unassigned_owner", "webhook.incident.unassigned_assignee",
		"webhook.incident.replied", "webhook.incident.replied_internal",
		"webhook.incident.sla_warning", "webhook.incident.sla_breached",
		"webhook.sla.first_response", "webhook.sla.resolution",
		"webhook.change.created", "webhook.change.incidents", "webhook.change.state_changed",
		"webhook.test", "webhook.other",
		"webhook.status.incident.created", "webhook.status.incident.updated", "webhook.status.incident.resolved",
		"webhook.status.incident.postmortem", "webhook.status.maintenance.scheduled", "webhook.status.maintenance.reminder",
		"webhook.status.maintenance.started", "webhook.status.maintenance.completed",
		"webhook.status.impact", "webhook.status.components",
	}
}

// Bounds on what people wrote, so one message stays readable in a chat channel.
const (
	maxTitle = 200  // runes of a title or a name
	maxQuote = 1000 // runes of a reply, a solution or a test message
)

// event is the part of the event JSON the texts need; everything else is ignored.
type event struct {
	Type string `json:"type"`
	Data struct {
		Incident *struct {
			Number       string `json:"number"`
			Title        string `json:"title"`
			State        string `json:"state"`
			Priority     string `json:"priority"`
			Kind         string `json:"kind"`
			Organisation *named `json:"organisation"`
			Owner        *named `json:"owner"`
			Assignee     *named `json:"assignee"`
			URL          string `json:"url"`
			statusIncident
		} `json:"incident"`
		// Page and UpdateID come with the status page's events (status.*).
		Page *struct {
			URL string `json:"url"`
		} `json:"page"`
		UpdateID  *string `json:"update_id"`
		Actor     *named  `json:"actor"`
		From      string  `json:"from"`
		To        string  `json:"to"`
		Confirmed bool    `json:"confirmed"`
		Automatic bool    `json:"automatic"`
		Role      string  `json:"role"`
		Entry     *struct {
			Visibility string `json:"visibility"`
			Body       string `json:"body"`
		} `json:"entry"`
		Solution *struct {
			Kind string `json:"kind"`
			Text string `json:"text"`
		} `json:"solution"`
		SLA *struct {
			Target string `json:"target"`
			DueAt  string `json:"due_at"`
		} `json:"sla"`
		Change *struct {
			Number          string   `json:"number"`
			Title           string   `json:"title"`
			State           string   `json:"state"`
			URL             string   `json:"url"`
			IncidentNumbers []string `json:"incident_numbers"`
		} `json:"change"`
		Message string `json:"message"`
	} `json:"data"`
}

type named struct {
	Name string `json:"name"`
}

func (n *named) name() string {
	if n == nil {
		return ""
	}
	return n.Name
}

// RenderSlack returns the text of event (the event JSON of a Request's Body) in locale:
// a first line "{number} {title}: {what happened} ({who})", lines with what people wrote
// quoted with "> ", and the link on a line of its own. The link is bare: Slack, Mattermost
// and Rocket.Chat all make it clickable, and none shares another's link syntax. What
// people wrote is defused: &, < and > are escaped as Slack requires (so "<!channel>" or a
// disguised link cannot be smuggled in), and an @ before a word gets a word joiner, so
// "@channel" or "@all" notifies no one in Mattermost or Rocket.Chat. Times are shown in loc.
// An event type it does not know renders as "{number} {title}: {type}".
func RenderSlack(eventJSON []byte, locale string, t Texts, loc *time.Location) (string, error) {
	if t == nil {
		return "", fmt.Errorf("webhook: no texts to render with")
	}
	var e event
	if err := json.Unmarshal(eventJSON, &e); err != nil {
		return "", fmt.Errorf("webhook: the message body is not an event: %w", err)
	}
	if e.Type == "" {
		return "", fmt.Errorf("webhook: the message body is not an event: it has no type")
	}
	if loc == nil {
		loc = time.UTC
	}
	r := renderer{locale: locale, t: t, loc: loc}
	return r.render(&e), nil
}

// slackJSON returns the body of a FormatSlack message: {"text": text}, with < > &
// left as they are (they are escaped in the text already where needed).
func slackJSON(text string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(struct {
		Text string `json:"text"`
	}{text}); err != nil {
		return nil, fmt.Errorf("webhook: %w", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

type renderer struct {
	locale string
	t      Texts
	loc    *time.Location
}

// text returns the text for key.
func (r renderer) text(key string, args ...any) string { return r.t.T(r.locale, key, args...) }

// label returns the catalog's word for a code (prefix "state.", code "in_progress"), or
// the code when the catalog has none.
func (r renderer) label(prefix, code string) string {
	if code == "" {
		return ""
	}
	key := prefix + code
	if s := r.text(key); s != "" && s != key {
		return s
	}
	return code
}

// when shows an RFC 3339 time in the renderer's zone; an unreadable one as it came.
func (r renderer) when(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return clean(s, 40)
	}
	return t.In(r.loc).Format("2006-01-02 15:04 MST")
}

func (r renderer) render(e *event) string {
	if strings.HasPrefix(e.Type, "status.") {
		return r.renderStatus(e)
	}
	d := &e.Data
	var subject, link, what string
	var details []string
	if inc := d.Incident; inc != nil {
		subject = strings.TrimSpace(clean(inc.Number, 40) + " " + clean(inc.Title, maxTitle))
		link = inc.URL
	}
	if c := d.Change; c != nil && strings.HasPrefix(e.Type, "change.") {
		subject = strings.TrimSpace(clean(c.Number, 40) + " " + clean(c.Title, maxTitle))
		link = c.URL
	}
	state := func(code string) string { return clean(r.label("state.", code), maxTitle) }

	switch e.Type {
	case "incident.created":
		var org, prio, label, kind string
		if inc := d.Incident; inc != nil {
			org = clean(inc.Organisation.name(), maxTitle)
			prio = clean(inc.Priority, 10)
			if l := r.label("priority.", inc.Priority); l != inc.Priority {
				label = clean(l, maxTitle)
			}
			kind = inc.Kind
		}
		key := "webhook.incident.created"
		if kind == "urgent" {
			key = "webhook.incident.created_urgent"
		}
		what = r.text(key, org, prio, label)
	case "incident.state_changed", "incident.resolved", "incident.closed":
		what = r.text("webhook."+e.Type, state(d.From), state(d.To))
		if s := d.Solution; e.Type == "incident.resolved" && s != nil && s.Text != "" {
			if kind := r.label("webhook.solution.", s.Kind); kind != "" {
				details = append(details, clean(kind, maxTitle)+":")
			}
			details = append(details, quote(s.Text))
		}
		if e.Type == "incident.closed" {
			if d.Confirmed {
				details = append(details, r.text("webhook.closed.confirmed"))
			}
			if d.Automatic {
				details = append(details, r.text("webhook.closed.automatic"))
			}
		}
	case "incident.assigned":
		var who string
		if inc := d.Incident; inc != nil {
			if d.Role == "owner" {
				who = inc.Owner.name()
			} else {
				who = inc.Assignee.name()
			}
		}
		role := "assignee"
		if d.Role == "owner" {
			role = "owner"
		}
		if who == "" {
			what = r.text("webhook.incident.unassigned_" + role)
		} else {
			what = r.text("webhook.incident.assigned_"+role, clean(who, maxTitle))
		}
	case "incident.replied":
		key := "webhook.incident.replied"
		if d.Entry != nil && d.Entry.Visibility == "internal" {
			key = "webhook.incident.replied_internal"
		}
		what = r.text(key)
		if d.Entry != nil && d.Entry.Body != "" {
			details = append(details, quote(d.Entry.Body))
		}
	case "incident.sla_warning", "incident.sla_breached":
		var target, due string
		if d.SLA != nil {
			target = clean(r.label("webhook.sla.", d.SLA.Target), maxTitle)
			due = r.when(d.SLA.DueAt)
		}
		what = r.text("webhook."+e.Type, target, due)
	case "change.created":
		what = r.text("webhook.change.created")
		if c := d.Change; c != nil && len(c.IncidentNumbers) > 0 {
			nums := make([]string, len(c.IncidentNumbers))
			for i, n := range c.IncidentNumbers {
				nums[i] = clean(n, 40)
			}
			details = append(details, r.text("webhook.change.incidents", strings.Join(nums, ", ")))
		}
	case "change.state_changed":
		cs := func(code string) string { return clean(r.label("change_state.", code), maxTitle) }
		what = r.text("webhook.change.state_changed", cs(d.From), cs(d.To))
	case "webhook.test":
		what = r.text("webhook.test")
		if d.Message != "" {
			details = append(details, quote(d.Message))
		}
	default:
		what = r.text("webhook.other", clean(e.Type, 60))
	}

	line := what
	if subject != "" {
		line = subject + ": " + what
	}
	if actor := clean(d.Actor.name(), maxTitle); actor != "" {
		line += " (" + actor + ")"
	}
	// An empty argument (a priority without a label) leaves no double space.
	line = strings.Join(strings.Fields(line), " ")
	lines := append([]string{line}, details...)
	if link = strings.TrimSpace(link); link != "" && !strings.ContainsAny(link, " \t\r\n<>") {
		lines = append(lines, escape(link))
	}
	return strings.Join(lines, "\n")
}

// clean makes one line of what people wrote safe to show: line breaks become spaces, it is
// cut to max runes, and it is defused (see defuse).
func clean(s string, max int) string {
	s = strings.Join(strings.Fields(desk.StripBidi(s)), " ")
	return defuse(truncate(s, max))
}

// quote returns several lines of what people wrote, each starting with "> ", cut to
// maxQuote runes, without blank lines at either end or runs of them between.
func quote(s string) string {
	s = truncate(strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")), maxQuote)
	var out []string
	blank := false
	for l := range strings.SplitSeq(s, "\n") {
		l = strings.TrimRight(l, " \t\r")
		if l == "" {
			if blank {
				continue
			}
			blank = true
			out = append(out, ">")
			continue
		}
		blank = false
		out = append(out, "> "+defuse(l))
	}
	return strings.Join(out, "\n")
}

// truncate cuts s to at most max runes, ending in "…" when it cut.
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:max-1])) + "…"
}

// escape replaces the three characters Slack reads as markup in a text: & < >.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escape(s string) string { return escaper.Replace(s) }

// defuse escapes s (see escape) and puts a word joiner (U+2060, invisible) after every @
// that starts a word, so no @-mention in it notifies anyone.
func defuse(s string) string {
	s = escape(s)
	if !strings.Contains(s, "@") {
		return s
	}
	var b strings.Builder
	prev := ' '
	for _, c := range s {
		b.WriteRune(c)
		if c == '@' && !isWordRune(prev) {
			b.WriteRune('\u2060')
		}
		prev = c
	}
	return b.String()
}

func isWordRune(c rune) bool {
	return c == '_' || c == '.' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
