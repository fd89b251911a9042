package webhook

import (
	"strings"
	"testing"
	"time"
)

// statusEvent returns a status.* event as Meldpunt sends it (docs/status-page.md, Notices).
func statusEvent(typ, status, extra, updateID string) string {
	return `{"type":"` + typ + `","timestamp":"2026-12-02T09:00:00Z","data":{"page":{"id":"meldpunt","url":"https://desk.example/status"},` +
		`"incident":{"id":"i7","name":"Storing e-mail <!channel> @all","status":"` + status + `","impact":"major",` +
		`"shortlink":"https://desk.example/status/incidents/7","page_id":"meldpunt",` + extra +
		`"incident_updates":[{"id":"u9","status":"` + status + `","body":"A fix is out.\n\nWe keep watching."},` +
		`{"id":"u8","status":"investigating","body":"Looking into it."}],` +
		`"components":[{"id":"c3","name":"E-mail","status":"degraded_performance"},{"id":"c4","name":"DNS","status":"operational"}]},` +
		`"update_id":` + updateID + `}}`
}

// TestRenderSlackStatus: the status page's events read as a chat message in the
// endpoint's language: the name, what happened with the status (and an incident's
// impact, or a maintenance's window), the update's message quoted, the components and
// the link; what people wrote is defused.
func TestRenderSlackStatus(t *testing.T) {
	t.Parallel()
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	window := `"scheduled_for":"2026-12-09T21:00:00Z","scheduled_until":"2026-12-09T23:30:00Z",`
	cases := []struct {
		name, locale, body, want string
	}{
		{"an update, in English", "en", statusEvent("status.incident.updated", "monitoring", "", `"u9"`),
			"Storing e-mail &lt;!channel&gt; @\u2060all: updated on the status page. Status: Monitoring, impact: Major\n" +
				"> A fix is out.\n>\n> We keep watching.\nAffects: E-mail, DNS\nhttps://desk.example/status/incidents/7"},
		{"an update, in Dutch", "nl", statusEvent("status.incident.updated", "monitoring", "", `"u9"`),
			"Storing e-mail &lt;!channel&gt; @\u2060all: bijgewerkt op de statuspagina. Status: Onder observatie, impact: Groot\n" +
				"> A fix is out.\n>\n> We keep watching.\nBetreft: E-mail, DNS\nhttps://desk.example/status/incidents/7"},
		{"the first message", "en", statusEvent("status.incident.created", "investigating", "", `"u8"`),
			"Storing e-mail &lt;!channel&gt; @\u2060all: published on the status page. Status: investigating, impact: Major\n" +
				"> Looking into it.\nAffects: E-mail, DNS\nhttps://desk.example/status/incidents/7"},
		{"resolved, without the impact", "en", statusEvent("status.incident.resolved", "resolved", "", `"u9"`),
			"Storing e-mail &lt;!channel&gt; @\u2060all: resolved on the status page. Status: resolved\n" +
				"> A fix is out.\n>\n> We keep watching.\nAffects: E-mail, DNS\nhttps://desk.example/status/incidents/7"},
		{"a maintenance scheduled, in the endpoint's zone", "nl", statusEvent("status.maintenance.scheduled", "scheduled", window, `"u9"`),
			"Storing e-mail &lt;!channel&gt; @\u2060all: onderhoud gepland van 2026-12-09 22:00 CET tot 2026-12-10 00:30 CET\n" +
				"> A fix is out.\n>\n> We keep watching.\nBetreft: E-mail, DNS\nhttps://desk.example/status/incidents/7"},
		{"a reminder has no update", "en", statusEvent("status.maintenance.reminder", "scheduled", window, `null`),
			"Storing e-mail &lt;!channel&gt; @\u2060all: maintenance starts soon: 2026-12-09 22:00 CET to 2026-12-10 00:30 CET\n" +
				"Affects: E-mail, DNS\nhttps://desk.example/status/incidents/7"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, err := RenderSlack([]byte(c.body), c.locale, testTexts, ams)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
	// An event without a shortlink links the page; one without anything still renders.
	got, err := RenderSlack([]byte(`{"type":"status.incident.postmortem","data":{"page":{"url":"https://desk.example/status"},"incident":{"name":"X","status":"postmortem"}}}`), "en", testTexts, ams)
	if err != nil || !strings.HasSuffix(got, "\nhttps://desk.example/status") || !strings.HasPrefix(got, "X: postmortem published on the status page.") {
		t.Errorf("postmortem: %q %v", got, err)
	}
}
