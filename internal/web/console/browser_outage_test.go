package console_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/notify/email/mailtest"
	"meldpunt/internal/store/storetest"
)

// TestBrowserOutage follows one outage end to end (issue 11, "Real parts in tests"), in
// headless Chromium, with its mail through a real SMTP server, on both databases:
//   - a visitor subscribes on /status in English and confirms from the email; the reporter
//     of a client's ticket subscribes too, in Dutch;
//   - an agent publishes an incident on a component through the desk's form; the visitor
//     and the reporter each get one email of it; the visitor's open /status page shows it
//     by itself (waiting on the DOM), and a fresh load with scripts off shows it too;
//   - the desk links the ticket to the public incident from the ticket's page;
//   - the agent posts an update: the visitor gets one email; the reporter one, of the
//     ticket, not a second one as a subscriber; the client's ticket shows the update on
//     its timeline;
//   - the agent resolves it: the ticket is resolved with the final message as its
//     solution, the reporter gets the solution (one email) and the visitor one notice.
//
// axe-core (WCAG 2.2 A/AA) checks the status page and the incident's public page in both
// languages, the subscribe pages in English (the visitor) and Dutch (the reporter), and
// the client's ticket page.
func TestBrowserOutage(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			outage(t, dialect)
		})
	}
}

func outage(t *testing.T, dialect string) {
	m := newMailLoopOn(t, storetest.Open(t, dialect))
	// The clock stands still, at the real time: the browser drops a session cookie that
	// expired by the clock of the machine.
	m.clk.set(time.Now().UTC().Truncate(time.Second))
	bg, sys := context.Background(), desk.SystemActor("test")
	base := m.srv.URL
	mail, err := m.app.Components.Create(bg, sys, desk.Component{Name: "E-mail", Visibility: desk.VisibilityPublic})
	if err != nil {
		t.Fatal(err)
	}
	// The client's ticket, reported before the outage is known.
	inc, err := m.app.Incidents.Create(bg, sys, app.IncidentInput{OrgID: m.acme.ID, ReporterID: &m.acmeUser.ID,
		Kind: desk.KindRegular, Title: "Geen mail meer", Description: "Sinds vanochtend komt er geen mail binnen.",
		Urgency: desk.High, Impact: desk.Normal})
	if err != nil {
		t.Fatal(err)
	}
	m.deliver() // the report's confirmation, and the desk hears of it
	const visitor = "visitor@example.test"
	reporter := m.acmeUser.Email // reads Dutch

	// Subscribing, in the visitor's own browser.
	visit := newBrowser(t)
	subscribe := func(addr, lang string) {
		t.Helper()
		if _, err := chromedp.RunResponse(visit, chromedp.Navigate(base+"/status?lang="+lang)); err != nil {
			t.Fatal(err)
		}
		click(t, visit, "#subscribe-link a")
		checkA11y(t, visit, "outage-subscribe-form-"+lang)
		resp, err := chromedp.RunResponse(visit, chromedp.SetValue(chromedp.ID("email"), addr),
			chromedp.Click(chromedp.ID("locale-"+lang)), chromedp.Click(chromedp.ID("scope-all")),
			chromedp.Click(chromedp.CSS(`form[action="/status/subscribe"] button[type=submit]`)))
		if err != nil || resp.Status != http.StatusOK {
			t.Fatalf("subscribe %s: %v, %v", addr, resp, err)
		}
		checkA11y(t, visit, "outage-subscribe-sent-"+lang)
		sent := m.deliver()
		if got := kindsTo(sent, addr); !slices.Equal(got, []string{desk.NotifySubscriberConfirm}) {
			t.Fatalf("after subscribing, %s got %v; want only the confirmation", addr, got)
		}
		link := subscriberConfirmLink.FindString(only(t, sent, desk.NotifySubscriberConfirm, addr).Text)
		if !strings.HasPrefix(link, base+"/status/confirm?") {
			t.Fatalf("no confirmation link for %s (%q)", addr, link)
		}
		if _, err := chromedp.RunResponse(visit, chromedp.Navigate(link)); err != nil {
			t.Fatal(err)
		}
		checkA11y(t, visit, "outage-subscribe-confirm-"+lang)
		click(t, visit, "#confirm-form button[type=submit]")
		if got := text(t, visit, "#subscribe-outcome"); !strings.Contains(got, addr) {
			t.Errorf("confirmed page for %s says %q", addr, got)
		}
		checkA11y(t, visit, "outage-subscribe-confirmed-"+lang)
	}
	subscribe(visitor, "en")
	subscribe(reporter, "nl")

	// The visitor's page stays open, with its timers shortened (fastTimers) and scripts on.
	live := newBrowser(t)
	if err := chromedp.Do(live, func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: fastTimers})
		return chromedp.Void{}, err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(live, chromedp.Navigate(base+"/status?lang=en")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(live, chromedp.Evaluate[bool](`window.__sameDocument = true`)); err != nil {
		t.Fatal(err)
	}
	waitLive := func(what, expr string) {
		t.Helper()
		// The timeout guards against a hang, no more: the page asks every 50 ms.
		if _, err := chromedp.Run(live, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
			got, _ := chromedp.Run(live, chromedp.Evaluate[string](`document.getElementById('main').innerText`))
			t.Fatalf("the open page, %s: %v; it reads:\n%s", what, err, got)
		}
		if same, err := chromedp.Run(live, chromedp.Evaluate[bool](`window.__sameDocument === true`)); err != nil || !same {
			t.Fatalf("the open page navigated instead of updating in place (%v)", err)
		}
	}
	waitLive("its refresh loop", `window.__delays.length > 0`)
	if main := text(t, live, "main"); strings.Contains(main, "Email outage") {
		t.Fatalf("the page shows the incident before it exists:\n%s", main)
	}

	// A fresh load with scripts off, the checks with them back on.
	fresh := func(path, name string) string {
		t.Helper()
		if _, err := chromedp.Call(visit, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		resp, err := chromedp.RunResponse(visit, chromedp.Navigate(base+path))
		if err != nil || resp.Status != http.StatusOK {
			t.Fatalf("GET %s: %v %v", path, resp, err)
		}
		if _, err := chromedp.Call(visit, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
			t.Fatal(err)
		}
		checkA11y(t, visit, name)
		return text(t, visit, "main")
	}

	// Mail: exactly the kinds listed to each address, and the one message of want[0].
	expect := func(step string, sent []mailtest.Received, addr string, want ...string) mailtest.Received {
		t.Helper()
		if got := kindsTo(sent, addr); !slices.Equal(got, want) {
			t.Fatalf("%s: %s got %v, want %v", step, addr, got, want)
		}
		if len(want) == 0 {
			return mailtest.Received{}
		}
		return only(t, sent, want[0], addr)
	}

	// The agent publishes the incident through the desk's form.
	agent := newBrowser(t)
	browserSignIn(t, agent, base, "nl", m.agent)
	if _, err := chromedp.RunResponse(agent, chromedp.Navigate(base+"/public-incidents/new")); err != nil {
		t.Fatal(err)
	}
	resp, err := chromedp.RunResponse(agent,
		chromedp.SendKeys(chromedp.ID("new-name-nl"), "Storing e-mail"),
		chromedp.SendKeys(chromedp.ID("new-name-en"), "Email outage"),
		chromedp.SetValue(chromedp.ID("new-impact"), "major"),
		chromedp.SetValue(chromedp.ID("new-component_"+itoa(mail.ID)), "major_outage"),
		chromedp.SendKeys(chromedp.ID("new-body-nl"), "We onderzoeken de storing."),
		chromedp.SendKeys(chromedp.ID("new-body-en"), "We are investigating the outage."),
		chromedp.Click(chromedp.CSS(`form[action="/public-incidents"] button[type=submit]`)),
	)
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("publish: %v %v", resp, err)
	}
	detail, _ := chromedp.Run(agent, chromedp.Evaluate[string](`location.pathname`))
	pid := strings.TrimPrefix(detail, "/public-incidents/")
	if pid == detail || pid == "" {
		t.Fatalf("after publishing the agent is at %s", detail)
	}
	sent := m.deliver()
	if msg := expect("published", sent, visitor, desk.NotifySubscriberNotice); !strings.HasSuffix(msg.Subject, "Email outage") ||
		!strings.Contains(msg.Text, "We are investigating the outage.") {
		t.Errorf("the visitor's notice: %q\n%s", msg.Subject, msg.Text)
	}
	if msg := expect("published", sent, reporter, desk.NotifySubscriberNotice); !strings.Contains(msg.Text, "We onderzoeken de storing.") {
		t.Errorf("the reporter's notice (Dutch):\n%s", msg.Text)
	}
	waitLive("the new incident", `document.getElementById('main').innerText.includes('Email outage')`)
	waitLive("the banner", `document.getElementById('status-banner').getAttribute('data-indicator') === 'critical'`)
	checkA11y(t, live, "outage-live-en")
	for _, tc := range []struct{ path, name, want string }{
		{"/status?lang=en", "outage-status-en", "Email outage"},
		{"/status?lang=nl", "outage-status-nl", "Storing e-mail"},
		{"/status/incidents/" + pid + "?lang=en", "outage-incident-en", "We are investigating the outage."},
		{"/status/incidents/" + pid + "?lang=nl", "outage-incident-nl", "We onderzoeken de storing."},
	} {
		if main := fresh(tc.path, tc.name); !strings.Contains(main, tc.want) {
			t.Errorf("%s without scripts does not show %q:\n%s", tc.path, tc.want, main)
		}
	}

	// The desk links the client's ticket to it, from the ticket's page.
	ticket := "/incidents/" + inc.Number
	if _, err := chromedp.RunResponse(agent, chromedp.Navigate(base+ticket)); err != nil {
		t.Fatal(err)
	}
	resp, err = chromedp.RunResponse(agent, chromedp.SetValue(chromedp.ID("public-incident-id"), pid),
		chromedp.Click(chromedp.CSS(`form[action="`+ticket+`/public-incident"] button[type=submit]`)))
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("link the ticket: %v %v", resp, err)
	}
	if got := text(t, agent, "#public-incident-link"); !strings.Contains(got, "Storing e-mail") {
		t.Fatalf("the ticket's link reads %q", got)
	}
	sent = m.deliver()
	expect("linked", sent, visitor)
	expect("linked", sent, reporter)

	// The agent posts an update.
	if _, err := chromedp.RunResponse(agent, chromedp.Navigate(base+detail)); err != nil {
		t.Fatal(err)
	}
	resp, err = chromedp.RunResponse(agent,
		chromedp.SetValue(chromedp.ID("update-status"), "identified"),
		chromedp.SendKeys(chromedp.ID("update-body-nl"), "De oorzaak is gevonden: een volle schijf."),
		chromedp.SendKeys(chromedp.ID("update-body-en"), "We found the cause: a full disk."),
		chromedp.Click(chromedp.CSS(`form[action$="/updates"] button[type=submit]`)),
	)
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("post the update: %v %v", resp, err)
	}
	sent = m.deliver()
	if msg := expect("updated", sent, visitor, desk.NotifySubscriberNotice); !strings.Contains(msg.Text, "We found the cause: a full disk.") {
		t.Errorf("the visitor's update:\n%s", msg.Text)
	}
	// The reporter hears of it once, on the ticket, and not again as a subscriber.
	if msg := expect("updated", sent, reporter, desk.NotifyUpdate); !strings.Contains(msg.Text, "De oorzaak is gevonden: een volle schijf.") ||
		msg.Header.Get("X-Meldpunt-Incident") != inc.Number {
		t.Errorf("the reporter's update (%s):\n%s", msg.Header.Get("X-Meldpunt-Incident"), msg.Text)
	}
	waitLive("the update", `document.getElementById('main').innerText.includes('We found the cause: a full disk.')`)
	if got := text(t, live, "main"); !strings.Contains(got, "Current incidents") {
		t.Fatalf("the open page has no current incidents:\n%s", got)
	}

	// The client sees the update on the ticket's timeline.
	client := newBrowser(t)
	browserSignIn(t, client, base, "nl", m.acmeUser)
	if _, err := chromedp.RunResponse(client, chromedp.Navigate(base+ticket)); err != nil {
		t.Fatal(err)
	}
	if got := text(t, client, "#timeline"); !strings.Contains(got, "De oorzaak is gevonden: een volle schijf.") {
		t.Errorf("the client's timeline lacks the update:\n%s", got)
	}
	checkA11y(t, client, "outage-ticket-client-nl")

	// The agent resolves it; the ticket is resolved with the final message as its solution.
	if _, err := chromedp.RunResponse(agent, chromedp.Navigate(base+detail)); err != nil {
		t.Fatal(err)
	}
	const final = "Opgelost: de schijf is vervangen."
	resp, err = chromedp.RunResponse(agent,
		chromedp.SendKeys(chromedp.ID("resolve-body-nl"), final),
		chromedp.SendKeys(chromedp.ID("resolve-body-en"), "Resolved: the disk was replaced."),
		chromedp.Click(chromedp.CSS(`form[action$="/resolve"] button[type=submit]`)),
	)
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("resolve: %v %v", resp, err)
	}
	sent = m.deliver()
	if msg := expect("resolved", sent, visitor, desk.NotifySubscriberNotice); !strings.Contains(msg.Text, "Resolved: the disk was replaced.") {
		t.Errorf("the visitor's last notice:\n%s", msg.Text)
	}
	if msg := expect("resolved", sent, reporter, desk.NotifySolution); !strings.Contains(msg.Text, final) {
		t.Errorf("the reporter's solution:\n%s", msg.Text)
	}
	got, err := m.app.Incidents.Get(bg, actor(m.agent), inc.ID)
	if err != nil || got.State != desk.StateResolved || got.Solution != final {
		t.Fatalf("the ticket is %s with solution %q (%v)", got.State, got.Solution, err)
	}
	if _, err := chromedp.RunResponse(client, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	if got := text(t, client, "#solution"); !strings.Contains(got, final) {
		t.Errorf("the client's ticket shows the solution %q", got)
	}
	waitLive("the resolution", `document.getElementById('status-banner').getAttribute('data-indicator') === 'none' &&
		!document.getElementById('main').innerText.includes('Current incidents')`)
	if got := text(t, live, "main"); !strings.Contains(got, "Email outage Resolved") {
		t.Errorf("the open page does not list the incident as resolved:\n%s", got)
	}
	checkA11y(t, live, "outage-live-resolved-en")
	if main := fresh("/status/incidents/"+pid+"?lang=en", "outage-incident-resolved-en"); !strings.Contains(main, "Resolved: the disk was replaced.") {
		t.Errorf("the incident's page after resolving:\n%s", main)
	}
}

// kindsTo lists the kinds (X-Meldpunt-Kind) of the messages of msgs to addr, in order.
func kindsTo(msgs []mailtest.Received, addr string) []string {
	out := []string{}
	for _, r := range msgs {
		if strings.Contains(r.Header.Get("To"), addr) {
			out = append(out, r.Header.Get("X-Meldpunt-Kind"))
		}
	}
	return out
}
