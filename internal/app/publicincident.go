package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"meldpunt/internal/desk"
)

// Public incidents and scheduled maintenance (issue 11, docs/status-page.md): the desk
// (agents and admins) publishes them; everyone reads their public view. Every change is
// audited, and every published change queues its status notice in the same transaction.

// PublicIncidents publishes public incidents and maintenances and lists them for the page.
type PublicIncidents struct {
	*core
	db txn[publicIncidentTx]
}

// publicIncidentTx is what PublicIncidents reads and writes.
type publicIncidentTx interface {
	AuditStore
	ComponentStore
	PublicIncidentStore
	statusNoticeTx
	ticketLinkTx
}

// NewPublicIncident is what the desk gives to open an incident or schedule a maintenance:
// the incident's fields and the first message.
type NewPublicIncident struct {
	Kind       desk.PublicKind          `json:"kind"`
	Name       desk.Texts               `json:"name"`
	Status     desk.PublicStatus        `json:"status"`
	Impact     desk.PublicImpact        `json:"impact"`
	Components []desk.AffectedComponent `json:"components"`
	// ScheduledFor and ScheduledUntil are a maintenance's window, RFC 3339 times.
	ScheduledFor   *string    `json:"scheduled_for"`
	ScheduledUntil *string    `json:"scheduled_until"`
	Body           desk.Texts `json:"body"`
}

// PublicIncidentPatch changes a public incident's name, impact or window; nil keeps a field.
type PublicIncidentPatch struct {
	Name           *desk.Texts        `json:"name"`
	Impact         *desk.PublicImpact `json:"impact"`
	ScheduledFor   *string            `json:"scheduled_for"`
	ScheduledUntil *string            `json:"scheduled_until"`
}

// parseWhen reads an RFC 3339 time of field, nil when s is; a bad one is added to v.
func parseWhen(v *desk.Validator, field string, s *string) *time.Time {
	if s == nil {
		return nil
	}
	t, err := time.Parse(time.RFC3339, *s)
	switch {
	case err != nil:
		v.Add(field, "date_time", "must be a date and time such as 2026-03-02T09:00:00+01:00")
		return nil
	case t.Year() < 2000 || t.Year() > 2999:
		v.Add(field, "range", "must lie between the years 2000 and 2999")
		return nil
	}
	t = t.UTC().Truncate(time.Millisecond)
	return &t
}

// requirePublisher lets the desk (agents and admins) publish; clients and experts are refused.
func requirePublisher(actor desk.Actor) error {
	return requireDesk(actor, "publish on the status page")
}

// Create opens an incident or schedules a maintenance with its first update.
func (s *PublicIncidents) Create(ctx context.Context, actor desk.Actor, in NewPublicIncident) (desk.PublicIncident, error) {
	if err := requirePublisher(actor); err != nil {
		return desk.PublicIncident{}, err
	}
	p, err := s.prepare(in)
	if err != nil {
		return p, err
	}
	now := s.clock()
	err = s.db.write(ctx, func(tx publicIncidentTx) error {
		return s.create(ctx, tx, actor, &p, in.Body, now)
	})
	return p, err
}

// prepare checks a new public incident and returns it, with its defaults, to create.
func (s *PublicIncidents) prepare(in NewPublicIncident) (desk.PublicIncident, error) {
	var v desk.Validator
	p := desk.PublicIncident{Kind: in.Kind, Name: in.Name, Status: in.Status, Impact: in.Impact,
		Components: in.Components, ScheduledFor: parseWhen(&v, "scheduled_for", in.ScheduledFor),
		ScheduledUntil: parseWhen(&v, "scheduled_until", in.ScheduledUntil)}
	p.Defaults()
	if err := p.Validate(); err != nil {
		// A window that could not be read was reported already; the rules of the window
		// itself would only repeat it.
		badWindow := v.Has("scheduled_for") || v.Has("scheduled_until")
		for _, f := range err.(*desk.Error).Fields {
			if !badWindow || !strings.HasPrefix(f.Field, "scheduled_") {
				v.Add(f.Field, f.Rule, "%s", f.Message)
			}
		}
	}
	if p.Status == desk.PublicPostmortem {
		v.Add("status", "one_of", "a postmortem is added to a resolved incident with PUT …/postmortem")
	}
	v.Texts("body", in.Body, true, desk.MaxPublicBody, true)
	return p, v.Err()
}

