package app

import (
	"context"

	"meldpunt/internal/desk"
)

// CreateComponentGroup adds a group of components; only admins may.
func (a *Components) CreateGroup(ctx context.Context, actor desk.Actor, g desk.ComponentGroup) (desk.ComponentGroup, error) {
	if err := requireAdmin(actor, "create component groups"); err != nil {
		return g, err
	}
	if err := g.Validate(); err != nil {
		return g, err
	}
	err := a.db.write(ctx, func(tx componentTx) error {
		if err := tx.CreateComponentGroup(ctx, &g); err != nil {
			return err
		}
		return audit(ctx, tx, actor, a.clock(), "component_group", g.ID, nil, "create", nil, g)
	})
	return g, err
}

// ComponentGroups lists the groups. Group names are no secret: the status page shows them.
func (a *Components) Groups(ctx context.Context, actor desk.Actor) (gs []desk.ComponentGroup, err error) {
	err = a.db.read(ctx, func(tx componentTx) error {
		gs, err = tx.ComponentGroups(ctx)
		return err
	})
	return gs, err
}

// CreateComponent adds a component; only admins may.
func (a *Components) Create(ctx context.Context, actor desk.Actor, c desk.Component) (desk.Component, error) {
	if err := requireAdmin(actor, "create components"); err != nil {
		return c, err
	}
	c.Defaults()
	if err := c.Validate(); err != nil {
		return c, err
	}
	c.CreatedAt = a.clock()
	c.UpdatedAt = c.CreatedAt
	err := a.db.write(ctx, func(tx componentTx) error {
		if err := checkComponentRefs(ctx, tx, &c); err != nil {
			return err
		}
		if err := tx.CreateComponent(ctx, &c); err != nil {
			return err
		}
		return audit(ctx, tx, actor, c.CreatedAt, "component", c.ID, nil, "create", nil, c)
	})
	return c, err
}

// checkComponentRefs checks that the group and every linked client exist.
func checkComponentRefs(ctx context.Context, tx interface {
	ComponentStore
	OrganisationStore
}, c *desk.Component) error {
	var v desk.Validator
	if c.GroupID != nil {
		if _, err := tx.ComponentGroup(ctx, *c.GroupID); desk.IsNotFound(err) {
			v.Add("group_id", "exists", "no component group has this id")
		} else if err != nil {
			return err
		}
	}
	if c.ClientIDs == nil {
		c.ClientIDs = []int64{}
	}
	seen := map[int64]bool{}
	for i, id := range c.ClientIDs {
		o, err := tx.Organisation(ctx, id)
		switch {
		case desk.IsNotFound(err) || err == nil && o.Kind != desk.OrgClient:
			v.Add("client_ids["+itoa(i)+"]", "exists", "no client organisation has this id")
		case err != nil:
			return err
		case seen[id]:
			v.Add("client_ids["+itoa(i)+"]", "unique", "is listed twice")
		}
		seen[id] = true
	}
	return v.Err()
}

// Component returns a component: staff any, a client one it uses.
func (a *Components) Get(ctx context.Context, actor desk.Actor, id int64) (c desk.Component, err error) {
	err = a.db.read(ctx, func(tx componentTx) error {
		c, err = tx.Component(ctx, id)
		if err == nil && !actor.Role.IsStaff() {
			if !c.UsedBy(actor.OrgID) {
				return desk.NotFound("component")
			}
			c.ClientIDs = []int64{actor.OrgID} // a client does not learn who else uses it
		}
		return err
	})
	return c, err
}

// Components lists components: staff all (or those of clientID), a client the ones it uses.
func (a *Components) List(ctx context.Context, actor desk.Actor, clientID int64) (cs []desk.Component, err error) {
	if !actor.Role.IsStaff() {
		if clientID != 0 && clientID != actor.OrgID {
			return []desk.Component{}, nil
		}
		clientID = actor.OrgID
	}
	err = a.db.read(ctx, func(tx componentTx) error {
		cs, err = tx.Components(ctx, clientID)
		return err
	})
	if !actor.Role.IsStaff() {
		for i := range cs {
			cs[i].ClientIDs = []int64{actor.OrgID}
		}
	}
	return cs, err
}

// ComponentPatch holds the fields to change; nil leaves a field as it is.
type ComponentPatch struct {
	GroupID     *int64   `json:"group_id"`
	Name        *string  `json:"name"`
	Description *string  `json:"description"`
	Position    *int     `json:"position"`
	ClientIDs   *[]int64 `json:"client_ids"`
	// Status and Visibility are the component's public status and who sees it.
	Status     *desk.ComponentStatus     `json:"status"`
	Visibility *desk.ComponentVisibility `json:"visibility"`
}

// UpdateComponent changes a component; only admins may. A GroupID of 0 removes the group.
func (a *Components) Update(ctx context.Context, actor desk.Actor, id int64, p ComponentPatch) (c desk.Component, err error) {
	return a.update(ctx, actor, id, p, func() error { return requireAdmin(actor, "change components") })
}

// SetStatus sets a component's status: the desk (agents and admins) may, since it is the
// desk that sees an outage first. The status history is written in the same transaction.
func (a *Components) SetStatus(ctx context.Context, actor desk.Actor, id int64, status desk.ComponentStatus) (desk.Component, error) {
	return a.update(ctx, actor, id, ComponentPatch{Status: &status}, func() error { return requireDesk(actor, "set component statuses") })
}

