package console_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store/storetest"
)

// TestBrowserTicketLink: in Chromium, the agent ticks two tickets on the queue (the tick
// boxes belong to the bulk form above the table by their form attribute)
// and links them to a public incident; the ticket page with its link forms, the queue and
// the public incident's tickets page pass axe-core, and the client's ticket page shows the
// link to the status page.
func TestBrowserTicketLink(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	db := storetest.Open(t, "sqlite")
	e := newEnv(t, db)
	base := e.srv.URL
	pub, err := e.app.PublicIncidents.Create(context.Background(), actor(e.agent), app.NewPublicIncident{
		Name: desk.Texts{NL: "Storing webwinkels", EN: "Web shop outage"}, Body: desk.Texts{NL: "We onderzoeken het."}})
	if err != nil {
		t.Fatal(err)
	}
	pid := strconv.FormatInt(pub.ID, 10)
	browserSignIn(t, ctx, base, "nl", e.agent)
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/queue")); err != nil {
		t.Fatal(err)
	}
	checkA11y(t, ctx, "queue-bulk-link")
	resp, err := chromedp.RunResponse(ctx,
		chromedp.Click(chromedp.ID("tick-"+e.acmeInc.Number)),
		chromedp.Click(chromedp.ID("tick-"+e.globexInc.Number)),
		chromedp.SetValue(chromedp.ID("bulk-public-incident-id"), pid),
		chromedp.Click(chromedp.CSS(`#bulk button[value=link]`)),
	)
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("bulk link: %v %v", resp, err)
	}
	linked, err := e.app.PublicIncidents.LinkedTickets(context.Background(), actor(e.agent), pub.ID)
	if err != nil || len(linked) != 2 {
		t.Fatalf("linked %d tickets (%v), want 2", len(linked), err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/incidents/"+e.acmeInc.Number)); err != nil {
		t.Fatal(err)
	}
	checkA11y(t, ctx, "ticket-link-desk")
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/public-incidents/"+pid+"/tickets")); err != nil {
		t.Fatal(err)
	}
	checkA11y(t, ctx, "linked-tickets")

	client := newBrowser(t)
	browserSignIn(t, client, base, "en", e.acmeUser)
	if _, err := chromedp.RunResponse(client, chromedp.Navigate(base+"/incidents/"+e.acmeInc.Number)); err != nil {
		t.Fatal(err)
	}
	if s := text(t, client, "#public-incident-link"); !strings.Contains(s, "Storing webwinkels") && !strings.Contains(s, "Web shop outage") {
		t.Errorf("the client's ticket reads %q", s)
	}
	checkA11y(t, client, "ticket-link-client")
}
