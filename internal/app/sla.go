package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"meldpunt/internal/desk"
)

// The SLA clocks of incidents: calendars as data, the deadlines kept with each incident in
// the transaction of every change that moves them, the job that warns and escalates, and
// the desk's queue sorted by time to breach. docs/sla.md tells the whole story.

// StoredCalendar is a calendar an admin stored, and when.
type StoredCalendar struct {
	Calendar  desk.Calendar
	UpdatedAt time.Time
}

// CalendarEntry is a calendar as it applies: the stored version of its slug, or the
// built-in one.
type CalendarEntry struct {
	desk.Calendar
	// BuiltIn tells that the calendar is one of desk.DefaultCalendars as shipped: no admin
	// stored a version of its slug.
	BuiltIn bool `json:"built_in"`
	// UpdatedAt is when an admin stored this version; nil for a built-in calendar.
	UpdatedAt *time.Time `json:"updated_at"`
}

// clockCache keeps one built clock per calendar slug, with the calendar it was built from:
// building a clock loads a zone, and a clock caches the closed days of each year it sees.
// A clock is reused only while the calendar read in the transaction is the same, so an
// admin's change made on another instance is picked up at once.
type clockCache struct {
	mu sync.Mutex
	m  map[string]cachedClock
}

type cachedClock struct {
	def   string // the calendar's JSON
	clock *desk.Clock
}

func (c *clockCache) get(slug, def string) *desk.Clock {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[slug]; ok && e.def == def {
		return e.clock
	}
	return nil
}

func (c *clockCache) put(slug, def string, k *desk.Clock) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]cachedClock{}
	}
	c.m[slug] = cachedClock{def, k}
}

func (c *clockCache) forget(slug string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, slug)
}

// builtInCalendar returns the built-in calendar with that slug.
func builtInCalendar(slug string) (desk.Calendar, bool) {
	for _, c := range desk.DefaultCalendars() {
		if c.Slug == slug {
			return c, true
		}
	}
	return desk.Calendar{}, false
}

// calendarIn returns the calendar that applies under slug: the stored version, else the
// built-in one; ok is false when there is neither.
func calendarIn(ctx context.Context, tx SLAStore, slug string) (c desk.Calendar, ok bool, err error) {
	s, err := tx.Calendar(ctx, slug)
	switch {
	case err == nil:
		return s.Calendar, true, nil
	case !desk.IsNotFound(err):
		return c, false, err
	}
	c, ok = builtInCalendar(slug)
	return c, ok, nil
}

// calendarSlugs lists the slugs of every calendar that applies, built-in and stored.
func calendarSlugs(ctx context.Context, tx SLAStore) ([]string, error) {
	stored, err := tx.Calendars(ctx)
	if err != nil {
		return nil, err
	}
	var slugs []string
	for _, c := range desk.DefaultCalendars() {
		slugs = append(slugs, c.Slug)
	}
	for _, s := range stored {
		if !slices.Contains(slugs, s.Calendar.Slug) {
			slugs = append(slugs, s.Calendar.Slug)
		}
	}
	return slugs, nil
}

// clockIn returns the clock of the calendar slug names, built once and cached; nil when no
// such calendar exists (the incident then gets no deadlines rather than no registration).
func (a *core) clockIn(ctx context.Context, tx SLAStore, slug string) (*desk.Clock, error) {
	c, ok, err := calendarIn(ctx, tx, slug)
	if err != nil || !ok {
		return nil, err
	}
	def := mustJSON(c)
	if k := a.clocks.get(slug, def); k != nil {
		return k, nil
	}
	k, err := desk.NewClock(c, a.cfg.Holidays)
	if err != nil {
		return nil, fmt.Errorf("calendar %s: %w", slug, err)
	}
	a.clocks.put(slug, def, k)
	return k, nil
}

// normalizeCalendar gives a calendar empty lists instead of nil ones, so it reads back and
// shows as JSON the same however it was made.
func normalizeCalendar(c *desk.Calendar) {
	for d := range c.Week {
		if c.Week[d] == nil {
			c.Week[d] = []desk.Span{}
		}
	}
	if c.Holidays == nil {
		c.Holidays = []string{}
	}
	if c.ClosedDays == nil {
		c.ClosedDays = []string{}
	}
}

