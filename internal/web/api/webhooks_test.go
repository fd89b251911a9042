package api_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/notify/webhook"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// webhookCalls are the conformance test's calls of the webhook routes; the first endpoint of
// a fresh database has id 1. The endpoint is deleted last.
func webhookCalls() []request {
	return []request{
		{method: "GET", path: "/api/v1/webhooks", as: "admin"},
		{method: "GET", path: "/api/v1/webhooks", as: "agent"},
		{method: "POST", path: "/api/v1/webhooks", as: "admin", body: `{"url":"https://hooks.example.com/meldpunt","events":["incident.created"]}`},
		{method: "POST", path: "/api/v1/webhooks", as: "admin", body: `{"url":"ftp://hooks.example.com/","events":[]}`},
		{method: "GET", path: "/api/v1/webhooks/1", as: "admin"},
		{method: "GET", path: "/api/v1/webhooks/999999", as: "admin"},
		{method: "PATCH", path: "/api/v1/webhooks/1", as: "admin", body: `{"description":"Ops"}`},
		{method: "PATCH", path: "/api/v1/webhooks/1", as: "admin", body: `{"format":"teams"}`},
		{method: "POST", path: "/api/v1/webhooks/1/test", as: "admin"},
		{method: "POST", path: "/api/v1/webhooks/1/test", as: "agent"},
		{method: "GET", path: "/api/v1/outbox?via=webhook", as: "admin"},
		{method: "GET", path: "/api/v1/webhooks/1/deliveries", as: "admin"},
		{method: "GET", path: "/api/v1/webhooks/1/deliveries", as: "clientAdminA"},
		{method: "POST", path: "/api/v1/webhooks/1/rotate-secret", as: "admin"},
		{method: "POST", path: "/api/v1/webhooks/1/rotate-secret", as: "expert"},
		{method: "DELETE", path: "/api/v1/webhooks/1", as: "admin"},
		{method: "DELETE", path: "/api/v1/webhooks/1", as: "admin"},
	}
}

// receiver is an endpoint on loopback that records what it receives and answers 200.
type receiver struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []receivedHook
}

type receivedHook struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	rc := &receiver{}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, receivedHook{header: r.Header.Clone(), body: b})
		rc.mu.Unlock()
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) received() []receivedHook {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]receivedHook(nil), rc.got...)
}

// loopbackPoster is the real webhook channel, allowed to reach the test's receivers.
func loopbackPoster(t *testing.T) *webhook.Poster {
	t.Helper()
	texts := loadTexts(t)
	p := webhook.NewPoster(webhook.Options{AllowPrivate: true, Timeout: 10 * time.Second,
		Texts: webhook.TextsFunc(func(l, key string, args ...any) string { return texts.T(desk.Locale(l), key, args...) })})
	t.Cleanup(p.Close)
	return p
}

// deliverHooks runs the outbox's delivery once and checks how many messages it sent.
func deliverHooks(t *testing.T, e *env, want int) {
	t.Helper()
	if n, err := e.app.Outbox.RunDelivery(context.Background()); err != nil || n != want {
		t.Fatalf("RunDelivery sent %d (%v), want %d", n, err, want)
	}
}

// verifyHook checks a received request with the reference implementation of Standard
// Webhooks.
func verifyHook(t *testing.T, secret string, h receivedHook) {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatalf("the secret %q is not one the reference library reads: %v", secret, err)
	}
	if err := wh.Verify(h.body, h.header); err != nil {
		t.Errorf("the reference verifier refused the delivery with the secret the API gave: %v", err)
	}
}