// create stores the prepared p with its first update in tx, audits it and queues its notice.
func (s *PublicIncidents) create(ctx context.Context, tx publicIncidentTx, actor desk.Actor, p *desk.PublicIncident, body desk.Texts, now time.Time) error {
	if err := checkAffected(ctx, tx, "components", p.Components); err != nil {
		return err
	}
	u := p.Begin(body, authorOf(actor), now)
	if err := tx.CreatePublicIncident(ctx, p); err != nil {
		return err
	}
	u.IncidentID = p.ID
	if err := tx.AddPublicUpdate(ctx, &u); err != nil {
		return err
	}
	p.Updates = []desk.PublicUpdate{u}
	if err := audit(ctx, tx, actor, now, "public_incident", p.ID, nil, "create", nil, *p); err != nil {
		return err
	}
	kind := desk.NoticeIncidentCreated
	if p.Kind == desk.KindMaintenance {
		kind = desk.NoticeMaintenanceScheduled
	}
	return s.queueStatusNotice(ctx, tx, noticeOf(kind, *p, u))
}

// checkAffected checks that every listed component exists.
func checkAffected(ctx context.Context, tx ComponentStore, field string, cs []desk.AffectedComponent) error {
	var v desk.Validator
	for i, c := range cs {
		if _, err := tx.Component(ctx, c.ComponentID); desk.IsNotFound(err) {
			v.Add(field+"["+itoa(i)+"].component_id", "exists", "no component has this id")
		} else if err != nil {
			return err
		}
	}
	return v.Err()
}

// noticeOf is the status notice of update u on p.
func noticeOf(kind desk.StatusNoticeKind, p desk.PublicIncident, u desk.PublicUpdate) desk.StatusNotice {
	n := desk.StatusNotice{Kind: kind, PublicIncidentID: p.ID, UpdateID: u.ID, Name: p.Name, Body: u.Body,
		Status: string(p.Status), Impact: string(p.Impact), ComponentIDs: p.ComponentIDs(), At: u.CreatedAt,
		StartsAt: p.ScheduledFor, EndsAt: p.ScheduledUntil}
	if u.ID == 0 {
		n.At = p.UpdatedAt
	}
	return n
}

// PostUpdate posts an update: a message, perhaps a new status and the components' new
// statuses. Resolving (or completing a maintenance) is an update with that status.
func (s *PublicIncidents) PostUpdate(ctx context.Context, actor desk.Actor, id int64, in desk.UpdateInput) (p desk.PublicIncident, err error) {
	if err := requirePublisher(actor); err != nil {
		return p, err
	}
	err = s.db.write(ctx, func(tx publicIncidentTx) error {
		if p, err = tx.PublicIncident(ctx, id); err != nil {
			return err
		}
		if err := in.Validate(p.Kind); err != nil {
			return err
		}
		if err := checkAffected(ctx, tx, "components", in.Components); err != nil {
			return err
		}
		return s.post(ctx, tx, actor, &p, in, authorOf(actor))
	})
	return p, err
}

// post applies the update in on p, stores both, audits it and queues its notice.
func (s *PublicIncidents) post(ctx context.Context, tx publicIncidentTx, actor desk.Actor, p *desk.PublicIncident, in desk.UpdateInput, author *int64) error {
	before := *p
	before.Updates = nil
	if len(p.Components)+newComponents(p, in.Components) > desk.MaxPublicComponents {
		return invalid("components", "max_items", "an incident affects at most "+itoa(desk.MaxPublicComponents)+" components")
	}
	now := s.clock()
	u := p.Apply(in, author, now)
	if err := tx.UpdatePublicIncident(ctx, p); err != nil {
		return err
	}
	if err := tx.AddPublicUpdate(ctx, &u); err != nil {
		return err
	}
	p.Updates = append([]desk.PublicUpdate{u}, p.Updates...)
	after := *p
	after.Updates = nil
	if err := audit(ctx, tx, actor, now, "public_incident", p.ID, nil, "update", before, after); err != nil {
		return err
	}
	return s.queueStatusNoticeBy(ctx, tx, noticeOf(updateNoticeKind(before.Status, *p), *p, u), actor,
		in.ResolveTickets == nil || *in.ResolveTickets)
}

