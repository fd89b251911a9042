package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"meldpunt/internal/desk"
)

// One outage, many tickets (issue 11, docs/status-page.md): the desk links client tickets
// (desk.Incident) to the public incident about their outage, from either side and in bulk.
// Each update posted on the public incident then goes on every linked ticket's timeline as
// a reply the client sees and to its reporter by email, once; resolving the public incident
// resolves the linked tickets with its final message. A client learns only that its own
// ticket is linked, to which public incident: never of other tickets or their number.

// TicketLinkStore keeps the links of tickets to public incidents.
type TicketLinkStore interface {
	// LinkTicket links a ticket to a public incident; ECONFLICT when the ticket is linked
	// already.
	LinkTicket(ctx context.Context, incidentID, publicID int64, by *int64, at time.Time) error
	// UnlinkTicket removes a ticket's link; ENOTFOUND when it has none.
	UnlinkTicket(ctx context.Context, incidentID int64) error
	// TicketLink returns the public incident a ticket links to; ENOTFOUND when none.
	TicketLink(ctx context.Context, incidentID int64) (int64, error)
	// LinkedTickets lists the ids of the tickets linked to a public incident, by id.
	LinkedTickets(ctx context.Context, publicID int64) ([]int64, error)
}

// ticketNoticeTx is what telling the linked tickets of a notice reads and writes.
type ticketNoticeTx interface {
	transitionTx
	TicketLinkStore
	PublicIncidentStore
}

// ticketLinkTx is what linking reads and writes.
type ticketLinkTx interface {
	ticketNoticeTx
	ComponentStore
}

// MaxLinkTickets is how many tickets one bulk link names at most.
const MaxLinkTickets = 200

// The timeline events of a link.
const (
	EventPublicLinked   = "public_linked"   // linked to a public incident: its name
	EventPublicUnlinked = "public_unlinked" // no longer linked: its name
	EventPublicUpdate   = "public_update"   // a reply: an update posted on the public incident, its name
)

// TicketLink is what a ticket shows of its public incident: anyone who may see the ticket
// may see it, since the public incident is public (its public view).
type TicketLink struct {
	PublicIncidentID int64             `json:"public_incident_id"`
	Name             desk.Texts        `json:"name"`
	Status           desk.PublicStatus `json:"status"`
	// URL is the incident's page on the public status page.
	URL string `json:"url"`
}

// linkable reads the public incident a ticket may be linked to: an open incident (not a
// maintenance).
func linkable(ctx context.Context, tx PublicIncidentStore, id int64) (desk.PublicIncident, error) {
	p, err := tx.PublicIncident(ctx, id)
	if err != nil {
		return p, err
	}
	if p.Kind != desk.KindIncident {
		return p, invalid("public_incident_id", "kind", "tickets link to an incident, not to a maintenance")
	}
	if !p.Open() {
		return p, desk.Errorf(desk.ECONFLICT, "the public incident is resolved; tickets link to an open one")
	}
	return p, nil
}

