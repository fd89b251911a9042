package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
	"meldpunt/internal/i18n"
	"meldpunt/internal/notify/webhook"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// hookReceiver is an endpoint on loopback that records what it receives and answers with
// the status its answer function gives (200 when nil).
type hookReceiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	got    []received
	answer func(n int) int
}

type received struct {
	header http.Header
	body   []byte
}

func newHookReceiver(t *testing.T) *hookReceiver {
	t.Helper()
	h := &hookReceiver{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.got = append(h.got, received{header: r.Header.Clone(), body: body})
		n, answer := len(h.got), h.answer
		h.mu.Unlock()
		status := http.StatusOK
		if answer != nil {
			status = answer(n)
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookReceiver) received() []received {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.got)
}

// poster is the real webhook channel, allowed to reach loopback.
func poster(t *testing.T, allowPrivate bool) *webhook.Poster {
	t.Helper()
	texts, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	p := webhook.NewPoster(webhook.Options{AllowPrivate: allowPrivate, Timeout: 10 * time.Second,
		Texts: webhook.TextsFunc(func(l, key string, args ...any) string { return texts.T(desk.Locale(l), key, args...) })})
	t.Cleanup(p.Close)
	return p
}

// hookWorld is a world whose clock runs near the real time (receivers refuse signatures
// more than five minutes off) and whose outbox posts webhooks to loopback.
func hookWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	w := newWorld(t, db)
	w.now = time.Now().UTC().Truncate(time.Millisecond)
	w.a = app.New(db, func() time.Time { return w.now }, slog.New(slog.DiscardHandler), app.Config{
		Holidays: holidays.NL(), BaseURL: "http://desk.test", Argon2: app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1},
		Outbox: app.OutboxConfig{Poster: poster(t, true), MaxAttempts: 3},
	})
	return w
}

var admin = desk.Actor{UserID: 0, Name: "Admin", Role: desk.RoleAdmin}

// verify checks a request with the reference implementation of Standard Webhooks, which
// also refuses a timestamp more than five minutes off.
func verify(t *testing.T, secret string, r received) error {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	return wh.Verify(r.body, r.header)
}

