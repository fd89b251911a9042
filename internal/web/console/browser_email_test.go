package console_test

import (
	"context"
	"fmt"
	"net"
	"net/smtp"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/inbound"
	"meldpunt/internal/notify/email"
	"meldpunt/internal/notify/email/mailtest"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// mailLoop is a Meldpunt whose mail goes out through a real SMTP server (mailtest) and
// comes in through its own SMTP listener.
type mailLoop struct {
	*env
	t     *testing.T
	clk   *testClock
	smtpd *mailtest.Server
	in    string // the listener's address
	seen  int    // messages of smtpd already taken
}

func newMailLoop(t *testing.T) *mailLoop {
	t.Helper()
	return newMailLoopOn(t, storetest.Open(t, "sqlite"))
}

// newMailLoopOn is newMailLoop on db.
func newMailLoopOn(t *testing.T, db *store.DB) *mailLoop {
	t.Helper()
	smtpd := mailtest.Start(t)
	sender, err := email.NewSMTP(email.SMTPConfig{Host: smtpd.Host(), Port: smtpd.Port(), TLS: email.TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	clk := &testClock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)} // a Monday morning
	e := newClockEnvMail(t, db, clk, app.OutboxConfig{Mailer: email.NewMailer(sender, email.NewRenderer(loadTexts(t))), From: app.Address{Name: "Servicedesk", Email: "desk@meldpunt.test"}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := inbound.New(e.app.Inbox, inbound.Config{Domain: "meldpunt.test"}, nil)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return &mailLoop{env: e, t: t, clk: clk, smtpd: smtpd, in: ln.Addr().String()}
}

// deliver runs the delivery job and returns the messages it sent.
func (m *mailLoop) deliver() []mailtest.Received {
	m.t.Helper()
	n, err := m.app.Outbox.RunDelivery(context.Background())
	if err != nil {
		m.t.Fatalf("deliver: %v", err)
	}
	got := m.smtpd.Wait(m.t, m.seen+n)[m.seen:]
	m.seen += n
	return got
}

// only returns the one message of the kind to the address among msgs.
func only(t *testing.T, msgs []mailtest.Received, kind, to string) mailtest.Received {
	t.Helper()
	var found []mailtest.Received
	for _, r := range msgs {
		if r.Header.Get("X-Meldpunt-Kind") == kind && strings.Contains(r.Header.Get("To"), to) {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		var have []string
		for _, r := range msgs {
			have = append(have, r.Header.Get("X-Meldpunt-Kind")+"→"+r.Header.Get("To"))
		}
		t.Fatalf("%d %s messages to %s; sent: %v", len(found), kind, to, have)
	}
	return found[0]
}

// send speaks SMTP to Meldpunt's listener.
func (m *mailLoop) send(from, to string, headers map[string]string, body string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\n", from, to)
	for k, v := range headers {
		fmt.Fprintf(&b, "%s: %s\r\n", k, v)
	}
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\n\r\n")
	b.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))
	return smtp.SendMail(m.in, nil, from, []string{to}, []byte(b.String()))
}

var confirmLink = regexp.MustCompile(`https?://\S+/solution/[A-Za-z0-9.]+\?lang=[a-z]+`)

// TestBrowserEmailLoop follows one incident from a report by email to the client's
// confirmation through the link in the solution's email, in Chromium without signing in,
// and a second one to its automatic close a day after its solution. Every message goes
// through a real SMTP server and threads on the incident.
func TestBrowserEmailLoop(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	m := newMailLoop(t)
	bg, agent := context.Background(), queueActor(m.agent)
	if got, want := m.app.Outbox.Transport(), "SMTP "+m.smtpd.Addr(); !strings.HasPrefix(got, want) { // as the Outbox page says
		t.Fatalf("mail transport %q, want %q…", got, want)
	}

	// The client reports by email; Meldpunt confirms, and the desk hears of it.
	err := m.send(m.acmeUser.Email, "desk@meldpunt.test", map[string]string{
		"Subject": "Kassa's starten niet op", "Message-ID": "<r1@acme.test>",
	}, "Sinds vanochtend starten de kassa's in de winkel niet meer.\n\n-- \nAnna Acme")
	if err != nil {
		t.Fatalf("report by email: %v", err)
	}
	sent := m.deliver()
	received := only(t, sent, desk.NotifyReportReceived, m.acmeUser.Email)
	only(t, sent, desk.NotifyNewReport, m.agent.Email)
	number := received.Header.Get("X-Meldpunt-Incident")
	thread := received.Header.Get("References")
	if !strings.HasPrefix(received.Subject, "["+number+"]") || thread != "<"+number+"@meldpunt.test>" ||
		received.Header.Get("In-Reply-To") != thread {
		t.Fatalf("report received: subject %q, references %q, in-reply-to %q", received.Subject, thread, received.Header.Get("In-Reply-To"))
	}
	if !strings.Contains(received.Text, "Beste Anna Acme") { // the client reads Dutch
		t.Errorf("report received is not in Dutch:\n%s", received.Text)
	}
	list, err := m.app.Incidents.List(bg, agent, desk.IncidentFilter{})
	if err != nil || len(list.Items) != 1 || list.Items[0].Number != number || list.Items[0].Channel != desk.ChannelEmail {
		t.Fatalf("incidents after the email: %+v (%v)", list.Items, err)
	}
	inc := list.Items[0]

	// The desk asks something; the client answers by replying to that email, quoting it.
	if _, err := m.app.Incidents.Transition(bg, agent, inc.ID, desk.Transition{To: desk.StateTriaged}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.app.Incidents.Transition(bg, agent, inc.ID, desk.Transition{To: desk.StateInProgress}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.app.Incidents.AddEntry(bg, agent, inc.ID, app.EntryInput{Body: "Welke foutmelding ziet u op het scherm?"}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.app.Incidents.Transition(bg, agent, inc.ID, desk.Transition{To: desk.StateWaiting, WaitingOn: desk.WaitingOnClient}); err != nil {
		t.Fatal(err)
	}
	sent = m.deliver()
	waiting := only(t, sent, desk.NotifyWaiting, m.acmeUser.Email)
	asked := false // the question itself, besides the two state changes
	for _, r := range sent {
		asked = asked || r.Header.Get("X-Meldpunt-Kind") == desk.NotifyUpdate && strings.Contains(r.Text, "Welke foutmelding ziet u op het scherm?")
	}
	if len(sent) != 4 || !asked {
		t.Fatalf("%d messages after triage, question and waiting; the question among them: %v", len(sent), asked)
	}
	replyTo, err := waiting.Header.AddressList("Reply-To")
	if err != nil || len(replyTo) != 1 || !strings.HasPrefix(replyTo[0].Address, "desk+") {
		t.Fatalf("Reply-To %q (%v)", waiting.Header.Get("Reply-To"), err)
	}
	err = m.send(m.acmeUser.Email, replyTo[0].Address, map[string]string{
		"Subject": "Re: " + waiting.Subject, "Message-ID": "<r2@acme.test>", "In-Reply-To": waiting.Header.Get("Message-ID"),
	}, "Er staat: printer niet gevonden.\n\nOp 23 nov. 2026 om 10:00 schreef Servicedesk <desk@meldpunt.test>:\n> Welke foutmelding ziet u?")
	if err != nil {
		t.Fatalf("reply by email: %v", err)
	}
	tl, err := m.app.Incidents.Timeline(bg, agent, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := tl[len(tl)-1]
	if last.Body != "Er staat: printer niet gevonden." || last.AuthorID == nil || *last.AuthorID != m.acmeUser.ID {
		t.Fatalf("the emailed reply is on the timeline as %+v", last)
	}
	only(t, m.deliver(), desk.NotifyClientReply, m.agent.Email)

	// The desk solves it; the client confirms through the email's link, without signing in.
	if _, err := m.app.Incidents.Transition(bg, agent, inc.ID, desk.Transition{To: desk.StateInProgress}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.app.Incidents.Transition(bg, agent, inc.ID, desk.Transition{To: desk.StateResolved,
		Solution: "Printerstuurprogramma opnieuw geïnstalleerd.", SolutionKind: desk.SolutionStructural}); err != nil {
		t.Fatal(err)
	}
	solution := only(t, m.deliver(), desk.NotifySolution, m.acmeUser.Email)
	if solution.Header.Get("References") != thread || !strings.Contains(solution.Text, "Printerstuurprogramma opnieuw geïnstalleerd.") {
		t.Fatalf("solution message: references %q\n%s", solution.Header.Get("References"), solution.Text)
	}
	links := confirmLink.FindAllString(solution.Text, -1)
	if len(links) != 2 || !strings.HasPrefix(links[0], m.srv.URL+"/solution/") {
		t.Fatalf("links in the solution message: %q", links)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(links[0])); err != nil {
		t.Fatalf("open the Confirm link: %v", err)
	}
	if h := text(t, ctx, "#solution"); !strings.Contains(h, "Printerstuurprogramma opnieuw geïnstalleerd.") {
		t.Fatalf("the link's page shows %q", h)
	}
	if lang, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`)); err != nil || lang != "nl" {
		t.Errorf("the link's page is in %q, not in the client's Dutch (%v)", lang, err)
	}
	checkA11y(t, ctx, "solution-link")
	click(t, ctx, "#confirm-form button[type=submit]")
	outcome := text(t, ctx, "#link-outcome")
	if !strings.Contains(outcome, number) {
		t.Errorf("the outcome %q does not name %s", outcome, number)
	}
	screenshot(t, ctx, "email-confirm")
	checkA11y(t, ctx, "email-confirm")
	if got := m.state(inc.ID); got.State != desk.StateClosed {
		t.Fatalf("after confirming the incident is %s (page said %q)", got.State, outcome)
	}
	closed := only(t, m.deliver(), desk.NotifyClosed, m.acmeUser.Email)
	if closed.Header.Get("References") != thread {
		t.Errorf("closed message references %q, want %q", closed.Header.Get("References"), thread)
	}
	// The link worked once: opening it again says it was handled.
	if err := chromedp.Do(ctx, chromedp.Navigate(links[0])); err != nil {
		t.Fatalf("open the used link: %v", err)
	}
	if done := text(t, ctx, "#link-done"); done == "" {
		t.Error("the used link's page does not say it was handled")
	}
	checkA11y(t, ctx, "solution-link-done")

	// A second incident: solved, no reaction, closed automatically exactly a day later.
	inc2, err := m.app.Incidents.Create(bg, agent, app.IncidentInput{OrgID: m.acme.ID, ReporterID: &m.acmeUser.ID,
		Kind: desk.KindRegular, Title: "Pinautomaat traag", Description: "Betalingen duren minuten.", Urgency: desk.Normal, Impact: desk.Normal})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.app.Incidents.Transition(bg, agent, inc2.ID, desk.Transition{To: desk.StateTriaged}); err != nil {
		t.Fatal(err)
	}
	resolved, err := m.app.Incidents.Transition(bg, agent, inc2.ID, desk.Transition{To: desk.StateResolved,
		Solution: "Netwerkkabel vervangen.", SolutionKind: desk.SolutionTemporary})
	if err != nil {
		t.Fatal(err)
	}
	only(t, m.deliver(), desk.NotifySolution, m.acmeUser.Email)
	m.clk.set(resolved.ResolvedAt.Add(24*time.Hour - time.Millisecond))
	if n, err := m.app.Incidents.RunAutoClose(bg); err != nil || n != 0 {
		t.Fatalf("a millisecond early, auto-close closed %d (%v)", n, err)
	}
	m.clk.set(resolved.ResolvedAt.Add(24 * time.Hour))
	if n, err := m.app.Incidents.RunAutoClose(bg); err != nil || n != 1 {
		t.Fatalf("on time, auto-close closed %d (%v)", n, err)
	}
	auto := only(t, m.deliver(), desk.NotifyAutoClosed, m.acmeUser.Email)
	if auto.Header.Get("References") != "<"+inc2.Number+"@meldpunt.test>" || !strings.Contains(auto.Text, "24") {
		t.Errorf("auto-closed message: references %q\n%s", auto.Header.Get("References"), auto.Text)
	}
	if got := m.state(inc2.ID); got.State != desk.StateClosed {
		t.Fatalf("the second incident is %s", got.State)
	}
}
