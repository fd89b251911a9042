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

func TestTriage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx, sys := context.Background(), desk.SystemActor("test")
		first := e.submit(e.acmeUser, urgentAnswers, "Webshop plat")
		regular := e.submit(e.acmeUser, regularAnswers, "Logo iets groter")
		second := e.submit(e.globexUser, urgentAnswers, "Tracking geeft 500")
		agent := e.client()
		agent.signIn(e.agent)

		t.Run("the queue: pending urgent reports, oldest first", func(t *testing.T) {
			p := agent.get("/triage")
			expect(t, p, http.StatusOK, "<h1>Te beoordelen</h1>", `href="/triage" aria-current="page"`, first.Number, second.Number,
				"Acme Bakeries", "Globex Shipping", `<span class="badge P1"`)
			expectNot(t, p, regular.Number, e.acmeInc.Number)
			if strings.Index(p.body, first.Number) > strings.Index(p.body, second.Number) {
				t.Error("the queue is not oldest first")
			}
			en := e.client()
			en.signIn(e.admin)
			expect(t, en.get("/triage?lang=en"), http.StatusOK, "<h1>To assess</h1>", "Reported", "Waiting", first.Number)
		})

		t.Run("only the desk reaches the queue", func(t *testing.T) {
			for _, u := range []desk.User{e.acmeUser, e.acmeAdmin, e.expert} {
				c := e.client()
				c.signIn(u)
				p := c.get("/triage")
				expect(t, p, http.StatusForbidden)
				expectNot(t, p, first.Title, second.Title)
			}
			// Clients find no link to it.
			c := e.client()
			c.signIn(e.acmeUser)
			expectNot(t, c.get("/incidents"), `href="/triage"`, `href="/intake"`, `href="/admin/questionnaire"`)
		})

		t.Run("reclassify with a reason; the client reads it", func(t *testing.T) {
			page := "/incidents/" + first.Number
			p := agent.get(page)
			expect(t, p, http.StatusOK, "Spoedmelding beoordelen", `action="`+page+`/assess"`, `name="decision" value="approve"`,
				`name="decision" value="reclassify"`, "Wacht op beoordeling", "Is de website, applicatie of het systeem bereikbaar?")
			// The reason is required.
			p = agent.submit(page, page+"/assess", url.Values{"decision": {"reclassify"}, "reason": {"  "}})
			expect(t, p, http.StatusUnprocessableEntity, `id="reason-reclassify-error"`, "Vul dit veld in.")
			p = agent.submit(page, page+"/assess", url.Values{"decision": {"maybe"}})
			expect(t, p, http.StatusUnprocessableEntity)
			reason := "Het gaat om één productpagina; de rest van de webshop werkt."
			p = agent.submit(page, page+"/assess", url.Values{"decision": {"reclassify"}, "reason": {reason}})
			if p.status != http.StatusSeeOther || p.location != page {
				t.Fatalf("reclassify: %d %q\n%s", p.status, p.location, p.body)
			}
			inc, err := e.app.Incidents.Get(ctx, sys, first.ID)
			if err != nil || inc.Kind != desk.KindRegular || inc.Assessment != desk.AssessmentReclassified || inc.AssessmentReason != reason {
				t.Fatalf("after reclassifying: %+v (%v)", inc, err)
			}
			expectNot(t, agent.get("/triage"), first.Number)
			expect(t, agent.get(page), http.StatusOK, "Omgezet naar reguliere support")
			expectNot(t, agent.get(page), `name="decision"`)
			// A second decision conflicts.
			tok := csrfFor(t, agent.get(page), page+"/entries")
			expect(t, agent.post(page+"/assess", url.Values{"csrf": {tok}, "decision": {"approve"}}), http.StatusConflict)

			client := e.client()
			client.signIn(e.acmeUser)
			p = client.get(page)
			expect(t, p, http.StatusOK, "Beoordeeld door de servicedesk: dit is geen spoedmelding en wordt als reguliere support behandeld. Reden: "+reason,
				"Omgezet naar reguliere support")
			expectNot(t, p, `name="decision"`, "/classify")
			en := e.client()
			en.signIn(e.acmeAdmin)
			expect(t, en.get(page), http.StatusOK, "Assessed by the service desk: not an urgent report; handled as regular support. Reason: "+reason)
			ns, err := e.app.Outbox.Notifications(ctx, actor(e.acmeUser))
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, n := range ns {
				found = found || n.Kind == desk.NotifyAssessment && n.IncidentID != nil && *n.IncidentID == first.ID
			}
			if !found {
				t.Errorf("no assessment notification for the client: %+v", ns)
			}
		})

		t.Run("approve", func(t *testing.T) {
			page := "/incidents/" + second.Number
			p := agent.submit(page, page+"/assess", url.Values{"decision": {"approve"}})
			if p.status != http.StatusSeeOther {
				t.Fatalf("approve: %d\n%s", p.status, p.body)
			}
			client := e.client()
			client.signIn(e.globexUser)
			expect(t, client.get(page), http.StatusOK, "Beoordeeld door de servicedesk: dit is een spoedmelding en wordt met voorrang behandeld.",
				"Goedgekeurd: met voorrang behandeld")
		})

		t.Run("change urgency and impact with a reason", func(t *testing.T) {
			page := "/incidents/" + regular.Number
			p := agent.get(page)
			expect(t, p, http.StatusOK, `action="`+page+`/classify"`, `<option value="low" selected>Laag: geen hinder</option>`)
			expectNot(t, p, `name="decision"`) // a regular report waits for no assessment
			p = agent.submit(page, page+"/classify", url.Values{"urgency": {"high"}, "impact": {"normal"}, "reason": {""}})
			expect(t, p, http.StatusUnprocessableEntity, `id="classify-reason-error"`, `<option value="high" selected>Hoog: het bedrijfsproces staat stil</option>`)
			p = agent.submit(page, page+"/classify", url.Values{"urgency": {"urgent"}, "impact": {"normal"}, "reason": {"x"}})
			expect(t, p, http.StatusUnprocessableEntity, `id="classify-urgency-error"`)
			p = agent.submit(page, page+"/classify", url.Values{"urgency": {"high"}, "impact": {"normal"}, "reason": {"De hele winkel merkt het."}})
			if p.status != http.StatusSeeOther {
				t.Fatalf("classify: %d\n%s", p.status, p.body)
			}
			client := e.client()
			client.signIn(e.acmeUser)
			expect(t, client.get(page), http.StatusOK, "Classificatie gewijzigd:", "urgentie Laag → Hoog",
				"prioriteit P5 → P2", "Reden: De hele winkel merkt het.")
		})

		t.Run("clients decide nothing", func(t *testing.T) {
			page := "/incidents/" + regular.Number
			c := e.client()
			c.signIn(e.acmeUser)
			tok := csrfFor(t, c.get(page), page+"/entries")
			expect(t, c.post(page+"/assess", url.Values{"csrf": {tok}, "decision": {"approve"}}), http.StatusForbidden)
			expect(t, c.post(page+"/classify", url.Values{"csrf": {tok}, "urgency": {"high"}, "impact": {"high"}, "reason": {"x"}}), http.StatusForbidden)
			g := e.client()
			g.signIn(e.globexUser)
			tok = csrfFor(t, g.get("/incidents"), "/logout")
			expect(t, g.post(page+"/assess", url.Values{"csrf": {tok}, "decision": {"approve"}}), http.StatusNotFound)
			expect(t, g.post(page+"/classify", url.Values{"csrf": {tok}, "urgency": {"high"}, "impact": {"high"}, "reason": {"x"}}), http.StatusNotFound)
			// CSRF.
			expect(t, agent.post(page+"/classify", url.Values{"urgency": {"low"}, "impact": {"low"}, "reason": {"x"}}), http.StatusForbidden)
			expect(t, agent.post("/incidents/"+second.Number+"/assess", url.Values{"decision": {"approve"}}), http.StatusForbidden)
		})
	})
}