// A registered endpoint receives the desk's events, signed so that the reference verifier
// accepts them, each once; a chat endpoint receives a readable message.
func TestWebhooksDeliverSignedEvents(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := hookWorld(t, db)
		rc, chat := newHookReceiver(t), newHookReceiver(t)
		ep, err := w.a.Webhooks.Create(ctx, admin, app.WebhookInput{URL: ptrTo(rc.srv.URL + "/meldpunt"), Description: ptrTo("ops"),
			Events: &[]string{desk.EventIncidentCreated, desk.EventIncidentStateChanged, desk.EventIncidentReplied, desk.EventIncidentAssigned, desk.EventIncidentResolved}})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(ep.Secret, "whsec_") || ep.Format != desk.WebhookStandard || ep.Locale != desk.LocaleNL || !ep.Active {
			t.Fatalf("created = %+v", ep)
		}
		cp, err := w.a.Webhooks.Create(ctx, admin, app.WebhookInput{URL: ptrTo(chat.srv.URL + "/hooks/T1/B2/xyz"),
			Format: ptrTo(desk.WebhookSlack), Locale: ptrTo(desk.LocaleEN), Events: &[]string{desk.EventIncidentCreated}})
		if err != nil {
			t.Fatal(err)
		}

		inc := w.report(t, w.reporter, "Checkout fails")
		agent := actor(w.agent)
		if _, err := w.a.Incidents.Transition(ctx, agent, inc.ID, desk.Transition{To: desk.StateTriaged}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.a.Incidents.AddEntry(ctx, agent, inc.ID, app.EntryInput{Kind: desk.EntryReply, Body: "We are on it."}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.a.Incidents.Assign(ctx, agent, inc.ID, app.Assignment{AssigneeID: &w.expert.ID}); err != nil {
			t.Fatal(err)
		}
		sent, err := w.a.Outbox.RunDelivery(ctx)
		if err != nil || sent != 5 {
			t.Fatalf("RunDelivery = %d, %v; want 5 (4 events, 1 chat message)", sent, err)
		}
		if again, err := w.a.Outbox.RunDelivery(ctx); err != nil || again != 0 {
			t.Fatalf("second run sent %d, %v", again, err)
		}

		got := rc.received()
		var types []string
		ids := map[string]bool{}
		for _, r := range got {
			if err := verify(t, ep.Secret, r); err != nil {
				t.Errorf("the reference verifier refused a delivery: %v", err)
			}
			if r.header.Get("Content-Type") != "application/json" || r.header.Get("User-Agent") == "" {
				t.Errorf("headers %v", r.header)
			}
			id := r.header.Get("webhook-id")
			if ids[id] {
				t.Errorf("webhook-id %s came twice", id)
			}
			ids[id] = true
			var e struct {
				Type      string    `json:"type"`
				Timestamp time.Time `json:"timestamp"`
				Data      struct {
					Incident struct {
						Number, Title, State, Priority, URL string
						Organisation                        struct{ Name string }
						Assignee                            *struct{ Name string }
					}
					Actor    struct{ Name string }
					From, To string
					Role     string
					Entry    *struct{ Visibility, Body string }
				}
			}
			if err := json.Unmarshal(r.body, &e); err != nil {
				t.Fatalf("body %s: %v", r.body, err)
			}
			types = append(types, e.Type)
			in := e.Data.Incident
			if in.Number != inc.Number || in.Title != "Checkout fails" || in.Organisation.Name != "Acme" ||
				in.URL != "http://desk.test/incidents/"+inc.Number || in.Priority != "P2" {
				t.Errorf("%s: incident %+v", e.Type, in)
			}
			switch e.Type {
			case desk.EventIncidentStateChanged:
				if e.Data.From != "new" || e.Data.To != "triaged" || e.Data.Actor.Name != w.agent.Name {
					t.Errorf("state change %+v", e.Data)
				}
			case desk.EventIncidentReplied:
				if e.Data.Entry == nil || e.Data.Entry.Body != "We are on it." || e.Data.Entry.Visibility != "public" {
					t.Errorf("reply %+v", e.Data.Entry)
				}
			case desk.EventIncidentAssigned:
				if e.Data.Role != "assignee" || in.Assignee == nil || in.Assignee.Name != w.expert.Name {
					t.Errorf("assignment %+v, %+v", e.Data, in.Assignee)
				}
			}
		}
		slices.Sort(types)
		want := []string{desk.EventIncidentAssigned, desk.EventIncidentCreated, desk.EventIncidentReplied, desk.EventIncidentStateChanged}
		// The reply by staff on a triaged incident gave no state change; triage did.
		if !slices.Equal(slices.Compact(types), want) || len(types) != 4 {
			t.Errorf("received %v, want one each of %v", types, want)
		}

		msgs := chat.received()
		if len(msgs) != 1 {
			t.Fatalf("chat received %d messages, want 1", len(msgs))
		}
		var m struct{ Text string }
		if err := json.Unmarshal(msgs[0].body, &m); err != nil || !strings.Contains(m.Text, inc.Number+" Checkout fails: new incident from Acme") ||
			!strings.Contains(m.Text, "http://desk.test/incidents/"+inc.Number) {
			t.Errorf("chat message %s (%v)", msgs[0].body, err)
		}

		// The endpoint's page lists what it was sent, with the status and duration.
		ds, err := w.a.Webhooks.Deliveries(ctx, admin, ep.ID)
		if err != nil || len(ds) != 4 {
			t.Fatalf("deliveries = %d, %v", len(ds), err)
		}
		for _, d := range ds {
			if d.State != desk.DeliverySent || len(d.Attempts) != 1 || d.Attempts[0].StatusCode != 200 ||
				d.Attempts[0].Location != rc.srv.URL {
				t.Errorf("delivery %+v, attempts %+v", d.Notification, d.Attempts)
			}
		}
		if ds, err := w.a.Webhooks.Deliveries(ctx, admin, cp.ID); err != nil || len(ds) != 1 || ds[0].Via != desk.ViaChat {
			t.Errorf("chat deliveries = %+v, %v", ds, err)
		}
	})
}

