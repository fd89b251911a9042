package console_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
	"meldpunt/internal/web"
	"meldpunt/internal/web/console"
)

// preSignIn are the forms used before signing in: they carry the double-submit token of
// the form cookie, also without a session.
var preSignIn = map[string]bool{"POST /login": true, "POST /password/forgot": true, "POST /password/reset": true,
	"POST /setup": true, "POST /solution/{token}": true,
	"POST /status/subscribe": true, "POST /status/confirm": true, "POST /status/manage": true}

// tokenless are the unsafe routes that take no CSRF token by design: RFC 8058's one-click
// unsubscribe, which mail clients post without a cookie; the signed token in its URL is
// the credential (subscribe.go). TestSubscriptionLinksRefuse and
// TestBrowserSubscribe cover it.
var tokenless = map[string]bool{"POST /status/unsubscribe": true}

// anyone are the forms that do for anyone what they do: without a session there is nothing
// a forged request could act as.
var anyone = map[string]bool{"POST /logout": true, "POST /language": true}

// TestUnsafeRoutesNeedTheirToken walks every unsafe route the pages register: without the
// right token, from another site, or with a forged one, each is refused and nothing changes.
// A new route is covered as soon as it is registered; one whose path needs a value this
// test does not know fails it.
func TestUnsafeRoutesNeedTheirToken(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		_, confirm, _ := e.resolve(e.acmeInc2, "Restarted.")
		chg, err := e.app.Changes.Create(ctx, actor(e.agent), app.ChangeInput{Title: "Replace the disk", IncidentIDs: []int64{e.acmeInc.ID}})
		if err != nil {
			t.Fatal(err)
		}
		sup, err := e.app.Suppliers.Create(ctx, actor(e.admin), desk.Supplier{Name: "Hostio", Active: true})
		if err != nil {
			t.Fatal(err)
		}
		hook, err := e.app.Webhooks.Create(ctx, actor(e.admin), app.WebhookInput{URL: ptrTo("https://hooks.example.com/x"), Events: &[]string{desk.EventIncidentCreated}})
		if err != nil {
			t.Fatal(err)
		}
		pub, err := e.app.PublicIncidents.Create(ctx, actor(e.agent), app.NewPublicIncident{Name: desk.Texts{EN: "Outage"}, Body: desk.Texts{EN: "Looking."}})
		if err != nil {
			t.Fatal(err)
		}
		tpl, err := e.app.StatusTemplates.Create(ctx, actor(e.admin), app.StatusTemplateInput{Name: "Onderzoek", Status: desk.PublicInvestigating,
			Body: desk.Texts{NL: "We onderzoeken het."}})
		if err != nil {
			t.Fatal(err)
		}
		comps, err := e.app.Components.List(ctx, actor(e.admin), 0)
		if err != nil {
			t.Fatal(err)
		}
		mon, _, err := e.app.Monitors.Create(ctx, actor(e.admin), app.MonitorInput{ComponentID: comps[0].ID, Name: "Shop", Kind: "tcp",
			Settings: json.RawMessage(`{"host":"127.0.0.1","port":1}`)})
		if err != nil {
			t.Fatal(err)
		}
		view, err := e.app.SavedViews.Create(ctx, actor(e.admin), "Acme", "org=1")
		if err != nil {
			t.Fatal(err)
		}
		fill := func(pattern string) string {
			_, path, _ := strings.Cut(pattern, " ")
			for param, value := range map[string]string{
				"/incidents/{id}": "/incidents/" + e.acmeInc.Number, "/changes/{id}": "/changes/" + chg.Number,
				"/suppliers/{id}": "/suppliers/" + strconv.FormatInt(sup.ID, 10), "/admin/outbox/{id}": "/admin/outbox/1",
				"/solution/{token}": confirm, "/calendars/{slug}": "/calendars/business",
				"/admin/webhooks/{id}":         "/admin/webhooks/" + strconv.FormatInt(hook.ID, 10),
				"/public-incidents/{id}":       "/public-incidents/" + strconv.FormatInt(pub.ID, 10),
				"/admin/status-templates/{id}": "/admin/status-templates/" + strconv.FormatInt(tpl.ID, 10),
				"/monitors/{id}":               "/monitors/" + strconv.FormatInt(mon.ID, 10),
				"/components/{id}":             "/components/" + strconv.FormatInt(comps[0].ID, 10),
				"/queue/views/{view}":          "/queue/views/" + strconv.FormatInt(view.ID, 10),
			} {
				path = strings.Replace(path, param, value, 1)
			}
			if strings.Contains(path, "{") {
				t.Fatalf("%s: no value for its path's parameter; add one to this test", pattern)
			}
			return path
		}
		admin := e.client()
		admin.signIn(e.admin)
		token := csrfFor(t, admin.get("/incidents"), "/logout")
		before := e.snapshot()
		form := url.Values{"kind": {"reply"}, "body": {"forged"}, "to": {"closed"}, "action": {"confirm"}, "name": {"Forged"},
			"email": {e.admin.Email}, "password": {password}, "lang": {"en"}, "decision": {"approve"}, "incident": {e.acmeInc2.Number}}
		mux := web.NewMux()
		console.Register(mux, console.Deps{Texts: loadTexts(t)})
		routes := 0
		for _, pattern := range mux.Patterns() {
			method, _, _ := strings.Cut(pattern, " ")
			if method == http.MethodGet {
				continue
			}
			routes++
			path := fill(pattern)
			if tokenless[pattern] {
				continue
			}
			t.Run(pattern, func(t *testing.T) {
				// Signed in, every unsafe route wants a token: none, a forged one, or the
				// session's from another site are refused alike. A form the admin may never
				// post (a client's report) is refused before it is read, token and all.
				refusal := "Formulier verlopen"
				if pattern == "POST /report" {
					refusal = "Geen toegang"
				}
				expect(t, admin.post(path, form), http.StatusForbidden, refusal)
				forged := url.Values{"csrf": {"forged-forged-forged-forged-forged-forged"}}
				for k, v := range form {
					forged[k] = v
				}
				expect(t, admin.post(path, forged), http.StatusForbidden, refusal)
				admin.header.Set("Sec-Fetch-Site", "cross-site")
				withToken := url.Values{"csrf": {token}}
				for k, v := range form {
					withToken[k] = v
				}
				expect(t, admin.post(path, withToken), http.StatusForbidden, "andere website")
				admin.header.Del("Sec-Fetch-Site")

				// Anonymous: the forms used before signing in want the form cookie's token;
				// the others send to sign in, or do for anyone what they do.
				anon := e.client()
				anon.get("/password/forgot") // the form cookie, but no token in the form
				p := anon.post(path, form)
				switch {
				case preSignIn[pattern]:
					expect(t, p, http.StatusForbidden, "Formulier verlopen")
				case anyone[pattern]:
					if p.status != http.StatusSeeOther {
						t.Errorf("anonymous: %d, want 303", p.status)
					}
				default:
					if p.status != http.StatusSeeOther || p.location != "/login" {
						t.Errorf("anonymous: %d %q, want 303 to /login", p.status, p.location)
					}
				}
			})
		}
		// With its token but a body over the limit, every route that is not an upload
		// answers 413 (its form names the field, where it has one) and does nothing.
		formTok := csrfFor(t, admin.get("/password/forgot"), "/password/forgot")
		big := strings.Repeat("z", 1<<20)
		for _, pattern := range mux.Patterns() {
			if method, _, _ := strings.Cut(pattern, " "); method == http.MethodGet {
				continue
			}
			path := fill(pattern)
			if path == "/report" || path == "/intake" || strings.HasSuffix(path, "/attachments") {
				continue
			}
			tok := token
			if preSignIn[pattern] {
				tok = formTok
			}
			p := admin.raw(http.MethodPost, path, "csrf="+url.QueryEscape(tok)+"&lang=en&body="+big, nil)
			if p.status != http.StatusRequestEntityTooLarge {
				t.Errorf("%s with a body over the limit: %d, want 413\n%s", pattern, p.status, p.body)
			}
		}
		if routes < 25 {
			t.Fatalf("only %d unsafe routes: is the walk broken?", routes)
		}
		if after := e.snapshot(); after != before {
			t.Errorf("refused requests changed something: %s → %s", before, after)
		}
		expect(t, admin.get("/incidents"), http.StatusOK, "Ada Admin") // still signed in
	})
}

