package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

func TestSignIn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)

		t.Run("anonymous pages lead to the sign-in page", func(t *testing.T) {
			c := e.client()
			p := c.get("/")
			if p.status != http.StatusSeeOther || p.location != "/login" {
				t.Fatalf("GET /: %d %q", p.status, p.location)
			}
			p = c.get("/incidents?state=new")
			if p.status != http.StatusSeeOther || p.location != "/login?next="+url.QueryEscape("/incidents?state=new") {
				t.Fatalf("GET /incidents: %d %q", p.status, p.location)
			}
			expect(t, c.get("/login"), http.StatusOK, `<html lang="nl">`, "Inloggen", `name="email"`, `name="password"`)
		})

		t.Run("success", func(t *testing.T) {
			c := e.client()
			c.signIn(e.agent)
			p := c.get("/incidents")
			expect(t, p, http.StatusOK, "Guus Agent", e.acmeInc.Title)
			// Signed in, the sign-in page goes on to the incidents.
			if p := c.get("/login"); p.status != http.StatusSeeOther || p.location != "/incidents" {
				t.Errorf("GET /login signed in: %d %q", p.status, p.location)
			}
			if p := c.get("/"); p.location != "/incidents" {
				t.Errorf("GET / signed in: %q", p.location)
			}
		})

		t.Run("failure keeps the email and says one thing", func(t *testing.T) {
			c := e.client()
			for _, email := range []string{e.agent.Email, "nobody@example.com"} {
				p := c.submit("/login", "/login", url.Values{"email": {email}, "password": {"wrong password!"}})
				expect(t, p, http.StatusUnauthorized, "Het e-mailadres of het wachtwoord klopt niet.", `value="`+email+`"`)
				expectNot(t, p, "wrong password!")
			}
			if p := c.get("/incidents"); p.status != http.StatusSeeOther {
				t.Errorf("after a failed sign-in, /incidents answers %d", p.status)
			}
		})

		t.Run("next goes back to a local page only", func(t *testing.T) {
			for next, want := range map[string]string{
				"/incidents/" + e.acmeInc.Number: "/incidents/" + e.acmeInc.Number,
				"//evil.example/x":               "/incidents",
				"https://evil.example/":          "/incidents",
				"/\\evil.example":                "/incidents",
			} {
				c := e.client()
				p := c.submit("/login?next="+url.QueryEscape(next), "/login",
					url.Values{"email": {e.agent.Email}, "password": {password}, "next": {next}})
				if p.status != http.StatusSeeOther || p.location != want {
					t.Errorf("next %q: %d %q, want %q", next, p.status, p.location, want)
				}
			}
		})

		t.Run("CSRF", func(t *testing.T) {
			c := e.client()
			c.get("/login") // sets the double-submit cookie
			form := url.Values{"email": {e.agent.Email}, "password": {password}}
			expect(t, c.post("/login", form), http.StatusForbidden, "Formulier verlopen")
			form.Set("csrf", "wrong-wrong-wrong-wrong-wrong-wrong-wrong")
			expect(t, c.post("/login", form), http.StatusForbidden)
			// A fresh client with no cookie at all, but a token in the form.
			expect(t, e.client().post("/login", form), http.StatusForbidden)
			// A browser's cross-site post is refused even with the right token.
			form.Set("csrf", csrfFor(t, c.get("/login"), "/login"))
			c.header.Set("Sec-Fetch-Site", "cross-site")
			expect(t, c.post("/login", form), http.StatusForbidden, "andere website")
			c.header.Del("Sec-Fetch-Site")
			c.header.Set("Origin", "http://evil.example")
			expect(t, c.post("/login", form), http.StatusForbidden)
			c.header.Del("Origin")
			if p := c.post("/login", form); p.status != http.StatusSeeOther {
				t.Errorf("with the right token: %d", p.status)
			}
		})

		t.Run("logout", func(t *testing.T) {
			c := e.client()
			c.signIn(e.acmeUser)
			p := c.get("/incidents")
			csrf := csrfFor(t, p, "/logout")
			expect(t, c.post("/logout", url.Values{}), http.StatusForbidden)
			expect(t, c.post("/logout", url.Values{"csrf": {"nope"}}), http.StatusForbidden)
			if p := c.get("/incidents"); p.status != http.StatusOK {
				t.Fatalf("a refused logout signed out anyway: %d", p.status)
			}
			p = c.post("/logout", url.Values{"csrf": {csrf}})
			if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/login") {
				t.Fatalf("logout: %d %q", p.status, p.location)
			}
			if p := c.get("/incidents"); p.status != http.StatusSeeOther {
				t.Errorf("after logout /incidents answers %d", p.status)
			}
			expect(t, c.get(p.location), http.StatusOK, "U bent uitgelogd.")
		})
	})
}

func TestSignInThrottle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.client()
		bad := url.Values{"email": {e.agent.Email}, "password": {"not the password"}}
		for i := range 10 {
			if p := c.submit("/login", "/login", bad); p.status != http.StatusUnauthorized {
				t.Fatalf("attempt %d: %d", i+1, p.status)
			}
		}
		p := c.submit("/login", "/login", bad)
		expect(t, p, http.StatusTooManyRequests, "te vaak", `value="`+e.agent.Email+`"`)
		// The right password does not get through either, from this address.
		good := url.Values{"email": {e.agent.Email}, "password": {password}}
		expect(t, c.submit("/login", "/login", good), http.StatusTooManyRequests)
	})
}
