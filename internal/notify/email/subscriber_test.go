package email_test

import (
	"path/filepath"
	"strings"
	"testing"

	"meldpunt/internal/desk"
	"meldpunt/internal/notify/email"
)

// subscriberSamples has a message of each subscriber kind, with payloads shaped as
// internal/app composes them (the links added at compose time).
func subscriberSamples() []email.Data {
	links := func(p map[string]any) map[string]any {
		p["status_url"] = "https://status.example.com/status"
		p["manage_url"] = "https://status.example.com/status/manage?token=m"
		p["unsubscribe_url"] = "https://status.example.com/status/unsubscribe?token=u"
		return p
	}
	d := func(kind string, p map[string]any) email.Data {
		return email.Data{Kind: kind, Product: "Acme IT", To: email.Address{Email: "ann@example.com"}, Payload: p}
	}
	return []email.Data{
		d(desk.NotifySubscriberConfirm, map[string]any{"status_url": "https://status.example.com/status",
			"confirm_url": "https://status.example.com/status/confirm?token=c", "hours": 48}),
		d(desk.NotifySubscriberManage, links(map[string]any{})),
		d(desk.NotifySubscriberNotice, links(map[string]any{"notice": "status.incident.created", "name": "Mail <down>",
			"body": "We are **looking** into it.\nMore soon.", "status": "investigating", "impact": "major", "at": "2026-12-02T08:00:00Z"})),
		d(desk.NotifySubscriberNotice, links(map[string]any{"notice": "status.maintenance.scheduled", "name": "Database upgrade",
			"body": "", "status": "scheduled", "impact": "none", "at": "2026-12-02T08:00:00Z",
			"starts_at": "2026-12-05T22:00:00Z", "ends_at": "2026-12-06T01:00:00Z"})),
	}
}

// Every subscriber email renders in both languages with its links in text and HTML, and
// no incident number or reply line; a notice names the incident and quotes its message.
func TestRenderSubscriberMail(t *testing.T) {
	t.Parallel()
	rd := newRenderer(t)
	for _, lang := range []string{"nl", "en"} {
		var b strings.Builder
		for _, d := range subscriberSamples() {
			d.Locale = lang
			subject, text, html := render(t, rd, d)
			clean(t, "subject", subject)
			clean(t, "text", text)
			clean(t, "html", html)
			for _, k := range []string{"confirm_url", "manage_url", "unsubscribe_url", "status_url"} {
				u, _ := d.Payload[k].(string)
				if d.Kind == desk.NotifySubscriberConfirm && k != "confirm_url" || u == "" {
					continue
				}
				if !strings.Contains(text, u) || !strings.Contains(html, `href="`+strings.ReplaceAll(u, "&", "&amp;")+`"`) {
					t.Errorf("%s/%s lacks the link %s:\n%s", d.Kind, lang, u, text)
				}
			}
			if strings.Contains(subject, "[") || strings.Contains(text, "Reply to this email") || strings.Contains(text, "Beantwoord") {
				t.Errorf("%s/%s reads like an incident's message: %s\n%s", d.Kind, lang, subject, text)
			}
			if d.Kind == desk.NotifySubscriberNotice {
				name := d.Payload["name"].(string)
				if !strings.HasSuffix(subject, ": "+name) || !strings.Contains(html, "Mail &lt;down&gt;") && name == "Mail <down>" {
					t.Errorf("%s/%s: subject %q, or the name is not escaped in HTML", d.Kind, lang, subject)
				}
			}
			b.WriteString("==== " + d.Kind + "\nSubject: " + subject + "\n\n" + text + "\n")
		}
		golden(t, filepath.Join("testdata", "subscriber_"+lang+".golden"), b.String())
	}
}