// newComponents counts the components of cs that p does not affect yet.
func newComponents(p *desk.PublicIncident, cs []desk.AffectedComponent) int {
	n := 0
	for _, c := range cs {
		if !slices.Contains(p.ComponentIDs(), c.ComponentID) {
			n++
		}
	}
	return n
}

// updateNoticeKind is the notice an update gives: resolved or completed when it closes the
// incident, started when a maintenance begins, updated otherwise.
func updateNoticeKind(from desk.PublicStatus, p desk.PublicIncident) desk.StatusNoticeKind {
	switch {
	case p.Kind == desk.KindMaintenance && p.Status == desk.MaintenanceCompleted && from != p.Status:
		return desk.NoticeMaintenanceCompleted
	case p.Kind == desk.KindMaintenance && p.Status == desk.MaintenanceInProgress && from == desk.MaintenanceScheduled:
		return desk.NoticeMaintenanceStarted
	case p.Kind == desk.KindIncident && p.Status.Closed() && !from.Closed():
		return desk.NoticeIncidentResolved
	}
	// A maintenance's other updates reach the same followers as an incident's.
	return desk.NoticeIncidentUpdated
}

// Resolve resolves an incident (or completes a maintenance) with a closing message; its
// components return to operational, and its linked tickets are resolved with the message
// as their solution.
func (s *PublicIncidents) Resolve(ctx context.Context, actor desk.Actor, id int64, body desk.Texts) (p desk.PublicIncident, err error) {
	return s.ResolveLinked(ctx, actor, id, body, true)
}

// ResolveLinked is Resolve that resolves the linked tickets only when tickets says so (the
// desk's resolve form, desk.UpdateInput.ResolveTickets); left alone, they get the message
// on their timeline and stay open.
func (s *PublicIncidents) ResolveLinked(ctx context.Context, actor desk.Actor, id int64, body desk.Texts, tickets bool) (p desk.PublicIncident, err error) {
	if err := requirePublisher(actor); err != nil {
		return p, err
	}
	err = s.db.write(ctx, func(tx publicIncidentTx) error {
		if p, err = tx.PublicIncident(ctx, id); err != nil {
			return err
		}
		status := desk.PublicResolved
		if p.Kind == desk.KindMaintenance {
			status = desk.MaintenanceCompleted
		}
		if !p.Open() {
			return desk.Errorf(desk.ECONFLICT, "the %s is closed already", p.Kind)
		}
		in := desk.UpdateInput{Status: status, Body: body, ResolveTickets: &tickets}
		if err := in.Validate(p.Kind); err != nil {
			return err
		}
		return s.post(ctx, tx, actor, &p, in, authorOf(actor))
	})
	return p, err
}

// SetPostmortem publishes (or replaces) the postmortem of a resolved incident; its status
// becomes postmortem. A maintenance has none.
func (s *PublicIncidents) SetPostmortem(ctx context.Context, actor desk.Actor, id int64, body desk.Texts) (p desk.PublicIncident, err error) {
	if err := requirePublisher(actor); err != nil {
		return p, err
	}
	var v desk.Validator
	v.Texts("body", body, true, desk.MaxPublicBody, true)
	if err := v.Err(); err != nil {
		return p, err
	}
	err = s.db.write(ctx, func(tx publicIncidentTx) error {
		if p, err = tx.PublicIncident(ctx, id); err != nil {
			return err
		}
		if p.Kind != desk.KindIncident || !p.Status.Closed() {
			return desk.Errorf(desk.ECONFLICT, "only a resolved incident gets a postmortem")
		}
		before := p
		before.Updates = nil
		now := s.clock()
		p.Postmortem = &desk.Postmortem{Body: body, At: now}
		p.Status, p.UpdatedAt = desk.PublicPostmortem, now
		if err := tx.UpdatePublicIncident(ctx, &p); err != nil {
			return err
		}
		after := p
		after.Updates = nil
		if err := audit(ctx, tx, actor, now, "public_incident", p.ID, nil, "postmortem", before, after); err != nil {
			return err
		}
		n := noticeOf(desk.NoticeIncidentPostmortem, p, desk.PublicUpdate{})
		n.Body = body
		return s.queueStatusNotice(ctx, tx, n)
	})
	return p, err
}

