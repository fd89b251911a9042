package console_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/notify/email"
	"meldpunt/internal/store/storetest"
)

// outboxHostileMailer is the real email channel whose HTML, only when the outbox page
// shows it, carries a script and a picture from elsewhere, both calling a beacon: what a
// hostile message could hold. The frame must run and load neither.
type outboxHostileMailer struct {
	*email.Mailer
	beacon string
}

// Preview is the real preview with the hostile parts put into the HTML's body.
func (m outboxHostileMailer) Preview(e app.Email) (app.MailPreview, error) {
	p, err := m.Mailer.Preview(e)
	if err != nil {
		return p, err
	}
	evil := `<script>fetch("` + m.beacon + `?script");new Image().src="` + m.beacon + `?image";parent.document.body.dataset.pwned="1"</script>` +
		`<img src="` + m.beacon + `?img" alt="">`
	p.HTML = strings.Replace(p.HTML, "<body", evil+"<body", 1)
	if !strings.Contains(p.HTML, evil) {
		p.HTML += evil
	}
	return p, nil
}

// TestBrowserOutbox: in Chromium, the admin opens the outbox, sees each message's subject
// and opens one: its headers, text and HTML, where the HTML's script does not run and
// nothing from elsewhere loads. The list and the message fit 390, 1280 and 1920 px and pass
// axe-core, in Dutch and English.
func TestBrowserOutbox(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	var hits atomic.Int64
	beacon := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(beacon.Close)
	db := storetest.Open(t, "sqlite")
	mailer := outboxHostileMailer{Mailer: email.NewMailer(email.NewDir(t.TempDir()), email.NewRenderer(loadTexts(t))), beacon: beacon.URL + "/beacon"}
	e := newEnvOutbox(t, db, app.OutboxConfig{Mailer: mailer, Poster: hookPoster(t, true),
		From: app.Address{Name: "Servicedesk", Email: "desk@meldpunt.test"}})
	id := queue(t, db, 1, e.acmeUser.ID, &e.acmeInc.ID, desk.NotifyUpdate)[0]
	now := time.Now()
	settle(t, db, id, desk.Delivery{State: desk.DeliveryPending, Attempts: 1, NextAttemptAt: now.Add(-time.Second), LastError: "421 4.7.0 try again later",
		Attempt: &desk.Attempt{At: now, Duration: 2100 * time.Millisecond, Error: "421 4.7.0 try again later", Location: "smtp://mail.example.net:587"}})
	settle(t, db, id, desk.Delivery{State: desk.DeliverySent, Attempts: 2, SentAt: &now, Location: "smtp://mail.example.net:587",
		Attempt: &desk.Attempt{At: now, Duration: 310 * time.Millisecond, Location: "smtp://mail.example.net:587"}})
	failed := queue(t, db, 1, e.agent.ID, &e.acmeInc.ID, desk.NotifyAssigned)[0]
	settle(t, db, failed, desk.Delivery{State: desk.DeliveryFailed, Attempts: 8,
		LastError: "550 5.1.1 <agent@provider.test>: Recipient address rejected: User unknown in virtual mailbox table; a long error that must wrap",
		Attempt:   &desk.Attempt{At: now, Duration: 90 * time.Millisecond, Error: "550 5.1.1 rejected"}})
	hook, _ := outboxHook(t, e, db)
	settle(t, db, hook, desk.Delivery{State: desk.DeliveryFailed, Attempts: 1, LastError: "410 Gone",
		Attempt: &desk.Attempt{At: now, Duration: 45 * time.Millisecond, StatusCode: 410, Error: "410 Gone"}})
	base := e.srv.URL

	browserSignIn(t, ctx, base, "nl", e.admin)
	for _, lang := range []string{"nl", "en"} {
		if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/incidents?lang="+lang)); err != nil {
			t.Fatal(err)
		}
		click(t, ctx, `nav.main a[href="/admin/outbox"]`)
		subject := text(t, ctx, `#notification-`+strconv.FormatInt(id, 10)+` .outbox-subject a`)
		if !strings.HasPrefix(subject, "["+e.acmeInc.Number+"]") {
			t.Errorf("%s: the list's subject reads %q", lang, subject)
		}
		checkA11y(t, ctx, "outbox-"+lang)
		noSideways(t, ctx, "outbox-"+lang)
		for _, w := range []int64{390, 1280, 1920} {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900)); err != nil {
				t.Fatal(err)
			}
			screenshot(t, ctx, "outbox-"+lang+"-"+strconv.FormatInt(w, 10))
		}

		// Open the message by its subject.
		click(t, ctx, `#notification-`+strconv.FormatInt(id, 10)+` .outbox-subject a`)
		if h1 := text(t, ctx, "h1"); h1 != subject {
			t.Errorf("%s: the message's heading %q, the list said %q", lang, h1, subject)
		}
		if s := text(t, ctx, ".outbox-headers"); !strings.Contains(s, "Message-ID") || !strings.Contains(s, "X-Meldpunt-Kind") {
			t.Errorf("%s: headers %q", lang, s)
		}
		if s := text(t, ctx, "#text-body"); !strings.Contains(s, "Anna Acme") {
			t.Errorf("%s: plain text %q", lang, s)
		}
		// The frame has loaded (the parent's timeline has its document) and is sealed:
		// sandboxed without any allowance, its document out of this page's reach.
		waitFor(t, ctx, `performance.getEntriesByType('resource').some(e => e.name.endsWith('/admin/outbox/`+strconv.FormatInt(id, 10)+`/html') && e.responseEnd > 0)`)
		sealed, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const f = document.getElementById('html-body');
			return f.hasAttribute('sandbox') && f.sandbox.length === 0 && f.contentDocument === null && !document.body.dataset.pwned })()`))
		if err != nil || !sealed {
			t.Errorf("%s: the frame is not sealed (%v)", lang, err)
		}
		checkA11y(t, ctx, "outbox-message-"+lang)
		noSideways(t, ctx, "outbox-message-"+lang)
		for _, w := range []int64{390, 1280, 1920} {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900)); err != nil {
				t.Fatal(err)
			}
			screenshot(t, ctx, "outbox-message-"+lang+"-"+strconv.FormatInt(w, 10))
		}

		// A webhook's page: its event and the status code it got.
		if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/admin/outbox/"+strconv.FormatInt(hook, 10))); err != nil {
			t.Fatal(err)
		}
		if s := text(t, ctx, "#payload"); !strings.Contains(s, `"incident.created"`) {
			t.Errorf("%s: payload %q", lang, s)
		}
		if s := text(t, ctx, ".outbox-attempts"); !strings.Contains(s, "410") {
			t.Errorf("%s: attempts %q", lang, s)
		}
		checkA11y(t, ctx, "outbox-webhook-"+lang)
		noSideways(t, ctx, "outbox-webhook-"+lang)
		screenshot(t, ctx, "outbox-webhook-"+lang)
	}
	// A script that ran, or a picture that loaded, would have called the beacon by now:
	// the frames were loaded and every other page came after them.
	if n := hits.Load(); n != 0 {
		t.Errorf("the message's HTML reached the beacon %d times", n)
	}
}
