package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

func TestLanguage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)

		t.Run("Accept-Language", func(t *testing.T) {
			c := e.client()
			c.header.Set("Accept-Language", "en-GB,en;q=0.9")
			p := c.get("/login")
			expect(t, p, http.StatusOK, `<html lang="en">`, "Sign in", "Email address", "Forgot your password?")
			expectNot(t, p, "Wachtwoord")
			c.header.Set("Accept-Language", "fr, en;q=0.5, nl;q=0.8")
			expect(t, c.get("/login"), http.StatusOK, `<html lang="nl">`, "Inloggen")
			c.header.Set("Accept-Language", "de")
			expect(t, c.get("/login"), http.StatusOK, `<html lang="nl">`)
		})

		t.Run("?lang= wins and is remembered", func(t *testing.T) {
			c := e.client()
			c.header.Set("Accept-Language", "en")
			p := c.get("/login?lang=nl")
			expect(t, p, http.StatusOK, `<html lang="nl">`, "Inloggen", `href="/login?lang=en"`)
			if !strings.Contains(p.header.Get("Set-Cookie")+strings.Join(p.header.Values("Set-Cookie"), ";"), "lang=nl") {
				t.Errorf("no lang cookie: %q", p.header.Values("Set-Cookie"))
			}
			expect(t, c.get("/password/forgot"), http.StatusOK, `<html lang="nl">`, "Wachtwoord vergeten")
			expect(t, c.get("/password/forgot?lang=en"), http.StatusOK, `<html lang="en">`, "Forgot your password")
			expect(t, c.get("/login"), http.StatusOK, `<html lang="en">`)
			// Error pages speak the language too.
			c.signIn(e.acmeUser)
			expect(t, c.get("/incidents/"+e.globexInc.Number), http.StatusNotFound, "Not found")
		})

		t.Run("timeline events in the reader's language", func(t *testing.T) {
			c := e.client()
			c.signIn(e.acmeUser) // Dutch in the profile
			expect(t, c.get("/incidents/"+e.acmeInc.Number), http.StatusOK, "Gemeld via Telefoon, prioriteit P2.")
			expectNot(t, c.get("/incidents/"+e.acmeInc.Number), "Registered via")
			expect(t, c.get("/incidents/"+e.acmeInc.Number+"?lang=en"), http.StatusOK, "Registered via Phone, priority P2.")
		})

		t.Run("the user's own language, and the switch", func(t *testing.T) {
			c := e.client()
			c.signIn(e.acmeAdmin) // English in the profile
			p := c.get("/incidents")
			expect(t, p, http.StatusOK, `<html lang="en">`, "My incidents", "Signed in as Carla Acme")
			// The switch needs the session's token.
			expect(t, c.post("/language", url.Values{"lang": {"nl"}, "next": {"/incidents"}}), http.StatusForbidden)
			p = c.post("/language", url.Values{"csrf": {csrfFor(t, p, "/language")}, "lang": {"nl"}, "next": {"/incidents?q=x"}})
			if p.status != http.StatusSeeOther || p.location != "/incidents?q=x" {
				t.Fatalf("switch: %d %q", p.status, p.location)
			}
			expect(t, c.get("/incidents"), http.StatusOK, `<html lang="nl">`, "Ingelogd als Carla Acme")
			u, err := e.app.Identity.User(context.Background(), desk.SystemActor("test"), e.acmeAdmin.ID)
			if err != nil {
				t.Fatal(err)
			}
			if u.Locale != desk.LocaleNL {
				t.Errorf("the profile's language is %q after switching to nl", u.Locale)
			}
			// Another device, without the cookie, follows the profile.
			other := e.client()
			other.header.Set("Accept-Language", "en")
			other.signIn(e.acmeAdmin)
			expect(t, other.get("/incidents"), http.StatusOK, `<html lang="nl">`)
			// next stays on this site.
			p = c.post("/language", url.Values{"csrf": {csrfFor(t, c.get("/incidents"), "/language")}, "lang": {"en"}, "next": {"//evil.example"}})
			if p.location != "/" {
				t.Errorf("switch with a foreign next went to %q", p.location)
			}
		})
	})
}

func TestStatic(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.client()
		p := c.get("/login")
		i := strings.Index(p.body, `href="/static/`)
		if i < 0 {
			t.Fatal("no stylesheet link")
		}
		href := p.body[i+len(`href="`):]
		href = href[:strings.IndexByte(href, '"')]
		css := c.get(href)
		expect(t, css, http.StatusOK, "white-space: pre-wrap")
		if ct := css.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
			t.Errorf("Content-Type %q", ct)
		}
		if cc := css.header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") || !strings.Contains(cc, "immutable") {
			t.Errorf("Cache-Control %q", cc)
		}
		if cc := p.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("a page's Cache-Control is %q", cc)
		}
		parts := strings.Split(href, "/") // "", static, checksum, name
		expect(t, c.get("/static/0000000000000000/"+parts[3]), http.StatusNotFound)
		expect(t, c.get("/static/"+parts[2]+"/nothing.css"), http.StatusNotFound)
	})
}
