package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/notify/email"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// outboxMailEnv is newEnv whose outbox writes email into .eml files, as a new installation
// without a mail server does, and posts webhooks to loopback.
func outboxMailEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	return newEnvOutbox(t, db, app.OutboxConfig{
		Mailer: email.NewMailer(email.NewDir(t.TempDir()), email.NewRenderer(loadTexts(t))),
		Poster: hookPoster(t, true),
		From:   app.Address{Name: "Servicedesk", Email: "desk@meldpunt.test"},
	})
}

// outboxHook queues a webhook event to a new endpoint and returns the notification's id
// and the endpoint.
func outboxHook(t *testing.T, e *env, db *store.DB) (int64, desk.WebhookEndpoint) {
	t.Helper()
	ctx := context.Background()
	u, d, f, ev := "http://127.0.0.1:9/meldpunt", "Monitoring", desk.WebhookStandard, []string{"incident.created"}
	ep, err := e.app.Webhooks.Create(ctx, actor(e.admin), app.WebhookInput{URL: &u, Description: &d, Format: &f, Events: &ev})
	if err != nil {
		t.Fatal(err)
	}
	payload := fmt.Sprintf(`{"type":"incident.created","timestamp":"2026-12-02T09:14:03.512Z","data":{"incident":{"id":%d,"number":%q,"title":"Kassa's <starten> niet"}}}`,
		e.acmeInc.ID, e.acmeInc.Number)
	var id int64
	err = db.Write(ctx, func(tx app.Tx) error {
		n := desk.Notification{Kind: "incident.created", Via: desk.ViaWebhook, EndpointID: ep.ID, IncidentID: &e.acmeInc.ID,
			Payload: payload, CreatedAt: time.Now()}
		err := tx.Notify(ctx, &n)
		id = n.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id, ep.WebhookEndpoint
}

// TestOutboxMessagePage: the admin opens an email and sees its headers as built for
// sending, its plain text, its HTML in a sandboxed frame (served under a sandbox policy),
// and each attempt; a password-reset link shows without its key; a webhook shows its
// endpoint, payload and the status codes it got. Nobody else opens a message.
func TestOutboxMessagePage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := outboxMailEnv(t, db)
		ctx := context.Background()
		id := queue(t, db, 1, e.agent.ID, &e.acmeInc.ID, desk.NotifyAssigned)[0]
		settle(t, db, id, desk.Delivery{State: desk.DeliveryPending, Attempts: 1, NextAttemptAt: time.Now().Add(-time.Second),
			LastError: "421 try later", Attempt: &desk.Attempt{At: time.Now(), Duration: 1234 * time.Millisecond, Error: "421 try later", Location: "smtp://mail.test:25"}})
		now := time.Now()
		settle(t, db, id, desk.Delivery{State: desk.DeliverySent, Attempts: 2, SentAt: &now, Location: "smtp://mail.test:25",
			Attempt: &desk.Attempt{At: now, Duration: 56 * time.Millisecond, Location: "smtp://mail.test:25"}})
		sid := strconv.FormatInt(id, 10)

		admin := e.client()
		admin.signIn(e.admin)
		p := admin.get("/admin/outbox/" + sid + "?lang=en")
		subject := "[" + e.acmeInc.Number + "]"
		expect(t, p, http.StatusOK, "<h1 class=\"outbox-title\" dir=\"auto\">"+subject, // the subject is the heading
			"<dt>Subject</dt>", "<dt>From</dt>", "desk@meldpunt.test&gt;", "<dt>To</dt>", "agent@provider.test",
			"<dt>Message-ID</dt>", "&lt;"+e.acmeInc.Number+"."+sid+"@", "<dt>Reply-To</dt>", "<dt>X-Meldpunt-Kind</dt>", "assigned",
			"<dt>Auto-Submitted</dt>", "<dt>Content-Type</dt>", "multipart/alternative",
			`id="text-body"`, "Guus Agent", // the plain text greets the recipient
			`<iframe class="outbox-frame" id="html-body" sandbox="" src="/admin/outbox/`+sid+`/html"`,
			"421 try later", "1234 ms", "56 ms", "smtp://mail.test:25", "Delivery attempts")
		if strings.Count(p.body, `class="badge closed">delivered`)+strings.Count(p.body, `class="badge breached">failed`) != 2 {
			t.Errorf("two attempts expected, one failed and one delivered:\n%s", p.body)
		}
		if regexp.MustCompile(`<iframe[^>]*allow-`).MatchString(p.body) {
			t.Errorf("the frame allows something")
		}
		h := admin.get("/admin/outbox/" + sid + "/html")
		expect(t, h, http.StatusOK, "<html", "Guus Agent")
		csp := h.header.Get("Content-Security-Policy")
		for _, want := range []string{"sandbox", "default-src 'none'", "img-src data:", "frame-ancestors 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("the HTML's policy %q lacks %q", csp, want)
			}
		}
		if strings.Contains(csp, "script-src") || strings.Contains(csp, "allow-") {
			t.Errorf("the HTML's policy %q allows scripts", csp)
		}
		expect(t, admin.get("/admin/outbox/"+sid+"?lang=nl"), http.StatusOK, "Kopregels", "Platte tekst", "Bezorgpogingen", "bezorgd", "mislukt")

		// A password reset: the page shows where the link goes, not its key.
		if _, err := e.app.Identity.RequestPasswordReset(ctx, e.acmeUser.Email, "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
		resets, err := e.app.Outbox.List(ctx, actor(e.admin), desk.OutboxFilter{State: desk.DeliveryPending, Limit: 1})
		if err != nil || len(resets.Items) != 1 || resets.Items[0].Kind != desk.NotifyPasswordReset {
			t.Fatalf("the reset message: %+v %v", resets.Items, err)
		}
		var raw desk.Notification
		if err := db.Read(ctx, func(tx app.Tx) (err error) { raw, err = tx.Notification(ctx, resets.Items[0].ID); return err }); err != nil {
			t.Fatal(err)
		}
		token := regexp.MustCompile(`token=([^"&\\]+)`).FindStringSubmatch(raw.Payload)
		if token == nil {
			t.Fatalf("no token in %s", raw.Payload)
		}
		rid := strconv.FormatInt(raw.ID, 10)
		p = admin.get("/admin/outbox/" + rid)
		expect(t, p, http.StatusOK, "/password/reset?token=…", `id="withheld"`)
		h = admin.get("/admin/outbox/" + rid + "/html")
		expect(t, h, http.StatusOK, "/password/reset?token=%e2%80%a6") // "…" in an href
		for _, s := range []string{p.body, h.body, url.QueryEscape(p.body)} {
			if strings.Contains(s, token[1]) || strings.Contains(s, url.QueryEscape(token[1])) {
				t.Fatalf("the reset link's key is on the page")
			}
		}

		// A webhook: its endpoint, the event it posts, and the status codes it got.
		hid, ep := outboxHook(t, e, db)
		settle(t, db, hid, desk.Delivery{State: desk.DeliveryFailed, Attempts: 1, LastError: "410 Gone",
			Attempt: &desk.Attempt{At: time.Now(), Duration: 80 * time.Millisecond, StatusCode: 410, Error: "410 Gone"}})
		hs := strconv.FormatInt(hid, 10)
		p = admin.get("/admin/outbox/" + hs + "?lang=en")
		expect(t, p, http.StatusOK, `<a href="/admin/webhooks/`+strconv.FormatInt(ep.ID, 10)+`">Monitoring</a>`, "http://127.0.0.1:9",
			"msg_"+hs, `&#34;type&#34;: &#34;incident.created&#34;`, "Kassa&#39;s \\u003cstarten\\u003e niet", "410 Gone",
			`<th scope="col" class="num">Status code</th>`, `class="num">410</td>`, `action="/admin/outbox/`+hs+`/retry"`)
		expectNot(t, p, "<iframe", "/meldpunt</")
		expect(t, admin.get("/admin/outbox/"+hs+"/html"), http.StatusNotFound)

		// No message by that id; nobody but admins.
		expect(t, admin.get("/admin/outbox/999999"), http.StatusNotFound)
		expect(t, admin.get("/admin/outbox/x"), http.StatusNotFound)
		for _, u := range []desk.User{e.acmeUser, e.acmeAdmin, e.agent, e.expert} {
			c := e.client()
			c.signIn(u)
			expect(t, c.get("/admin/outbox/"+sid), http.StatusForbidden)
			expect(t, c.get("/admin/outbox/"+sid+"/html"), http.StatusForbidden)
		}
		anon := e.client()
		if p := anon.get("/admin/outbox/" + sid); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/login") {
			t.Errorf("anonymous: %d %q", p.status, p.location)
		}
	})
}

