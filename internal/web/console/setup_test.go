package console_test

import (
	"net/http"
	"net/url"
	"testing"

	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

func TestSetup(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newServer(t, db)
		if e.setup == "" {
			t.Fatal("a new installation has no setup secret")
		}
		c := e.client()
		for _, path := range []string{"/", "/login"} {
			if p := c.get(path); p.status != http.StatusSeeOther || p.location != "/setup" {
				t.Fatalf("GET %s on a new installation: %d %q", path, p.status, p.location)
			}
		}
		// Without the token in the link, the page asks for it.
		expect(t, c.get("/setup"), http.StatusOK, `id="token"`, "Installatiecode")
		setupPage := "/setup?token=" + url.QueryEscape(e.setup)
		p := c.get(setupPage)
		expect(t, p, http.StatusOK, `type="hidden" name="token"`, `name="provider_name"`)

		form := url.Values{"token": {"wrong"}, "provider_name": {"Studio Noord"}, "name": {"Sanne"}, "email": {"sanne@studio.test"}, "password": {"a long password"}}
		p = c.submit(setupPage, "/setup", form)
		expect(t, p, http.StatusUnprocessableEntity, "Deze installatiecode klopt niet", `value="Studio Noord"`, `value="sanne@studio.test"`)
		expectNot(t, p, "a long password")

		form.Set("token", e.setup)
		form.Set("provider_name", "")
		form.Set("password", "short")
		p = c.submit(setupPage, "/setup", form)
		expect(t, p, http.StatusUnprocessableEntity, `id="provider_name-error"`, `id="password-error"`, `value="Sanne"`)

		form.Set("provider_name", "Studio Noord")
		form.Set("password", "a long password")
		p = c.submit(setupPage, "/setup", form)
		if p.status != http.StatusSeeOther || p.location != "/incidents" {
			t.Fatalf("setup: %d %q\n%s", p.status, p.location, p.body)
		}
		expect(t, c.get("/incidents"), http.StatusOK, "Sanne")

		// Done: the setup page is gone, and a second try changes nothing.
		other := e.client()
		if p := other.get(setupPage); p.status != http.StatusSeeOther || p.location != "/login" {
			t.Fatalf("GET /setup after setup: %d %q", p.status, p.location)
		}
		login := other.get("/login")
		p = other.post("/setup", url.Values{"csrf": {csrfFor(t, login, "/login")}, "token": {e.setup}, "provider_name": {"Evil"},
			"name": {"Eve"}, "email": {"eve@evil.test"}, "password": {"a long password"}})
		if p.status != http.StatusSeeOther || p.location != "/login" {
			t.Fatalf("second setup: %d %q", p.status, p.location)
		}
		expect(t, other.submit("/login", "/login", url.Values{"email": {"eve@evil.test"}, "password": {"a long password"}}), http.StatusUnauthorized)
	})
}
