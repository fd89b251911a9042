package console_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

func TestCalendarsAdmin(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		admin := e.client()
		admin.signIn(e.admin)
		// The built-in calendars are named in the page's language.
		p0 := admin.get("/calendars")
		expect(t, p0, http.StatusOK, "<h1>Kalenders</h1>", "<code>24x7</code>", "<code>business</code>", `href="/calendars/business"`,
			"Kantoortijden (maandag t/m vrijdag 08:30–17:30)", "Altijd open")
		expectNot(t, p0, "Business hours")
		expect(t, admin.get("/calendars?lang=en"), http.StatusOK, "Business hours (Monday–Friday 08:30–17:30)")
		admin.get("/calendars?lang=nl")
		expect(t, admin.get("/calendars/business"), http.StatusOK, `value="Kantoortijden (maandag t/m vrijdag 08:30–17:30)"`)
		expect(t, admin.get("/calendars/business"), http.StatusOK, `name="week.1" value="08:30-17:30"`, "Goede Vrijdag",
			`name="holiday.goede_vrijdag" value="1" checked`, "maandag")
		expect(t, admin.get("/calendars/business?lang=en"), http.StatusOK, "Good Friday", "Monday", "Opening hours")
		admin.get("/calendars?lang=nl")

		form := url.Values{"name": {"Kantoortijden"}, "zone": {"Europe/Amsterdam"}, "closed_days": {"2026-12-24\n"}}
		for _, d := range []string{"1", "2", "3", "4", "5"} {
			form.Set("week."+d, "08:30-17:30")
		}
		for _, h := range []string{"nieuwjaarsdag", "eerste_paasdag", "tweede_paasdag", "koningsdag", "bevrijdingsdag", "hemelvaartsdag",
			"eerste_pinksterdag", "tweede_pinksterdag", "eerste_kerstdag", "tweede_kerstdag"} {
			form.Set("holiday."+h, "1")
		}
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("week.2", "08:30-17:30, 19:00-18:00")
		p := admin.submit("/calendars/business", "/calendars/business", bad)
		expect(t, p, http.StatusUnprocessableEntity, `id="week.2-error"`, "Schrijf tijdvakken zoals", `value="08:30-17:30, 19:00-18:00"`, "2026-12-24")

		p = admin.submit("/calendars/business", "/calendars/business", form)
		if p.status != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", p.status, p.body)
		}
		expect(t, admin.get(p.location), http.StatusOK, "Kalender business is opgeslagen.")
		cs, err := e.app.SLA.Calendars(context.Background(), actor(e.admin))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.Slug != "business" {
				continue
			}
			if c.BuiltIn || slices.Contains(c.Holidays, "goede_vrijdag") || !slices.Equal(c.ClosedDays, []string{"2026-12-24"}) || c.Name != "Kantoortijden" || len(c.Week[1]) != 1 {
				t.Fatalf("saved: %+v", c)
			}
		}
		p = admin.get("/calendars/business")
		expect(t, p, http.StatusOK, `name="holiday.koningsdag" value="1" checked`, "2026-12-24")
		expectNot(t, p, `name="holiday.goede_vrijdag" value="1" checked`)

		// A new calendar, and the validation's errors next to their fields.
		nf := url.Values{"slug": {"Bad Slug"}, "name": {"Weekend"}, "week.6": {"10:00-14:00"}, "zone": {"Mars/Base"}}
		p = admin.submit("/calendars/new", "/calendars/new", nf)
		expect(t, p, http.StatusUnprocessableEntity, `id="slug-error"`, `id="zone-error"`, `value="Bad Slug"`)
		nf.Set("slug", "weekend")
		nf.Set("zone", "Europe/Amsterdam")
		p = admin.submit("/calendars/new", "/calendars/new", nf)
		if p.status != http.StatusSeeOther || p.location != "/calendars" {
			t.Fatalf("new: %d %q\n%s", p.status, p.location, p.body)
		}
		expect(t, admin.get(p.location+"?lang=en"), http.StatusOK, "The calendar weekend was saved.", "<code>weekend</code>")
		p = admin.submit("/calendars/new", "/calendars/new", nf)
		expect(t, p, http.StatusUnprocessableEntity, "A calendar with this code exists already.")
		// Without a code the name gives one; it must not overwrite a calendar either.
		nf.Set("slug", "")
		nf.Set("name", "Weekend")
		p = admin.submit("/calendars/new", "/calendars/new", nf)
		expect(t, p, http.StatusUnprocessableEntity, "A calendar with this code exists already.")

		// An agent reads a calendar: no form it could not save, and may not post one.
		agent := e.client()
		agent.signIn(e.agent)
		p = agent.get("/calendars/business")
		expect(t, p, http.StatusOK, "Kantoortijden", "Alleen beheerders kunnen kalenders wijzigen", "08:30–17:30", "Koningsdag", "2026-12-24")
		expectNot(t, p, `action="/calendars/business"`, `name="week.1"`, "<textarea")
		expect(t, agent.get("/calendars"), http.StatusOK, ">Bekijken<")
		expect(t, agent.post("/calendars/business", url.Values{"csrf": {csrfFor(t, p, "/logout")}}), http.StatusForbidden)
		expect(t, agent.get("/calendars/new"), http.StatusForbidden)
		c := e.client()
		c.signIn(e.acmeAdmin)
		expect(t, c.get("/calendars/business"), http.StatusForbidden)
		expect(t, admin.get("/calendars/nothing"), http.StatusNotFound)
	})
}