// Edit changes the name, the impact or (of a maintenance not yet started) the window. It
// writes no update and sends no notice: it corrects, it does not tell news.
func (s *PublicIncidents) Edit(ctx context.Context, actor desk.Actor, id int64, patch PublicIncidentPatch) (p desk.PublicIncident, err error) {
	if err := requirePublisher(actor); err != nil {
		return p, err
	}
	err = s.db.write(ctx, func(tx publicIncidentTx) error {
		if p, err = tx.PublicIncident(ctx, id); err != nil {
			return err
		}
		before := p
		before.Updates = nil
		set(&p.Name, patch.Name)
		set(&p.Impact, patch.Impact)
		var v desk.Validator
		from, until := parseWhen(&v, "scheduled_for", patch.ScheduledFor), parseWhen(&v, "scheduled_until", patch.ScheduledUntil)
		if err := v.Err(); err != nil {
			return err
		}
		if from != nil {
			if p.Kind == desk.KindMaintenance && p.Status != desk.MaintenanceScheduled {
				return invalid("scheduled_for", "started", "the maintenance has started; its start can no longer move")
			}
			p.ScheduledFor, p.StartedAt, p.RemindedAt = from, *from, nil
		}
		if until != nil {
			p.ScheduledUntil = until
		}
		if err := p.Validate(); err != nil {
			return err
		}
		p.UpdatedAt = s.clock()
		if err := tx.UpdatePublicIncident(ctx, &p); err != nil {
			return err
		}
		after := p
		after.Updates = nil
		return audit(ctx, tx, actor, p.UpdatedAt, "public_incident", p.ID, nil, "edit", before, after)
	})
	return p, err
}

// Get returns one public incident for the desk (with authors); clients and experts are
// refused, since they read the public view (Public).
func (s *PublicIncidents) Get(ctx context.Context, actor desk.Actor, id int64) (p desk.PublicIncident, err error) {
	if err := requirePublisher(actor); err != nil {
		return p, err
	}
	err = s.db.read(ctx, func(tx publicIncidentTx) error {
		p, err = tx.PublicIncident(ctx, id)
		return err
	})
	return p, err
}

// List lists public incidents for the desk, newest first.
func (s *PublicIncidents) List(ctx context.Context, actor desk.Actor, f PublicIncidentFilter) (ps []desk.PublicIncident, err error) {
	if err := requirePublisher(actor); err != nil {
		return nil, err
	}
	err = s.db.read(ctx, func(tx publicIncidentTx) error {
		ps, err = tx.PublicIncidents(ctx, f)
		return err
	})
	return ps, err
}

// PublicView is one public incident as a visitor sees it (no authors, only public
// components), with the public components it names, by id.
type PublicView struct {
	Incident   desk.PublicIncident
	Components map[int64]desk.Component
}

// GetPublic returns the public view of one incident or maintenance; no actor needed.
func (s *PublicIncidents) GetPublic(ctx context.Context, id int64) (v PublicView, err error) {
	err = s.db.read(ctx, func(tx publicIncidentTx) error {
		p, err := tx.PublicIncident(ctx, id)
		if err != nil {
			return err
		}
		comps, err := publicComponents(ctx, tx)
		if err != nil {
			return err
		}
		v = PublicView{Incident: p.Public(func(id int64) bool { _, ok := comps[id]; return ok }), Components: comps}
		return nil
	})
	return v, err
}

// publicComponents reads the public components by id, with their displayed status.
func publicComponents(ctx context.Context, tx interface {
	ComponentStore
	PublicIncidentStore
}) (map[int64]desk.Component, error) {
	all, err := tx.Components(ctx, 0)
	if err != nil {
		return nil, err
	}
	open, err := tx.PublicIncidents(ctx, PublicIncidentFilter{State: PublicOpen, Limit: 500})
	if err != nil {
		return nil, err
	}
	shown := desk.DisplayedStatuses(all, open)
	out := map[int64]desk.Component{}
	for _, c := range all {
		if c.Visibility == desk.VisibilityPublic {
			c.ClientIDs = []int64{}
			c.Status = shown[c.ID]
			out[c.ID] = c
		}
	}
	return out, nil
}

