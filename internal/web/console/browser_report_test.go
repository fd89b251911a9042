package console_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"meldpunt/internal/desk"
	"meldpunt/internal/store/storetest"
)

// reportFlow holds what one language's flow types and expects to read.
type reportFlow struct {
	lang                              string
	client                            func(*env) desk.User
	navReport, navMine                string
	pending, regular, urgent          string
	reasonUrgent, promise, confirmed  string
	queue, reclassified, timelineText string
}

// TestBrowserReportEN and TestBrowserReportNL: a client answers the questionnaire and
// watches the verdict change as they answer, accepts the procedure, submits, sees the
// confirmation and finds the incident among their own; an agent then reclassifies it with a
// reason, and the client reads the decision and the reason on the timeline. Once in
// English, once in Dutch, each on a Meldpunt of its own. They are two tests rather than
// subtests of one: the longest of the package, they start with the first tests instead of
// behind all of them (subtests wait for a parallel slot after every top-level test).
func TestBrowserReportEN(t *testing.T) {
	t.Parallel()
	testBrowserReport(t, reportFlows["en"])
}

func TestBrowserReportNL(t *testing.T) {
	t.Parallel()
	testBrowserReport(t, reportFlows["nl"])
}

// reportFlows holds what each language's flow types and expects to read.
var reportFlows = map[string]reportFlow{"en": {
	lang: "en", client: func(e *env) desk.User { return e.acmeAdmin }, navReport: "Report an incident", navMine: "My incidents",
	pending: "Answer the questions: you see here at once whether this is an urgent report.",
	regular: "This falls under regular support", urgent: "This is an urgent report",
	reasonUrgent: "the website, application or system is fully or largely unavailable",
	promise:      "Contract ‘Gold’ promises for P1: a first response within 30 minutes and a resolution within 4 hours.",
	confirmed:    "has been received", queue: "To assess", reclassified: "Moved to regular support",
	timelineText: "Assessed by the service desk: not an urgent report; handled as regular support. Reason: ",
}, "nl": {
	lang: "nl", client: func(e *env) desk.User { return e.acmeUser }, navReport: "Melding maken", navMine: "Mijn meldingen",
	pending: "Beantwoord de vragen: u ziet hier meteen of dit een spoedmelding is.",
	regular: "Dit valt onder reguliere support", urgent: "Dit is een spoedmelding",
	reasonUrgent: "de website, applicatie of het systeem is geheel of grotendeels onbeschikbaar",
	promise:      "Contract ‘Gold’ belooft bij P1: een eerste reactie binnen 30 minuten en een oplossing binnen 4 uur.",
	confirmed:    "is ontvangen", queue: "Te beoordelen", reclassified: "Omgezet naar reguliere support",
	timelineText: "Beoordeeld door de servicedesk: dit is geen spoedmelding en wordt als reguliere support behandeld. Reden: ",
}}