// After a rotation both secrets sign for a day; a test event reaches an endpoint whatever
// it receives; a switched-off endpoint receives nothing.
func TestWebhookRotationTestAndSwitchOff(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := hookWorld(t, db)
		rc := newHookReceiver(t)
		ep, err := w.a.Webhooks.Create(ctx, admin, app.WebhookInput{URL: ptrTo(rc.srv.URL), Events: &[]string{desk.EventIncidentCreated}})
		if err != nil {
			t.Fatal(err)
		}
		rot, err := w.a.Webhooks.RotateSecret(ctx, admin, ep.ID)
		if err != nil || rot.Secret == ep.Secret || !strings.HasPrefix(rot.Secret, "whsec_") {
			t.Fatalf("rotate = %+v, %v", rot, err)
		}
		if _, err := w.a.Webhooks.SendTest(ctx, admin, ep.ID); err != nil {
			t.Fatal(err)
		}
		if n, err := w.a.Outbox.RunDelivery(ctx); err != nil || n != 1 {
			t.Fatalf("RunDelivery = %d, %v", n, err)
		}
		r := rc.received()[0]
		if sigs := strings.Fields(r.header.Get("webhook-signature")); len(sigs) != 2 {
			t.Errorf("signatures %v, want the new and the previous secret's", sigs)
		}
		for _, s := range []string{rot.Secret, ep.Secret} {
			if err := verify(t, s, r); err != nil {
				t.Errorf("during the rotation a verifier with one of the secrets refused: %v", err)
			}
		}
		if !strings.Contains(string(r.body), `"type":"webhook.test"`) {
			t.Errorf("test event %s", r.body)
		}

		// A day later the old secret no longer signs.
		w.now = w.now.Add(24*time.Hour + time.Second)
		w.report(t, w.reporter, "Next day")
		w.now = time.Now().UTC().Truncate(time.Millisecond).Add(24*time.Hour + time.Second)
		if n, err := w.a.Outbox.RunDelivery(ctx); err != nil || n != 1 {
			t.Fatalf("RunDelivery = %d, %v", n, err)
		}
		r = rc.received()[1]
		if sigs := strings.Fields(r.header.Get("webhook-signature")); len(sigs) != 1 {
			t.Errorf("a day after the rotation: signatures %v, want one", sigs)
		}
		wh, _ := standardwebhooks.NewWebhook(rot.Secret)
		if err := wh.VerifyIgnoringTimestamp(r.body, r.header); err != nil {
			t.Errorf("the new secret does not verify: %v", err)
		}

		off := false
		if _, err := w.a.Webhooks.Update(ctx, admin, ep.ID, app.WebhookInput{Active: &off}); err != nil {
			t.Fatal(err)
		}
		w.report(t, w.reporter, "Nobody hears")
		if n, err := w.a.Outbox.RunDelivery(ctx); err != nil || n != 0 {
			t.Errorf("a switched-off endpoint was sent %d, %v", n, err)
		}
		if _, err := w.a.Webhooks.SendTest(ctx, admin, ep.ID); desk.ErrorCode(err) != desk.ECONFLICT {
			t.Errorf("testing a switched-off endpoint: %v, want conflict", err)
		}
	})
}

// A failing endpoint is tried again with backoff, each attempt recorded with its status; an
// endpoint that answers 410 Gone is set aside at once.
func TestWebhookFailures(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := hookWorld(t, db)
		rc := newHookReceiver(t)
		rc.answer = func(n int) int {
			if n == 1 {
				return http.StatusServiceUnavailable
			}
			return http.StatusOK
		}
		ep, err := w.a.Webhooks.Create(ctx, admin, app.WebhookInput{URL: ptrTo(rc.srv.URL), Events: &[]string{desk.EventIncidentCreated}})
		if err != nil {
			t.Fatal(err)
		}
		w.report(t, w.reporter, "Flaky")
		if n, _ := w.a.Outbox.RunDelivery(ctx); n != 0 {
			t.Fatalf("sent %d on a 503", n)
		}
		ds, _ := w.a.Webhooks.Deliveries(ctx, admin, ep.ID)
		if len(ds) != 1 || ds[0].State != desk.DeliveryPending || ds[0].Attempts[0].StatusCode != 503 || !strings.Contains(ds[0].LastError, "503") {
			t.Fatalf("after a 503: %+v", ds)
		}
		w.now = w.now.Add(31 * time.Second)
		if n, err := w.a.Outbox.RunDelivery(ctx); err != nil || n != 1 {
			t.Fatalf("retry sent %d, %v", n, err)
		}
		ds, _ = w.a.Webhooks.Deliveries(ctx, admin, ep.ID)
		if ds[0].State != desk.DeliverySent || len(ds[0].Attempts) != 2 || ds[0].Attempts[1].StatusCode != 200 {
			t.Errorf("after the retry: %+v %+v", ds[0].Notification, ds[0].Attempts)
		}
		got := rc.received()
		if got[0].header.Get("webhook-id") != got[1].header.Get("webhook-id") {
			t.Errorf("a retry has another webhook-id")
		}

		rc.answer = func(int) int { return http.StatusGone }
		w.report(t, w.reporter, "Gone")
		if n, _ := w.a.Outbox.RunDelivery(ctx); n != 0 {
			t.Fatal("sent to a 410")
		}
		ds, _ = w.a.Webhooks.Deliveries(ctx, admin, ep.ID)
		if ds[0].State != desk.DeliveryFailed || ds[0].Attempts[0].StatusCode != 410 {
			t.Errorf("after a 410: %+v", ds[0])
		}
	})
}