// TestOutboxListSubjects: the list's main column is each message's subject, a link that
// opens it (an email's as sent, a webhook's event and incident); 25 messages to a page,
// with links to older and newer pages that meet.
func TestOutboxListSubjects(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := outboxMailEnv(t, db)
		mail := queue(t, db, 1, e.acmeUser.ID, &e.acmeInc.ID, desk.NotifyUpdate)[0]
		hook, _ := outboxHook(t, e, db)
		admin := e.client()
		admin.signIn(e.admin)
		p := admin.get("/admin/outbox?lang=en")
		expect(t, p, http.StatusOK, "<th scope=\"col\">Subject</th>",
			`<a href="/admin/outbox/`+strconv.FormatInt(mail, 10)+`" dir="auto">[`+e.acmeInc.Number+`]`,
			`<a href="/admin/outbox/`+strconv.FormatInt(hook, 10)+`" dir="auto">`, ": "+e.acmeInc.Number+" Kassa&#39;s &lt;starten&gt; niet</a>",
			"No mail server is set", "“sent” means the message was written as an .eml file into")
		expectNot(t, p, "nothing is sent", "<th scope=\"col\">Location</th>")

		// Paging: 25 a page, older and newer.
		ids := queue(t, db, 60, e.expert.ID, nil, desk.NotifyNewReport) // 62 in all
		row := func(id int64) string { return `id="notification-` + strconv.FormatInt(id, 10) + `"` }
		p = admin.get("/admin/outbox?lang=en")
		if n := strings.Count(p.body, `<tr id="notification-`); n != 25 {
			t.Fatalf("first page: %d rows", n)
		}
		expect(t, p, http.StatusOK, row(ids[59]), row(ids[35]), `rel="next"`)
		expectNot(t, p, row(ids[34]), `rel="prev"`)
		second := admin.get(hrefOf(t, p.body, `rel="next"`))
		expect(t, second, http.StatusOK, row(ids[34]), row(ids[10]), `rel="prev"`, `rel="next"`)
		third := admin.get(hrefOf(t, second.body, `rel="next"`))
		expect(t, third, http.StatusOK, row(ids[9]), row(ids[0]), `rel="prev"`)
		expectNot(t, third, row(ids[10]))
		back := admin.get(hrefOf(t, third.body, `rel="prev"`))
		expect(t, back, http.StatusOK, row(ids[34]), row(ids[10]))
		expectNot(t, back, row(ids[35]), row(ids[9]))
		top := admin.get(hrefOf(t, back.body, `rel="prev"`))
		expect(t, top, http.StatusOK, row(ids[59]), row(ids[35]))
		expectNot(t, top, `rel="prev"`)
	})
}
