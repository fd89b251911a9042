package app

import (
	"context"
	"slices"
	"time"

	"meldpunt/internal/desk"
)

// The status page's feeds (docs/status-page.md "Feeds"): the history as Atom and RSS, for
// the whole page or one public component, and the maintenance calendar. Everything here is
// in its public view: no authors, no clients-only components.

// MaxFeedEntries is how many incidents and maintenances a history feed holds: the latest.
const MaxFeedEntries = 50

// CalendarDays is how long a completed maintenance stays in the calendar.
const CalendarDays = 30

// feedScan is how many of the latest incidents a component's feed looks through for the
// ones that affect it.
const feedScan = 500

// History lists in public view the latest MaxFeedEntries incidents and maintenances (by
// start, newest first), with the public components by id. componentID 0 means the whole
// page; another lists only those that affect that component (now or in any update), and is
// not found unless the component is public.
func (s *PublicIncidents) History(ctx context.Context, componentID int64) (ps []desk.PublicIncident, comps map[int64]desk.Component, err error) {
	err = s.db.read(ctx, func(tx publicIncidentTx) error {
		if comps, err = publicComponents(ctx, tx); err != nil {
			return err
		}
		if _, ok := comps[componentID]; componentID != 0 && !ok {
			return desk.Errorf(desk.ENOTFOUND, "no public component has this id")
		}
		n := MaxFeedEntries
		if componentID != 0 {
			n = feedScan
		}
		all, err := tx.PublicIncidents(ctx, PublicIncidentFilter{Limit: n})
		if err != nil {
			return err
		}
		visible := func(id int64) bool { _, ok := comps[id]; return ok }
		ps = []desk.PublicIncident{}
		for _, p := range all {
			p = p.Public(visible)
			if componentID == 0 || affects(p, componentID) {
				ps = append(ps, p)
			}
			if len(ps) == MaxFeedEntries {
				break
			}
		}
		return nil
	})
	return ps, comps, err
}

// affects tells whether p names component id, now or in any update.
func affects(p desk.PublicIncident, id int64) bool {
	if slices.ContainsFunc(p.Components, func(c desk.AffectedComponent) bool { return c.ComponentID == id }) {
		return true
	}
	for _, u := range p.Updates {
		if slices.ContainsFunc(u.Components, func(c desk.ComponentChange) bool { return c.ComponentID == id }) {
			return true
		}
	}
	return false
}

// Calendar lists in public view the maintenances for the calendar feed, earliest start
// first: every one not completed yet, and those completed at most CalendarDays ago.
func (s *PublicIncidents) Calendar(ctx context.Context) (ps []desk.PublicIncident, comps map[int64]desk.Component, err error) {
	since := s.clock().AddDate(0, 0, -CalendarDays)
	err = s.db.read(ctx, func(tx publicIncidentTx) error {
		if comps, err = publicComponents(ctx, tx); err != nil {
			return err
		}
		open, err := tx.PublicIncidents(ctx, PublicIncidentFilter{Kind: desk.KindMaintenance, State: PublicOpen, Ascending: true, Limit: 500})
		if err != nil {
			return err
		}
		closed, err := tx.PublicIncidents(ctx, PublicIncidentFilter{Kind: desk.KindMaintenance, State: PublicClosed,
			ClosedSince: since, Ascending: true, Limit: 500})
		if err != nil {
			return err
		}
		visible := func(id int64) bool { _, ok := comps[id]; return ok }
		ps = []desk.PublicIncident{}
		for _, p := range append(closed, open...) {
			if p.ScheduledFor == nil || p.ScheduledUntil == nil {
				continue
			}
			ps = append(ps, p.Public(visible))
		}
		slices.SortStableFunc(ps, func(a, b desk.PublicIncident) int {
			if c := a.ScheduledFor.Compare(*b.ScheduledFor); c != 0 {
				return c
			}
			return int(a.ID - b.ID)
		})
		return nil
	})
	return ps, comps, err
}

// FeedTime is the Updated time of an incident in a feed: its last change, or its
// postmortem's publication when that is later.
func FeedTime(p desk.PublicIncident) time.Time {
	t := p.UpdatedAt
	if p.Postmortem != nil && p.Postmortem.At.After(t) {
		t = p.Postmortem.At
	}
	return t
}
