package app_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// mailbox is a Mailer that keeps what it is given.
type mailbox struct {
	mu  sync.Mutex
	got []app.Email
}

func (m *mailbox) Send(_ context.Context, e app.Email) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.got = append(m.got, e)
	return "test", nil
}

func (m *mailbox) Describe() string { return "test mailbox" }

// take returns the emails received since the last call.
func (m *mailbox) take() []app.Email {
	m.mu.Lock()
	defer m.mu.Unlock()
	got := m.got
	m.got = nil
	return got
}

// subsWorld is an installation with two public components and one clients-only one, and a
// mailbox as the outbox's email channel.
type subsWorld struct {
	a                 *app.Services
	now               time.Time
	box               *mailbox
	mail, web, secret desk.Component
}

func newSubsWorld(t *testing.T, db *store.DB) *subsWorld {
	t.Helper()
	return newSubsWorldTB(t, db, time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC))
}

func newSubsWorldTB(t testing.TB, db *store.DB, now time.Time) *subsWorld {
	t.Helper()
	w := &subsWorld{now: now, box: &mailbox{}}
	w.a = app.New(db, func() time.Time { return w.now }, slog.New(slog.NewTextHandler(io.Discard, nil)),
		app.Config{Holidays: holidays.NL(), BaseURL: "https://status.test", Argon2: app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1},
			Outbox: app.OutboxConfig{Mailer: w.box, From: app.Address{Email: "desk@status.test"}}})
	ctx := context.Background()
	if _, err := w.a.Identity.Bootstrap(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		p    *desk.Component
		name string
		vis  desk.ComponentVisibility
	}{{&w.mail, "Mail", desk.VisibilityPublic}, {&w.web, "Web", desk.VisibilityPublic}, {&w.secret, "Acme's ERP", desk.VisibilityClients}} {
		var err error
		if *c.p, err = w.a.Components.Create(ctx, sys, desk.Component{Name: c.name, Visibility: c.vis}); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// deliver runs the delivery job and returns the emails sent.
func (w *subsWorld) deliver(t *testing.T) []app.Email {
	t.Helper()
	if _, err := w.a.Outbox.RunDelivery(context.Background()); err != nil {
		t.Fatal(err)
	}
	return w.box.take()
}

func (w *subsWorld) notice(comps ...int64) desk.StatusNotice {
	return desk.StatusNotice{Kind: desk.NoticeIncidentUpdated, PublicIncidentID: 7, UpdateID: 9,
		Name: desk.Texts{NL: "Storing", EN: "Outage"}, Body: desk.Texts{NL: "We zoeken het uit."},
		Status: "identified", Impact: "minor", ComponentIDs: comps, At: w.now}
}

// subscribe signs email up (to everything, or to comps) and confirms it from the
// confirmation email.
func (w *subsWorld) subscribe(t *testing.T, email, locale string, all bool, comps ...int64) {
	t.Helper()
	ctx := context.Background()
	var cs []string
	for _, c := range comps {
		cs = append(cs, fmt.Sprint(c))
	}
	if err := w.a.Subscriptions.Subscribe(ctx, desk.SubscriberInput{Email: email, Locale: locale, All: all, Components: cs}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.a.Subscriptions.Confirm(ctx, token(t, one(t, w.deliver(t), desk.NotifySubscriberConfirm), "confirm_url")); err != nil {
		t.Fatal(err)
	}
}

// token returns the token of a link in the email's payload.
func token(t *testing.T, e app.Email, key string) string {
	t.Helper()
	raw, _ := e.Payload[key].(string)
	u, err := url.Parse(raw)
	if err != nil || u.Query().Get("token") == "" {
		t.Fatalf("%s: no link with a token in %q", key, raw)
	}
	return u.Query().Get("token")
}

func one(t *testing.T, es []app.Email, kind string) app.Email {
	t.Helper()
	if len(es) != 1 || es[0].Kind != kind {
		var ks []string
		for _, e := range es {
			ks = append(ks, e.Kind+"→"+e.To.Email)
		}
		t.Fatalf("sent %v, want one %s", ks, kind)
	}
	return es[0]
}

// Double opt-in: a sign-up sends the confirmation and nothing else until the visitor
// confirms; signing up again answers the same whatever the state, and a confirmed address
// gets its manage link instead of a new confirmation, with nothing changed.
func TestSubscribeDoubleOptIn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newSubsWorld(t, db)
		ctx := context.Background()
		in := desk.SubscriberInput{Email: " Ann@Example.test ", Locale: "en", Components: []string{fmt.Sprint(w.mail.ID)}}
		if err := w.a.Subscriptions.Subscribe(ctx, in); err != nil {
			t.Fatal(err)
		}
		if n, err := w.a.Subscriptions.QueueNotice(ctx, w.notice(w.mail.ID)); err != nil || n != 0 {
			t.Fatalf("before confirming, a notice queued %d (%v)", n, err)
		}
		c := one(t, w.deliver(t), desk.NotifySubscriberConfirm)
		if c.To.Email != "ann@example.test" || c.Locale != desk.LocaleEN || c.Headers["List-Unsubscribe"] != "" {
			t.Errorf("confirmation to %q in %q, headers %v", c.To.Email, c.Locale, c.Headers)
		}
		confirm := token(t, c, "confirm_url")
		// A token of another purpose, or a tampered one, does not confirm.
		for _, bad := range []string{strings.Replace(confirm, ".c.", ".m.", 1), confirm + "x", "1.c.0.aaaa", ""} {
			if _, err := w.a.Subscriptions.Confirm(ctx, bad); desk.ErrorCode(err) != desk.EUNAUTHORIZED {
				t.Errorf("Confirm(%q) = %v, want EUNAUTHORIZED", bad, err)
			}
		}
		// Looking at the link changes nothing.
		if v, err := w.a.Subscriptions.SubscriberByLink(ctx, confirm, app.LinkConfirm); err != nil || v.Confirmed {
			t.Fatalf("SubscriberByLink = %+v, %v", v, err)
		}
		// Signing up again before confirming: the same answer, a new confirmation.
		if err := w.a.Subscriptions.Subscribe(ctx, in); err != nil {
			t.Fatal(err)
		}
		one(t, w.deliver(t), desk.NotifySubscriberConfirm)
		if v, err := w.a.Subscriptions.Confirm(ctx, confirm); err != nil || !v.Confirmed || v.Email != "ann@example.test" {
			t.Fatalf("Confirm = %+v, %v", v, err)
		}
		if _, err := w.a.Subscriptions.Confirm(ctx, confirm); err != nil {
			t.Fatalf("confirming twice: %v", err)
		}
		// The second confirmation, still queued when the first was used, is not sent.
		if n, _ := w.a.Subscriptions.QueueNotice(ctx, w.notice(w.mail.ID)); n != 1 {
			t.Fatalf("after confirming, a notice queued %d", n)
		}
		one(t, w.deliver(t), desk.NotifySubscriberNotice)

		// Signing up a confirmed address again: the same answer, its manage link, no change.
		in2 := desk.SubscriberInput{Email: "ann@example.test", Locale: "nl", All: true}
		if err := w.a.Subscriptions.Subscribe(ctx, in2); err != nil {
			t.Fatalf("signing up again: %v", err)
		}
		m := one(t, w.deliver(t), desk.NotifySubscriberManage)
		if m.Locale != desk.LocaleEN || m.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" {
			t.Errorf("manage message in %q with headers %v", m.Locale, m.Headers)
		}
		token(t, m, "manage_url")
		if n, _ := w.a.Subscriptions.QueueNotice(ctx, w.notice(w.web.ID)); n != 0 {
			t.Errorf("signing up again changed the components: %d queued", n)
		}
	})
}

