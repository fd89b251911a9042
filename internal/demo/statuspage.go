package demo

import (
	"context"
	"fmt"
	"time"
	_ "time/tzdata" // Europe/Amsterdam, the page's zone, on hosts without a tz database

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
)

// The status page's story: the public components have ~90 days of history with a few
// outages (so the uptime bars show something), an e-mail outage nine days ago that was
// resolved with several updates and a postmortem, a small e-mail problem this morning that
// is being monitored, a DNS maintenance next week, branding, and one confirmed subscriber.
// The past is written through the ordinary use cases on services whose clock the story
// sets (app.Services.WithClock), so every row is validated and audited as usual.

// HistoryDays is how far back the demo's component history reaches.
const HistoryDays = 91

// Subscriber is the demo's confirmed email subscriber.
const Subscriber = "volger@example.nl"

// pageZone is the zone the story's days and hours are told in: the page's default.
func pageZone() *time.Location {
	if z, err := time.LoadLocation(desk.DefaultZone); err == nil {
		return z
	}
	return time.UTC
}

// storyClock is a clock the story moves by hand; past are the services that read it.
type storyClock struct {
	at   time.Time
	past *app.Services
	now  time.Time // the real now, when the demo loads
	zone *time.Location
}

// day returns hh:mm local time n days before today.
func (c *storyClock) day(n, hh, mm int) time.Time {
	y, m, d := c.now.In(c.zone).Date()
	return time.Date(y, m, d-n, hh, mm, 0, 0, c.zone)
}

// set moves the story's clock to t and returns the services that read it.
func (c *storyClock) set(t time.Time) *app.Services {
	c.at = t
	return c.past
}

func newStoryClock(a *app.Services) *storyClock {
	c := &storyClock{now: a.Now(), zone: pageZone()}
	c.at = c.now
	c.past = a.WithClock(func() time.Time { return c.at })
	return c
}

// outage is a stretch of a component's own status.
type outage struct {
	component  string
	daysAgo    int
	from, till [2]int // hh, mm
	status     desk.ComponentStatus
}

// outages are the public components' past problems, oldest first.
func outages() []outage {
	return []outage{
		{"Hosting", 71, [2]int{3, 10}, [2]int{4, 5}, desk.StatusMajorOutage},
		{"DNS", 40, [2]int{20, 0}, [2]int{23, 0}, desk.StatusPartialOutage},
		{"Hosting", 18, [2]int{14, 0}, [2]int{16, 30}, desk.StatusDegradedPerformance},
	}
}

func (w *world) statusHistory(ctx context.Context) error {
	for _, o := range outages() {
		id := w.components[o.component]
		if _, err := w.clock.set(w.clock.day(o.daysAgo, o.from[0], o.from[1])).Components.SetStatus(ctx, w.actor(agent), id, o.status); err != nil {
			return fmt.Errorf("%s: %w", o.component, err)
		}
		if _, err := w.clock.set(w.clock.day(o.daysAgo, o.till[0], o.till[1])).Components.SetStatus(ctx, w.actor(agent), id, desk.StatusOperational); err != nil {
			return fmt.Errorf("%s: %w", o.component, err)
		}
	}
	return nil
}

// pastIncident is the e-mail outage nine days ago: the component's own status and the
// public incident's updates, in the order they happened.
func (w *world) pastIncident(ctx context.Context) error {
	c, mail := w.clock, w.components["E-mail"]
	at := func(hh, mm int) *app.Services { return c.set(c.day(9, hh, mm)) }
	ag := w.actor(agent)
	if _, err := at(8, 50).Components.SetStatus(ctx, ag, mail, desk.StatusMajorOutage); err != nil {
		return err
	}
	p, err := at(9, 5).PublicIncidents.Create(ctx, ag, app.NewPublicIncident{
		Name:       desk.Texts{NL: "Storing e-mail", EN: "Email outage"},
		Impact:     desk.ImpactMajor,
		Components: []desk.AffectedComponent{{ComponentID: mail, Status: desk.StatusMajorOutage}},
		Body: desk.Texts{NL: "Sinds 08:50 wordt er geen e-mail verstuurd of ontvangen. We onderzoeken de oorzaak.",
			EN: "Since 08:50 no email is sent or received. We are investigating the cause."},
	})
	if err != nil {
		return err
	}
	steps := []struct {
		hh, mm int
		own    desk.ComponentStatus // the component's own status from then, "" for no change
		in     desk.UpdateInput
	}{
		{9, 40, "", desk.UpdateInput{Status: desk.PublicIdentified, Body: desk.Texts{
			NL: "De oorzaak is gevonden: de opslag van de mailserver is vol. We maken ruimte vrij.",
			EN: "We found the cause: the mail server's storage is full. We are freeing up space."}}},
		{10, 15, desk.StatusPartialOutage, desk.UpdateInput{Status: desk.PublicMonitoring, Body: desk.Texts{
			NL: "Er is weer ruimte. Binnenkomende mail wordt afgeleverd; de wachtrij met uitgaande mail wordt verwerkt.",
			EN: "There is room again. Incoming mail is delivered; the queue of outgoing mail is being processed."},
			Components: []desk.AffectedComponent{{ComponentID: mail, Status: desk.StatusPartialOutage}}}},
		{11, 30, desk.StatusOperational, desk.UpdateInput{Status: desk.PublicResolved, Body: desk.Texts{
			NL: "De wachtrij is leeg en alle mail is afgeleverd. De storing is opgelost.",
			EN: "The queue is empty and all mail has been delivered. The outage is resolved."}}},
	}
	for _, s := range steps {
		if s.own != "" {
			if _, err := at(s.hh, s.mm).Components.SetStatus(ctx, ag, mail, s.own); err != nil {
				return err
			}
		}
		if _, err := at(s.hh, s.mm).PublicIncidents.PostUpdate(ctx, ag, p.ID, s.in); err != nil {
			return fmt.Errorf("update at %02d:%02d: %w", s.hh, s.mm, err)
		}
	}
	_, err = c.set(c.day(8, 15, 0)).PublicIncidents.SetPostmortem(ctx, ag, p.ID, desk.Texts{
		NL: "**Wat er gebeurde.** De logbestanden van de mailserver vulden de opslag, waarna de server geen mail meer aannam.\n\n" +
			"**Wat we doen.** We waarschuwen nu bij 80 % gebruik en ruimen de logbestanden dagelijks op.",
		EN: "**What happened.** The mail server's log files filled its storage, after which it accepted no more mail.\n\n" +
			"**What we do.** We now alert at 80% use and clean up the log files daily.",
	})
	if err == nil {
		w.publicIncidents++
	}
	return err
}

