package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"meldpunt/internal/desk"
)

const changeColumns = `id, title, description, state, created_by, version, created_at, updated_at,
	decided_at, implemented_at`

const (
	changeMissing  = "the change request refers to an incident or user that does not exist"
	changeConflict = "the change request was changed by someone else; reload and try again"
)

func scanChange(row row) (desk.ChangeRequest, error) {
	var c desk.ChangeRequest
	var by, decided, implemented sql.NullInt64
	var created, updated int64
	err := row.Scan(&c.ID, &c.Title, &c.Description, &c.State, &by, &c.Version, &created, &updated,
		&decided, &implemented)
	c.Number = desk.FormatChangeNumber(c.ID)
	c.CreatedByID = fromNullID(by)
	c.CreatedAt, c.UpdatedAt = fromMillis(created), fromMillis(updated)
	c.DecidedAt, c.ImplementedAt = fromNullMillis(decided), fromNullMillis(implemented)
	c.IncidentIDs, c.Decisions = []int64{}, []desk.ChangeDecision{}
	return c, err
}

// CreateChange stores the change request and its incident links (linked at CreatedAt),
// and sets ID, Number and Version (1). IncidentIDs is left sorted and without duplicates,
// as it reads back; Decisions is not stored (see AddChangeDecision).
func (t *tx) CreateChange(ctx context.Context, c *desk.ChangeRequest) error {
	err := t.queryRow(ctx, `INSERT INTO change_requests (title, description, state, created_by, version,
		created_at, updated_at, decided_at, implemented_at)
		VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8) RETURNING id`,
		c.Title, c.Description, string(c.State), nullID(c.CreatedByID), millis(c.CreatedAt), millis(c.UpdatedAt),
		nullMillis(c.DecidedAt), nullMillis(c.ImplementedAt)).Scan(&c.ID)
	if err != nil {
		return writeErr(err, "create change request", "", changeMissing)
	}
	c.Number, c.Version = desk.FormatChangeNumber(c.ID), 1
	c.IncidentIDs = sortedIDs(c.IncidentIDs)
	if c.Decisions == nil {
		c.Decisions = []desk.ChangeDecision{}
	}
	for _, inc := range c.IncidentIDs {
		if err := t.LinkChange(ctx, c.ID, inc, c.CreatedAt); err != nil {
			return err
		}
	}
	return nil
}

// Change returns the change request with that id, its links and its decisions.
func (t *tx) Change(ctx context.Context, id int64) (desk.ChangeRequest, error) {
	c, err := scanChange(t.queryRow(ctx, "SELECT "+changeColumns+" FROM change_requests WHERE id = $1", id))
	if err != nil {
		return desk.ChangeRequest{}, readErr(err, "read change request", "change request")
	}
	list := []desk.ChangeRequest{c}
	if err := t.loadChangeDetails(ctx, list); err != nil {
		return desk.ChangeRequest{}, err
	}
	return list[0], nil
}

// changeWhere turns a filter into conditions; every field narrows the selection.
func changeWhere(f desk.ChangeFilter) *where {
	w := &where{}
	if len(f.States) > 0 {
		ph := make([]string, len(f.States))
		for i, s := range f.States {
			ph[i] = w.arg(string(s))
		}
		w.conds = append(w.conds, "state IN ("+strings.Join(ph, ", ")+")")
	}
	if f.IncidentID != 0 {
		w.add("id IN (SELECT change_id FROM change_request_incidents WHERE incident_id = %s)", f.IncidentID)
	}
	if f.After != 0 {
		w.add("id < %s", f.After)
	}
	return w
}

// Changes lists change requests newest first (by id), those with an id below f.After
// when it is set, at most f.Limit (default 50, at most 500) of them, with their links and
// decisions.
func (t *tx) Changes(ctx context.Context, f desk.ChangeFilter) ([]desk.ChangeRequest, error) {
	w := changeWhere(f)
	q := "SELECT " + changeColumns + " FROM change_requests" + w.sql() + " ORDER BY id DESC LIMIT " + w.arg(limit(f.Limit))
	cs, err := list(ctx, t, "list change requests", scanChange, q, w.args...)
	if err != nil {
		return nil, err
	}
	if err := t.loadChangeDetails(ctx, cs); err != nil {
		return nil, err
	}
	return cs, nil
}

// CountChanges counts the change requests the filter selects (Limit does not apply;
// After does).
func (t *tx) CountChanges(ctx context.Context, f desk.ChangeFilter) (int, error) {
	w := changeWhere(f)
	var n int
	if err := t.queryRow(ctx, "SELECT count(*) FROM change_requests"+w.sql(), w.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count change requests: %w", err)
	}
	return n, nil
}