func testBrowserReport(t *testing.T, f reportFlow) {
	chromium(t)
	e := newEnv(t, storetest.Open(t, "sqlite"))
	e.contract(e.acme, "Gold", true, desk.Hours24x7)
	base := e.srv.URL
	ctx := newBrowser(t)
	browserSignIn(t, ctx, base, f.lang, f.client(e))

	// "Report an incident" in the header.
	click(t, ctx, `nav.main a[href="/report"]`)
	if h1 := text(t, ctx, "h1"); h1 != f.navReport {
		t.Fatalf("heading %q, want %q", h1, f.navReport)
	}
	// With the script, the panel explains itself and the check button is gone.
	waitFor(t, ctx, `document.querySelector('#verdict .lead').textContent === `+strconv.Quote(f.pending))
	if hidden, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('check').hidden`)); !hidden {
		t.Error("the check button shows although the script runs")
	}
	checkA11y(t, ctx, "report-"+f.lang)

	// First a design change that hinders nobody: regular support.
	answer(t, ctx, regularAnswers)
	waitFor(t, ctx, `document.getElementById('verdict').classList.contains('regular') && document.getElementById('verdict').innerText.includes('P5')`)
	panel := text(t, ctx, "#verdict")
	if !strings.Contains(panel, f.regular) || !strings.Contains(panel, "P5") {
		t.Fatalf("the panel after regular answers:\n%s", panel)
	}
	screenshot(t, ctx, "report-regular-"+f.lang)
	checkA11y(t, ctx, "report-regular-"+f.lang)

	// Then the site goes down with damage and no workaround: urgent, live.
	answer(t, ctx, urgentAnswers)
	waitFor(t, ctx, `document.getElementById('verdict').classList.contains('urgent') && document.getElementById('verdict').innerText.includes('P1')`)
	panel = text(t, ctx, "#verdict")
	for _, s := range []string{f.urgent, f.reasonUrgent, "P1", f.promise} {
		if !strings.Contains(panel, s) {
			t.Errorf("the urgent panel lacks %q:\n%s", s, panel)
		}
	}
	screenshot(t, ctx, "report-urgent-"+f.lang)
	checkA11y(t, ctx, "report-urgent-"+f.lang)

	// Title and description, but the procedure not accepted: the page says so next
	// to the box, and keeps every answer and the verdict.
	title := "Checkout down " + f.lang
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("title"), title),
		chromedp.SendKeys(chromedp.ID("description"), "Since 9:00 no payments.\nAll customers."),
	); err != nil {
		t.Fatal(err)
	}
	if resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.ID("submit-report"))); err != nil || resp.Status != http.StatusUnprocessableEntity {
		t.Fatalf("submit without acceptance: %v %v", resp, err)
	}
	if msg := text(t, ctx, "#accept_procedure-error"); msg == "" {
		t.Error("no message next to the acceptance box")
	}
	kept, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('input[name^="answers."]:checked').length`))
	if kept != len(urgentAnswers) {
		t.Errorf("%d answers kept, want %d", kept, len(urgentAnswers))
	}
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("title"))); v != title {
		t.Errorf("the title kept is %q", v)
	}
	if panel := text(t, ctx, "#verdict"); !strings.Contains(panel, f.urgent) {
		t.Errorf("the verdict after the refusal:\n%s", panel)
	}
	screenshot(t, ctx, "report-not-accepted-"+f.lang)
	checkA11y(t, ctx, "report-not-accepted-"+f.lang)

	// Accepted and submitted.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("accept_procedure"))); err != nil {
		t.Fatal(err)
	}
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.ID("submit-report")))
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("submit: %v %v", resp, err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	m := regexp.MustCompile(`/incidents/(INC-\d+)\?submitted=1$`).FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("after submitting, the browser is at %q:\n%s", loc, text(t, ctx, "main"))
	}
	number := m[1]
	confirmation := text(t, ctx, "#confirmation")
	for _, s := range []string{number, f.confirmed, f.urgent, f.promise} {
		if !strings.Contains(confirmation, s) {
			t.Errorf("the confirmation lacks %q:\n%s", s, confirmation)
		}
	}
	screenshot(t, ctx, "confirmation-"+f.lang)
	checkA11y(t, ctx, "confirmation-"+f.lang)

	// "My incidents" lists it.
	click(t, ctx, `nav.main a[href="/incidents"]`)
	if h1 := text(t, ctx, "h1"); h1 != f.navMine {
		t.Errorf("list heading %q", h1)
	}
	checkA11y(t, ctx, "mine-"+f.lang)
	click(t, ctx, `td a[href="/incidents/`+number+`"]`)

	// An agent, in a browser context of their own, reclassifies it with a reason.
	actx, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	defer cancel()
	browserSignIn(t, actx, base, f.lang, e.agent)
	click(t, actx, `nav.main a[href="/triage"]`)
	if h1 := text(t, actx, "h1"); h1 != f.queue {
		t.Errorf("queue heading %q", h1)
	}
	screenshot(t, actx, "triage-"+f.lang)
	checkA11y(t, actx, "triage-"+f.lang)
	click(t, actx, `td a[href="/incidents/`+number+`"]`)
	reason := "Only the test shop is down (" + f.lang + ")."
	if err := chromedp.Do(actx, chromedp.SendKeys(chromedp.ID("reason-reclassify"), reason)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, actx, "assess-"+f.lang)
	checkA11y(t, actx, "assess-"+f.lang)
	click(t, actx, `form[action$="/assess"] input[value=reclassify] ~ fieldset button[type=submit]`)
	if got := text(t, actx, "#assessment"); !strings.Contains(got, f.reclassified) {
		t.Errorf("after reclassifying, the assessment reads %q", got)
	}
	checkA11y(t, actx, "reclassified-"+f.lang)

	// The client reloads their incident and reads the decision and the reason.
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/incidents/"+number)); err != nil {
		t.Fatal(err)
	}
	timeline := text(t, ctx, "#timeline")
	if !strings.Contains(timeline, f.timelineText+reason) {
		t.Errorf("the client's timeline lacks the decision and its reason:\n%s", timeline)
	}
	if got := text(t, ctx, "#assessment"); !strings.Contains(got, reason) {
		t.Errorf("the client's details read %q", got)
	}
	screenshot(t, ctx, "timeline-"+f.lang)
	checkA11y(t, ctx, "timeline-"+f.lang)
}

