package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"meldpunt/internal/desk"
)

const componentMissing = "the component's group or one of its clients does not exist"

// CreateComponentGroup stores a new group and sets its ID.
func (t *tx) CreateComponentGroup(ctx context.Context, g *desk.ComponentGroup) error {
	err := t.queryRow(ctx, "INSERT INTO component_groups (name, position) VALUES ($1, $2) RETURNING id",
		g.Name, g.Position).Scan(&g.ID)
	if err != nil {
		return fmt.Errorf("create component group: %w", err)
	}
	return nil
}

// ComponentGroup returns the group with that id.
func (t *tx) ComponentGroup(ctx context.Context, id int64) (desk.ComponentGroup, error) {
	var g desk.ComponentGroup
	err := t.queryRow(ctx, "SELECT id, name, position FROM component_groups WHERE id = $1", id).
		Scan(&g.ID, &g.Name, &g.Position)
	if err != nil {
		return desk.ComponentGroup{}, readErr(err, "read component group", "component group")
	}
	return g, nil
}

// ComponentGroups lists the groups by position, then name, as the status page shows them.
func (t *tx) ComponentGroups(ctx context.Context) ([]desk.ComponentGroup, error) {
	groups := []desk.ComponentGroup{}
	if err := each(ctx, t, "list component groups", func(r row) error {
		var g desk.ComponentGroup
		if err := r.Scan(&g.ID, &g.Name, &g.Position); err != nil {
			return err
		}
		groups = append(groups, g)
		return nil
	}, "SELECT id, name, position FROM component_groups ORDER BY position, lower(name), id"); err != nil {
		return nil, err
	}
	return groups, nil
}

