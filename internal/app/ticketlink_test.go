package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/notify/email/mailtest"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// linkWorld is a world with a public and a clients-only component, a user of the other
// client, and an open public incident.
type linkWorld struct {
	*world
	hosting, erp desk.Component
	outsider     desk.User
	p            desk.PublicIncident
}

func newLinkWorld(t *testing.T, db *store.DB) *linkWorld {
	t.Helper()
	ctx := context.Background()
	w, hosting, _, erp := publicWorld(t, db)
	lw := &linkWorld{world: w, hosting: hosting, erp: erp}
	lw.outsider = noErr(w.a.Identity.CreateUser(ctx, sys, app.UserInput{OrgID: w.other.ID, Email: "otto@other.example",
		Name: "otto", Role: desk.RoleClientUser, Password: "long enough password", Locale: desk.LocaleEN}))(t)
	lw.p = noErr(w.a.PublicIncidents.Create(ctx, actor(w.agent), app.NewPublicIncident{Name: desk.Texts{NL: "Storing webhosting", EN: "Hosting outage"},
		Components: []desk.AffectedComponent{{ComponentID: hosting.ID, Status: desk.StatusMajorOutage}},
		Body:       desk.Texts{NL: "We onderzoeken het.", EN: "We are investigating."}}))(t)
	return lw
}