// TestWebhooksAPI: admins register, read, change, test, rotate and delete endpoints; the
// secret is in the answers of the creation and the rotation only; a test event is queued,
// delivered, signed with that secret and listed with its attempt. Nobody else may do any of
// it.
func TestWebhooksAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		rc := newReceiver(t)
		e := newEnvOutbox(t, db, app.OutboxConfig{Poster: loopbackPoster(t)})
		e.vars["rcv"] = rc.srv.URL
		secretIs := func(name string) func(t *testing.T, r *result) {
			return func(t *testing.T, r *result) {
				s := r.str("secret")
				if !strings.HasPrefix(s, "whsec_") || len(s) < 40 {
					t.Fatalf("secret %q", s)
				}
				for k, v := range e.vars {
					if strings.HasPrefix(k, "secret") && v == s {
						t.Fatalf("the secret is the same as %s", k)
					}
				}
				e.vars[name] = s
			}
		}
		noSecret := []string{`"secret":`, "whsec_"}
		e.run(t, []scenario{
			{name: "anonymous", request: request{method: "GET", path: "/api/v1/webhooks"}, status: 401},
			{name: "an agent may not list them", request: request{method: "GET", path: "/api/v1/webhooks", as: "agent"}, status: 403},
			{name: "nor an expert", request: request{method: "GET", path: "/api/v1/webhooks", as: "expert"}, status: 403},
			{name: "nor a client admin", request: request{method: "GET", path: "/api/v1/webhooks", as: "clientAdminA"}, status: 403},
			{name: "an agent may not register one", request: request{method: "POST", path: "/api/v1/webhooks", as: "agent",
				body: `{"url":"{rcv}/hook","events":["incident.created"]}`}, status: 403},
			{name: "the URL and the events are required", request: request{method: "POST", path: "/api/v1/webhooks", as: "admin", body: `{}`},
				status: 422, errors: [][2]string{{"/url", "required"}, {"/events", "required"}}},
			{name: "every bad field is named", request: request{method: "POST", path: "/api/v1/webhooks", as: "admin",
				body: `{"url":"ftp://hooks.example.com/","format":"teams","locale":"de","events":["incident.created","incident.deleted","incident.created"]}`},
				status: 422, errors: [][2]string{{"/url", "scheme"}, {"/format", "one_of"}, {"/locale", "one_of"}, {"/events/1", "one_of"}, {"/events/2", "unique"}}},
			{name: "no credentials in the URL", request: request{method: "POST", path: "/api/v1/webhooks", as: "admin",
				body: `{"url":"https://user:pw@hooks.example.com/","events":["incident.created"]}`}, status: 422, errors: [][2]string{{"/url", "credentials"}}},
			{name: "nobody chooses the secret", request: request{method: "POST", path: "/api/v1/webhooks", as: "admin",
				body: `{"url":"{rcv}/hook","events":["incident.created"],"secret":"whsec_mine"}`}, status: 422, errors: [][2]string{{"/secret", "unknown_field"}}},
			{name: "events is a list", request: request{method: "POST", path: "/api/v1/webhooks", as: "admin",
				body: `{"url":"{rcv}/hook","events":"incident.created"}`}, status: 422, errors: [][2]string{{"/events", "type"}}},
			{name: "nothing refused was stored", request: request{method: "GET", path: "/api/v1/webhooks", as: "admin"}, status: 200,
				fields: map[string]any{"items.#": 0}},
			{name: "the admin registers one, and sees its secret", request: request{method: "POST", path: "/api/v1/webhooks", as: "admin",
				body: `{"url":"{rcv}/hook","description":"Monitoring","events":["incident.created","incident.resolved"]}`}, status: 201,
				fields: map[string]any{"url": "{rcv}/hook", "description": "Monitoring", "format": "standard", "locale": "nl", "active": true,
					"events": []any{"incident.created", "incident.resolved"}, "previous_secret_until": nil, "created_by_id": "{admin}"},
				save: map[string]string{"hook": "id"}, check: secretIs("secret1")},
			{name: "a chat endpoint in English", request: request{method: "POST", path: "/api/v1/webhooks", as: "admin",
				body: `{"url":"{rcv}/services/T0/B0/xyz","format":"slack","locale":"en","events":["incident.created"]}`}, status: 201,
				fields: map[string]any{"format": "slack", "locale": "en"}, save: map[string]string{"chat": "id"}, check: secretIs("secret2")},
			{name: "the list shows no secret", request: request{method: "GET", path: "/api/v1/webhooks", as: "admin"}, status: 200,
				fields: map[string]any{"items.#": 2, "items.0.id": "{hook}", "items.1.format": "slack"}, notContains: append(noSecret, "{secret1}", "{secret2}")},
			{name: "nor does one endpoint", request: request{method: "GET", path: "/api/v1/webhooks/{hook}", as: "admin"}, status: 200,
				fields: map[string]any{"id": "{hook}", "description": "Monitoring", "secret": absent{}}, notContains: noSecret},
			{name: "one that does not exist", request: request{method: "GET", path: "/api/v1/webhooks/999999", as: "admin"}, status: 404},
			{name: "an id that is not one", request: request{method: "GET", path: "/api/v1/webhooks/abc", as: "admin"}, status: 404},
			{name: "an agent may not read one", request: request{method: "GET", path: "/api/v1/webhooks/{hook}", as: "agent"}, status: 403},
			{name: "the admin changes it", request: request{method: "PATCH", path: "/api/v1/webhooks/{hook}", as: "admin",
				body: `{"description":"Ops room","events":["incident.created","change.created"],"locale":"en"}`}, status: 200,
				fields:      map[string]any{"description": "Ops room", "events": []any{"incident.created", "change.created"}, "locale": "en", "url": "{rcv}/hook"},
				notContains: noSecret},
			{name: "a change is checked like a new one", request: request{method: "PATCH", path: "/api/v1/webhooks/{hook}", as: "admin",
				body: `{"events":[],"url":"hooks.example.com"}`}, status: 422, errors: [][2]string{{"/events", "required"}, {"/url", "url"}}},
			{name: "nothing of it was kept", request: request{method: "GET", path: "/api/v1/webhooks/{hook}", as: "admin"}, status: 200,
				fields: map[string]any{"events.#": 2, "url": "{rcv}/hook"}},
			{name: "an agent may not change it", request: request{method: "PATCH", path: "/api/v1/webhooks/{hook}", as: "agent", body: `{"active":false}`}, status: 403},
			{name: "a client admin may not send a test", request: request{method: "POST", path: "/api/v1/webhooks/{hook}/test", as: "clientAdminA"}, status: 403},
			{name: "the admin sends a test event", request: request{method: "POST", path: "/api/v1/webhooks/{hook}/test", as: "admin"}, status: 202,
				fields: map[string]any{"kind": "webhook.test", "via": "webhook", "endpoint_id": "{hook}", "user_id": 0, "state": "pending", "attempts": 0,
					"payload.type": "webhook.test", "payload.data.actor.name": "User admin"},
				save: map[string]string{"test": "id"}},
			{name: "the outbox lists it with its channel", request: request{method: "GET", path: "/api/v1/outbox?via=webhook", as: "admin"}, status: 200,
				fields: map[string]any{"items.#": 1, "items.0.id": "{test}", "items.0.via": "webhook", "items.0.endpoint_id": "{hook}", "items.0.to_email": ""}},
			{name: "and not among the emails", request: request{method: "GET", path: "/api/v1/outbox?via=email&state=pending", as: "admin"}, status: 200,
				notContains: []string{`"endpoint_id":{hook}`, "webhook.test"}},
			{name: "an unknown channel", request: request{method: "GET", path: "/api/v1/outbox?via=fax", as: "admin"}, status: 422,
				errors: [][2]string{{"via", "one_of"}}},
			{name: "nothing delivered yet", request: request{method: "GET", path: "/api/v1/webhooks/{hook}/deliveries", as: "admin"}, status: 200,
				fields: map[string]any{"items.#": 1, "items.0.state": "pending", "items.0.attempt_log": []any{}}},
		})

		deliverHooks(t, e, 1)
		got := rc.received()
		if len(got) != 1 || !strings.Contains(string(got[0].body), `"type":"webhook.test"`) {
			t.Fatalf("the receiver got %d requests: %+v", len(got), got)
		}
		verifyHook(t, e.vars["secret1"], got[0])

		e.run(t, []scenario{
			{name: "the delivery with its attempt", request: request{method: "GET", path: "/api/v1/webhooks/{hook}/deliveries", as: "admin"}, status: 200,
				fields: map[string]any{"items.#": 1, "items.0.id": "{test}", "items.0.state": "sent", "items.0.attempts": 1, "items.0.kind": "webhook.test",
					"items.0.location": "{rcv}", "items.0.attempt_log.#": 1, "items.0.attempt_log.0.status_code": 200,
					"items.0.attempt_log.0.location": "{rcv}", "items.0.attempt_log.0.notification_id": "{test}"},
				notContains: []string{"/hook", `"error"`}},
			{name: "an expert may not read them", request: request{method: "GET", path: "/api/v1/webhooks/{hook}/deliveries", as: "expert"}, status: 403},
			{name: "nor those of an endpoint that does not exist", request: request{method: "GET", path: "/api/v1/webhooks/999999/deliveries", as: "admin"}, status: 404},
			{name: "an agent may not rotate the secret", request: request{method: "POST", path: "/api/v1/webhooks/{hook}/rotate-secret", as: "agent"}, status: 403},
			{name: "the admin rotates it and sees the new one", request: request{method: "POST", path: "/api/v1/webhooks/{hook}/rotate-secret", as: "admin"}, status: 200,
				fields: map[string]any{"id": "{hook}"}, check: func(t *testing.T, r *result) {
					secretIs("secret3")(t, r)
					until, err := time.Parse(time.RFC3339, r.str("previous_secret_until"))
					if err != nil || until.Before(time.Now().Add(23*time.Hour)) || until.After(time.Now().Add(25*time.Hour)) {
						t.Errorf("previous_secret_until %q (%v), want a day from now", r.str("previous_secret_until"), err)
					}
				}},
			{name: "afterwards no answer shows it", request: request{method: "GET", path: "/api/v1/webhooks/{hook}", as: "admin"}, status: 200,
				notContains: append(noSecret, "{secret3}"), check: func(t *testing.T, r *result) {
					if r.str("previous_secret_until") == "" {
						t.Error("the endpoint does not say until when the previous secret signs")
					}
				}},
			{name: "nor the audit log", request: request{method: "GET", path: "/api/v1/audit?limit=200", as: "admin"}, status: 200,
				contains: []string{"webhook_endpoint", "rotate_secret"}, notContains: append(noSecret, "{secret1}", "{secret3}")},
			{name: "another test", request: request{method: "POST", path: "/api/v1/webhooks/{hook}/test", as: "admin"}, status: 202},
		})

		deliverHooks(t, e, 1)
		got = rc.received()
		verifyHook(t, e.vars["secret3"], got[1])
		if sigs := strings.Fields(got[1].header.Get("webhook-signature")); len(sigs) != 2 {
			t.Errorf("during the rotation: signatures %v, want the new and the previous secret's", sigs)
		}

		e.run(t, []scenario{
			{name: "the admin switches it off", request: request{method: "PATCH", path: "/api/v1/webhooks/{hook}", as: "admin", body: `{"active":false}`}, status: 200,
				fields: map[string]any{"active": false, "description": "Ops room"}},
			{name: "a switched-off endpoint is not tested", request: request{method: "POST", path: "/api/v1/webhooks/{hook}/test", as: "admin"}, status: 409},
			{name: "a client may not delete it", request: request{method: "DELETE", path: "/api/v1/webhooks/{hook}", as: "clientUserA"}, status: 403},
			{name: "the admin deletes it", request: request{method: "DELETE", path: "/api/v1/webhooks/{hook}", as: "admin"}, status: 204},
			{name: "it is gone", request: request{method: "GET", path: "/api/v1/webhooks/{hook}", as: "admin"}, status: 404},
			{name: "with its deliveries", request: request{method: "GET", path: "/api/v1/outbox?via=webhook", as: "admin"}, status: 200,
				fields: map[string]any{"items.#": 0}},
			{name: "deleting it again", request: request{method: "DELETE", path: "/api/v1/webhooks/{hook}", as: "admin"}, status: 404},
			{name: "rotating the secret of none", request: request{method: "POST", path: "/api/v1/webhooks/{hook}/rotate-secret", as: "admin"}, status: 404},
			{name: "the chat endpoint is left", request: request{method: "GET", path: "/api/v1/webhooks", as: "admin"}, status: 200,
				fields: map[string]any{"items.#": 1, "items.0.id": "{chat}"}},
		})
	})
}