// Calendars lists the calendars contracts may name: the built-in ones (or an admin's
// version of them) and the admins' own, by slug. Anyone signed in may read them: they say
// when the desk works.
func (a *SLA) Calendars(ctx context.Context, actor desk.Actor) (cs []CalendarEntry, err error) {
	err = a.db.read(ctx, func(tx slaTx) error {
		stored, err := tx.Calendars(ctx)
		if err != nil {
			return err
		}
		byslug := map[string]StoredCalendar{}
		for _, s := range stored {
			byslug[s.Calendar.Slug] = s
		}
		for _, c := range desk.DefaultCalendars() {
			if _, ok := byslug[c.Slug]; !ok {
				normalizeCalendar(&c)
				cs = append(cs, CalendarEntry{Calendar: c, BuiltIn: true})
			}
		}
		for _, s := range stored {
			normalizeCalendar(&s.Calendar)
			cs = append(cs, CalendarEntry{Calendar: s.Calendar, UpdatedAt: ptr(s.UpdatedAt)})
		}
		slices.SortFunc(cs, func(x, y CalendarEntry) int { return strings.Compare(x.Slug, y.Slug) })
		return nil
	})
	return cs, err
}

// PutCalendar stores a calendar under its slug; only admins may. Storing one of the
// built-in slugs replaces the built-in version. The calendar is validated against the
// known holidays. Deadlines already stored keep their value; the new version applies from
// the next change that moves an incident's deadlines (a new incident, a change of priority
// or kind, a resumed clock).
func (a *SLA) PutCalendar(ctx context.Context, actor desk.Actor, c desk.Calendar) (e CalendarEntry, err error) {
	if err := requireAdmin(actor, "change calendars"); err != nil {
		return e, err
	}
	if err := c.Validate(a.cfg.Holidays); err != nil {
		return e, err
	}
	normalizeCalendar(&c)
	now := a.clock()
	err = a.db.write(ctx, func(tx slaTx) error {
		before, _, err := calendarIn(ctx, tx, c.Slug)
		if err != nil {
			return err
		}
		if err := tx.PutCalendar(ctx, StoredCalendar{Calendar: c, UpdatedAt: now}); err != nil {
			return err
		}
		var b any
		if before.Slug != "" {
			b = before
		}
		return audit(ctx, tx, actor, now, "calendar", 0, nil, "put", b, c)
	})
	if err != nil {
		return e, err
	}
	a.clocks.forget(c.Slug)
	return CalendarEntry{Calendar: c, UpdatedAt: &now}, nil
}

// checkContract validates a contract and checks, in the transaction, that the calendars it
// names exist; every violation is reported at once.
func checkContract(ctx context.Context, tx SLAStore, c *desk.Contract) error {
	var v desk.Validator
	if err := c.Validate(); err != nil {
		e, ok := err.(*desk.Error)
		if !ok {
			return err
		}
		v.Fields = append(v.Fields, e.Fields...)
	}
	slugs, err := calendarSlugs(ctx, tx)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		name  string
		hours desk.SupportHours
	}{{"support_hours", c.SupportHours}, {"urgent_support_hours", c.UrgentHours}} {
		if !v.Has(f.name) && !slices.Contains(slugs, string(f.hours)) {
			v.Add(f.name, "one_of", "must be the slug of a calendar: %s", strings.Join(slugs, ", "))
		}
	}
	return v.Err()
}

// activeContract returns the newest active contract of a list that runs newest first.
func activeContract(cs []desk.Contract) (desk.Contract, bool) {
	for _, c := range cs {
		if c.Active {
			return c, true
		}
	}
	return desk.Contract{}, false
}

// hoursFor returns the calendar a contract names for an incident of a kind: the urgent
// support hours for an urgent incident when the contract covers urgent reports, else the
// regular ones, as the promise of the questionnaire says (promise).
func hoursFor(c desk.Contract, kind desk.Kind) desk.SupportHours {
	if kind == desk.KindUrgent && c.CoversUrgent {
		return c.UrgentHours
	}
	return c.SupportHours
}

// slaBasis returns what an incident's clocks count with: the clock of the calendar for its
// kind and the target for its priority, under its organisation's newest active contract. ok
// is false without such a contract, calendar or target.
func (a *core) slaBasis(ctx context.Context, tx interface {
	OrganisationStore
	SLAStore
}, inc desk.Incident) (k *desk.Clock, t desk.Target, ok bool, err error) {
	c, err := tx.ActiveContract(ctx, inc.OrgID)
	if desk.IsNotFound(err) {
		return nil, t, false, nil
	}
	if err != nil {
		return nil, t, false, err
	}
	if k, err = a.clockIn(ctx, tx, string(hoursFor(c, inc.Kind))); err != nil || k == nil {
		return nil, t, false, err
	}
	t, ok = c.TargetFor(inc.Priority)
	return k, t, ok, nil
}