// A confirmation link expires after SubscriberConfirmTTL, and a confirmation still queued
// then is not sent.
func TestSubscribeConfirmExpires(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newSubsWorld(t, db)
		ctx := context.Background()
		if err := w.a.Subscriptions.Subscribe(ctx, desk.SubscriberInput{Email: "bo@example.test", Locale: "nl", All: true}); err != nil {
			t.Fatal(err)
		}
		confirm := token(t, one(t, w.deliver(t), desk.NotifySubscriberConfirm), "confirm_url")
		if err := w.a.Subscriptions.Subscribe(ctx, desk.SubscriberInput{Email: "bo@example.test", Locale: "nl", All: true}); err != nil {
			t.Fatal(err)
		}
		w.now = w.now.Add(app.SubscriberConfirmTTL)
		if got := w.deliver(t); len(got) != 0 {
			t.Errorf("an expired confirmation was sent: %d", len(got))
		}
		if _, err := w.a.Subscriptions.Confirm(ctx, confirm); !errors.Is(err, app.ErrSubscriberLinkExpired) {
			t.Fatalf("Confirm after %v = %v, want expired", app.SubscriberConfirmTTL, err)
		}
		w.now = w.now.Add(-time.Second)
		if _, err := w.a.Subscriptions.Confirm(ctx, confirm); err != nil {
			t.Fatalf("Confirm a second before it expires: %v", err)
		}
	})
}

