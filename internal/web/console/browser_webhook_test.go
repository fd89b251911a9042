package console_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store/storetest"
)

// TestBrowserWebhook: in Chromium, the admin registers an endpoint on a receiver on
// loopback (first forgetting the events, which the form names), copies the secret the
// answer shows, sends a test message, and after the outbox's delivery sees it on the
// endpoint's page with status 200; the receiver got it signed with that secret.
func TestBrowserWebhook(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	db := storetest.Open(t, "sqlite")
	var mu sync.Mutex
	var got []*http.Request
	var bodies [][]byte
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got, bodies = append(got, r), append(bodies, b)
		mu.Unlock()
	}))
	t.Cleanup(rcv.Close)
	e := newEnvOutbox(t, db, app.OutboxConfig{Poster: hookPoster(t, true)})
	base := e.srv.URL
	browserSignIn(t, ctx, base, "en", e.admin)

	// From the menu to the list.
	click(t, ctx, `nav.main a[href="/admin/webhooks"]`)
	if h1 := text(t, ctx, "h1"); h1 != "Webhooks" {
		t.Fatalf("heading %q", h1)
	}
	checkA11y(t, ctx, "webhooks-en")

	// Without events the form comes back, naming them, with the URL kept.
	resp, err := chromedp.RunResponse(ctx,
		chromedp.SendKeys(chromedp.ID("webhook-new-url"), rcv.URL+"/meldpunt"),
		chromedp.SendKeys(chromedp.ID("webhook-new-description"), "Monitoring"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/webhooks"] button[type=submit]`)),
	)
	if err != nil || resp.Status != http.StatusUnprocessableEntity {
		t.Fatalf("submit without events: %v %v", resp, err)
	}
	if s := text(t, ctx, "#error-summary"); !strings.Contains(s, "Events:") {
		t.Errorf("the summary reads %q", s)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("webhook-new-url"))); v != rcv.URL+"/meldpunt" {
		t.Errorf("the URL field kept %q", v)
	}
	checkA11y(t, ctx, "webhooks-error-en")

	// Registered: the answer shows the secret.
	resp, err = chromedp.RunResponse(ctx,
		chromedp.Click(chromedp.ID("webhook-new-event-incident-created")),
		chromedp.Click(chromedp.ID("webhook-new-event-incident-resolved")),
		chromedp.Click(chromedp.CSS(`form[action="/admin/webhooks"] button[type=submit]`)),
	)
	if err != nil || resp.Status != http.StatusCreated {
		t.Fatalf("register: %v %v", resp, err)
	}
	secret, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("webhook-secret")))
	if err != nil || !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("the secret field holds %q (%v)", secret, err)
	}
	if notice := text(t, ctx, `main [role="status"]`); notice != "Webhook Monitoring is added." {
		t.Errorf("notice %q", notice)
	}
	screenshot(t, ctx, "webhook-created-en")
	checkA11y(t, ctx, "webhook-created-en")

	// A test message; the delivery job sends it; the page shows it went through.
	click(t, ctx, `form[action$="/test"] button[type=submit]`)
	if notice := text(t, ctx, `main [role="status"]`); !strings.HasPrefix(notice, "A test message is queued") {
		t.Errorf("after the test: %q", notice)
	}
	if again, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('webhook-secret') !== null || document.body.innerText.includes('whsec_')`)); err != nil || again {
		t.Errorf("the secret is on the page again (%v)", err)
	}
	if n, err := e.app.Outbox.RunDelivery(context.Background()); err != nil || n != 1 {
		t.Fatalf("RunDelivery sent %d (%v)", n, err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	row := text(t, ctx, "#deliveries tbody tr")
	if status := text(t, ctx, "#deliveries tbody tr td.status"); status != "200" {
		t.Errorf("the delivery's HTTP status reads %q; the row: %q", status, row)
	}
	if !strings.Contains(row, "Test message") || !strings.Contains(row, "sent") {
		t.Errorf("the delivery row reads %q", row)
	}
	screenshot(t, ctx, "webhook-delivered-en")
	checkA11y(t, ctx, "webhook-delivered-en")

	mu.Lock()
	reqs, bs := got, bodies
	mu.Unlock()
	if len(reqs) != 1 || reqs[0].URL.Path != "/meldpunt" {
		t.Fatalf("the receiver got %d requests", len(reqs))
	}
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := wh.Verify(bs[0], reqs[0].Header); err != nil {
		t.Errorf("the message does not verify with the secret the page showed: %v", err)
	}
	if !strings.Contains(string(bs[0]), `"type":"`+desk.EventWebhookTest+`"`) {
		t.Errorf("the receiver got %s", bs[0])
	}

	// The list shows its last delivery; the outbox lists it under webhooks, linking back.
	click(t, ctx, `a[href="/admin/webhooks"]`)
	if row := text(t, ctx, "tbody tr"); !strings.Contains(row, "Monitoring") || !strings.Contains(row, "sent") || !strings.Contains(row, "HTTP 200") {
		t.Errorf("the list's row reads %q", row)
	}
	screenshot(t, ctx, "webhooks-list-en")
	checkA11y(t, ctx, "webhooks-list-en")
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/admin/outbox?via=webhook")); err != nil {
		t.Fatal(err)
	}
	if row := text(t, ctx, "tbody tr"); !strings.Contains(row, "Monitoring") || !strings.Contains(row, "webhook") || !strings.Contains(row, "Test message") {
		t.Errorf("the outbox row reads %q", row)
	}
	screenshot(t, ctx, "outbox-webhooks-en")
	checkA11y(t, ctx, "outbox-webhooks-en")
	click(t, ctx, `tbody tr a[href^="/admin/webhooks/"]`)
	if h1 := text(t, ctx, "h1"); h1 != "Webhook Monitoring" {
		t.Errorf("the outbox's link leads to %q", h1)
	}
}