// openIncident is this morning's e-mail problem: fixed, and being monitored. It is open on
// purpose, so the demo shows an unresolved incident (its impact is minor: the banner says
// "Minor service outage", not an alarm).
func (w *world) openIncident(ctx context.Context) error {
	c, mail, ag := w.clock, w.components["E-mail"], w.actor(agent)
	start := c.now.Add(-2 * time.Hour)
	p, err := c.set(start).PublicIncidents.Create(ctx, ag, app.NewPublicIncident{
		Name:       desk.Texts{NL: "Vertraagde bezorging van uitgaande e-mail", EN: "Delayed delivery of outgoing email"},
		Impact:     desk.ImpactMinor,
		Components: []desk.AffectedComponent{{ComponentID: mail, Status: desk.StatusDegradedPerformance}},
		Body: desk.Texts{NL: "Uitgaande e-mail komt met enkele minuten vertraging aan. We onderzoeken het.",
			EN: "Outgoing email arrives a few minutes late. We are looking into it."},
	})
	if err != nil {
		return err
	}
	_, err = c.set(start.Add(80*time.Minute)).PublicIncidents.PostUpdate(ctx, ag, p.ID, desk.UpdateInput{
		Status: desk.PublicMonitoring,
		Body: desk.Texts{NL: "Een overbelaste relayserver is vervangen; de vertraging neemt af. We houden het in de gaten.",
			EN: "An overloaded relay server has been replaced; the delay is shrinking. We are monitoring it."}})
	if err == nil {
		w.publicIncidents++
	}
	return err
}

// maintenance schedules DNS maintenance for next week, 22:00 to 00:30 local time.
func (w *world) maintenance(ctx context.Context) error {
	c := w.clock
	from, until := c.day(-7, 22, 0), c.day(-8, 0, 30)
	f, u := from.Format(time.RFC3339), until.Format(time.RFC3339)
	_, err := w.a.PublicIncidents.Create(ctx, w.actor(agent), app.NewPublicIncident{
		Kind: desk.KindMaintenance, Name: desk.Texts{NL: "Onderhoud DNS-servers", EN: "DNS server maintenance"},
		ScheduledFor: &f, ScheduledUntil: &u,
		Components: []desk.AffectedComponent{{ComponentID: w.components["DNS"], Status: desk.StatusUnderMaintenance}},
		Body: desk.Texts{NL: "We werken de DNS-servers bij. Wijzigingen in DNS-records kunnen tijdens het onderhoud tot een uur later actief worden.",
			EN: "We are upgrading the DNS servers. Changes to DNS records may take up to an hour longer to apply during the maintenance."},
	})
	if err == nil {
		w.publicIncidents++
	}
	return err
}

// branding gives the page a name, the 24/7 number and a footer.
func (w *world) branding(ctx context.Context) error {
	_, err := w.a.Branding.Put(ctx, w.actor("admin@demo.meldpunt.test"), desk.PageSettings{
		Title: "Voorbeeld Hosting status", AccentColour: "#1a5fb4", Phone: "+31 20 123 4567",
		FooterText: "Privacyverklaring", FooterURL: "https://example.nl/privacy",
	})
	return err
}

// subscriber adds one confirmed email subscriber who follows everything.
func (w *world) subscriber(ctx context.Context) error {
	_, err := w.a.Subscriptions.AddConfirmed(ctx, w.sys, desk.SubscriberInput{Email: Subscriber, Locale: "nl", All: true})
	return err
}