// localeOf is the language of the ticket's reporter (Dutch when there is none).
func localeOf(ctx context.Context, tx IdentityStore, inc desk.Incident) (desk.Locale, *desk.User, error) {
	if inc.ReporterID == nil {
		return desk.LocaleNL, nil, nil
	}
	u, err := tx.User(ctx, *inc.ReporterID)
	if desk.IsNotFound(err) {
		return desk.LocaleNL, nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	if u.Locale == "" {
		u.Locale = desk.LocaleNL
	}
	return u.Locale, &u, nil
}

// link links inc to p in tx: the link, a public timeline entry naming p, the audit record.
func (s *PublicIncidents) link(ctx context.Context, tx ticketLinkTx, actor desk.Actor, inc desk.Incident, p desk.PublicIncident, now time.Time) error {
	if err := tx.LinkTicket(ctx, inc.ID, p.ID, authorOf(actor), now); err != nil {
		return err
	}
	l, _, err := localeOf(ctx, tx, inc)
	if err != nil {
		return err
	}
	name := p.Name.In(l)
	if err := entry(ctx, tx, actor, inc, desk.Public, "Linked to the public incident ‘"+name+"’ on the status page.",
		now, EventPublicLinked, "text:"+name); err != nil {
		return err
	}
	if err := tx.TouchIncident(ctx, inc.ID, now); err != nil {
		return err
	}
	return audit(ctx, tx, actor, now, "incident", inc.ID, &inc.OrgID, "link_public_incident",
		map[string]any{"public_incident_id": nil}, map[string]any{"public_incident_id": p.ID})
}

// unlink removes inc's link to the public incident pid in tx.
func (s *PublicIncidents) unlink(ctx context.Context, tx ticketLinkTx, actor desk.Actor, inc desk.Incident, pid int64, now time.Time) error {
	if err := tx.UnlinkTicket(ctx, inc.ID); err != nil {
		return err
	}
	p, err := tx.PublicIncident(ctx, pid)
	if err != nil {
		return err
	}
	l, _, err := localeOf(ctx, tx, inc)
	if err != nil {
		return err
	}
	name := p.Name.In(l)
	if err := entry(ctx, tx, actor, inc, desk.Public, "No longer linked to the public incident ‘"+name+"’.",
		now, EventPublicUnlinked, "text:"+name); err != nil {
		return err
	}
	return audit(ctx, tx, actor, now, "incident", inc.ID, &inc.OrgID, "unlink_public_incident",
		map[string]any{"public_incident_id": pid}, map[string]any{"public_incident_id": nil})
}

// deskTicket reads a ticket the desk may link: it exists for the actor and is not closed.
func deskTicket(ctx context.Context, tx IncidentStore, actor desk.Actor, id int64) (desk.Incident, error) {
	inc, err := visibleIncident(ctx, tx, actor, id)
	if err != nil {
		return inc, err
	}
	if err := requireDesk(actor, "link tickets to public incidents"); err != nil {
		return inc, err
	}
	if !inc.State.Open() {
		return inc, desk.Errorf(desk.ECONFLICT, "the ticket is closed")
	}
	return inc, nil
}

// LinkTicket links a ticket to a public incident (from the ticket's side): an earlier
// link of the ticket is replaced. Linking it again to the same one changes nothing.
func (s *PublicIncidents) LinkTicket(ctx context.Context, actor desk.Actor, incidentID, publicID int64) (l TicketLink, err error) {
	if err := requirePublisher(actor); err != nil {
		return l, err
	}
	now := s.clock()
	err = s.db.write(ctx, func(tx publicIncidentTx) error {
		inc, err := deskTicket(ctx, tx, actor, incidentID)
		if err != nil {
			return err
		}
		p, err := linkable(ctx, tx, publicID)
		if desk.IsNotFound(err) {
			return invalid("public_incident_id", "exists", "no public incident has this id")
		}
		if err != nil {
			return err
		}
		l = s.linkOf(p)
		old, err := tx.TicketLink(ctx, inc.ID)
		switch {
		case err == nil && old == p.ID:
			return nil
		case err == nil:
			if err := s.unlink(ctx, tx, actor, inc, old, now); err != nil {
				return err
			}
		case !desk.IsNotFound(err):
			return err
		}
		return s.link(ctx, tx, actor, inc, p, now)
	})
	return l, err
}

// UnlinkTicket removes a ticket's link; ENOTFOUND when it has none.
func (s *PublicIncidents) UnlinkTicket(ctx context.Context, actor desk.Actor, incidentID int64) error {
	if err := requirePublisher(actor); err != nil {
		return err
	}
	now := s.clock()
	return s.db.write(ctx, func(tx publicIncidentTx) error {
		inc, err := visibleIncident(ctx, tx, actor, incidentID)
		if err != nil {
			return err
		}
		old, err := tx.TicketLink(ctx, inc.ID)
		if err != nil {
			return err
		}
		return s.unlink(ctx, tx, actor, inc, old, now)
	})
}

// LinkTickets links several tickets to a public incident at once (from the public
// incident's side, or the desk's queue): all or none. A ticket linked to it already is
// left as it is; one linked to another public incident, closed or unknown is an error
// naming its place in the list (tickets[i]). It returns the ids of the tickets it linked.
func (s *PublicIncidents) LinkTickets(ctx context.Context, actor desk.Actor, publicID int64, ids []int64) (linked []int64, err error) {
	if err := requirePublisher(actor); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, invalid("tickets", "required", "name at least one ticket")
	}
	if len(ids) > MaxLinkTickets {
		return nil, invalid("tickets", "max_items", "name at most "+itoa(MaxLinkTickets)+" tickets")
	}
	now := s.clock()
	linked = []int64{}
	err = s.db.write(ctx, func(tx publicIncidentTx) error {
		p, err := linkable(ctx, tx, publicID)
		if err != nil {
			return err
		}
		var v desk.Validator
		var incs []desk.Incident
		seen := map[int64]bool{}
		for i, id := range ids {
			f := "tickets[" + itoa(i) + "]"
			if id <= 0 {
				v.Add(f, "exists", "no ticket has this number")
				continue
			}
			if seen[id] {
				continue
			}
			seen[id] = true
			inc, err := deskTicket(ctx, tx, actor, id)
			switch {
			case desk.IsNotFound(err):
				v.Add(f, "exists", "no ticket has this number")
				continue
			case desk.ErrorCode(err) == desk.ECONFLICT:
				v.Add(f, "open", "the ticket is closed")
				continue
			case err != nil:
				return err
			}
			old, err := tx.TicketLink(ctx, inc.ID)
			switch {
			case err == nil && old == p.ID:
				continue
			case err == nil:
				v.Add(f, "unlinked", "the ticket is linked to another public incident; unlink it first")
				continue
			case !desk.IsNotFound(err):
				return err
			}
			incs = append(incs, inc)
		}
		if err := v.Err(); err != nil {
			return err
		}
		for _, inc := range incs {
			if err := s.link(ctx, tx, actor, inc, p, now); err != nil {
				return err
			}
			linked = append(linked, inc.ID)
		}
		return nil
	})
	if err != nil {
		linked = nil
	}
	return linked, err
}

