package console_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestStatusPage holds the public status page to what it must show, anonymously and in
// both languages: the provider's name, one banner per page indicator, the public groups and
// components with their status in words and a sign, and nothing of a clients-only
// component, nor a group that holds only such components.
func TestStatusPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx, sys := context.Background(), desk.SystemActor("test")
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		infra, err := e.app.Components.CreateGroup(ctx, sys, desk.ComponentGroup{Name: "Shared infrastructure", Position: 1})
		must(err)
		hidden, err := e.app.Components.CreateGroup(ctx, sys, desk.ComponentGroup{Name: "Acme dedicated rack", Position: 2})
		must(err)
		comp := func(name string, group *int64, vis desk.ComponentVisibility, clients ...int64) desk.Component {
			t.Helper()
			c, err := e.app.Components.Create(ctx, sys, desk.Component{Name: name, GroupID: group, Visibility: vis,
				Description: name + " description", ClientIDs: clients})
			must(err)
			return c
		}
		hosting := comp("Hosting", &infra.ID, desk.VisibilityPublic)
		comp("E-mail", &infra.ID, desk.VisibilityPublic)
		dns := comp("DNS", nil, desk.VisibilityPublic)
		secret := comp("Acme vault router", &infra.ID, desk.VisibilityClients, e.acme.ID)
		comp("Acme rack switch", &hidden.ID, desk.VisibilityClients, e.acme.ID)
		setStatus := func(c desk.Component, s desk.ComponentStatus) {
			t.Helper()
			_, err := e.app.Components.Update(ctx, sys, c.ID, app.ComponentPatch{Status: &s})
			must(err)
		}
		// The clients-only components are down: that must not move the banner.
		setStatus(secret, desk.StatusMajorOutage)

		get := func(t *testing.T, lang string) page {
			t.Helper()
			c := e.client()
			c.header.Set("Accept-Language", lang)
			return c.get("/status")
		}
		private := []string{"Acme vault router", "Acme rack switch", "Acme dedicated rack", "Webshop", "Acme Bakeries", "Globex"}

		t.Run("operational", func(t *testing.T) {
			p := get(t, "en-GB,en;q=0.9")
			expect(t, p, http.StatusOK, `<html lang="en">`, "<h1>Provider status</h1>", `data-indicator="none"`,
				"All systems operational", "<h2", "Components", "Shared infrastructure", "<ul", "<li><strong>Hosting</strong>",
				"E-mail", "DNS", "DNS description", "Operational", "No incidents reported.")
			expectNot(t, p, private...)
			if !strings.Contains(p.header.Get("Vary"), "Accept-Language") {
				t.Errorf("Vary %q: the language depends on Accept-Language", p.header.Get("Vary"))
			}
			// The loose component comes before the groups, so no group's heading holds it.
			if strings.Index(p.body, "<strong>DNS</strong>") > strings.Index(p.body, "Shared infrastructure") {
				t.Error("the component outside any group is listed under a group's heading")
			}
			nl := get(t, "nl")
			expect(t, nl, http.StatusOK, `<html lang="nl">`, "<h1>Status van Provider</h1>", "Alle systemen werken normaal",
				"Onderdelen", "Werkt normaal", "Er zijn geen storingen gemeld.")
			expectNot(t, nl, private...)
		})

		for _, tc := range []struct {
			status         desk.ComponentStatus
			indicator      string
			en, nl         string
			compEN, compNL string
			icon           string
		}{
			{desk.StatusDegradedPerformance, "minor", "Minor service outage", "Kleine verstoring", "Degraded performance", "Verminderde prestaties", "!"},
			{desk.StatusPartialOutage, "major", "Partial system outage", "Gedeeltelijke storing", "Partial outage", "Gedeeltelijke storing", "✕"},
			{desk.StatusMajorOutage, "critical", "Major system outage", "Grote storing", "Major outage", "Storing", "✕"},
			{desk.StatusUnderMaintenance, "maintenance", "Service under maintenance", "Onderhoud aan de dienstverlening", "Under maintenance", "Onderhoud", "⚙"},
		} {
			t.Run(tc.indicator, func(t *testing.T) {
				setStatus(hosting, tc.status)
				p := get(t, "en")
				expect(t, p, http.StatusOK, `data-indicator="`+tc.indicator+`"`, tc.en,
					`<li><strong>Hosting</strong> <span class="badge`, `<span aria-hidden="true">`+tc.icon+`</span> `+tc.compEN)
				expectNot(t, p, append(private, "All systems operational")...)
				// The group shows the worst of its public components, not the clients-only one's outage.
				if tc.status != desk.StatusMajorOutage {
					group := p.body[strings.Index(p.body, "<h3>Shared infrastructure"):]
					group = group[:strings.Index(group, "</h3>")]
					if !strings.Contains(group, tc.compEN) {
						t.Errorf("the group's heading %q does not show %q", group, tc.compEN)
					}
				}
				nl := get(t, "nl")
				expect(t, nl, http.StatusOK, tc.nl, tc.compNL)
				expectNot(t, nl, private...)
			})
		}

		t.Run("outage outranks maintenance", func(t *testing.T) {
			setStatus(hosting, desk.StatusUnderMaintenance)
			setStatus(dns, desk.StatusDegradedPerformance)
			expect(t, get(t, "en"), http.StatusOK, `data-indicator="minor"`, "Minor service outage", "Under maintenance")
		})
	})
}

// TestStatusPageEmpty: with no public component the page says so, and all is operational.
func TestStatusPageEmpty(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db) // its one component, Webshop, is clients-only
		c := e.client()
		c.header.Set("Accept-Language", "en")
		p := c.get("/status")
		expect(t, p, http.StatusOK, `data-indicator="none"`, "All systems operational", "No components are shown on this page yet.")
		expectNot(t, p, "Webshop", "<h3>")
	})
}