// startSLA starts the clocks of a new incident: no contract, no deadlines.
func (a *core) startSLA(ctx context.Context, tx interface {
	OrganisationStore
	SLAStore
}, inc *desk.Incident) error {
	k, t, ok, err := a.slaBasis(ctx, tx, *inc)
	if err != nil || !ok {
		inc.SLA = desk.SLA{}
		return err
	}
	inc.SLA = desk.StartSLA(k, inc.CreatedAt, t, a.cfg.WarnShare)
	return nil
}

// pausedState tells whether the resolution clock stands still in a state: while waiting,
// while a solution awaits confirmation, and (stopped) once closed.
func pausedState(s desk.State) bool {
	return s == desk.StateWaiting || s == desk.StateResolved || s == desk.StateClosed
}

// retargetSLA recomputes the deadlines after a change of priority or kind, from the
// registration time, keeping the paused time, in the calendar of the (new) kind. Without an
// active contract the deadlines stay as they are. Warnings and breaches whose new time lies
// ahead are handled again.
func (a *core) retargetSLA(ctx context.Context, tx interface {
	OrganisationStore
	SLAStore
}, inc *desk.Incident, now time.Time) error {
	k, t, ok, err := a.slaBasis(ctx, tx, *inc)
	if err != nil || !ok {
		return err
	}
	inc.SLA = inc.SLA.Retarget(k, inc.CreatedAt, t, a.cfg.WarnShare)
	if pausedState(inc.State) && inc.SLA.PausedSince == nil {
		inc.SLA = inc.SLA.Pause(now) // clocks started late, on an incident that waits
	}
	inc.ClearMarks(now)
	return nil
}

// pauseSLA stops the resolution clock: the incident waits, or its solution awaits the
// client's confirmation.
func pauseSLA(inc *desk.Incident, now time.Time) {
	if inc.SLA.Calendar != "" {
		inc.SLA = inc.SLA.Pause(now)
	}
}

// resumeSLA restarts the resolution clock after waiting or a rejected solution: the
// deadline moves on by the open time of the pause. Without an active contract the clock
// stays paused, since there is no target to count to.
func (a *core) resumeSLA(ctx context.Context, tx interface {
	OrganisationStore
	SLAStore
}, inc *desk.Incident, now time.Time) error {
	if inc.SLA.Calendar == "" {
		return nil
	}
	k, t, ok, err := a.slaBasis(ctx, tx, *inc)
	if err != nil || !ok {
		return err
	}
	inc.SLA = inc.SLA.Resume(k, inc.CreatedAt, t, a.cfg.WarnShare, now)
	inc.ClearMarks(now)
	return nil
}

// slaBatch is how many incidents the SLA job reads at a time; each is then marked in a
// short transaction of its own.
const slaBatch = 100

// slaActor is who the SLA job's timeline entries and audit records name.
var slaActor = desk.SystemActor("Meldpunt")

