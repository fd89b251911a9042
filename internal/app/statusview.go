package app

import (
	"context"
	"sort"
	"strings"

	"meldpunt/internal/desk"
)

// The signed-in status view (issue 11 point 4, docs/status-page.md "Your own status,
// signed in"): a client sees the public components, as the public page shows them, and the
// clients-only components linked to its own organisation — never another client's. Staff
// see the public view: the components admin shows them every component already.

// StatusView is what a signed-in person's status view shows: the components and the groups
// that hold any of them, in the page's order, and the open incidents the person may see.
type StatusView struct {
	Groups     []desk.ComponentGroup
	Components []desk.Component
	// Own marks the components shown because they are linked to the actor's organisation
	// (clients-only components); the others are the public ones.
	Own map[int64]bool
}

// shownOnStatusView is the rule: which components an actor's status view shows besides
// the public ones. Only a client sees more, and only the clients-only components linked to
// its own organisation.
func shownOnStatusView(actor desk.Actor, c desk.Component) bool {
	if actor.Role.IsStaff() || !actor.Role.IsClient() || actor.OrgID == 0 {
		return false
	}
	return c.Visibility != desk.VisibilityPublic && c.UsedBy(actor.OrgID)
}

// StatusView reads the components the actor may see on a status view. The public part
// comes from Public, so it shows what the public page shows (the displayed status); a
// client's own components show their own status. No component carries its client links.
func (a *Components) StatusView(ctx context.Context, actor desk.Actor) (v StatusView, err error) {
	pub, err := a.Public(ctx)
	if err != nil {
		return v, err
	}
	v = StatusView{Groups: pub.Groups, Components: pub.Components, Own: map[int64]bool{}}
	if !actor.Role.IsClient() || actor.OrgID == 0 {
		return v, nil
	}
	var own []desk.Component
	var groups []desk.ComponentGroup
	err = a.db.read(ctx, func(tx componentTx) error {
		cs, err := tx.Components(ctx, actor.OrgID)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if shownOnStatusView(actor, c) {
				c.ClientIDs = []int64{}
				own = append(own, c)
			}
		}
		if len(own) > 0 {
			groups, err = tx.ComponentGroups(ctx)
		}
		return err
	})
	if err != nil || len(own) == 0 {
		return v, err
	}
	for _, c := range own {
		v.Own[c.ID] = true
		v.Components = append(v.Components, c)
	}
	// Groups in their order (position, name), each once, when it holds a shown component.
	rank := map[int64]int{}
	for i, g := range groups {
		rank[g.ID] = i
	}
	used := map[int64]bool{}
	for _, c := range v.Components {
		if c.GroupID != nil {
			used[*c.GroupID] = true
		}
	}
	v.Groups = v.Groups[:0:0]
	for _, g := range groups {
		if used[g.ID] {
			v.Groups = append(v.Groups, g)
		}
	}
	// Components as the store orders them: grouped ones by their group, then position and
	// name; ungrouped ones last.
	key := func(c desk.Component) int {
		if c.GroupID == nil {
			return len(groups)
		}
		return rank[*c.GroupID]
	}
	sort.SliceStable(v.Components, func(i, j int) bool {
		ci, cj := v.Components[i], v.Components[j]
		if ki, kj := key(ci), key(cj); ki != kj {
			return ki < kj
		}
		if ci.Position != cj.Position {
			return ci.Position < cj.Position
		}
		if ni, nj := strings.ToLower(ci.Name), strings.ToLower(cj.Name); ni != nj {
			return ni < nj
		}
		return ci.ID < cj.ID
	})
	return v, nil
}

// MaxStatusViewIncidents is how many open incidents the status view lists; the incident
// list has them all.
const MaxStatusViewIncidents = 50

// OpenIncidents lists the open incidents the actor may see, newest first, as the status
// view shows them: a client admin those of the organisation, a client user the ones they
// reported (the incident list's own rule). The bool tells whether there are more.
func (a *Incidents) OpenIncidents(ctx context.Context, actor desk.Actor) ([]desk.Incident, bool, error) {
	open := true
	p, err := a.List(ctx, actor, desk.IncidentFilter{Open: &open, Limit: MaxStatusViewIncidents})
	if err != nil {
		return nil, false, err
	}
	return p.Items, p.Next != 0, nil
}
