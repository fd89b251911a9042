package console_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/notify/webhook"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// hookPoster is the real webhook channel; allowPrivate lets it reach loopback receivers.
func hookPoster(t *testing.T, allowPrivate bool) *webhook.Poster {
	t.Helper()
	texts := loadTexts(t)
	p := webhook.NewPoster(webhook.Options{AllowPrivate: allowPrivate, Timeout: 10 * time.Second,
		Texts: webhook.TextsFunc(func(l, key string, args ...any) string { return texts.T(desk.Locale(l), key, args...) })})
	t.Cleanup(p.Close)
	return p
}

var secretField = regexp.MustCompile(`id="webhook-secret" value="([^"]*)"`)

// shownSecret returns the secret a page shows, "" when it shows none.
func shownSecret(p page) string {
	m := secretField.FindStringSubmatch(p.body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// TestWebhookPages: the admin registers an endpoint through the form (a refused address
// and missing events are named next to their fields, with every value kept), sees its
// secret once on the page that answers, changes it without seeing its URL again, switches
// it off and on, tests, rotates and deletes it, each with its own check; the outbox lists
// its messages by channel. Nobody else opens the pages.
func TestWebhookPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnvOutbox(t, db, app.OutboxConfig{Poster: hookPoster(t, false)})
		ctx, adm := context.Background(), actor(e.admin)
		admin := e.client()
		admin.signIn(e.admin)

		p := admin.get("/incidents")
		expect(t, p, http.StatusOK, `<a href="/admin/webhooks">Webhooks</a>`)
		p = admin.get("/admin/webhooks")
		expect(t, p, http.StatusOK, "<h1>Webhooks</h1>", `href="/admin/webhooks" aria-current="page"`, "Er zijn nog geen webhooks.",
			`name="events" value="incident.created"`, "Melding aangemaakt", "Wijzigingsverzoek aangemaakt", `value="standard" aria-describedby="webhook-new-format-standard-hint" checked`,
			`<option value="nl" selected>`, "novalidate")

		// A private address is refused by the guard; the form comes back with every value.
		p = admin.submit("/admin/webhooks", "/admin/webhooks", url.Values{"url": {"http://127.0.0.1:9/hook"}, "description": {"Ops <chat>"},
			"events": {"incident.created", "change.created"}, "format": {"slack"}, "locale": {"en"}})
		expect(t, p, http.StatusUnprocessableEntity, `id="error-summary"`, `<a href="#webhook-new-url">URL: Dit adres is niet toegestaan`,
			`<p class="field-error" id="webhook-new-url-error">Dit adres is niet toegestaan`, `value="http://127.0.0.1:9/hook"`, `value="Ops &lt;chat&gt;"`,
			`value="incident.created" checked`, `value="change.created" checked`, `value="slack" aria-describedby="webhook-new-format-slack-hint" checked`,
			`<option value="en" selected>`)
		expectNot(t, p, `value="incident.resolved" checked`, `value="standard" aria-describedby="webhook-new-format-standard-hint" checked`)
		p = admin.submit("/admin/webhooks", "/admin/webhooks", url.Values{"url": {"ftp://hooks.example.com/x"}, "format": {"standard"}, "locale": {"nl"}})
		expect(t, p, http.StatusUnprocessableEntity, "Het adres begint met https:// of http://.", `<a href="#webhook-new-event-incident-created">Gebeurtenissen: Vul dit veld in.`,
			`id="webhook-new-events-error"`, `value="ftp://hooks.example.com/x"`)
		expect(t, admin.post("/admin/webhooks", url.Values{"url": {"https://hooks.example.com/x"}, "events": {"incident.created"}}), http.StatusForbidden) // no CSRF token
		if hs, err := e.app.Webhooks.List(ctx, adm); err != nil || len(hs) != 0 {
			t.Fatalf("refused forms stored endpoints: %+v %v", hs, err)
		}

		// Registered: the answer is the endpoint's page, with the secret, this once.
		p = admin.submit("/admin/webhooks", "/admin/webhooks", url.Values{"url": {"https://hooks.example.com/services/T0/B0/pathsecret"},
			"description": {"Ops"}, "events": {"incident.created", "incident.resolved"}, "format": {"slack"}, "locale": {"en"}})
		expect(t, p, http.StatusCreated, "Webhook Ops is toegevoegd.", "<h1>Webhook Ops</h1>", "Kopieer dit geheim nu", "Standard Webhooks",
			"<code>https://hooks.example.com</code>", "Chatbericht (Slack, Mattermost, Rocket.Chat)", "Melding opgelost", `name="next" value="/admin/webhooks/`)
		expectNot(t, p, "pathsecret")
		if cc := p.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("the page with the secret has Cache-Control %q", cc)
		}
		hs, err := e.app.Webhooks.List(ctx, adm)
		if err != nil || len(hs) != 1 {
			t.Fatalf("endpoints: %+v %v", hs, err)
		}
		h := hs[0]
		id := strconv.FormatInt(h.ID, 10)
		page := "/admin/webhooks/" + id
		secret := shownSecret(p)
		if secret == "" || secret != h.Secret {
			t.Fatalf("the page shows the secret %q, the endpoint has %q", secret, h.Secret)
		}
		for _, path := range []string{page, "/admin/webhooks", "/admin/outbox"} {
			p := admin.get(path)
			expect(t, p, http.StatusOK)
			expectNot(t, p, secret, "whsec_", "pathsecret")
		}
		p = admin.get("/admin/webhooks")
		expect(t, p, http.StatusOK, `<a href="`+page+`">Ops</a>`, "<code>https://hooks.example.com</code>", "Melding aangemaakt, Melding opgelost", "nog geen")

		// Changed without its URL, and switched off: the URL stays.
		p = admin.submit(page, page, url.Values{"url": {""}, "description": {"Ops room"}, "events": {"incident.created"}, "format": {"slack"}, "locale": {"nl"}})
		if p.status != http.StatusSeeOther || p.location != page {
			t.Fatalf("save: %d %q\n%s", p.status, p.location, p.body)
		}
		expect(t, admin.get(page), http.StatusOK, "Webhook Ops room is opgeslagen.", `<span class="badge">uit</span>`, "Nu: https://hooks.example.com")
		if got, _ := e.app.Webhooks.Get(ctx, adm, h.ID); got.URL != h.URL || got.Active || got.Description != "Ops room" || got.Locale != desk.LocaleNL {
			t.Fatalf("after saving: %+v", got)
		}
		p = admin.submit(page, page, url.Values{"description": {"Ops room"}, "format": {"slack"}, "locale": {"nl"}, "active": {"1"}})
		expect(t, p, http.StatusUnprocessableEntity, `id="webhook-edit-events-error"`, `<a href="#webhook-edit-event-incident-created">`, `id="webhook-edit-active" name="active" value="1" checked`)
		p = admin.submit(page, page+"/test", url.Values{})
		expect(t, p, http.StatusConflict, "Deze webhook staat uit.", "<h1>Webhook Ops room</h1>")
		p = admin.submit(page, page, url.Values{"description": {"Ops room"}, "events": {"incident.created"}, "format": {"slack"}, "locale": {"nl"}, "active": {"1"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("switch on: %d\n%s", p.status, p.body)
		}

		// A test message, in the endpoint's deliveries and in the outbox under chat.
		p = admin.submit(page, page+"/test", url.Values{})
		if p.status != http.StatusSeeOther || p.location != page {
			t.Fatalf("test: %d %q\n%s", p.status, p.location, p.body)
		}
		p = admin.get(page)
		expect(t, p, http.StatusOK, "Er staat een testbericht klaar", `<td>Testbericht</td>`, ">wacht</span>")
		ds, err := e.app.Webhooks.Deliveries(ctx, adm, h.ID)
		if err != nil || len(ds) != 1 || ds[0].Kind != desk.EventWebhookTest {
			t.Fatalf("deliveries: %+v %v", ds, err)
		}
		// An email to someone without an account, beside it.
		err = db.Write(ctx, func(tx app.Tx) error {
			return tx.Notify(ctx, &desk.Notification{Kind: desk.NotifyPasswordReset, ToEmail: "guest@elsewhere.test", ToName: "Gast", Locale: desk.LocaleNL,
				Payload: `{}`, CreatedAt: time.Now()})
		})
		if err != nil {
			t.Fatal(err)
		}
		p = admin.get("/admin/outbox")
		expect(t, p, http.StatusOK, "<th scope=\"col\">Kanaal</th>", `<a href="`+page+`">Ops room</a>`, `class="outbox-inline">chat</td>`, `dir="auto">Testbericht</a>`,
			"<span dir=\"auto\">Gast</span> <span class=\"badge\">geen account</span><br><span class=\"small muted\">guest@elsewhere.test</span>", `href="/admin/outbox?via=chat"`)
		p = admin.get("/admin/outbox?via=chat&state=pending")
		expect(t, p, http.StatusOK, `href="/admin/outbox?state=pending&amp;via=chat" aria-current="page"`, "Testbericht")
		expectNot(t, p, "guest@elsewhere.test", `<span class="badge">`+"1</span>")
		p = admin.get("/admin/outbox?via=email")
		expect(t, p, http.StatusOK, "guest@elsewhere.test")
		expectNot(t, p, "Testbericht")

		// A new secret, only with the box ticked; shown once.
		p = admin.submit(page, page+"/rotate", url.Values{})
		expect(t, p, http.StatusUnprocessableEntity, `<p class="field-error" id="webhook-rotate-confirm-error">Vink het vakje aan om te bevestigen.</p>`,
			`<a href="#webhook-rotate-confirm">`)
		if got, _ := e.app.Webhooks.Get(ctx, adm, h.ID); got.Secret != h.Secret {
			t.Fatal("the secret changed without the box ticked")
		}
		p = admin.submit(page, page+"/rotate", url.Values{"confirm": {"1"}})
		expect(t, p, http.StatusOK, "Er is een nieuw geheim gemaakt.", "Het vorige geheim ondertekent nog tot", "ondertekent nog tot")
		got, _ := e.app.Webhooks.Get(ctx, adm, h.ID)
		if s := shownSecret(p); s == "" || s == secret || s != got.Secret {
			t.Fatalf("after rotating the page shows %q; the endpoint has %q (was %q)", s, got.Secret, secret)
		}
		expectNot(t, admin.get(page), got.Secret, "whsec_")
		if logs := e.logs.String(); strings.Contains(logs, got.Secret) || strings.Contains(logs, secret) || strings.Contains(logs, "pathsecret") {
			t.Errorf("a secret is in the log:\n%s", logs)
		}

		// Deleted, only with the box ticked.
		p = admin.submit(page, page+"/delete", url.Values{})
		expect(t, p, http.StatusUnprocessableEntity, `id="webhook-delete-confirm-error"`)
		p = admin.submit(page, page+"/delete", url.Values{"confirm": {"1"}})
		if p.status != http.StatusSeeOther || p.location != "/admin/webhooks" {
			t.Fatalf("delete: %d %q\n%s", p.status, p.location, p.body)
		}
		expect(t, admin.get(p.location), http.StatusOK, "Webhook Ops room is verwijderd, met zijn berichten.", "Er zijn nog geen webhooks.")
		expect(t, admin.get(page), http.StatusNotFound)
		expect(t, admin.get("/admin/webhooks?lang=en"), http.StatusOK, "<h1>Webhooks</h1>", "Add a webhook", "Incident created", "Signed JSON (Standard Webhooks)")

		// Nobody else.
		again, err := e.app.Webhooks.Create(ctx, adm, app.WebhookInput{URL: ptrTo("https://hooks.example.com/x"), Events: &[]string{desk.EventIncidentCreated}})
		if err != nil {
			t.Fatal(err)
		}
		other := "/admin/webhooks/" + strconv.FormatInt(again.ID, 10)
		for _, u := range []desk.User{e.agent, e.expert, e.acmeAdmin, e.acmeUser} {
			c := e.client()
			c.signIn(u)
			expectNot(t, c.get("/incidents"), `href="/admin/webhooks"`)
			expect(t, c.get("/admin/webhooks"), http.StatusForbidden)
			expect(t, c.get(other), http.StatusForbidden)
			csrf := csrfFor(t, c.get("/account/notifications"), "/account/notifications")
			for _, action := range []string{other, other + "/test", other + "/rotate", other + "/delete"} {
				expect(t, c.post(action, url.Values{"csrf": {csrf}, "confirm": {"1"}, "events": {"incident.created"}}), http.StatusForbidden)
			}
		}
		if got, err := e.app.Webhooks.Get(ctx, adm, again.ID); err != nil || got.Secret != again.Secret || got.UpdatedAt != again.UpdatedAt {
			t.Errorf("others changed the endpoint: %+v %v", got, err)
		}
		anon := e.client()
		if p := anon.get("/admin/webhooks"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/login") {
			t.Errorf("anonymous: %d %q", p.status, p.location)
		}
	})
}

func ptrTo[T any](v T) *T { return &v }
