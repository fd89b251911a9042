package store

import (
	"context"
	"fmt"
	"time"

	"meldpunt/internal/desk"
)

// External parties and the reminders of the desk's watch (issue 4, steps 3 and 6;
// 0005_suppliers.sql).

const supplierColumns = "id, name, contact_name, email, phone, notes, active, created_at, updated_at"

const supplierConflict = "a supplier with that name exists already"

func scanSupplier(row row) (desk.Supplier, error) {
	var s desk.Supplier
	var created, updated int64
	err := row.Scan(&s.ID, &s.Name, &s.ContactName, &s.Email, &s.Phone, &s.Notes, &s.Active, &created, &updated)
	s.CreatedAt, s.UpdatedAt = fromMillis(created), fromMillis(updated)
	return s, err
}

// CreateSupplier stores a supplier and sets its ID; ECONFLICT when the name is taken (in
// any case).
func (t *tx) CreateSupplier(ctx context.Context, s *desk.Supplier) error {
	err := t.queryRow(ctx, `INSERT INTO suppliers (name, contact_name, email, phone, notes, active, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		s.Name, s.ContactName, s.Email, s.Phone, s.Notes, s.Active, millis(s.CreatedAt), millis(s.UpdatedAt)).Scan(&s.ID)
	if err != nil {
		return writeErr(err, "create supplier", supplierConflict, "")
	}
	return nil
}

// Supplier returns the supplier with that id.
func (t *tx) Supplier(ctx context.Context, id int64) (desk.Supplier, error) {
	s, err := scanSupplier(t.queryRow(ctx, "SELECT "+supplierColumns+" FROM suppliers WHERE id = $1", id))
	if err != nil {
		return desk.Supplier{}, readErr(err, "read supplier", "supplier")
	}
	return s, nil
}

// Suppliers lists the suppliers by name; only the active ones when activeOnly.
func (t *tx) Suppliers(ctx context.Context, activeOnly bool) ([]desk.Supplier, error) {
	q := "SELECT " + supplierColumns + " FROM suppliers"
	if activeOnly {
		q += " WHERE active = TRUE"
	}
	ss, err := list(ctx, t, "list suppliers", scanSupplier, q+" ORDER BY lower(name), id")
	if err != nil {
		return nil, err
	}
	return ss, nil
}

// UpdateSupplier stores every field but CreatedAt.
func (t *tx) UpdateSupplier(ctx context.Context, s *desk.Supplier) error {
	res, err := t.exec(ctx, `UPDATE suppliers SET name = $1, contact_name = $2, email = $3, phone = $4,
		notes = $5, active = $6, updated_at = $7 WHERE id = $8`,
		s.Name, s.ContactName, s.Email, s.Phone, s.Notes, s.Active, millis(s.UpdatedAt), s.ID)
	if err != nil {
		return writeErr(err, "update supplier", supplierConflict, "")
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("update supplier: %w", err)
	} else if n == 0 {
		return desk.NotFound("supplier")
	}
	return nil
}

// The conditions of the reminders; they repeat the predicates of the incidents_follow_up
// and incidents_watched indexes (0005_suppliers.sql) word for word.
const (
	followUpDue = "follow_up_reminded = FALSE AND state NOT IN ('resolved', 'closed') AND follow_up_at <= %s"
	staleDue    = "state NOT IN ('resolved', 'closed') AND priority = %[1]s AND updated_at < %[2]s" +
		" AND (stale_reminded_at IS NULL OR stale_reminded_at < %[2]s)"
)

// DueFollowUps lists the ids of at most limit incidents the desk still watches whose
// follow-up date has passed at now and whose owner was not yet reminded of it, the longest
// overdue first.
func (t *tx) DueFollowUps(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	return t.ids(ctx, "due follow-ups", "SELECT id FROM incidents WHERE "+fmt.Sprintf(followUpDue, "$1")+
		" ORDER BY follow_up_at, id LIMIT $2", millis(now), max(limit, 1))
}

// MarkFollowUp records that the owner was reminded of the incident's follow-up date, if it
// is still due at now, and tells whether this call did: of several transactions that try
// at once, exactly one changes the row. It increments the version, so a change based on the
// incident as it was before fails with ECONFLICT instead of clearing the mark again.
func (t *tx) MarkFollowUp(ctx context.Context, id int64, now time.Time) (bool, error) {
	return t.changed(ctx, "mark follow-up", "UPDATE incidents SET follow_up_reminded = TRUE, version = version + 1 WHERE id = $1 AND "+
		fmt.Sprintf(followUpDue, "$2"), id, millis(now))
}

// DueStale lists the ids of at most limit incidents of priority p the desk still watches
// that had no update since before cutoff and whose owner was not reminded since then, the
// longest untouched first.
func (t *tx) DueStale(ctx context.Context, p desk.Priority, cutoff time.Time, limit int) ([]int64, error) {
	return t.ids(ctx, "due stale incidents", "SELECT id FROM incidents WHERE "+fmt.Sprintf(staleDue, "$1", "$2")+
		" ORDER BY updated_at, id LIMIT $3", int64(p), millis(cutoff), max(limit, 1))
}

// MarkStale records at now that the owner was reminded of the stale incident, if it still
// is (of priority p, no update and no reminder since cutoff), and tells whether this call
// did. The version stays: an update of the incident makes it fresh anyway.
func (t *tx) MarkStale(ctx context.Context, id int64, p desk.Priority, cutoff, now time.Time) (bool, error) {
	return t.changed(ctx, "mark stale", "UPDATE incidents SET stale_reminded_at = $1 WHERE id = $2 AND "+
		fmt.Sprintf(staleDue, "$3", "$4"), millis(now), id, int64(p), millis(cutoff))
}

// TouchIncident records an update of the incident at at (a reply or a note) without
// changing its version: its updated_at moves forward, never back.
func (t *tx) TouchIncident(ctx context.Context, id int64, at time.Time) error {
	if _, err := t.exec(ctx, "UPDATE incidents SET updated_at = $1 WHERE id = $2 AND updated_at < $1", millis(at), id); err != nil {
		return fmt.Errorf("touch incident: %w", err)
	}
	return nil
}

// changed runs an update and tells whether it changed exactly one row.
func (t *tx) changed(ctx context.Context, what, q string, args ...any) (bool, error) {
	res, err := t.exec(ctx, q, args...)
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	return n == 1, nil
}