// LinkedTickets lists the tickets linked to a public incident, for the desk.
func (s *PublicIncidents) LinkedTickets(ctx context.Context, actor desk.Actor, publicID int64) (out []desk.Incident, err error) {
	if err := requirePublisher(actor); err != nil {
		return nil, err
	}
	out = []desk.Incident{}
	err = s.db.read(ctx, func(tx publicIncidentTx) error {
		if _, err := tx.PublicIncident(ctx, publicID); err != nil {
			return err
		}
		ids, err := tx.LinkedTickets(ctx, publicID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			inc, err := visibleIncident(ctx, tx, actor, id)
			if err != nil {
				return err
			}
			out = append(out, inc)
		}
		return nil
	})
	return out, err
}

// TicketLinkOf returns the public incident a ticket links to, for anyone who may see the
// ticket (its client too); ENOTFOUND when it links to none.
func (s *PublicIncidents) TicketLinkOf(ctx context.Context, actor desk.Actor, incidentID int64) (l TicketLink, err error) {
	err = s.db.read(ctx, func(tx publicIncidentTx) error {
		if _, err := visibleIncident(ctx, tx, actor, incidentID); err != nil {
			return err
		}
		pid, err := tx.TicketLink(ctx, incidentID)
		if err != nil {
			return err
		}
		p, err := tx.PublicIncident(ctx, pid)
		l = s.linkOf(p)
		return err
	})
	return l, err
}

func (s *PublicIncidents) linkOf(p desk.PublicIncident) TicketLink {
	return TicketLink{PublicIncidentID: p.ID, Name: p.Name, Status: p.Status,
		URL: strings.TrimRight(s.cfg.BaseURL, "/") + "/status/incidents/" + desk.FormatInt(p.ID)}
}