func TestIntake(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx, sys := context.Background(), desk.SystemActor("test")
		e.contract(e.acme, "Gold", true, desk.Hours24x7)
		agent := e.client()
		agent.signIn(e.agent)
		acme := desk.FormatInt(e.acme.ID)

		t.Run("first the client, then the person and the questionnaire", func(t *testing.T) {
			p := agent.get("/intake")
			expect(t, p, http.StatusOK, "<h1>Telefonische melding</h1>", `<form class="card" method="get" action="/intake" novalidate>`,
				`<option value="`+acme+`">Acme Bakeries</option>`, "Globex Shipping", "data-autosubmit")
			p = agent.get("/intake?org=" + acme)
			expect(t, p, http.StatusOK, "Acme Bakeries", `name="organisation_id" value="`+acme+`"`, `name="reporter_id"`,
				"Anna Acme", "Bart Acme", "Carla Acme", "Is de website, applicatie of het systeem bereikbaar?", "Webshop",
				"Ik heb de beller op de procedure", `data-org="`+acme+`"`)
			expectNot(t, p, "Gert Globex", "Ada Admin")
			// Without a choice (no browser bubble: the form has novalidate) the page asks again.
			expect(t, agent.get("/intake?org="), http.StatusUnprocessableEntity, `id="org-error"`, "Vul dit veld in.", `href="#org"`)
			expect(t, agent.get("/intake?org=999999"), http.StatusNotFound)
			expect(t, agent.get("/intake?org=x"), http.StatusNotFound)
			ps, _ := e.app.Organisations.List(ctx, sys, desk.OrgProvider)
			expect(t, agent.get("/intake?org="+desk.FormatInt(ps[0].ID)), http.StatusNotFound)
			en := e.client()
			en.signIn(e.admin)
			expect(t, en.get("/intake?org="+acme+"&lang=en"), http.StatusOK, "<h1>Phone intake</h1>", "Who is calling?",
				"Can the website, application or system be reached?")
		})

		t.Run("check, a missing caller, then register", func(t *testing.T) {
			page := "/intake?org=" + acme
			p := agent.uploadForm(page, "/intake", answerForm(urgentAnswers, "step", "check"), nil)
			expect(t, p, http.StatusOK, "Dit is een spoedmelding", "Contract ‘Gold’ belooft bij P1", "Anna Acme")
			expectAnswers(t, p, urgentAnswers)
			before := e.count(e.acme)
			p = agent.uploadForm(page, "/intake", answerForm(urgentAnswers, "step", "submit", "title", "Kassa ligt eruit", "accept_procedure", "1"), nil)
			expect(t, p, http.StatusUnprocessableEntity, `id="reporter_id-error"`, `value="Kassa ligt eruit"`)
			expectAnswers(t, p, urgentAnswers)
			p = agent.uploadForm(page, "/intake", answerForm(urgentAnswers, "step", "submit", "title", "Kassa ligt eruit",
				"reporter_id", desk.FormatInt(e.acmeUser.ID)), nil)
			expect(t, p, http.StatusUnprocessableEntity, `id="accept_procedure-error"`, `<option value="`+desk.FormatInt(e.acmeUser.ID)+`" selected>`)
			// Someone of another client is not a caller for Acme.
			p = agent.uploadForm(page, "/intake", answerForm(urgentAnswers, "step", "submit", "title", "Kassa ligt eruit",
				"reporter_id", desk.FormatInt(e.globexUser.ID), "accept_procedure", "1"), nil)
			expect(t, p, http.StatusUnprocessableEntity, `id="reporter_id-error"`)
			if after := e.count(e.acme); after != before {
				t.Fatalf("invalid intakes were stored: %d → %d", before, after)
			}
			p = agent.uploadForm(page, "/intake", answerForm(urgentAnswers, "step", "submit", "title", "Kassa ligt eruit",
				"reporter_id", desk.FormatInt(e.acmeUser.ID), "accept_procedure", "1"), map[string][]file{"files": {{"foto.png", png}}})
			if p.status != http.StatusSeeOther {
				t.Fatalf("register: %d\n%s", p.status, p.body)
			}
			number := numberOf(t, p.location)
			expect(t, agent.get(p.location), http.StatusOK, "Uw melding "+number+" is ontvangen", "Gemeld met de vragenlijst: spoedmelding",
				"Telefoon", "foto.png")
			id, _ := desk.ParseNumber(number)
			inc, err := e.app.Incidents.Get(ctx, sys, id)
			if err != nil || inc.Channel != desk.ChannelPhone || inc.ReporterID == nil || *inc.ReporterID != e.acmeUser.ID || inc.OrgID != e.acme.ID {
				t.Fatalf("the intake: %+v (%v)", inc, err)
			}
			rep, err := e.app.Reports.Get(ctx, sys, id)
			if err != nil || rep.AcceptedByID != e.agent.ID {
				t.Errorf("acceptance on the caller's behalf: %+v (%v)", rep, err)
			}
			// The caller finds it among their incidents.
			c := e.client()
			c.signIn(e.acmeUser)
			expect(t, c.get("/incidents"), http.StatusOK, number, "Kassa ligt eruit")
			expect(t, c.get("/incidents/"+number), http.StatusOK, "Procedure geaccepteerd door de servicedesk")
		})

		t.Run("an intake for an organisation that is not a client", func(t *testing.T) {
			ps, _ := e.app.Organisations.List(ctx, sys, desk.OrgProvider)
			tok := csrfFor(t, agent.get("/intake"), "/logout")
			p := agent.post("/intake", answerForm(urgentAnswers, "csrf", tok, "step", "check", "organisation_id", desk.FormatInt(ps[0].ID)))
			expect(t, p, http.StatusNotFound)
		})

		t.Run("only the desk takes calls", func(t *testing.T) {
			for _, u := range []desk.User{e.acmeUser, e.acmeAdmin, e.expert} {
				c := e.client()
				c.signIn(u)
				expect(t, c.get("/intake"), http.StatusForbidden)
				expect(t, c.get("/intake?org="+acme), http.StatusForbidden)
				tok := csrfFor(t, c.get("/incidents"), "/logout")
				expect(t, c.post("/intake", answerForm(urgentAnswers, "csrf", tok, "step", "submit", "organisation_id", acme,
					"reporter_id", desk.FormatInt(e.acmeUser.ID), "title", "x", "accept_procedure", "1")), http.StatusForbidden)
			}
		})
	})
}
