package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// TestTicketLinkPages links tickets to a public incident from the ticket's page, in bulk
// from the queue and from the public incident's tickets page, and starts one from a ticket;
// errors show next to the field with the choice kept; the client sees its own ticket's link
// to the status page and nothing of the forms or of other tickets.
func TestTicketLinkPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		pub, err := e.app.PublicIncidents.Create(ctx, actor(e.agent), app.NewPublicIncident{Name: desk.Texts{NL: "Storing webwinkels", EN: "Web shop outage"},
			Body: desk.Texts{NL: "We onderzoeken het."}})
		if err != nil {
			t.Fatal(err)
		}
		pid := strconv.FormatInt(pub.ID, 10)
		agent := e.client()
		agent.signIn(e.agent)
		incPage := "/incidents/" + e.acmeInc.Number

		// From the ticket: nothing chosen is an error at the field; then linked.
		p := agent.get(incPage)
		expect(t, p, http.StatusOK, `id="public-link-h"`, "Deze melding is niet gekoppeld", `action="`+incPage+`/public-incident"`,
			">Storing webwinkels</option>", `action="`+incPage+`/public-incident/new"`, `value="Checkout fails"`)
		p = agent.submit(incPage, incPage+"/public-incident", url.Values{"public_incident_id": {""}})
		expect(t, p, http.StatusUnprocessableEntity, `id="public-incident-id-error"`, `aria-invalid="true"`)
		p = agent.submit(incPage, incPage+"/public-incident", url.Values{"public_incident_id": {pid}})
		if p.status != http.StatusSeeOther || p.location != incPage {
			t.Fatalf("link: %d %q\n%s", p.status, p.location, p.body)
		}
		expect(t, agent.get(incPage), http.StatusOK, `href="/status/incidents/`+pid+`"`, "Gekoppeld aan de storing ‘Storing webwinkels’ op de statuspagina.",
			`action="`+incPage+`/public-incident/unlink"`)

		// The client sees the link and the entry, no forms.
		client := e.client()
		client.signIn(e.acmeUser)
		p = client.get(incPage)
		expect(t, p, http.StatusOK, `href="/status/incidents/`+pid+`"`, "Storing webwinkels", "Deze melding hoort bij een bekende storing")
		expectNot(t, p, `/public-incident"`, "/public-incident/new", "/public-incident/unlink", e.acmeInc2.Number, e.globexInc.Number)
		expect(t, client.get("/incidents/"+e.acmeInc2.Number), http.StatusNotFound)

		// Bulk from the queue (bulk.go): nothing ticked is an error; ticked tickets are
		// linked, each reported.
		p = agent.get("/queue")
		expect(t, p, http.StatusOK, `form="bulk"`, `id="bulk"`, `action="/queue/bulk"`, `id="bulk-public-incident-id"`)
		p = agent.submit("/queue", "/queue/bulk", url.Values{"public_incident_id": {pid}, "action": {"link"}})
		expect(t, p, http.StatusUnprocessableEntity, `id="bulk-incidents-error"`)
		p = agent.submit("/queue", "/queue/bulk", url.Values{"public_incident_id": {pid}, "action": {"link"}, "incidents": {e.acmeInc2.Number, e.globexInc.Number}})
		expect(t, p, http.StatusOK, "Uitgevoerd: 2, ongewijzigd: 0, geweigerd: 0", "gekoppeld aan ‘Storing webwinkels’.")

		// The public incident's tickets page lists the three; a made-up number is named.
		tickets := "/public-incidents/" + pid + "/tickets"
		p = agent.get(tickets)
		expect(t, p, http.StatusOK, e.acmeInc.Number, e.acmeInc2.Number, e.globexInc.Number, `action="`+tickets+`"`)
		p = agent.submit(tickets, tickets, url.Values{"tickets": {"INC-999999"}})
		expect(t, p, http.StatusUnprocessableEntity, `id="bulk-tickets-error"`, "INC-999999")
		expect(t, client.get(tickets), http.StatusForbidden)

		// Start from a ticket: a new public incident, the ticket's link moves to it.
		p = agent.submit(incPage, incPage+"/public-incident/new", url.Values{"name_nl": {"Betalen lukt niet"}, "impact": {"major"}})
		expect(t, p, http.StatusUnprocessableEntity, `id="public-body-nl-error"`, `value="Betalen lukt niet"`)
		p = agent.submit(incPage, incPage+"/public-incident/new", url.Values{"name_nl": {"Betalen lukt niet"}, "impact": {"major"}, "body_nl": {"We kijken ernaar."}})
		if p.status != http.StatusSeeOther || p.location != incPage {
			t.Fatalf("start: %d %q\n%s", p.status, p.location, p.body)
		}
		l, err := e.app.PublicIncidents.TicketLinkOf(ctx, actor(e.agent), e.acmeInc.ID)
		if err != nil || l.PublicIncidentID == pub.ID || l.Name.NL != "Betalen lukt niet" {
			t.Errorf("after start: %+v %v", l, err)
		}
		p = agent.submit(incPage, incPage+"/public-incident/unlink", url.Values{})
		if p.status != http.StatusSeeOther {
			t.Fatalf("unlink: %d\n%s", p.status, p.body)
		}
		expect(t, agent.get(incPage), http.StatusOK, "De melding is niet meer gekoppeld.", "Deze melding is niet gekoppeld")
	})
}