// Endpoints are for admins, and only to addresses the operator allows.
func TestWebhookRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		w.a = app.New(db, func() time.Time { return w.now }, nil, app.Config{Holidays: holidays.NL(),
			Outbox: app.OutboxConfig{Poster: poster(t, false)}})
		events := &[]string{desk.EventIncidentCreated}
		for _, u := range []desk.User{w.agent, w.clientAdmin} {
			if _, err := w.a.Webhooks.Create(ctx, actor(u), app.WebhookInput{URL: ptrTo("https://hooks.example.com/x"), Events: events}); desk.ErrorCode(err) != desk.EFORBIDDEN {
				t.Errorf("%s registers a webhook: %v", u.Role, err)
			}
			if _, err := w.a.Webhooks.List(ctx, actor(u)); desk.ErrorCode(err) != desk.EFORBIDDEN {
				t.Errorf("%s lists webhooks: %v", u.Role, err)
			}
		}
		for _, c := range []struct {
			in          app.WebhookInput
			field, rule string
		}{
			{app.WebhookInput{URL: ptrTo("http://127.0.0.1:8080/hook"), Events: events}, "url", "reachable"},
			{app.WebhookInput{URL: ptrTo("http://169.254.169.254/latest"), Events: events}, "url", "reachable"},
			{app.WebhookInput{URL: ptrTo("http://localhost/x"), Events: events}, "url", "reachable"},
			{app.WebhookInput{URL: ptrTo("ftp://hooks.example.com/"), Events: events}, "url", "scheme"},
			{app.WebhookInput{URL: ptrTo("https://user:pw@hooks.example.com/"), Events: events}, "url", "credentials"},
			{app.WebhookInput{URL: ptrTo("https://hooks.example.com/")}, "events", "required"},
			{app.WebhookInput{URL: ptrTo("https://hooks.example.com/"), Events: &[]string{"incident.deleted"}}, "events[0]", "one_of"},
			{app.WebhookInput{URL: ptrTo("https://hooks.example.com/"), Events: events, Format: ptrTo(desk.WebhookFormat("teams"))}, "format", "one_of"},
		} {
			_, err := w.a.Webhooks.Create(ctx, admin, c.in)
			var e *desk.Error
			if !errors.As(err, &e) || !hasField(e, c.field, c.rule) {
				t.Errorf("%s: %v, want %s/%s", *c.in.URL, err, c.field, c.rule)
			}
		}
		if list, err := w.a.Webhooks.List(ctx, admin); err != nil || len(list) != 0 {
			t.Errorf("refused endpoints were stored: %v, %v", list, err)
		}
	})
}

func hasField(e *desk.Error, field, rule string) bool {
	for _, f := range e.Fields {
		if f.Field == field && f.Rule == rule {
			return true
		}
	}
	return false
}

// Two instances delivering at once send each event once.
func TestWebhooksExactlyOnceAcrossInstances(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db1, db2 := storetest.OpenTwice(t, dialect)
			w := hookWorld(t, db1)
			rc := newHookReceiver(t)
			if _, err := w.a.Webhooks.Create(ctx, admin, app.WebhookInput{URL: ptrTo(rc.srv.URL), Events: &[]string{desk.EventIncidentCreated}}); err != nil {
				t.Fatal(err)
			}
			for i := range 20 {
				w.report(t, w.reporter, "Incident "+string(rune('A'+i)))
			}
			instance := func(db *store.DB, name string) *app.Services {
				return app.New(db, func() time.Time { return w.now }, nil, app.Config{Holidays: holidays.NL(), BaseURL: "http://desk.test",
					Outbox: app.OutboxConfig{Poster: poster(t, true), Instance: name}})
			}
			a, b := instance(db1, "a"), instance(db2, "b")
			var wg sync.WaitGroup
			for _, s := range []*app.Services{a, b, a, b} {
				wg.Go(func() {
					if _, err := s.Outbox.RunDelivery(ctx); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			seen := map[string]int{}
			for _, r := range rc.received() {
				seen[r.header.Get("webhook-id")]++
			}
			if len(seen) != 20 {
				t.Errorf("received %d distinct events, want 20", len(seen))
			}
			for id, n := range seen {
				if n != 1 {
					t.Errorf("%s received %d times", id, n)
				}
			}
		})
	}
}
