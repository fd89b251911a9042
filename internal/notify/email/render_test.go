package email_test

import (
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/desk"
	"meldpunt/internal/i18n"
	"meldpunt/internal/notify/email"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// samples has a message of every kind, with payloads shaped as internal/app queues them.
func samples() map[string]email.Data {
	due := time.Date(2026, 1, 12, 13, 30, 0, 0, time.UTC) // 14:30 in Amsterdam (CET)
	base := func(kind string, payload map[string]any) email.Data {
		payload["number"], payload["title"] = "INC-000123", "Storing – é"
		return email.Data{
			Kind: kind, Product: "Acme IT", To: email.Address{Name: "Jan de Vries", Email: "jan@example.com"},
			Number: "INC-000123", Title: "Storing – é", IncidentURL: "https://desk.example.com/incidents/123",
			Payload: payload, PreferencesURL: "https://desk.example.com/account/notifications",
			Optional: desk.Optional(kind),
		}
	}
	contract := map[string]any{"contract_id": 4, "contract_name": "Gold", "support_hours": "business",
		"covers_urgent": true, "in_support_hours": false, "first_response_minutes": 30, "resolution_minutes": 270}
	solution := base(desk.NotifySolution, map[string]any{"solution": "Replaced the certificate.\nRestarted the proxy.",
		"solution_kind": "structural", "auto_close_at": due.Format(time.RFC3339Nano), "hours": 72})
	solution.ConfirmURL = "https://desk.example.com/solution/abc?confirm=1"
	solution.RejectURL = "https://desk.example.com/solution/abc?reject=1"
	return map[string]email.Data{
		desk.NotifyReportReceived: base(desk.NotifyReportReceived, map[string]any{
			"verdict": "urgent", "priority": desk.P2, "contract": contract}),
		desk.NotifyAssessment: base(desk.NotifyAssessment, map[string]any{
			"assessment": "reclassified", "reason": "The shop still takes orders."}),
		desk.NotifyUpdate: base(desk.NotifyUpdate, map[string]any{
			"by": "Piet Agent", "body": "We are looking into it.", "from": "triaged", "to": "in_progress"}),
		desk.NotifyWaiting: base(desk.NotifyWaiting, map[string]any{
			"by": "Piet Agent", "body": "Which browser do you use?"}),
		desk.NotifySolution: solution,
		desk.NotifyClosed: base(desk.NotifyClosed, map[string]any{
			"by": "Piet Agent", "confirmed": false, "reason": "Duplicate of INC-000120."}),
		desk.NotifyAutoClosed: base(desk.NotifyAutoClosed, map[string]any{
			"hours": 72, "reason": "no reaction within 72 hours"}),
		desk.NotifyNewReport: base(desk.NotifyNewReport, map[string]any{
			"organisation": "Bakkerij Brood", "verdict": "urgent", "priority": "P1", "needs_assessment": true}),
		desk.NotifyAssigned: base(desk.NotifyAssigned, map[string]any{"role": "assignee", "by": "Kees Coordinator"}),
		desk.NotifyClientReply: base(desk.NotifyClientReply, map[string]any{
			"by": "Jan de Vries", "body": "It happens again since this morning."}),
		desk.NotifySolutionRejected: base(desk.NotifySolutionRejected, map[string]any{
			"by": "Jan de Vries", "reason": "The error is still there."}),
		desk.NotifySLAWarning: base(desk.NotifySLAWarning, map[string]any{
			"priority": "P2", "clock": "response", "mark": "response_warning", "due": due}),
		desk.NotifySLABreach: base(desk.NotifySLABreach, map[string]any{
			"priority": "P2", "clock": "resolve", "mark": "resolve_breach", "due": due}),
		desk.NotifyFollowUp: base(desk.NotifyFollowUp, map[string]any{
			"priority": "P3", "updated_at": due, "follow_up_at": due, "supplier": "Hosting BV"}),
		desk.NotifyStale: base(desk.NotifyStale, map[string]any{"priority": "P3", "updated_at": due}),
		"something_new":  base("something_new", map[string]any{"body": "A message of a kind Render does not know."}),
	}
}

// kinds lists every notification kind the app queues.
var kinds = []string{
	desk.NotifyReportReceived, desk.NotifyAssessment, desk.NotifyUpdate, desk.NotifyWaiting,
	desk.NotifySolution, desk.NotifyClosed, desk.NotifyAutoClosed, desk.NotifyNewReport,
	desk.NotifyAssigned, desk.NotifyClientReply, desk.NotifySolutionRejected,
	desk.NotifySLAWarning, desk.NotifySLABreach, desk.NotifyFollowUp, desk.NotifyStale,
}

// newRenderer returns a Renderer with the catalog compiled into the binary.
func newRenderer(t *testing.T) *email.Renderer {
	t.Helper()
	texts, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return email.NewRenderer(texts)
}

func render(t *testing.T, rd *email.Renderer, d email.Data) (subject, text, html string) {
	t.Helper()
	subject, text, html, err := rd.Render(d)
	if err != nil {
		t.Fatalf("Render(%s, %s): %v", d.Kind, d.Locale, err)
	}
	return subject, text, html
}

// clean fails when a message is empty or shows a template artefact.
func clean(t *testing.T, what, s string) {
	t.Helper()
	if strings.TrimSpace(s) == "" {
		t.Errorf("%s is empty", what)
	}
	for _, bad := range []string{"<no value>", "%!", "{{", "}}", "ZgotmplZ"} {
		if strings.Contains(s, bad) {
			t.Errorf("%s contains %q:\n%s", what, bad, s)
		}
	}
}

func TestRenderEveryKindInBothLanguages(t *testing.T) {
	t.Parallel()
	rd := newRenderer(t)
	all := samples()
	for _, kind := range append(slices.Clone(kinds), "something_new") {
		for _, lang := range []string{"nl", "en"} {
			t.Run(kind+"/"+lang, func(t *testing.T) {
				d, ok := all[kind]
				if !ok {
					t.Fatalf("no sample for %s", kind)
				}
				d.Locale = lang
				subject, text, html := render(t, rd, d)
				clean(t, "subject", subject)
				clean(t, "text", text)
				clean(t, "html", html)
				if !strings.HasPrefix(subject, "[INC-000123] ") || !strings.HasSuffix(subject, ": Storing – é") {
					t.Errorf("subject %q: want [INC-000123] …: Storing – é", subject)
				}
				if strings.ContainsAny(subject, "\r\n") {
					t.Errorf("subject %q has a line break", subject)
				}
				for _, part := range []struct{ name, s string }{{"text", text}, {"html", html}} {
					for _, want := range []string{"INC-000123", "Storing – é", "Jan de Vries", d.IncidentURL} {
						if !strings.Contains(part.s, want) {
							t.Errorf("%s lacks %q:\n%s", part.name, want, part.s)
						}
					}
				}
				if !strings.Contains(html, `<html lang="`+lang+`">`) {
					t.Errorf("html does not declare its language %s", lang)
				}
			})
		}
	}
}

// TestRenderGolden keeps the text of every message in testdata/<lang>.golden for review;
// go test ./internal/mail -run Golden -update rewrites them.
func TestRenderGolden(t *testing.T) {
	t.Parallel()
	rd := newRenderer(t)
	all := samples()
	names := slices.Sorted(maps.Keys(all))
	for _, lang := range []string{"nl", "en"} {
		var b strings.Builder
		for _, kind := range names {
			d := all[kind]
			d.Locale = lang
			subject, text, _ := render(t, rd, d)
			b.WriteString("==== " + kind + "\nSubject: " + subject + "\n\n" + text + "\n")
		}
		d := all[desk.NotifySolution]
		d.Locale = lang
		_, _, html := render(t, rd, d)
		b.WriteString("==== solution (HTML)\n" + html)
		golden(t, filepath.Join("testdata", lang+".golden"), b.String())
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from what Render gives now (run with -update after checking):\n%s", path, got)
	}
}

func TestRenderEscapesHTML(t *testing.T) {
	t.Parallel()
	rd := newRenderer(t)
	d := samples()[desk.NotifyUpdate]
	d.Title = `<script>alert("x")</script>`
	d.Payload["body"] = `<img src=x onerror=alert(1)> & more`
	d.Payload["by"] = `<b>Piet</b>`
	d.To.Name = `<i>Jan</i>`
	for _, lang := range []string{"nl", "en"} {
		d.Locale = lang
		subject, text, html := render(t, rd, d)
		for _, raw := range []string{"<script>", "<img", "<b>Piet", "<i>Jan"} {
			if strings.Contains(html, raw) {
				t.Errorf("html contains %q unescaped:\n%s", raw, html)
			}
		}
		for _, escaped := range []string{"&lt;script&gt;", "&lt;img src=x onerror=alert(1)&gt; &amp; more", "&lt;b&gt;Piet&lt;/b&gt;"} {
			if !strings.Contains(html, escaped) {
				t.Errorf("html lacks %q:\n%s", escaped, html)
			}
		}
		// The plain text and the subject are not HTML: they carry the title as written.
		if !strings.Contains(text, `<script>alert("x")</script>`) || !strings.Contains(subject, "<script>") {
			t.Errorf("text or subject changed the title:\n%s\n%s", subject, text)
		}
	}
}

func TestRenderSolutionLinks(t *testing.T) {
	t.Parallel()
	rd := newRenderer(t)
	d := samples()[desk.NotifySolution]
	for _, lang := range []string{"nl", "en"} {
		d.Locale = lang
		_, text, html := render(t, rd, d)
		for _, part := range []string{text, html} {
			for _, u := range []string{"https://desk.example.com/solution/abc?confirm=1", "https://desk.example.com/solution/abc?reject=1"} {
				if !strings.Contains(strings.ReplaceAll(part, "&amp;", "&"), u) {
					t.Errorf("%s: lacks the link %s:\n%s", lang, u, part)
				}
			}
			if !strings.Contains(part, "Replaced the certificate.") {
				t.Errorf("%s: lacks the solution:\n%s", lang, part)
			}
		}
		if !strings.Contains(html, `href="https://desk.example.com/solution/abc?confirm=1"`) {
			t.Errorf("%s: the confirm link is no button:\n%s", lang, html)
		}
		// 13:30 UTC on 12 January 2026 is 14:30 in Amsterdam.
		want := map[string]string{"nl": "maandag 12 januari 2026 om 14:30", "en": "Monday 12 January 2026 at 14:30 CET"}[lang]
		if !strings.Contains(text, want) {
			t.Errorf("%s: the auto-close time %q is missing:\n%s", lang, want, text)
		}
	}

	// Without links (the incident is no longer resolved) the message says to sign in.
	d.ConfirmURL, d.RejectURL, d.Locale = "", "", "en"
	_, text, html := render(t, rd, d)
	if strings.Contains(text, "/solution/") || strings.Contains(html, "/solution/") {
		t.Errorf("links shown although there are none:\n%s", text)
	}
	if !strings.Contains(text, "Sign in to confirm or reject the solution:\nhttps://desk.example.com/incidents/123") {
		t.Errorf("no sign-in hint:\n%s", text)
	}
}

func TestRenderOptionalFooter(t *testing.T) {
	t.Parallel()
	rd := newRenderer(t)
	for _, kind := range kinds {
		d := samples()[kind]
		for _, optional := range []bool{false, true} {
			d.Optional, d.Locale = optional, "en"
			_, text, html := render(t, rd, d)
			for _, part := range []string{text, html} {
				if got := strings.Contains(part, d.PreferencesURL); got != optional {
					t.Errorf("%s optional=%v: preferences link shown=%v:\n%s", kind, optional, got, part)
				}
				if !strings.Contains(part, "Reply to this email to add to the incident.") {
					t.Errorf("%s: no reply hint:\n%s", kind, part)
				}
			}
		}
	}
}

func TestRenderSentences(t *testing.T) {
	t.Parallel()
	rd := newRenderer(t)
	cases := []struct {
		name    string
		kind    string
		locale  string
		payload map[string]any
		want    []string
		not     []string
	}{
		{"regular report with contract", desk.NotifyReportReceived, "en",
			map[string]any{"verdict": "regular", "priority": "P4", "contract": map[string]any{
				"contract_name": "Basic", "support_hours": "24x7", "covers_urgent": false, "in_support_hours": true,
				"first_response_minutes": 240, "resolution_minutes": 61}},
			[]string{"falls under regular support", "P4 (Low)", "within 4 hours and a solution within 1 hour and 1 minute"},
			[]string{"does not cover urgent", "outside support hours"}},
		{"urgent report, contract without urgent", desk.NotifyReportReceived, "nl",
			map[string]any{"verdict": "urgent", "priority": "P1", "contract": map[string]any{
				"contract_name": "Basis", "covers_urgent": false, "in_support_hours": true}},
			[]string{"spoedmelding", "dekt geen spoedmeldingen", "P1 (Kritiek)"}, []string{"belooft"}},
		{"report without contract", desk.NotifyReportReceived, "en",
			map[string]any{"verdict": "regular", "priority": "P3", "contract": nil},
			[]string{"no active contract"}, nil},
		{"report, contract unknown", desk.NotifyReportReceived, "en",
			map[string]any{"verdict": "regular"}, nil, []string{"contract", "priority is"}},
		{"approved", desk.NotifyAssessment, "en", map[string]any{"assessment": "approved"},
			[]string{"handled with priority"}, []string{"reason"}},
		{"approved with a note", desk.NotifyAssessment, "nl", map[string]any{"assessment": "approved", "reason": "Kassa ligt eruit"},
			[]string{"met voorrang", "> Kassa ligt eruit"}, nil},
		{"moved to regular", desk.NotifyAssessment, "nl", map[string]any{"assessment": "regular", "reason": "Alleen de FAQ-pagina"},
			[]string{"geen spoedmelding", "De reden:\n\n> Alleen de FAQ-pagina"}, nil},
		{"reclassified", desk.NotifyAssessment, "en",
			map[string]any{"urgency": "low", "impact": "normal", "priority": "P4", "reason": "Only one user"},
			[]string{"changed the classification", "Urgency: Low", "Impact: Normal", "Priority: P4 (Low)", "> Only one user"}, nil},
		{"update without state", desk.NotifyUpdate, "nl", map[string]any{"by": "Piet", "body": "Bezig"},
			[]string{"Piet heeft een update", "> Bezig"}, []string{"status"}},
		{"state change only", desk.NotifyUpdate, "en", map[string]any{"to": "waiting"},
			[]string{"The status is now Waiting."}, nil},
		{"waiting without a name", desk.NotifyWaiting, "en", map[string]any{"body": "Send a screenshot"},
			[]string{"Acme IT needs something from you", "> Send a screenshot"}, nil},
		{"temporary solution, hours only", desk.NotifySolution, "nl",
			map[string]any{"solution": "Herstart", "solution_kind": "temporary", "hours": 24},
			[]string{"tijdelijk (een workaround)", "na 24 uur automatisch gesloten"}, nil},
		{"closed by confirmation", desk.NotifyClosed, "en", map[string]any{"confirmed": true, "by": "Jan"},
			[]string{"You confirmed the solution"}, []string{"Jan has closed"}},
		{"closed by the desk", desk.NotifyClosed, "nl", map[string]any{"by": "Piet", "reason": "Dubbel"},
			[]string{"Piet heeft uw melding gesloten", "> Dubbel"}, nil},
		{"auto-closed", desk.NotifyAutoClosed, "nl", map[string]any{"hours": 24, "reason": "no reaction within 24 hours"},
			[]string{"binnen 24 uur geen reactie"}, []string{"no reaction"}},
		{"auto-closed after one hour", desk.NotifyAutoClosed, "en", map[string]any{"hours": 1},
			[]string{"no reaction to the solution within 1 hour."}, []string{"hours"}},
		{"solution closing after one hour", desk.NotifySolution, "en", map[string]any{"solution": "Restarted", "hours": 1},
			[]string{"closes automatically after 1 hour."}, []string{"1 hours"}},
		{"contract of one minute and one hour", desk.NotifyReportReceived, "nl",
			map[string]any{"verdict": "regular", "contract": map[string]any{"contract_name": "Brons",
				"first_response_minutes": 1, "resolution_minutes": 60}},
			[]string{"een eerste reactie binnen 1 minuut en een oplossing binnen 1 uur."}, nil},
		{"regular new report", desk.NotifyNewReport, "en",
			map[string]any{"organisation": "Bakery", "verdict": "regular", "priority": "P3", "needs_assessment": false},
			[]string{"Bakery has submitted", "Report type: regular support"}, []string{"assessment"}},
		{"owner", desk.NotifyAssigned, "nl", map[string]any{"role": "owner", "by": "Kees"},
			[]string{"Kees heeft u eigenaar"}, nil},
		{"response breach", desk.NotifySLABreach, "en",
			map[string]any{"priority": "P1", "mark": "response_breach", "due": "2026-07-01T08:00:00Z"},
			[]string{"first-response deadline", "Wednesday 1 July 2026 at 10:00 CEST", "coordinators"}, nil},
		{"resolve warning in Dutch", desk.NotifySLAWarning, "nl",
			map[string]any{"priority": "P2", "clock": "resolve", "due": "2026-07-01T08:00:00Z"},
			[]string{"oplostermijn", "woensdag 1 juli 2026 om 10:00"}, nil},
		{"stale", desk.NotifyStale, "en", map[string]any{"priority": "P3", "updated_at": "2026-01-12T13:30:00Z", "supplier": "Hosting BV"},
			[]string{"no update for longer", "Last update: Monday 12 January 2026 at 14:30 CET", "Supplier: Hosting BV"}, nil},
		{"empty payload", desk.NotifyClosed, "en", nil, []string{"Acme IT has closed"}, nil},
		{"unknown locale falls back to Dutch", desk.NotifyClosed, "fr", nil, []string{"Acme IT heeft uw melding gesloten"}, nil},
		{"unknown kind", "mystery", "en", map[string]any{"reason": "Because"},
			[]string{"There is news about this incident.", "> Because"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := email.Data{Kind: c.kind, Locale: c.locale, Product: "Acme IT", Number: "INC-000009", Title: "Down",
				Payload: c.payload, IncidentURL: "https://desk.example.com/incidents/9"}
			subject, text, html := render(t, rd, d)
			clean(t, "text", text)
			clean(t, "html", html)
			clean(t, "subject", subject)
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q:\n%s", w, text)
				}
			}
			for _, n := range c.not {
				if strings.Contains(text, n) {
					t.Errorf("text has %q:\n%s", n, text)
				}
			}
		})
	}
}

