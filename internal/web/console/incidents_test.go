package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

func TestIncidentList(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)

		t.Run("staff see every client's incidents, newest first, with the client", func(t *testing.T) {
			c := e.client()
			c.signIn(e.agent)
			p := c.get("/incidents")
			expect(t, p, http.StatusOK, e.acmeInc.Number, e.acmeInc2.Number, e.globexInc.Number, "Acme Bakeries", "Globex Shipping", "<th scope=\"col\">Klant</th>")
			if strings.Index(p.body, e.globexInc.Number) > strings.Index(p.body, e.acmeInc.Number) {
				t.Error("the list is not newest first")
			}
			p = c.get("/incidents?org=" + desk.FormatInt(e.globex.ID))
			expect(t, p, http.StatusOK, e.globexInc.Title)
			expectNot(t, p, e.acmeInc.Title)
			p = c.get("/incidents?q=checkout")
			expect(t, p, http.StatusOK, e.acmeInc.Title)
			expectNot(t, p, e.globexInc.Title, e.acmeInc2.Title)
			p = c.get("/incidents?open=closed")
			expect(t, p, http.StatusOK, "Er zijn geen meldingen")
			p = c.get("/incidents?state=new&open=open")
			expect(t, p, http.StatusOK, e.acmeInc.Title, e.globexInc.Title)
		})

		t.Run("a client user sees only their own incidents", func(t *testing.T) {
			c := e.client()
			c.signIn(e.acmeUser)
			p := c.get("/incidents")
			expect(t, p, http.StatusOK, e.acmeInc.Title)
			expectNot(t, p, e.acmeInc2.Title, e.globexInc.Title, "Globex", "<th scope=\"col\">Klant</th>")
			// The organisation filter is for staff; a client cannot widen the list with it.
			p = c.get("/incidents?org=" + desk.FormatInt(e.globex.ID))
			expect(t, p, http.StatusOK, e.acmeInc.Title)
			expectNot(t, p, e.globexInc.Title)
		})

		t.Run("a client admin sees the organisation's incidents", func(t *testing.T) {
			c := e.client()
			c.signIn(e.acmeAdmin)
			p := c.get("/incidents")
			expect(t, p, http.StatusOK, e.acmeInc.Title, e.acmeInc2.Title)
			expectNot(t, p, e.globexInc.Title)
		})

		t.Run("an expert sees what is assigned to them", func(t *testing.T) {
			c := e.client()
			c.signIn(e.expert)
			expect(t, c.get("/incidents"), http.StatusOK, "Er zijn geen meldingen")
			if _, err := e.app.Incidents.Assign(context.Background(), desk.SystemActor("test"), e.globexInc.ID, app.Assignment{AssigneeID: &e.expert.ID}); err != nil {
				t.Fatal(err)
			}
			p := c.get("/incidents")
			expect(t, p, http.StatusOK, e.globexInc.Title)
			expectNot(t, p, e.acmeInc.Title)
		})

		t.Run("next page", func(t *testing.T) {
			ctx, sys := context.Background(), desk.SystemActor("test")
			for i := range 30 {
				if _, err := e.app.Incidents.Create(ctx, sys, app.IncidentInput{OrgID: e.globex.ID, Title: "Bulk " + desk.FormatInt(int64(i)), Urgency: desk.Low, Impact: desk.Low}); err != nil {
					t.Fatal(err)
				}
			}
			c := e.client()
			c.signIn(e.agent)
			p := c.get("/incidents?org=" + desk.FormatInt(e.globex.ID))
			expect(t, p, http.StatusOK, "Bulk 29", `rel="next"`)
			expectNot(t, p, e.globexInc.Title)
			i := strings.Index(p.body, `<a href="/incidents?`)
			j := strings.Index(p.body[i:], `" rel="next"`)
			next := strings.ReplaceAll(p.body[i+len(`<a href="`):i+j], "&amp;", "&")
			if !strings.Contains(next, "org=") || !strings.Contains(next, "after=") {
				t.Fatalf("the next link %q loses the filter or the cursor", next)
			}
			p = c.get(next)
			expect(t, p, http.StatusOK, "Bulk 0", e.globexInc.Title, "Eerste pagina")
			expectNot(t, p, "Bulk 29", `rel="next"`)
		})
	})
}

func TestIncidentPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		agentActor := desk.Actor{UserID: e.agent.ID, Name: e.agent.Name, Role: e.agent.Role, OrgID: e.agent.OrgID}
		if _, err := e.app.Incidents.AddEntry(ctx, agentActor, e.acmeInc.ID, app.EntryInput{Kind: desk.EntryNote, Body: "Secret: the payment provider is flaky"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.Incidents.AddEntry(ctx, agentActor, e.acmeInc.ID, app.EntryInput{Kind: desk.EntryReply, Body: "We are looking into it."}); err != nil {
			t.Fatal(err)
		}
		incPage := "/incidents/" + e.acmeInc.Number

		t.Run("staff see everything and every form", func(t *testing.T) {
			c := e.client()
			c.signIn(e.agent)
			p := c.get(incPage)
			expect(t, p, http.StatusOK, e.acmeInc.Title, "Customers see an error\nat the last step.", "Secret: the payment provider",
				"We are looking into it.", "Acme Bakeries", "Anna Acme", "Webshop",
				`action="/incidents/`+e.acmeInc.Number+`/entries"`, `name="kind" value="note"`,
				`action="/incidents/`+e.acmeInc.Number+`/transition"`, `value="triaged"`, `value="waiting"`,
				`action="/incidents/`+e.acmeInc.Number+`/assign"`)
			// The number without the prefix is the same incPage.
			expect(t, c.get("/incidents/"+desk.FormatInt(e.acmeInc.ID)), http.StatusOK, e.acmeInc.Title)
			expect(t, c.get("/incidents/999999"), http.StatusNotFound, "Niet gevonden")
			expect(t, c.get("/incidents/nonsense"), http.StatusNotFound)
		})

		t.Run("the reporter sees public entries and may only reply", func(t *testing.T) {
			c := e.client()
			c.signIn(e.acmeUser)
			p := c.get(incPage)
			expect(t, p, http.StatusOK, e.acmeInc.Title, "We are looking into it.", `name="kind" value="reply"`)
			expectNot(t, p, "Secret: the payment provider", `value="note"`, "/transition", "/assign")
		})

		t.Run("a client never sees another organisation's incident", func(t *testing.T) {
			for _, u := range []desk.User{e.globexUser, e.acmeUser2} {
				c := e.client()
				c.signIn(u)
				p := c.get(incPage)
				expect(t, p, http.StatusNotFound, "Niet gevonden")
				expectNot(t, p, e.acmeInc.Title)
				// Nor can it write on it.
				p = c.post(incPage+"/entries", url.Values{"csrf": {csrfFor(t, c.get("/incidents"), "/logout")}, "kind": {"reply"}, "body": {"hello"}})
				expect(t, p, http.StatusNotFound)
			}
			tl, err := e.app.Incidents.Timeline(ctx, desk.SystemActor("test"), e.acmeInc.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, en := range tl {
				if en.Body == "hello" {
					t.Fatal("a client of another organisation wrote on the incident")
				}
			}
		})

		t.Run("an anonymous visitor is sent to sign in and comes back", func(t *testing.T) {
			c := e.client()
			p := c.get(incPage)
			if p.status != http.StatusSeeOther || p.location != "/login?next="+url.QueryEscape(incPage) {
				t.Fatalf("anonymous GET %s: %d %q", incPage, p.status, p.location)
			}
			p = c.submit(p.location, "/login", url.Values{"email": {e.acmeUser.Email}, "password": {password}, "next": {incPage}})
			if p.location != incPage {
				t.Fatalf("after signing in: %q", p.location)
			}
		})
	})
}

