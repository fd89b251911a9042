package console_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestServiceStatusPage holds the signed-in status view to its rule: a client sees the
// public components and its own clients-only ones under one banner, and its open incidents
// with the next step; never another client's components or incidents. Staff see the public
// view; an anonymous visitor is sent to sign in.
func TestServiceStatusPage(t *testing.T) {
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
		comp := func(name string, vis desk.ComponentVisibility, s desk.ComponentStatus, clients ...int64) {
			t.Helper()
			_, err := e.app.Components.Create(ctx, sys, desk.Component{Name: name, GroupID: &infra.ID, Visibility: vis, Status: s, ClientIDs: clients})
			must(err)
		}
		comp("Hosting", desk.VisibilityPublic, desk.StatusOperational)
		comp("Acme vault router", desk.VisibilityClients, desk.StatusPartialOutage, e.acme.ID)
		comp("Globex crane control", desk.VisibilityClients, desk.StatusMajorOutage, e.globex.ID)
		// Acme's first incident waits for its reply.
		for _, tr := range []desk.Transition{{To: desk.StateTriaged}, {To: desk.StateWaiting, WaitingOn: desk.WaitingOnClient}} {
			_, err := e.app.Incidents.Transition(ctx, sys, e.acmeInc.ID, tr)
			must(err)
		}

		acme := e.client()
		acme.signIn(e.acmeAdmin) // English
		p := acme.get("/service-status")
		if p.status != http.StatusOK {
			t.Fatalf("client admin: %d", p.status)
		}
		for _, want := range []string{"Status of your services", "Hosting", "Acme vault router", "Only for your organisation",
			"Webshop", `data-indicator="major"`, "Partial system outage", e.acmeInc.Number, "Waiting for your reply",
			e.acmeInc2.Number, "Waiting for the desk to pick it up", `href="/incidents/` + e.acmeInc.Number + `"`,
			`href="/service-status" aria-current="page"`} {
			if !strings.Contains(p.body, want) {
				t.Errorf("Acme's view lacks %q", want)
			}
		}
		for _, leak := range []string{"Globex", "crane", e.globexInc.Number} {
			if strings.Contains(p.body, leak) {
				t.Errorf("Acme's view shows %q", leak)
			}
		}

		// A client user sees the incidents they reported, in their language (Dutch).
		anna := e.client()
		anna.signIn(e.acmeUser)
		p = anna.get("/service-status")
		for _, want := range []string{"Status van uw diensten", "Wacht op uw reactie", e.acmeInc.Number, "Alleen voor uw organisatie"} {
			if !strings.Contains(p.body, want) {
				t.Errorf("Anna's view lacks %q", want)
			}
		}
		if strings.Contains(p.body, e.acmeInc2.Number) {
			t.Error("a client user sees a colleague's incident")
		}

		globex := e.client()
		globex.signIn(e.globexUser)
		p = globex.get("/service-status")
		for _, want := range []string{"Globex crane control", `data-indicator="critical"`, e.globexInc.Number} {
			if !strings.Contains(p.body, want) {
				t.Errorf("Globex's view lacks %q", want)
			}
		}
		for _, leak := range []string{"Acme", "vault", "Webshop", e.acmeInc.Number} {
			if strings.Contains(p.body, leak) {
				t.Errorf("Globex's view shows %q", leak)
			}
		}

		agent := e.client()
		agent.signIn(e.agent)
		p = agent.get("/service-status")
		if p.status != http.StatusOK || !strings.Contains(p.body, "Hosting") || !strings.Contains(p.body, `data-indicator="none"`) {
			t.Errorf("agent's public view: %d", p.status)
		}
		for _, leak := range []string{"vault", "crane", "Webshop", e.acmeInc.Number, "my-incidents-h"} {
			if strings.Contains(p.body, leak) {
				t.Errorf("the agent's public view shows %q", leak)
			}
		}

		if p := e.client().get("/service-status"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/login") {
			t.Errorf("anonymous: %d to %q", p.status, p.location)
		}
	})
}
