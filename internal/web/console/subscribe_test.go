package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"meldpunt/internal/desk"
	"meldpunt/internal/store/storetest"
	"meldpunt/internal/web/console"
)

// subscribeEnv is a Meldpunt with one public component besides newEnv's clients-only
// Webshop.
func subscribeEnv(t *testing.T) (*env, desk.Component) {
	t.Helper()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	c, err := e.app.Components.Create(context.Background(), desk.SystemActor("test"), desk.Component{Name: "Hosting", Visibility: desk.VisibilityPublic})
	if err != nil {
		t.Fatal(err)
	}
	return e, c
}

// The sign-up form offers the public components only, and the answer to a valid sign-up
// is the same page whether the address is new, unconfirmed or confirmed.
func TestSubscribeDoesNotReveal(t *testing.T) {
	t.Parallel()
	e, hosting := subscribeEnv(t)
	c := e.client()
	p := c.get("/status/subscribe?lang=en")
	expect(t, p, http.StatusOK, "Hosting", `name="components" value="`+fmt.Sprint(hosting.ID)+`"`)
	expectNot(t, p, "Webshop")
	form := func() url.Values {
		return url.Values{"email": {"ann@example.test"}, "locale": {"en"}, "scope": {"all"}}
	}
	first := c.submit("/status/subscribe", "/status/subscribe", form())
	expect(t, first, http.StatusOK, "Check your mailbox", "ann@example.test")
	second := c.submit("/status/subscribe", "/status/subscribe", form())
	// Confirm the address, then sign it up again.
	bg := context.Background()
	p2, err := e.app.Outbox.List(bg, desk.SystemActor("test"), desk.OutboxFilter{Limit: 1})
	if err != nil || len(p2.Items) == 0 || p2.Items[0].Kind != desk.NotifySubscriberConfirm {
		t.Fatalf("outbox %+v (%v)", p2.Items, err)
	}
	third := c.submit("/status/subscribe", "/status/subscribe", form())
	if first.body != second.body || second.body != third.body || first.status != third.status {
		t.Errorf("the answers differ:\n%s\n----\n%s", first.body, third.body)
	}
}

// Bad input shows the form again with the message next to the field and the input kept;
// the clients-only component is refused like an unknown one; a form without its CSRF
// token is refused.
func TestSubscribeBadInput(t *testing.T) {
	t.Parallel()
	e, hosting := subscribeEnv(t)
	webshop, err := e.app.Components.List(context.Background(), desk.SystemActor("test"), 0)
	if err != nil {
		t.Fatal(err)
	}
	var secret int64
	for _, c := range webshop {
		if c.Name == "Webshop" {
			secret = c.ID
		}
	}
	long := strings.Repeat("a", 250) + "@x.test"
	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
		id     string // the element of the message
		kept   string
	}{
		{"empty", url.Values{"email": {""}, "locale": {"nl"}, "scope": {"all"}}, 422, "email-error", ""},
		{"no address", url.Values{"email": {"ann"}, "locale": {"nl"}, "scope": {"all"}}, 422, "email-error", `value="ann"`},
		{"too long", url.Values{"email": {long}, "locale": {"nl"}, "scope": {"all"}}, 422, "email-error", long},
		{"a NUL", url.Values{"email": {"a\x00b@x.test"}, "locale": {"nl"}, "scope": {"all"}}, 422, "email-error", ""},
		{"language", url.Values{"email": {"b@x.test"}, "locale": {"xx"}, "scope": {"all"}}, 422, "locale-error", `value="b@x.test"`},
		{"clients-only component", url.Values{"email": {"c@x.test"}, "locale": {"nl"}, "scope": {"chosen"}, "components": {fmt.Sprint(secret)}}, 422, "components-error", ""},
		{"unknown component", url.Values{"email": {"d@x.test"}, "locale": {"nl"}, "scope": {"chosen"}, "components": {"x"}}, 422, "components-error", ""},
		{"nothing chosen", url.Values{"email": {"e@x.test"}, "locale": {"nl"}, "scope": {"chosen"}}, 422, "components-error", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := e.client()
			p := c.submit("/status/subscribe", "/status/subscribe", tc.form)
			expect(t, p, tc.status, `id="`+tc.id+`"`, tc.kept)
			expectNot(t, p, "Webshop")
		})
	}
	c := e.client()
	c.get("/status/subscribe")
	p := c.post("/status/subscribe", url.Values{"email": {"a@x.test"}, "locale": {"nl"}, "scope": {"all"}})
	if p.status != http.StatusForbidden {
		t.Errorf("without a CSRF token: %d", p.status)
	}
	// The chosen component is kept ticked.
	p = c.submit("/status/subscribe", "/status/subscribe", url.Values{"email": {"bad"}, "locale": {"en"}, "scope": {"chosen"}, "components": {fmt.Sprint(hosting.ID)}})
	expect(t, p, 422, `value="`+fmt.Sprint(hosting.ID)+`" checked`, `id="scope-chosen" name="scope" value="chosen" checked`, `value="en" checked`)
	if list, _ := e.app.Outbox.List(context.Background(), desk.SystemActor("test"), desk.OutboxFilter{}); len(list.Items) != 0 {
		for _, n := range list.Items {
			if desk.IsSubscriberKind(n.Kind) {
				t.Errorf("bad input queued %s", n.Kind)
			}
		}
	}
}