func TestRenderWithoutName(t *testing.T) {
	t.Parallel()
	rd := newRenderer(t)
	d := email.Data{Kind: desk.NotifyWaiting, Locale: "nl", Number: "INC-000001", Title: "X"}
	_, text, _ := render(t, rd, d)
	if !strings.Contains(text, "Goedendag,\n") || strings.Contains(text, "Beste") {
		t.Errorf("greeting without a name:\n%s", text)
	}
	if !strings.Contains(text, "Meldpunt") {
		t.Errorf("no product name fallback:\n%s", text)
	}
}

// TestRenderPasswordReset: the reset message is about no incident: its link, how long it
// works, and no "reply to add to the incident" footer, in both languages.
func TestRenderPasswordResetOfOneMinute(t *testing.T) {
	t.Parallel()
	rd := newRenderer(t)
	for lang, want := range map[string]string{"nl": "De link werkt één keer, 1 minuut lang.", "en": "The link works once, for 1 minute."} {
		d := email.Data{Kind: desk.NotifyPasswordReset, Locale: lang, Payload: map[string]any{"url": "https://x.test/r", "minutes": 1}}
		if _, text, _ := render(t, rd, d); !strings.Contains(text, want) {
			t.Errorf("%s lacks %q:\n%s", lang, want, text)
		}
	}
}

func TestRenderPasswordReset(t *testing.T) {
	t.Parallel()
	rd := newRenderer(t)
	for lang, want := range map[string][]string{
		"nl": {"Nieuw wachtwoord instellen", "60 minuten", "Negeer deze e-mail"},
		"en": {"Set a new password", "60 minutes", "ignore this email"},
	} {
		d := email.Data{Kind: desk.NotifyPasswordReset, Locale: lang, Product: "Acme IT", To: email.Address{Name: "Anna", Email: "anna@acme.test"},
			Payload: map[string]any{"url": "https://desk.example.com/password/reset?token=s3cret", "minutes": 60}}
		subject, text, html := render(t, rd, d)
		if subject != want[0] || strings.Contains(subject, "[") {
			t.Errorf("%s subject %q", lang, subject)
		}
		for _, body := range []string{text, html} {
			for _, w := range append(want[1:], "https://desk.example.com/password/reset?token=s3cret") {
				if !strings.Contains(body, w) {
					t.Errorf("%s body lacks %q:\n%s", lang, w, body)
				}
			}
			if strings.Contains(body, "melding toe te voegen") || strings.Contains(body, "add to the incident") {
				t.Errorf("%s body offers replying to an incident:\n%s", lang, body)
			}
		}
	}
}