// snapshot sums up what a change would show: the audit log, the incidents' versions and
// timelines, the solution link's incident, the change requests and suppliers, the users.
func (e *env) snapshot() string {
	e.t.Helper()
	ctx, sys := context.Background(), desk.SystemActor("test")
	var b strings.Builder
	audit, err := e.app.Audit.List(ctx, sys, desk.AuditFilter{Limit: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	b.WriteString("audit " + strconv.Itoa(len(audit.Items)))
	for _, inc := range []desk.Incident{e.acmeInc, e.acmeInc2, e.globexInc} {
		now := e.state(inc.ID)
		tl, err := e.app.Incidents.Timeline(ctx, sys, inc.ID)
		if err != nil {
			e.t.Fatal(err)
		}
		b.WriteString(" " + now.Number + " v" + strconv.Itoa(now.Version) + " " + string(now.State) + " " + strconv.Itoa(len(tl)))
	}
	chs, err := e.app.Changes.List(ctx, sys, desk.ChangeFilter{Limit: 100})
	if err != nil {
		e.t.Fatal(err)
	}
	ss, err := e.app.Suppliers.List(ctx, sys, false)
	if err != nil {
		e.t.Fatal(err)
	}
	us, err := e.app.Identity.Users(ctx, sys, app.UserFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	hs, err := e.app.Webhooks.List(ctx, actor(e.admin))
	if err != nil {
		e.t.Fatal(err)
	}
	b.WriteString(" changes " + strconv.Itoa(len(chs.Items)) + " suppliers " + strconv.Itoa(len(ss)) + " users " + strconv.Itoa(len(us)) +
		" webhooks " + strconv.Itoa(len(hs)))
	for _, h := range hs {
		b.WriteString(" " + h.Secret + " " + h.UpdatedAt.String())
	}
	for _, u := range us {
		b.WriteString(" " + string(u.Locale))
	}
	return b.String()
}

// TestErrorPages: the errors of the pages, whoever raises them (the server for a URL no
// route claims, the wrapper, a handler), are one error page in the request's language.
func TestErrorPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		agent, cl, anon := e.client(), e.client(), e.client()
		agent.signIn(e.agent)
		cl.signIn(e.acmeUser)
		tok := csrfFor(t, agent.get("/incidents"), "/logout")
		for _, c := range []struct {
			name       string
			c          *client
			method     string
			path, body string
			header     map[string]string
			status     int
			texts      []string
			location   string
		}{
			{name: "a URL no route claims", c: anon, method: "GET", path: "/no/such/page", status: 404, texts: []string{"<h1>Niet gevonden</h1>", `<html lang="nl">`}},
			{name: "in the browser's language", c: anon, method: "GET", path: "/no/such/page", header: map[string]string{"Accept-Language": "en"},
				status: 404, texts: []string{"<h1>Not found</h1>", `<html lang="en">`, `href="/">Go to the start page`}},
			{name: "an object the actor may not see", c: cl, method: "GET", path: "/incidents/" + e.globexInc.Number, status: 404, texts: []string{"Niet gevonden"}},
			{name: "a page the role may not see", c: cl, method: "GET", path: "/queue", status: 403, texts: []string{"<h1>Geen toegang</h1>"}},
			{name: "a form without its token", c: agent, method: "POST", path: "/logout", status: 403, texts: []string{"<h1>Formulier verlopen</h1>"}},
			{name: "a form from another site", c: agent, method: "POST", path: "/logout", body: "csrf=" + tok,
				header: map[string]string{"Sec-Fetch-Site": "cross-site"}, status: 403, texts: []string{"andere website"}},
			{name: "a form that cannot be read", c: agent, method: "POST", path: "/incidents/" + e.acmeInc.Number + "/entries", body: "x",
				header: map[string]string{"Content-Type": "multipart/form-data", "X-CSRF-Token": tok}, status: 400, texts: []string{"<h1>Ongeldige invoer</h1>"}},
			{name: "a page that needs a sign-in", c: anon, method: "GET", path: "/queue", status: 303, location: "/login?next=%2Fqueue"},
		} {
			t.Run(c.name, func(t *testing.T) {
				p := c.c.raw(c.method, c.path, c.body, c.header)
				expect(t, p, c.status, c.texts...)
				if p.location != c.location {
					t.Errorf("location %q, want %q", p.location, c.location)
				}
				if c.status >= 400 && p.header.Get("Cache-Control") != "no-store" {
					t.Errorf("Cache-Control %q", p.header.Get("Cache-Control"))
				}
			})
		}
		expect(t, agent.get("/incidents"), http.StatusOK) // the refused sign-out signed nobody out
	})
}