// update applies p once may allows it; a client that does not use the component learns
// nothing of it (404) before may is asked.
func (a *Components) update(ctx context.Context, actor desk.Actor, id int64, p ComponentPatch, may func() error) (c desk.Component, err error) {
	err = a.db.write(ctx, func(tx componentTx) error {
		if c, err = tx.Component(ctx, id); err != nil {
			return err
		}
		if !actor.Role.IsStaff() && !c.UsedBy(actor.OrgID) {
			return desk.NotFound("component")
		}
		if err := may(); err != nil {
			return err
		}
		before := c
		if p.GroupID != nil {
			c.GroupID = p.GroupID
			if *p.GroupID == 0 {
				c.GroupID = nil
			}
		}
		set(&c.Name, p.Name)
		set(&c.Description, p.Description)
		set(&c.Position, p.Position)
		set(&c.ClientIDs, p.ClientIDs)
		set(&c.Status, p.Status)
		set(&c.Visibility, p.Visibility)
		if err := c.Validate(); err != nil {
			return err
		}
		if err := checkComponentRefs(ctx, tx, &c); err != nil {
			return err
		}
		c.UpdatedAt = a.clock()
		if err := tx.UpdateComponent(ctx, &c); err != nil {
			return err
		}
		if c.Status != before.Status {
			if err := tx.RecordComponentStatus(ctx, c.ID, c.Status, c.UpdatedAt); err != nil {
				return err
			}
		}
		return audit(ctx, tx, actor, c.UpdatedAt, "component", c.ID, nil, "update", before, c)
	})
	return c, err
}

// DeleteComponent removes a component; only admins may. Incidents keep their history.
func (a *Components) Delete(ctx context.Context, actor desk.Actor, id int64) error {
	return a.db.write(ctx, func(tx componentTx) error {
		c, err := tx.Component(ctx, id)
		if err != nil {
			return err
		}
		if !actor.Role.IsStaff() && !c.UsedBy(actor.OrgID) {
			return desk.NotFound("component")
		}
		if err := requireAdmin(actor, "delete components"); err != nil {
			return err
		}
		if err := tx.DeleteComponent(ctx, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, a.clock(), "component", id, nil, "delete", c, map[string]any{})
	})
}

// StatusHistory lists a component's status changes, oldest first; staff only.
func (a *Components) StatusHistory(ctx context.Context, actor desk.Actor, id int64) (hs []desk.ComponentStatusChange, err error) {
	if !actor.Role.IsStaff() {
		return nil, desk.NotFound("component")
	}
	err = a.db.read(ctx, func(tx componentTx) error {
		if _, err := tx.Component(ctx, id); err != nil {
			return err
		}
		hs, err = tx.ComponentStatusHistory(ctx, id)
		return err
	})
	return hs, err
}

// PublicPage is what the public status page may show: the public components (with no
// client links: a visitor never learns who uses what) and the groups that hold any of them.
// A component's Status is its displayed status (desk.DisplayedStatuses): the worst of its
// own, its active maintenance and the open public incidents that affect it. Open lists the
// open public incidents and maintenances (scheduled ones too) in their public view, newest
// first, for the page's indicator (desk.PageIndicatorWith).
type PublicPage struct {
	Groups     []desk.ComponentGroup
	Components []desk.Component
	Open       []desk.PublicIncident
}

// Public reads the public components and their groups; it needs no actor, since everyone
// may see them. A clients-only component never appears.
func (a *Components) Public(ctx context.Context) (p PublicPage, err error) {
	err = a.db.read(ctx, func(tx componentTx) error {
		all, err := tx.Components(ctx, 0)
		if err != nil {
			return err
		}
		groups, err := tx.ComponentGroups(ctx)
		if err != nil {
			return err
		}
		open, err := tx.PublicIncidents(ctx, PublicIncidentFilter{State: PublicOpen, Limit: 500})
		if err != nil {
			return err
		}
		shown := desk.DisplayedStatuses(all, open)
		used := map[int64]bool{}
		p.Components = []desk.Component{}
		for _, c := range all {
			if c.Visibility != desk.VisibilityPublic {
				continue
			}
			c.ClientIDs = []int64{}
			c.Status = shown[c.ID]
			p.Components = append(p.Components, c)
			if c.GroupID != nil {
				used[*c.GroupID] = true
			}
		}
		p.Groups = []desk.ComponentGroup{}
		for _, g := range groups {
			if used[g.ID] {
				p.Groups = append(p.Groups, g)
			}
		}
		visible := func(id int64) bool {
			c, err := findComponent(p.Components, id)
			return err == nil && c.ID == id
		}
		p.Open = make([]desk.PublicIncident, 0, len(open))
		for _, o := range open {
			p.Open = append(p.Open, o.Public(visible))
		}
		return nil
	})
	return p, err
}

// findComponent finds a component by id in cs.
func findComponent(cs []desk.Component, id int64) (desk.Component, error) {
	for _, c := range cs {
		if c.ID == id {
			return c, nil
		}
	}
	return desk.Component{}, desk.NotFound("component")
}

func itoa(i int) string { return desk.FormatInt(int64(i)) }
