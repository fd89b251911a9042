package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/i18n"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestChangeRequestPages follows a change request through the pages: created on an
// incident's page, linked to another client's incident, decided and edited on its own
// page; each client reads only its title and state on its own incident's page.
func TestChangeRequestPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx, sys := context.Background(), desk.SystemActor("test")
		agent := e.client()
		agent.signIn(e.agent)
		incPage := "/incidents/" + e.acmeInc.Number
		title := "Betaalmodule vervangen"
		secretText := "Kostenplaats 4711, niet voor de klant"
		var chgPage string

		t.Run("the desk creates one on the incident's page", func(t *testing.T) {
			p := agent.get(incPage)
			expect(t, p, http.StatusOK, `<h2 id="changes-h">Wijzigingsverzoeken</h2>`, "Er is nog geen wijzigingsverzoek gekoppeld.",
				`action="`+incPage+`/changes"`, "Wijzigingsverzoek aanmaken", `href="/changes"`)
			// Errors next to the fields, input kept.
			p = agent.submit(incPage, incPage+"/changes", url.Values{"title": {"  "}, "description": {"kept text"}})
			expect(t, p, http.StatusUnprocessableEntity, `id="change-title-error"`, "Vul dit veld in.", `aria-invalid="true"`, "kept text")
			p = agent.submit(incPage, incPage+"/changes", url.Values{"title": {strings.Repeat("x", 201)}})
			expect(t, p, http.StatusUnprocessableEntity, `id="change-title-error"`, "Gebruik hoogstens 200 tekens.")
			// Without the CSRF token nothing happens.
			expect(t, agent.post(incPage+"/changes", url.Values{"title": {title}}), http.StatusForbidden)

			p = agent.submit(incPage, incPage+"/changes", url.Values{"title": {title}, "description": {secretText}})
			if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/changes/CHG-") {
				t.Fatalf("create: %d %q\n%s", p.status, p.location, p.body)
			}
			chgPage = p.location
			p = agent.get(chgPage)
			expect(t, p, http.StatusOK, title, secretText, "Aangevraagd", e.acmeInc.Number, e.acmeInc.Title, "Acme Bakeries",
				"Goedkeuren", "Afwijzen", `action="`+chgPage+`/transition"`, `action="`+chgPage+`/edit"`, `action="`+chgPage+`/incidents"`,
				"Nog geen besluit.", "Guus Agent", `href="/changes" aria-current="page"`)
			expectNot(t, p, "Markeren als doorgevoerd", `action="`+chgPage+`/unlink"`) // the only incident cannot be unlinked
			p = agent.get(incPage)
			expect(t, p, http.StatusOK, `<a href="`+chgPage+`">`, title, "Er is een structurele oplossing aangevraagd: "+title+".")
		})

		t.Run("link another client's incident", func(t *testing.T) {
			p := agent.submit(chgPage, chgPage+"/incidents", url.Values{"incident": {"INC-999999"}})
			expect(t, p, http.StatusUnprocessableEntity, `id="link-incident-error"`, "Er is geen melding met dit nummer.", "INC-999999")
			p = agent.submit(chgPage, chgPage+"/incidents", url.Values{"incident": {"geen nummer"}})
			expect(t, p, http.StatusUnprocessableEntity, "Er is geen melding met dit nummer.")
			p = agent.submit(chgPage, chgPage+"/incidents", url.Values{"incident": {""}})
			expect(t, p, http.StatusUnprocessableEntity, `id="link-incident-error"`, "Vul dit veld in.")
			p = agent.submit(chgPage, chgPage+"/incidents", url.Values{"incident": {e.acmeInc.Number}})
			expect(t, p, http.StatusUnprocessableEntity, "Deze melding is al gekoppeld.")
			p = agent.submit(chgPage, chgPage+"/incidents", url.Values{"incident": {strings.ToLower(e.globexInc.Number)}})
			if p.status != http.StatusSeeOther || p.location != chgPage {
				t.Fatalf("link: %d %q\n%s", p.status, p.location, p.body)
			}
			expect(t, agent.get(chgPage), http.StatusOK, e.globexInc.Number, e.globexInc.Title, "Globex Shipping", `action="`+chgPage+`/unlink"`)
		})

		t.Run("decide: approve with a reason, then implement", func(t *testing.T) {
			// A move the state machine forbids is a conflict, shown on the page.
			tok := csrfFor(t, agent.get(chgPage), chgPage+"/edit")
			p := agent.post(chgPage+"/transition", url.Values{"csrf": {tok}, "to": {"implemented"}})
			expect(t, p, http.StatusConflict, "het wijzigingsverzoek is intussen gewijzigd, of de stap past niet bij de status")
			p = agent.post(chgPage+"/transition", url.Values{"csrf": {tok}, "to": {"closed"}})
			expect(t, p, http.StatusUnprocessableEntity, "Niet alles is goed ingevuld")
			p = agent.submit(chgPage, chgPage+"/transition", url.Values{"to": {"approved"}, "reason": {"Akkoord van de CAB; " + secretText}})
			if p.status != http.StatusSeeOther || p.location != chgPage {
				t.Fatalf("approve: %d %q\n%s", p.status, p.location, p.body)
			}
			p = agent.get(chgPage)
			expect(t, p, http.StatusOK, "Goedgekeurd", "Status: Aangevraagd → Goedgekeurd", "Akkoord van de CAB", "Markeren als doorgevoerd", "Besloten")
			expectNot(t, p, "Afwijzen")
			p = agent.submit(chgPage, chgPage+"/transition", url.Values{"to": {"implemented"}})
			if p.status != http.StatusSeeOther {
				t.Fatalf("implement: %d\n%s", p.status, p.body)
			}
			p = agent.get(chgPage)
			expect(t, p, http.StatusOK, "Status: Goedgekeurd → Doorgevoerd")
			expectNot(t, p, `action="`+chgPage+`/transition"`, `action="`+chgPage+`/edit"`) // final: no more decisions or edits
		})

		t.Run("clients read title and state on their incident, nothing else", func(t *testing.T) {
			for _, c := range []struct {
				u    desk.User
				page string
			}{{e.acmeUser, incPage}, {e.globexUser, "/incidents/" + e.globexInc.Number}} {
				client := e.client()
				client.signIn(c.u)
				p := client.get(c.page)
				expect(t, p, http.StatusOK, `<h2 id="changes-h">Structurele oplossing</h2>`, title, "Doorgevoerd",
					"De structurele oplossing ‘"+title+"’ is goedgekeurd.", "De structurele oplossing ‘"+title+"’ is doorgevoerd.")
				expectNot(t, p, "CHG-", secretText, "CAB", "Wijzigingsverzoek aanmaken", `href="/changes"`)
				expect(t, client.get("/changes"), http.StatusForbidden)
				p = client.get(chgPage)
				expect(t, p, http.StatusNotFound)
				expectNot(t, p, title)
			}
			// The other client's incident never shows on a client's page.
			client := e.client()
			client.signIn(e.globexUser)
			expectNot(t, client.get("/incidents/"+e.globexInc.Number), e.acmeInc.Number, e.acmeInc.Title, "Acme")
			// A colleague who does not see the incident does not see it either.
			colleague := e.client()
			colleague.signIn(e.acmeUser2)
			expect(t, colleague.get(incPage), http.StatusNotFound)
		})

		t.Run("unlink, but not the last incident", func(t *testing.T) {
			p := agent.submit(chgPage, chgPage+"/unlink", url.Values{"incident": {e.globexInc.Number}})
			if p.status != http.StatusSeeOther {
				t.Fatalf("unlink: %d\n%s", p.status, p.body)
			}
			tok := csrfFor(t, agent.get(chgPage), chgPage+"/incidents")
			p = agent.post(chgPage+"/unlink", url.Values{"csrf": {tok}, "incident": {e.acmeInc.Number}})
			expect(t, p, http.StatusConflict, "Dat kan nu niet")
			client := e.client()
			client.signIn(e.globexUser)
			p = client.get("/incidents/" + e.globexInc.Number)
			expect(t, p, http.StatusOK, "De structurele oplossing ‘"+title+"’ geldt niet meer voor deze melding.")
			expectNot(t, p, `<h2 id="changes-h">`)
		})

		t.Run("edit, with errors at the fields and lost updates refused", func(t *testing.T) {
			c, err := e.app.Changes.Create(ctx, sys, app.ChangeInput{Title: "Monitoring uitbreiden", IncidentIDs: []int64{e.acmeInc2.ID}})
			if err != nil {
				t.Fatal(err)
			}
			page := "/changes/" + c.Number
			p := agent.submit(page, page+"/edit", url.Values{"title": {""}, "description": {"nieuw"}, "version": {"1"}})
			expect(t, p, http.StatusUnprocessableEntity, `id="edit-title-error"`, "Vul dit veld in.", "nieuw")
			p = agent.submit(page, page+"/edit", url.Values{"title": {"Monitoring van de betaalketen"}, "description": {"x"}, "version": {"1"}})
			expect(t, p, http.StatusSeeOther)
			p = agent.submit(page, page+"/edit", url.Values{"title": {"Oud"}, "description": {"x"}, "version": {"1"}})
			expect(t, p, http.StatusConflict, "Dat kan nu niet", "Monitoring van de betaalketen")
			p = agent.submit(page, page+"/transition", url.Values{"to": {"rejected"}})
			expect(t, p, http.StatusSeeOther)
			expect(t, agent.get(page), http.StatusOK, "Afgewezen", "Status: Aangevraagd → Afgewezen")
		})

		t.Run("the list, its filter and English", func(t *testing.T) {
			p := agent.get("/changes")
			expect(t, p, http.StatusOK, "<h1>Wijzigingsverzoeken</h1>", title, "Monitoring van de betaalketen", "Doorgevoerd", "Afgewezen",
				`href="/incidents/`+e.acmeInc.Number+`"`, "Een nieuw wijzigingsverzoek maakt u op de pagina van een melding.")
			p = agent.get("/changes?state=rejected")
			expect(t, p, http.StatusOK, "Monitoring van de betaalketen")
			expectNot(t, p, title)
			expect(t, agent.get("/changes?state=approved"), http.StatusOK, "Geen wijzigingsverzoeken gevonden.")
			en := e.client()
			en.signIn(e.admin)
			expect(t, en.get("/changes?lang=en"), http.StatusOK, "<h1>Change requests</h1>", "Implemented", "Rejected", "Change requests, newest first")
			expect(t, en.get(chgPage), http.StatusOK, "Linked incidents", "Decisions", "State: Approved → Implemented")
			expect(t, en.get(incPage), http.StatusOK, "A structural fix was requested: "+title+".", "The structural fix ‘"+title+"’ was implemented.")
		})

		t.Run("an expert reads, but does not act", func(t *testing.T) {
			c := e.client()
			c.signIn(e.expert)
			expect(t, c.get("/changes"), http.StatusOK, title)
			p := c.get(chgPage)
			expect(t, p, http.StatusOK, title, secretText, e.acmeInc.Number, "(niet aan u toegewezen)")
			expectNot(t, p, e.acmeInc.Title, `action="`+chgPage+`/incidents"`, `action="`+chgPage+`/unlink"`)
			expectNot(t, c.get("/incidents"), `href="/changes"`)
		})

		t.Run("every key the pages use exists in both languages", func(t *testing.T) {
			keys := []string{"nav.changes", "changes.one", "changes.conflict", "field.incident", "field.linked"}
			for _, s := range desk.ChangeStates {
				keys = append(keys, "change_state."+string(s))
				if s != desk.ChangeRequested {
					keys = append(keys, "changes.do."+string(s))
				}
			}
			for _, ev := range []string{desk.EventChangeRequested, desk.EventChangeLinked, desk.EventChangeUnlinked,
				desk.EventChangeApproved, desk.EventChangeRejected, desk.EventChangeImplemented} {
				keys = append(keys, "event."+ev)
			}
			texts := loadTexts(t)
			for _, k := range keys {
				for _, l := range i18n.Locales() {
					if !texts.Has(l, k) {
						t.Errorf("%s lacks %q", l, k)
					}
				}
			}
		})
	})
}