func TestIncidentForms(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		incPage := "/incidents/" + e.acmeInc.Number
		agent, reporter, clientAdmin := e.client(), e.client(), e.client()
		agent.signIn(e.agent)
		reporter.signIn(e.acmeUser)
		clientAdmin.signIn(e.acmeAdmin)
		post := func(c *client, what string, form url.Values) page {
			t.Helper()
			return c.submit(incPage, incPage+"/"+what, form)
		}
		back := func(p page) {
			t.Helper()
			if p.status != http.StatusSeeOther || p.location != incPage {
				t.Fatalf("status %d, location %q; want 303 to %s\n%s", p.status, p.location, incPage, p.body)
			}
		}

		back(post(reporter, "entries", url.Values{"kind": {"reply"}, "body": {"It still fails\nsince 9:00."}}))
		back(post(agent, "entries", url.Values{"kind": {"note"}, "body": {"Checked the logs."}}))
		back(post(agent, "entries", url.Values{"kind": {"reply"}, "body": {"Found it."}}))
		expect(t, reporter.get(incPage), http.StatusOK, "It still fails\nsince 9:00.", "Found it.")
		expectNot(t, reporter.get(incPage), "Checked the logs.")
		// A client cannot write an internal note.
		expect(t, post(reporter, "entries", url.Values{"kind": {"note"}, "body": {"sneaky"}}), http.StatusForbidden, "Geen toegang")

		t.Run("CSRF", func(t *testing.T) {
			for _, what := range []string{"entries", "transition", "assign"} {
				expect(t, agent.post(incPage+"/"+what, url.Values{"kind": {"reply"}, "body": {"x"}, "to": {"triaged"}}), http.StatusForbidden)
				expect(t, agent.post(incPage+"/"+what, url.Values{"csrf": {"forged"}, "kind": {"reply"}, "body": {"x"}, "to": {"triaged"}}), http.StatusForbidden)
			}
			// A session's token does not work for another session.
			other := e.client()
			other.signIn(e.agent)
			token := csrfFor(t, other.get(incPage), incPage+"/entries")
			expect(t, agent.post(incPage+"/entries", url.Values{"csrf": {token}, "kind": {"reply"}, "body": {"x"}}), http.StatusForbidden)
			expectNot(t, agent.get(incPage), `<p class="text">x</p>`)
		})

		t.Run("a validation error keeps the input", func(t *testing.T) {
			p := post(agent, "entries", url.Values{"kind": {"reply"}, "body": {"   "}})
			expect(t, p, http.StatusUnprocessableEntity, `id="reply-body-error"`, "Vul dit veld in.", `aria-invalid="true"`)
			// Resolving needs a solution; the other fields are kept.
			p = post(agent, "transition", url.Values{"to": {"waiting"}})
			expect(t, p, http.StatusUnprocessableEntity, `id="waiting-waiting-error"`)
			long := strings.Repeat("a", desk.MaxText+1)
			p = post(agent, "entries", url.Values{"kind": {"note"}, "body": {long}})
			expect(t, p, http.StatusUnprocessableEntity, `id="note-body-error"`, "Gebruik hoogstens 20000 tekens.", long)
		})

		t.Run("state changes and the client's decision", func(t *testing.T) {
			back(post(agent, "transition", url.Values{"to": {"triaged"}}))
			back(post(agent, "transition", url.Values{"to": {"in_progress"}}))
			p := post(agent, "transition", url.Values{"to": {"resolved"}, "solution": {""}})
			expect(t, p, http.StatusUnprocessableEntity, `id="solution-resolved-error"`)
			p = post(agent, "transition", url.Values{"to": {"closed"}})
			expect(t, p, http.StatusConflict, "intussen gewijzigd")
			// Resolving needs a kind of solution: temporary or structural; the text is kept.
			p = post(agent, "transition", url.Values{"to": {"resolved"}, "solution": {"Restarted the payment service."}})
			expect(t, p, http.StatusUnprocessableEntity, `id="solution-kind-resolved-error"`, "Restarted the payment service.",
				`name="solution_kind" value="temporary" required`, `name="solution_kind" value="structural" required`)
			back(post(agent, "transition", url.Values{"to": {"resolved"}, "solution": {"Restarted the payment service."}, "solution_kind": {"temporary"}}))
			p = reporter.get(incPage)
			expect(t, p, http.StatusOK, "Restarted the payment service.", "Is het probleem opgelost?", `value="closed"`,
				`id="solution-kind">Soort oplossing: tijdelijk (een workaround)`, `id="auto-close">Wordt automatisch gesloten op `)
			// Rejecting needs a reason, kept on error.
			p = post(reporter, "transition", url.Values{"to": {"in_progress"}, "reason": {""}})
			expect(t, p, http.StatusUnprocessableEntity, `id="reason-reject-error"`)
			back(post(clientAdmin, "transition", url.Values{"to": {"in_progress"}, "reason": {"Still broken on mobile."}}))
			expect(t, agent.get(incPage), http.StatusOK, "Still broken on mobile.", "In behandeling")
			back(post(agent, "transition", url.Values{"to": {"resolved"}, "solution": {"Fixed mobile too."}, "solution_kind": {"structural"}}))
			back(post(reporter, "transition", url.Values{"to": {"closed"}}))
			p = reporter.get(incPage)
			expect(t, p, http.StatusOK, "Gesloten", "structureel (de oorzaak is verholpen)")
			expectNot(t, p, `name="body"`, "Is het probleem opgelost?", `id="auto-close"`)
			// Closed: no more replies.
			tok := csrfFor(t, agent.get(incPage), "/logout")
			expect(t, agent.post(incPage+"/entries", url.Values{"csrf": {tok}, "kind": {"reply"}, "body": {"late"}}), http.StatusConflict)
		})

		t.Run("assignment", func(t *testing.T) {
			page2 := "/incidents/" + e.acmeInc2.Number
			p := agent.submit(page2, page2+"/assign", url.Values{"owner_id": {desk.FormatInt(e.agent.ID)}, "assignee_id": {desk.FormatInt(e.expert.ID)}})
			if p.status != http.StatusSeeOther {
				t.Fatalf("assign: %d\n%s", p.status, p.body)
			}
			expect(t, agent.get(page2), http.StatusOK, "Eva Expert")
			// The expert now sees and works it.
			ex := e.client()
			ex.signIn(e.expert)
			expect(t, ex.get(page2), http.StatusOK, e.acmeInc2.Title)
			expectNot(t, ex.get(page2), page2+"/assign")
			p = agent.submit(page2, page2+"/assign", url.Values{"owner_id": {desk.FormatInt(e.acmeUser.ID)}})
			expect(t, p, http.StatusUnprocessableEntity, `id="owner_id-error"`)
			// Clients may not assign.
			cl := e.client()
			cl.signIn(e.acmeUser2)
			p = cl.post(page2+"/assign", url.Values{"csrf": {csrfFor(t, cl.get(page2), page2+"/entries")}, "assignee_id": {"0"}})
			expect(t, p, http.StatusForbidden)
		})
	})
}

func TestEscaping(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		evil := `<script>alert("x")</script>`
		inc, err := e.app.Incidents.Create(context.Background(), desk.SystemActor("test"), app.IncidentInput{
			OrgID: e.acme.ID, ReporterID: &e.acmeUser.ID, Title: evil, Description: evil + "\n<b>bold</b>",
			Urgency: desk.Low, Impact: desk.Low,
		})
		if err != nil {
			t.Fatal(err)
		}
		c := e.client()
		c.signIn(e.acmeUser)
		incPage := "/incidents/" + inc.Number
		if p := c.submit(incPage, incPage+"/entries", url.Values{"kind": {"reply"}, "body": {evil}}); p.status != http.StatusSeeOther {
			t.Fatalf("reply: %d", p.status)
		}
		for _, path := range []string{"/incidents", incPage} {
			p := c.get(path)
			expect(t, p, http.StatusOK, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;")
			expectNot(t, p, evil, "<b>bold</b>")
		}
		// The CSP forbids inline scripts and styles; the incPage has none.
		p := c.get(incPage)
		if csp := p.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("CSP %q", csp)
		}
		expectNot(t, p, "<script", "style=", "<style")
	})
}
