package console_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"meldpunt/internal/desk"
)

var (
	subscriberConfirmLink = regexp.MustCompile(`https?://\S+/status/confirm\?token=[a-z0-9.]+&lang=[a-z]+`)
	subscriberManageLink  = regexp.MustCompile(`https?://\S+/status/manage\?token=[a-z0-9.]+&lang=[a-z]+`)
)

// TestBrowserSubscribe: a visitor subscribes to one public component from the status page
// in Chromium, in English; nothing but the confirmation reaches them, through a real SMTP
// server, before they confirm through its link (a page with a button). A notice queued
// afterwards arrives once, in English, with List-Unsubscribe and List-Unsubscribe-Post;
// a notice about another component does not. The manage link's page changes the choice,
// and the RFC 8058 one-click POST to the List-Unsubscribe URL ends the subscription. Every
// page is held to axe-core's WCAG 2.2 A/AA rules.
func TestBrowserSubscribe(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	m := newMailLoop(t)
	bg, sys := context.Background(), desk.SystemActor("test")
	mail, err := m.app.Components.Create(bg, sys, desk.Component{Name: "E-mail", Visibility: desk.VisibilityPublic})
	if err != nil {
		t.Fatal(err)
	}
	web, err := m.app.Components.Create(bg, sys, desk.Component{Name: "Hosting", Visibility: desk.VisibilityPublic})
	if err != nil {
		t.Fatal(err)
	}
	const addr = "visitor@example.test"
	notice := func(name string, comps ...int64) desk.StatusNotice {
		return desk.StatusNotice{Kind: desk.NoticeIncidentCreated, PublicIncidentID: 1, UpdateID: 1,
			Name: desk.Texts{NL: name + " (nl)", EN: name}, Body: desk.Texts{NL: "We zoeken het uit.", EN: "We are looking into it."},
			Status: "investigating", Impact: "major", ComponentIDs: comps, At: m.clk.now()}
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(m.srv.URL+"/status?lang=en")); err != nil {
		t.Fatal(err)
	}
	click(t, ctx, "#subscribe-link a")
	checkA11y(t, ctx, "subscribe-form-en")
	// An address that is no address: the message next to the field, the input kept.
	resp, err := chromedp.RunResponse(ctx, chromedp.SetValue(chromedp.ID("email"), "not-an-address"),
		chromedp.Click(chromedp.CSS(`form[action="/status/subscribe"] button[type=submit]`)))
	if err != nil || resp.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad address: %v, %v", resp, err)
	}
	if got := text(t, ctx, "#email-error"); got == "" {
		t.Error("no message next to the email field")
	}
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("email"))); v != "not-an-address" {
		t.Errorf("the input was not kept: %q", v)
	}
	checkA11y(t, ctx, "subscribe-form-error")
	resp, err = chromedp.RunResponse(ctx, chromedp.SetValue(chromedp.ID("email"), addr),
		chromedp.Click(chromedp.ID("locale-en")), chromedp.Click(chromedp.ID("scope-chosen")),
		chromedp.Click(chromedp.ID("component-"+strconv.FormatInt(mail.ID, 10))),
		chromedp.Click(chromedp.CSS(`form[action="/status/subscribe"] button[type=submit]`)))
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("subscribe: %v, %v", resp, err)
	}
	if got := text(t, ctx, "#subscribe-outcome"); !strings.Contains(got, addr) {
		t.Errorf("the answer %q does not name the address", got)
	}
	checkA11y(t, ctx, "subscribe-sent")

	// Before confirming, a notice reaches nobody: only the confirmation goes out.
	if n, err := m.app.Subscriptions.QueueNotice(bg, notice("Mail is down", mail.ID)); err != nil || n != 0 {
		t.Fatalf("a notice before confirming queued %d (%v)", n, err)
	}
	sent := m.deliver()
	if len(sent) != 1 {
		t.Fatalf("%d messages before confirming, want only the confirmation", len(sent))
	}
	confirmation := only(t, sent, desk.NotifySubscriberConfirm, addr)
	link := subscriberConfirmLink.FindString(confirmation.Text)
	if link == "" || !strings.HasPrefix(link, m.srv.URL+"/status/confirm?") || !strings.Contains(confirmation.Text, "48") {
		t.Fatalf("confirmation message without its link:\n%s", confirmation.Text)
	}

	// Opening the link changes nothing (mail scanners open links); the button confirms.
	if err := chromedp.Do(ctx, chromedp.Navigate(link)); err != nil {
		t.Fatal(err)
	}
	checkA11y(t, ctx, "subscribe-confirm")
	if n, _ := m.app.Subscriptions.QueueNotice(bg, notice("Still unconfirmed", mail.ID)); n != 0 {
		t.Fatalf("opening the link confirmed: %d queued", n)
	}
	click(t, ctx, "#confirm-form button[type=submit]")
	if got := text(t, ctx, "#subscribe-outcome"); !strings.Contains(got, addr) {
		t.Errorf("confirmed page says %q", got)
	}
	checkA11y(t, ctx, "subscribe-confirmed")

	// A notice about the chosen component arrives once, in English, with the headers; one
	// about another component does not.
	if n, err := m.app.Subscriptions.QueueNotice(bg, notice("Mail is down", mail.ID)); err != nil || n != 1 {
		t.Fatalf("notice queued %d (%v)", n, err)
	}
	if n, err := m.app.Subscriptions.QueueNotice(bg, notice("Hosting is slow", web.ID)); err != nil || n != 0 {
		t.Fatalf("notice of another component queued %d (%v)", n, err)
	}
	sent = m.deliver()
	if len(sent) != 1 {
		t.Fatalf("%d messages after the notice, want 1", len(sent))
	}
	msg := only(t, sent, desk.NotifySubscriberNotice, addr)
	if !strings.HasSuffix(msg.Subject, ": Mail is down") || !strings.Contains(msg.Text, "We are looking into it.") {
		t.Errorf("notice: subject %q\n%s", msg.Subject, msg.Text)
	}
	lu := msg.Header.Get("List-Unsubscribe")
	if msg.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" ||
		!strings.HasPrefix(lu, "<"+m.srv.URL+"/status/unsubscribe?token=") || !strings.HasSuffix(lu, ">") {
		t.Fatalf("List-Unsubscribe %q, List-Unsubscribe-Post %q", lu, msg.Header.Get("List-Unsubscribe-Post"))
	}
	unsubscribe := strings.Trim(lu, "<>")
	if !strings.Contains(msg.Text, unsubscribe) {
		t.Errorf("the body lacks the unsubscribe link %s", unsubscribe)
	}
	manage := subscriberManageLink.FindString(msg.Text)
	if manage == "" {
		t.Fatalf("the body lacks the manage link:\n%s", msg.Text)
	}

	// The manage page: follow everything, in Dutch.
	if err := chromedp.Do(ctx, chromedp.Navigate(manage)); err != nil {
		t.Fatal(err)
	}
	checkA11y(t, ctx, "subscribe-manage")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("locale-nl")), chromedp.Click(chromedp.ID("scope-all"))); err != nil {
		t.Fatal(err)
	}
	click(t, ctx, "#manage-form button[type=submit]")
	checkA11y(t, ctx, "subscribe-manage-saved")
	if n, _ := m.app.Subscriptions.QueueNotice(bg, notice("Hosting is slow", web.ID)); n != 1 {
		t.Fatalf("after following everything, a notice queued %d", n)
	}
	if dutch := only(t, m.deliver(), desk.NotifySubscriberNotice, addr); !strings.Contains(dutch.Text, "We zoeken het uit.") {
		t.Errorf("after choosing Dutch:\n%s", dutch.Text)
	}

	// One-click unsubscribe (RFC 8058), as a mail client sends it: no cookie, no CSRF token.
	res, err := http.PostForm(unsubscribe, url.Values{"List-Unsubscribe": {"One-Click"}})
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("one-click unsubscribe: %d", res.StatusCode)
	}
	if n, _ := m.app.Subscriptions.QueueNotice(bg, notice("After unsubscribing")); n != 0 {
		t.Fatalf("after unsubscribing, a notice queued %d", n)
	}
	// The unsubscribe page of the same link now says the link does not work.
	if err := chromedp.Do(ctx, chromedp.Navigate(unsubscribe)); err != nil {
		t.Fatal(err)
	}
	checkA11y(t, ctx, "subscribe-invalid")
}