// browserSignIn signs u in, with the pages pinned to lang.
func browserSignIn(t *testing.T, ctx context.Context, base, lang string, u desk.User) {
	t.Helper()
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/login?lang="+lang)); err != nil {
		t.Fatal(err)
	}
	resp, err := chromedp.RunResponse(ctx,
		chromedp.SendKeys(chromedp.ID("email"), u.Email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("sign in as %s: %v %v", u.Email, resp, err)
	}
}

// click clicks the element and waits for the page it leads to.
func click(t *testing.T, ctx context.Context, css string) {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("click %s: %v", css, err)
	}
	if resp.Status != http.StatusOK {
		t.Fatalf("click %s: status %d", css, resp.Status)
	}
}

// text returns the visible text of the first element the selector matches.
func text(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("text of %s: %v", css, err)
	}
	return s
}

// waitFor waits until the JavaScript expression is true. The timeout guards against a
// hang; it is no timed assertion, so it leaves room for a busy machine.
func waitFor(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(60*time.Second))); err != nil {
		v, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('verdict') ? document.getElementById('verdict').innerText : document.body.innerText`))
		t.Fatalf("waiting for %s: %v\n%s", expr, err, v)
	}
}

// answer clicks the answers as a person would, question by question.
func answer(t *testing.T, ctx context.Context, answers map[string]string) {
	t.Helper()
	for _, q := range []string{"availability", "request_type", "financial_damage", "security", "essential_function", "end_users", "workaround", "business_process", "users"} {
		css := `input[name="answers.` + q + `"][value="` + answers[q] + `"]`
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(css))); err != nil {
			t.Fatalf("answer %s: %v", css, err)
		}
	}
}

// TestBrowserIntake: an agent takes a call. Choosing the client goes on at once, the
// verdict follows the answers with the client's contract, and the report is registered
// for the caller. The admin's questionnaire page is photographed too.
func TestBrowserIntake(t *testing.T) {
	t.Parallel()
	chromium(t)
	db := storetest.Open(t, "sqlite")
	e := newEnv(t, db)
	e.contract(e.acme, "Gold", true, desk.Hours24x7)
	base := e.srv.URL
	ctx := newBrowser(t)
	browserSignIn(t, ctx, base, "en", e.agent)
	click(t, ctx, `nav.main a[href="/intake"]`)
	checkA11y(t, ctx, "intake-org-en")
	resp, err := chromedp.RunResponse(ctx, chromedp.Evaluate[chromedp.Void](
		`(() => { const s = document.getElementById('org'); s.value = '`+desk.FormatInt(e.acme.ID)+`'; s.dispatchEvent(new Event('change')); })()`))
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("choose the client: %v %v", resp, err)
	}
	answer(t, ctx, urgentAnswers)
	waitFor(t, ctx, `document.getElementById('verdict').classList.contains('urgent') && document.getElementById('verdict').innerText.includes('P1')`)
	if panel := text(t, ctx, "#verdict"); !strings.Contains(panel, "Contract ‘Gold’ promises for P1") {
		t.Errorf("the intake's verdict does not use the client's contract:\n%s", panel)
	}
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("reporter_id"), desk.FormatInt(e.acmeUser.ID)),
		chromedp.SendKeys(chromedp.ID("title"), "Caller: checkout down"),
		chromedp.Click(chromedp.ID("accept_procedure")),
	); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "intake-en")
	checkA11y(t, ctx, "intake-en")
	resp, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.ID("submit-report")))
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("register: %v %v", resp, err)
	}
	if c := text(t, ctx, "#confirmation"); !strings.Contains(c, "has been received") {
		t.Errorf("confirmation:\n%s", c)
	}
	checkA11y(t, ctx, "intake-confirmation-en")
	// The incident page names the client, the reporter and the channel under its title.
	if d := text(t, ctx, ".ws-head"); !strings.Contains(d, "Phone") || !strings.Contains(d, "Anna Acme") {
		t.Errorf("details:\n%s", d)
	}

	admin := newBrowser(t)
	browserSignIn(t, admin, base, "nl", e.admin)
	click(t, admin, `nav.main a[href="/admin/questionnaire"]`)
	if v := text(t, admin, "#questionnaire-version"); v != "1" {
		t.Errorf("version %q", v)
	}
	screenshot(t, admin, "questionnaire-admin-nl")
	checkA11y(t, admin, "questionnaire-admin-nl")
}