// Linking from the ticket, from the public incident and in bulk; a ticket links to one
// public incident at most; staff only; a bulk link is all or none; the client sees its own
// ticket's link and nothing of the others.
func TestLinkTicketsToPublicIncident(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newLinkWorld(t, db)
		ag := actor(w.agent)
		a := w.report(t, w.reporter, "Site down for Acme")
		b := w.report(t, w.colleague, "Webshop down")
		c := w.report(t, w.outsider, "Other's site down")

		l := noErr(w.a.PublicIncidents.LinkTicket(ctx, ag, a.ID, w.p.ID))(t)
		if l.PublicIncidentID != w.p.ID || l.URL != "http://desk.test/status/incidents/"+desk.FormatInt(w.p.ID) {
			t.Errorf("link %+v", l)
		}
		// Linking again to the same one changes nothing.
		noErr(w.a.PublicIncidents.LinkTicket(ctx, ag, a.ID, w.p.ID))(t)

		// Bulk: all or none, the bad entry named by its place.
		_, err := w.a.PublicIncidents.LinkTickets(ctx, ag, w.p.ID, []int64{b.ID, 999999, c.ID})
		if e, ok := err.(*desk.Error); !ok || e.Code != desk.EINVALID || e.Fields[0].Field != "tickets[1]" {
			t.Fatalf("bulk with an unknown ticket: %v", err)
		}
		if got := noErr(w.a.PublicIncidents.LinkedTickets(ctx, ag, w.p.ID))(t); len(got) != 1 {
			t.Fatalf("a failed bulk link linked %d", len(got)-1)
		}
		linked := noErr(w.a.PublicIncidents.LinkTickets(ctx, ag, w.p.ID, []int64{a.ID, b.ID, c.ID, b.ID}))(t)
		if len(linked) != 2 || linked[0] != b.ID || linked[1] != c.ID {
			t.Errorf("bulk linked %v, want b and c (a was linked)", linked)
		}
		if got := noErr(w.a.PublicIncidents.LinkedTickets(ctx, ag, w.p.ID))(t); len(got) != 3 {
			t.Errorf("linked %d, want 3", len(got))
		}

		// Staff only: the client, the expert and the client admin are refused.
		for _, u := range []desk.User{w.reporter, w.expert, w.clientAdmin} {
			if _, err := w.a.PublicIncidents.LinkTickets(ctx, actor(u), w.p.ID, []int64{a.ID}); desk.ErrorCode(err) != desk.EFORBIDDEN {
				t.Errorf("%s linking: %v", u.Role, err)
			}
			if err := w.a.PublicIncidents.UnlinkTicket(ctx, actor(u), a.ID); desk.ErrorCode(err) != desk.EFORBIDDEN {
				t.Errorf("%s unlinking: %v", u.Role, err)
			}
		}

		// One public incident per ticket: bulk refuses a ticket linked elsewhere; from the
		// ticket the link moves.
		p2 := noErr(w.a.PublicIncidents.Create(ctx, ag, app.NewPublicIncident{Name: desk.Texts{EN: "DNS"}, Body: desk.Texts{EN: "Looking."}}))(t)
		if _, err := w.a.PublicIncidents.LinkTickets(ctx, ag, p2.ID, []int64{a.ID}); desk.ErrorCode(err) != desk.EINVALID {
			t.Errorf("bulk link of a ticket linked elsewhere: %v", err)
		}
		noErr(w.a.PublicIncidents.LinkTicket(ctx, ag, a.ID, p2.ID))(t)
		if got := noErr(w.a.PublicIncidents.TicketLinkOf(ctx, actor(w.reporter), a.ID))(t); got.PublicIncidentID != p2.ID {
			t.Errorf("moved link %+v", got)
		}
		if err := w.a.PublicIncidents.UnlinkTicket(ctx, ag, a.ID); err != nil {
			t.Fatal(err)
		}
		if err := w.a.PublicIncidents.UnlinkTicket(ctx, ag, a.ID); !desk.IsNotFound(err) {
			t.Errorf("unlinking twice: %v", err)
		}
		noErr(w.a.PublicIncidents.LinkTicket(ctx, ag, a.ID, w.p.ID))(t)

		// A maintenance takes no tickets.
		from, until := w.now.Add(time.Hour).Format(time.RFC3339), w.now.Add(2*time.Hour).Format(time.RFC3339)
		m := noErr(w.a.PublicIncidents.Create(ctx, ag, app.NewPublicIncident{Kind: desk.KindMaintenance, Name: desk.Texts{EN: "Upgrade"},
			ScheduledFor: &from, ScheduledUntil: &until, Body: desk.Texts{EN: "Planned."}}))(t)
		if _, err := w.a.PublicIncidents.LinkTicket(ctx, ag, b.ID, m.ID); desk.ErrorCode(err) != desk.EINVALID {
			t.Errorf("linking to a maintenance: %v", err)
		}

		// Isolation: the reporter sees its own ticket's link; another ticket of its
		// organisation (not theirs) and another client's do not exist for them, and its
		// timeline names no other ticket and no count.
		if _, err := w.a.PublicIncidents.TicketLinkOf(ctx, actor(w.reporter), b.ID); !desk.IsNotFound(err) {
			t.Errorf("reporter reading a colleague's ticket link: %v", err)
		}
		if _, err := w.a.PublicIncidents.TicketLinkOf(ctx, actor(w.outsider), a.ID); !desk.IsNotFound(err) {
			t.Errorf("another client reading the link: %v", err)
		}
		if _, err := w.a.PublicIncidents.LinkedTickets(ctx, actor(w.clientAdmin), w.p.ID); desk.ErrorCode(err) != desk.EFORBIDDEN {
			t.Errorf("client admin listing linked tickets: %v", err)
		}
		noErr(w.a.PublicIncidents.PostUpdate(ctx, ag, w.p.ID, desk.UpdateInput{Body: desk.Texts{NL: "Gevonden.", EN: "Found it."}}))(t)
		for _, u := range []struct {
			who  desk.User
			inc  desk.Incident
			hide []string
		}{{w.reporter, a, []string{b.Number, c.Number, "Acme", "Other"}}, {w.outsider, c, []string{a.Number, b.Number, "Acme"}}} {
			es := noErr(w.a.Incidents.Timeline(ctx, actor(u.who), u.inc.ID))(t)
			var all strings.Builder
			for _, e := range es {
				all.WriteString(e.Body + " " + strings.Join(e.Args, " ") + "\n")
			}
			for _, h := range u.hide {
				if strings.Contains(all.String(), h) {
					t.Errorf("%s's timeline names %q:\n%s", u.who.Name, h, all.String())
				}
			}
			if strings.Contains(all.String(), " 3 ") || strings.Contains(all.String(), "tickets") {
				t.Errorf("%s's timeline tells of other tickets:\n%s", u.who.Name, all.String())
			}
		}
	})
}

