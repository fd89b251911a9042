package store

import (
	"context"
	"database/sql"
	"fmt"

	"meldpunt/internal/desk"
)

const contractColumns = `id, org_id, name, support_hours, urgent_hours, covers_urgent,
	auto_close_hours, active, created_at, updated_at`

const (
	targetConflict  = "a contract gives a target for the same priority twice"
	contractMissing = "the contract's organisation does not exist"
)

func scanContract(row row) (desk.Contract, error) {
	var c desk.Contract
	var created, updated int64
	err := row.Scan(&c.ID, &c.OrgID, &c.Name, &c.SupportHours, &c.UrgentHours, &c.CoversUrgent,
		&c.AutoCloseHours, &c.Active, &created, &updated)
	c.CreatedAt, c.UpdatedAt = fromMillis(created), fromMillis(updated)
	c.Targets = []desk.Target{}
	return c, err
}

// CreateContract stores a new contract with its targets and sets its ID.
func (t *tx) CreateContract(ctx context.Context, c *desk.Contract) error {
	err := t.queryRow(ctx, `INSERT INTO contracts (org_id, name, support_hours, urgent_hours,
		covers_urgent, auto_close_hours, active, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		c.OrgID, c.Name, string(c.SupportHours), string(c.UrgentHours), c.CoversUrgent,
		c.AutoCloseHours, c.Active, millis(c.CreatedAt), millis(c.UpdatedAt)).Scan(&c.ID)
	if err != nil {
		return writeErr(err, "create contract", "", contractMissing)
	}
	return t.putTargets(ctx, c)
}

// putTargets replaces the contract's targets.
func (t *tx) putTargets(ctx context.Context, c *desk.Contract) error {
	if _, err := t.exec(ctx, "DELETE FROM contract_targets WHERE contract_id = $1", c.ID); err != nil {
		return fmt.Errorf("store contract targets: %w", err)
	}
	for _, tg := range c.Targets {
		_, err := t.exec(ctx, `INSERT INTO contract_targets
			(contract_id, priority, first_response_minutes, resolution_minutes) VALUES ($1, $2, $3, $4)`,
			c.ID, int64(tg.Priority), tg.FirstResponseMin, tg.ResolutionMin)
		if err != nil {
			return writeErr(err, "store contract targets", targetConflict, "")
		}
	}
	return nil
}

// Contract returns the contract with that id, its targets ordered by priority.
func (t *tx) Contract(ctx context.Context, id int64) (desk.Contract, error) {
	c, err := scanContract(t.queryRow(ctx, "SELECT "+contractColumns+" FROM contracts WHERE id = $1", id))
	if err != nil {
		return desk.Contract{}, readErr(err, "read contract", "contract")
	}
	targets, err := t.targets(ctx, "WHERE contract_id = $1", id)
	if err != nil {
		return desk.Contract{}, err
	}
	if ts, ok := targets[c.ID]; ok {
		c.Targets = ts
	}
	return c, nil
}

// Contracts lists an organisation's contracts, newest first; orgID 0 lists all.
func (t *tx) Contracts(ctx context.Context, orgID int64) ([]desk.Contract, error) {
	var w where
	if orgID != 0 {
		w.add("org_id = %s", orgID)
	}
	contracts, err := list(ctx, t, "list contracts", scanContract, "SELECT "+contractColumns+" FROM contracts"+w.sql()+" ORDER BY id DESC", w.args...)
	if err != nil {
		return nil, err
	}
	targets, err := t.targets(ctx, "WHERE contract_id IN (SELECT id FROM contracts"+w.sql()+")", w.args...)
	if err != nil {
		return nil, err
	}
	for i := range contracts {
		if ts, ok := targets[contracts[i].ID]; ok {
			contracts[i].Targets = ts
		}
	}
	return contracts, nil
}

// ActiveContract returns the newest active contract of an organisation with its targets
// ordered by priority, in one query; ENOTFOUND when it has none. Every new incident reads
// it for its SLA deadlines.
func (t *tx) ActiveContract(ctx context.Context, orgID int64) (desk.Contract, error) {
	var c desk.Contract
	err := each(ctx, t, "read active contract", func(r row) error {
		var created, updated int64
		var prio, response, resolution sql.NullInt64
		if err := r.Scan(&c.ID, &c.OrgID, &c.Name, &c.SupportHours, &c.UrgentHours, &c.CoversUrgent,
			&c.AutoCloseHours, &c.Active, &created, &updated, &prio, &response, &resolution); err != nil {
			return err
		}
		c.CreatedAt, c.UpdatedAt = fromMillis(created), fromMillis(updated)
		if c.Targets == nil {
			c.Targets = []desk.Target{}
		}
		if prio.Valid {
			c.Targets = append(c.Targets, desk.Target{Priority: desk.Priority(prio.Int64),
				FirstResponseMin: int(response.Int64), ResolutionMin: int(resolution.Int64)})
		}
		return nil
	}, `SELECT c.id, c.org_id, c.name, c.support_hours, c.urgent_hours, c.covers_urgent,
		c.auto_close_hours, c.active, c.created_at, c.updated_at,
		t.priority, t.first_response_minutes, t.resolution_minutes
		FROM contracts c LEFT JOIN contract_targets t ON t.contract_id = c.id
		WHERE c.id = (SELECT id FROM contracts WHERE org_id = $1 AND active = TRUE ORDER BY id DESC LIMIT 1)
		ORDER BY t.priority`, orgID)
	if err != nil {
		return desk.Contract{}, err
	}
	if c.ID == 0 {
		return desk.Contract{}, desk.NotFound("contract")
	}
	return c, nil
}

// targets loads the targets selected by cond, per contract, ordered by priority.
func (t *tx) targets(ctx context.Context, cond string, args ...any) (map[int64][]desk.Target, error) {
	out := map[int64][]desk.Target{}
	if err := each(ctx, t, "read contract targets", func(r row) error {
		var id int64
		var tg desk.Target
		if err := r.Scan(&id, &tg.Priority, &tg.FirstResponseMin, &tg.ResolutionMin); err != nil {
			return err
		}
		out[id] = append(out[id], tg)
		return nil
	}, `SELECT contract_id, priority, first_response_minutes, resolution_minutes
		FROM contract_targets `+cond+" ORDER BY contract_id, priority", args...); err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateContract stores the contract's fields and replaces its targets; CreatedAt never
// changes.
func (t *tx) UpdateContract(ctx context.Context, c *desk.Contract) error {
	res, err := t.exec(ctx, `UPDATE contracts SET org_id = $1, name = $2, support_hours = $3,
		urgent_hours = $4, covers_urgent = $5, auto_close_hours = $6, active = $7, updated_at = $8
		WHERE id = $9`,
		c.OrgID, c.Name, string(c.SupportHours), string(c.UrgentHours), c.CoversUrgent,
		c.AutoCloseHours, c.Active, millis(c.UpdatedAt), c.ID)
	if err != nil {
		return writeErr(err, "update contract", "", contractMissing)
	}
	if err := mustAffect(res, "update contract", "contract"); err != nil {
		return err
	}
	return t.putTargets(ctx, c)
}