// RunSLAChecks sends the warnings and escalations that are due, and returns how many this
// call sent. For each mark (response warning and breach while no reply was sent; resolution
// warning and breach while the clock runs) it reads the open incidents whose time has come
// and whose flag is not set, and sets each flag with a conditional update in a transaction
// of its own, together with the notifications, the timeline entry and the audit record it
// causes. Only the transaction whose update changed the row goes on, so any number of
// instances may run it at once: each warning and breach is sent exactly once, and one that
// an instance did not finish (it stopped, its transaction failed) stays due for the next
// run of any instance.
func (a *SLA) RunChecks(ctx context.Context) (int, error) {
	sent := 0
	for _, m := range desk.SLAMarks {
		n, err := a.drain(ctx, "SLA "+string(m)+" of incident", slaBatch,
			dueIn(a.db, func(ctx context.Context, tx slaTx, now time.Time, limit int) ([]int64, error) {
				return tx.DueSLAMarks(ctx, m, now, limit)
			}),
			claimIn(a.db, func(ctx context.Context, tx slaTx, id int64, now time.Time) (bool, error) {
				return a.markSLA(ctx, tx, id, m, now)
			}))
		sent += n
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// markSLATx is what markSLA reads and writes.
type markSLATx interface {
	eventTx
	AuditStore
	OutboxStore
	SLAStore
}

// markSLA sets the mark, and when this transaction set it, notifies: a warning goes to the
// owner and the assignee (to the coordinators when the incident has neither); a breach to
// the owner, the assignee and the desk's coordinators — every active agent and admin — and
// is written on the timeline (internal) and in the audit log.
func (a *core) markSLA(ctx context.Context, tx markSLATx, id int64, m desk.SLAMark, now time.Time) (bool, error) {
	ok, err := tx.MarkSLA(ctx, id, m, now)
	if err != nil || !ok {
		return false, err
	}
	inc, err := tx.Incident(ctx, id)
	if err != nil {
		return false, err
	}
	to, err := slaRecipients(ctx, tx, inc, m.Breach())
	if err != nil {
		return false, err
	}
	due := inc.SLA.ResolveDue
	if m.Clock() == "response" {
		due = inc.SLA.ResponseDue
	}
	kind := desk.NotifySLAWarning
	if m.Breach() {
		kind = desk.NotifySLABreach
	}
	payload := map[string]any{"number": inc.Number, "title": inc.Title, "priority": inc.Priority,
		"clock": m.Clock(), "mark": m, "due": due}
	if err := notifyAll(ctx, tx, to, inc, kind, now, payload); err != nil {
		return false, err
	}
	event, target := desk.EventIncidentSLAWarning, "resolution"
	if m.Breach() {
		event = desk.EventIncidentSLABreached
	}
	if m.Clock() == "response" {
		target = "first_response"
	}
	if due != nil {
		if err := a.publishIncident(ctx, tx, event, slaActor, inc, now, func(d *eventData) {
			d.SLA = &eventSLA{Target: target, DueAt: *due}
		}); err != nil {
			return false, err
		}
	}
	flag := string(m)
	if m.Breach() {
		event, body := desk.EventResolveBreached, "The resolution deadline has passed; escalated to the desk's coordinators."
		if m.Clock() == "response" {
			event, body = desk.EventResponseBreached, "The first-response deadline has passed; escalated to the desk's coordinators."
		}
		if err := entry(ctx, tx, slaActor, inc, desk.Internal, body, now, event); err != nil {
			return false, err
		}
	}
	return true, audit(ctx, tx, slaActor, now, "incident", inc.ID, &inc.OrgID, "sla_"+m.Clock(),
		map[string]any{flag: false}, map[string]any{flag: true, "due": due, "notified": to})
}

// slaRecipients lists, without repeats, who hears of a warning or breach: the owner and
// the assignee when active, and for a breach (or when there is neither) the desk's
// coordinators, every active agent and admin.
func slaRecipients(ctx context.Context, tx IdentityStore, inc desk.Incident, breach bool) ([]int64, error) {
	var to []int64
	add := func(id int64) {
		if !slices.Contains(to, id) {
			to = append(to, id)
		}
	}
	for _, id := range []*int64{inc.OwnerID, inc.AssigneeID} {
		if id == nil {
			continue
		}
		u, err := tx.User(ctx, *id)
		if desk.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if u.Active {
			add(u.ID)
		}
	}
	if breach || len(to) == 0 {
		for _, r := range []desk.Role{desk.RoleAgent, desk.RoleAdmin} {
			us, err := tx.Users(ctx, UserFilter{Role: r})
			if err != nil {
				return nil, err
			}
			for _, u := range us {
				if u.Active {
					add(u.ID)
				}
			}
		}
	}
	return to, nil
}

// QueuePage is one page of the queue, and the cursor of the next: NextID is 0 on the last.
type QueuePage struct {
	Items   []desk.Incident
	NextDue time.Time
	NextID  int64
}

// Queue lists the open incidents the actor may see by time to breach (see
// desk.IncidentFilter.SortDue), narrowed by the filter; staff may. f.DueAfter and
// f.DueAfterID are the cursor a previous page returned.
func (a *Incidents) Queue(ctx context.Context, actor desk.Actor, f desk.IncidentFilter) (p QueuePage, err error) {
	if !actor.Role.IsStaff() {
		return p, forbidden("see the queue")
	}
	if err := f.Validate(); err != nil {
		return p, err
	}
	scopeIncidents(actor, &f)
	f.SortDue = true
	page, err := paged(&f.Limit, defaultPage, maxPage, func() (is []desk.Incident, err error) {
		err = a.db.read(ctx, func(tx incidentTx) error {
			is, err = tx.Incidents(ctx, f)
			return err
		})
		return is, err
	}, incidentID)
	p.Items = page.Items
	if page.Next != 0 {
		last := p.Items[len(p.Items)-1]
		p.NextDue, p.NextID = last.QueueDue(), last.ID
	}
	return p, err
}

// Now returns the time of the app's clock, for pages that count down to a deadline.
func (a *SLA) Now() time.Time { return a.clock() }