// An update posted on the public incident reaches each of N linked tickets once on the
// timeline (a public reply, which stops the first-response clock) and each reporter once by
// email over SMTP; a reporter who also subscribed to the page gets the ticket's message and
// not the subscriber's; one who switched ticket updates off gets the subscriber's instead; a
// plain subscriber gets the subscriber's.
func TestPublicUpdateReachesLinkedTickets(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newLinkWorld(t, db)
		ag := actor(w.agent)
		srv := mailtest.Start(t)
		m := w.mailer(db, smtpTo(t, srv), "one", nil)
		tickets := []desk.Incident{w.report(t, w.reporter, "Site down"), w.report(t, w.colleague, "Shop down"), w.report(t, w.outsider, "Down too")}
		var ids []int64
		for _, inc := range tickets {
			ids = append(ids, inc.ID)
		}
		noErr(w.a.PublicIncidents.LinkTickets(ctx, ag, w.p.ID, ids))(t)
		// The reporter, the colleague and a stranger subscribed to the page; the colleague
		// switched ticket updates off.
		for _, addr := range []string{"RITA@acme.example", w.colleague.Email, "stranger@example.org"} {
			confirmed := w.now
			s := desk.Subscriber{Email: addr, Locale: desk.LocaleNL, All: true, Secret: "s", ConfirmedAt: &confirmed, CreatedAt: w.now, UpdatedAt: w.now}
			if err := db.Write(ctx, func(tx app.Tx) error { return tx.CreateSubscriber(ctx, &s) }); err != nil {
				t.Fatal(err)
			}
		}
		noErr(w.a.Outbox.SetPreferences(ctx, actor(w.colleague), []desk.Preference{{Kind: desk.NotifyUpdate, Enabled: false}}))(t)
		noErr(m.Outbox.RunDelivery(ctx))(t)
		before := len(srv.Messages())

		w.now = w.now.Add(15 * time.Minute)
		noErr(w.a.PublicIncidents.PostUpdate(ctx, ag, w.p.ID, desk.UpdateInput{Status: desk.PublicIdentified,
			Body: desk.Texts{NL: "De oorzaak is gevonden.", EN: "We found the cause."}}))(t)

		for i, inc := range tickets {
			var replies []desk.TimelineEntry
			for _, e := range noErr(w.a.Incidents.Timeline(ctx, ag, inc.ID))(t) {
				if e.Event == app.EventPublicUpdate {
					replies = append(replies, e)
				}
			}
			want := "De oorzaak is gevonden."
			if i == 2 {
				want = "We found the cause." // the outsider reads English
			}
			if len(replies) != 1 || replies[0].Kind != desk.EntryReply || replies[0].Visibility != desk.Public || replies[0].Body != want {
				t.Errorf("ticket %d: replies %+v", i, replies)
			}
			got := noErr(w.a.Incidents.Get(ctx, ag, inc.ID))(t)
			if got.FirstResponseAt == nil || !got.FirstResponseAt.Equal(w.now) {
				t.Errorf("ticket %d: first response %v", i, got.FirstResponseAt)
			}
		}

		noErr(m.Outbox.RunDelivery(ctx))(t)
		to := map[string][]string{}
		for _, msg := range srv.Messages()[before:] {
			for _, r := range msg.To {
				to[strings.ToLower(r)] = append(to[strings.ToLower(r)], msg.Header.Get("X-Meldpunt-Kind"))
			}
		}
		want := map[string]string{
			w.reporter.Email:       desk.NotifyUpdate,           // reporter and subscriber: the ticket's message
			w.colleague.Email:      desk.NotifySubscriberNotice, // ticket updates off: the subscriber's
			w.outsider.Email:       desk.NotifyUpdate,
			"stranger@example.org": desk.NotifySubscriberNotice,
		}
		for addr, kind := range want {
			if got := to[addr]; len(got) != 1 || got[0] != kind {
				t.Errorf("%s received %v, want one %s", addr, got, kind)
			}
		}
		if len(to) != len(want) {
			t.Errorf("messages went to %v", to)
		}
	})
}