// TicketDraft is the public incident the desk starts from a ticket, before it edits it:
// the ticket's title as the name (in both languages: the desk should check it for client
// details) and the ticket's public components, each with a major outage.
func (s *PublicIncidents) TicketDraft(ctx context.Context, actor desk.Actor, incidentID int64) (d NewPublicIncident, err error) {
	if err := requirePublisher(actor); err != nil {
		return d, err
	}
	err = s.db.read(ctx, func(tx publicIncidentTx) error {
		inc, err := visibleIncident(ctx, tx, actor, incidentID)
		if err != nil {
			return err
		}
		title := desk.StripBidi(inc.Title)
		if len([]rune(title)) > desk.MaxPublicName {
			title = string([]rune(title)[:desk.MaxPublicName])
		}
		d = NewPublicIncident{Kind: desk.KindIncident, Name: desk.Texts{NL: title, EN: title},
			Status: desk.PublicInvestigating, Impact: desk.ImpactMinor, Components: []desk.AffectedComponent{}}
		public, err := publicComponentIDs(ctx, tx)
		if err != nil {
			return err
		}
		for _, id := range inc.ComponentIDs {
			if public[id] && len(d.Components) < desk.MaxPublicComponents {
				d.Components = append(d.Components, desk.AffectedComponent{ComponentID: id, Status: desk.StatusMajorOutage})
			}
		}
		return nil
	})
	return d, err
}