// Sign-ups are throttled per email address and per client address, with a message of
// their own (429) and the input kept.
func TestSubscribeThrottled(t *testing.T) {
	t.Parallel()
	e, _ := subscribeEnv(t)
	c := e.client()
	form := func(email string) url.Values {
		return url.Values{"email": {email}, "locale": {"en"}, "scope": {"all"}}
	}
	for i := range console.SignUpsPerEmail {
		if p := c.submit("/status/subscribe?lang=en", "/status/subscribe", form("same@x.test")); p.status != http.StatusOK {
			t.Fatalf("sign-up %d: %d", i+1, p.status)
		}
	}
	p := c.submit("/status/subscribe?lang=en", "/status/subscribe", form("same@x.test"))
	expect(t, p, http.StatusTooManyRequests, "Too many sign-ups for this email address", `value="same@x.test"`)
	if p.header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	for i := console.SignUpsPerEmail + 1; i < console.SignUpsPerAddress; i++ {
		if p := c.submit("/status/subscribe", "/status/subscribe", form(fmt.Sprintf("a%d@x.test", i))); p.status != http.StatusOK {
			t.Fatalf("sign-up %d from one address: %d", i+1, p.status)
		}
	}
	p = c.submit("/status/subscribe?lang=en", "/status/subscribe", form("another@x.test"))
	expect(t, p, http.StatusTooManyRequests, "Too many sign-ups from your network", `value="another@x.test"`)
}

// The one-click route takes only RFC 8058's body, and a link that does not work shows a
// page that says so (404), for the GET pages of every purpose.
func TestSubscriptionLinksRefuse(t *testing.T) {
	t.Parallel()
	e, _ := subscribeEnv(t)
	c := e.client()
	for _, path := range []string{"/status/confirm?token=1.c.0.abc", "/status/manage?token=x", "/status/unsubscribe?token=",
		"/status/confirm?token=" + strings.Repeat("1", 500)} {
		expect(t, c.get(path+"&lang=en"), http.StatusNotFound, "This link does not work")
	}
	for _, tc := range []struct{ name, path, body string }{
		{"no body", "/status/unsubscribe?token=1.u.0.abc", ""},
		{"another body", "/status/unsubscribe?token=1.u.0.abc", "List-Unsubscribe=Yes"},
		{"no token", "/status/unsubscribe", "List-Unsubscribe=One-Click"},
		{"a body over its limit", "/status/unsubscribe?token=1.u.0.abc", "List-Unsubscribe=One-Click&x=" + strings.Repeat("x", 2000)},
	} {
		if p := c.raw(http.MethodPost, tc.path, tc.body, nil); p.status < 400 || p.status >= 500 {
			t.Errorf("%s: %d", tc.name, p.status)
		}
	}
	// A forged link's one-click answers like any: the address receives nothing either way.
	expect(t, c.raw(http.MethodPost, "/status/unsubscribe?token=1.u.0.abc", "List-Unsubscribe=One-Click", nil), http.StatusOK)
}