// PageIncidents is what the status page lists: open incidents, active and upcoming
// maintenances, what closed in the last days, all in their public view.
type PageIncidents struct {
	Open        []desk.PublicIncident // unresolved incidents, newest first
	Active      []desk.PublicIncident // maintenances in progress or verifying, earliest first
	Upcoming    []desk.PublicIncident // scheduled maintenances, earliest first
	Recent      []desk.PublicIncident // closed since the cut-off, newest first
	Components  map[int64]desk.Component
	GeneratedAt time.Time
}

// Page lists what the status page shows; days is how far back closed ones are listed (at
// most 90). No actor needed: everything is public.
func (s *PublicIncidents) Page(ctx context.Context, days int) (pg PageIncidents, err error) {
	days = min(max(days, 0), 90)
	now := s.clock()
	err = s.db.read(ctx, func(tx publicIncidentTx) error {
		comps, err := publicComponents(ctx, tx)
		if err != nil {
			return err
		}
		visible := func(id int64) bool { _, ok := comps[id]; return ok }
		open, err := tx.PublicIncidents(ctx, PublicIncidentFilter{State: PublicOpen, Limit: 500})
		if err != nil {
			return err
		}
		recent, err := tx.PublicIncidents(ctx, PublicIncidentFilter{State: PublicClosed, ClosedSince: now.AddDate(0, 0, -days), Limit: 500})
		if err != nil {
			return err
		}
		pg = PageIncidents{Open: []desk.PublicIncident{}, Active: []desk.PublicIncident{}, Upcoming: []desk.PublicIncident{},
			Recent: []desk.PublicIncident{}, Components: comps, GeneratedAt: now}
		for _, p := range open {
			p = p.Public(visible)
			switch {
			case p.Kind == desk.KindIncident:
				pg.Open = append(pg.Open, p)
			case p.Active():
				pg.Active = append(pg.Active, p)
			default:
				pg.Upcoming = append(pg.Upcoming, p)
			}
		}
		slices.Reverse(pg.Active)
		slices.Reverse(pg.Upcoming)
		for _, p := range recent {
			pg.Recent = append(pg.Recent, p.Public(visible))
		}
		return nil
	})
	return pg, err
}

// Month lists in public view the incidents and maintenances that started in the month of
// the given time (in loc), newest first: the page's history.
func (s *PublicIncidents) Month(ctx context.Context, year int, month time.Month, loc *time.Location) (ps []desk.PublicIncident, err error) {
	from := time.Date(year, month, 1, 0, 0, 0, 0, loc)
	err = s.db.read(ctx, func(tx publicIncidentTx) error {
		comps, err := publicComponents(ctx, tx)
		if err != nil {
			return err
		}
		all, err := tx.PublicIncidents(ctx, PublicIncidentFilter{StartedFrom: from, StartedBefore: from.AddDate(0, 1, 0), Limit: 500})
		if err != nil {
			return err
		}
		ps = make([]desk.PublicIncident, 0, len(all))
		for _, p := range all {
			ps = append(ps, p.Public(func(id int64) bool { _, ok := comps[id]; return ok }))
		}
		return nil
	})
	return ps, err
}

// Latest lists in public view the last n incidents and maintenances (by start), newest
// first, with the public components: what /api/v2/incidents.json lists.
func (s *PublicIncidents) Latest(ctx context.Context, kind desk.PublicKind, n int) (ps []desk.PublicIncident, comps map[int64]desk.Component, err error) {
	err = s.db.read(ctx, func(tx publicIncidentTx) error {
		if comps, err = publicComponents(ctx, tx); err != nil {
			return err
		}
		all, err := tx.PublicIncidents(ctx, PublicIncidentFilter{Kind: kind, Limit: n})
		if err != nil {
			return err
		}
		ps = make([]desk.PublicIncident, 0, len(all))
		for _, p := range all {
			ps = append(ps, p.Public(func(id int64) bool { _, ok := comps[id]; return ok }))
		}
		return nil
	})
	return ps, comps, err
}

// authorOf is the user to name as an update's author: none for Meldpunt itself.
func authorOf(actor desk.Actor) *int64 {
	if actor.UserID == 0 {
		return nil
	}
	id := actor.UserID
	return &id
}