// CreateComponent stores the component and its client links and sets its ID; ClientIDs is
// left sorted and without duplicates, as it reads back.
func (t *tx) CreateComponent(ctx context.Context, c *desk.Component) error {
	if c.Monitoring.Mode == "" {
		c.Monitoring.Mode = desk.MonitorPropose
	}
	c.Monitoring.Observed = ""
	err := t.queryRow(ctx, `INSERT INTO components (group_id, name, description, position, status, visibility, created_at, updated_at,
		monitor_mode, monitor_autoresolve)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		nullID(c.GroupID), c.Name, c.Description, c.Position, string(c.Status), string(c.Visibility),
		millis(c.CreatedAt), millis(c.UpdatedAt), string(c.Monitoring.Mode), c.Monitoring.Autoresolve).Scan(&c.ID)
	if err != nil {
		return writeErr(err, "create component", "", componentMissing)
	}
	if err := t.RecordComponentStatus(ctx, c.ID, c.Status, c.CreatedAt); err != nil {
		return err
	}
	return t.putClients(ctx, c)
}

// putClients replaces the component's client links.
func (t *tx) putClients(ctx context.Context, c *desk.Component) error {
	c.ClientIDs = sortedIDs(c.ClientIDs)
	if _, err := t.exec(ctx, "DELETE FROM component_clients WHERE component_id = $1", c.ID); err != nil {
		return fmt.Errorf("store component clients: %w", err)
	}
	for _, org := range c.ClientIDs {
		_, err := t.exec(ctx, "INSERT INTO component_clients (component_id, org_id) VALUES ($1, $2)", c.ID, org)
		if err != nil {
			return writeErr(err, "store component clients", "", componentMissing)
		}
	}
	return nil
}

const componentSelect = `SELECT c.id, c.group_id, c.name, c.description, c.position, c.status, c.visibility, c.created_at, c.updated_at,
	c.monitor_mode, c.monitor_autoresolve, c.observed_status
	FROM components c LEFT JOIN component_groups g ON g.id = c.group_id`

// componentOrder puts components in their group's order, ungrouped components last.
const componentOrder = ` ORDER BY CASE WHEN g.id IS NULL THEN 1 ELSE 0 END, g.position, g.id,
	c.position, lower(c.name), c.id`

func scanComponent(row row) (desk.Component, error) {
	var c desk.Component
	var group sql.NullInt64
	var created, updated int64
	err := row.Scan(&c.ID, &group, &c.Name, &c.Description, &c.Position, &c.Status, &c.Visibility, &created, &updated,
		&c.Monitoring.Mode, &c.Monitoring.Autoresolve, &c.Monitoring.Observed)
	c.GroupID = fromNullID(group)
	c.CreatedAt, c.UpdatedAt = fromMillis(created), fromMillis(updated)
	c.ClientIDs = []int64{}
	return c, err
}

// Component returns the component with that id and its client links.
func (t *tx) Component(ctx context.Context, id int64) (desk.Component, error) {
	c, err := scanComponent(t.queryRow(ctx, componentSelect+" WHERE c.id = $1", id))
	if err != nil {
		return desk.Component{}, readErr(err, "read component", "component")
	}
	links, err := t.componentClients(ctx, "WHERE component_id = $1", id)
	if err != nil {
		return desk.Component{}, err
	}
	if ids, ok := links[c.ID]; ok {
		c.ClientIDs = ids
	}
	return c, nil
}

// Components lists components by group position, position, name (ungrouped ones last);
// clientID 0 lists all, otherwise those linked to that client.
func (t *tx) Components(ctx context.Context, clientID int64) ([]desk.Component, error) {
	var w where
	if clientID != 0 {
		w.add("c.id IN (SELECT component_id FROM component_clients WHERE org_id = %s)", clientID)
	}
	comps, err := list(ctx, t, "list components", scanComponent, componentSelect+w.sql()+componentOrder, w.args...)
	if err != nil {
		return nil, err
	}
	cond := ""
	if clientID != 0 {
		cond = "WHERE component_id IN (SELECT component_id FROM component_clients WHERE org_id = $1)"
	}
	links, err := t.componentClients(ctx, cond, w.args...)
	if err != nil {
		return nil, err
	}
	for i := range comps {
		if ids, ok := links[comps[i].ID]; ok {
			comps[i].ClientIDs = ids
		}
	}
	return comps, nil
}

// componentClients loads the client links selected by cond, per component, sorted.
func (t *tx) componentClients(ctx context.Context, cond string, args ...any) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if err := each(ctx, t, "read component clients", func(r row) error {
		var comp, org int64
		if err := r.Scan(&comp, &org); err != nil {
			return err
		}
		out[comp] = append(out[comp], org)
		return nil
	}, "SELECT component_id, org_id FROM component_clients "+cond+
		" ORDER BY component_id, org_id", args...); err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateComponent stores the fields and replaces the client links; CreatedAt never changes.
func (t *tx) UpdateComponent(ctx context.Context, c *desk.Component) error {
	res, err := t.exec(ctx, `UPDATE components SET group_id = $1, name = $2, description = $3,
		position = $4, status = $5, visibility = $6, updated_at = $7 WHERE id = $8`,
		nullID(c.GroupID), c.Name, c.Description, c.Position, string(c.Status), string(c.Visibility),
		millis(c.UpdatedAt), c.ID)
	if err != nil {
		return writeErr(err, "update component", "", componentMissing)
	}
	if err := mustAffect(res, "update component", "component"); err != nil {
		return err
	}
	return t.putClients(ctx, c)
}

// DeleteComponent deletes the component, its client links and its links to incidents
// (the incidents themselves stay).
func (t *tx) DeleteComponent(ctx context.Context, id int64) error {
	for _, q := range []string{
		"DELETE FROM incident_components WHERE component_id = $1",
		"DELETE FROM component_clients WHERE component_id = $1",
		"DELETE FROM component_status_history WHERE component_id = $1",
	} {
		if _, err := t.exec(ctx, q, id); err != nil {
			return fmt.Errorf("delete component: %w", err)
		}
	}
	res, err := t.exec(ctx, "DELETE FROM components WHERE id = $1", id)
	if err != nil {
		return fmt.Errorf("delete component: %w", err)
	}
	return mustAffect(res, "delete component", "component")
}

// RecordComponentStatus adds a row to the component's status history: from at on, it had
// status. The caller writes it in the transaction that changes the status.
func (t *tx) RecordComponentStatus(ctx context.Context, id int64, status desk.ComponentStatus, at time.Time) error {
	_, err := t.exec(ctx, "INSERT INTO component_status_history (component_id, status, from_at) VALUES ($1, $2, $3)",
		id, string(status), millis(at))
	if err != nil {
		return writeErr(err, "record component status", "", "the component does not exist")
	}
	return nil
}

// ComponentStatusHistory lists the component's status changes, oldest first.
func (t *tx) ComponentStatusHistory(ctx context.Context, id int64) ([]desk.ComponentStatusChange, error) {
	out := []desk.ComponentStatusChange{}
	if err := each(ctx, t, "read component status history", func(r row) error {
		h := desk.ComponentStatusChange{ComponentID: id}
		var at int64
		if err := r.Scan(&h.Status, &at); err != nil {
			return err
		}
		h.At = fromMillis(at)
		out = append(out, h)
		return nil
	}, "SELECT status, from_at FROM component_status_history WHERE component_id = $1 ORDER BY from_at, id", id); err != nil {
		return nil, err
	}
	return out, nil
}

// StatusPageVersion reads the status page's change counter (migration 11).
func (t *tx) StatusPageVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := t.queryRow(ctx, "SELECT version FROM status_page_version WHERE id = 1").Scan(&v); err != nil {
		return 0, fmt.Errorf("read status page version: %w", err)
	}
	return v, nil
}
