package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
	"meldpunt/internal/web/console"
)

// TestResetEndsCredentials: a newer reset link voids the older ones; a reset signs the
// user out everywhere, and revokes their API tokens when they tick the box (issue 10,
// finding 4).
func TestResetEndsCredentials(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		u := e.acmeUser
		token, _, err := e.app.Identity.CreateToken(context.Background(), desk.SystemActor("test"), u.ID, "cli")
		if err != nil {
			t.Fatal(err)
		}
		meStatus := func() int {
			c := e.client()
			c.header.Set("Authorization", "Bearer "+token)
			return c.get("/api/v1/me").status
		}
		if st := meStatus(); st != http.StatusOK {
			t.Fatalf("the token does not work to begin with: %d", st)
		}
		b1, b2 := e.client(), e.client()
		b1.signIn(u)
		b2.signIn(u)

		c := e.client()
		forgot := func() *url.URL {
			t.Helper()
			expect(t, c.submit("/password/forgot", "/password/forgot", url.Values{"email": {u.Email}}), http.StatusOK)
			l, err := url.Parse(resetLink(t, e, db, u))
			if err != nil {
				t.Fatal(err)
			}
			return l
		}
		older, newer := forgot(), forgot()
		if older.Query().Get("token") == newer.Query().Get("token") {
			t.Fatal("the same link twice")
		}
		reset := func(l *url.URL, revoke bool) page {
			form := url.Values{"token": {l.Query().Get("token")}, "password": {"a brand new password"}, "password2": {"a brand new password"}}
			if revoke {
				form.Set("revoke_tokens", "1")
			}
			return c.submit(l.RequestURI(), "/password/reset", form)
		}
		expect(t, c.get(newer.RequestURI()), http.StatusOK, `name="revoke_tokens"`, "API-tokens")
		expect(t, reset(older, true), http.StatusUnprocessableEntity, "Deze link werkt niet")
		for _, b := range []*client{b1, b2} {
			if p := b.get("/incidents"); p.status != http.StatusOK {
				t.Fatalf("a refused link signed the user out: %d", p.status)
			}
		}
		if p := reset(newer, true); p.status != http.StatusSeeOther || p.location != "/login" {
			t.Fatalf("reset with the newer link: %d %q\n%s", p.status, p.location, p.body)
		}
		for i, b := range []*client{b1, b2} {
			if p := b.get("/incidents"); p.status != http.StatusSeeOther {
				t.Errorf("browser %d is still signed in: %d", i+1, p.status)
			}
		}
		if st := meStatus(); st != http.StatusUnauthorized {
			t.Errorf("the API token still works after a reset that revoked it: %d", st)
		}
		// Without the box ticked, the tokens stay.
		token2, _, err := e.app.Identity.CreateToken(context.Background(), desk.SystemActor("test"), u.ID, "cli")
		if err != nil {
			t.Fatal(err)
		}
		token = token2
		if p := reset(forgot(), false); p.status != http.StatusSeeOther {
			t.Fatalf("reset: %d", p.status)
		}
		if st := meStatus(); st != http.StatusOK {
			t.Errorf("a reset without the box revoked the token: %d", st)
		}
	})
}

// TestPasswordChangeSignsOutElsewhere: a user who changes their password in one browser
// stays signed in there, and their other browsers are signed out (issue 10, finding 4).
func TestPasswordChangeSignsOutElsewhere(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		here, elsewhere := e.client(), e.client()
		here.signIn(e.acmeUser)
		elsewhere.signIn(e.acmeUser)
		csrf := csrfFor(t, here.get("/incidents"), "/logout")
		p := here.raw(http.MethodPatch, "/api/v1/users/"+strconv.FormatInt(e.acmeUser.ID, 10), `{"password":"a brand new password"}`,
			map[string]string{"Content-Type": "application/json", "X-CSRF-Token": csrf})
		if p.status != http.StatusOK {
			t.Fatalf("change the password: %d %s", p.status, p.body)
		}
		if p := here.get("/incidents"); p.status != http.StatusOK {
			t.Errorf("the browser that changed it was signed out: %d", p.status)
		}
		if p := elsewhere.get("/incidents"); p.status != http.StatusSeeOther {
			t.Errorf("the other browser is still signed in: %d", p.status)
		}
	})
}