// Bad input is EINVALID naming the field: the address, the language, a component that is
// not public or does not exist, no component chosen; nothing is stored or sent.
func TestSubscribeInput(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newSubsWorld(t, db)
		ctx := context.Background()
		long := strings.Repeat("a", 250) + "@x.test"
		for _, tc := range []struct {
			name        string
			in          desk.SubscriberInput
			field, rule string
		}{
			{"empty email", desk.SubscriberInput{Locale: "nl", All: true}, "email", "required"},
			{"no address", desk.SubscriberInput{Email: "ann", Locale: "nl", All: true}, "email", "email"},
			{"too long", desk.SubscriberInput{Email: long, Locale: "nl", All: true}, "email", "max_length"},
			{"language", desk.SubscriberInput{Email: "a@x.test", Locale: "de", All: true}, "locale", "one_of"},
			{"clients-only component", desk.SubscriberInput{Email: "a@x.test", Locale: "nl", Components: []string{fmt.Sprint(w.secret.ID)}}, "components", "exists"},
			{"unknown component", desk.SubscriberInput{Email: "a@x.test", Locale: "nl", Components: []string{"99999"}}, "components", "exists"},
			{"not a number", desk.SubscriberInput{Email: "a@x.test", Locale: "nl", Components: []string{"x"}}, "components", "exists"},
			{"nothing chosen", desk.SubscriberInput{Email: "a@x.test", Locale: "nl"}, "components", "required"},
		} {
			err := w.a.Subscriptions.Subscribe(ctx, tc.in)
			var de *desk.Error
			if !errors.As(err, &de) || de.Code != desk.EINVALID || len(de.Fields) == 0 || de.Fields[0].Field != tc.field || de.Fields[0].Rule != tc.rule {
				t.Errorf("%s: %v, want %s/%s", tc.name, err, tc.field, tc.rule)
			}
		}
		if got := w.deliver(t); len(got) != 0 {
			t.Errorf("bad input sent %d emails", len(got))
		}
	})
}