// Resolving the public incident resolves its open linked tickets with the final message as
// their solution (by default); they then follow the closure loop: one is confirmed, the
// other closes by itself after a day. Without the flag the tickets stay open and get the
// message as a reply.
func TestResolvePublicIncidentResolvesTickets(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newLinkWorld(t, db)
		ag := actor(w.agent)
		a := w.report(t, w.reporter, "Site down") // new
		b := w.report(t, w.colleague, "Shop down")
		noErr(w.a.Incidents.Transition(ctx, ag, b.ID, desk.Transition{To: desk.StateInProgress}))(t)
		noErr(w.a.PublicIncidents.LinkTickets(ctx, ag, w.p.ID, []int64{a.ID, b.ID}))(t)

		w.now = w.now.Add(time.Hour)
		noErr(w.a.PublicIncidents.Resolve(ctx, ag, w.p.ID, desk.Texts{NL: "De server is vervangen.", EN: "The server was replaced."}))(t)
		for _, inc := range []desk.Incident{a, b} {
			got := noErr(w.a.Incidents.Get(ctx, ag, inc.ID))(t)
			if got.State != desk.StateResolved || got.Solution != "De server is vervangen." || got.AutoCloseAt == nil {
				t.Errorf("%s after resolve: %s %q", got.Number, got.State, got.Solution)
			}
		}
		if n := w.notifications(t, w.reporter, desk.NotifySolution); len(n) != 1 {
			t.Errorf("reporter got %d solutions", len(n))
		}
		if n := w.notifications(t, w.reporter, desk.NotifyUpdate); len(n) != 0 {
			t.Errorf("reporter got %d updates besides the solution", len(n))
		}

		// The closure loop: the reporter confirms a; b closes by itself a day later.
		noErr(w.a.Incidents.Transition(ctx, actor(w.reporter), a.ID, desk.Transition{To: desk.StateClosed}))(t)
		w.now = w.now.Add(24 * time.Hour)
		if n := noErr(w.a.Incidents.RunAutoClose(ctx))(t); n != 1 {
			t.Errorf("auto-closed %d, want 1", n)
		}
		for _, inc := range []desk.Incident{a, b} {
			if got := noErr(w.a.Incidents.Get(ctx, ag, inc.ID))(t); got.State != desk.StateClosed {
				t.Errorf("%s: %s, want closed", got.Number, got.State)
			}
		}

		// Without the flag: the ticket stays open with the message as a reply.
		p2 := noErr(w.a.PublicIncidents.Create(ctx, ag, app.NewPublicIncident{Name: desk.Texts{EN: "DNS"}, Body: desk.Texts{EN: "Looking."}}))(t)
		c := w.report(t, w.reporter, "Mail down")
		noErr(w.a.PublicIncidents.LinkTicket(ctx, ag, c.ID, p2.ID))(t)
		no := false
		noErr(w.a.PublicIncidents.PostUpdate(ctx, ag, p2.ID, desk.UpdateInput{Status: desk.PublicResolved, Body: desk.Texts{EN: "Fixed."}, ResolveTickets: &no}))(t)
		if got := noErr(w.a.Incidents.Get(ctx, ag, c.ID))(t); got.State != desk.StateNew || got.FirstResponseAt == nil {
			t.Errorf("without the flag: %s, first response %v", got.State, got.FirstResponseAt)
		}
	})
}

// From a ticket the desk starts a public incident in one step, linked at once: the draft
// takes the title and the ticket's public components only.
func TestStartPublicIncidentFromTicket(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newLinkWorld(t, db)
		ag := actor(w.agent)
		mk := func(name string, vis desk.ComponentVisibility) desk.Component {
			return noErr(w.a.Components.Create(ctx, admin, desk.Component{Name: name, Visibility: vis, ClientIDs: []int64{w.client.ID}}))(t)
		}
		web, erp := mk("Web", desk.VisibilityPublic), mk("Acme's ERP", desk.VisibilityClients)
		inc := noErr(w.a.Incidents.Create(ctx, actor(w.reporter), app.IncidentInput{Title: "Acme site down", Urgency: desk.High,
			Impact: desk.Normal, ComponentIDs: []int64{web.ID, erp.ID}}))(t)
		d := noErr(w.a.PublicIncidents.TicketDraft(ctx, ag, inc.ID))(t)
		if d.Name.NL != "Acme site down" || len(d.Components) != 1 || d.Components[0].ComponentID != web.ID {
			t.Fatalf("draft %+v", d)
		}
		if _, err := w.a.PublicIncidents.TicketDraft(ctx, actor(w.reporter), inc.ID); desk.ErrorCode(err) != desk.EFORBIDDEN {
			t.Errorf("client drafting: %v", err)
		}
		bad := d
		bad.Components = append(bad.Components, desk.AffectedComponent{ComponentID: erp.ID, Status: desk.StatusMajorOutage})
		bad.Body = desk.Texts{NL: "Storing."}
		if _, err := w.a.PublicIncidents.StartFromTicket(ctx, ag, inc.ID, bad); desk.ErrorCode(err) != desk.EINVALID {
			t.Errorf("a clients-only component: %v", err)
		}
		d.Name = desk.Texts{NL: "Storing webhosting", EN: "Hosting outage"}
		d.Body = desk.Texts{NL: "We onderzoeken het."}
		p := noErr(w.a.PublicIncidents.StartFromTicket(ctx, ag, inc.ID, d))(t)
		if l := noErr(w.a.PublicIncidents.TicketLinkOf(ctx, actor(w.reporter), inc.ID))(t); l.PublicIncidentID != p.ID {
			t.Errorf("linked to %d, want %d", l.PublicIncidentID, p.ID)
		}
		// Starting another one moves the link.
		p2 := noErr(w.a.PublicIncidents.StartFromTicket(ctx, ag, inc.ID, d))(t)
		if l := noErr(w.a.PublicIncidents.TicketLinkOf(ctx, ag, inc.ID))(t); l.PublicIncidentID != p2.ID || p2.ID == p.ID {
			t.Errorf("after starting again: linked to %d, want %d", l.PublicIncidentID, p2.ID)
		}
	})
}