// TestAccountPassword: a signed-in person changes their password after giving the
// current one; their other browsers are signed out, this one stays, and the box revokes
// their API tokens (issue 10, finding 4).
func TestAccountPassword(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		u := e.acmeUser
		token, _, err := e.app.Identity.CreateToken(context.Background(), desk.SystemActor("test"), u.ID, "cli")
		if err != nil {
			t.Fatal(err)
		}
		here, elsewhere := e.client(), e.client()
		here.signIn(u)
		elsewhere.signIn(u)
		expect(t, here.get("/incidents"), http.StatusOK, `href="/account/password"`)
		expect(t, here.get("/account/password"), http.StatusOK, `name="current"`, `name="revoke_tokens"`, "Wachtwoord wijzigen")
		change := func(current, pw, pw2 string, revoke bool) page {
			form := url.Values{"current": {current}, "password": {pw}, "password2": {pw2}}
			if revoke {
				form.Set("revoke_tokens", "1")
			}
			return here.submit("/account/password", "/account/password", form)
		}
		p := change("not my password", "a brand new password", "a brand new password", true)
		expect(t, p, http.StatusUnprocessableEntity, `id="current-error"`, "Dit is niet uw huidige wachtwoord.", `name="revoke_tokens" value="1" aria-describedby="revoke_tokens-hint" checked`)
		expectNot(t, p, "not my password", "a brand new password")
		expect(t, change(password, "a brand new password", "another one entirely", false), http.StatusUnprocessableEntity, `id="password2-error"`)
		expect(t, change(password, "short", "short", false), http.StatusUnprocessableEntity, `id="password-error"`)
		if p := elsewhere.get("/incidents"); p.status != http.StatusOK {
			t.Fatalf("a refused change signed the other browser out: %d", p.status)
		}

		p = change(password, "a brand new password", "a brand new password", true)
		if p.status != http.StatusSeeOther || p.location != "/account/password" {
			t.Fatalf("change: %d %q\n%s", p.status, p.location, p.body)
		}
		expect(t, here.get(p.location), http.StatusOK, "Uw wachtwoord is gewijzigd.")
		if p := elsewhere.get("/incidents"); p.status != http.StatusSeeOther {
			t.Errorf("the other browser is still signed in: %d", p.status)
		}
		api := e.client()
		api.header.Set("Authorization", "Bearer "+token)
		if p := api.get("/api/v1/me"); p.status != http.StatusUnauthorized {
			t.Errorf("the API token still works: %d", p.status)
		}
		expect(t, e.client().submit("/login", "/login", url.Values{"email": {u.Email}, "password": {password}}), http.StatusUnauthorized)
		if p := e.client().submit("/login", "/login", url.Values{"email": {u.Email}, "password": {"a brand new password"}}); p.status != http.StatusSeeOther {
			t.Errorf("sign in with the new password: %d", p.status)
		}
	})
}

// TestAccountPasswordThrottle: guessing the current password in a browser left signed
// in counts as failed sign-ins of the account.
func TestAccountPasswordThrottle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.client()
		c.signIn(e.acmeUser2)
		csrf := csrfFor(t, c.get("/account/password"), "/account/password")
		guess := url.Values{"csrf": {csrf}, "current": {"guess"}, "password": {"a brand new password"}, "password2": {"a brand new password"}}
		for i := range console.SignInsPerAccount - 1 {
			if p := c.post("/account/password", guess); p.status != http.StatusUnprocessableEntity {
				t.Fatalf("guess %d: %d", i+1, p.status)
			}
		}
		expect(t, e.client().submit("/login", "/login", url.Values{"email": {e.acmeUser2.Email}, "password": {"guess"}}), http.StatusUnauthorized)
		guess.Set("current", password)
		expect(t, c.post("/account/password", guess), http.StatusTooManyRequests, "voor dit account")
	})
}