// The manage link changes the language and components; the unsubscribe link (and the
// manage link) end the subscription, after which no link works, queued notices are
// skipped and a new sign-up starts over with a new confirmation.
func TestSubscriptionManageAndUnsubscribe(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newSubsWorld(t, db)
		ctx := context.Background()
		subscribe := func(email string) {
			t.Helper()
			if err := w.a.Subscriptions.Subscribe(ctx, desk.SubscriberInput{Email: email, Locale: "nl", All: true}); err != nil {
				t.Fatal(err)
			}
			if _, err := w.a.Subscriptions.Confirm(ctx, token(t, one(t, w.deliver(t), desk.NotifySubscriberConfirm), "confirm_url")); err != nil {
				t.Fatal(err)
			}
		}
		subscribe("cy@example.test")
		w.a.Subscriptions.QueueNotice(ctx, w.notice(w.web.ID))
		n := one(t, w.deliver(t), desk.NotifySubscriberNotice)
		if n.Locale != desk.LocaleNL || n.Payload["name"] != "Storing" || n.Payload["body"] != "We zoeken het uit." {
			t.Errorf("notice in %q: %v", n.Locale, n.Payload)
		}
		manage, unsub := token(t, n, "manage_url"), token(t, n, "unsubscribe_url")
		if lu := n.Headers["List-Unsubscribe"]; lu != "<"+n.Payload["unsubscribe_url"].(string)+">" {
			t.Errorf("List-Unsubscribe %q", lu)
		}
		if _, err := w.a.Subscriptions.Manage(ctx, unsub, desk.SubscriberInput{Locale: "en", All: true}); desk.ErrorCode(err) != desk.EUNAUTHORIZED {
			t.Errorf("Manage with the unsubscribe link: %v", err)
		}
		if _, err := w.a.Subscriptions.Manage(ctx, manage, desk.SubscriberInput{Locale: "en", Components: []string{fmt.Sprint(w.secret.ID)}}); desk.ErrorCode(err) != desk.EINVALID {
			t.Errorf("Manage to a clients-only component: %v", err)
		}
		v, err := w.a.Subscriptions.Manage(ctx, manage, desk.SubscriberInput{Locale: "en", Components: []string{fmt.Sprint(w.mail.ID)}})
		if err != nil || v.Locale != desk.LocaleEN || v.All || len(v.Components) != 1 {
			t.Fatalf("Manage = %+v, %v", v, err)
		}
		if q, _ := w.a.Subscriptions.QueueNotice(ctx, w.notice(w.web.ID)); q != 0 {
			t.Errorf("a notice of a component no longer followed queued %d", q)
		}
		w.a.Subscriptions.QueueNotice(ctx, w.notice(w.mail.ID, w.web.ID))
		// Unsubscribing before delivery: the queued notice is skipped.
		if err := w.a.Subscriptions.Unsubscribe(ctx, unsub); err != nil {
			t.Fatal(err)
		}
		if got := w.deliver(t); len(got) != 0 {
			t.Errorf("%d emails after unsubscribing", len(got))
		}
		for _, tok := range []string{manage, unsub} {
			if _, err := w.a.Subscriptions.SubscriberByLink(ctx, tok, app.LinkManage); desk.ErrorCode(err) != desk.EUNAUTHORIZED {
				t.Errorf("a link after unsubscribing: %v", err)
			}
		}
		// A new subscription of the same address: the old links do not work for it.
		subscribe("cy@example.test")
		if err := w.a.Subscriptions.Unsubscribe(ctx, unsub); desk.ErrorCode(err) != desk.EUNAUTHORIZED {
			t.Errorf("an old unsubscribe link ended the new subscription: %v", err)
		}
		// The manage link unsubscribes too.
		w.a.Subscriptions.QueueNotice(ctx, w.notice())
		m2 := token(t, one(t, w.deliver(t), desk.NotifySubscriberNotice), "manage_url")
		if err := w.a.Subscriptions.Unsubscribe(ctx, m2); err != nil {
			t.Fatalf("unsubscribe with the manage link: %v", err)
		}
		if q, _ := w.a.Subscriptions.QueueNotice(ctx, w.notice()); q != 0 {
			t.Errorf("queued %d after unsubscribing", q)
		}
	})
}

// The fan-out writes one email per confirmed subscriber who follows everything or any of
// the notice's components, in their language, and none to the rest.
func TestQueueSubscriberNoticesMatches(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newSubsWorld(t, db)
		ctx := context.Background()
		add := func(email, locale string, all bool, comps ...int64) { w.subscribe(t, email, locale, all, comps...) }
		add("all@x.test", "en", true)
		add("mail@x.test", "nl", false, w.mail.ID)
		add("both@x.test", "en", false, w.mail.ID, w.web.ID)
		add("web@x.test", "nl", false, w.web.ID)
		if err := w.a.Subscriptions.Subscribe(ctx, desk.SubscriberInput{Email: "pending@x.test", Locale: "nl", All: true}); err != nil {
			t.Fatal(err)
		}
		w.deliver(t)
		if n, err := w.a.Subscriptions.QueueNotice(ctx, w.notice(w.mail.ID)); err != nil || n != 3 {
			t.Fatalf("queued %d (%v), want 3", n, err)
		}
		got := map[string]string{}
		for _, e := range w.deliver(t) {
			if _, dup := got[e.To.Email]; dup {
				t.Errorf("%s got two", e.To.Email)
			}
			got[e.To.Email] = fmt.Sprint(e.Locale, " ", e.Payload["name"])
		}
		want := map[string]string{"all@x.test": "en Outage", "mail@x.test": "nl Storing", "both@x.test": "en Outage"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("sent %v, want %v", got, want)
		}
	})
}
