package demo

import (
	"context"
	"fmt"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// person is a demo account; org is the slug of a client, "" for the provider.
type person struct {
	email, name string
	role        desk.Role
	org         string
	locale      desk.Locale
}

// people returns the demo accounts.
func people() []person {
	return []person{
		{"admin@demo.meldpunt.test", "Sanne de Boer", desk.RoleAdmin, "", desk.LocaleNL},
		{"agent@demo.meldpunt.test", "Joris Jansen", desk.RoleAgent, "", desk.LocaleNL},
		{"agent2@demo.meldpunt.test", "Fatima El Amrani", desk.RoleAgent, "", desk.LocaleEN},
		{"expert@demo.meldpunt.test", "Pieter Bakker", desk.RoleExpert, "", desk.LocaleNL},
		{"admin@acme.example", "Eva Visser", desk.RoleClientAdmin, "acme", desk.LocaleNL},
		{"user@acme.example", "Daan Smit", desk.RoleClientUser, "acme", desk.LocaleEN},
		{"admin@devries.example", "Kees de Vries", desk.RoleClientAdmin, "devries", desk.LocaleNL},
		{"user@devries.example", "Lotte de Vries", desk.RoleClientUser, "devries", desk.LocaleNL},
	}
}

// orgName returns the name of the organisation with the slug; "" is the provider, which
// Bootstrap names "Provider".
func orgName(slug string) string {
	switch slug {
	case "acme":
		return "Acme Webshop B.V."
	case "devries":
		return "Bakkerij de Vries"
	}
	return "Provider"
}

// accounts lists the demo accounts for the Summary.
func accounts() []Account {
	ps := people()
	out := make([]Account, len(ps))
	for i, p := range ps {
		out[i] = Account{Email: p.email, Name: p.name, Role: p.role, Organisation: orgName(p.org)}
	}
	return out
}

func (w *world) createUsers(ctx context.Context) error {
	for _, p := range people() {
		in := app.UserInput{Email: p.email, Name: p.name, Role: p.role, Locale: p.locale, Password: Password}
		if p.org != "" {
			in.OrgID = w.orgs[p.org].ID
		}
		u, err := w.a.Identity.CreateUser(ctx, w.sys, in)
		if err != nil {
			return fmt.Errorf("%s: %w", p.email, err)
		}
		w.users[u.Email] = desk.Actor{UserID: u.ID, Name: u.Name, Role: u.Role, OrgID: u.OrgID, Address: "demo"}
	}
	return nil
}

func (w *world) createComponents(ctx context.Context) error {
	acme, devries := w.orgs["acme"].ID, w.orgs["devries"].ID
	groups := []struct {
		name       string
		components []desk.Component
	}{
		{"Webshops", []desk.Component{
			{Name: "Webshop", Description: "De webwinkel van Acme: catalogus, winkelwagen en checkout.", ClientIDs: []int64{acme}},
			{Name: "Betalingen", Description: "Koppeling met de betaalprovider (iDEAL, creditcard).", ClientIDs: []int64{acme}},
		}},
		{"Websites", []desk.Component{
			{Name: "Website De Vries", Description: "Informatiesite met openingstijden en contactformulier.", ClientIDs: []int64{devries}},
		}},
		// The shared infrastructure is on the public status page; the clients' own systems
		// show only to them.
		{"Infrastructuur", []desk.Component{
			{Name: "Hosting", Description: "Webservers en databases in het datacenter in Amsterdam.", ClientIDs: []int64{acme, devries}, Visibility: desk.VisibilityPublic},
			{Name: "E-mail", Description: "Mailboxen en uitgaande mail (SMTP).", ClientIDs: []int64{acme, devries}, Visibility: desk.VisibilityPublic},
			{Name: "DNS", Description: "Domeinnamen en DNS-records.", ClientIDs: []int64{acme, devries}, Visibility: desk.VisibilityPublic},
		}},
	}
	// The components exist since before the history the page shows, so every day of the
	// uptime bars has data.
	past := w.clock.set(w.clock.day(HistoryDays, 9, 0))
	for gi, g := range groups {
		grp, err := past.Components.CreateGroup(ctx, w.sys, desk.ComponentGroup{Name: g.name, Position: gi})
		if err != nil {
			return fmt.Errorf("group %s: %w", g.name, err)
		}
		for ci, c := range g.components {
			c.GroupID, c.Position = &grp.ID, ci
			created, err := past.Components.Create(ctx, w.sys, c)
			if err != nil {
				return fmt.Errorf("component %s: %w", c.Name, err)
			}
			w.components[created.Name] = created.ID
		}
	}
	return nil
}

// step is one thing a person does to an incident after it was reported.
type step struct {
	by         string // email of the actor
	transition *desk.Transition
	entry      *app.EntryInput
	assign     *app.Assignment
}

// agent and expert are the desk's demo accounts who do most of the work.
const agent, expert = "agent@demo.meldpunt.test", "expert@demo.meldpunt.test"

func (w *world) createIncidents(ctx context.Context) error {
	to := func(s desk.State) *desk.Transition { return &desk.Transition{To: s} }
	reply := func(body string) *app.EntryInput { return &app.EntryInput{Kind: desk.EntryReply, Body: body} }
	note := func(body string) *app.EntryInput { return &app.EntryInput{Kind: desk.EntryNote, Body: body} }

	incidents := []struct {
		by string // email of the reporter (a client) or of the agent who registered a call
		in app.IncidentInput
		// report, when set, files the incident through the questionnaire instead of in.
		report *app.ReportInput
		steps  []step
	}{
		{ // new, urgent by the questionnaire, waiting for the desk's assessment
			by: "user@acme.example",
			report: &app.ReportInput{Title: "Checkout geeft foutmelding 500",
				Description:  "Sinds 14:05 krijgen klanten bij het afrekenen een foutmelding. Er komen geen bestellingen meer binnen.",
				ComponentIDs: w.ids("Webshop", "Betalingen"), Accept: true, Locale: desk.LocaleNL,
				Answers: desk.Answers{
					"availability": {"partly"}, "request_type": {"malfunction"}, "financial_damage": {"yes"},
					"security": {"no"}, "essential_function": {"yes"}, "end_users": {"yes"}, "workaround": {"no"},
					"business_process": {"stopped"}, "users": {"all"},
				}},
		},
		{ // triaged: a phone call, registered by the agent
			by: agent,
			in: app.IncidentInput{OrgID: w.orgs["devries"].ID, ReporterID: ptr(w.users["user@devries.example"].UserID),
				Channel: desk.ChannelPhone, Title: "Contactformulier verstuurt geen e-mail",
				Description: "Mevrouw De Vries belt: berichten via het contactformulier komen sinds gisteren niet meer aan.",
				Urgency:     desk.Normal, Impact: desk.Low, ComponentIDs: w.ids("Website De Vries", "E-mail")},
			steps: []step{{by: agent, transition: to(desk.StateTriaged)}},
		},
		{ // in progress, assigned to the expert, with a note and a reply
			by: "admin@acme.example",
			in: app.IncidentInput{Title: "Product images load slowly",
				Description: "Category pages take 8–10 seconds to show their images, on mobile even longer.",
				Urgency:     desk.Normal, Impact: desk.High, ComponentIDs: w.ids("Webshop", "Hosting")},
			steps: []step{
				{by: agent, transition: to(desk.StateTriaged)},
				{by: agent, assign: &app.Assignment{AssigneeID: ptr(w.users[expert].UserID)}},
				{by: expert, transition: to(desk.StateInProgress)},
				{by: expert, entry: note("Image cache on web02 is full; thumbnails are regenerated on every request. Resizing the cache volume.")},
				{by: expert, entry: reply("We found the cause: a full image cache on one of the web servers. We are enlarging it now and expect the pages to be fast again within the hour.")},
			},
		},
		{ // waiting on the client
			by: "user@devries.example",
			in: app.IncidentInput{Title: "Nieuwe openingstijden niet zichtbaar",
				Description: "Ik heb de openingstijden aangepast maar op de website staan nog de oude.",
				Urgency:     desk.Low, Impact: desk.Normal, ComponentIDs: w.ids("Website De Vries")},
			steps: []step{
				{by: agent, transition: to(desk.StateTriaged)},
				{by: agent, entry: reply("Op welke pagina ziet u de oude openingstijden, en in welke browser? Een schermafbeelding helpt ons ook.")},
				{by: agent, transition: &desk.Transition{To: desk.StateWaiting, WaitingOn: desk.WaitingOnClient}},
			},
		},
		{ // resolved, waiting for the client's confirmation
			by: "user@acme.example",
			in: app.IncidentInput{Title: "Orderbevestigingen komen in de spam",
				Description: "Klanten melden dat de orderbevestiging in hun spammap belandt.",
				Urgency:     desk.Normal, Impact: desk.Normal, ComponentIDs: w.ids("E-mail", "DNS")},
			steps: []step{
				{by: agent, transition: to(desk.StateTriaged)},
				{by: agent, transition: to(desk.StateInProgress)},
				{by: agent, transition: &desk.Transition{To: desk.StateResolved,
					Solution: "Het SPF-record miste de mailserver van de webshop en DKIM stond uit. Beide zijn nu ingesteld; nieuwe orderbevestigingen komen weer in de inbox.", SolutionKind: desk.SolutionStructural}},
			},
		},
		{ // closed: solved and confirmed by the client
			by: "admin@devries.example",
			in: app.IncidentInput{Kind: desk.KindUrgent, Title: "Website onbereikbaar: certificaat verlopen",
				Description: "Bezoekers krijgen een beveiligingswaarschuwing en kunnen de site niet openen.",
				Urgency:     desk.High, Impact: desk.High, ComponentIDs: w.ids("Website De Vries", "Hosting")},
			steps: []step{
				{by: agent, transition: to(desk.StateInProgress)},
				{by: agent, transition: &desk.Transition{To: desk.StateResolved,
					Solution: "Het TLS-certificaat is vernieuwd en de automatische verlenging is hersteld.", SolutionKind: desk.SolutionStructural}},
				{by: "admin@devries.example", transition: &desk.Transition{To: desk.StateClosed, Reason: "Werkt weer, dank jullie wel!"}},
			},
		},
	}
	for _, x := range incidents {
		var inc desk.Incident
		var err error
		title := x.in.Title
		if x.report != nil {
			title = x.report.Title
			inc, _, err = w.a.Reports.Submit(ctx, w.actor(x.by), *x.report)
		} else {
			inc, err = w.a.Incidents.Create(ctx, w.actor(x.by), x.in)
		}
		if err != nil {
			return fmt.Errorf("%q: %w", title, err)
		}
		for i, s := range x.steps {
			if err := w.do(ctx, inc.ID, s); err != nil {
				return fmt.Errorf("%q, step %d: %w", title, i+1, err)
			}
		}
		w.incidents++
	}
	return nil
}

// do performs one step on an incident.
func (w *world) do(ctx context.Context, id int64, s step) error {
	actor := w.actor(s.by)
	var err error
	switch {
	case s.transition != nil:
		_, err = w.a.Incidents.Transition(ctx, actor, id, *s.transition)
	case s.entry != nil:
		_, err = w.a.Incidents.AddEntry(ctx, actor, id, *s.entry)
	case s.assign != nil:
		_, err = w.a.Incidents.Assign(ctx, actor, id, *s.assign)
	}
	return err
}

// actor returns the actor of a demo user by email.
func (w *world) actor(email string) desk.Actor {
	a, ok := w.users[email]
	if !ok {
		panic("demo: no user " + email) // the tables above name only demo users
	}
	return a
}

// ids returns the ids of components by name.
func (w *world) ids(names ...string) []int64 {
	out := make([]int64, len(names))
	for i, n := range names {
		id, ok := w.components[n]
		if !ok {
			panic("demo: no component " + n)
		}
		out[i] = id
	}
	return out
}

func ptr[T any](v T) *T { return &v }