// loadChangeDetails fills IncidentIDs and Decisions of the listed change requests, with
// one query each.
func (t *tx) loadChangeDetails(ctx context.Context, list []desk.ChangeRequest) error {
	if len(list) == 0 {
		return nil
	}
	args := make([]any, len(list))
	index := make(map[int64]int, len(list))
	for i, c := range list {
		args[i] = c.ID
		index[c.ID] = i
	}
	in := placeholders(1, len(args))
	if err := each(ctx, t, "read change request incidents", func(r row) error {
		var change, inc int64
		if err := r.Scan(&change, &inc); err != nil {
			return err
		}
		i := index[change]
		list[i].IncidentIDs = append(list[i].IncidentIDs, inc)
		return nil
	}, "SELECT change_id, incident_id FROM change_request_incidents WHERE change_id IN ("+
		in+") ORDER BY change_id, incident_id", args...); err != nil {
		return err
	}

	if err := each(ctx, t, "read change request decisions", func(r row) error {
		var d desk.ChangeDecision
		var actor sql.NullInt64
		var created int64
		if err := r.Scan(&d.ID, &d.ChangeID, &d.From, &d.To, &d.Reason, &actor, &d.ActorName, &created); err != nil {
			return err
		}
		d.ActorID, d.CreatedAt = fromNullID(actor), fromMillis(created)
		i := index[d.ChangeID]
		list[i].Decisions = append(list[i].Decisions, d)
		return nil
	}, `SELECT id, change_id, from_state, to_state, reason, actor_id, actor_name, created_at
		FROM change_request_decisions WHERE change_id IN (`+in+`) ORDER BY change_id, id`, args...); err != nil {
		return err
	}
	return nil
}

// UpdateChange stores the fields (CreatedAt and CreatedByID excepted) if c.Version is still
// the stored version, and then increments c.Version. A stale version gives ECONFLICT.
// Links and decisions have methods of their own.
func (t *tx) UpdateChange(ctx context.Context, c *desk.ChangeRequest) error {
	res, err := t.exec(ctx, `UPDATE change_requests SET title = $1, description = $2, state = $3,
		updated_at = $4, decided_at = $5, implemented_at = $6, version = version + 1
		WHERE id = $7 AND version = $8`,
		c.Title, c.Description, string(c.State), millis(c.UpdatedAt), nullMillis(c.DecidedAt),
		nullMillis(c.ImplementedAt), c.ID, c.Version)
	if err != nil {
		return fmt.Errorf("update change request: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("update change request: %w", err)
	}
	if n == 0 {
		var exists int
		err := t.queryRow(ctx, "SELECT count(*) FROM change_requests WHERE id = $1", c.ID).Scan(&exists)
		if err != nil {
			return fmt.Errorf("update change request: %w", err)
		}
		if exists == 0 {
			return desk.NotFound("change request")
		}
		return &desk.Error{Code: desk.ECONFLICT, Message: changeConflict}
	}
	c.Version++
	c.Number = desk.FormatChangeNumber(c.ID)
	return nil
}

// LinkChange links an incident to a change request. ECONFLICT when they are linked
// already; EINVALID when either does not exist.
func (t *tx) LinkChange(ctx context.Context, changeID, incidentID int64, at time.Time) error {
	_, err := t.exec(ctx, "INSERT INTO change_request_incidents (change_id, incident_id, linked_at) VALUES ($1, $2, $3)",
		changeID, incidentID, millis(at))
	if err != nil {
		return writeErr(err, "link change request", "the incident is linked to this change request already", changeMissing)
	}
	return nil
}

// UnlinkChange removes the link of an incident to a change request; ENOTFOUND when they
// are not linked.
func (t *tx) UnlinkChange(ctx context.Context, changeID, incidentID int64) error {
	res, err := t.exec(ctx, "DELETE FROM change_request_incidents WHERE change_id = $1 AND incident_id = $2", changeID, incidentID)
	if err != nil {
		return fmt.Errorf("unlink change request: %w", err)
	}
	return mustAffect(res, "unlink change request", "link")
}

// AddChangeDecision records a state change of a change request and sets d.ID.
func (t *tx) AddChangeDecision(ctx context.Context, d *desk.ChangeDecision) error {
	err := t.queryRow(ctx, `INSERT INTO change_request_decisions (change_id, from_state, to_state, reason,
		actor_id, actor_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		d.ChangeID, string(d.From), string(d.To), d.Reason, nullID(d.ActorID), d.ActorName, millis(d.CreatedAt)).Scan(&d.ID)
	if err != nil {
		return writeErr(err, "add change request decision", "", changeMissing)
	}
	return nil
}
