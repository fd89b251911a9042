package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"meldpunt/internal/desk"
)

// The timeline and the audit log are append-only: there is no method to change or delete
// an entry, so the history an incident or an audit shows is the history that happened.

// AddTimelineEntry appends an entry to an incident's timeline and sets its ID.
func (t *tx) AddTimelineEntry(ctx context.Context, e *desk.TimelineEntry) error {
	args, err := json.Marshal(e.Args)
	if err != nil || e.Args == nil {
		args = []byte("[]")
	}
	e.ID, err = t.insert(ctx, `INSERT INTO timeline (incident_id, kind, visibility, author_id,
		author_name, body, from_state, to_state, event, args, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		e.IncidentID, string(e.Kind), string(e.Visibility), nullID(e.AuthorID), e.AuthorName, e.Body,
		string(e.FromState), string(e.ToState), e.Event, string(args), millis(e.CreatedAt))
	if err != nil {
		return writeErr(err, "add timeline entry", "", "the timeline entry refers to an incident or author that does not exist")
	}
	return nil
}

// Timeline lists an incident's entries oldest first; internal entries only when asked.
func (t *tx) Timeline(ctx context.Context, incidentID int64, includeInternal bool) ([]desk.TimelineEntry, error) {
	var w where
	w.add("incident_id = %s", incidentID)
	if !includeInternal {
		w.add("visibility = %s", string(desk.Public))
	}
	entries := []desk.TimelineEntry{}
	if err := each(ctx, t, "list timeline", func(r row) error {
		var e desk.TimelineEntry
		var author sql.NullInt64
		var created int64
		var args string
		err := r.Scan(&e.ID, &e.IncidentID, &e.Kind, &e.Visibility, &author, &e.AuthorName, &e.Body,
			&e.FromState, &e.ToState, &e.Event, &args, &created)
		if err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(args), &e.Args); err != nil {
			return fmt.Errorf("args of entry %d: %w", e.ID, err)
		}
		if len(e.Args) == 0 {
			e.Args = nil // as written: an entry without an event has no arguments
		}
		e.AuthorID, e.CreatedAt = fromNullID(author), fromMillis(created)
		entries = append(entries, e)
		return nil
	}, `SELECT id, incident_id, kind, visibility, author_id, author_name, body,
		from_state, to_state, event, args, created_at FROM timeline`+w.sql()+" ORDER BY id", w.args...); err != nil {
		return nil, err
	}
	return entries, nil
}

// AddAudit appends an entry to the audit log and sets its ID.
func (t *tx) AddAudit(ctx context.Context, a *desk.AuditEntry) error {
	var err error
	a.ID, err = t.insert(ctx, `INSERT INTO audit (at, actor_id, actor_name, address, entity, entity_id,
		org_id, action, before_json, after_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		millis(a.At), nullID(a.ActorID), a.ActorName, a.Address, a.Entity, a.EntityID, nullID(a.OrgID),
		a.Action, a.Before, a.After)
	if err != nil {
		return fmt.Errorf("add audit entry: %w", err)
	}
	return nil
}

// Audit lists entries newest first (by id), below f.After when set, at most f.Limit
// (default 50, at most 500).
func (t *tx) Audit(ctx context.Context, f desk.AuditFilter) ([]desk.AuditEntry, error) {
	var w where
	if f.Entity != "" {
		w.add("entity = %s", f.Entity)
	}
	if f.EntityID != 0 {
		w.add("entity_id = %s", f.EntityID)
	}
	if f.After != 0 {
		w.add("id < %s", f.After)
	}
	q := `SELECT id, at, actor_id, actor_name, address, entity, entity_id, org_id, action, before_json, after_json
		FROM audit` + w.sql() + " ORDER BY id DESC LIMIT " + w.arg(limit(f.Limit))
	entries := []desk.AuditEntry{}
	if err := each(ctx, t, "list audit", func(r row) error {
		var a desk.AuditEntry
		var actor, org sql.NullInt64
		var at int64
		err := r.Scan(&a.ID, &at, &actor, &a.ActorName, &a.Address, &a.Entity, &a.EntityID, &org,
			&a.Action, &a.Before, &a.After)
		if err != nil {
			return err
		}
		a.At, a.ActorID, a.OrgID = fromMillis(at), fromNullID(actor), fromNullID(org)
		entries = append(entries, a)
		return nil
	}, q, w.args...); err != nil {
		return nil, err
	}
	return entries, nil
}
