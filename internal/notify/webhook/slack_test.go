package webhook

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/slack")

// mapTexts is Texts from a map per language; a missing key comes back as the key, as the
// app's catalog does.
type mapTexts map[string]map[string]string

func (m mapTexts) T(locale, key string, args ...any) string {
	s, ok := m[locale][key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// testTexts holds the texts proposed for the app's catalog (the webhook.* keys) and a few
// of its existing labels.
var testTexts = mapTexts{
	"en": {
		"webhook.incident.created":                 "new incident from %[1]s, %[2]s %[3]s",
		"webhook.incident.created_urgent":          "new urgent report from %[1]s, %[2]s %[3]s",
		"webhook.incident.state_changed":           "%[1]s → %[2]s",
		"webhook.incident.resolved":                "%[1]s → %[2]s",
		"webhook.incident.closed":                  "%[1]s → %[2]s",
		"webhook.solution.temporary":               "Temporary solution",
		"webhook.solution.structural":              "Structural solution",
		"webhook.closed.confirmed":                 "The reporter confirmed the solution.",
		"webhook.closed.automatic":                 "Closed automatically.",
		"webhook.incident.assigned_owner":          "owner is now %[1]s",
		"webhook.incident.assigned_assignee":       "assigned to %[1]s",
		"webhook.incident.unassigned_owner":        "no owner any more",
		"webhook.incident.unassigned_assignee":     "no longer assigned to anyone",
		"webhook.incident.replied":                 "new reply",
		"webhook.incident.replied_internal":        "new internal note",
		"webhook.incident.sla_warning":             "SLA warning: %[1]s due by %[2]s",
		"webhook.incident.sla_breached":            "SLA breached: %[1]s was due by %[2]s",
		"webhook.sla.first_response":               "first response",
		"webhook.sla.resolution":                   "resolution",
		"webhook.change.created":                   "new change request",
		"webhook.change.incidents":                 "Incidents: %[1]s",
		"webhook.change.state_changed":             "%[1]s → %[2]s",
		"webhook.test":                             "Test message from Meldpunt: this webhook works.",
		"webhook.other":                            "event %[1]s",
		"webhook.status.incident.created":          "published on the status page. Status: %[1]s%[2]s",
		"webhook.status.incident.updated":          "updated on the status page. Status: %[1]s%[2]s",
		"webhook.status.incident.resolved":         "resolved on the status page. Status: %[1]s%[2]s",
		"webhook.status.incident.postmortem":       "postmortem published on the status page. Status: %[1]s%[2]s",
		"webhook.status.maintenance.scheduled":     "maintenance scheduled from %[1]s to %[2]s",
		"webhook.status.maintenance.reminder":      "maintenance starts soon: %[1]s to %[2]s",
		"webhook.status.maintenance.started":       "maintenance started. Status: %[1]s%[2]s",
		"webhook.status.maintenance.completed":     "maintenance completed. Status: %[1]s%[2]s",
		"webhook.status.impact":                    ", impact: %[1]s",
		"webhook.status.components":                "Affects: %[1]s",
		"mail.subscriber_notice.status.monitoring": "Monitoring", "mail.subscriber_notice.impact.major": "Major",

		"state.new": "New", "state.triaged": "Triaged", "state.in_progress": "In progress",
		"state.waiting": "Waiting", "state.resolved": "Resolved", "state.closed": "Closed",
		"priority.P1": "Critical", "priority.P2": "High", "priority.P3": "Normal",
		"change_state.requested": "Requested", "change_state.approved": "Approved",
	},
	"nl": {
		"webhook.incident.created":                 "nieuwe melding van %[1]s, %[2]s %[3]s",
		"webhook.incident.created_urgent":          "nieuwe spoedmelding van %[1]s, %[2]s %[3]s",
		"webhook.incident.state_changed":           "%[1]s → %[2]s",
		"webhook.incident.resolved":                "%[1]s → %[2]s",
		"webhook.incident.closed":                  "%[1]s → %[2]s",
		"webhook.solution.temporary":               "Tijdelijke oplossing",
		"webhook.solution.structural":              "Structurele oplossing",
		"webhook.closed.confirmed":                 "De melder heeft de oplossing bevestigd.",
		"webhook.closed.automatic":                 "Automatisch gesloten.",
		"webhook.incident.assigned_owner":          "eigenaar is nu %[1]s",
		"webhook.incident.assigned_assignee":       "toegewezen aan %[1]s",
		"webhook.incident.unassigned_owner":        "geen eigenaar meer",
		"webhook.incident.unassigned_assignee":     "niet meer toegewezen",
		"webhook.incident.replied":                 "nieuwe reactie",
		"webhook.incident.replied_internal":        "nieuwe interne notitie",
		"webhook.incident.sla_warning":             "SLA-waarschuwing: %[1]s uiterlijk %[2]s",
		"webhook.incident.sla_breached":            "SLA overschreden: %[1]s was uiterlijk %[2]s",
		"webhook.sla.first_response":               "eerste reactie",
		"webhook.sla.resolution":                   "oplossing",
		"webhook.change.created":                   "nieuw wijzigingsverzoek",
		"webhook.change.incidents":                 "Meldingen: %[1]s",
		"webhook.change.state_changed":             "%[1]s → %[2]s",
		"webhook.test":                             "Testbericht van Meldpunt: deze webhook werkt.",
		"webhook.other":                            "gebeurtenis %[1]s",
		"webhook.status.incident.created":          "gepubliceerd op de statuspagina. Status: %[1]s%[2]s",
		"webhook.status.incident.updated":          "bijgewerkt op de statuspagina. Status: %[1]s%[2]s",
		"webhook.status.incident.resolved":         "opgelost op de statuspagina. Status: %[1]s%[2]s",
		"webhook.status.incident.postmortem":       "nabeschouwing gepubliceerd op de statuspagina. Status: %[1]s%[2]s",
		"webhook.status.maintenance.scheduled":     "onderhoud gepland van %[1]s tot %[2]s",
		"webhook.status.maintenance.reminder":      "onderhoud begint binnenkort: %[1]s tot %[2]s",
		"webhook.status.maintenance.started":       "onderhoud begonnen. Status: %[1]s%[2]s",
		"webhook.status.maintenance.completed":     "onderhoud afgerond. Status: %[1]s%[2]s",
		"webhook.status.impact":                    ", impact: %[1]s",
		"webhook.status.components":                "Betreft: %[1]s",
		"mail.subscriber_notice.status.monitoring": "Onder observatie", "mail.subscriber_notice.impact.major": "Groot",

		"state.new": "Nieuw", "state.triaged": "Beoordeeld", "state.in_progress": "In behandeling",
		"state.waiting": "Wacht", "state.resolved": "Opgelost", "state.closed": "Gesloten",
		"priority.P1": "Kritiek", "priority.P2": "Hoog", "priority.P3": "Normaal",
		"change_state.requested": "Aangevraagd", "change_state.approved": "Goedgekeurd",
	},
}

func TestTextKeys(t *testing.T) {
	t.Parallel()
	keys := TextKeys()
	for _, l := range []string{"nl", "en"} {
		for _, k := range keys {
			if _, ok := testTexts[l][k]; !ok {
				t.Errorf("%s: the test texts lack %s", l, k)
			}
		}
		for k := range testTexts[l] {
			if strings.HasPrefix(k, "webhook.") && !slices.Contains(keys, k) {
				t.Errorf("%s: TextKeys lacks %s", l, k)
			}
		}
	}
}

// incident returns the JSON of an incident for the events below.
func incident(state, kind, priority, owner, assignee string) string {
	person := func(n string) string {
		if n == "" {
			return "null"
		}
		return `{"id":4,"name":"` + n + `"}`
	}
	return `"incident":{"id":12,"number":"INC-000012","title":"Checkout down","state":"` + state +
		`","priority":"` + priority + `","urgency":"high","impact":"normal","kind":"` + kind +
		`","channel":"portal","organisation":{"id":3,"name":"Acme"},"owner":` + person(owner) +
		`,"assignee":` + person(assignee) + `,"url":"https://desk.example/incidents/INC-000012",` +
		`"created_at":"2026-03-02T08:00:00Z","updated_at":"2026-03-02T09:15:00Z"}`
}

const anna = `"actor":{"id":4,"name":"Anna Agent"}`

func ev(typ string, data ...string) string {
	return `{"type":"` + typ + `","timestamp":"2026-03-02T09:15:00Z","data":{` + strings.Join(data, ",") + `}}`
}

var slackCases = []struct{ name, event string }{
	{"created", ev("incident.created", incident("new", "regular", "P3", "", ""), `"actor":{"id":7,"name":"Carl Client"}`)},
	{"created_unknown_priority", ev("incident.created", incident("new", "regular", "P9", "", ""), `"actor":{"id":7,"name":"Carl Client"}`)},
	{"created_urgent", ev("incident.created", incident("new", "urgent", "P1", "", ""), `"actor":{"id":null,"name":"Meldpunt"}`)},
	{"state_changed", ev("incident.state_changed", incident("in_progress", "regular", "P2", "Anna Agent", ""), anna, `"from":"triaged","to":"in_progress"`)},
	{"state_changed_unknown_code", ev("incident.state_changed", incident("on_hold", "regular", "P2", "", ""), anna, `"from":"in_progress","to":"on_hold"`)},
	{"assigned_owner", ev("incident.assigned", incident("triaged", "regular", "P2", "Anna Agent", ""), `"actor":{"id":1,"name":"Desk Lead"}`, `"role":"owner"`)},
	{"assigned_assignee", ev("incident.assigned", incident("in_progress", "regular", "P2", "Anna Agent", "Eric Expert"), anna, `"role":"assignee"`)},
	{"unassigned", ev("incident.assigned", incident("in_progress", "regular", "P2", "Anna Agent", ""), anna, `"role":"assignee"`)},
	{"replied", ev("incident.replied", incident("waiting", "regular", "P2", "Anna Agent", ""), `"actor":{"id":7,"name":"Carl Client"}`,
		`"entry":{"visibility":"public","body":"\n\nThe error is back since 09:00.\r\n\r\n\r\n\r\nScreenshot attached.\n\n"}`)},
	{"replied_internal", ev("incident.replied", incident("in_progress", "regular", "P2", "Anna Agent", ""), anna,
		`"entry":{"visibility":"internal","body":"Payment provider confirms an outage."}`)},
	{"resolved", ev("incident.resolved", incident("resolved", "regular", "P2", "Anna Agent", ""), anna, `"from":"in_progress","to":"resolved"`,
		`"solution":{"kind":"temporary","text":"Restarted the payment service."}`)},
	{"resolved_structural", ev("incident.resolved", incident("resolved", "regular", "P2", "Anna Agent", ""), anna, `"from":"in_progress","to":"resolved"`,
		`"solution":{"kind":"structural","text":"Replaced the certificate\nand added monitoring."}`)},
	{"closed_confirmed", ev("incident.closed", incident("closed", "regular", "P2", "Anna Agent", ""), `"actor":{"id":7,"name":"Carl Client"}`,
		`"from":"resolved","to":"closed","confirmed":true,"automatic":false`)},
	{"closed_automatic", ev("incident.closed", incident("closed", "regular", "P2", "Anna Agent", ""), `"actor":{"id":null,"name":""}`,
		`"from":"resolved","to":"closed","confirmed":false,"automatic":true`)},
	{"closed_by_desk", ev("incident.closed", incident("closed", "regular", "P2", "Anna Agent", ""), anna,
		`"from":"resolved","to":"closed","confirmed":false,"automatic":false`)},
	{"sla_warning", ev("incident.sla_warning", incident("triaged", "urgent", "P1", "Anna Agent", ""), `"actor":null`,
		`"sla":{"target":"first_response","due_at":"2026-03-02T10:00:00Z"}`)},
	{"sla_breached", ev("incident.sla_breached", incident("in_progress", "regular", "P2", "Anna Agent", ""),
		`"sla":{"target":"resolution","due_at":"2026-03-03T16:30:00Z"}`)},
	{"change_created", ev("change.created", `"change":{"id":3,"number":"CHG-000003","title":"Renew payment certificate","state":"requested","url":"https://desk.example/changes/CHG-000003","incident_numbers":["INC-000012","INC-000015"]}`, anna)},
	{"change_state_changed", ev("change.state_changed", `"change":{"id":3,"number":"CHG-000003","title":"Renew payment certificate","state":"approved","url":"https://desk.example/changes/CHG-000003","incident_numbers":["INC-000012"]}`, `"actor":{"id":1,"name":"Desk Lead"}`, `"from":"requested","to":"approved"`)},
	{"test", ev("webhook.test", `"actor":{"id":1,"name":"Desk Lead"}`, `"message":"Sent from the webhook settings page."`)},
	{"unknown_type", ev("incident.merged", incident("closed", "regular", "P2", "", ""), anna)},
	{"hostile", ev("incident.replied",
		`"incident":{"number":"INC-000013","title":"<!channel> Pay & <https://evil.example|click here> `+strings.Repeat("long ", 60)+`","url":"https://desk.example/incidents/INC-000013"}`,
		`"actor":{"id":9,"name":"@here Mallory"}`,
		`"entry":{"visibility":"public","body":"@channel @all see <https://evil.example|the desk>, mail mallory@example.com"}`)},
}

func TestRenderSlackGolden(t *testing.T) {
	t.Parallel()
	loc := time.FixedZone("CET", 3600)
	for _, tc := range slackCases {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			for _, l := range []string{"nl", "en"} {
				text, err := RenderSlack([]byte(tc.event), l, testTexts, loc)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := slackJSON(text); err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&b, "--- %s\n%s\n", l, text)
			}
			path := filepath.Join("testdata", "slack", tc.name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to write it)", err)
			}
			if b.String() != string(want) {
				t.Errorf("%s differs (run with -update to refresh):\n got:\n%s\nwant:\n%s", path, b.String(), want)
			}
		})
	}
}

// What people wrote cannot mention a channel, address someone, or hide a link.
func TestRenderSlackDefuses(t *testing.T) {
	t.Parallel()
	var hostile string
	for _, tc := range slackCases {
		if tc.name == "hostile" {
			hostile = tc.event
		}
	}
	text, err := RenderSlack([]byte(hostile), "en", testTexts, nil)
	if err != nil {
		t.Fatal(err)
	}
	// "> " starts a quoted line; any other > came from the input.
	unquoted := strings.ReplaceAll("\n"+text, "\n> ", "\n")
	for _, bad := range []string{"<", ">", " & ", "@channel", "@all", "@here"} {
		if strings.Contains(unquoted, bad) {
			t.Errorf("the text holds %q:\n%s", bad, text)
		}
	}
	if !strings.Contains(text, "mallory@example.com") {
		t.Errorf("an email address was changed:\n%s", text)
	}
	first, _, _ := strings.Cut(text, "\n")
	if n := len([]rune(first)); n > 300 {
		t.Errorf("first line of %d runes", n)
	}
}

func TestSlackJSON(t *testing.T) {
	t.Parallel()
	b, err := slackJSON("a & b\n\"c\" → d")
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"text":"a & b\n\"c\" → d"}`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
}
