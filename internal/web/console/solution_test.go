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

// resolve lets the agent triage (and so own) and resolve an incident, and returns it with
// the paths of its Confirm and Reject links.
func (e *env) resolve(inc desk.Incident, solution string) (desk.Incident, string, string) {
	e.t.Helper()
	ctx, agent := context.Background(), desk.Actor{UserID: e.agent.ID, Name: e.agent.Name, Role: e.agent.Role, OrgID: e.agent.OrgID}
	if inc.State == desk.StateNew {
		if _, err := e.app.Incidents.Transition(ctx, agent, inc.ID, desk.Transition{To: desk.StateTriaged}); err != nil {
			e.t.Fatal(err)
		}
	}
	inc, err := e.app.Incidents.Transition(ctx, agent, inc.ID, desk.Transition{To: desk.StateResolved, Solution: solution, SolutionKind: desk.SolutionStructural})
	if err != nil {
		e.t.Fatal(err)
	}
	confirm, reject, err := e.app.Outbox.SolutionLinks(ctx, inc)
	if err != nil {
		e.t.Fatal(err)
	}
	return inc, strings.TrimPrefix(confirm, e.srv.URL), strings.TrimPrefix(reject, e.srv.URL)
}

// state reads an incident as the system sees it.
func (e *env) state(id int64) desk.Incident {
	e.t.Helper()
	inc, err := e.app.Incidents.Get(context.Background(), desk.SystemActor("test"), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return inc
}

func TestSolutionLinkPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		inc, confirm, reject := e.resolve(e.acmeInc, "Vervangen: het certificaat <b>verlopen</b>.")
		if !strings.HasPrefix(confirm, "/solution/") || !strings.HasPrefix(reject, "/solution/") {
			t.Fatalf("links %q %q", confirm, reject)
		}
		c := e.client() // not signed in

		// Looking shows the solution and changes nothing, however often.
		for range 2 {
			p := c.get(confirm)
			expect(t, p, http.StatusOK, inc.Number, "Checkout fails", "Vervangen: het certificaat &lt;b&gt;verlopen&lt;/b&gt;.",
				"structureel", "Ja, opgelost", "Nee, nog niet opgelost", `id="auto-close"`, "U koos in de e-mail voor ‘opgelost’")
			expectNot(t, p, "solution_link.", "<b>verlopen")
			if strings.Index(p.body, `id="confirm-form"`) > strings.Index(p.body, `id="reject-form"`) {
				t.Error("the Confirm link's page does not put Confirm first")
			}
			if p.header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", p.header.Get("Cache-Control"))
			}
		}
		p := c.get(reject)
		expect(t, p, http.StatusOK, "U koos in de e-mail voor ‘niet opgelost’", "autofocus")
		if strings.Index(p.body, `id="reject-form"`) > strings.Index(p.body, `id="confirm-form"`) {
			t.Error("the Reject link's page does not put Reject first")
		}
		if now := e.state(inc.ID); now.State != desk.StateResolved || now.Version != inc.Version {
			t.Fatalf("looking changed the incident: %s v%d", now.State, now.Version)
		}

		// Rejecting needs a reason: the error is next to the field, the text is kept.
		p = c.submit(reject, reject, url.Values{"action": {"reject"}, "reason": {"  "}})
		expect(t, p, http.StatusUnprocessableEntity, `id="reason-error"`, "Vul dit veld in.", `aria-invalid="true"`)
		long := strings.Repeat("kapot ", desk.MaxText/6+1)
		p = c.submit(reject, reject, url.Values{"action": {"reject"}, "reason": {long}})
		expect(t, p, http.StatusUnprocessableEntity, `id="reason-error"`, "Gebruik hoogstens", ">"+long+"</textarea>")
		p = c.submit(reject, reject, url.Values{"action": {"explode"}})
		expect(t, p, http.StatusUnprocessableEntity, "Niet alles is goed ingevuld")
		if now := e.state(inc.ID); now.State != desk.StateResolved {
			t.Fatalf("a refused form changed the incident: %s", now.State)
		}

		// Without the form's token, or from another site, nothing happens.
		expect(t, c.post(confirm, url.Values{"action": {"confirm"}}), http.StatusForbidden)
		cross := e.client()
		cross.header.Set("Sec-Fetch-Site", "cross-site")
		form := url.Values{"action": {"confirm"}, "csrf": {csrfFor(t, cross.get(confirm), confirm)}}
		expect(t, cross.post(confirm, form), http.StatusForbidden)
		if now := e.state(inc.ID); now.State != desk.StateResolved {
			t.Fatalf("a forged request changed the incident: %s", now.State)
		}

		// Confirm, from the Reject link's page: closed, as the reporter, by the link.
		p = c.submit(reject, reject, url.Values{"action": {"confirm"}})
		expect(t, p, http.StatusOK, "Bedankt", "melding "+inc.Number+" is gesloten", `href="/login?next=%2Fincidents%2F`+inc.Number+`"`)
		now := e.state(inc.ID)
		if now.State != desk.StateClosed {
			t.Fatalf("after confirming: %s", now.State)
		}
		audit, err := e.app.Incidents.Audit(context.Background(), desk.SystemActor("test"), inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a := audit[0]; a.Action != "transition" || a.ActorID == nil || *a.ActorID != e.acmeUser.ID || !strings.Contains(a.After, "email_link") {
			t.Errorf("newest audit record: %+v", a)
		}

		// Used: both links say so, and acting again changes nothing.
		for _, link := range []string{confirm, reject} {
			expect(t, c.get(link), http.StatusOK, "Al afgehandeld", "Melding "+inc.Number+" is nu: Gesloten.")
		}
		expect(t, c.post(confirm, url.Values{"action": {"confirm"}, "csrf": {"whatever"}}), http.StatusForbidden)
		p = c.post(confirm, url.Values{"action": {"confirm"}, "csrf": {csrfFor(t, c.get("/password/forgot"), "/password/forgot")}})
		expect(t, p, http.StatusConflict, "Al afgehandeld")
		if e.state(inc.ID).Version != now.Version {
			t.Error("a used link changed the incident")
		}
	})
}

func TestSolutionLinkRejectAndRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		inc, confirm, reject := e.resolve(e.acmeInc, "Restarted the web server.")

		// In English, as the browser asks; the typed reason goes to the owner.
		c := e.client()
		c.header.Set("Accept-Language", "en-GB,en;q=0.9")
		expect(t, c.get(reject), http.StatusOK, "The solution to your incident", "You chose “not solved” in the email", "No, not solved yet")
		p := c.submit(reject, reject, url.Values{"action": {"reject"}, "reason": {"The checkout still fails on mobile."}})
		expect(t, p, http.StatusOK, "The incident is reopened", "Incident "+inc.Number+" is reopened")
		if s := e.state(inc.ID).State; s != desk.StateInProgress {
			t.Fatalf("after rejecting: %s", s)
		}
		ns, err := e.app.Outbox.Notifications(context.Background(), desk.Actor{UserID: e.agent.ID, Role: e.agent.Role})
		if err != nil {
			t.Fatal(err)
		}
		if n := ns[len(ns)-1]; n.Kind != desk.NotifySolutionRejected || !strings.Contains(n.Payload, "The checkout still fails on mobile.") {
			t.Errorf("the owner's newest notification: %+v", n)
		}
		expect(t, c.get(confirm), http.StatusOK, "Already handled", "Incident "+inc.Number+" is now: In progress.")

		// A link that was tampered with, or made up, works for nobody: not for a stranger, not
		// for someone signed in.
		_, confirm2, _ := e.resolve(e.state(inc.ID), "Second try.")
		token := strings.TrimPrefix(confirm2, "/solution/")
		parts := strings.Split(token, ".")
		parts[0] = "999"
		forged := "/solution/" + strings.Join(parts, ".")
		globex := e.client()
		globex.signIn(e.globexUser)
		for _, cl := range []*client{e.client(), globex} {
			for _, link := range []string{forged, "/solution/nonsense", "/solution/" + token + "x"} {
				p := cl.get(link)
				expect(t, p, http.StatusNotFound, "Log in om de melding te zien", `href="/login"`)
				expectNot(t, p, "Second try.", inc.Title)
				expect(t, cl.post(link, url.Values{"action": {"confirm"}, "csrf": {"x"}}), http.StatusForbidden)
				p = cl.post(link, url.Values{"action": {"confirm"}, "csrf": {csrfFor(t, cl.get("/password/forgot"), "/password/forgot")}})
				expect(t, p, http.StatusNotFound, "Deze link werkt niet")
			}
		}
		if s := e.state(inc.ID).State; s != desk.StateResolved {
			t.Fatalf("a forged link changed the incident: %s", s)
		}
	})
}