// StartFromTicket opens a public incident and links the ticket to it, in one step and one
// transaction. Only public components may be named: a ticket's clients-only component has
// no place on the public page. An earlier link of the ticket is replaced, as by LinkTicket.
func (s *PublicIncidents) StartFromTicket(ctx context.Context, actor desk.Actor, incidentID int64, in NewPublicIncident) (p desk.PublicIncident, err error) {
	if err := requirePublisher(actor); err != nil {
		return p, err
	}
	if in.Kind == "" {
		in.Kind = desk.KindIncident
	}
	if in.Kind != desk.KindIncident {
		return p, invalid("kind", "one_of", "a ticket starts an incident, not a maintenance")
	}
	p, err = s.prepare(in)
	if err != nil {
		return p, err
	}
	now := s.clock()
	err = s.db.write(ctx, func(tx publicIncidentTx) error {
		inc, err := deskTicket(ctx, tx, actor, incidentID)
		if err != nil {
			return err
		}
		public, err := publicComponentIDs(ctx, tx)
		if err != nil {
			return err
		}
		var v desk.Validator
		for i, c := range p.Components {
			if !public[c.ComponentID] {
				v.Add("components["+itoa(i)+"].component_id", "public", "must be a public component")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := s.create(ctx, tx, actor, &p, in.Body, now); err != nil {
			return err
		}
		if old, err := tx.TicketLink(ctx, inc.ID); err == nil {
			if err := s.unlink(ctx, tx, actor, inc, old, now); err != nil {
				return err
			}
		} else if !desk.IsNotFound(err) {
			return err
		}
		return s.link(ctx, tx, actor, inc, p, now)
	})
	return p, err
}

// queueTicketNotices tells the tickets linked to the notice's public incident of an update
// (notices without an update, reminders and postmortems, are not for tickets; closed tickets
// hear nothing more). Each open ticket gets the update as a public reply, which stops its
// first-response clock like any visible reply, and its reporter one email (an update, or
// the solution when the update resolves the ticket), unless they switched ticket updates
// off. When resolve is set and the update resolves the incident, a ticket not yet resolved
// is resolved with the message as its solution and follows the closure loop. It returns
// the addresses of the reporters it emailed: the subscriber fan-out leaves them out, so a
// reporter who also subscribed to the page hears of the update once, on the ticket.
func (a *core) queueTicketNotices(ctx context.Context, tx ticketNoticeTx, n desk.StatusNotice, actor desk.Actor, resolve bool) ([]string, error) {
	if n.UpdateID == 0 {
		return nil, nil
	}
	ids, err := tx.LinkedTickets(ctx, n.PublicIncidentID)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	if actor.Name == "" {
		actor.Name = "Meldpunt"
	}
	resolving := resolve && n.Kind == desk.NoticeIncidentResolved
	var except []string
	for _, id := range ids {
		inc, err := tx.Incident(ctx, id)
		if err != nil {
			return nil, err
		}
		if !inc.State.Open() {
			continue
		}
		l, reporter, err := localeOf(ctx, tx, inc)
		if err != nil {
			return nil, err
		}
		body := strings.TrimSpace(n.Body.In(l))
		if resolving && inc.State != desk.StateResolved {
			if err := a.resolveTicket(ctx, tx, actor, &inc, body, n.At); err != nil {
				return nil, err
			}
			if reporter != nil && reporter.Active {
				except = append(except, reporter.Email)
			}
			continue
		}
		emailed, err := a.ticketReply(ctx, tx, actor, inc, reporter, n.Name.In(l), body, n.At)
		if err != nil {
			return nil, err
		}
		if emailed {
			except = append(except, reporter.Email)
		}
	}
	return except, nil
}

// resolveTicket resolves a linked ticket with the public incident's final message: a new
// ticket is taken in progress first, as the state machine asks.
func (a *core) resolveTicket(ctx context.Context, tx ticketNoticeTx, actor desk.Actor, inc *desk.Incident, body string, now time.Time) error {
	if inc.State == desk.StateNew {
		// Taken in progress on the way, without a message of its own: the solution follows.
		before := *inc
		inc.State, inc.UpdatedAt = desk.StateInProgress, now
		if err := tx.UpdateIncident(ctx, inc); err != nil {
			return err
		}
		e := desk.TimelineEntry{IncidentID: inc.ID, Kind: desk.EntryState, Visibility: desk.Public, AuthorName: actor.Name,
			FromState: desk.StateNew, ToState: desk.StateInProgress, CreatedAt: now}
		if actor.UserID != 0 {
			e.AuthorID = ptr(actor.UserID)
		}
		if err := tx.AddTimelineEntry(ctx, &e); err != nil {
			return err
		}
		if err := audit(ctx, tx, actor, now, "incident", inc.ID, &inc.OrgID, "transition", before, *inc); err != nil {
			return err
		}
	}
	t := desk.Transition{To: desk.StateResolved, Solution: body, SolutionKind: desk.SolutionStructural}
	return a.transition(ctx, tx, actor, inc, t, now, "public_incident")
}

// ticketReply puts an update of the public incident on a linked ticket's timeline as a
// public reply and emails its reporter (unless they switched updates off, or the reply is
// theirs); it tells whether it emailed.
func (a *core) ticketReply(ctx context.Context, tx ticketNoticeTx, actor desk.Actor, inc desk.Incident, reporter *desk.User, name, body string, now time.Time) (bool, error) {
	e := desk.TimelineEntry{IncidentID: inc.ID, Kind: desk.EntryReply, Visibility: desk.Public, AuthorName: actor.Name,
		Body: body, Event: EventPublicUpdate, Args: []string{"text:" + name}, CreatedAt: now}
	if actor.UserID != 0 {
		e.AuthorID = ptr(actor.UserID)
	}
	if err := tx.AddTimelineEntry(ctx, &e); err != nil {
		return false, err
	}
	if inc.FirstResponseAt == nil {
		// A reply the client sees: the first-response clock stops, as for any such reply.
		before := inc
		inc.FirstResponseAt, inc.UpdatedAt = &now, now
		if err := tx.UpdateIncident(ctx, &inc); err != nil {
			return false, err
		}
		if err := audit(ctx, tx, actor, now, "incident", inc.ID, &inc.OrgID, "first_response", before, inc); err != nil {
			return false, err
		}
	} else if err := tx.TouchIncident(ctx, inc.ID, now); err != nil {
		return false, err
	}
	if err := audit(ctx, tx, actor, now, "timeline_entry", e.ID, &inc.OrgID, "create", nil, e); err != nil {
		return false, err
	}
	if reporter == nil || !reporter.Active || reporter.ID == actor.UserID {
		return false, nil
	}
	off, err := tx.NotificationOptOuts(ctx, reporter.ID)
	if err != nil {
		return false, err
	}
	if slices.Contains(off, desk.NotifyUpdate) {
		return false, nil
	}
	p := map[string]any{"number": inc.Number, "title": inc.Title, "by": actor.Name, "body": body, "public_incident": name}
	return true, notify(ctx, tx, reporter.ID, inc, desk.NotifyUpdate, now, p)
}
